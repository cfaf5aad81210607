#include "log/export.h"

#include <filesystem>

#include "base/file.h"
#include "log/reader.h"
#include "merkle/tile.h"

namespace lifeline::log {

namespace {

// With keep_full_tiles: true when `path` holds a full tile equal to `data`
// (nothing to write); an error when it holds other bytes; false when there
// is no such file.
Result<bool> KeptFullTile(const merkle::TileId& t, const std::string& path, const std::string& data) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return false;
  LIFELINE_ASSIGN_OR_RETURN(std::string old, ReadFile(path));
  if (old != data) {
    return FailedPreconditionError("the full tile " + merkle::TilePath(t) + " already in the directory differs from " +
                                   "the log's (another log's directory, or a damaged file); refusing to replace an " +
                                   "immutable tile");
  }
  return true;
}

}  // namespace

Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir, const ExportOptions& options,
                                 const ProgressFn& progress) {
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint cp,
                            options.latest ? store.LatestCheckpoint() : store.CheckpointAt(options.size));
  ExportReport rep;
  rep.size = cp.size;
  rep.note = cp.note;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("creating " + dir + ": " + ec.message());
  std::vector<merkle::TileId> tiles = merkle::HashTilesForSize(cp.size);
  if (options.entry_bundles) {
    std::vector<merkle::TileId> bundles = merkle::EntryBundlesForSize(cp.size);
    tiles.insert(tiles.end(), bundles.begin(), bundles.end());
  }
  LogReader reader(&store);
  uint64_t total = tiles.size() + 1, done = 0;
  for (const auto& t : tiles) {
    LIFELINE_ASSIGN_OR_RETURN(std::string data, reader.TileAt(t));
    std::string path = dir + "/" + merkle::TilePath(t);
    bool kept = false;
    if (options.keep_full_tiles && t.width == merkle::kTileWidth) {
      LIFELINE_ASSIGN_OR_RETURN(kept, KeptFullTile(t, path, data));
    }
    if (kept) {
      ++rep.kept;
    } else {
      LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(path, data, {.sync = false, .sync_directory = false}));
      ++rep.files;
      rep.bytes += data.size();
    }
    if (progress && ++done % 256 == 0) progress(done, total);
  }
  // Make the tiles durable with one syncfs rather than an fsync each.
  LIFELINE_RETURN_IF_ERROR(SyncFileSystem(dir));
  // Last: the checkpoint, once everything it commits to is in place.
  if (options.write_checkpoint) {
    LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/checkpoint", cp.note));
    ++rep.files;
    rep.bytes += cp.note.size();
  }
  if (progress) progress(total, total);
  return rep;
}

}  // namespace lifeline::log
