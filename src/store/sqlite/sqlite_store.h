// LogStore on one SQLite database in WAL mode.
//
// Schema (docs/formats.md has it byte for byte):
//   meta(key TEXT PRIMARY KEY, value TEXT)         origin, format version
//   tiles(key INTEGER PRIMARY KEY, level, idx, width, data BLOB)
//        key = ((level + 1) << 48) | idx; level -1 is an entry bundle
//   checkpoints(seq INTEGER PRIMARY KEY AUTOINCREMENT, size, note TEXT)
//   records(idx INTEGER PRIMARY KEY, id, kind, case_id, supersedes, target,
//           route, date_from, date_to)   the record projection; a row's body
//           is the entry at idx, read from its bundle (format 2)
//
// Apply runs one IMMEDIATE transaction with synchronous=FULL: when it returns
// OK the commit is in the fsynced WAL; a crash before that point rolls the
// whole commit back when the database is next opened.
//
// WAL checkpoints (copying committed pages from the WAL into the database
// file) run on a thread of their own in a store opened for writing, on a
// second connection, so that the thread calling Apply spends its time on
// commits, not on reading the WAL back and writing every page a second
// time. SQLite's automatic checkpoint on the committing thread is off; the
// background thread starts a PASSIVE checkpoint (it never blocks a commit)
// once the WAL holds WalPolicy::checkpoint_pages. A WAL is reused from its
// start only after a checkpoint has copied all of it before the next write
// begins, which a steady stream of commits may never allow; so once the WAL
// holds WalPolicy::max_pages the committing thread checkpoints it itself,
// between two commits, as SQLite's automatic checkpoint would. Durability
// is the WAL's and does not change: a crash during a checkpoint is
// recovered by SQLite.
//
// This file and sqlite_store.cc are the only includers of sqlite3.h.
// Thread safety: one object per thread (the connection is not shared; it
// is opened without SQLite's own mutex, SQLITE_OPEN_NOMUTEX, so two threads
// using it at once would race inside SQLite).
#ifndef LIFELINE_STORE_SQLITE_SQLITE_STORE_H_
#define LIFELINE_STORE_SQLITE_SQLITE_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lifeline::store {

class SqliteStore : public LogStore {
 public:
  enum class Mode { kReadOnly, kReadWrite };
  enum class Sync { kFull, kNormal, kOff };  // kOff: tests and bulk loads only

  // Creates a new database at `path` for a log named `origin`.
  // AlreadyExists if the file exists.
  static Result<std::unique_ptr<SqliteStore>> Create(const std::string& path,
                                                     const std::string& origin);
  // Opens an existing database. NotFound if it does not exist, Corruption if
  // it is not a Lifeline store.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Mode mode,
                                                   Sync sync = Sync::kFull);
  ~SqliteStore() override;

  Result<StoredCheckpoint> LatestCheckpoint() override;
  Result<TileData> ReadTile(uint32_t level, uint64_t index) override;
  Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) override;
  Result<StoredCheckpoint> CheckpointAt(uint64_t size) override;
  Status Apply(const Commit& commit) override;
  Result<std::string> GetMeta(const std::string& key) override;
  Result<RecordRow> FindRecord(const std::string& id) override;
  Result<uint64_t> CountRecords(const RecordQuery& q) override;
  Status ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) override;
  Status ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) override;
  Status RebuildRecords(const RecordBatches& next) override;

  // SQLite's own "PRAGMA quick_check": Corruption naming what it found.
  Status QuickCheck();

  const std::string& path() const { return path_; }

  // WAL sizes, in pages of 16 KiB, of the checkpoint policy above.
  struct WalPolicy {
    int checkpoint_pages = 1000;  // the background thread checkpoints from here
    int max_pages = 16000;        // the committing thread checkpoints from here
  };
  // Process-wide, for tests only: small sizes make checkpoints run at every
  // few commits (crash_appender kills writers in the middle of them).
  static void SetWalPolicyForTesting(WalPolicy policy);

 protected:
  Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) override;
  Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                const std::function<Status(const RecordRow&)>& fn) override;

 private:
  struct Statements;
  class Checkpointer;
  SqliteStore(std::string path, sqlite3* db);
  // Moves WAL checkpoints off the committing thread (see above).
  Status StartCheckpointer(const char* sync_sql);
  Status Prepare();
  Status Exec(const char* sql);
  Status Error(const std::string& what) const;
  // Steps `s` (bound by the caller, whose Resetter resets it) to its end,
  // calling `on_row` on each row; an error names `what`.
  Status StepRows(sqlite3_stmt* s, const std::string& what, const std::function<void(sqlite3_stmt*)>& on_row) const;
  Status InsertRecord(const RecordRow& r);
  // Inserts `rows` (a commit's), many to a statement.
  Status InsertRecords(std::span<const RecordRow> rows);
  // ScanRecords of a query with ids: by the id index, not a scan.
  Status ScanIds(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn);
  Status MigrateFromFormat1();
  // Sets row->body to the entry at row->index, read from its bundle.
  // Corruption when the bundle is missing or does not hold the entry.
  Status FillBody(RecordRow* row);

  // The last entry bundle read by FillBody, parsed: scans run in index
  // order, so a bundle is read once for up to 256 rows. Entries never
  // change once written, so a cached bundle stays right; a wider version is
  // read when an entry beyond it is asked for.
  struct BundleCache {
    uint64_t index = 0;
    std::string data;
    std::vector<std::string_view> entries;  // views into data
  };

  std::string path_;
  sqlite3* db_;
  std::unique_ptr<Statements> stmts_;
  std::optional<BundleCache> bundle_;
  std::unique_ptr<Checkpointer> checkpointer_;  // stores opened for writing
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_SQLITE_SQLITE_STORE_H_
