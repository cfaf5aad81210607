// Properties of proof generation and verification against a naive reference
// written from the RFC 6962 text (MTH, PATH, PROOF) and from the structure of
// those definitions (what a verifier must accept), for trees of up to 10,000
// leaves.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "merkle/hash.h"
#include "merkle/merkle_testing.h"
#include "merkle/proof.h"

namespace lifeline::merkle {
namespace {

using testing::MemoryTree;
using LeafSpan = std::span<const Hash>;

constexpr uint64_t kMaxSize = 10000;

// Leaf hashes and perfect nodes are computed once for the whole binary.
const MemoryTree& Tree() {
  static const MemoryTree tree(MemoryTree::EntryLeafHashes(kMaxSize));
  return tree;
}
LeafSpan FirstLeaves(uint64_t n) { return LeafSpan(Tree().leaves()).first(n); }

// ----- RFC 6962 §2.1, literally ---------------------------------------------

uint64_t K(uint64_t n) {  // the largest power of two smaller than n
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash Mth(LeafSpan d) {
  if (d.empty()) return crypto::Sha256("");
  if (d.size() == 1) return d[0];
  const uint64_t k = K(d.size());
  return NodeHash(Mth(d.first(k)), Mth(d.subspan(k)));
}

std::vector<Hash> Path(uint64_t m, LeafSpan d) {
  if (d.size() == 1) return {};
  const uint64_t k = K(d.size());
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d.first(k));
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Path(m - k, d.subspan(k));
    out.push_back(Mth(d.first(k)));
  }
  return out;
}

std::vector<Hash> Subproof(uint64_t m, LeafSpan d, bool b) {
  const uint64_t n = d.size();
  if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(d)};
  const uint64_t k = K(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d.first(k), b);
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Subproof(m - k, d.subspan(k), false);
    out.push_back(Mth(d.first(k)));
  }
  return out;
}

std::vector<Hash> Proof(uint64_t m, LeafSpan d) { return Subproof(m, d, true); }

// ----- Reference verifiers: rebuild the root along the definitions ---------
// They consume the proof from its end (the hash nearest the root) and accept
// iff the proof has exactly the hashes the shape needs and leads to the roots.

// Root of a tree of size n with `leaf` at m, from `proof[0, *end)`.
std::optional<Hash> RefRootFromPath(uint64_t m, uint64_t n, const Hash& leaf,
                                    std::span<const Hash> proof, size_t* end) {
  if (n == 1) return leaf;
  if (*end == 0) return std::nullopt;
  const Hash& sibling = proof[--*end];
  const uint64_t k = K(n);
  if (m < k) {
    std::optional<Hash> left = RefRootFromPath(m, k, leaf, proof, end);
    if (!left) return std::nullopt;
    return NodeHash(*left, sibling);
  }
  std::optional<Hash> right = RefRootFromPath(m - k, n - k, leaf, proof, end);
  if (!right) return std::nullopt;
  return NodeHash(sibling, *right);
}

bool RefVerifyInclusion(uint64_t m, uint64_t n, const Hash& leaf, std::span<const Hash> proof,
                        const Hash& root) {
  if (m >= n) return false;
  size_t end = proof.size();
  std::optional<Hash> got = RefRootFromPath(m, n, leaf, proof, &end);
  return got && end == 0 && *got == root;
}

// (old root, new root) of the subtree of size n whose first m leaves are old.
std::optional<std::pair<Hash, Hash>> RefRoots(uint64_t m, uint64_t n, bool b, const Hash& root1,
                                              std::span<const Hash> proof, size_t* end) {
  if (m == n) {
    if (b) return std::pair(root1, root1);
    if (*end == 0) return std::nullopt;
    const Hash& h = proof[--*end];
    return std::pair(h, h);
  }
  if (*end == 0) return std::nullopt;
  const Hash& sibling = proof[--*end];
  const uint64_t k = K(n);
  if (m <= k) {
    auto inner = RefRoots(m, k, b, root1, proof, end);
    if (!inner) return std::nullopt;
    return std::pair(inner->first, NodeHash(inner->second, sibling));
  }
  auto inner = RefRoots(m - k, n - k, false, root1, proof, end);
  if (!inner) return std::nullopt;
  return std::pair(NodeHash(sibling, inner->first), NodeHash(sibling, inner->second));
}

bool RefVerifyConsistency(uint64_t m, uint64_t n, std::span<const Hash> proof, const Hash& root1,
                          const Hash& root2) {
  if (m > n) return false;
  if (m == 0) return proof.empty() && root1 == crypto::Sha256("") && (n != 0 || root2 == root1);
  if (m == n) return proof.empty() && root1 == root2;
  size_t end = proof.size();
  auto roots = RefRoots(m, n, true, root1, proof, &end);
  return roots && end == 0 && roots->first == root1 && roots->second == root2;
}

// ----- Generators ------------------------------------------------------------

// Mostly small trees, where the edge cases are, and some up to kMaxSize.
uint64_t GenSize(uint64_t min) {
  return *rc::gen::oneOf(rc::gen::inRange<uint64_t>(min, 70), rc::gen::inRange<uint64_t>(min, 600),
                         rc::gen::inRange<uint64_t>(min, kMaxSize + 1));
}

