// The HTTP layer of `lifeline serve`: our own small request and response
// types, a router, and a server on GNU libmicrohttpd (this file's .cc is the
// only includer of microhttpd.h).
//
// Why not a thread per connection: a connection that is idle, silent or
// sends its head a byte a second must cost a socket and a few KiB, never a
// thread. Event threads (epoll; one per core, at most four) read every
// connection's head and body;
// a handler runs on a worker thread only once its request is complete, with
// the connection suspended meanwhile, so slow handlers (reports, analyses)
// and slow clients never hold up the others.
//
// Limits (Options): total connections (beyond it new connections wait in
// the listen queue until one closes) and connections per remote address
// (beyond it a new connection is closed at once); idle time (no byte either
// way); the head of a request must be complete within header_timeout of the
// connection opening (or, on a kept-alive connection, of the idle wait after
// the previous response), whatever its pace; a body must be complete within
// idle_timeout of its head; the head is bounded by the connection's memory
// (head_bytes; larger heads get 431 or 414 from libmicrohttpd); the body by
// max_body_bytes, enforced while reading (Content-Length or chunked), before
// routing and any handler: a Content-Length over the limit is answered 413 at
// once (and with `Expect: 100-continue` no 100 is sent); a chunked body is cut
// with 413 as soon as it passes the limit.
//
// Every answer made here (refusals included) goes through the error and
// post-routing handlers, so it carries the server's headers. libmicrohttpd
// answers a few malformed requests itself, before any callback: 431 or 414
// for a head over head_bytes, 400 for a Content-Length that is not a number
// or broken chunked framing. Those have a fixed HTML body, close the
// connection, and lack our headers: 0.9.75 has no hook to add any.
//
// The types mirror the cpp-httplib surface that server.cc was written
// against (set_header, get_param_value, ...), so handlers read the same.
#ifndef LIFELINE_SERVER_HTTP_H_
#define LIFELINE_SERVER_HTTP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct MHD_Response;  // libmicrohttpd's, opaque here

