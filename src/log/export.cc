#include "log/export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "base/file.h"
#include "log/reader.h"
#include "merkle/tile.h"

namespace lifeline::log {

Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir, const ProgressFn& progress) {
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint cp, store.LatestCheckpoint());
  ExportReport rep;
  rep.size = cp.size;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("creating " + dir + ": " + ec.message());
  std::vector<merkle::TileId> tiles = merkle::HashTilesForSize(cp.size);
  std::vector<merkle::TileId> bundles = merkle::EntryBundlesForSize(cp.size);
  tiles.insert(tiles.end(), bundles.begin(), bundles.end());
  LogReader reader(&store);
  uint64_t total = tiles.size() + 1;
  for (const auto& t : tiles) {
    LIFELINE_ASSIGN_OR_RETURN(std::string data, reader.TileAt(t));
    std::string path = dir + "/" + merkle::TilePath(t);
    LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(path, data, {.sync = false, .sync_directory = false}));
    ++rep.files;
    rep.bytes += data.size();
    if (progress && rep.files % 256 == 0) progress(rep.files, total);
  }
  // Make the tiles durable with one syncfs rather than an fsync each.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoError("opening " + dir, errno);
  int rc = syncfs(dfd);
  int err = errno;
  close(dfd);
  if (rc != 0) return ErrnoError("syncing " + dir, err);
  // Last: the checkpoint, once everything it commits to is in place.
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/checkpoint", cp.note));
  ++rep.files;
  rep.bytes += cp.note.size();
  if (progress) progress(rep.files, total);
  return rep;
}

}  // namespace lifeline::log
