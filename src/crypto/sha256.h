// SHA-256 (OpenSSL, hardware accelerated where the CPU allows).
//
// This module is the only includer of OpenSSL and libsodium headers. Hash is
// the one type for a 32-byte digest throughout Lifeline.
#ifndef LIFELINE_CRYPTO_SHA256_H_
#define LIFELINE_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace lifeline::crypto {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

Hash Sha256(ByteSpan data);
inline Hash Sha256(std::string_view s) { return Sha256(AsBytes(s)); }

// SHA-256 of prefix || data, without concatenating: RFC 6962 leaf hashing.
Hash Sha256WithPrefix(uint8_t prefix, ByteSpan data);

// SHA-256 of prefix || a || b: RFC 6962 interior nodes.
Hash Sha256Node(uint8_t prefix, const Hash& a, const Hash& b);

// HMAC-SHA256 (RFC 2104) of `data` under `key`: webhook signatures.
Hash HmacSha256(ByteSpan key, ByteSpan data);

// Whether `a` and `b` hold the same bytes, in time that depends only on their
// lengths, not on where they first differ: for comparing secrets, MACs and
// token hashes. Strings of different lengths are unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
inline Hash HmacSha256(std::string_view key, std::string_view data) { return HmacSha256(AsBytes(key), AsBytes(data)); }

// Incremental hashing for streams (evidence files, whole-store digests).
// Not thread-safe; one object per stream.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(ByteSpan data);
  Hash Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

inline std::string HashToString(const Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}
// Precondition: s.size() == 32.
inline Hash HashFromBytes(std::string_view s) {
  Hash h{};
  for (size_t i = 0; i < kHashSize; ++i) h[i] = static_cast<uint8_t>(s[i]);
  return h;
}

}  // namespace lifeline::crypto

#endif  // LIFELINE_CRYPTO_SHA256_H_
