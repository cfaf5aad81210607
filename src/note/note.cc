#include "note/note.h"

#include <cstdio>
#include <utility>

#include "base/bytes.h"
#include "base/check.h"
#include "crypto/sha256.h"
#include "note/internal.h"

namespace lifeline::note {
namespace {

// x/mod's Open gives up after 100 signature lines so that a hostile note
// cannot make a verifier spend unbounded time; we keep the same limit.
constexpr size_t kMaxSignatures = 100;

// U+2014 EM DASH and a space, the start of every signature line.
constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";

constexpr std::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";

// Decodes one code point of `s` at `i` the way Go's utf8.DecodeRune accepts
// it: shortest form only, no surrogates, nothing above U+10FFFF. Returns
// false for an invalid or truncated sequence.
bool DecodeRune(std::string_view s, size_t i, uint32_t* rune, size_t* size) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t b0 = byte(0);
  if (b0 < 0x80) {
    *rune = b0;
    *size = 1;
    return true;
  }
  size_t n;
  uint8_t lo = 0x80, hi = 0xbf;  // bounds of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;  // overlong
    if (b0 == 0xed) hi = 0x9f;  // surrogates U+D800..U+DFFF
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;  // overlong
    if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return false;
  }
  if (s.size() - i < n) return false;
  if (byte(1) < lo || byte(1) > hi) return false;
  for (size_t k = 2; k < n; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xbf) return false;
  }
  uint32_t r = b0 & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) r = (r << 6) | (byte(k) & 0x3f);
  *rune = r;
  *size = n;
  return true;
}

// Go's unicode.IsSpace: the Unicode White_Space property.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200a;
  }
}

std::string HashHex(uint32_t h) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

uint32_t ReadBigEndian32(std::string_view s) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Parses 8 lowercase hex digits. x/mod also takes upper case; we accept only
// the form x/mod writes, so that each key has one text.
Result<uint32_t> ParseKeyHashHex(std::string_view s) {
  if (s.size() != 8) {
    return InvalidArgumentError("key hash " + internal::Quote(s) + " is not 8 hex digits");
  }
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return InvalidArgumentError("key hash " + internal::Quote(s) +
                                  " is not 8 lowercase hex digits");
    }
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  return v;
}

// The decoded key bytes hold a secret seed; overwrite them before the memory
// goes back to the allocator. Volatile so that the stores are not elided.
void Wipe(std::string* s) {
  volatile char* p = s->data();
  for (size_t i = 0; i < s->size(); ++i) p[i] = 0;
}

// One signature line without its "— " prefix and newline.
Result<Signature> ParseSignatureLine(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return InvalidArgumentError("no space between key name and signature");
  }
  std::string_view name = line.substr(0, space);
  std::string_view b64 = line.substr(space + 1);
  LIFELINE_RETURN_IF_ERROR_CTX(CheckKeyName(name), "key name");
  if (b64.empty()) {
    return InvalidArgumentError("signature of " + internal::Quote(name) + " is empty");
  }
  Result<std::string> raw = Base64Decode(b64);
  if (!raw.ok()) return raw.status().Annotate("signature of " + internal::Quote(name));
  if (raw->size() < 5) {
    return InvalidArgumentError("signature of " + internal::Quote(name) + " decodes to " +
                                std::to_string(raw->size()) +
                                " bytes, want a 4-byte key hash and at least 1 signature byte");
  }
  Signature sig;
  sig.name = std::string(name);
  sig.key_hash = ReadBigEndian32(*raw);
  sig.signature = raw->substr(4);
  return sig;
}

std::string FormatSignatureLine(const Signature& sig) {
  std::string raw;
  PutBigEndian32(&raw, sig.key_hash);
  raw += sig.signature;
  std::string line(kSigPrefix);
  line += sig.name;
  line += ' ';
  line += Base64Encode(AsBytes(raw));
  line += '\n';
  return line;
}

}  // namespace

namespace internal {

Status CheckNoteText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t r;
    size_t size;
    if (!DecodeRune(text, i, &r, &size)) {
      return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(i));
    }
    if (r < 0x20 && r != '\n') {
      return InvalidArgumentError("control character " + Quote(text.substr(i, 1)) + " at byte " +
                                  std::to_string(i));
    }
    i += size;
  }
  return Status::Ok();
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += '"';
  if (s.size() > kMax) out += "...";
  return out;
}

