// Reading a log through its tiles: node hashes, entries, roots and proofs at
// any size the store covers. A LogReader serves both the writer (to prove each
// new checkpoint consistent with the last before signing it) and read-only
// commands (prove, consistency, export).
//
// Tiles are immutable below their width, so a tile stored wider than a size
// needs (the log grew) still answers for that size. An overlay of tiles not
// yet committed can be added: the writer checks its next commit through it.
//
// Not thread-safe: one reader per thread. The store must outlive the reader.
#ifndef LIFELINE_LOG_READER_H_
#define LIFELINE_LOG_READER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "merkle/hash.h"
#include "merkle/proof.h"
#include "store/store.h"

namespace lifeline::log {

class LogReader {
 public:
  explicit LogReader(store::LogStore* store) : store_(store) {}

  // Tiles that take precedence over the store's (for a commit being built).
  void SetOverlay(const std::vector<store::TileData>* overlay);

  // Hash of the perfect node (level, index) of the tree of `size`.
  Result<merkle::Hash> Node(uint32_t level, uint64_t index, uint64_t size);
  merkle::NodeReader NodesOf(uint64_t size);

  Result<merkle::Hash> Root(uint64_t size);
  Result<std::vector<merkle::Hash>> InclusionProof(uint64_t index, uint64_t size);
  Result<std::vector<merkle::Hash>> ConsistencyProof(uint64_t size1, uint64_t size2);

  // The entry at `index` of a log of at least index + 1 entries.
  Result<std::string> Entry(uint64_t index);

  // A tile or bundle as it stood at `tile.width` (a prefix of what is
  // stored). Corruption if the stored one is narrower.
  Result<std::string> TileAt(const merkle::TileId& tile);

 private:
  // The stored tile, from the overlay, the cache, or the store; re-read
  // when the cached copy is narrower than `min_width` (the log has grown).
  Result<const store::TileData*> Fetch(uint32_t level, uint64_t index, uint32_t min_width);

  store::LogStore* store_;
  const std::vector<store::TileData>* overlay_ = nullptr;
  // A small cache of recently read tiles; cleared when it grows past a limit.
  std::map<std::pair<uint32_t, uint64_t>, store::TileData> cache_;
};

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_READER_H_