Hash FlipBit(Hash h, uint32_t bit) {
  h[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

// ----- Properties ------------------------------------------------------------

RC_GTEST_PROP(ProofPropertyTest, InclusionProofEqualsReferenceAndVerifies, ()) {
  const uint64_t size = GenSize(1);
  const uint64_t index = *rc::gen::inRange<uint64_t>(0, size);
  RC_CLASSIFY(size < 70, "size < 70");
  RC_CLASSIFY(size >= 1000, "size >= 1000");
  const LeafSpan d = FirstLeaves(size);
  Result<std::vector<Hash>> proof = InclusionProof(index, size, Tree().Reader(size));
  RC_ASSERT(proof.ok());
  RC_ASSERT(*proof == Path(index, d));
  Result<Hash> root = TreeRoot(size, Tree().Reader(size));
  RC_ASSERT(root.ok());
  RC_ASSERT(*root == Mth(d));
  RC_ASSERT(RootFromLeafHashes(d) == *root);
  const Status s = VerifyInclusion(index, size, d[index], *proof, *root);
  RC_ASSERT(s.ok());
  RC_ASSERT(RefVerifyInclusion(index, size, d[index], *proof, *root));
}

RC_GTEST_PROP(ProofPropertyTest, AnyOneBitFlipBreaksInclusion, ()) {
  const uint64_t size = GenSize(1);
  const uint64_t index = *rc::gen::inRange<uint64_t>(0, size);
  const uint32_t bit = *rc::gen::inRange<uint32_t>(0, 256);
  const LeafSpan d = FirstLeaves(size);
  const std::vector<Hash> proof = *InclusionProof(index, size, Tree().Reader(size));
  const Hash root = *TreeRoot(size, Tree().Reader(size));
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> bad = proof;
    bad[i] = FlipBit(bad[i], bit);
    const Status s = VerifyInclusion(index, size, d[index], bad, root);
    RC_ASSERT(s.code() == ErrorCode::kVerificationFailed);
  }
  RC_ASSERT(!VerifyInclusion(index, size, FlipBit(d[index], bit), proof, root).ok());
  RC_ASSERT(!VerifyInclusion(index, size, d[index], proof, FlipBit(root, bit)).ok());
}

RC_GTEST_PROP(ProofPropertyTest, OtherIndexOrSizeBreaksInclusion, ()) {
  const uint64_t size = GenSize(1);
  const uint64_t index = *rc::gen::inRange<uint64_t>(0, size);
  const LeafSpan d = FirstLeaves(size);
  const std::vector<Hash> proof = *InclusionProof(index, size, Tree().Reader(size));
  const Hash root = *TreeRoot(size, Tree().Reader(size));

  // Another index in the same tree is another path from the root: it must fail.
  const uint64_t other_index = *rc::gen::inRange<uint64_t>(0, 2 * size + 2);
  if (other_index != index) {
    RC_ASSERT(!VerifyInclusion(other_index, size, d[index], proof, root).ok());
  }
  // Another size can share the shape of the path (index 0 of 3 and of 4
  // leaves); the root does not commit to the size, the checkpoint does. So
  // the verdict must be the reference's, which accepts only then.
  const uint64_t other_size =
      *rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 2 * size + 2),
                      rc::gen::element(size - 1, size + 1, size * 2, size / 2));
  if (other_size != size) {
    const bool ours = VerifyInclusion(index, other_size, d[index], proof, root).ok();
    RC_ASSERT(ours == RefVerifyInclusion(index, other_size, d[index], proof, root));
    if (other_size <= index) RC_ASSERT(!ours);
  }
  const uint64_t other_both_index = *rc::gen::inRange<uint64_t>(0, 2 * size + 2);
  const bool ours = VerifyInclusion(other_both_index, other_size, d[index], proof, root).ok();
  RC_ASSERT(ours == RefVerifyInclusion(other_both_index, other_size, d[index], proof, root));
}

RC_GTEST_PROP(ProofPropertyTest, ConsistencyProofEqualsReferenceAndVerifies, ()) {
  const uint64_t size2 = GenSize(0);
  const uint64_t size1 = *rc::gen::inRange<uint64_t>(0, size2 + 1);
  const LeafSpan d = FirstLeaves(size2);
  Result<std::vector<Hash>> proof = ConsistencyProof(size1, size2, Tree().Reader(size2));
  RC_ASSERT(proof.ok());
  if (size1 == 0 || size1 == size2) {
    RC_ASSERT(proof->empty());
  } else {
    RC_ASSERT(*proof == Proof(size1, d));
  }
  const Hash root1 = *TreeRoot(size1, Tree().Reader(size1));
  const Hash root2 = *TreeRoot(size2, Tree().Reader(size2));
  RC_ASSERT(root1 == Mth(d.first(size1)));
  const Status s = VerifyConsistency(size1, size2, *proof, root1, root2);
  RC_ASSERT(s.ok());
  RC_ASSERT(RefVerifyConsistency(size1, size2, *proof, root1, root2));
}

