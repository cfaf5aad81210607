#include "store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace lifeline::store {

Result<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("opening lock file " + path, errno);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder;
    char buf[32] = {};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n > 0) holder = std::string(buf, static_cast<size_t>(n));
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    close(fd);
    if (err == EWOULDBLOCK) {
      return FailedPreconditionError("the store is locked by another writer" +
                                     (holder.empty() ? std::string() : " (pid " + holder + ")") + ": " + path);
    }
    return ErrnoError("locking " + path, err);
  }
  // Record our pid for the error message above; best effort.
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) == 0) {
    ssize_t ignored = pwrite(fd, pid.data(), pid.size(), 0);
    (void)ignored;
  }
  return std::unique_ptr<FileLock>(new FileLock(fd));  // NOLINT: private constructor
}

FileLock::~FileLock() {
  flock(fd_, LOCK_UN);
  close(fd_);
}

}  // namespace lifeline::store
