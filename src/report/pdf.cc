#include "report/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>
#include <vector>

#include "base/file.h"

extern char** environ;

namespace lifeline::report {
namespace {

namespace fs = std::filesystem;

bool Executable(const std::string& p) { return access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

// A temporary directory removed when this goes out of scope.
class TempDir {
 public:
  static Result<TempDir> Make() {
    std::string tmpl = (fs::temp_directory_path() / "lifeline-pdf-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) return ErrnoError("creating a temporary directory", errno);
    TempDir t;
    t.path_ = buf.data();
    return t;
  }
  TempDir() = default;
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

Result<std::string> FindChromium() {
  if (const char* env = std::getenv("LIFELINE_CHROMIUM"); env != nullptr && *env != '\0') {
    if (!Executable(env)) {
      return FailedPreconditionError(std::string("LIFELINE_CHROMIUM is \"") + env +
                                     "\", which is not an executable program; set it to a Chromium binary, or "
                                     "unset it and install Chromium (Debian: apt-get install chromium)");
    }
    return std::string(env);
  }
  if (Executable("/usr/bin/chromium")) return std::string("/usr/bin/chromium");
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      std::string dir = p.substr(start, end - start);
      if (!dir.empty()) {
        for (const char* name : {"chromium", "chromium-browser"}) {
          std::string cand = dir + "/" + name;
          if (Executable(cand)) return cand;
        }
      }
      start = end + 1;
    }
  }
  return FailedPreconditionError(
      "--format pdf needs headless Chromium, which is not installed: install it (Debian: apt-get install "
      "chromium fonts-noto-core fonts-dejavu-core) or set LIFELINE_CHROMIUM to its path; --format html needs "
      "nothing");
}

Status HtmlToPdf(const std::string& html, const std::string& out, int timeout_seconds) {
  LIFELINE_ASSIGN_OR_RETURN(std::string chromium, FindChromium());
  LIFELINE_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Make());
  std::string in = tmp.path() + "/report.html", pdf = tmp.path() + "/report.pdf", profile = tmp.path() + "/profile";
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(in, html, {.sync = false, .sync_directory = false}));
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--no-first-run",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + profile,
                                   "--print-to-pdf=" + pdf,
                                   "file://" + in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  // Chromium is chatty on stderr and stdout: keep the command's output clean.
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout ends its helper processes too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, chromium.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoError("starting " + chromium, rc);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return ErrnoError("waiting for " + chromium, errno);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return UnavailableError(chromium + " did not print the PDF within " + std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Helpers that outlived the browser process.
  kill(-pid, SIGKILL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return UnavailableError(chromium + " failed (" +
                            (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                               : "signal " + std::to_string(WTERMSIG(status))) +
                            ") printing the report to PDF");
  }
  std::ifstream f(pdf, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (data.rfind("%PDF", 0) != 0) return UnavailableError(chromium + " wrote no PDF");
  return WriteFileAtomically(out, data);
}

}  // namespace lifeline::report
