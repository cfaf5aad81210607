// The server against clients that are slow, idle, greedy or hostile, on
// loopback: the real `lifeline serve` (server.h) on an empty store, raw
// sockets bound to several loopback source addresses (127.0.0.2, ...: all of
// 127/8 is the loopback interface on Linux) so that the per-address limit is
// tested apart from the others. Plus the HTTP layer's pure parts (http.h).
#include "server/http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "base/status_testing.h"
#include "store_dir/store_dir.h"
#include "server/server.h"

namespace lifeline::server {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A blocking TCP connection to 127.0.0.1:port from `source` (e.g.
// "127.0.0.2"); -1 on failure. Reads and writes time out after 2 s.
int Connect(const std::string& source, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &a.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  size_t n = 0;
  while (n < s.size()) {
    ssize_t w = send(fd, s.data() + n, s.size() - n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    n += static_cast<size_t>(w);
  }
  return true;
}

// Whether the server closed `fd` within `within` (EOF or reset), reading
// and dropping whatever it sent first.
bool ClosedWithin(int fd, std::chrono::milliseconds within) {
  auto end = Clock::now() + within;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
  }
  return false;
}

// Reads until EOF, error or `silence` without a byte (2 s unless given);
// returns what came.
std::string ReadAll(int fd, int silence_seconds = 2) {
  timeval tv{silence_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

size_t RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

// An empty store and `lifeline serve` on it with the options a test sets.
class AttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("lifeline-http-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(getpid())))
               .string();
    fs::remove_all(dir_);
    ASSERT_TRUE(store_dir::InitStore(dir_, "test.invalid/http").ok());
  }

  void Start(ServerOptions o) {
    o.store_dir = dir_;
    o.port = 0;
    o.access_log = false;
    o.rate_per_minute = 0;
    auto s = Server::Create(o);
    ASSERT_OK(s);
    server_ = std::move(*s);
    std::promise<int> port;
    auto f = port.get_future();
    thread_ = std::thread([&] {
      Status st = server_->Run([&](int p) { port.set_value(p); });
      EXPECT_OK(st);
    });
    port_ = f.get();
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    for (int fd : fds_) close(fd);
    fs::remove_all(dir_);
  }

  int Open(const std::string& source) {
    int fd = Connect(source, port_);
    if (fd >= 0) fds_.push_back(fd);
    return fd;
  }

  std::string dir_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::vector<int> fds_;
};

// 500 idle connections (250 that never sent a byte, 250 kept alive after a
// request) and 70 clients sending their heads a byte a second do not slow
// down a normal client: issue #11 measured up to 20 s and time-outs.
TEST_F(AttackTest, NormalRequestsStayFastWhileIdleAndSlowClientsHoldConnections) {
  Start(ServerOptions{});
  // 10 addresses x 50 idle connections; the per-address limit is 64.
  for (int i = 0; i < 500; ++i) {
    int fd = Open("127.0.0." + std::to_string(2 + i / 50));
    ASSERT_GE(fd, 0) << "connection " << i;
    if (i % 2 == 1) {
      ASSERT_TRUE(SendAll(fd, "GET /checkpoint HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
  }
  // 70 slow clients from two more addresses, a byte a second each.
  std::vector<int> slow;
  for (int i = 0; i < 70; ++i) {
    int fd = Open("127.0.0." + std::to_string(20 + i / 35));
    ASSERT_GE(fd, 0) << "slow connection " << i;
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    const std::string head = "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t at = 0; !stop; at = (at + 1) % head.size()) {
      for (int fd : slow) send(fd, head.data() + at, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int i = 0; i < 10 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the slow heads are under way
  std::vector<double> ms;
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(5);
  c.set_read_timeout(5);
  for (int i = 0; i < 200; ++i) {
    auto t0 = Clock::now();
    auto r = i % 2 == 0 ? c.Get("/checkpoint") : httplib::Client("127.0.0.1", port_).Get("/api/v1/cases");
    ms.push_back(Ms(Clock::now() - t0));
    ASSERT_TRUE(r) << "request " << i << " failed: " << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200) << r->body;
  }
  stop = true;
  trickle.join();
  std::sort(ms.begin(), ms.end());
  const double p50 = ms[ms.size() / 2], p99 = ms[ms.size() * 99 / 100 - 1];
  std::printf("normal client beside 500 idle and 70 slow connections: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50,
              p99, ms.back());
  // The target is 100 ms; the bound is generous for a shared, noisy machine.
  EXPECT_LT(p99, 1000.0);
}

TEST_F(AttackTest, SlowHeadIsCutAtTheHeaderDeadline) {
  ServerOptions o;
  o.header_timeout_seconds = 1;
  Start(o);
  int silent = Open("127.0.0.2");
  int slow = Open("127.0.0.3");
  ASSERT_GE(silent, 0);
  ASSERT_GE(slow, 0);
  const auto t0 = Clock::now();
  const std::string head = "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  bool cut = false;
  // A byte every 100 ms: never idle, never done.
  for (size_t i = 0; i < head.size() && !cut; ++i) {
    if (send(slow, head.data() + i, 1, MSG_NOSIGNAL) != 1) cut = true;
    if (!cut && ClosedWithin(slow, std::chrono::milliseconds(100))) cut = true;
  }
  const double slow_ms = Ms(Clock::now() - t0);
  EXPECT_TRUE(cut) << "a head trickled for " << slow_ms << " ms was not cut";
  EXPECT_GT(slow_ms, 900);
  EXPECT_LT(slow_ms, 2500);
  EXPECT_TRUE(ClosedWithin(silent, std::chrono::milliseconds(500))) << "a silent connection outlived the deadline";
  // A normal request is unaffected.
  httplib::Client c("127.0.0.1", port_);
  auto r = c.Get("/checkpoint");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(AttackTest, ConnectionsPerAddressAndInAllAreLimited) {
  ServerOptions o;
  o.max_per_address = 4;
  o.max_connections = 12;
  Start(o);
  for (int i = 0; i < 4; ++i) ASSERT_GE(Open("127.0.0.2"), 0);
  int fifth = Open("127.0.0.2");
  ASSERT_GE(fifth, 0);  // the kernel accepts; the server closes it at once
  // The bounds on waiting below are for a loaded machine (CI compiles
  // beside the tests): each is a deadline for what must happen, never the
  // measure of a check that something does not.
  EXPECT_TRUE(ClosedWithin(fifth, std::chrono::milliseconds(5000))) << "a fifth connection from one address was kept";
  // Another address still gets in.
  int other = Open("127.0.0.3");
  ASSERT_GE(other, 0);
  ASSERT_TRUE(SendAll(other, "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(ReadAll(other, 10).rfind("HTTP/1.1 200", 0), 0u);
  // 4 from .2 are open; 8 more from .4 and .5 reach 12 in all. The next one
  // waits in the listen queue, unserved, until one of the 12 closes.
  std::vector<int> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(Open("127.0.0." + std::to_string(4 + i / 4)));
    ASSERT_GE(held.back(), 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all accepted
  int over = Open("127.0.0.6");
  ASSERT_GE(over, 0);
  ASSERT_TRUE(SendAll(over, "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  pollfd p{over, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 700), 0) << "connection 13 of 12 was served";
  shutdown(held[0], SHUT_RDWR);
  EXPECT_EQ(ReadAll(over, 10).rfind("HTTP/1.1 200", 0), 0u) << "connection 13 was not served once one closed";
}

// Streams a chunked POST of up to 256 MiB (64 KiB chunks, never held in
// memory) and returns the response's first line and the bytes sent.
std::pair<std::string, uint64_t> ChunkedPost(int fd, const std::string& path) {
  std::atomic<uint64_t> sent{0};
  std::thread sender([&] {
    if (!SendAll(fd, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n")) {
      return;
    }
    const std::string chunk = "10000\r\n" + std::string(65536, 'x') + "\r\n";
    for (int i = 0; i < 4096; ++i) {  // 256 MiB
      if (!SendAll(fd, chunk)) return;
      sent += 65536;
    }
    SendAll(fd, "0\r\n\r\n");
  });
  std::string got;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    if (got.find("\r\n\r\n") != std::string::npos) break;
  }
  shutdown(fd, SHUT_RDWR);  // the sender stops
  sender.join();
  return {got.substr(0, got.find("\r\n")), sent.load()};
}

TEST_F(AttackTest, ChunkedBodyIsRefusedAtTheLimitWhileReading) {
  Start(ServerOptions{});  // 1 MiB
  const size_t rss0 = RssKiB();
  for (std::string path : {"/no/such/path", "/api/v1/records"}) {  // the second: anonymous
    int fd = Open("127.0.0.2");
    ASSERT_GE(fd, 0);
    auto [status, sent] = ChunkedPost(fd, path);
    EXPECT_EQ(status.rfind("HTTP/1.1 413", 0), 0u) << path << ": " << status;
    // 1 MiB read, plus what the kernel's socket buffers took.
    EXPECT_LT(sent, 24u << 20) << path << ": the server kept reading";
    std::printf("%s: %s after %.1f MiB sent\n", path.c_str(), status.c_str(), sent / 1048576.0);
  }
  EXPECT_LT(RssKiB(), rss0 + 32 * 1024) << "the server's memory grew with the body";
}

// A client that sends a body over the limit whole before it reads (curl
// does, up to 1 MiB, without "Expect: 100-continue") gets the 413. The
// server answers after the head and reads no more; had it then closed the
// socket with the body unread, the kernel's reset would fail the client's
// send before it read anything: the refusal lingers instead (linger.h).
TEST_F(AttackTest, BodySentWholeBeforeReadingGetsItsRefusal) {
  Start(ServerOptions{});  // 1 MiB
  for (const bool chunked : {false, true}) {
    int fd = Open("127.0.0.2");
    ASSERT_GE(fd, 0);
    int small = 64 * 1024;  // the client blocks in send long before the body is out
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    const std::string body(4u << 20, 'x');
    const std::string head = "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    bool sent = false;
    if (chunked) {  // refused at 1 MiB while reading
      sent = SendAll(fd, head + "Transfer-Encoding: chunked\r\n\r\n");
      for (size_t at = 0; sent && at < body.size(); at += 65536) {
        sent = SendAll(fd, "10000\r\n" + body.substr(at, 65536) + "\r\n");
      }
      sent = sent && SendAll(fd, "0\r\n\r\n");
    } else {  // refused from its declared size
      sent = SendAll(fd, head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n") && SendAll(fd, body);
    }
    EXPECT_TRUE(sent) << (chunked ? "chunked" : "declared") << ": the body could not be sent: " << std::strerror(errno);
    const std::string got = ReadAll(fd, 10);
    EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << (chunked ? "chunked" : "declared") << ": " << got.substr(0, 200);
  }
}

TEST_F(AttackTest, ExpectContinueOverTheLimitIs413AndNo100) {
  Start(ServerOptions{});
  int fd = Open("127.0.0.2");
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 2097152\r\nExpect: 100-continue\r\n\r\n"));
  std::string got = ReadAll(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 200);
  EXPECT_EQ(got.find("100 Continue"), std::string::npos) << got.substr(0, 200);
  EXPECT_NE(got.find("X-Content-Type-Options: nosniff"), std::string::npos) << "security headers on a 413 too";
  // Under the limit: 100, then the request goes on (401: no token).
  int ok = Open("127.0.0.2");
  ASSERT_GE(ok, 0);
  ASSERT_TRUE(SendAll(ok, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  char buf[256];
  ssize_t n = recv(ok, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)).rfind("HTTP/1.1 100", 0), 0u);
  ASSERT_TRUE(SendAll(ok, "{}"));
  std::string rest = ReadAll(ok);
  EXPECT_NE(rest.find("HTTP/1.1 401"), std::string::npos) << rest.substr(0, 200);
}

// Every answer the server makes itself carries the security headers, also
// the refusals made before routing: a target that is not a path (400), a
// declared body over the limit (413), a chunked body cut at the limit (the
// 413 written straight to the socket), no route (404).
TEST_F(AttackTest, RefusalsCarryTheSecurityHeaders) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Start(o);
  const std::string big = std::to_string(o.max_body_bytes + 1);
  for (auto [head, status] : std::vector<std::pair<std::string, std::string>>{
           {"GET api HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
           {"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: " + big + "\r\n\r\n", "413"},
           {"GET /no/such/path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "404"}}) {
    int fd = Open("127.0.0.2");
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, head));
    std::string got = ReadAll(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 " + status, 0), 0u) << head << got.substr(0, 200);
    for (const char* h : {"X-Content-Type-Options: nosniff", "X-Frame-Options: DENY", "Content-Security-Policy: ",
                          "Referrer-Policy: no-referrer", "Content-Type: application/json"}) {
      EXPECT_NE(got.find(h), std::string::npos) << head << " lacks " << h << ": " << got.substr(0, 400);
    }
  }
  int fd = Open("127.0.0.2");
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "800\r\n" + std::string(2048, 'x') + "\r\n"));
  std::string got = ReadAll(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 200);
  EXPECT_NE(got.find("X-Content-Type-Options: nosniff"), std::string::npos) << got.substr(0, 400);
  EXPECT_NE(got.find("Content-Security-Policy: "), std::string::npos) << got.substr(0, 400);
}

// libmicrohttpd 0.9.75 answers a few malformed requests itself, before any
// callback of ours (a head over the connection's memory: 431 or 414; a
// Content-Length that is not a number; broken chunked framing: 400), with
// a fixed HTML body and no header we could add (it has no hook for them).
// What must hold then: the answer is an error, says nothing of the request
// (no reflection of what was sent) and the connection is closed.
TEST_F(AttackTest, LibmicrohttpdsOwnAnswersAreFixedTextAndClose) {
  Start(ServerOptions{});
  const std::string mark = "<script>alert(1)</script>";
  for (auto [head, status] : std::vector<std::pair<std::string, std::string>>{
           {"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\nX-Big: " + mark + std::string(40000, 'a') + "\r\n\r\n", "431"},
           {"GET /" + mark + std::string(40000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
           {"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: " + mark + "\r\n\r\n", "400"},
           {"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + mark + "\r\n", "400"}}) {
    int fd = Open("127.0.0.2");
    ASSERT_GE(fd, 0);
    SendAll(fd, head);  // the server may close before it has read it all
    std::string got = ReadAll(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 " + status, 0), 0u) << got.substr(0, 200);
    EXPECT_EQ(got.find("<script>"), std::string::npos) << got.substr(0, 400);
    EXPECT_NE(got.find("Connection: close"), std::string::npos) << got.substr(0, 400);
  }
}

TEST_F(AttackTest, OnlyTheDashboardsOwnFilesAreServed) {
  const std::string web = dir_ + "/web";
  auto put = [&](const std::string& rel, const std::string& text) {
    fs::create_directories(fs::path(web + "/" + rel).parent_path());
    std::ofstream(web + "/" + rel) << text;
  };
  put("index.html", "<!doctype html><title>x</title>");
  put("js/app.js", "export {};");
  put("i18n/en.json", "{}");
  put("vendor/leaflet/leaflet.css", "a{}");
  put("vendor/leaflet/images/layers.png", "png");
  for (const char* f : {"package.json", "package-lock.json", "node_modules/leaflet/package.json", ".env", ".git/config",
                        "js/app.js.map", "vendor/leaflet/LICENSE", "js/.hidden.js", "README.md"}) {
    put(f, "secret");
  }
  ServerOptions o;
  o.web_dir = web;
  Start(o);
  httplib::Client c("127.0.0.1", port_);
  for (auto [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/", "text/html; charset=utf-8"},
           {"/index.html", "text/html; charset=utf-8"},
           {"/js/app.js", "text/javascript"},
           {"/i18n/en.json", "application/json"},
           {"/vendor/leaflet/leaflet.css", "text/css"},
           {"/vendor/leaflet/images/layers.png", "image/png"}}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), type) << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << path;
  }
  for (std::string path : {"/package.json", "/package-lock.json", "/node_modules/leaflet/package.json", "/.env",
                           "/.git/config", "/js/app.js.map", "/vendor/leaflet/LICENSE", "/js/.hidden.js",
                           "/README.md", "/js/../package.json", "/js/%2e%2e/package.json", "/%2epackage.json",
                           "/js//app.js", "/nothing.js"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << path;
  }
}

TEST_F(AttackTest, StoreDatabaseFilesAreOwnerOnly) {
  Start(ServerOptions{});
  httplib::Client c("127.0.0.1", port_);
  ASSERT_TRUE(c.Get("/checkpoint"));
  for (const char* f : {"lifeline.db", "lifeline.db-wal", "lifeline.db-shm", "log.key", "confidential.key", "LOCK"}) {
    const std::string p = dir_ + "/" + f;
    if (!fs::exists(p)) continue;  // -wal and -shm exist only while the database is open
    auto perms = fs::status(p).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none) << f;
  }
  EXPECT_TRUE(fs::exists(dir_ + "/lifeline.db-wal"));
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::others_all, fs::perms::none) << "the store directory";
}

// --- the HTTP layer's pure parts ---------------------------------------------

TEST(HttpTest, ParseTargetDecodesPathAndQuery) {
  auto t = http::ParseTarget("/a%20b/c?x=1&y=a+b%2Bc&&z&x=2&=v");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/a b/c");
  EXPECT_EQ(t->params.count("x"), 2u);
  EXPECT_EQ(t->params.find("x")->second, "1");
  EXPECT_EQ(t->params.find("y")->second, "a b+c");
  EXPECT_EQ(t->params.find("z")->second, "");
  EXPECT_EQ(t->params.size(), 4u);
  EXPECT_EQ(http::ParseTarget("/bad%zz%4")->path, "/bad%zz%4");
  EXPECT_FALSE(http::ParseTarget("a/b").ok());
  EXPECT_FALSE(http::ParseTarget("").ok());
  EXPECT_FALSE(http::ParseTarget("/a%00b").ok());
  EXPECT_EQ(http::ParseContentLength("1048577"), 1048577u);
  EXPECT_FALSE(http::ParseContentLength("-1"));
  EXPECT_FALSE(http::ParseContentLength("99999999999999999999"));
  EXPECT_FALSE(http::ParseContentLength(""));
}

TEST(HttpTest, HandlerExceptionsAreAGeneric500) {
  http::Server s;
  s.Get("/boom", [](const http::Request&, http::Response&) { throw std::runtime_error("secret detail"); });
  http::Request req;
  req.method = "GET";
  req.path = "/boom";
  http::Response res;
  s.Dispatch(req, res);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  http::Request other;
  other.method = "GET";
  other.path = "/nothing";
  http::Response none;
  s.Dispatch(other, none);
  EXPECT_EQ(none.status, 404);
}

}  // namespace
}  // namespace lifeline::server
