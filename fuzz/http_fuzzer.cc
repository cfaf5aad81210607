// libFuzzer target: the request path of `lifeline serve`'s HTTP layer
// (src/server/http.h) after libmicrohttpd has framed a request: the request
// target's parsing, Content-Length, routing with the server's route
// patterns, the dashboard's static-file allowlist and the whole dispatch
// (pre-routing, handlers, error and post-routing handlers).
//
// Input: "<METHOD> <target>\n<Content-Length value>\n<body>".
//
// Invariants checked for every input:
//   - ParseTarget accepts exactly the targets that start with '/' and whose
//     decoded path has no NUL; parameter names are never empty;
//   - a static file the allowlist names is relative, has no empty, "." or
//     ".." segment and no segment starting with '.';
//   - Dispatch always ends with a status in 100..599 and the post-routing
//     header; a route's regex groups are substrings of the path;
//   - ParseContentLength accepts only decimal digits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "server/http.h"

namespace {

using lifeline::server::http::HandlerResponse;
using lifeline::server::http::Request;
using lifeline::server::http::Response;

lifeline::server::http::StaticAllowlist Allow() {
  lifeline::server::http::StaticAllowlist a;
  a.files = {"index.html"};
  a.dirs = {"css", "js", "i18n", "vendor"};
  a.extensions = {".css", ".js", ".json", ".png"};
  return a;
}

lifeline::server::http::Server& Http() {
  static lifeline::server::http::Server* s = [] {
    auto* srv = new lifeline::server::http::Server;
    auto echo = [](const Request& req, Response& res) {
      for (const auto& m : req.matches) {
        LIFELINE_CHECK(req.path.find(m) != std::string::npos, "a regex group is not part of the path");
      }
      res.set_content(req.matches.size() > 1 ? req.matches[1] : req.path, "text/plain");
    };
    // server.cc's patterns, in its order.
    srv->Get("/checkpoint", echo);
    srv->Get(R"(/tile/(.+))", echo);
    srv->Get("/api/v1/cases", echo);
    srv->Get("/api/v1/records", echo);
    srv->Post("/api/v1/records", [](const Request& req, Response& res) {
      if (req.body == "throw") throw std::runtime_error("handler failed");
      res.set_content(req.body, "application/json");
    });
    srv->Get(R"(/api/v1/records/([a-z0-9._:-]{1,200}))", echo);
    const std::string c = R"(/api/v1/cases/([a-z0-9._:-]{1,200}))";
    for (const char* what : {"/indicators", "/compliance", "/headline", "/scenarios", "/forecast", "/export", "/report"}) {
      srv->Get(c + what, echo);
    }
    srv->set_pre_routing_handler([](const Request& req, Response& res) {
      if (req.path.rfind("/node_modules", 0) == 0 || req.path.find("/.") != std::string::npos) {
        res.status = 404;
        return HandlerResponse::kHandled;
      }
      return HandlerResponse::kUnhandled;
    });
    srv->set_post_routing_handler([](const Request&, Response& res) { res.set_header("X-Content-Type-Options", "nosniff"); });
    srv->set_error_handler([](const Request&, Response& res) {
      if (res.body.empty()) res.set_content(R"({"ok":false})", "application/json");
    });
    srv->set_mount_point("/nonexistent-lifeline-fuzz-web", Allow());
    return srv;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  size_t nl2 = rest.find('\n');
  std::string_view length = rest.substr(0, nl2);
  std::string_view body = nl2 == std::string_view::npos ? std::string_view() : rest.substr(nl2 + 1);
  size_t sp = line.find(' ');
  std::string method(line.substr(0, sp == std::string_view::npos ? 0 : sp));
  std::string_view target = sp == std::string_view::npos ? line : line.substr(sp + 1);

  auto n = lifeline::server::http::ParseContentLength(length);
  if (n) LIFELINE_CHECK(length.find_first_not_of("0123456789") == std::string_view::npos, "a non-decimal length");

  auto t = lifeline::server::http::ParseTarget(target);
  const bool valid = !target.empty() && target[0] == '/';
  if (!t.ok()) {
    const std::string_view path = target.substr(0, target.find('?'));
    LIFELINE_CHECK(!valid || path.find_first_of(std::string_view("%\0", 2)) != std::string_view::npos,
                   "a target rejected for no reason");
    return 0;
  }
  LIFELINE_CHECK(valid, "a target without a leading '/' accepted");
  LIFELINE_CHECK(t->path.find('\0') == std::string::npos, "a NUL in the path");
  for (const auto& [k, v] : t->params) LIFELINE_CHECK(!k.empty(), "an empty parameter name");

  std::string file = lifeline::server::http::StaticFile(Allow(), t->path);
  if (!file.empty()) {
    LIFELINE_CHECK(file[0] != '/', "an absolute static file");
    std::string_view f = file;
    for (size_t at = 0; at <= f.size();) {
      size_t slash = f.find('/', at);
      std::string_view seg = f.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
      LIFELINE_CHECK(!seg.empty() && seg[0] != '.', "an empty or dot segment in a static file");
      if (slash == std::string_view::npos) break;
      at = slash + 1;
    }
  }

  Request req;
  req.method = method.empty() ? "GET" : method;
  req.target = std::string(target);
  req.path = t->path;
  req.params = t->params;
  req.body = std::string(body);
  Response res;
  Http().Dispatch(req, res);
  LIFELINE_CHECK(res.status >= 100 && res.status <= 599, "a status out of range");
  LIFELINE_CHECK(res.get_header_value("X-Content-Type-Options") == "nosniff", "no post-routing header");
  return 0;
}
