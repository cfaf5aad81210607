#include "crypto/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace lifeline::crypto {

Hash Sha256(ByteSpan data) {
  Hash h;
  SHA256(data.data(), data.size(), h.data());
  return h;
}

// EVP_Digest with a one-byte prefix would need a copy or a context; a
// stack-allocated EVP_MD_CTX is not possible in OpenSSL 3, so reuse one
// per thread. The fetched EVP_MD avoids a name lookup on every call.
namespace {

const EVP_MD* Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ThreadCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadCtx() { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* Ctx() {
  thread_local ThreadCtx tc;
  if (tc.ctx == nullptr) std::abort();
  return tc.ctx;
}

}  // namespace

Hash Sha256WithPrefix(uint8_t prefix, ByteSpan data) {
  EVP_MD_CTX* ctx = Ctx();
  Hash h;
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, h.data(), &len) != 1) {
    std::abort();  // only on allocation failure inside OpenSSL
  }
  return h;
}

Hash Sha256Node(uint8_t prefix, const Hash& a, const Hash& b) {
  uint8_t buf[1 + 2 * kHashSize];
  buf[0] = prefix;
  for (size_t i = 0; i < kHashSize; ++i) buf[1 + i] = a[i];
  for (size_t i = 0; i < kHashSize; ++i) buf[1 + kHashSize + i] = b[i];
  Hash h;
  SHA256(buf, sizeof(buf), h.data());
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

}  // namespace lifeline::crypto
