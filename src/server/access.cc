#include "server/access.h"

#include "base/bytes.h"
#include "server/reply.h"

namespace lifeline::server {

namespace {

constexpr std::string_view kKeyPrefix = "/key/";

// The token of an Authorization header: Bearer, or Basic's password.
Result<std::string> HeaderToken(const std::string& h) {
  if (h.rfind("Bearer ", 0) == 0) return h.substr(7);
  if (h.rfind("Basic ", 0) == 0) {
    auto pair = Base64Decode(std::string_view(h).substr(6));
    size_t colon = pair.ok() ? pair->find(':') : std::string::npos;
    if (colon == std::string::npos) return InvalidArgumentError("Basic credentials must be base64 of \"user:token\"");
    return pair->substr(colon + 1);
  }
  return InvalidArgumentError("Authorization must be \"Bearer <token>\" or Basic with the token as the password");
}

}  // namespace

std::string_view PathToken(std::string_view path) {
  if (path.substr(0, kKeyPrefix.size()) != kKeyPrefix) return {};
  std::string_view rest = path.substr(kKeyPrefix.size());
  return rest.substr(0, rest.find('/'));
}

std::string RedactedPath(std::string_view path) {
  std::string_view token = PathToken(path);
  if (token.empty()) return std::string(path);
  return std::string(kKeyPrefix) + "***" + std::string(path.substr(kKeyPrefix.size() + token.size()));
}

Result<Principal> Gate::Authenticate(const http::Request& req) {
  Principal p;
  std::string token(PathToken(req.path));
  if (req.has_header("Authorization")) {
    auto h = HeaderToken(req.get_header_value("Authorization"));
    if (!h.ok()) return h.status();
    if (!token.empty() && *h != token) return InvalidArgumentError("the path and the Authorization header name different tokens");
    token = std::move(*h);
  }
  if (token.empty() && !req.has_header("Authorization")) return p;
  auto info = tokens_->Authenticate(token);
  if (!info.ok()) return InvalidArgumentError("invalid token");  // which way it is invalid is not said
  p.token = std::move(*info);
  return p;
}

std::string Gate::LimitKey(const http::Request& req) {
  if (auto p = Authenticate(req); p.ok() && !p->anonymous()) return "token:" + p->token->id;
  return "ip:" + req.remote_addr;
}

std::optional<Principal> Gate::Admit(const http::Request& req, http::Response& res, Access access) {
  auto p = Authenticate(req);
  if (!p.ok()) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, p.status().message());
    return std::nullopt;
  }
  auto need_token = [&]() -> bool {
    if (!p->anonymous()) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, "this needs a token (Authorization: Bearer <token>)");
    return false;
  };
  auto need_role = [&](Role r) -> bool {
    if (!need_token()) return false;
    if (p->AtLeast(r)) return true;
    SendError(res, 403, "this needs the " + std::string(RoleName(r)) + " role (the token has " +
                            std::string(RoleName(p->token->role)) + ")");
    return false;
  };
  bool admitted = true;
  switch (access) {
    case Access::kLog: admitted = !private_log_ || need_token(); break;
    case Access::kEntries: admitted = EntriesPublic() || need_token(); break;
    case Access::kRead: break;
    case Access::kToken: admitted = need_token(); break;
    case Access::kSubmit: admitted = need_role(Role::kVerifier); break;
    case Access::kAdmin: admitted = need_role(Role::kAdmin); break;
  }
  if (!admitted) return std::nullopt;
  return *p;
}

Result<CaseVisibility> Gate::VisibilityFor(store::LogStore& st, const Principal& who) {
  if (!who.anonymous()) return CaseVisibility::Everything();
  return CaseVisibility::PublicOnly(st);
}

bool Gate::AdmitCase(store::LogStore& st, const Principal& who, const std::string& case_id, http::Response& res) {
  auto v = VisibilityFor(st, who);
  if (!v.ok()) {
    SendStatus(res, v.status());
    return false;
  }
  if (v->CanRead(case_id)) return true;
  SendError(res, 404, "no public case \"" + case_id + "\" (a token may read cases that are not public)");
  return false;
}

bool Gate::LogHidesCases() {
  std::lock_guard<std::mutex> lock(hides_mu_);
  auto now = std::chrono::steady_clock::now();
  if (now - hides_when_ < std::chrono::seconds(1)) return hides_cases_;
  auto st = readers_->Borrow();
  if (!st.ok()) return true;  // fail closed
  auto v = CaseVisibility::PublicOnly(**st);
  hides_cases_ = !v.ok() || v->HidesSome();
  hides_when_ = now;
  return hides_cases_;
}

bool Gate::LogHidesCasesCached() {
  std::lock_guard<std::mutex> lock(hides_mu_);
  return hides_cases_ || std::chrono::steady_clock::now() - hides_when_ >= std::chrono::seconds(1);
}

}  // namespace lifeline::server
