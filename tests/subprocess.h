// Child processes for the cross-module suites: run a command to completion
// with captured output, or start one, read its stdout while it runs and kill
// it at a moment of the test's choosing (crash tests).
//
// Only POSIX calls are used between fork() and exec() in the child, so these
// are safe to call from a process that has threads. Not thread-safe: one
// caller at a time per object.
#ifndef LIFELINE_TESTS_SUBPROCESS_H_
#define LIFELINE_TESTS_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace lifeline::testing {

struct ProcessResult {
  // The exit status, or 128 + signal number when a signal ended the child
  // (as a shell reports it); -1 when the child could not be started.
  int exit_code = -1;
  bool timed_out = false;  // killed (SIGKILL) after the timeout
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr

  // "exit 1, stdout: ..., stderr: ..." for failure messages.
  std::string Describe() const;
};

// Runs argv[0] (a path, not searched in $PATH unless it has no '/') with
// `input` on its stdin, to completion or until `timeout` passes.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A child started with its stdout on a pipe the caller reads; stdin is
// /dev/null and stderr is captured into a string. The destructor kills
// (SIGKILL) and reaps a child still running.
class Child {
 public:
  Child() = default;
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Starts argv; false (with errno set) if fork or pipe fails.
  bool Start(const std::vector<std::string>& argv);

  // Reads what stdout has until `deadline` or EOF, appending to *out.
  // Returns false once stdout reached EOF (the child closed it or died).
  bool ReadUntil(std::chrono::steady_clock::time_point deadline, std::string* out);

  // Reads stdout until a complete line starting with `prefix` arrived (true)
  // or `deadline` passed / EOF (false). Everything read goes to *out.
  bool WaitForLine(const std::string& prefix, std::chrono::steady_clock::time_point deadline,
                   std::string* out);

  // SIGKILLs the child, reads the rest of stdout (into *out) and stderr,
  // reaps it and returns the exit code as ProcessResult reports it.
  int KillAndReap(std::string* out);

  pid_t pid() const { return pid_; }
  const std::string& err() const { return err_; }

 private:
  void DrainErr();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string err_;
};

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor
// unless LIFELINE_KEEP_TMP is set in the environment.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The seed of a randomized test: $LIFELINE_TEST_SEED when set, otherwise
// from std::random_device. Prints "<test> seed: N (rerun with
// LIFELINE_TEST_SEED=N)" so any failure can be replayed.
uint64_t TestSeed(const std::string& test_name);

}  // namespace lifeline::testing

#endif  // LIFELINE_TESTS_SUBPROCESS_H_
