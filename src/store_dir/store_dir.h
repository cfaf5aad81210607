// A store directory: what `lifeline init DIR` creates.
//
//   DIR/lifeline.db    the SQLite store (WAL mode: also -wal and -shm files)
//   DIR/log.key        the log's signer key (note skey text), mode 0600
//   DIR/log.vkey       its verifier key, for witnesses and verifiers
//   DIR/confidential.key  the key sealing records' confidential fields
//                      (record/seal.h), mode 0600; created on first need
//                      for stores made before it existed
//   DIR/LOCK           held (flock) by the one writer
#ifndef LIFELINE_STORE_DIR_STORE_DIR_H_
#define LIFELINE_STORE_DIR_STORE_DIR_H_

#include <memory>
#include <optional>
#include <string>

#include "base/file.h"
#include "base/status.h"
#include "note/note.h"
#include "store/lock.h"
#include "store/sqlite/sqlite_store.h"

namespace lifeline::store_dir {

struct WritableStore {
  std::unique_ptr<store::FileLock> lock;
  std::unique_ptr<store::SqliteStore> store;
  note::Signer signer;
};

struct ReadableStore {
  std::unique_ptr<store::SqliteStore> store;
  note::Verifier verifier;
};

// Creates DIR (which must not hold a store) with `signer`, or a new key for
// `origin`, and the signed checkpoint of the empty log. Returns the verifier
// key. On failure removes what it made.
Result<std::string> InitStore(const std::string& dir, const std::string& origin,
                              const std::optional<note::Signer>& signer = std::nullopt);

Result<WritableStore> OpenWritable(const std::string& dir,
                                   store::SqliteStore::Sync sync = store::SqliteStore::Sync::kFull);
Result<ReadableStore> OpenReadable(const std::string& dir);

// Reads a whole small file (base/file.h). NotFound / I/O errors name the path.
using ::lifeline::ReadFile;

}  // namespace lifeline::store_dir

#endif  // LIFELINE_STORE_DIR_STORE_DIR_H_
