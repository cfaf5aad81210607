#include "server/http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "server/linger.h"

namespace lifeline::server::http {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) < std::tolower(y);
  });
}

namespace {

template <typename Map>
std::string First(const Map& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded (a malformed escape is kept as it is, as cpp-httplib does).
std::string Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// The body of a refusal made here, as the API's errors read ({"ok": false,
// "error": ...}); `message` is ours, never the client's text.
std::string ErrorBody(std::string_view message) {
  return std::string(R"({"ok":false,"error":")") + std::string(message) + "\"}";
}

bool IsMultipartForm(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t == "multipart/form-data";
}

constexpr size_t kMaxParts = 64;

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNever = Clock::time_point::max();

}  // namespace

Result<std::shared_ptr<SpoolDir>> SpoolDir::Make(const std::string& parent) {
  std::string tmpl = parent + "/upload-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return IoError("cannot make an upload directory under " + parent + ": " + std::strerror(errno));
  }
  return std::shared_ptr<SpoolDir>(new SpoolDir(std::move(tmpl)));
}

SpoolDir::~SpoolDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string Request::get_header_value(const std::string& name) const { return First(headers, name); }
std::string Request::get_param_value(const std::string& name) const { return First(params, name); }
std::string Response::get_header_value(const std::string& name) const { return First(headers, name); }

void Response::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  shared_body.reset();
  set_header("Content-Type", content_type);
}

void Response::set_shared_content(std::shared_ptr<const std::string> content, const std::string& content_type) {
  body.clear();
  shared_body = std::move(content);
  set_header("Content-Type", content_type);
}

Result<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/') return InvalidArgumentError("the request target must start with '/'");
  Target t;
  size_t q = target.find('?');
  t.path = Decode(target.substr(0, q), false);
  if (t.path.find('\0') != std::string::npos) return InvalidArgumentError("the request path holds a NUL byte");
  if (q == std::string_view::npos) return t;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = Decode(pair.substr(0, eq), true);
    if (key.empty()) continue;
    t.params.emplace(std::move(key), eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1), true));
  }
  return t;
}

std::optional<uint64_t> ParseContentLength(std::string_view value) {
  if (value.empty() || value.size() > 19) return std::nullopt;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

void Router::Add(std::string method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), std::regex(pattern), std::move(handler)});
}

const Handler* Router::Match(Request* req) const {
  const std::string& method = req->method == "HEAD" ? std::string("GET") : req->method;
  for (const Route& r : routes_) {
    if (r.method != method) continue;
    std::smatch m;
    if (std::regex_match(req->path, m, r.pattern)) {
      req->matches.clear();
      for (const auto& sub : m) req->matches.push_back(sub.str());
      return &r.handler;
    }
  }
  return nullptr;
}

std::string StaticFile(const StaticAllowlist& allow, std::string_view path) {
  if (path == "/") return allow.index;
  if (path.empty() || path[0] != '/') return "";
  std::string_view rest = path.substr(1);
  std::string_view first = rest.substr(0, rest.find('/'));
  for (std::string_view seg = rest;;) {
    size_t slash = seg.find('/');
    std::string_view s = seg.substr(0, slash);
    if (s.empty() || s[0] == '.') return "";
    for (char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return "";
    }
    if (slash == std::string_view::npos) break;
    seg = seg.substr(slash + 1);
  }
  if (first.size() == rest.size()) {  // a top-level file
    return std::find(allow.files.begin(), allow.files.end(), rest) != allow.files.end() ? std::string(rest) : "";
  }
  if (std::find(allow.dirs.begin(), allow.dirs.end(), first) == allow.dirs.end()) return "";
  size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos || rest.find('/', dot) != std::string_view::npos) return "";
  std::string_view ext = rest.substr(dot);
  if (std::find(allow.extensions.begin(), allow.extensions.end(), ext) == allow.extensions.end()) return "";
  return std::string(rest);
}

