#include "base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>

namespace lifeline {
namespace {

// Writes all of `data` to `fd`, retrying short writes and EINTR.
int WriteAll(int fd, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    off += static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  const std::string d = dir.empty() ? "." : dir;
  int fd = open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening directory " + d, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return ErrnoError("syncing directory " + d, err);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data, const FileWriteOptions& options) {
  std::filesystem::path p(path);
  const std::string dir = p.parent_path().string();
  if (options.create_parents && !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("creating " + dir + ": " + ec.message());
  }
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
  if (fd < 0) return ErrnoError("creating " + tmp, errno);
  auto fail = [&](Status s) {
    unlink(tmp.c_str());
    return s;
  };
  if (int err = WriteAll(fd, data); err != 0) {
    close(fd);
    return fail(ErrnoError("writing " + tmp, err));
  }
  if (options.sync && fsync(fd) != 0) {
    int err = errno;
    close(fd);
    return fail(ErrnoError("syncing " + tmp, err));
  }
  if (close(fd) != 0) return fail(ErrnoError("writing " + tmp, errno));
  if (options.replace) {
    if (rename(tmp.c_str(), path.c_str()) != 0) {
      return fail(ErrnoError("renaming " + tmp + " to " + path, errno));
    }
  } else {
    // link() refuses an existing name: a file that must not be replaced
    // (a key) is either absent or whole.
    int rc = link(tmp.c_str(), path.c_str());
    int err = errno;
    unlink(tmp.c_str());
    if (rc != 0) {
      if (err == EEXIST) return AlreadyExistsError(path + " already exists");
      return ErrnoError("creating " + path, err);
    }
  }
  // At this point `path` is whole; syncing the directory makes its name durable.
  if (options.sync_directory) return SyncDirectory(dir);
  return Status::Ok();
}

}  // namespace lifeline