Result<uint64_t> ParseDecimalField(std::string_view s, std::string_view what, uint64_t max) {
  // Checked here before ParseDecimal so that "0x5" or "0\r" is reported as
  // not a number rather than as a leading zero, with the bytes escaped.
  for (char c : s) {
    if (c < '0' || c > '9') {
      return InvalidArgumentError(std::string(what) + " " + Quote(s) + " is not a decimal number");
    }
  }
  return ParseDecimal(s, what, max);
}

std::string KeyId(std::string_view name, uint32_t key_hash) {
  return std::string(name) + "+" + HashHex(key_hash);
}

Result<PublicKeyText> ParsePublicKeyText(std::string_view vkey, uint8_t alg) {
  size_t p1 = vkey.find('+');
  if (p1 == std::string_view::npos) {
    return InvalidArgumentError("verifier key " + Quote(vkey) + " is not <name>+<hash>+<key>");
  }
  size_t p2 = vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgumentError("verifier key " + Quote(vkey) + " is not <name>+<hash>+<key>");
  }
  PublicKeyText out;
  std::string_view name = vkey.substr(0, p1);
  LIFELINE_RETURN_IF_ERROR_CTX(CheckKeyName(name), "verifier key name");
  out.name = std::string(name);
  LIFELINE_ASSIGN_OR_RETURN(out.key_hash, ParseKeyHashHex(vkey.substr(p1 + 1, p2 - p1 - 1)));
  Result<std::string> key = Base64Decode(vkey.substr(p2 + 1));
  if (!key.ok()) return key.status().Annotate("verifier key data");
  if (key->empty()) return InvalidArgumentError("verifier key data is empty");
  auto got_alg = static_cast<uint8_t>((*key)[0]);
  if (got_alg != alg) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "verifier key algorithm is 0x%02x, want 0x%02x", got_alg, alg);
    return InvalidArgumentError(buf);
  }
  if (key->size() != 1 + crypto::kEd25519PublicKeySize) {
    return InvalidArgumentError("verifier key is " + std::to_string(key->size() - 1) +
                                " bytes, want 32 (Ed25519)");
  }
  for (size_t i = 0; i < out.key.size(); ++i) out.key[i] = static_cast<uint8_t>((*key)[1 + i]);
  uint32_t want = KeyHash(out.name, alg, out.key);
  if (out.key_hash != want) {
    return InvalidArgumentError("verifier key hash " + HashHex(out.key_hash) +
                                " does not match the key (want " + HashHex(want) + ")");
  }
  return out;
}

std::string FormatPublicKeyText(std::string_view name, uint32_t key_hash, uint8_t alg,
                                const crypto::Ed25519PublicKey& key) {
  std::string data(1, static_cast<char>(alg));
  data.append(reinterpret_cast<const char*>(key.data()), key.size());
  return KeyId(name, key_hash) + "+" + Base64Encode(AsBytes(data));
}

}  // namespace internal

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("key name is empty");
  for (size_t i = 0; i < name.size();) {
    uint32_t r;
    size_t size;
    if (!DecodeRune(name, i, &r, &size)) {
      return InvalidArgumentError("key name " + internal::Quote(name) + " is not valid UTF-8");
    }
    if (r == '+') {
      return InvalidArgumentError("key name " + internal::Quote(name) + " contains '+'");
    }
    if (IsUnicodeSpace(r)) {
      return InvalidArgumentError("key name " + internal::Quote(name) + " contains a space");
    }
    // x/mod allows other control characters in a key's name, but a note
    // cannot carry them, so such a key could never sign a valid note. DEL is
    // legal in a note, but it has no place in a name shown to people.
    if (r < 0x20 || r == 0x7f) {
      return InvalidArgumentError("key name " + internal::Quote(name) +
                                  " contains a control character");
    }
    i += size;
  }
  return Status::Ok();
}

uint32_t KeyHash(std::string_view name, uint8_t alg, const crypto::Ed25519PublicKey& key) {
  std::string buf(name);
  buf += '\n';
  buf += static_cast<char>(alg);
  buf.append(reinterpret_cast<const char*>(key.data()), key.size());
  crypto::Hash h = crypto::Sha256(buf);
  return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | uint32_t{h[3]};
}

