#include "record/seal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/bytes.h"
#include "base/file.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "record/canonical.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

// The smallest plaintext is "{}".
constexpr size_t kMinSealedBytes = crypto::kAeadNonceSize + crypto::kAeadTagSize + 2;

std::string KeyPath(const std::string& dir) { return dir + "/" + std::string(kSealKeyFile); }

crypto::AeadNonce NonceFor(const SealKey& key, std::string_view record_id, std::string_view plaintext) {
  std::string msg = "lifeline-seal-nonce";
  msg.push_back('\0');
  msg.append(record_id);
  msg.push_back('\0');
  msg.append(plaintext);
  crypto::Hash mac = crypto::HmacSha256(ByteSpan(key.bytes()), AsBytes(msg));
  crypto::AeadNonce nonce{};
  std::copy_n(mac.begin(), nonce.size(), nonce.begin());
  return nonce;
}

}  // namespace

SealKey SealKey::Generate() {
  SealKey k;
  crypto::RandomBytes(k.key_);
  return k;
}

SealKey SealKey::FromBytes(const crypto::AeadKey& bytes) {
  SealKey k;
  k.key_ = bytes;
  return k;
}

Result<SealKey> SealKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto raw = Base64Decode(text);
  if (!raw.ok() || raw->size() != crypto::kAeadKeySize) {
    return InvalidArgumentError("a confidential key is one line of base64 of 32 bytes");
  }
  SealKey k;
  std::copy(raw->begin(), raw->end(), k.key_.begin());
  crypto::Wipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(raw->data()), raw->size()));
  return k;
}

SealKey::~SealKey() { crypto::Wipe(key_); }

std::string SealKey::ToText() const { return Base64Encode(key_) + "\n"; }

bool IsSealedShape(const json& confidential) { return confidential.is_object() && confidential.contains("sealed"); }

std::optional<SealShapeError> CheckSealedShape(const json& c) {
  if (!c.is_object()) return SealShapeError{"confidential", "must be an object"};
  for (auto it = c.begin(); it != c.end(); ++it) {
    if (it.key() != "alg" && it.key() != "sealed") {
      return SealShapeError{"confidential." + it.key(),
                            "a sealed confidential object has only \"alg\" and \"sealed\" (a plaintext one "
                            "cannot use the name \"sealed\")"};
    }
  }
  if (!c.contains("alg")) {
    return SealShapeError{"confidential.alg", "is required in a sealed object: \"" + std::string(kSealAlg) + "\""};
  }
  if (!c.at("alg").is_string() || c.at("alg").get<std::string>() != kSealAlg) {
    return SealShapeError{"confidential.alg", c.at("alg").dump() + " is not a known sealing algorithm (\"" +
                                                  std::string(kSealAlg) + "\")"};
  }
  const json& s = c.at("sealed");
  if (!s.is_string()) return SealShapeError{"confidential.sealed", "must be a base64 string"};
  auto raw = Base64Decode(s.get<std::string>());
  if (!raw.ok()) return SealShapeError{"confidential.sealed", "is not canonical base64: " + raw.status().message()};
  if (raw->size() < kMinSealedBytes) {
    return SealShapeError{"confidential.sealed", "is " + std::to_string(raw->size()) + " bytes, shorter than a nonce, "
                                                 "a tag and \"{}\" (" + std::to_string(kMinSealedBytes) + ")"};
  }
  return std::nullopt;
}

Result<json> Seal(const json& confidential, std::string_view record_id, const SealKey& key) {
  if (!confidential.is_object()) return InvalidArgumentError("confidential: must be an object to seal");
  LIFELINE_ASSIGN_OR_RETURN(std::string plaintext, Canonicalize(confidential));
  crypto::AeadNonce nonce = NonceFor(key, record_id, plaintext);
  std::string blob(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  blob += crypto::AeadSeal(key.bytes(), nonce, AsBytes(plaintext), AsBytes(record_id));
  crypto::Wipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(plaintext.data()), plaintext.size()));
  return json{{"alg", std::string(kSealAlg)}, {"sealed", Base64Encode(AsBytes(blob))}};
}

