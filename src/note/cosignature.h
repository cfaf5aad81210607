// C2SP tlog-cosignature v1 (https://c2sp.org/tlog-cosignature): a witness's
// Ed25519 signature over a checkpoint with a timestamp.
//
//   key hash   = SHA-256(name || "\n" || 0x04 || public key)[:4]
//   signed msg = "cosignature/v1\ntime <seconds since epoch>\n" || checkpoint body
//   signature  = key hash || uint64 timestamp (big-endian) || Ed25519 sig (64)
//   vkey       = <name>+<hash>+<base64(0x04 || public key)>
#ifndef LIFELINE_NOTE_COSIGNATURE_H_
#define LIFELINE_NOTE_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/ed25519.h"
#include "note/note.h"

namespace lifeline::note {

class CosignatureVerifier {
 public:
  static Result<CosignatureVerifier> Parse(std::string_view vkey);  // type 0x04
  CosignatureVerifier(std::string name, crypto::Ed25519PublicKey key);
  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  std::string ToString() const;

  // Verifies `sig` (a line of a signed checkpoint) over checkpoint `body`;
  // returns the cosignature's timestamp.
  Result<uint64_t> Verify(std::string_view body, const Signature& sig) const;

 private:
  std::string name_;
  uint32_t key_hash_;
  crypto::Ed25519PublicKey key_;
};

class CosignatureSigner {
 public:
  CosignatureSigner(std::string name, const crypto::Ed25519Seed& seed);
  CosignatureVerifier verifier() const;
  Signature Sign(std::string_view body, uint64_t timestamp) const;

 private:
  std::string name_;
  uint32_t key_hash_;
  crypto::Ed25519PrivateKey key_;
};

}  // namespace lifeline::note

#endif  // LIFELINE_NOTE_COSIGNATURE_H_
