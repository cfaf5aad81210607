#include "store/tiles_dir/tiles_dir_store.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace lifeline::store {

TilesDirStore::TilesDirStore(std::string dir, uint64_t size, std::string checkpoint_note)
    : dir_(std::move(dir)), size_(size), note_(std::move(checkpoint_note)) {}

Result<StoredCheckpoint> TilesDirStore::LatestCheckpoint() { return StoredCheckpoint{size_, note_}; }

Result<TileData> TilesDirStore::ReadTile(uint32_t level, uint64_t index) {
  // Hashes (or entries) at this level, and so this tile's width.
  uint64_t level_size = size_;
  if (level != merkle::kEntriesLevel) {
    for (uint32_t l = 0; l < level && level_size > 0; ++l) level_size /= merkle::kTileWidth;
  }
  merkle::TileId id{level, index, merkle::kTileWidth};
  if (index >= (level_size + merkle::kTileWidth - 1) / merkle::kTileWidth) {
    return NotFoundError(merkle::TilePath(id) + " is beyond the checkpoint's tree");
  }
  if (index == level_size / merkle::kTileWidth) id.width = static_cast<uint32_t>(level_size % merkle::kTileWidth);
  std::string path = dir_ + "/" + merkle::TilePath(id);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return NotFoundError(merkle::TilePath(id) + " is missing");
    return ErrnoError("reading " + path, errno);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return TileData{id, ss.str()};
}

Status TilesDirStore::ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) {
  return fn(StoredCheckpoint{size_, note_});
}

Result<StoredCheckpoint> TilesDirStore::CheckpointAt(uint64_t size) {
  if (size == size_) return StoredCheckpoint{size_, note_};
  return NotFoundError("the directory holds only the checkpoint of size " + std::to_string(size_));
}

Status TilesDirStore::Apply(const Commit&) {
  return FailedPreconditionError("a tiles directory is read-only");
}

Result<std::string> TilesDirStore::GetMeta(const std::string& key) {
  return NotFoundError("a tiles directory has no metadata " + key);
}

Result<RecordRow> TilesDirStore::FindRecord(const std::string&) {
  return FailedPreconditionError("a tiles directory has no record tables");
}
Status TilesDirStore::ScanRecords(const RecordQuery&, const std::function<Result<ScanStep>(const RecordRow&)>&) {
  return FailedPreconditionError("a tiles directory has no record tables");
}
Status TilesDirStore::ForEachReplacingRecord(const std::vector<std::string>&,
                                             const std::function<Status(const RecordRow&)>&) {
  return FailedPreconditionError("a tiles directory has no record tables");
}
Status TilesDirStore::ForEachReferrer(const std::string&, const std::function<Status(const RecordRow&)>&) {
  return FailedPreconditionError("a tiles directory has no record tables");
}
Status TilesDirStore::ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>&) {
  return FailedPreconditionError("a tiles directory has no record tables");
}
Status TilesDirStore::RebuildRecords(const RecordBatches&) {
  return FailedPreconditionError("a tiles directory is read-only");
}

}  // namespace lifeline::store