Result<json> Unseal(const json& sealed, std::string_view record_id, const SealKey& key) {
  if (auto e = CheckSealedShape(sealed)) return InvalidArgumentError(e->field + ": " + e->message);
  auto raw = Base64Decode(sealed.at("sealed").get<std::string>());
  LIFELINE_RETURN_IF_ERROR(raw.status());
  crypto::AeadNonce nonce{};
  std::copy_n(reinterpret_cast<const uint8_t*>(raw->data()), nonce.size(), nonce.begin());
  ByteSpan body = AsBytes(*raw).subspan(nonce.size());
  auto plaintext = crypto::AeadOpen(key.bytes(), nonce, body, AsBytes(record_id));
  if (!plaintext) {
    return VerificationFailedError("confidential: does not open with this store's key for record \"" +
                                   std::string(record_id) +
                                   "\" (sealed by another store, moved from another record, or altered)");
  }
  json obj = json::parse(*plaintext, nullptr, false);
  crypto::Wipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(plaintext->data()), plaintext->size()));
  if (!obj.is_object()) return CorruptionError("confidential: opens, but to something that is not a JSON object");
  return obj;
}

Status SealRecord(json* record, const SealKey* key) {
  if (!record->is_object() || !record->contains("confidential")) return Status::Ok();
  const json& c = record->at("confidential");
  if (key == nullptr) {
    return FailedPreconditionError("confidential: no confidential key to seal it with");
  }
  std::string id = record->contains("id") && record->at("id").is_string() ? record->at("id").get<std::string>() : "";
  if (id.empty()) return InvalidArgumentError("confidential: the record needs an id to seal it");
  if (IsSealedShape(c)) {
    LIFELINE_ASSIGN_OR_RETURN(json plain, Unseal(c, id, *key));
    LIFELINE_ASSIGN_OR_RETURN(json again, Seal(plain, id, *key));
    if (again != c) {
      return InvalidArgumentError(
          "confidential: opens with this store's key but is not in the form Lifeline seals it (submit the "
          "plaintext object instead)");
    }
    return Status::Ok();
  }
  LIFELINE_ASSIGN_OR_RETURN(json sealed, Seal(c, id, *key));
  (*record)["confidential"] = std::move(sealed);
  return Status::Ok();
}

Result<json> UnsealConfidential(const json& record, const SealKey& key) {
  if (!record.is_object() || !record.contains("confidential") || !IsSealedShape(record.at("confidential"))) {
    return record;
  }
  std::string id = record.contains("id") && record.at("id").is_string() ? record.at("id").get<std::string>() : "";
  json out = record;
  LIFELINE_ASSIGN_OR_RETURN(out["confidential"], Unseal(record.at("confidential"), id, key));
  return out;
}

Result<SealKey> LoadSealKey(const std::string& dir) {
  const std::string path = KeyPath(dir);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + " does not exist");
    return ErrnoError("opening " + path, errno);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoError("reading " + path, err);
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return FailedPreconditionError(path + " can be read by other users; chmod 600 it");
  }
  std::string text(256, '\0');
  ssize_t n = read(fd, text.data(), text.size());
  int err = errno;
  close(fd);
  if (n < 0) return ErrnoError("reading " + path, err);
  text.resize(static_cast<size_t>(n));
  auto key = SealKey::Parse(text);
  crypto::Wipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

Result<SealKey> CreateSealKey(const std::string& dir) {
  const std::string path = KeyPath(dir);
  // Written whole to a temporary name, then linked into place (replace =
  // false): a reader never sees a half-written key, and an existing one is
  // never replaced. The directory is synced: a key lost in a crash loses
  // what it sealed.
  SealKey key = SealKey::Generate();
  std::string text = key.ToText();
  Status s = WriteFileAtomically(path, text, {.mode = 0600, .replace = false});
  crypto::Wipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  LIFELINE_RETURN_IF_ERROR(s);
  return key;
}

Result<SealKey> LoadOrCreateSealKey(const std::string& dir) {
  auto key = LoadSealKey(dir);
  if (key.ok() || key.status().code() != ErrorCode::kNotFound) return key;
  auto created = CreateSealKey(dir);
  if (created.ok() || created.status().code() != ErrorCode::kAlreadyExists) return created;
  return LoadSealKey(dir);  // another process created it meanwhile
}

}  // namespace lifeline::record
