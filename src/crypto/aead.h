// XChaCha20-Poly1305 (IETF construction, libsodium's
// crypto_aead_xchacha20poly1305_ietf): authenticated encryption with
// associated data, 24-byte nonces, 16-byte tags. Used to seal a record's
// confidential fields (record/seal.h).
//
// Pure functions, thread-safe. The caller chooses the nonce; a (key, nonce)
// pair MUST NOT encrypt two different messages.
#ifndef LIFELINE_CRYPTO_AEAD_H_
#define LIFELINE_CRYPTO_AEAD_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/bytes.h"

namespace lifeline::crypto {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 24;
inline constexpr size_t kAeadTagSize = 16;

using AeadKey = std::array<uint8_t, kAeadKeySize>;
using AeadNonce = std::array<uint8_t, kAeadNonceSize>;

// Returns ciphertext || tag (plaintext.size() + 16 bytes).
std::string AeadSeal(const AeadKey& key, const AeadNonce& nonce, ByteSpan plaintext, ByteSpan associated);

// The plaintext, or nullopt when the tag does not verify (wrong key, nonce
// or associated data, or altered ciphertext).
std::optional<std::string> AeadOpen(const AeadKey& key, const AeadNonce& nonce, ByteSpan sealed,
                                    ByteSpan associated);

// Overwrites `bytes` with zeros in a way the compiler does not remove.
void Wipe(std::span<uint8_t> bytes);

}  // namespace lifeline::crypto

#endif  // LIFELINE_CRYPTO_AEAD_H_
