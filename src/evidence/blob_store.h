// A content-addressed store for evidence files: photos, videos, documents.
// Files never enter the log; their SHA-256 does (an `evidence` record).
//
// Layout: DIR/sha256/<first 2 hex digits>/<all 64 hex digits>. A file is
// streamed into DIR/tmp/ while it is hashed, fsynced, then renamed to its
// hash's name and the directory fsynced: a crash leaves either nothing or a
// complete blob under its true name (and perhaps a stray temporary file,
// which Verify reports and Add never reads).
//
// Thread safety: distinct Add calls may run concurrently (unique temporary
// names; renaming to an existing blob of the same hash is harmless).
#ifndef LIFELINE_EVIDENCE_BLOB_STORE_H_
#define LIFELINE_EVIDENCE_BLOB_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace lifeline::evidence {

struct BlobInfo {
  std::string sha256;  // 64 lowercase hex digits
  uint64_t size = 0;
  bool existed = false;  // the store already held this content
};

struct BlobProblem {
  std::string path;
  std::string message;
};

// The media type a file's name suggests by its extension (any case):
// image/jpeg for "x.JPG", ...; application/octet-stream when unknown.
std::string MediaTypeOf(const std::string& file_name);

class BlobStore {
 public:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}

  // Streams the file at `path` into the store. `progress` gets bytes done.
  Result<BlobInfo> Add(const std::string& path, const std::function<void(uint64_t)>& progress = nullptr);

  // Where the blob of `sha256` lives (whether or not it exists).
  std::string PathOf(const std::string& sha256) const;
  bool Has(const std::string& sha256) const;
  // Removes the blob of `sha256` (64 lowercase hex digits, else
  // InvalidArgument) and syncs its directory; a blob that is not there is
  // not an error. The caller decides that no record needs it: this store
  // knows nothing of records.
  Status Remove(const std::string& sha256);

  // Rehashes every blob; returns the problems found (a blob whose content no
  // longer matches its name, a misplaced file, a leftover temporary file).
  // `progress` gets (blobs done, blobs total).
  Result<std::vector<BlobProblem>> Verify(uint64_t* checked,
                                          const std::function<void(uint64_t, uint64_t)>& progress = nullptr) const;

  // SHA-256 of a file, streamed.
  static Result<BlobInfo> HashFile(const std::string& path, const std::function<void(uint64_t)>& progress = nullptr);

 private:
  std::string dir_;
};

}  // namespace lifeline::evidence

#endif  // LIFELINE_EVIDENCE_BLOB_STORE_H_
