#include "server/linger.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace lifeline::server::http {

namespace {

using Clock = std::chrono::steady_clock;

// What one socket may have dropped in one round of Wait, so that a fast
// sender does not hold the lock (and Add's callers) for long.
constexpr uint64_t kRoundBytes = 256 * 1024;

}  // namespace

bool Lingerer::Add(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sockets_.size() >= max_sockets_) return false;
  const int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return false;
  shutdown(dup, SHUT_WR);
  sockets_.push_back(Socket{dup, Clock::now() + max_time_});
  return true;
}

bool Lingerer::Drain(Socket& s) const {
  char buf[16384];
  for (uint64_t round = 0; round < kRoundBytes;) {
    const ssize_t n = recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) return false;  // the client closed: done
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    s.dropped += static_cast<uint64_t>(n);
    round += static_cast<uint64_t>(n);
    if (s.dropped >= max_bytes_) return false;
  }
  return true;
}

bool Lingerer::Wait(int wake_fd, Clock::time_point until) {
  std::vector<pollfd> fds{{wake_fd, POLLIN, 0}};
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Socket& s : sockets_) {
      fds.push_back({s.fd, POLLIN, 0});
      until = std::min(until, s.deadline);
    }
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
  const int ready = poll(fds.data(), fds.size(), static_cast<int>(std::clamp<int64_t>(left, 0, 60000)));
  const bool woken = ready > 0 && (fds[0].revents & POLLIN) != 0;
  // Add only appends, and only this thread (Wait, CloseAll) removes, so
  // the first fds.size() - 1 sockets are those polled, in order.
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  std::vector<bool> done(sockets_.size(), false);
  for (size_t i = 0; i + 1 < fds.size(); ++i) {
    Socket& s = sockets_[i];
    const bool live = (ready <= 0 || fds[i + 1].revents == 0 || Drain(s)) && s.deadline > now;
    done[i] = !live;
  }
  size_t kept = 0;
  for (size_t i = 0; i < sockets_.size(); ++i) {
    if (done[i]) {
      close(sockets_[i].fd);
    } else {
      sockets_[kept++] = sockets_[i];
    }
  }
  sockets_.resize(kept);
  return woken;
}

void Lingerer::CloseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Socket& s : sockets_) close(s.fd);
  sockets_.clear();
}

size_t Lingerer::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sockets_.size();
}

}  // namespace lifeline::server::http
