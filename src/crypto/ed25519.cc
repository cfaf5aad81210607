#include "crypto/ed25519.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace lifeline::crypto {
namespace {

void InitOnce() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // libsodium could not initialise its RNG
}

}  // namespace

Ed25519PrivateKey Ed25519PrivateKey::FromSeed(const Ed25519Seed& seed) {
  InitOnce();
  Ed25519PrivateKey k;
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), seed.data());
  return k;
}

Ed25519PrivateKey Ed25519PrivateKey::Generate() {
  Ed25519Seed seed;
  RandomBytes(seed);
  Ed25519PrivateKey k = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return k;
}

Ed25519PrivateKey::~Ed25519PrivateKey() { sodium_memzero(secret_.data(), secret_.size()); }
Ed25519PrivateKey::Ed25519PrivateKey(const Ed25519PrivateKey&) = default;
Ed25519PrivateKey& Ed25519PrivateKey::operator=(const Ed25519PrivateKey&) = default;

Ed25519Seed Ed25519PrivateKey::seed() const {
  Ed25519Seed s;
  crypto_sign_ed25519_sk_to_seed(s.data(), secret_.data());
  return s;
}

Ed25519Signature Ed25519PrivateKey::Sign(ByteSpan message) const {
  Ed25519Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool Ed25519Verify(const Ed25519PublicKey& key, ByteSpan message, const Ed25519Signature& signature) {
  InitOnce();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

void RandomBytes(std::span<uint8_t> out) {
  InitOnce();
  randombytes_buf(out.data(), out.size());
}

}  // namespace lifeline::crypto
