// Helpers shared by the note module's sources. Not part of the module's
// contract: other modules include note.h, checkpoint.h, cosignature.h and
// receipt.h only.
#ifndef LIFELINE_NOTE_INTERNAL_H_
#define LIFELINE_NOTE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/ed25519.h"

namespace lifeline::note::internal {

// Ok when `text` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF, as Go's utf8.DecodeRune decides) and contains no
// ASCII control character other than '\n'. The error names the byte offset.
Status CheckNoteText(std::string_view text);

// `s` quoted for an error message: printable ASCII as is, anything else as
// \xNN, cut after 64 bytes so that a hostile input cannot flood a log.
std::string Quote(std::string_view s);

// A decimal field of a format: ASCII digits only, no leading zero (except
// "0"), at most `max`. Errors name the field (`what`) and quote the text.
Result<uint64_t> ParseDecimalField(std::string_view s, std::string_view what, uint64_t max);

// "<name>+<8 lowercase hex digits>".
std::string KeyId(std::string_view name, uint32_t key_hash);

// A public key parsed from "<name>+<hash>+<base64(alg || key)>".
struct PublicKeyText {
  std::string name;
  uint32_t key_hash = 0;
  crypto::Ed25519PublicKey key{};
};

// Parses a verifier key whose algorithm byte must be `alg`; checks the name,
// the hash digits, canonical base64, the key length and the key hash.
Result<PublicKeyText> ParsePublicKeyText(std::string_view vkey, uint8_t alg);

// Formats what ParsePublicKeyText parses.
std::string FormatPublicKeyText(std::string_view name, uint32_t key_hash, uint8_t alg,
                                const crypto::Ed25519PublicKey& key);

}  // namespace lifeline::note::internal

#endif  // LIFELINE_NOTE_INTERNAL_H_