RC_GTEST_PROP(ProofPropertyTest, AnyOneBitFlipBreaksConsistency, ()) {
  const uint64_t size2 = GenSize(1);
  const uint64_t size1 = *rc::gen::inRange<uint64_t>(0, size2 + 1);
  const uint32_t bit = *rc::gen::inRange<uint32_t>(0, 256);
  const std::vector<Hash> proof = *ConsistencyProof(size1, size2, Tree().Reader(size2));
  const Hash root1 = *TreeRoot(size1, Tree().Reader(size1));
  const Hash root2 = *TreeRoot(size2, Tree().Reader(size2));
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> bad = proof;
    bad[i] = FlipBit(bad[i], bit);
    RC_ASSERT(VerifyConsistency(size1, size2, bad, root1, root2).code() ==
              ErrorCode::kVerificationFailed);
  }
  RC_ASSERT(!VerifyConsistency(size1, size2, proof, FlipBit(root1, bit), root2).ok());
  // From the empty tree nothing is claimed about root2, so a flip there
  // is undetectable by design.
  if (size1 != 0) RC_ASSERT(!VerifyConsistency(size1, size2, proof, root1, FlipBit(root2, bit)).ok());
}

RC_GTEST_PROP(ProofPropertyTest, OtherSizesBreakConsistency, ()) {
  const uint64_t size2 = GenSize(1);
  const uint64_t size1 = *rc::gen::inRange<uint64_t>(1, size2 + 1);
  const std::vector<Hash> proof = *ConsistencyProof(size1, size2, Tree().Reader(size2));
  const Hash root1 = *TreeRoot(size1, Tree().Reader(size1));
  const Hash root2 = *TreeRoot(size2, Tree().Reader(size2));
  const uint64_t other1 = *rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 2 * size2 + 2),
                                          rc::gen::element(size1 - 1, size1 + 1, size1 ^ 2));
  const uint64_t other2 = *rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 2 * size2 + 2),
                                          rc::gen::element(size2 - 1, size2 + 1, size2 * 2, size2 / 2));
  for (auto [s1, s2] : {std::pair(other1, size2), std::pair(size1, other2), std::pair(other1, other2)}) {
    if (s1 == size1 && s2 == size2) continue;
    const bool ours = VerifyConsistency(s1, s2, proof, root1, root2).ok();
    RC_ASSERT(ours == RefVerifyConsistency(s1, s2, proof, root1, root2));
  }
  // Swapped roots never verify unless they are equal.
  if (root1 != root2) RC_ASSERT(!VerifyConsistency(size1, size2, proof, root2, root1).ok());
}

// Exhaustively for small trees: every index and size pair, bit flips spread
// over every proof hash, and for the smallest trees every claimed index,
// size or pair of sizes against the reference verdict.
TEST(ProofPropertyTest, ExhaustiveSmallTrees) {
  constexpr uint64_t kClaimsUpTo = 20;
  for (uint64_t size = 1; size <= 33; ++size) {
    const LeafSpan d = FirstLeaves(size);
    const Hash root = Mth(d);
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<Hash> proof = *InclusionProof(index, size, Tree().Reader(size));
      ASSERT_EQ(proof, Path(index, d));
      ASSERT_TRUE(VerifyInclusion(index, size, d[index], proof, root).ok());
      for (size_t i = 0; i < proof.size(); ++i) {
        for (uint32_t bit = 0; bit < 256; bit += 37) {
          std::vector<Hash> bad = proof;
          bad[i] = FlipBit(bad[i], bit);
          ASSERT_FALSE(VerifyInclusion(index, size, d[index], bad, root).ok());
        }
      }
      if (size > kClaimsUpTo) continue;
      for (uint64_t other = 0; other < 2 * size + 2; ++other) {
        ASSERT_EQ(VerifyInclusion(other, size, d[index], proof, root).ok(), other == index);
        ASSERT_EQ(VerifyInclusion(index, other, d[index], proof, root).ok(),
                  RefVerifyInclusion(index, other, d[index], proof, root));
      }
    }
    for (uint64_t size1 = 0; size1 <= size; ++size1) {
      const std::vector<Hash> proof = *ConsistencyProof(size1, size, Tree().Reader(size));
      const Hash root1 = Mth(d.first(size1));
      if (size1 != 0 && size1 != size) {
        ASSERT_EQ(proof, Proof(size1, d));
      }
      ASSERT_TRUE(VerifyConsistency(size1, size, proof, root1, root).ok());
      if (size > kClaimsUpTo) continue;
      for (uint64_t a = 0; a <= size + 2; ++a) {
        for (uint64_t b = 0; b <= 2 * size + 1; ++b) {
          ASSERT_EQ(VerifyConsistency(a, b, proof, root1, root).ok(),
                    RefVerifyConsistency(a, b, proof, root1, root))
              << size1 << "->" << size << " claimed as " << a << "->" << b;
        }
      }
    }
  }
}

}  // namespace
}  // namespace lifeline::merkle
