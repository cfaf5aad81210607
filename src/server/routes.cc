#include "server/routes.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "server/handlers.h"
#include "server/openapi.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

// `h` for callers `access` admits; the others get the gate's 401 or 403.
http::Handler Guard(Context& c, Access access, RouteHandler h) {
  return [&c, access, h](const http::Request& req, http::Response& res) {
    auto who = c.gate.Admit(req, res, access);
    if (!who) return;
    h(c, req, res, *who);
  };
}

// verify.html is one page with inline script and styles that loads nothing
// (its own CSP meta tag says the same); its pins change with the policy.
void VerifierPage(const Context& c, http::Response& res) {
  if (!c.opt.verifier_page) return SendError(res, 404, "not found");
  auto page = c.opt.verifier_page();
  if (!page.ok()) return SendStatus(res, page.status());
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(*page), "text/html; charset=utf-8");
}

void Routes(Context& c, http::Server& http) {
  // The router tries the patterns in this order, one regex match each:
  // the log's tiles, fetched in bulk, come first.
  http.Get("/checkpoint", Guard(c, Access::kLog, GetCheckpointNote));
  http.Get(R"(/tile/(entries/.+))", Guard(c, Access::kEntries, GetTile));
  http.Get(R"(/tile/(.+))", Guard(c, Access::kLog, GetTile));
  http.Get("/api/v1/cases", Guard(c, Access::kRead, GetCases));
  http.Get("/api/v1/records", Guard(c, Access::kRead, GetRecords));
  http.Post("/api/v1/records", Guard(c, Access::kSubmit, PostRecords));
  http.Get(R"(/api/v1/records/([a-z0-9._:-]{1,200}))", Guard(c, Access::kRead, GetRecord));
  const std::string cs = R"(/api/v1/cases/([a-z0-9._:-]{1,200}))";
  http.Get(cs + "/indicators", Guard(c, Access::kRead, GetIndicators));
  http.Get(cs + "/compliance", Guard(c, Access::kRead, GetCompliance));
  http.Get(cs + "/severity", Guard(c, Access::kRead, GetSeverity));
  http.Get(cs + "/risk", Guard(c, Access::kRead, GetRisk));
  http.Get(cs + "/headline", Guard(c, Access::kRead, GetHeadline));
  http.Get(cs + "/scenarios", Guard(c, Access::kRead, GetScenarios));
  http.Get(cs + "/forecast", Guard(c, Access::kRead, GetForecast));
  http.Get(cs + "/export", Guard(c, Access::kRead, GetExport));
  http.Get(cs + "/report", Guard(c, Access::kRead, GetReport));
  http.Get("/api/v1/checkpoint", Guard(c, Access::kLog, GetCheckpointJson));
  http.Get("/witness-policy", Guard(c, Access::kLog, GetWitnessPolicy));
  http.Get("/api/v1/consistency", Guard(c, Access::kLog, GetConsistency));
  http.Get("/api/v1/tokens", Guard(c, Access::kAdmin, GetTokens));
  // OpenRosa (openrosa.cc), also under /key/<token>/ (access.h, PathToken).
  const std::string key = "(?:/key/[^/]+)?";
  http.Get(key + "/formList", Guard(c, Access::kToken, GetFormList));
  http.Get(key + R"(/forms/([^/]{1,100})\.xml)", Guard(c, Access::kToken, GetForm));
  http.Get(key + "/submission", Guard(c, Access::kSubmit, HeadSubmission));
  http.Post(key + "/submission", Guard(c, Access::kSubmit, PostSubmission));
  http.Get("/openapi.json", [](const http::Request&, http::Response& res) {
    res.set_content(std::string(OpenApiDocument()), "application/json");
  });
  http.Get("/verify.html", [&c](const http::Request&, http::Response& res) { VerifierPage(c, res); });
}

