// Ed25519 signatures (libsodium). Keys are derived from a 32-byte seed, as Go's
// crypto/ed25519 and x/mod's note package store them, so a key file written
// by either can be read by the other.
#ifndef LIFELINE_CRYPTO_ED25519_H_
#define LIFELINE_CRYPTO_ED25519_H_

#include <array>
#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace lifeline::crypto {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

using Ed25519Seed = std::array<uint8_t, kEd25519SeedSize>;
using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

// A private key. The expanded secret is wiped on destruction.
// Thread-safe for concurrent Sign() calls.
class Ed25519PrivateKey {
 public:
  static Ed25519PrivateKey FromSeed(const Ed25519Seed& seed);
  static Ed25519PrivateKey Generate();  // from the OS CSPRNG
  ~Ed25519PrivateKey();
  Ed25519PrivateKey(const Ed25519PrivateKey&);
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&);

  const Ed25519PublicKey& public_key() const { return public_key_; }
  Ed25519Seed seed() const;
  Ed25519Signature Sign(ByteSpan message) const;

 private:
  Ed25519PrivateKey() = default;
  std::array<uint8_t, 64> secret_{};  // libsodium's seed || public key
  Ed25519PublicKey public_key_{};
};

bool Ed25519Verify(const Ed25519PublicKey& key, ByteSpan message,
                   const Ed25519Signature& signature);

// Fills `out` from the OS CSPRNG.
void RandomBytes(std::span<uint8_t> out);

}  // namespace lifeline::crypto

#endif  // LIFELINE_CRYPTO_ED25519_H_
