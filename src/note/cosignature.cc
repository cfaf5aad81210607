#include "note/cosignature.h"

#include <utility>

#include "base/bytes.h"
#include "note/internal.h"

namespace lifeline::note {
namespace {

constexpr size_t kTimestampSize = 8;

// The bytes a witness signs: the cosignature/v1 header, then the body.
std::string SignedMessage(std::string_view body, uint64_t timestamp) {
  std::string msg = "cosignature/v1\ntime ";
  msg += std::to_string(timestamp);
  msg += '\n';
  msg += body;
  return msg;
}

}  // namespace

Result<CosignatureVerifier> CosignatureVerifier::Parse(std::string_view vkey) {
  Result<internal::PublicKeyText> k = internal::ParsePublicKeyText(vkey, kAlgCosignatureV1);
  if (!k.ok()) return k.status().Annotate("cosignature verifier key");
  return CosignatureVerifier(std::move(k->name), k->key);
}

CosignatureVerifier::CosignatureVerifier(std::string name, crypto::Ed25519PublicKey key)
    : name_(std::move(name)), key_hash_(KeyHash(name_, kAlgCosignatureV1, key)), key_(key) {}

std::string CosignatureVerifier::ToString() const {
  return internal::FormatPublicKeyText(name_, key_hash_, kAlgCosignatureV1, key_);
}

Result<uint64_t> CosignatureVerifier::Verify(std::string_view body, const Signature& sig) const {
  if (sig.name != name_ || sig.key_hash != key_hash_) {
    return InvalidArgumentError("signature is by " + internal::KeyId(sig.name, sig.key_hash) +
                                ", not by witness " + internal::KeyId(name_, key_hash_));
  }
  if (sig.signature.size() != kTimestampSize + crypto::kEd25519SignatureSize) {
    return InvalidArgumentError("cosignature by " + internal::KeyId(name_, key_hash_) + " is " +
                                std::to_string(sig.signature.size()) +
                                " bytes after the key hash, want 72 (timestamp and Ed25519)");
  }
  const auto* raw = reinterpret_cast<const uint8_t*>(sig.signature.data());
  uint64_t timestamp = GetBigEndian64(raw);
  crypto::Ed25519Signature s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = raw[kTimestampSize + i];
  if (!crypto::Ed25519Verify(key_, AsBytes(SignedMessage(body, timestamp)), s)) {
    return VerificationFailedError("cosignature by " + internal::KeyId(name_, key_hash_) +
                                   " at time " + std::to_string(timestamp) + " does not verify");
  }
  return timestamp;
}

CosignatureSigner::CosignatureSigner(std::string name, const crypto::Ed25519Seed& seed)
    : name_(std::move(name)), key_(crypto::Ed25519PrivateKey::FromSeed(seed)) {
  key_hash_ = KeyHash(name_, kAlgCosignatureV1, key_.public_key());
}

CosignatureVerifier CosignatureSigner::verifier() const {
  return CosignatureVerifier(name_, key_.public_key());
}

Signature CosignatureSigner::Sign(std::string_view body, uint64_t timestamp) const {
  crypto::Ed25519Signature s = key_.Sign(AsBytes(SignedMessage(body, timestamp)));
  Signature sig;
  sig.name = name_;
  sig.key_hash = key_hash_;
  PutBigEndian64(&sig.signature, timestamp);
  sig.signature.append(reinterpret_cast<const char*>(s.data()), s.size());
  return sig;
}

}  // namespace lifeline::note
