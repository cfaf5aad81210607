// Test and benchmark helpers for merkle (header-only, not part of the
// library): an in-memory tree holding every perfect node, and a NodeReader
// over it that refuses nodes outside a given tree size, so tests can prove
// that proof generation only asks for nodes inside the tree.
#ifndef LIFELINE_MERKLE_MERKLE_TESTING_H_
#define LIFELINE_MERKLE_MERKLE_TESTING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "merkle/hash.h"
#include "merkle/proof.h"

namespace lifeline::merkle::testing {

// levels_[l][i] is the perfect node (l, i). Immutable after construction;
// readers hold a pointer to it, so it must outlive them.
class MemoryTree {
 public:
  explicit MemoryTree(std::vector<Hash> leaf_hashes) {
    levels_.push_back(std::move(leaf_hashes));
    while (levels_.back().size() >= 2) {
      const std::vector<Hash>& below = levels_.back();
      std::vector<Hash> above;
      above.reserve(below.size() / 2);
      for (size_t i = 0; i + 1 < below.size(); i += 2) above.push_back(NodeHash(below[i], below[i + 1]));
      levels_.push_back(std::move(above));
    }
  }

  // Leaves "entry 0", "entry 1", ...
  static std::vector<Hash> EntryLeafHashes(uint64_t n) {
    std::vector<Hash> leaves;
    leaves.reserve(n);
    for (uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash(AsBytes("entry " + std::to_string(i))));
    return leaves;
  }

  uint64_t size() const { return levels_[0].size(); }
  const std::vector<Hash>& leaves() const { return levels_[0]; }

  // The perfect node (level, index) of the tree of the first `tree_size`
  // leaves; NotFound if it does not lie inside that tree.
  Result<Hash> Node(uint32_t level, uint64_t index, uint64_t tree_size) const {
    if (tree_size > size() || level >= levels_.size() || index >= (tree_size >> level)) {
      return NotFoundError("node (" + std::to_string(level) + ", " + std::to_string(index) +
                           ") is outside the tree of size " + std::to_string(tree_size));
    }
    return levels_[level][index];
  }

  NodeReader Reader(uint64_t tree_size) const {
    return [this, tree_size](uint32_t level, uint64_t index) { return Node(level, index, tree_size); };
  }

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace lifeline::merkle::testing

#endif  // LIFELINE_MERKLE_MERKLE_TESTING_H_
