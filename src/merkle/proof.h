// Inclusion and consistency proofs: generation (RFC 6962 §2.1.1–2.1.2 PATH and
// PROOF) and verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Pure.
//
// Generation reads hashes of *perfect* subtrees through a NodeReader, so the
// same code serves an in-memory tree, the tiles of a store, or a test's
// naive reference. A perfect node (level, index) is MTH of the leaves
// [index << level, (index + 1) << level); the reader is only asked for nodes
// that lie entirely inside the tree being proven.
#ifndef LIFELINE_MERKLE_PROOF_H_
#define LIFELINE_MERKLE_PROOF_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "base/status.h"
#include "merkle/hash.h"

namespace lifeline::merkle {

using NodeReader = std::function<Result<Hash>(uint32_t level, uint64_t index)>;

// MTH(D[begin:end]) from perfect nodes; InvalidArgument if begin > end.
// When begin is a multiple of the largest power of two <= end - begin (every
// range a proof needs, and every prefix [0, size)), this reads one node per
// set bit of end - begin. Other ranges are correct but read nodes no larger
// than begin's alignment, up to end - begin leaves.
Result<Hash> RangeHash(uint64_t begin, uint64_t end, const NodeReader& node);

// MTH of the first `size` leaves.
inline Result<Hash> TreeRoot(uint64_t size, const NodeReader& node) {
  return RangeHash(0, size, node);
}

// PATH(index, D[size]), the sibling nearest the leaf first.
// InvalidArgument unless index < size.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& node);

// PROOF(size1, D[size2]). InvalidArgument unless size1 <= size2.
// Empty for size1 == 0 or size1 == size2.
Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const NodeReader& node);

// OK when `proof` shows the leaf at `index` in the tree of `size` with `root`;
// VerificationFailed saying why otherwise (index out of range, too many or
// too few hashes, root mismatch).
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

// OK when `proof` shows that the tree (size1, root1) is a prefix of
// (size2, root2). size1 == 0 is consistent with anything given an empty proof
// and root1 == EmptyRoot(); size1 == size2 requires root1 == root2 and an
// empty proof. VerificationFailed saying which check failed otherwise.
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2);

}  // namespace lifeline::merkle

#endif  // LIFELINE_MERKLE_PROOF_H_
