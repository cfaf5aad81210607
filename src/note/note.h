// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, compatible
// byte for byte with Go's golang.org/x/mod/sumdb/note. Pure: no I/O, no clock.
//
// A note is UTF-8 text ending in '\n', a blank line, then one or more
// signature lines "— <name> <base64(key hash (4 bytes, big-endian) || sig)>\n"
// (the dash is U+2014). The key hash of an Ed25519 key is the first 4 bytes of
// SHA-256(name || "\n" || 0x01 || public key).
//
// Key text formats (as x/mod reads and writes them):
//   verifier key  <name>+<hash as 8 hex digits>+<base64(0x01 || public key)>
//   signer key    PRIVATE+KEY+<name>+<hash>+<base64(0x01 || 32-byte seed)>
// Key names are non-empty UTF-8, contain no '+', whitespace or Unicode space,
// and, stricter than x/mod, no ASCII control character (a note cannot carry
// one) or DEL. The hash is written and accepted in lowercase hex only
// (x/mod also reads upper case), so each key has exactly one text form.
//
// Parsers are strict and say what is wrong. Thread safety: all types are
// immutable values after construction.
#ifndef LIFELINE_NOTE_NOTE_H_
#define LIFELINE_NOTE_NOTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/ed25519.h"

namespace lifeline::note {

inline constexpr uint8_t kAlgEd25519 = 0x01;
inline constexpr uint8_t kAlgCosignatureV1 = 0x04;  // c2sp.org/tlog-cosignature

// One signature line of a note, undecoded beyond the key hash.
struct Signature {
  std::string name;
  uint32_t key_hash = 0;
  std::string signature;  // the bytes after the 4-byte key hash
  friend bool operator==(const Signature&, const Signature&) = default;
};

struct Note {
  std::string text;  // ends in '\n'
  std::vector<Signature> signatures;
};

// Splits a signed note into its text and signature lines. Rejects: no blank
// line before signatures, text not ending in '\n', a line not of the
// signature form, bad base64, fewer than 5 decoded bytes, invalid UTF-8,
// control characters other than '\n', more than 100 signatures, a trailing
// byte after the last '\n'.
Result<Note> ParseNote(std::string_view message);

// text + "\n" + signature lines. Precondition: text ends in '\n'.
std::string FormatNote(const Note& note);

// Returns Ok for a valid key name (see above).
Status CheckKeyName(std::string_view name);

// The key hash for (name, algorithm byte || public key).
uint32_t KeyHash(std::string_view name, uint8_t alg, const crypto::Ed25519PublicKey& key);

class Verifier {
 public:
  // Parses a verifier key (Ed25519, type 0x01).
  static Result<Verifier> Parse(std::string_view vkey);
  Verifier(std::string name, crypto::Ed25519PublicKey key);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  const crypto::Ed25519PublicKey& public_key() const { return key_; }
  std::string ToString() const;  // the vkey text

  // True when `sig` is this key's valid signature over `text`.
  bool Verify(std::string_view text, const Signature& sig) const;

 private:
  std::string name_;
  uint32_t key_hash_;
  crypto::Ed25519PublicKey key_;
};

// What a reader compares by eye with a key published elsewhere: the first
// 128 bits of SHA-256(0x01 || public key), in lowercase hex, groups of four
// digits separated by single spaces ("dca0 235f ... 8074", 39 characters).
// The dashboard (web/js/checkpoint.js `fingerprint`) computes the same; both
// unit tests pin one value so the two cannot drift.
std::string Fingerprint(const Verifier& verifier);

class Signer {
 public:
  // Parses a signer key (PRIVATE+KEY+...).
  static Result<Signer> Parse(std::string_view skey);
  // A fresh key from the OS CSPRNG. Precondition: CheckKeyName(name).ok().
  static Signer Generate(std::string name);
  Signer(std::string name, const crypto::Ed25519Seed& seed);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  Verifier verifier() const;
  std::string ToString() const;  // the skey text; secret!

  Signature Sign(std::string_view text) const;

 private:
  std::string name_;
  uint32_t key_hash_;
  crypto::Ed25519PrivateKey key_;
};

// Signs `text` (which must end in '\n' and be valid note text) and returns
// the complete note: text, blank line, signature line.
Result<std::string> SignNote(std::string_view text, const Signer& signer);

// Parses `message` and checks that `verifier` signed it. Signatures by other
// keys are kept in the returned note (they may be cosignatures). Fails with
// VerificationFailed when there is no valid signature by the verifier (a
// signature line with its name and key hash that does not verify is an
// error, not "unsigned").
Result<Note> OpenNote(std::string_view message, const Verifier& verifier);

}  // namespace lifeline::note

#endif  // LIFELINE_NOTE_NOTE_H_
