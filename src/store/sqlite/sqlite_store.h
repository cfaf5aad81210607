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
// This file and sqlite_store.cc are the only includers of sqlite3.h.
// Thread safety: one object per thread (the connection is not shared).
#ifndef LIFELINE_STORE_SQLITE_SQLITE_STORE_H_
#define LIFELINE_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

struct sqlite3;

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
  Status ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) override;
  Status ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) override;
  Status RebuildRecords(const RecordBatches& next) override;

  // SQLite's own "PRAGMA quick_check": Corruption naming what it found.
  Status QuickCheck();

  const std::string& path() const { return path_; }

 protected:
  Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) override;
  Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                const std::function<Status(const RecordRow&)>& fn) override;

 private:
  struct Statements;
  SqliteStore(std::string path, sqlite3* db);
  Status Prepare();
  Status Exec(const char* sql);
  Status Error(const std::string& what) const;
  Status InsertRecord(const RecordRow& r);
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
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_SQLITE_SQLITE_STORE_H_