Result<Note> ParseNote(std::string_view message) {
  LIFELINE_RETURN_IF_ERROR_CTX(internal::CheckNoteText(message), "malformed note");
  // The text may itself contain blank lines; the last one separates it from
  // the signatures (a signature line never contains "\n\n").
  size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgumentError("malformed note: no blank line before the signatures");
  }
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view sigs = message.substr(split + 2);
  if (sigs.empty()) {
    return InvalidArgumentError("malformed note: no signature after the blank line");
  }
  if (sigs.back() != '\n') {
    return InvalidArgumentError("malformed note: last signature line does not end in a newline");
  }
  while (!sigs.empty()) {
    if (note.signatures.size() == kMaxSignatures) {
      return InvalidArgumentError("malformed note: more than " + std::to_string(kMaxSignatures) +
                                  " signatures");
    }
    std::string line_no =
        "malformed note: signature line " + std::to_string(note.signatures.size() + 1);
    size_t nl = sigs.find('\n');  // found: sigs ends in '\n'
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (!line.starts_with(kSigPrefix)) {
      return InvalidArgumentError(line_no + ": " + internal::Quote(line) +
                                  " does not start with an em dash (U+2014) and a space");
    }
    Result<Signature> sig = ParseSignatureLine(line.substr(kSigPrefix.size()));
    if (!sig.ok()) return sig.status().Annotate(line_no);
    note.signatures.push_back(*std::move(sig));
  }
  return note;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text;
  out += '\n';
  for (const Signature& sig : note.signatures) out += FormatSignatureLine(sig);
  return out;
}

Result<Verifier> Verifier::Parse(std::string_view vkey) {
  LIFELINE_ASSIGN_OR_RETURN(internal::PublicKeyText k,
                            internal::ParsePublicKeyText(vkey, kAlgEd25519));
  return Verifier(std::move(k.name), k.key);
}

Verifier::Verifier(std::string name, crypto::Ed25519PublicKey key)
    : name_(std::move(name)), key_hash_(KeyHash(name_, kAlgEd25519, key)), key_(key) {}

std::string Verifier::ToString() const {
  return internal::FormatPublicKeyText(name_, key_hash_, kAlgEd25519, key_);
}

std::string Fingerprint(const Verifier& verifier) {
  std::string data(1, static_cast<char>(kAlgEd25519));
  data.append(reinterpret_cast<const char*>(verifier.public_key().data()), verifier.public_key().size());
  const crypto::Hash h = crypto::Sha256(data);
  const std::string hex = HexEncode(ByteSpan(h.data(), 16));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ' ';
    out.append(hex, i, 4);
  }
  return out;
}

bool Verifier::Verify(std::string_view text, const Signature& sig) const {
  if (sig.name != name_ || sig.key_hash != key_hash_) return false;
  if (sig.signature.size() != crypto::kEd25519SignatureSize) return false;
  crypto::Ed25519Signature s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(sig.signature[i]);
  return crypto::Ed25519Verify(key_, AsBytes(text), s);
}

Result<Signer> Signer::Parse(std::string_view skey) {
  if (!skey.starts_with(kPrivateKeyPrefix)) {
    return InvalidArgumentError("signer key does not start with \"PRIVATE+KEY+\"");
  }
  std::string_view rest = skey.substr(kPrivateKeyPrefix.size());
  size_t p1 = rest.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : rest.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgumentError("signer key is not PRIVATE+KEY+<name>+<hash>+<key>");
  }
  std::string_view name = rest.substr(0, p1);
  LIFELINE_RETURN_IF_ERROR_CTX(CheckKeyName(name), "signer key name");
  LIFELINE_ASSIGN_OR_RETURN(uint32_t key_hash, ParseKeyHashHex(rest.substr(p1 + 1, p2 - p1 - 1)));
  Result<std::string> key = Base64Decode(rest.substr(p2 + 1));
  if (!key.ok()) return key.status().Annotate("signer key data");
  if (key->empty()) return InvalidArgumentError("signer key data is empty");
  if (static_cast<uint8_t>((*key)[0]) != kAlgEd25519) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "signer key algorithm is 0x%02x, want 0x01 (Ed25519)",
                  static_cast<uint8_t>((*key)[0]));
    Wipe(&*key);
    return InvalidArgumentError(buf);
  }
  if (key->size() != 1 + crypto::kEd25519SeedSize) {
    size_t n = key->size() - 1;
    Wipe(&*key);
    return InvalidArgumentError("signer key seed is " + std::to_string(n) + " bytes, want 32");
  }
  crypto::Ed25519Seed seed;
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>((*key)[1 + i]);
  Wipe(&*key);
  Signer signer(std::string(name), seed);
  volatile uint8_t* p = seed.data();
  for (size_t i = 0; i < seed.size(); ++i) p[i] = 0;
  if (signer.key_hash() != key_hash) {
    return InvalidArgumentError("signer key hash " + HashHex(key_hash) +
                                " does not match the key (want " + HashHex(signer.key_hash()) +
                                ")");
  }
  return signer;
}

