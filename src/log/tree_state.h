// TreeState: the right edge of a tiled Merkle tree, enough to append.
//
// It holds, for every tile level, the hashes of that level's partial tile
// (fewer than 256), and the entries of the partial bundle. Appending entries
// produces the tiles and bundles that changed (new full tiles, and the final
// partial ones), which are exactly what a commit must write. The root of the
// tree is computed from the partial tiles alone: the partial tile of level L
// covers leaves to the right of every higher level's.
//
// Pure computation; the caller does the I/O. Not thread-safe.
#ifndef LIFELINE_LOG_TREE_STATE_H_
#define LIFELINE_LOG_TREE_STATE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "merkle/hash.h"
#include "store/store.h"

namespace lifeline::log {

class TreeState {
 public:
  TreeState() = default;  // the empty tree

  // Loads the right edge of a tree of `size` entries from `store`'s tiles.
  // Corruption if a tile it needs is missing or narrower than `size` needs.
  // A wider tile is read by its prefix: with several writers, another may
  // have widened it since the caller read the checkpoint of `size`, and a
  // tile only ever widens by appending. The caller checks the root.
  static Result<TreeState> Load(store::LogStore& store, uint64_t size);

  uint64_t size() const { return size_; }
  merkle::Hash Root() const;

  // Appends entries (each at most merkle::kMaxEntrySize bytes: precondition)
  // and adds to *changed every tile and bundle that differs from before:
  // full ones as they fill, then the partial ones of the final size.
  void Append(std::span<const std::string> entries, std::vector<store::TileData>* changed);

  // Appends one leaf hash without an entry (used by verification, which
  // rebuilds tiles from bundles it already parsed). Full hash tiles are
  // added to *changed; partial ones only by FlushPartials().
  void AppendLeafHash(const merkle::Hash& leaf, std::vector<store::TileData>* changed);
  void FlushPartials(std::vector<store::TileData>* changed) const;

 private:
  // Pushes a leaf hash (size_ already counts it), cascading full tiles up.
  void PushLeafHash(const merkle::Hash& leaf, std::vector<store::TileData>* changed, uint32_t* top_touched);
  static std::string TileBytes(std::span<const merkle::Hash> hashes);

  uint64_t size_ = 0;
  std::vector<std::vector<merkle::Hash>> partial_;  // partial_[L].size() < 256
  std::string bundle_;                               // the partial bundle's bytes
  uint32_t bundle_count_ = 0;
};

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_TREE_STATE_H_