// The headers every answer carries (set after the handler ran).
void SecurityHeaders(const Context& c, const http::Request& req, http::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  // The dashboard loads its own scripts and styles only. Reports and
  // verify.html set their own policy (a second header would be
  // enforced too, and block verify.html's inline script). The intake
  // page's form engine (ODK Web Forms) parses XPath with WebAssembly it
  // carries, and its fonts are data: URLs: 'wasm-unsafe-eval' allows
  // compiling WebAssembly only, never JavaScript eval.
  if (!res.has_header("Content-Security-Policy")) {
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; "
                   "font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  }
  if (req.path.rfind("/api/", 0) == 0 && !res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  if (!c.opt.cors_origin.empty()) {
    res.set_header("Access-Control-Allow-Origin", c.opt.cors_origin);
    res.set_header("Vary", "Origin");
  }
  if (IsOpenRosaPath(req.path)) FinishOpenRosa(c, res);
}

// Before routing: rate limits first, by token id when the token is valid,
// else by remote address (the log's tiles are exempt: mirrors and witnesses
// fetch them in bulk, and they are immutable and cached); then the paths
// never served and CORS preflights when CORS is off.
http::HandlerResponse BeforeRouting(Context& c, const http::Request& req, http::Response& res) {
  int retry = 1;
  if (c.limiter.enabled() && req.path.rfind("/tile/", 0) != 0 && !c.limiter.Allow(c.gate.LimitKey(req), &retry)) {
    res.set_header("Retry-After", std::to_string(retry));
    SendError(res, 429, "too many requests; retry in " + std::to_string(retry) + " s");
    return http::HandlerResponse::kHandled;
  }
  // web/ holds the npm tree the dashboard's files are copied from: never served.
  if (req.path.rfind("/node_modules", 0) == 0 || req.path.find("/.") != std::string::npos) {
    SendError(res, 404, "not found");
    return http::HandlerResponse::kHandled;
  }
  if (req.method == "OPTIONS" && c.opt.cors_origin.empty()) {
    SendError(res, 403, "cross-origin requests are not enabled on this server (serve --cors-origin)");
    return http::HandlerResponse::kHandled;
  }
  return http::HandlerResponse::kUnhandled;
}

// A handler threw: the exception's text goes to the operator's log, never
// to the caller.
void AnswerException(const http::Request& req, http::Response& res, std::exception_ptr ep) {
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s %s: %s\n", req.method.c_str(), RedactedPath(req.path).c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "internal error: %s %s: an unknown exception\n", req.method.c_str(),
                 RedactedPath(req.path).c_str());
  }
  SendError(res, 500, "internal error");
}

// The method, path and status only: never headers (tokens) or bodies.
void AccessLog(const http::Request& req, const http::Response& res) {
  std::time_t t = std::time(nullptr);
  char ts[32];
  std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::fprintf(stderr, "%s %s %s %s %d\n", ts, req.remote_addr.c_str(), req.method.c_str(),
               RedactedPath(req.path).c_str(), res.status);
}

void Wrappers(Context& c, http::Server& http) {
  http.set_post_routing_handler([&c](const http::Request& req, http::Response& res) { SecurityHeaders(c, req, res); });
  http.set_pre_routing_handler([&c](const http::Request& req, http::Response& res) { return BeforeRouting(c, req, res); });
  http.set_error_handler([](const http::Request&, http::Response& res) {
    if (!res.body.empty()) return;
    std::string msg = res.status == 413 ? "request body too large" : res.status == 404 ? "not found" : "error";
    SendError(res, res.status, msg);
  });
  http.set_exception_handler(AnswerException);
  if (c.opt.access_log) http.set_logger(AccessLog);
  http.set_fast_handler([&c](const http::Request& req, http::Response& res) { return FastTile(c, req, res); });
}

}  // namespace

void GetTokens(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  auto list = c.tokens.List();
  if (!list.ok()) return SendStatus(res, list.status());
  json arr = json::array();
  for (const auto& t : *list) {
    arr.push_back({{"id", t.id}, {"role", RoleName(t.role)}, {"label", t.label}, {"created", t.created},
                   {"revoked", t.revoked}});
  }
  SendJson(res, 200, json{{"ok", true}, {"tokens", arr}});
}

void InstallRoutes(Context& c, http::Server& http) {
  Routes(c, http);
  Wrappers(c, http);
  if (c.opt.web_dir.empty()) return;
  // The dashboard's own files only (web/index.html and what it loads:
  // scripts/web.sh vendors the libraries into web/vendor/); never
  // package.json, node_modules, dotfiles, licences or source maps.
  // sw.js, the service worker that keeps the dashboard's files for offline
  // use (the intake page), must be at the root to control every page.
  http::StaticAllowlist allow;
  allow.files = {"index.html", "sw.js"};
  allow.dirs = {"css", "js", "i18n", "vendor"};
  allow.extensions = {".css", ".js", ".json", ".png"};
  http.set_mount_point(c.opt.web_dir, std::move(allow));
}

}  // namespace lifeline::server
