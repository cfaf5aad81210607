// An exclusive advisory lock on a file (flock), held for the lifetime of the
// object: one writer per store. The kernel drops it when the process dies,
// so a killed writer never leaves a stale lock.
#ifndef LIFELINE_STORE_LOCK_H_
#define LIFELINE_STORE_LOCK_H_

#include <memory>
#include <string>

#include "base/status.h"

namespace lifeline::store {

class FileLock {
 public:
  // FailedPrecondition naming the holder's pid when another process holds
  // the lock; I/O errors otherwise. Creates the file if needed.
  static Result<std::unique_ptr<FileLock>> Acquire(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_LOCK_H_
