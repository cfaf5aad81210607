// Durable small files: the one place Lifeline replaces or creates a file on
// disk so that a reader, or a crash, never sees half of it.
//
// WriteFileAtomically writes the bytes to a temporary file in the target's
// own directory (`<path>.tmp.<pid>.<n>`, so the final step never crosses a
// file system), fsyncs it, then moves it into place and fsyncs the
// directory. After it returns Ok with the default options, `path` holds
// exactly `data` and survives a crash. On any error `path` is unchanged (the
// old file, or none) and the temporary file has been removed.
//
// Thread safety: calls may run concurrently, also for the same path (the
// temporary names differ); the last rename wins.
#ifndef LIFELINE_BASE_FILE_H_
#define LIFELINE_BASE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace lifeline {

struct FileWriteOptions {
  // Permission bits of the new file (the umask still applies). Keys and
  // store files use 0600; evidence blobs 0400.
  mode_t mode = 0644;
  // fsync the file before it takes the final name. Off only for files made
  // durable together afterwards (e.g. by one syncfs over a tiles export).
  bool sync = true;
  // fsync the parent directory after the final name is in place, so the
  // rename (or link) itself survives a crash.
  bool sync_directory = true;
  // false: never replace; fails with AlreadyExists if `path` exists (the
  // file is linked into place, which refuses an existing name).
  bool replace = true;
  // Create missing parent directories first.
  bool create_parents = true;
};

// Writes `data` to `path` as described above. Errors name the path (or the
// temporary file) and the step that failed.
[[nodiscard]] Status WriteFileAtomically(const std::string& path, std::string_view data,
                                         const FileWriteOptions& options = {});

// A file written piece by piece with the promise of WriteFileAtomically:
// the pieces go to the temporary file, and only Commit() gives it `path`.
// Until then `path` is unchanged; a writer destroyed (or a process killed)
// before Commit leaves no `path` change (the destructor removes the
// temporary file). Memory stays bounded by what the caller holds: for
// outputs too large to build as one string (an export of a large store).
// Not thread-safe.
class AtomicFileWriter {
 public:
  // Creates the temporary file for `path` (and missing parents, if asked).
  [[nodiscard]] static Result<AtomicFileWriter> Create(const std::string& path, const FileWriteOptions& options = {});
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  // Appends `data` to the temporary file.
  [[nodiscard]] Status Append(std::string_view data);
  // fsyncs (per the options), then gives the file its name. Once only; on an
  // error the temporary file is removed and `path` is unchanged.
  [[nodiscard]] Status Commit();

 private:
  AtomicFileWriter(std::string path, std::string tmp, int fd, const FileWriteOptions& options)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd), options_(options) {}
  void Abandon();

  std::string path_, tmp_;
  int fd_ = -1;  // -1 once committed or abandoned
  FileWriteOptions options_;
};

// fsyncs the directory `dir` ("" means "."), making the names in it durable.
[[nodiscard]] Status SyncDirectory(const std::string& dir);

// Makes every file written under `dir`'s file system durable at once
// (syncfs): cheaper than an fsync per file for many small files.
[[nodiscard]] Status SyncFileSystem(const std::string& dir);

// Reads a whole small file. NotFound / I/O errors name the path.
[[nodiscard]] Result<std::string> ReadFile(const std::string& path);

}  // namespace lifeline

#endif  // LIFELINE_BASE_FILE_H_