std::string MimeType(std::string_view file) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".css", "text/css"},          {".js", "text/javascript"},
      {".mjs", "text/javascript"},           {".json", "application/json"}, {".png", "image/png"},
      {".svg", "image/svg+xml"},             {".ico", "image/x-icon"},      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
  };
  size_t dot = file.rfind('.');
  if (dot != std::string_view::npos) {
    for (const auto& [ext, type] : kTypes) {
      if (file.substr(dot) == ext) return std::string(type);
    }
  }
  return "application/octet-stream";
}

// --- the server -------------------------------------------------------------

// A connection, as libmicrohttpd's socket context. `deadline` is when it is
// shut down unless its request has moved on (head or body complete); kNever
// while a handler runs or a response is sent. Guarded by Impl::conns_mu.
struct Exchange;
struct Conn {
  int fd = -1;
  std::string remote;
  Clock::time_point deadline = kNever;
  // The request under way, which the connection frees if it closes before
  // libmicrohttpd saw the request's head (it then never reports the
  // request as completed). Event thread only.
  Exchange* exchange = nullptr;
  // Answered before its body was read: the socket lingers once closed
  // (linger.h). Event thread only.
  bool linger = false;
};

// One request, as libmicrohttpd's per-request context: made when the
// request line arrives (URI log callback), freed when the request completes.
struct Exchange {
  enum Stage { kHead, kBody, kRunning, kReady };
  std::atomic<int> stage{kHead};
  MHD_Connection* connection = nullptr;
  Conn* conn = nullptr;
  Request req;
  Response res;
  // The body: its limit, the bytes read so far, and for an upload the
  // post processor, the file of the part being written, and why the upload
  // cannot be read (status and message; 0 while it can).
  size_t limit = 0;
  uint64_t received = 0;
  MHD_PostProcessor* pp = nullptr;
  std::FILE* part_file = nullptr;
  int upload_status = 0;
  std::string upload_error;

  ~Exchange() {
    if (pp != nullptr) MHD_destroy_post_processor(pp);
    if (part_file != nullptr) std::fclose(part_file);
  }
  void FailUpload(int status, std::string message) {
    if (upload_status != 0) return;
    upload_status = status;
    upload_error = std::move(message);
  }
  // Starts the next part's file; false (the upload failed) when it cannot.
  bool StartPart(const char* key, const char* filename, const char* content_type) {
    if (part_file != nullptr) std::fclose(part_file);
    part_file = nullptr;
    if (req.parts.size() >= kMaxParts) {
      FailUpload(400, "more than 64 parts in the multipart/form-data body");
      return false;
    }
    FormPart p;
    p.name = key != nullptr ? key : "";
    p.filename = filename != nullptr ? filename : "";
    p.content_type = content_type != nullptr ? content_type : "";
    p.file = req.spool->path() + "/part-" + std::to_string(req.parts.size());
    part_file = std::fopen(p.file.c_str(), "wbe");
    if (part_file == nullptr) {
      FailUpload(500, "cannot write the upload to the spool directory");
      return false;
    }
    req.parts.push_back(std::move(p));
    return true;
  }
  // libmicrohttpd's post processor hands each part's bytes in order; a new
  // part begins at offset 0.
  static MHD_Result OnPart(void* cls, MHD_ValueKind, const char* key, const char* filename,
                           const char* content_type, const char*, const char* data, uint64_t off, size_t size) {
    auto* ex = static_cast<Exchange*>(cls);
    std::vector<FormPart>& parts = ex->req.parts;
    const bool same = !parts.empty() && parts.back().size == 0 && parts.back().name == (key != nullptr ? key : "");
    if (off == 0 && !same && !ex->StartPart(key, filename, content_type)) return MHD_NO;
    if (size == 0) return MHD_YES;
    if (ex->part_file == nullptr || std::fwrite(data, 1, size, ex->part_file) != size) {
      ex->FailUpload(500, "cannot write the upload to the spool directory");
      return MHD_NO;
    }
    parts.back().size += size;
    return MHD_YES;
  }
  // The body is complete: the last part closed, the parser's verdict kept.
  void FinishUpload() {
    if (pp == nullptr) return;
    if (MHD_destroy_post_processor(pp) != MHD_YES) FailUpload(400, "the multipart/form-data body is malformed or cut short");
    pp = nullptr;
    if (part_file != nullptr && std::fclose(part_file) != 0) FailUpload(500, "cannot write the upload to the spool directory");
    part_file = nullptr;
  }
};