namespace lifeline::server::http {

class Prepared;

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
// Header names compare without case; a name may repeat.
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
// Query parameters in order of their names; a name may repeat.
using Params = std::multimap<std::string, std::string>;

// A part of a multipart/form-data body on an upload route (Options::is_upload):
// its bytes were written to `file` as they arrived, never held in memory.
struct FormPart {
  std::string name;          // the part's form field name
  std::string filename;      // as the client sent it ("" for a plain field)
  std::string content_type;  // "" when the part named none
  std::string file;          // where its bytes are; removed with the request
  uint64_t size = 0;
};

// The directory a request's parts are spooled to: made per request,
// removed with everything in it when the last owner lets go.
class SpoolDir {
 public:
  // A fresh directory under `parent` (which must exist).
  static Result<std::shared_ptr<SpoolDir>> Make(const std::string& parent);
  ~SpoolDir();
  SpoolDir(const SpoolDir&) = delete;
  SpoolDir& operator=(const SpoolDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit SpoolDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct Request {
  std::string method;       // "GET", "POST", ...
  std::string target;       // as sent: path and query, percent-encoded
  std::string path;         // decoded, without the query
  Params params;            // the query, decoded ('+' is a space)
  Headers headers;
  std::string body;         // at most Options::max_body_bytes; empty for an upload
  // An upload (Options::is_upload, multipart/form-data): its parts, in the
  // order sent, and the directory that holds their bytes.
  std::vector<FormPart> parts;
  std::shared_ptr<SpoolDir> spool;
  std::string remote_addr;  // the peer's address, e.g. "127.0.0.1"
  std::vector<std::string> matches;  // the route's regex: [0] the path, [1] the first group, ...

  bool has_header(const std::string& name) const { return headers.count(name) != 0; }
  // The first value of the header, or "".
  std::string get_header_value(const std::string& name) const;
  bool has_param(const std::string& name) const { return params.count(name) != 0; }
  // The first value of the parameter, or "".
  std::string get_param_value(const std::string& name) const;
};

struct Response {
  int status = -1;  // -1: unset (200 once a route handled the request, else 404)
  Headers headers;
  std::string body;
  // Sent instead of `body` when set, without a copy (a cached tile).
  std::shared_ptr<const std::string> shared_body;
  // A file to send instead of `body` (static files), by sendfile.
  std::string file_path;
  // A response made earlier, sent instead of all of the above (status,
  // headers and body as they were then); from a fast handler only.
  std::shared_ptr<const Prepared> prepared;
  // From a fast handler: called (on the event thread, so it must not
  // block) with this response as it is about to be sent, its headers final,
  // so that the same answer can be sent again as `prepared`.
  std::function<void(std::shared_ptr<const Prepared>)> keep_prepared;

  // Adds a header (a name may repeat, as with cpp-httplib).
  void set_header(const std::string& name, const std::string& value) { headers.emplace(name, value); }
  bool has_header(const std::string& name) const { return headers.count(name) != 0; }
  std::string get_header_value(const std::string& name) const;
  void set_content(std::string content, const std::string& content_type);
  // The bytes of `content` as the body, kept alive until sent.
  void set_shared_content(std::shared_ptr<const std::string> content, const std::string& content_type);
};

// A response built once and sent as it is by any number of connections (a
// cached tile: no headers to add, no body to wrap, per request). Immutable
// and thread-safe; the connections sending it keep it alive.
class Prepared {
 public:
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  int status() const { return status_; }

 private:
  friend class Server;
  Prepared(MHD_Response* response, int status) : response_(response), status_(status) {}
  MHD_Response* response_;  // our reference to it
  int status_;
};

using Handler = std::function<void(const Request&, Response&)>;

enum class HandlerResponse { kHandled, kUnhandled };

// A request target ("/a/b?x=1&y") split and decoded. Fails (400) on a target
// that does not start with '/' or whose path decodes to a NUL byte.
struct Target {
  std::string path;
  Params params;
};
Result<Target> ParseTarget(std::string_view target);

// A Content-Length value: decimal digits only; nullopt when malformed.
std::optional<uint64_t> ParseContentLength(std::string_view value);

// Routes by method and a regex matched against the whole decoded path, in
// the order added. HEAD uses the GET routes.
class Router {
 public:
  void Add(std::string method, const std::string& pattern, Handler handler);
  // The handler for the request, with req->matches filled; nullptr if none.
  const Handler* Match(Request* req) const;

 private:
  struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// The static files a mount serves: "/" is `index`; any other path only if
// its first segment is one of `dirs`, its extension one of `extensions`, and
// no segment is empty or starts with '.' (no dotfiles, no "..").
struct StaticAllowlist {
  std::string index = "index.html";
  std::vector<std::string> files;       // top-level files, e.g. "index.html"
  std::vector<std::string> dirs;        // e.g. "js", "css"
  std::vector<std::string> extensions;  // e.g. ".js", ".css"
};
// The file under the mount for `path` ("" when the allowlist refuses it).
std::string StaticFile(const StaticAllowlist& allow, std::string_view path);
// The MIME type by file extension (application/octet-stream when unknown).
std::string MimeType(std::string_view file);

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port
  size_t max_body_bytes = 1 << 20;
  unsigned max_connections = 1024;
  unsigned max_per_address = 64;
  std::chrono::seconds idle_timeout{30};
  std::chrono::milliseconds header_timeout{10000};
  size_t head_bytes = 32 * 1024;   // per connection: the request head and libmicrohttpd's buffers
  int threads = 0;                 // workers running handlers; 0 = a default
  // Upload routes: a POST to a path is_upload accepts, with a
  // multipart/form-data body, is parsed while it arrives (libmicrohttpd's
  // post processor) into Request::parts, each part written to a file in a
  // directory of its own under spool_dir, so that memory stays bounded
  // whatever the attachments weigh. Its limit is upload_max_bytes (413 as
  // for max_body_bytes, enforced while reading); a body that is not
  // well-formed multipart is a 400 before any handler.
  std::function<bool(std::string_view path)> is_upload;
  size_t upload_max_bytes = 10 << 20;
  std::string spool_dir;
};

class Server {
 public:
  Server();
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Set-up: before Listen, from one thread.
  void Get(const std::string& pattern, Handler h) { router_.Add("GET", pattern, std::move(h)); }
  void Post(const std::string& pattern, Handler h) { router_.Add("POST", pattern, std::move(h)); }
  // Runs before routing; kHandled skips routing (the response is sent as filled).
  void set_pre_routing_handler(std::function<HandlerResponse(const Request&, Response&)> h) { pre_ = std::move(h); }
  // Runs on every response just before it is sent (also on 413 and 404).
  void set_post_routing_handler(Handler h) { post_ = std::move(h); }
  // Runs on every response with a status >= 400.
  void set_error_handler(Handler h) { error_ = std::move(h); }
  // A handler threw: fills the response (default: 500, a generic JSON body).
  void set_exception_handler(std::function<void(const Request&, Response&, std::exception_ptr)> h) {
    exception_ = std::move(h);
  }
  // Runs on the event thread for a complete request, before it would go to
  // a worker: true when it answered (then pre-routing and routing are
  // skipped; error and post-routing handlers and the logger still run). For
  // answers from memory only (a cached tile): it must never block.
  void set_fast_handler(std::function<bool(const Request&, Response&)> h) { fast_ = std::move(h); }
  // One call per response, after it was produced.
  void set_logger(std::function<void(const Request&, const Response&)> h) { logger_ = std::move(h); }
  // Serves the files of `dir` that `allow` names, for GET and HEAD requests
  // no route matched.
  void set_mount_point(std::string dir, StaticAllowlist allow);

  // Binds, calls `ready` with the bound port, and serves until Stop().
  Status Listen(const Options& options, const std::function<void(int port)>& ready);
  // Async-signal-safe: makes Listen return (after handlers in flight end).
  void Stop();

  // The fast handler's answer, if it gives one (on the event thread).
  bool TryFast(Request& req, Response& res) const;
  // The whole request path after the body is read: pre-routing, routing or
  // a static file, error and post-routing handlers, the logger. Thread-safe
  // once set up. Public for tests and the fuzzer.
  void Dispatch(Request& req, Response& res) const;
  // Fills `res` as the answer to a refused request (413, 400, ...) and runs
  // the error and post-routing handlers and the logger on it.
  void Refuse(const Request& req, Response& res, int status) const;

 private:
  struct Impl;
  Router router_;
  std::function<HandlerResponse(const Request&, Response&)> pre_;
  std::function<bool(const Request&, Response&)> fast_;
  Handler post_, error_;
  std::function<void(const Request&, Response&, std::exception_ptr)> exception_;
  std::function<void(const Request&, const Response&)> logger_;
  std::string mount_dir_;
  StaticAllowlist allow_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lifeline::server::http

#endif  // LIFELINE_SERVER_HTTP_H_
