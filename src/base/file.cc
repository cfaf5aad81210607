#include "base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

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

// Opens the directory `dir` and runs `sync` (fsync, syncfs) on it.
Status SyncOpened(const std::string& dir, int (*sync)(int), std::string_view what) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening directory " + dir, errno);
  int rc = sync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return ErrnoError(std::string(what) + dir, err);
  return Status::Ok();
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  return SyncOpened(dir.empty() ? "." : dir, fsync, "syncing directory ");
}

Result<AtomicFileWriter> AtomicFileWriter::Create(const std::string& path, const FileWriteOptions& options) {
  std::filesystem::path p(path);
  const std::string dir = p.parent_path().string();
  if (options.create_parents && !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("creating " + dir + ": " + ec.message());
  }
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
  if (fd < 0) return ErrnoError("creating " + tmp, errno);
  return AtomicFileWriter(path, std::move(tmp), fd, options);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), fd_(std::exchange(other.fd_, -1)),
      options_(other.options_) {}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

void AtomicFileWriter::Abandon() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
  unlink(tmp_.c_str());
}

Status AtomicFileWriter::Append(std::string_view data) {
  if (fd_ < 0) return FailedPreconditionError("writing " + tmp_ + " after Commit");
  if (int err = WriteAll(fd_, data); err != 0) {
    Abandon();
    return ErrnoError("writing " + tmp_, err);
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return FailedPreconditionError("committing " + tmp_ + " twice");
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  if (options_.sync && fsync(fd_) != 0) {
    Status s = ErrnoError("syncing " + tmp_, errno);
    Abandon();
    return s;
  }
  int rc = close(fd_);
  int err = errno;
  fd_ = -1;
  auto fail = [&](Status s) {
    unlink(tmp_.c_str());
    return s;
  };
  if (rc != 0) return fail(ErrnoError("writing " + tmp_, err));
  if (options_.replace) {
    if (rename(tmp_.c_str(), path_.c_str()) != 0) {
      return fail(ErrnoError("renaming " + tmp_ + " to " + path_, errno));
    }
  } else {
    // link() refuses an existing name: a file that must not be replaced
    // (a key) is either absent or whole.
    rc = link(tmp_.c_str(), path_.c_str());
    err = errno;
    unlink(tmp_.c_str());
    if (rc != 0) {
      if (err == EEXIST) return AlreadyExistsError(path_ + " already exists");
      return ErrnoError("creating " + path_, err);
    }
  }
  // At this point `path` is whole; syncing the directory makes its name durable.
  if (options_.sync_directory) return SyncDirectory(dir);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data, const FileWriteOptions& options) {
  LIFELINE_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Create(path, options));
  LIFELINE_RETURN_IF_ERROR(w.Append(data));
  return w.Commit();
}

Status SyncFileSystem(const std::string& dir) { return SyncOpened(dir, syncfs, "syncing the file system of "); }

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return NotFoundError(path + " does not exist");
    return ErrnoError("reading " + path, errno);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ErrnoError("reading " + path, errno);
  return ss.str();
}

}  // namespace lifeline
