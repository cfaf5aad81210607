#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace lifeline::testing {
namespace {

using Clock = std::chrono::steady_clock;

// argv as the char* array exec wants; built before fork, since the child may
// only make async-signal-safe calls.
class Argv {
 public:
  explicit Argv(const std::vector<std::string>& args) : args_(args) {
    for (auto& a : args_) ptrs_.push_back(a.data());
    ptrs_.push_back(nullptr);
  }
  char* const* get() { return ptrs_.data(); }
  const char* file() const { return args_[0].c_str(); }

 private:
  std::vector<std::string> args_;
  std::vector<char*> ptrs_;
};

// In the child after fork: wire fds 0-2 and exec. Never returns.
[[noreturn]] void ExecChild(Argv& argv, int in_fd, int out_fd, int err_fd) {
  if (in_fd < 0) in_fd = open("/dev/null", O_RDONLY);
  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  // Everything else we hold (the other pipe ends) is O_CLOEXEC.
  execvp(argv.file(), argv.get());
  const char msg[] = "exec failed\n";
  ssize_t ignored = write(2, msg, sizeof(msg) - 1);
  (void)ignored;
  _exit(127);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads what is available on a non-blocking fd; false at EOF.
bool ReadSome(int fd, std::string* into) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      into->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

std::string ProcessResult::Describe() const {
  std::string s = "exit " + std::to_string(exit_code);
  if (timed_out) s += " (timed out)";
  s += "\n--- stdout:\n" + out.substr(0, 4000) + "\n--- stderr:\n" + err.substr(0, 4000);
  return s;
}

ProcessResult RunProcess(const std::vector<std::string>& args, const std::string& input,
                         std::chrono::milliseconds timeout) {
  signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
  ProcessResult r;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return r;
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return r;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    return r;
  }
  Argv argv(args);
  pid_t pid = fork();
  if (pid == 0) ExecChild(argv, in[0], out[1], err[1]);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    for (int fd : {in[1], out[0], err[0]}) close(fd);
    return r;
  }
  int in_fd = in[1], out_fd = out[0], err_fd = err[0];
  for (int fd : {in_fd, out_fd, err_fd}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  size_t written = 0;
  if (input.empty()) CloseFd(&in_fd);
  const auto deadline = Clock::now() + timeout;
  while (out_fd >= 0 || err_fd >= 0) {
    if (!r.timed_out && Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      r.timed_out = true;
      CloseFd(&in_fd);
    }
    pollfd fds[3];
    int n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    int rc = poll(fds, static_cast<nfds_t>(n), r.timed_out ? 1000 : RemainingMs(deadline));
    if (rc < 0 && errno != EINTR) break;
    for (int i = 0; i < n && rc > 0; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == out_fd) {
        if (!ReadSome(out_fd, &r.out)) CloseFd(&out_fd);
      } else if (fds[i].fd == err_fd) {
        if (!ReadSome(err_fd, &r.err)) CloseFd(&err_fd);
      } else if (fds[i].fd == in_fd) {
        ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) CloseFd(&in_fd);
      }
    }
  }
  CloseFd(&in_fd);
  CloseFd(&out_fd);
  CloseFd(&err_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = ExitCodeOf(status);
  return r;
}

Child::~Child() {
  if (pid_ > 0) {
    std::string ignored;
    KillAndReap(&ignored);
  }
  CloseFd(&out_fd_);
  CloseFd(&err_fd_);
}

bool Child::Start(const std::vector<std::string>& args) {
  signal(SIGPIPE, SIG_IGN);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return false;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return false;
  }
  Argv argv(args);
  pid_t pid = fork();
  if (pid == 0) ExecChild(argv, -1, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    return false;
  }
  pid_ = pid;
  out_fd_ = out[0];
  err_fd_ = err[0];
  fcntl(out_fd_, F_SETFL, fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, fcntl(err_fd_, F_GETFL) | O_NONBLOCK);
  err_.clear();
  return true;
}

void Child::DrainErr() {
  if (err_fd_ >= 0 && !ReadSome(err_fd_, &err_)) CloseFd(&err_fd_);
}

bool Child::ReadUntil(Clock::time_point deadline, std::string* out) {
  while (out_fd_ >= 0) {
    pollfd fds[2];
    int n = 0;
    fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    int rc = poll(fds, static_cast<nfds_t>(n), RemainingMs(deadline));
    if (rc < 0 && errno != EINTR) return false;
    if (rc > 0) {
      if (fds[0].revents != 0 && !ReadSome(out_fd_, out)) {
        CloseFd(&out_fd_);
        DrainErr();
        return false;
      }
      if (n > 1 && fds[1].revents != 0) DrainErr();
    }
    if (Clock::now() >= deadline) return true;
  }
  return false;
}

bool Child::WaitForLine(const std::string& prefix, Clock::time_point deadline, std::string* out) {
  for (;;) {
    // A complete line that starts with prefix?
    size_t start = 0;
    for (;;) {
      size_t nl = out->find('\n', start);
      if (nl == std::string::npos) break;
      if (out->compare(start, prefix.size(), prefix) == 0) return true;
      start = nl + 1;
    }
    if (Clock::now() >= deadline || out_fd_ < 0) return false;
    // Read a little at a time so the check above runs often; after EOF the
    // check runs once more on what arrived last.
    ReadUntil(std::min(deadline, Clock::now() + std::chrono::milliseconds(5)), out);
  }
}

int Child::KillAndReap(std::string* out) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGKILL);
  // The pipes reach EOF once the child is gone (nothing else holds them).
  while (out_fd_ >= 0) ReadUntil(Clock::now() + std::chrono::seconds(10), out);
  while (err_fd_ >= 0) {
    pollfd p{err_fd_, POLLIN, 0};
    poll(&p, 1, 10000);
    DrainErr();
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return ExitCodeOf(status);
}

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + ".XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (std::getenv("LIFELINE_KEEP_TMP") != nullptr) {
    std::fprintf(stderr, "keeping %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

uint64_t TestSeed(const std::string& test_name) {
  uint64_t seed;
  const char* env = std::getenv("LIFELINE_TEST_SEED");
  if (env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) | rd();
  }
  std::printf("%s seed: %llu (rerun with LIFELINE_TEST_SEED=%llu)\n", test_name.c_str(),
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  return seed;
}

}  // namespace lifeline::testing
