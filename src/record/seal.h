// Sealing a record's `confidential` object: fields never published, encrypted
// at rest, so that the log's entries (published as tiles, served byte for
// byte to verifiers) never hold them in plain text.
//
// The sealed shape, the only form `confidential` takes in a log entry:
//
//   "confidential": {"alg": "xchacha20poly1305", "sealed": "<base64>"}
//
//   sealed = base64(nonce || ciphertext || tag)      (RFC 4648, padded)
//   plaintext  = RFC 8785 canonical JSON of the confidential object
//   nonce      = first 24 bytes of HMAC-SHA256(key,
//                  "lifeline-seal-nonce" || 0x00 || record id || 0x00 || plaintext)
//   ciphertext || tag = crypto_aead_xchacha20poly1305_ietf(key, nonce,
//                  plaintext, associated data = the record id)
//
// Invariants and consequences:
// - Deterministic: one (key, record id, confidential object) gives one byte
//   string, so re-importing the same file finds its records unchanged. The
//   nonce depends on the plaintext, so two different objects never share a
//   nonce under one key; the price is that equal objects in the same record
//   id give equal ciphertexts (never across ids).
// - Bound to its record: the id is the associated data, so a sealed blob
//   moved to another record does not open.
// - Hidden: the values and the field names inside `confidential`. Not
//   hidden: that a record has confidential fields, and their total length
//   (ciphertext length = plaintext length + 40 bytes).
// - An object with a member named "sealed" is taken as the sealed shape;
//   a plaintext confidential object therefore cannot use that name.
//
// The key is 32 random bytes in DIR/confidential.key (one line of base64,
// mode 0600). Losing it loses every confidential field of the store: back it
// up apart from the store.
//
// All functions are thread-safe; SealKey is an immutable value.
#ifndef LIFELINE_RECORD_SEAL_H_
#define LIFELINE_RECORD_SEAL_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/aead.h"

namespace lifeline::record {

inline constexpr std::string_view kSealAlg = "xchacha20poly1305";
inline constexpr std::string_view kSealKeyFile = "confidential.key";

// The store's 32-byte sealing key. Wiped on destruction.
class SealKey {
 public:
  static SealKey Generate();  // from the OS CSPRNG
  static SealKey FromBytes(const crypto::AeadKey& bytes);
  // One line of base64 (a trailing newline is allowed), as in the key file.
  static Result<SealKey> Parse(std::string_view text);
  ~SealKey();
  SealKey(const SealKey&) = default;
  SealKey& operator=(const SealKey&) = default;

  std::string ToText() const;  // base64 and "\n"
  const crypto::AeadKey& bytes() const { return key_; }

 private:
  SealKey() = default;
  crypto::AeadKey key_{};
};

// True when `confidential` is meant as the sealed shape (an object with a
// "sealed" member), whether or not it is well formed.
bool IsSealedShape(const nlohmann::json& confidential);

// Problems of a sealed shape, for the schema: {field, message} with field
// "confidential", "confidential.alg" or "confidential.sealed"; nullopt when
// well formed (exactly alg and sealed; alg "xchacha20poly1305"; sealed
// canonical base64 of at least 24 + 16 + 2 bytes). Needs no key.
struct SealShapeError {
  std::string field;
  std::string message;
};
std::optional<SealShapeError> CheckSealedShape(const nlohmann::json& confidential);

// Seals the plaintext confidential object (must be a JSON object) of record
// `record_id`. Returns the sealed shape.
Result<nlohmann::json> Seal(const nlohmann::json& confidential, std::string_view record_id, const SealKey& key);

// Opens a sealed shape of record `record_id`: the plaintext confidential
// object. Fails (VerificationFailed) when the key is not the one that sealed
// it, the blob belongs to another record, or a byte was changed.
Result<nlohmann::json> Unseal(const nlohmann::json& sealed, std::string_view record_id, const SealKey& key);

// The submission rule (record/submit.cc), for a record that passed Validate:
// - no `confidential`: unchanged;
// - a plaintext object: replaced by its sealed shape (needs `key`);
// - a sealed shape: kept only if it opens with `key` under this record's id
//   and is exactly what sealing its plaintext gives (a replay of this store's
//   own entry); otherwise refused, since nothing could ever read it.
// A null key refuses any `confidential`. On error the record is unchanged and
// the message is about the field "confidential".
Status SealRecord(nlohmann::json* record, const SealKey* key);

// The record with its confidential object in plain text, for readers allowed
// to see it (`lifeline show --confidential`, the server's monitor, verifier
// and admin roles; never viewers, never exports). A record without
// `confidential`, or with a plaintext one (entries appended before sealing
// existed), is returned as it is.
Result<nlohmann::json> UnsealConfidential(const nlohmann::json& record, const SealKey& key);

// DIR/confidential.key. LoadSealKey: NotFound when absent; refuses a file
// others can read (FailedPrecondition). CreateSealKey: a new random key,
// written with mode 0600 (AlreadyExists if the file exists).
// LoadOrCreateSealKey: loads it, creating it first if absent (stores made
// before sealing existed); safe against a concurrent creator.
Result<SealKey> LoadSealKey(const std::string& dir);
Result<SealKey> CreateSealKey(const std::string& dir);
Result<SealKey> LoadOrCreateSealKey(const std::string& dir);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_SEAL_H_
