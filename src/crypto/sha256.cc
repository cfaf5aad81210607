// OpenSSL 3 deprecates the SHA256_Init/Update/Final interface, but it is the
// fastest one it has for the small inputs a Merkle tree hashes: on this
// project's machines a 65-byte node costs ~130 ns through it, ~180 ns through
// EVP with a cached EVP_MD and context, and ~600 ns through the one-shot
// SHA256(), which fetches the algorithm on every call (see BENCHMARKS.md).
// It is confined to this file; the streaming interface uses EVP.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "crypto/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace lifeline::crypto {

Hash Sha256(ByteSpan data) {
  Hash h;
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, data.data(), data.size());
  SHA256_Final(h.data(), &c);
  return h;
}

namespace {

const EVP_MD* Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

Hash Sha256WithPrefix(uint8_t prefix, ByteSpan data) {
  Hash h;
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, &prefix, 1);
  SHA256_Update(&c, data.data(), data.size());
  SHA256_Final(h.data(), &c);
  return h;
}

Hash Sha256Node(uint8_t prefix, const Hash& a, const Hash& b) {
  Hash h;
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, &prefix, 1);
  SHA256_Update(&c, a.data(), a.size());
  SHA256_Update(&c, b.data(), b.size());
  SHA256_Final(h.data(), &c);
  return h;
}

Hash HmacSha256(ByteSpan key, ByteSpan data) {
  Hash h;
  unsigned int len = 0;
  // The one-shot HMAC() is not deprecated in OpenSSL 3; it fails only on
  // allocation failure, which is fatal anyway.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), h.data(), &len) ==
          nullptr ||
      len != h.size()) {
    std::abort();
  }
  return h;
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Md(), nullptr) != 1) {
    std::abort();
  }
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Stream::Update(ByteSpan data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) std::abort();
}

Hash Sha256Stream::Finish() {
  Hash h;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), h.data(), &len) != 1) std::abort();
  return h;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lifeline::crypto
