// The storage interface of a log: tiles, entry bundles and signed checkpoints.
//
// A LogStore holds the C2SP tlog-tiles of one log (hash tiles and entry
// bundles, each under its (level, index) key, the widest version only) and
// the history of its signed checkpoints. It knows nothing of hashing or
// signing: the log module computes, the store keeps.
//
// Contract (every implementation MUST):
// - Apply a Commit atomically and durably: when Apply returns OK, a crash at
//   any later moment recovers every tile, bundle and the checkpoint of the
//   commit; when it returns an error or the process dies inside it, the store
//   recovers to the state before the call. Nothing is half-written.
// - Refuse a Commit whose base_size differs from the size of the latest
//   checkpoint (FailedPrecondition): two writers can never interleave.
// - Return tiles and bundles exactly as written (ReadTile of a key holds the
//   data of the last commit that wrote it).
// Implementations are not required to be thread-safe; the log serialises
// calls (one integrator) and readers open their own handle.
#ifndef LIFELINE_STORE_STORE_H_
#define LIFELINE_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "merkle/tile.h"

namespace lifeline::store {

// A hash tile (data = width * 32 bytes) or an entry bundle (data = width
// entries, each a big-endian uint16 length and the bytes).
struct TileData {
  merkle::TileId id;
  std::string data;
};

struct Commit {
  uint64_t base_size = 0;  // the latest checkpoint's size this was built on
  uint64_t new_size = 0;
  std::vector<TileData> tiles;  // hash tiles and bundles, new or widened
  std::string checkpoint;       // the signed checkpoint note for new_size
};

struct StoredCheckpoint {
  uint64_t size = 0;
  std::string note;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // The latest checkpoint, or NotFound if none was ever stored.
  virtual Result<StoredCheckpoint> LatestCheckpoint() = 0;

  // The stored version of a tile or bundle; NotFound if none.
  virtual Result<TileData> ReadTile(uint32_t level, uint64_t index) = 0;

  // Every checkpoint ever committed, oldest first.
  virtual Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) = 0;

  // A checkpoint of exactly `size` (the latest such), or NotFound.
  virtual Result<StoredCheckpoint> CheckpointAt(uint64_t size) = 0;

  // Applies `commit` atomically and durably (see the contract above).
  virtual Status Apply(const Commit& commit) = 0;

  // Small key/value metadata (origin, format version), set once at creation.
  virtual Result<std::string> GetMeta(const std::string& key) = 0;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_STORE_H_
