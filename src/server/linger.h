// Lingering close for refused requests.
//
// When the server answers before it has read a request's body (a 413 for a
// declared size over the limit, a body cut at the limit, a bad target), it
// reads no more of that connection and closes it after the answer. Closing
// a socket with unread bytes makes the kernel send a reset, and a reset that
// reaches a client still sending its body can destroy the answer before the
// client reads it: curl then reports no status at all, and the refusal is
// lost. As nginx does (lingering_close), such a socket is kept open a little
// after libmicrohttpd is done with it: its write side is shut (the client
// sees the end of the answer) and what the client still sends is read and
// dropped, until the client closes, `max_bytes` were dropped or `max_time`
// passed. At most `max_sockets` linger at once; past that a socket is
// closed at once, as it was before.
#ifndef LIFELINE_SERVER_LINGER_H_
#define LIFELINE_SERVER_LINGER_H_

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <mutex>
#include <vector>

namespace lifeline::server::http {

class Lingerer {
 public:
  Lingerer(size_t max_sockets, std::chrono::milliseconds max_time, uint64_t max_bytes)
      : max_sockets_(max_sockets), max_time_(max_time), max_bytes_(max_bytes) {}
  ~Lingerer() { CloseAll(); }
  Lingerer(const Lingerer&) = delete;
  Lingerer& operator=(const Lingerer&) = delete;

  // Keeps the connection of `fd` open through a duplicate (the caller still
  // closes `fd` itself) and shuts its write side. False, and nothing kept,
  // when max_sockets linger already or the descriptor cannot be duplicated.
  // Any thread.
  bool Add(int fd);

  // Waits until `wake_fd` is readable or `until`, meanwhile reading and
  // dropping what lingering sockets receive and closing those that are done
  // (end of stream, error, max_bytes dropped, max_time passed). True when
  // `wake_fd` is readable. Wait and CloseAll are called from one thread
  // (the server's); Add from any.
  bool Wait(int wake_fd, std::chrono::steady_clock::time_point until);

  // Closes every lingering socket.
  void CloseAll();

  // How many sockets linger now.
  size_t size() const;

 private:
  struct Socket {
    int fd;
    std::chrono::steady_clock::time_point deadline;
    uint64_t dropped = 0;
  };
  // Reads and drops what `s` has; false when it is done with.
  bool Drain(Socket& s) const;

  const size_t max_sockets_;
  const std::chrono::milliseconds max_time_;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::vector<Socket> sockets_;  // guarded by mu_
};

}  // namespace lifeline::server::http

#endif  // LIFELINE_SERVER_LINGER_H_
