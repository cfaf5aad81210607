// Who is calling and what they may do: the caller from the Authorization
// header (tokens.h), the access each route asks for, and which cases the
// caller may read (visibility.h). Every refusal is answered here (401 with
// WWW-Authenticate, 403, or the 404 of a missing case), so routes differ
// only in the Access they name. Thread-safe.
#ifndef LIFELINE_SERVER_ACCESS_H_
#define LIFELINE_SERVER_ACCESS_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "server/http.h"
#include "server/reader_pool.h"
#include "server/tokens.h"
#include "server/visibility.h"

namespace lifeline::server {

// The token of a path "/key/<token>/..." (as ODK Central's app users give
// it: ODK Collect can send no Bearer header), or "" for any other path.
std::string_view PathToken(std::string_view path);
// `path` with the token of a "/key/<token>/" prefix replaced by "***", for
// logs: a token is never written anywhere.
std::string RedactedPath(std::string_view path);

// What each route asks of its caller.
enum class Access {
  kLog,       // checkpoints and hash tiles: anyone, unless --private-log
  kEntries,   // entry bundles: as kLog, and a token while the log holds a case that is not public
  kRead,      // anyone; what an anonymous caller sees is decided by CaseVisibility
  kToken,     // any valid token (the OpenRosa form list: its choices name every case)
  kSubmit,    // verifier (claims only), monitor, admin
  kAdmin,     // admin
};

class Gate {
 public:
  // `tokens` and `readers` must outlive the gate.
  Gate(TokenStore* tokens, ReaderPool* readers, bool private_log)
      : tokens_(tokens), readers_(readers), private_log_(private_log) {}

  // The caller from the token it sends: the Authorization header, as
  // "Bearer <token>" or as HTTP Basic with the token as the password (the
  // user name is not read), or the path's "/key/<token>/" prefix; a token
  // sent both ways must be the same. A bad token is an error (401), never
  // silently anonymous.
  Result<Principal> Authenticate(const http::Request& req);
  // Whose bucket a request counts against: the token's id when it is valid,
  // else the remote address.
  std::string LimitKey(const http::Request& req);
  // Checks `access` for the caller; on refusal fills res (401/403) and
  // returns nullopt.
  std::optional<Principal> Admit(const http::Request& req, http::Response& res, Access access);

  // The one decision of what `who` may read (server/visibility.h).
  static Result<CaseVisibility> VisibilityFor(store::LogStore& st, const Principal& who);
  // Fills res and returns false when `who` may not read the case. An
  // anonymous caller gets the same 404 for a case that is not public as for
  // one that does not exist: whether it exists is not said.
  static bool AdmitCase(store::LogStore& st, const Principal& who, const std::string& case_id, http::Response& res);

  // Whether the log holds records of a case that is not public, so that its
  // entry bundles need a token. Read at most once a second: a case withdrawn
  // from the public is hidden in the bundles within a second.
  bool LogHidesCases();
  // LogHidesCases as last read, without touching the store (for the event
  // thread): true when not read within the last second.
  bool LogHidesCasesCached();
  // Whether a caller with no token may read the entry bundles (Access::kEntries).
  bool EntriesPublic() { return !(private_log_ || LogHidesCases()); }

 private:
  TokenStore* tokens_;
  ReaderPool* readers_;
  const bool private_log_;
  std::mutex hides_mu_;
  bool hides_cases_ = true;
  std::chrono::steady_clock::time_point hides_when_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_ACCESS_H_
