#include "crypto/aead.h"

#include <sodium.h>

#include "base/check.h"

namespace lifeline::crypto {
namespace {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  LIFELINE_CHECK(ok, "libsodium could not initialise");
}

static_assert(kAeadKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kAeadNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kAeadTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);

}  // namespace

std::string AeadSeal(const AeadKey& key, const AeadNonce& nonce, ByteSpan plaintext, ByteSpan associated) {
  EnsureSodium();
  std::string out(plaintext.size() + kAeadTagSize, '\0');
  unsigned long long written = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data()), &written, plaintext.data(), plaintext.size(), associated.data(),
      associated.size(), nullptr, nonce.data(), key.data());
  LIFELINE_CHECK(rc == 0 && written == out.size(), "XChaCha20-Poly1305 encryption failed");
  return out;
}

std::optional<std::string> AeadOpen(const AeadKey& key, const AeadNonce& nonce, ByteSpan sealed,
                                    ByteSpan associated) {
  EnsureSodium();
  if (sealed.size() < kAeadTagSize) return std::nullopt;
  std::string out(sealed.size() - kAeadTagSize, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &written, nullptr,
                                                 sealed.data(), sealed.size(), associated.data(), associated.size(),
                                                 nonce.data(), key.data()) != 0) {
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

void Wipe(std::span<uint8_t> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

}  // namespace lifeline::crypto
