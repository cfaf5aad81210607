// A store directory: what `lifeline init DIR` creates. The directory is the
// place of the keys, which are secrets and never go into a database; the
// log itself is in one of two backends:
//
//   DIR/lifeline.db    the SQLite store (WAL mode: also -wal and -shm files),
//                      or
//   DIR/database       one line: the libpq connection string (URI or
//                      key=value) of a PostgreSQL database holding the
//                      log, mode 0600 (it may carry a password)
//   DIR/log.key        the log's signer key (note skey text), mode 0600
//   DIR/log.vkey       its verifier key, for witnesses and verifiers
//   DIR/confidential.key  the key sealing records' confidential fields
//                      (record/seal.h), mode 0600; created on first need
//                      for stores made before it existed
//   DIR/LOCK           SQLite: held (flock) by the one writer
//
// A SQLite store has one writer at a time (the LOCK). A PostgreSQL store
// takes no LOCK: several processes, each with a copy of DIR, append to one
// database at once (the log rebases on a moved head, log/log.h).
//
// Readers may also name the database itself: a `--store` of the form
// postgres://... or postgresql://... (PostgresUri) is read with the verifier
// key of $LIFELINE_VKEY (the key text or a file holding it), never with a
// key the database hands out: whoever controls the database could replace
// it.
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
  std::unique_ptr<store::FileLock> lock;  // SQLite only; null on PostgreSQL
  std::unique_ptr<store::LogStore> store;
  note::Signer signer;
};

struct ReadableStore {
  std::unique_ptr<store::LogStore> store;
  note::Verifier verifier;
};

// True for a --store that names a PostgreSQL database rather than a
// directory (postgres:// or postgresql://).
bool PostgresUri(const std::string& store);

// Creates DIR (which must not hold a store) with `signer`, or a new key for
// `origin`, and the signed checkpoint of the empty log. With `database` (a
// libpq connection string), the log goes into that database (which must
// hold no Lifeline store: AlreadyExists) and DIR/database names it; else
// into DIR/lifeline.db. Returns the verifier key. On failure removes what
// it made (a schema already created in the database stays, holding only
// the empty log).
Result<std::string> InitStore(const std::string& dir, const std::string& origin,
                              const std::optional<note::Signer>& signer = std::nullopt,
                              const std::string& database = "");

// Opens DIR for writing. SQLite: takes the LOCK (FailedPrecondition when
// another writer holds it) and opens lifeline.db with `sync`. PostgreSQL:
// opens the database DIR/database names (`sync` does not apply: every
// commit is flushed) and checks that it holds the log of DIR's key
// (FailedPrecondition naming both origins when not) and that it is not a
// hot standby (FailedPrecondition: writes go to the primary).
Result<WritableStore> OpenWritable(const std::string& dir,
                                   store::SqliteStore::Sync sync = store::SqliteStore::Sync::kFull);
// For `serve`, before it answers: a PostgreSQL store whose DIR/database
// cannot take writes (a hot standby, another log's database) is refused
// now, with OpenWritable's message, not at the first write. Nothing on
// SQLite, whose LOCK a writer takes at each write.
Status CheckWritable(const std::string& dir);

// Opens DIR (or a postgres:// URI, above) for reading, with its verifier.
//
// `read_database` (a libpq connection string; `serve --read-db`), when not
// empty, is where the reads go instead: a hot standby of the database
// DIR/database names. DIR must then be a PostgreSQL store directory
// (FailedPrecondition for a SQLite one, InvalidArgument for a postgres://
// URI), and the database must hold the log of DIR's key
// (FailedPrecondition naming both origins).
Result<ReadableStore> OpenReadable(const std::string& dir, const std::string& read_database = "");

// A read-only handle on the log of DIR (or of a postgres:// URI, or of
// `read_database` as above), without the key: a connection for one more
// reader thread (the server's pool, a writer's lookups). Not thread-safe;
// open one per thread.
Result<std::unique_ptr<store::LogStore>> OpenStoreForReading(const std::string& dir,
                                                             const std::string& read_database = "");

// Pins every later read of `st` to the log as it is now (`lifeline publish`,
// whose answers must all be of one checkpoint while writers append): on
// PostgreSQL a REPEATABLE READ transaction whose snapshot id is returned,
// for JoinReads on more connections of the same database; "" on SQLite,
// whose writers the store's LOCK keeps out instead.
Result<std::string> PinReads(store::LogStore& st);
// Pins `st`'s reads to the snapshot PinReads returned (nothing for "").
Status JoinReads(store::LogStore& st, const std::string& snapshot);

// The backend's own integrity check before a verification: SQLite's
// quick_check of lifeline.db (Corruption naming what it found); nothing on
// PostgreSQL, whose server checks its pages itself.
Status CheckBackend(store::LogStore& st);

// Reads a whole small file (base/file.h). NotFound / I/O errors name the path.
using ::lifeline::ReadFile;

}  // namespace lifeline::store_dir

#endif  // LIFELINE_STORE_DIR_STORE_DIR_H_
