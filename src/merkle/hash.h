// RFC 6962 / RFC 9162 §2.1.1 Merkle tree hashing. Pure: no I/O, no clock.
//
//   MTH({})     = SHA-256()
//   leaf hash   = SHA-256(0x00 || entry)
//   node hash   = SHA-256(0x01 || left || right)
//   MTH(D[n])   = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
#ifndef LIFELINE_MERKLE_HASH_H_
#define LIFELINE_MERKLE_HASH_H_

#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "crypto/sha256.h"

namespace lifeline::merkle {

using crypto::Hash;

inline Hash LeafHash(ByteSpan entry) { return crypto::Sha256WithPrefix(0x00, entry); }
inline Hash NodeHash(const Hash& left, const Hash& right) {
  return crypto::Sha256Node(0x01, left, right);
}
// SHA-256 of the empty string: the root of the empty tree.
const Hash& EmptyRoot();

// MTH over leaf hashes, computed bottom-up in O(n) hashes and O(log n) space.
Hash RootFromLeafHashes(std::span<const Hash> leaves);

// The largest power of two strictly smaller than n. Precondition: n >= 2.
uint64_t SplitPoint(uint64_t n);

}  // namespace lifeline::merkle

#endif  // LIFELINE_MERKLE_HASH_H_
