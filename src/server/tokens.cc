#include "server/tokens.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/bytes.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "base/file.h"
#include "record/submit.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "llt_";
constexpr size_t kIdHex = 8;
constexpr size_t kSecretBytes = 32;

std::string Base64Url(std::string s) {
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string TokenHash(std::string_view token) {
  crypto::Hash h = crypto::Sha256(token);
  return HexEncode(ByteSpan(h.data(), h.size()));
}

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kVerifier: return "verifier";
    case Role::kMonitor: return "monitor";
    case Role::kAdmin: return "admin";
  }
  return "?";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kVerifier, Role::kMonitor, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError("unknown role \"" + std::string(name) + "\" (viewer, verifier, monitor or admin)");
}

std::string Principal::name() const { return token ? "api:" + token->id : "anonymous"; }

Result<std::vector<TokenInfo>> TokenStore::Load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::vector<TokenInfo>{};
    return ErrnoError("reading " + path_, errno);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (!j.is_object() || !j.contains("tokens") || !j["tokens"].is_array()) {
    return CorruptionError(path_ + ": not a Lifeline token file (expected {\"tokens\": [...]})");
  }
  std::vector<TokenInfo> out;
  size_t n = 0;
  for (const json& t : j["tokens"]) {
    ++n;
    auto field = [&](const char* k) -> Result<std::string> {
      if (!t.is_object() || !t.contains(k) || !t[k].is_string()) {
        return CorruptionError(path_ + ": token " + std::to_string(n) + ": field " + k + " missing or not a string");
      }
      return t[k].get<std::string>();
    };
    TokenInfo info;
    LIFELINE_ASSIGN_OR_RETURN(info.id, field("id"));
    LIFELINE_ASSIGN_OR_RETURN(std::string role, field("role"));
    auto r = ParseRole(role);
    if (!r.ok()) return CorruptionError(path_ + ": token " + info.id + ": " + r.status().message());
    info.role = *r;
    LIFELINE_ASSIGN_OR_RETURN(info.sha256, field("sha256"));
    LIFELINE_ASSIGN_OR_RETURN(info.created, field("created"));
    info.label = t.value("label", "");
    info.revoked = t.value("revoked", false);
    out.push_back(std::move(info));
  }
  return out;
}

Status TokenStore::Save(const std::vector<TokenInfo>& tokens) {
  json arr = json::array();
  for (const auto& t : tokens) {
    arr.push_back({{"id", t.id}, {"role", RoleName(t.role)}, {"label", t.label}, {"created", t.created},
                   {"sha256", t.sha256}, {"revoked", t.revoked}});
  }
  json doc = {{"version", 1}, {"note", "SHA-256 hashes of Lifeline API tokens; the tokens themselves are not kept"},
              {"tokens", arr}};
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(path_, doc.dump(2) + "\n"));
  if (chmod(path_.c_str(), 0600) != 0) return ErrnoError("chmod " + path_, errno);
  cache_ = tokens;
  mtime_ns_ = -1;  // re-stat on next use
  return Status::Ok();
}

Status TokenStore::Refresh() {
  auto now = std::chrono::steady_clock::now();
  if (mtime_ns_ != -1 && now - checked_ < std::chrono::seconds(1)) return Status::Ok();
  checked_ = now;
  struct stat st {};
  int64_t mtime = 0;
  if (stat(path_.c_str(), &st) == 0) {
    mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  } else if (errno != ENOENT) {
    return ErrnoError("stat " + path_, errno);
  }
  if (mtime == mtime_ns_) return Status::Ok();
  LIFELINE_ASSIGN_OR_RETURN(cache_, Load());
  mtime_ns_ = mtime;
  return Status::Ok();
}

Result<std::string> TokenStore::Create(Role role, std::string label) {
  std::lock_guard<std::mutex> lock(mu_);
  LIFELINE_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, Load());
  TokenInfo info;
  for (;;) {
    uint8_t idb[kIdHex / 2];
    crypto::RandomBytes(idb);
    info.id = HexEncode(ByteSpan(idb, sizeof(idb)));
    bool clash = false;
    for (const auto& t : tokens) clash = clash || t.id == info.id;
    if (!clash) break;
  }
  uint8_t secret[kSecretBytes];
  crypto::RandomBytes(secret);
  std::string token = std::string(kPrefix) + info.id + "_" + Base64Url(Base64Encode(ByteSpan(secret, sizeof(secret))));
  info.role = role;
  info.label = std::move(label);
  info.created = record::NowUtc();
  info.sha256 = TokenHash(token);
  tokens.push_back(info);
  LIFELINE_RETURN_IF_ERROR(Save(tokens));
  return token;
}

Status TokenStore::Revoke(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  LIFELINE_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, Load());
  for (auto& t : tokens) {
    if (t.id == id) {
      if (t.revoked) return Status::Ok();
      t.revoked = true;
      return Save(tokens);
    }
  }
  return NotFoundError("no token with id " + id);
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  return Load();
}

Result<TokenInfo> TokenStore::Authenticate(std::string_view token) {
  // llt_<8 hex>_<43 base64url>
  if (token.size() != kPrefix.size() + kIdHex + 1 + 43 || token.substr(0, kPrefix.size()) != kPrefix ||
      token[kPrefix.size() + kIdHex] != '_') {
    return InvalidArgumentError("malformed token");
  }
  std::string id(token.substr(kPrefix.size(), kIdHex));
  std::string hash = TokenHash(token);
  std::lock_guard<std::mutex> lock(mu_);
  LIFELINE_RETURN_IF_ERROR(Refresh());
  for (const auto& t : cache_) {
    if (t.id != id) continue;
    if (!crypto::ConstantTimeEquals(t.sha256, hash)) break;
    if (t.revoked) return NotFoundError("token " + id + " was revoked");
    return t;
  }
  return NotFoundError("unknown token");
}

}  // namespace lifeline::server
