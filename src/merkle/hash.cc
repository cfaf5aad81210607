#include "merkle/hash.h"

#include <array>
#include <bit>

#include "base/check.h"

namespace lifeline::merkle {

const Hash& EmptyRoot() {
  static const Hash kEmpty = crypto::Sha256(ByteSpan{});
  return kEmpty;
}

// Keeps the roots of the perfect subtrees that tile the leaves seen so far,
// largest (leftmost) first: after i leaves there is one per set bit of i, so
// 64 slots always suffice. Adding a leaf merges equal-sized neighbours like a
// binary carry; at the end the pieces are folded right to left, which is
// exactly MTH's split at the largest power of two below n.
Hash RootFromLeafHashes(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  std::array<Hash, 64> stack;
  size_t depth = 0;
  uint64_t count = 0;
  for (const Hash& leaf : leaves) {
    stack[depth++] = leaf;
    ++count;
    for (uint64_t c = count; (c & 1) == 0; c >>= 1) {
      stack[depth - 2] = NodeHash(stack[depth - 2], stack[depth - 1]);
      --depth;
    }
  }
  Hash root = stack[depth - 1];
  for (size_t i = depth - 1; i-- > 0;) root = NodeHash(stack[i], root);
  return root;
}

uint64_t SplitPoint(uint64_t n) {
  LIFELINE_CHECK(n >= 2, "SplitPoint needs at least two leaves");
  return std::bit_floor(n - 1);
}

}  // namespace lifeline::merkle
