// Lingerer on socket pairs: what it keeps, what it drops, when it closes.
#include "server/linger.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace lifeline::server::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A connected pair: [0] the server's side, [1] the client's.
struct Pair {
  int fd[2] = {-1, -1};
  Pair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd), 0); }
  ~Pair() {
    for (int f : fd) {
      if (f >= 0) close(f);
    }
  }
  void CloseServerSide() {
    close(fd[0]);
    fd[0] = -1;
  }
};

// Runs Wait rounds until no socket lingers or `within` passed.
void WaitUntilEmpty(Lingerer& l, int wake, milliseconds within) {
  const auto end = Clock::now() + within;
  while (l.size() > 0 && Clock::now() < end) l.Wait(wake, Clock::now() + milliseconds(20));
}

TEST(LingererTest, KeepsTheConnectionShutsItsWriteSideAndDropsUntilTheClientCloses) {
  Lingerer l(4, milliseconds(5000), 1u << 20);
  Pair p, wake;
  ASSERT_TRUE(l.Add(p.fd[0]));
  p.CloseServerSide();  // as libmicrohttpd does after Add
  char c;
  EXPECT_EQ(recv(p.fd[1], &c, 1, 0), 0) << "the client does not see the end of the answer";
  const std::string chunk(100000, 'x');
  ASSERT_EQ(send(p.fd[1], chunk.data(), chunk.size(), MSG_NOSIGNAL), static_cast<ssize_t>(chunk.size()))
      << "the connection was not kept";
  for (int i = 0; i < 10; ++i) l.Wait(wake.fd[0], Clock::now() + milliseconds(10));
  EXPECT_EQ(l.size(), 1u) << "closed while the client was still open";
  close(p.fd[1]);
  p.fd[1] = -1;
  WaitUntilEmpty(l, wake.fd[0], milliseconds(2000));
  EXPECT_EQ(l.size(), 0u) << "kept after the client closed";
}

TEST(LingererTest, ClosesAfterMaxBytesDropped) {
  Lingerer l(4, milliseconds(5000), 64 * 1024);
  Pair p, wake;
  ASSERT_TRUE(l.Add(p.fd[0]));
  p.CloseServerSide();
  const std::string chunk(16384, 'x');
  bool refused = false;
  for (int i = 0; i < 64 && !refused; ++i) {  // 1 MiB at most
    refused = send(p.fd[1], chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN;
    l.Wait(wake.fd[0], Clock::now() + milliseconds(5));
  }
  EXPECT_EQ(l.size(), 0u) << "kept past 64 KiB dropped";
  EXPECT_TRUE(refused) << "the client could still send";
}

TEST(LingererTest, ClosesAfterMaxTimeAndHoldsAtMostMaxSockets) {
  Lingerer l(2, milliseconds(200), 1u << 20);
  Pair a, b, c, wake;
  ASSERT_TRUE(l.Add(a.fd[0]));
  ASSERT_TRUE(l.Add(b.fd[0]));
  EXPECT_FALSE(l.Add(c.fd[0])) << "a third socket lingers beside two";
  EXPECT_EQ(l.size(), 2u);
  const auto t0 = Clock::now();
  WaitUntilEmpty(l, wake.fd[0], milliseconds(3000));
  EXPECT_EQ(l.size(), 0u) << "silent clients were kept past max_time";
  EXPECT_GE(Clock::now() - t0, milliseconds(150)) << "closed before max_time";
}

TEST(LingererTest, WaitReturnsWhenWoken) {
  Lingerer l(4, milliseconds(5000), 1u << 20);
  Pair p, wake;
  ASSERT_TRUE(l.Add(p.fd[0]));
  ASSERT_EQ(write(wake.fd[1], "x", 1), 1);
  const auto t0 = Clock::now();
  EXPECT_TRUE(l.Wait(wake.fd[0], Clock::now() + milliseconds(5000)));
  EXPECT_LT(Clock::now() - t0, milliseconds(1000));
  l.CloseAll();
  EXPECT_EQ(l.size(), 0u);
  EXPECT_FALSE(l.Wait(-1, Clock::now() + milliseconds(10))) << "no wake descriptor: woken";
}

}  // namespace
}  // namespace lifeline::server::http