struct Server::Impl {
  Server* self;
  Options opt;
  MHD_Daemon* daemon = nullptr;
  int stop_pipe[2] = {-1, -1};

  std::mutex conns_mu;
  std::unordered_set<Conn*> conns;

  // Sockets of requests refused before their body: 64 at most, each for 2 s
  // or 8 MiB dropped at most. Drained on the thread that runs the server.
  Lingerer linger{64, std::chrono::milliseconds(2000), 8u << 20};

  // Workers run handlers; a suspended connection waits for its exchange.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<Exchange*> queue;
  bool queue_stop = false;
  std::vector<std::thread> workers;

  explicit Impl(Server* s) : self(s) {
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) stop_pipe[0] = stop_pipe[1] = -1;
  }
  ~Impl() {
    for (int fd : stop_pipe) {
      if (fd >= 0) close(fd);
    }
  }

  void SetDeadline(Conn* c, Clock::time_point t) {
    if (c == nullptr) return;
    std::lock_guard<std::mutex> lock(conns_mu);
    c->deadline = t;
  }

  // Shuts down connections past their deadline: libmicrohttpd then reads
  // the end of the stream and closes them on its own thread. Runs under
  // conns_mu, and a Conn leaves `conns` (NOTIFY_CLOSED) before its socket is
  // closed, so `fd` is still this connection's.
  void Sweep() {
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(conns_mu);
    for (Conn* c : conns) {
      if (c->deadline <= now) {
        shutdown(c->fd, SHUT_RDWR);
        c->deadline = kNever;
      }
    }
  }

  // Suspends the connection and hands the exchange to a worker; false when
  // the server is stopping (the connection is left as it was).
  bool Submit(Exchange* ex) {
    {
      std::lock_guard<std::mutex> lock(queue_mu);
      if (queue_stop) return false;
      ex->stage = Exchange::kRunning;
      MHD_suspend_connection(ex->connection);
      queue.push_back(ex);
    }
    queue_cv.notify_one();
    return true;
  }

  void Work() {
    for (;;) {
      Exchange* ex;
      {
        std::unique_lock<std::mutex> lock(queue_mu);
        queue_cv.wait(lock, [&] { return queue_stop || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and nothing left to answer
        ex = queue.front();
        queue.pop_front();
      }
      self->Dispatch(ex->req, ex->res);
      ex->stage = Exchange::kReady;
      MHD_resume_connection(ex->connection);  // the event thread sends it (Queue)
    }
  }

  // Hands `res` to libmicrohttpd. On the event thread.
  static MHD_Result Queue(MHD_Connection* connection, Response& res) {
    if (res.prepared) return MHD_queue_response(connection, static_cast<unsigned>(res.status), res.prepared->response_);
    MHD_Response* r = Build(res);
    if (r == nullptr) return MHD_NO;
    MHD_Result ok = MHD_queue_response(connection, static_cast<unsigned>(res.status), r);
    if (res.keep_prepared) {
      res.keep_prepared(std::shared_ptr<const Prepared>(new Prepared(r, res.status)));  // takes our reference
    } else {
      MHD_destroy_response(r);
    }
    return ok;
  }

  // A response before the request's body, a refusal: libmicrohttpd then
  // reads no more of the request and closes the connection after the
  // response, so one with a body under way lingers once closed (linger.h).
  static MHD_Result QueueBeforeBody(Exchange* ex, MHD_Connection* connection) {
    const Request& req = ex->req;
    const bool body = req.has_header("Content-Length")
                          ? ParseContentLength(req.get_header_value("Content-Length")).value_or(1) > 0
                          : req.has_header("Transfer-Encoding");
    if (ex->conn != nullptr && body) ex->conn->linger = true;
    return Queue(connection, ex->res);
  }

  // libmicrohttpd's response for `res`; nullptr when it cannot make one.
  static MHD_Response* Build(Response& res) {
    MHD_Response* r = nullptr;
    if (!res.file_path.empty()) {
      int fd = open(res.file_path.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st;
      if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        r = MHD_create_response_from_fd(static_cast<size_t>(st.st_size), fd);  // owns fd
      } else if (fd >= 0) {
        close(fd);
      }
      if (r == nullptr) {
        res.status = 404;
        res.file_path.clear();
        res.set_content(R"({"ok":false,"error":"not found"})", "application/json");
      }
    }
    if (r == nullptr && res.shared_body) {
      auto* keep = new std::shared_ptr<const std::string>(res.shared_body);
      r = MHD_create_response_from_buffer_with_free_callback_cls(
          (*keep)->size(), const_cast<char*>((*keep)->data()),
          [](void* cls) { delete static_cast<std::shared_ptr<const std::string>*>(cls); }, keep);
      if (r == nullptr) delete keep;
    } else if (r == nullptr) {
      auto* body = new std::string(std::move(res.body));
      r = MHD_create_response_from_buffer_with_free_callback_cls(
          body->size(), body->data(), [](void* cls) { delete static_cast<std::string*>(cls); }, body);
      if (r == nullptr) delete body;
    }
    if (r == nullptr) return nullptr;
    for (const auto& [k, v] : res.headers) {
      // Refused for CR or LF in a value: never sent split.
      (void)MHD_add_response_header(r, k.c_str(), v.c_str());
    }
    return r;
  }

  // A body passed the limit mid-way (chunked): libmicrohttpd 0.9.75 takes a
  // response only before the body or after all of it, so the 413 is written
  // to the socket here, the write side shut, and the connection closed
  // (MHD_NO; it lingers, linger.h). Nothing of this request's response was
  // sent before (at most a "100 Continue"), and the few hundred bytes fit
  // the empty send buffer.
  static void WriteRefusal(int fd, const Response& res) {
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + Reason(res.status) + "\r\n";
    for (const auto& [k, v] : res.headers) {
      if (k.find_first_of("\r\n") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) continue;
      out += k + ": " + v + "\r\n";
    }
    out += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n" + res.body;
    size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
  }

  // --- libmicrohttpd callbacks (all on the event thread) ---

  static void OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                           enum MHD_ConnectionNotificationCode code) {
    auto* impl = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto c = std::make_unique<Conn>();
      if (const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD)) {
        c->fd = info->connect_fd;
      }
      if (const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
        char buf[INET6_ADDRSTRLEN] = "";
        const sockaddr* sa = info->client_addr;
        if (sa->sa_family == AF_INET) {
          inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof(buf));
        } else if (sa->sa_family == AF_INET6) {
          inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof(buf));
        }
        c->remote = buf;
      }
      c->deadline = Clock::now() + impl->opt.header_timeout;  // the first request's head
      std::lock_guard<std::mutex> lock(impl->conns_mu);
      impl->conns.insert(c.get());
      *socket_context = c.release();
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      auto* c = static_cast<Conn*>(*socket_context);
      if (c == nullptr) return;
      if (c->linger && c->fd >= 0) impl->linger.Add(c->fd);  // still open: libmicrohttpd closes it after this
      {
        std::lock_guard<std::mutex> lock(impl->conns_mu);
        impl->conns.erase(c);
      }
      delete c->exchange;
      delete c;
      *socket_context = nullptr;
    }
  }

  static void* OnRequestLine(void* cls, const char* uri, MHD_Connection* connection) {
    auto ex = std::make_unique<Exchange>();
    ex->connection = connection;
    ex->req.target = uri != nullptr ? uri : "";
    if (const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) {
      ex->conn = static_cast<Conn*>(info->socket_context);
    }
    if (ex->conn != nullptr) ex->conn->exchange = ex.get();
    return ex.release();
  }

  static void OnCompleted(void* cls, MHD_Connection* connection, void** con_cls,
                          enum MHD_RequestTerminationCode code) {
    auto* impl = static_cast<Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*con_cls);
    if (ex == nullptr) return;
    // A kept-alive connection waits idle_timeout at most (libmicrohttpd's
    // inactivity timeout), then its next head gets header_timeout.
    impl->SetDeadline(ex->conn, Clock::now() + impl->opt.idle_timeout + impl->opt.header_timeout);
    if (ex->conn != nullptr && ex->conn->exchange == ex) ex->conn->exchange = nullptr;
    delete ex;
    *con_cls = nullptr;
  }

  // The request head is complete: headers, target and a declared body size
  // that may be refused before the body is read.
  MHD_Result OnHead(Exchange* ex, MHD_Connection* connection, const char* method) {
    Request& req = ex->req;
    // The body has idle_timeout to arrive whole.
    SetDeadline(ex->conn, Clock::now() + opt.idle_timeout);
    req.method = method;
    if (ex->conn != nullptr) req.remote_addr = ex->conn->remote;
    MHD_get_connection_values(
        connection, MHD_HEADER_KIND,
        [](void* h, enum MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
          static_cast<Headers*>(h)->emplace(key, value != nullptr ? value : "");
          return MHD_YES;
        },
        &req.headers);
    ex->stage = Exchange::kBody;
    auto target = ParseTarget(req.target);
    if (!target.ok()) {
      self->Refuse(req, ex->res, 400);
      return QueueBeforeBody(ex, connection);
    }
    req.path = std::move(target->path);
    req.params = std::move(target->params);
    const bool upload = req.method == "POST" && opt.is_upload && opt.is_upload(req.path) &&
                        IsMultipartForm(req.get_header_value("Content-Type"));
    ex->limit = upload ? opt.upload_max_bytes : opt.max_body_bytes;
    if (req.has_header("Content-Length")) {
      auto n = ParseContentLength(req.get_header_value("Content-Length"));
      // Answered before the body: no "100 Continue", the body is not read.
      if (n && *n > ex->limit) {
        self->Refuse(req, ex->res, 413);
        return QueueBeforeBody(ex, connection);
      }
      if (n && !upload) req.body.reserve(static_cast<size_t>(*n));
    }
    if (upload) return StartUpload(ex, connection);
    return MHD_YES;
  }

  // An upload's head: its spool directory and post processor, or the
  // refusal (500 when the directory cannot be made, 400 for a
  // multipart/form-data type without a boundary).
  MHD_Result StartUpload(Exchange* ex, MHD_Connection* connection) {
    auto spool = SpoolDir::Make(opt.spool_dir);
    if (!spool.ok()) {
      std::fprintf(stderr, "upload: %s\n", spool.status().message().c_str());
      ex->res.set_content(ErrorBody("cannot take uploads now"), "application/json");
      self->Refuse(ex->req, ex->res, 500);
      return QueueBeforeBody(ex, connection);
    }
    ex->req.spool = std::move(*spool);
    ex->pp = MHD_create_post_processor(connection, 64 * 1024, &Exchange::OnPart, ex);
    if (ex->pp == nullptr) {
      ex->res.set_content(ErrorBody("a multipart/form-data body needs a boundary"), "application/json");
      self->Refuse(ex->req, ex->res, 400);
      return QueueBeforeBody(ex, connection);
    }
    return MHD_YES;
  }

  // A piece of the body, or (size 0) its end: then the request is answered
  // from memory, or handed to a worker.
  MHD_Result OnBody(Exchange* ex, MHD_Connection* connection, const char* upload_data, size_t* upload_data_size) {
    Request& req = ex->req;
    if (*upload_data_size != 0) {
      if (ex->received + *upload_data_size > ex->limit) {
        self->Refuse(req, ex->res, 413);
        if (ex->conn != nullptr) {
          WriteRefusal(ex->conn->fd, ex->res);
          ex->conn->linger = true;
        }
        return MHD_NO;  // closes the connection: the rest is read only to be dropped (linger.h)
      }
      ex->received += *upload_data_size;
      if (ex->pp == nullptr) {
        req.body.append(upload_data, *upload_data_size);
      } else if (ex->upload_status == 0 && MHD_post_process(ex->pp, upload_data, *upload_data_size) != MHD_YES) {
        ex->FailUpload(400, "the multipart/form-data body is malformed");  // the rest is read and dropped
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    SetDeadline(ex->conn, kNever);
    ex->FinishUpload();
    if (ex->upload_status != 0) {
      ex->stage = Exchange::kReady;
      ex->res.set_content(ErrorBody(ex->upload_error), "application/json");
      self->Refuse(req, ex->res, ex->upload_status);
      return Queue(connection, ex->res);
    }
    if (self->TryFast(req, ex->res)) {
      ex->stage = Exchange::kReady;
      return Queue(connection, ex->res);
    }
    if (Submit(ex)) return MHD_YES;
    ex->stage = Exchange::kReady;
    self->Refuse(req, ex->res, 503);
    return Queue(connection, ex->res);
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                              const char* version, const char* upload_data, size_t* upload_data_size,
                              void** con_cls) {
    auto* impl = static_cast<Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*con_cls);
    if (ex == nullptr) {  // no request line seen (cannot happen): made here
      ex = static_cast<Exchange*>(OnRequestLine(cls, url, connection));
      *con_cls = ex;
    }
    switch (ex->stage.load()) {
      case Exchange::kHead:
        return impl->OnHead(ex, connection, method);
      case Exchange::kBody:
        return impl->OnBody(ex, connection, upload_data, upload_data_size);
      case Exchange::kRunning:
        return MHD_YES;  // not resumed yet
      case Exchange::kReady:
      default:
        return Queue(connection, ex->res);
    }
  }
};

