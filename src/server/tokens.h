// API tokens and roles.
//
// A token is shown once, when it is made, and stored only as its SHA-256
// (DIR/tokens.json, mode 0600). It reads "llt_<id>_<secret>": the 8-hex-digit
// id names it in logs, in the `by` of the records it submits ("api:<id>")
// and in `lifeline token list`; the secret is 32 random bytes (base64url), so
// a plain hash is enough (nothing to brute-force).
//
// Roles, each including the one before it for reading:
//   viewer    reads records (confidential fields withheld), analyses, exports
//   verifier  also reads confidential fields, submits `claim` records
//   monitor   also submits records of every kind
//   admin     also lists tokens and pushes to witnesses
// Anonymous callers read only cases whose case record says "public": true.
#ifndef LIFELINE_SERVER_TOKENS_H_
#define LIFELINE_SERVER_TOKENS_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::server {

enum class Role { kViewer = 0, kVerifier = 1, kMonitor = 2, kAdmin = 3 };

std::string_view RoleName(Role r);
Result<Role> ParseRole(std::string_view name);

struct TokenInfo {
  std::string id;       // 8 hex digits
  Role role = Role::kViewer;
  std::string label;    // free text, for people
  std::string created;  // RFC 3339 UTC
  std::string sha256;   // hex of SHA-256(token)
  bool revoked = false;
};

// Who is calling: a token's id and role, or nobody.
struct Principal {
  std::optional<TokenInfo> token;
  bool anonymous() const { return !token.has_value(); }
  // "api:<id>", or "anonymous".
  std::string name() const;
  bool AtLeast(Role r) const { return token && !token->revoked && token->role >= r; }
};

// The token file of a store directory. Create/Revoke rewrite it atomically;
// Authenticate re-reads it when it changed on disk (at most once a second),
// so tokens made or revoked while a server runs take effect. Thread-safe.
class TokenStore {
 public:
  explicit TokenStore(std::string path) : path_(std::move(path)) {}

  // Makes a token; returns it (the only time it is ever seen).
  Result<std::string> Create(Role role, std::string label);
  Status Revoke(const std::string& id);
  Result<std::vector<TokenInfo>> List();

  // The token's info, or Unauthenticated-style errors: InvalidArgument for a
  // malformed token, NotFound for an unknown or revoked one.
  Result<TokenInfo> Authenticate(std::string_view token);

 private:
  Result<std::vector<TokenInfo>> Load();  // mu_ held
  Status Save(const std::vector<TokenInfo>& tokens);  // mu_ held
  Status Refresh();                                   // mu_ held

  std::string path_;
  std::mutex mu_;
  std::vector<TokenInfo> cache_;
  std::chrono::steady_clock::time_point checked_{};
  int64_t mtime_ns_ = -1;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_TOKENS_H_
