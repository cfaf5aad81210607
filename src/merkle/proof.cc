#include "merkle/proof.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace lifeline::merkle {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

// MTH(D[begin:end]) for a range whose begin is a multiple of bit_floor(n),
// n = end - begin >= 1. MTH splits such a range at the highest set bit of n,
// and the right part keeps the property, so the range is exactly the aligned
// perfect subtrees of n's set bits, largest first; MTH folds them right to
// left. O(log n) reads, no allocation.
Result<Hash> AlignedRangeHash(uint64_t begin, uint64_t end, const NodeReader& node) {
  std::array<Hash, 64> pieces;
  size_t count = 0;
  uint64_t pos = begin;
  for (uint64_t rest = end - begin; rest != 0;) {
    const uint32_t level = static_cast<uint32_t>(std::bit_width(rest) - 1);
    LIFELINE_ASSIGN_OR_RETURN(pieces[count], node(level, pos >> level));
    ++count;
    pos += uint64_t{1} << level;
    rest &= ~(uint64_t{1} << level);
  }
  Hash h = pieces[count - 1];
  for (size_t i = count - 1; i-- > 0;) h = NodeHash(pieces[i], h);
  return h;
}

// MTH(D[begin:end]) for any non-empty range, straight from the RFC's
// recursion. Only ranges that no perfect node covers (begin not aligned)
// take the slow path, which reads down to the alignment of begin; proof
// generation never asks for such ranges.
Result<Hash> AnyRangeHash(uint64_t begin, uint64_t end, const NodeReader& node) {
  const uint64_t n = end - begin;
  if (begin % std::bit_floor(n) == 0) return AlignedRangeHash(begin, end, node);
  const uint64_t k = SplitPoint(n);
  LIFELINE_ASSIGN_OR_RETURN(Hash left, AnyRangeHash(begin, begin + k, node));
  LIFELINE_ASSIGN_OR_RETURN(Hash right, AnyRangeHash(begin + k, end, node));
  return NodeHash(left, right);
}

// Length of PATH(index, D[size]), index < size: the paths to `index` and to
// `size - 1` share all levels above bit_width(index ^ (size - 1)); below
// that every level has a sibling ("inner"), above it only the levels where
// the shared path turns right have one ("border", a left sibling).
size_t InclusionProofLength(uint64_t index, uint64_t size) {
  const int inner = std::bit_width(index ^ (size - 1));
  const int border = inner >= 64 ? 0 : std::popcount(index >> inner);
  return static_cast<size_t>(inner + border);
}

// Length of PROOF(size1, D[size2]), 0 < size1 < size2: the inclusion path of
// leaf size1 - 1 without the levels inside the rightmost perfect subtree of
// the old tree (its root stands in for them), plus that root unless it is
// the whole old tree.
size_t ConsistencyProofLength(uint64_t size1, uint64_t size2) {
  const int shift = std::countr_zero(size1);
  const int diverge = std::bit_width((size1 - 1) ^ (size2 - 1));  // > shift as size1 < size2
  const int border = diverge >= 64 ? 0 : std::popcount((size1 - 1) >> diverge);
  const int seed = std::has_single_bit(size1) ? 0 : 1;
  return static_cast<size_t>(seed + (diverge - shift) + border);
}

std::string HashHex(const Hash& h) { return HexEncode(h); }

}  // namespace

Result<Hash> RangeHash(uint64_t begin, uint64_t end, const NodeReader& node) {
  if (begin > end) {
    return InvalidArgumentError("range hash: begin " + Num(begin) + " > end " + Num(end));
  }
  if (begin == end) return EmptyRoot();
  return AnyRangeHash(begin, end, node);
}

// PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k, else
// PATH(m - k, D[k:n]) : MTH(D[0:k]). Walking down from the root meets the
// siblings top first, so they are reversed at the end. Every range asked for
// starts at a multiple of a power of two at least its length.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& node) {
  if (index >= size) {
    return InvalidArgumentError("inclusion proof: index " + Num(index) +
                                " is not below tree size " + Num(size));
  }
  std::vector<Hash> proof;
  proof.reserve(InclusionProofLength(index, size));
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    Result<Hash> sibling = index < mid ? RangeHash(mid, end, node) : RangeHash(begin, mid, node);
    if (!sibling.ok()) {
      return sibling.status().Annotate("inclusion proof for index " + Num(index) + " in tree of size " +
                                       Num(size));
    }
    proof.push_back(*sibling);
    if (index < mid) {
      end = mid;
    } else {
      begin = mid;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// SUBPROOF(m, D[n], b): for m == n, {} if b else {MTH(D[n])}; for m <= k,
// SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); else SUBPROOF(m - k, D[k:n], false)
// : MTH(D[0:k]). As for PATH, the siblings are met top first.
Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const NodeReader& node) {
  if (size1 > size2) {
    return InvalidArgumentError("consistency proof: size1 " + Num(size1) + " > size2 " + Num(size2));
  }
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  proof.reserve(ConsistencyProofLength(size1, size2));
  const std::string context =
      "consistency proof from size " + Num(size1) + " to " + Num(size2);
  uint64_t begin = 0;
  uint64_t end = size2;
  bool whole_old_tree = true;  // the RFC's b: D[begin:end] still starts at leaf 0
  while (size1 != end) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    Result<Hash> sibling = size1 <= mid ? RangeHash(mid, end, node) : RangeHash(begin, mid, node);
    if (!sibling.ok()) return sibling.status().Annotate(context);
    proof.push_back(*sibling);
    if (size1 <= mid) {
      end = mid;
    } else {
      begin = mid;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    Result<Hash> inner = RangeHash(begin, end, node);
    if (!inner.ok()) return inner.status().Annotate(context);
    proof.push_back(*inner);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// RFC 9162 §2.1.3.2, step by step. The length is checked first so a wrong
// proof fails before any hashing and with a precise message; the RFC's own
// length checks (steps 4a and 5) stay, as they are what the RFC specifies.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  if (index >= size) {
    return VerificationFailedError("inclusion proof: leaf index " + Num(index) +
                                   " is not below tree size " + Num(size));
  }
  const size_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return VerificationFailedError("inclusion proof: " + Num(proof.size()) + " hashes, but index " +
                                   Num(index) + " in a tree of size " + Num(size) + " needs " +
                                   Num(want));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return VerificationFailedError("inclusion proof: too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return VerificationFailedError("inclusion proof: too few hashes");
  if (r != root) {
    return VerificationFailedError("inclusion proof for index " + Num(index) + " in tree of size " +
                                   Num(size) + " leads to root " + HashHex(r) + ", not " +
                                   HashHex(root));
  }
  return Status::Ok();
}

// RFC 9162 §2.1.4.2 for 0 < size1 < size2, with the edge cases around it.
// The RFC's step 2 prepends root1 when size1 is a power of two; the proof is
// read through `at` instead, so that verification never allocates.
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2) {
  if (size1 > size2) {
    return VerificationFailedError("consistency proof: size1 " + Num(size1) + " > size2 " +
                                   Num(size2) + ": a log cannot shrink");
  }
  if (size1 == 0 && root1 != EmptyRoot()) {
    return VerificationFailedError("consistency proof: root1 " + HashHex(root1) +
                                   " is not the root of the empty tree");
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return VerificationFailedError("consistency proof: " + Num(proof.size()) +
                                     " hashes for equal sizes, want none");
    }
    if (root1 != root2) {
      return VerificationFailedError("consistency proof: equal sizes " + Num(size1) +
                                     " but different roots " + HashHex(root1) + " and " +
                                     HashHex(root2));
    }
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) {
      return VerificationFailedError("consistency proof: " + Num(proof.size()) +
                                     " hashes from the empty tree, want none");
    }
    return Status::Ok();
  }
  // Step 1.
  if (proof.empty()) return VerificationFailedError("consistency proof: empty proof");
  const size_t want = ConsistencyProofLength(size1, size2);
  if (proof.size() != want) {
    return VerificationFailedError("consistency proof: " + Num(proof.size()) +
                                   " hashes, but size " + Num(size1) + " to " + Num(size2) +
                                   " needs " + Num(want));
  }
  // Step 2.
  const bool prepend = std::has_single_bit(size1);
  const size_t count = proof.size() + (prepend ? 1 : 0);
  auto at = [&](size_t i) -> const Hash& {
    if (prepend) return i == 0 ? root1 : proof[i - 1];
    return proof[i];
  };
  // Steps 3 and 4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = at(0);
  Hash sr = at(0);
  // Step 6.
  for (size_t i = 1; i < count; ++i) {
    const Hash& c = at(i);
    if (sn == 0) return VerificationFailedError("consistency proof: too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return VerificationFailedError("consistency proof: too few hashes");
  if (fr != root1) {
    return VerificationFailedError("consistency proof from size " + Num(size1) + " to " +
                                   Num(size2) + " leads to old root " + HashHex(fr) + ", not " +
                                   HashHex(root1));
  }
  if (sr != root2) {
    return VerificationFailedError("consistency proof from size " + Num(size1) + " to " +
                                   Num(size2) + " leads to new root " + HashHex(sr) + ", not " +
                                   HashHex(root2));
  }
  return Status::Ok();
}

}  // namespace lifeline::merkle