Prepared::~Prepared() { MHD_destroy_response(response_); }

Server::Server() : impl_(std::make_unique<Impl>(this)) {}

Server::~Server() = default;

void Server::set_mount_point(std::string dir, StaticAllowlist allow) {
  mount_dir_ = std::move(dir);
  allow_ = std::move(allow);
}

bool Server::TryFast(Request& req, Response& res) const {
  if (!fast_) return false;
  try {
    if (!fast_(req, res)) return false;
  } catch (...) {
    res = Response();
    return false;  // a worker answers it, through the exception handler if need be
  }
  if (res.prepared) {  // its headers are in it already
    res.status = res.prepared->status();
    if (logger_) logger_(req, res);
    return true;
  }
  Refuse(req, res, res.status == -1 ? 200 : res.status);
  return true;
}

void Server::Dispatch(Request& req, Response& res) const {
  bool handled = false;
  try {
    if (pre_ && pre_(req, res) == HandlerResponse::kHandled) {
      handled = true;
    } else if (const Handler* h = router_.Match(&req)) {
      (*h)(req, res);
      handled = true;
    } else if (!mount_dir_.empty() && (req.method == "GET" || req.method == "HEAD")) {
      std::string file = StaticFile(allow_, req.path);
      struct stat st;
      if (!file.empty() && stat((mount_dir_ + "/" + file).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        res.file_path = mount_dir_ + "/" + file;
        res.set_header("Content-Type", MimeType(file));
        handled = true;
      }
    }
  } catch (...) {
    res = Response();
    res.status = 500;
    try {
      if (exception_) exception_(req, res, std::current_exception());
    } catch (...) {
    }
    if (res.body.empty()) res.set_content(R"({"ok":false,"error":"internal error"})", "application/json");
  }
  if (res.status == -1) res.status = handled ? 200 : 404;
  Refuse(req, res, res.status);
}

void Server::Refuse(const Request& req, Response& res, int status) const {
  res.status = status;
  try {
    if (res.status >= 400 && error_) error_(req, res);
    if (post_) post_(req, res);
  } catch (...) {
    res = Response();
    res.status = 500;
    res.set_content(R"({"ok":false,"error":"internal error"})", "application/json");
  }
  if (logger_) logger_(req, res);
}

Status Server::Listen(const Options& options, const std::function<void(int port)>& ready) {
  Impl& impl = *impl_;
  impl.opt = options;
  if (impl.stop_pipe[0] < 0) return IoError("cannot make the server's stop pipe");
  // Our own listening socket: any host getaddrinfo knows, port 0, and
  // SO_REUSEADDR without SO_REUSEPORT (with which a second server on the
  // same port would silently share the requests).
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(options.port);
  if (getaddrinfo(options.host.c_str(), port_text.c_str(), &hints, &found) != 0 || found == nullptr) {
    return UnavailableError("cannot resolve " + options.host);
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return UnavailableError("cannot listen on " + options.host + ":" + port_text + " (in use? try --port)");
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                     : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  // Each connection is a descriptor: the soft limit up to the hard one.
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  // One event loop per core (at most 4): each holds its share of the
  // connections, and cached tiles are answered on them.
  const unsigned loops = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  impl.daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, nullptr, nullptr, &Impl::OnRequest, &impl,
      MHD_OPTION_THREAD_POOL_SIZE, loops, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT, options.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, options.max_per_address, MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(options.idle_timeout.count()), MHD_OPTION_CONNECTION_MEMORY_LIMIT, options.head_bytes,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_CONNECTION, &Impl::OnConnection, &impl,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::OnCompleted, &impl, MHD_OPTION_URI_LOG_CALLBACK, &Impl::OnRequestLine,
      &impl, MHD_OPTION_END);
  if (impl.daemon == nullptr) {
    close(fd);
    return UnavailableError("cannot start the HTTP server on " + options.host + ":" + port_text);
  }
  int threads = options.threads > 0 ? options.threads
                                    : std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
  {
    std::lock_guard<std::mutex> lock(impl.queue_mu);
    impl.queue_stop = false;
  }
  for (int i = 0; i < threads; ++i) impl.workers.emplace_back([&impl] { impl.Work(); });
  if (ready) ready(port);
  // Until Stop(): the header deadlines, checked every 100 ms, and the
  // lingering sockets drained meanwhile.
  for (auto sweep = Clock::now() + std::chrono::milliseconds(100);;) {
    if (impl.linger.Wait(impl.stop_pipe[0], sweep)) break;
    if (Clock::now() >= sweep) {
      impl.Sweep();
      sweep = Clock::now() + std::chrono::milliseconds(100);
    }
  }
  char drain[64];
  while (read(impl.stop_pipe[0], drain, sizeof(drain)) > 0) {
  }
  // Requests with a worker are answered before the daemon stops (it frees
  // their exchanges); those arriving meanwhile get 503.
  {
    std::lock_guard<std::mutex> lock(impl.queue_mu);
    impl.queue_stop = true;
  }
  impl.queue_cv.notify_all();
  for (auto& t : impl.workers) t.join();
  impl.workers.clear();
  MHD_stop_daemon(impl.daemon);
  impl.daemon = nullptr;
  impl.linger.CloseAll();
  close(fd);
  return Status::Ok();
}

void Server::Stop() {
  if (impl_->stop_pipe[1] >= 0) {
    char c = 1;
    ssize_t n = write(impl_->stop_pipe[1], &c, 1);
    (void)n;
  }
}

}  // namespace lifeline::server::http