Signer Signer::Generate(std::string name) {
  LIFELINE_CHECK(CheckKeyName(name).ok(), "Signer::Generate: invalid key name");
  crypto::Ed25519Seed seed;
  crypto::RandomBytes(seed);
  Signer signer(std::move(name), seed);
  volatile uint8_t* p = seed.data();
  for (size_t i = 0; i < seed.size(); ++i) p[i] = 0;
  return signer;
}

Signer::Signer(std::string name, const crypto::Ed25519Seed& seed)
    : name_(std::move(name)), key_(crypto::Ed25519PrivateKey::FromSeed(seed)) {
  key_hash_ = KeyHash(name_, kAlgEd25519, key_.public_key());
}

Verifier Signer::verifier() const { return Verifier(name_, key_.public_key()); }

std::string Signer::ToString() const {
  crypto::Ed25519Seed seed = key_.seed();
  std::string data(1, static_cast<char>(kAlgEd25519));
  data.append(reinterpret_cast<const char*>(seed.data()), seed.size());
  std::string out = std::string(kPrivateKeyPrefix) + internal::KeyId(name_, key_hash_) + "+" +
                    Base64Encode(AsBytes(data));
  Wipe(&data);
  volatile uint8_t* p = seed.data();
  for (size_t i = 0; i < seed.size(); ++i) p[i] = 0;
  return out;
}

Signature Signer::Sign(std::string_view text) const {
  crypto::Ed25519Signature s = key_.Sign(AsBytes(text));
  Signature sig;
  sig.name = name_;
  sig.key_hash = key_hash_;
  sig.signature.assign(reinterpret_cast<const char*>(s.data()), s.size());
  return sig;
}

Result<std::string> SignNote(std::string_view text, const Signer& signer) {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgumentError("note text does not end in a newline");
  }
  LIFELINE_RETURN_IF_ERROR_CTX(internal::CheckNoteText(text), "note text");
  LIFELINE_RETURN_IF_ERROR_CTX(CheckKeyName(signer.name()), "signer");
  Note note;
  note.text = std::string(text);
  note.signatures.push_back(signer.Sign(text));
  return FormatNote(note);
}

Result<Note> OpenNote(std::string_view message, const Verifier& verifier) {
  LIFELINE_ASSIGN_OR_RETURN(Note note, ParseNote(message));
  // Unlike x/mod, which checks only the first of several lines by the same
  // key, every line naming this key must verify: a bad one is tampering.
  bool verified = false;
  std::string others;
  for (const Signature& sig : note.signatures) {
    if (sig.name != verifier.name() || sig.key_hash != verifier.key_hash()) {
      if (!others.empty()) others += ", ";
      others += internal::KeyId(sig.name, sig.key_hash);
      continue;
    }
    if (!verifier.Verify(note.text, sig)) {
      return VerificationFailedError("signature by " + internal::KeyId(sig.name, sig.key_hash) +
                                     " does not verify");
    }
    verified = true;
  }
  if (!verified) {
    return VerificationFailedError("note has no signature by " +
                                   internal::KeyId(verifier.name(), verifier.key_hash()) +
                                   " (signatures present: " + others + ")");
  }
  return note;
}

}  // namespace lifeline::note
