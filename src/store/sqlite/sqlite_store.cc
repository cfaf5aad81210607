#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/kinds.h"

namespace lifeline::store {
namespace {

// A store's connection is used by one thread at a time (sqlite_store.h), so
// SQLite's own lock around every call (serialized mode, Debian's default)
// only costs: two mutex calls per column read, 6 % of loading a 1 M case.
// The checkpointer's connection, used from two threads, keeps it.
constexpr int kConnectionFlags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;

// SQLite counts the memory it allocates under one process-wide mutex unless
// told not to (SQLITE_CONFIG_MEMSTATUS, on by default): two mutex calls per
// allocation, 4 % of a commit that projects records. Nothing here reads those
// counters. The setting is taken only before SQLite is first initialised;
// later it is refused (SQLITE_MISUSE) and changes nothing, which is harmless.
void ConfigureSqliteOnce() {
  static const bool done = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

// The database holds every record (and, sealed, their confidential fields):
// its files are the owner's only. SQLite gives the -wal and -shm files the
// database file's mode, so the database is made 0600 before SQLite opens it;
// a store made before that is tightened when opened (best effort: a reader
// that does not own the files leaves them).
void TightenModes(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string f = path + suffix;
    struct stat st;
    if (stat(f.c_str(), &st) == 0 && (st.st_mode & 077) != 0) (void)chmod(f.c_str(), st.st_mode & 0700);
  }
}

// Format 2 keeps each record's body once, in its entry bundle; format 1 also
// copied it into records.body and indexed (case_id, kind, date_from). A
// format 1 store is read as it is (the body column is never read) and is
// upgraded when first opened for writing (MigrateFromFormat1).
constexpr const char* kFormatVersion = "2";
constexpr const char* kFormat1 = "1";

// The query table and its indexes, format 2. records_by_kind ends at kind:
// a record's date is random against its index, so (case_id, kind,
// date_from) took random inserts and cost 2.4x the whole projection's write
// time (BENCHMARKS.md, "records stored once"); with (case_id, kind) an
// append lands at the end of its group. records_by_case is (case_id, idx)
// (the rowid ends every index): a case's rows in log order, where
// records_by_kind gave them by kind and SQLite sorted the whole case in a
// temporary B-tree on every scan (0.3 s of CPU a scan at a million records;
// BENCHMARKS.md, "the case scan without a sort").
constexpr const char* kCaseIndex = "CREATE INDEX IF NOT EXISTS records_by_case ON records(case_id);";
constexpr const char* kRecordsSchema =
    "CREATE TABLE records(idx INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,"
    " case_id TEXT NOT NULL, supersedes TEXT NOT NULL, target TEXT NOT NULL, route TEXT NOT NULL,"
    " date_from TEXT NOT NULL, date_to TEXT NOT NULL);"
    "CREATE INDEX records_by_id ON records(id);"
    "CREATE INDEX records_by_kind ON records(case_id, kind);"
    "CREATE INDEX records_by_case ON records(case_id);"
    "CREATE INDEX records_by_supersedes ON records(supersedes) WHERE supersedes != '';"
    "CREATE INDEX records_by_target ON records(target) WHERE target != '';";

// The projected columns, in ReadRow's order; the body comes from the bundle.
#define LIFELINE_RECORD_COLUMNS "idx, id, kind, case_id, supersedes, target, route, date_from, date_to"
constexpr size_t kRecordColumns = 9;

// A commit's rows are inserted up to kRowsPerInsert to a statement (fewer
// where SQLite allows fewer parameters): each step of an INSERT opens and
// closes a cursor on the table and on each of its five indexes, which, one
// row at a time, was a third of projecting a record. 32 rows gained most of
// it, 128 a little more, more nothing (BENCHMARKS.md).
constexpr size_t kRowsPerInsert = 128;

// "INSERT INTO records(...) VALUES (?1, ..., ?9), (?10, ...), ..." for `rows` rows.
std::string InsertRowsSql(size_t rows) {
  std::string sql = "INSERT INTO records(" LIFELINE_RECORD_COLUMNS ") VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (size_t c = 0; c < kRecordColumns; ++c) {
      if (c > 0) sql += ", ";
      sql += "?" + std::to_string(r * kRecordColumns + c + 1);
    }
    sql += ")";
  }
  return sql;
}

// Records that supersede or retract ?1. The `!= ''` terms let SQLite use the
// partial indexes records_by_supersedes and records_by_target (every store
// has them, since format 1): no index is added, so older files are read as
// fast.
constexpr const char* kReplacingSql =
    "SELECT idx, kind, case_id, supersedes, target FROM records WHERE supersedes = ?1 AND supersedes != ''"
    " UNION ALL SELECT idx, kind, case_id, supersedes, target FROM records"
    " WHERE target = ?1 AND target != '' AND kind = 'retraction'";

int64_t TileKey(uint32_t level, uint64_t index) {
  int64_t code = level == merkle::kEntriesLevel ? 0 : static_cast<int64_t>(level) + 1;
  return (code << 48) | static_cast<int64_t>(index);
}

int64_t LevelColumn(uint32_t level) {
  return level == merkle::kEntriesLevel ? -1 : static_cast<int64_t>(level);
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Resets a statement when the scope ends, so a failed step never leaves a
// read transaction open.
class Resetter {
 public:
  explicit Resetter(sqlite3_stmt* s) : s_(s) {}
  ~Resetter() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_;
};

Status CodeToStatus(int rc, const std::string& message) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return IoError(message + " (disk full)");
    case SQLITE_IOERR: return IoError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return CorruptionError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return UnavailableError(message + " (the store is busy: another writer?)");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN: return IoError(message);
    default: return InternalError(message);
  }
}

std::string BlobString(sqlite3_stmt* s, int col) {
  const void* p = sqlite3_column_blob(s, col);
  int n = sqlite3_column_bytes(s, col);
  return std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

}  // namespace

struct SqliteStore::Statements {
  Stmt latest, read_tile, write_tile, insert_cp, all_cps, cp_at, get_meta, begin, commit, rollback;
  Stmt insert_record, insert_records, find_record, versions_of_id, referrers, replacing;
};

// The WAL checkpoints of a store opened for writing, on a thread and a
// connection of their own (the policy is in sqlite_store.h). Its hook runs on
// the committing thread after every commit; Run on the checkpointer's.
class SqliteStore::Checkpointer {
 public:
  // Opens the second connection to `path` with the writer's `sync_sql`.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, const char* sync_sql);
  // Stops the thread (a checkpoint under way finishes) and closes the
  // connection. The writer's hook must be removed first.
  ~Checkpointer();

  // sqlite3_wal_hook's callback on the writing connection; `arg` is the
  // Checkpointer. Always SQLITE_OK: the commit it follows has happened.
  static int Hook(void* arg, sqlite3* writer, const char* schema, int wal_pages);
  // The error of a failed checkpoint since the last call, if any (once).
  Status TakeError();

 private:
  Checkpointer(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  void Run();
  // On the committing thread, when the WAL has reached max_pages.
  void CheckpointHere(sqlite3* writer, const char* schema);
  // Runs on either thread; keeps a failure for TakeError.
  void Record(int rc, const char* where);

  const std::string path_;
  sqlite3* const db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_: a commit asked for a checkpoint
  bool running_ = false;  // guarded by mu_: the background checkpoint is under way
  bool blocked_ = false;  // guarded by mu_: the committing thread checkpoints
  bool stop_ = false;     // guarded by mu_
  Status error_;          // guarded by mu_
  std::thread thread_;
};

Result<std::unique_ptr<SqliteStore::Checkpointer>> SqliteStore::Checkpointer::Start(const std::string& path,
                                                                                   const char* sync_sql) {
  sqlite3* db = nullptr;
  ConfigureSqliteOnce();
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, nullptr);
  std::unique_ptr<Checkpointer> c(new Checkpointer(path, db));  // NOLINT: private constructor
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sync_sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return CodeToStatus(rc, "opening the checkpoint connection of " + path + ": " + sqlite3_errstr(rc));
  }
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

SqliteStore::Checkpointer::~Checkpointer() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  sqlite3_close(db_);
}

namespace {
std::atomic<int> wal_checkpoint_pages{SqliteStore::WalPolicy{}.checkpoint_pages};
std::atomic<int> wal_max_pages{SqliteStore::WalPolicy{}.max_pages};
}  // namespace

void SqliteStore::SetWalPolicyForTesting(WalPolicy policy) {
  wal_checkpoint_pages = policy.checkpoint_pages;
  wal_max_pages = policy.max_pages;
}

int SqliteStore::Checkpointer::Hook(void* arg, sqlite3* writer, const char* schema, int wal_pages) {
  auto* self = static_cast<Checkpointer*>(arg);
  if (wal_pages >= wal_max_pages) {
    self->CheckpointHere(writer, schema);
  } else if (wal_pages >= wal_checkpoint_pages) {
    {
      std::lock_guard<std::mutex> l(self->mu_);
      self->pending_ = true;
    }
    self->cv_.notify_all();
  }
  return SQLITE_OK;
}

void SqliteStore::Checkpointer::CheckpointHere(sqlite3* writer, const char* schema) {
  // The background checkpoints have not caught up with the commits: a WAL
  // is reused from its start only when a checkpoint has copied all of it
  // before the next write begins, and here the next write always came
  // first. So the committing thread waits for the background checkpoint
  // under way (a second one would fail with BUSY) and checkpoints itself,
  // between two commits, as SQLite's automatic checkpoint does: all of the
  // WAL unless a reader still needs part of it.
  std::unique_lock<std::mutex> l(mu_);
  blocked_ = true;
  cv_.wait(l, [this] { return !running_; });
  l.unlock();
  Record(sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr),
         "checkpointing the WAL on the committing thread");
  l.lock();
  blocked_ = false;
  l.unlock();
  cv_.notify_all();
}

void SqliteStore::Checkpointer::Run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [this] { return stop_ || (pending_ && !blocked_); });
    if (stop_) return;
    pending_ = false;
    running_ = true;
    l.unlock();
    Record(sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr),
           "checkpointing the WAL");
    l.lock();
    running_ = false;
    cv_.notify_all();
  }
}

void SqliteStore::Checkpointer::Record(int rc, const char* where) {
  // BUSY: a checkpoint of another process is under way; the next commit's
  // hook tries again.
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return;
  std::lock_guard<std::mutex> l(mu_);
  error_ = CodeToStatus(rc, std::string(where) + " of " + path_ + ": " + sqlite3_errstr(rc));
}

Status SqliteStore::Checkpointer::TakeError() {
  std::lock_guard<std::mutex> l(mu_);
  Status e = std::move(error_);
  error_ = Status::Ok();
  return e;
}

SqliteStore::SqliteStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

SqliteStore::~SqliteStore() {
  stmts_.reset();  // finalize before close
  if (checkpointer_) {
    sqlite3_wal_hook(db_, nullptr, nullptr);
    checkpointer_.reset();
  }
  sqlite3_close(db_);  // the last connection: SQLite checkpoints and removes the WAL
}

Status SqliteStore::StartCheckpointer(const char* sync_sql) {
  LIFELINE_ASSIGN_OR_RETURN(checkpointer_, Checkpointer::Start(path_, sync_sql));
  // Replaces SQLite's automatic checkpoint (itself a WAL hook) on this
  // connection.
  sqlite3_wal_hook(db_, &Checkpointer::Hook, checkpointer_.get());
  return Status::Ok();
}

Status SqliteStore::Error(const std::string& what) const {
  return CodeToStatus(sqlite3_extended_errcode(db_), what + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")");
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string m = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return CodeToStatus(rc, std::string("executing \"") + sql + "\": " + m + " (" + path_ + ")");
  }
  return Status::Ok();
}

Status SqliteStore::Prepare() {
  stmts_ = std::make_unique<Statements>();
  auto prep = [&](Stmt* out, const char* sql) -> Status {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      return Error(std::string("preparing \"") + sql + "\"");
    }
    out->reset(s);
    return Status::Ok();
  };
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->latest, "SELECT size, note FROM checkpoints ORDER BY seq DESC LIMIT 1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->read_tile, "SELECT width, data FROM tiles WHERE key = ?1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->write_tile,
      "INSERT OR REPLACE INTO tiles(key, level, idx, width, data) VALUES (?1, ?2, ?3, ?4, ?5)"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->insert_cp, "INSERT INTO checkpoints(size, note) VALUES (?1, ?2)"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->all_cps, "SELECT size, note FROM checkpoints ORDER BY seq"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->cp_at,
      "SELECT size, note FROM checkpoints WHERE size = ?1 ORDER BY seq DESC LIMIT 1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->get_meta, "SELECT value FROM meta WHERE key = ?1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->insert_record,
      "INSERT INTO records(" LIFELINE_RECORD_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->find_record,
      "SELECT " LIFELINE_RECORD_COLUMNS " FROM records WHERE id = ?1 ORDER BY idx DESC LIMIT 1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->versions_of_id,
      "SELECT " LIFELINE_RECORD_COLUMNS " FROM records WHERE id = ?1"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->referrers,
      "SELECT " LIFELINE_RECORD_COLUMNS " FROM records"
      // The `!= ''` terms let SQLite use the partial indexes (without them
      // every lookup scans the whole table).
      " WHERE (supersedes = ?1 AND supersedes != '') OR (target = ?1 AND target != '') ORDER BY idx"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->replacing, kReplacingSql));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->begin, "BEGIN IMMEDIATE"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->commit, "COMMIT"));
  LIFELINE_RETURN_IF_ERROR(prep(&stmts_->rollback, "ROLLBACK"));
  return Status::Ok();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Create(const std::string& path, const std::string& origin) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) return AlreadyExistsError(path + " already exists");
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);  // an empty file is an empty database
  if (fd < 0) return ErrnoError("creating " + path, errno);
  close(fd);
  sqlite3* db = nullptr;
  ConfigureSqliteOnce();
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | kConnectionFlags, nullptr);
  std::unique_ptr<SqliteStore> s(new SqliteStore(path, db));  // NOLINT: private constructor
  if (rc != SQLITE_OK) return CodeToStatus(rc, "creating " + path + ": " + sqlite3_errstr(rc));
  LIFELINE_RETURN_IF_ERROR(s->Exec("PRAGMA page_size = 16384"));
  LIFELINE_RETURN_IF_ERROR(s->Exec("PRAGMA journal_mode = WAL"));
  LIFELINE_RETURN_IF_ERROR(s->Exec("PRAGMA synchronous = FULL"));
  LIFELINE_RETURN_IF_ERROR(s->Exec(
      "BEGIN;"
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE tiles(key INTEGER PRIMARY KEY, level INTEGER NOT NULL, idx INTEGER NOT NULL,"
      " width INTEGER NOT NULL, data BLOB NOT NULL);"
      "CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY AUTOINCREMENT, size INTEGER NOT NULL,"
      " note TEXT NOT NULL);"
      "CREATE INDEX checkpoints_by_size ON checkpoints(size);"
  ));
  LIFELINE_RETURN_IF_ERROR(s->Exec(kRecordsSchema));
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?1, ?2)", -1, &raw, nullptr) != SQLITE_OK) {
    return s->Error("creating " + path);
  }
  Stmt ins(raw);
  for (auto [k, v] : {std::pair<std::string, std::string>{"origin", origin}, {"format", kFormatVersion}}) {
    sqlite3_bind_text(ins.get(), 1, k.data(), static_cast<int>(k.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins.get(), 2, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(ins.get()) != SQLITE_DONE) return s->Error("writing metadata");
    sqlite3_reset(ins.get());
  }
  ins.reset();
  LIFELINE_RETURN_IF_ERROR(s->Exec("COMMIT"));
  LIFELINE_RETURN_IF_ERROR(s->Prepare());
  LIFELINE_RETURN_IF_ERROR(s->StartCheckpointer("PRAGMA synchronous = FULL"));
  return s;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Mode mode, Sync sync) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError("no store database at " + path);
    return ErrnoError("opening " + path, errno);
  }
  TightenModes(path);
  sqlite3* db = nullptr;
  int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | kConnectionFlags;
  ConfigureSqliteOnce();
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<SqliteStore> s(new SqliteStore(path, db));  // NOLINT: private constructor
  if (rc != SQLITE_OK) return CodeToStatus(rc, "opening " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(db, 5000);
  const char* sync_sql = sync == Sync::kFull ? "PRAGMA synchronous = FULL"
                         : sync == Sync::kNormal ? "PRAGMA synchronous = NORMAL"
                                                 : "PRAGMA synchronous = OFF";
  LIFELINE_RETURN_IF_ERROR(s->Exec(sync_sql));
  // A 64 MiB page cache keeps the upper tiles and recent bundles hot.
  LIFELINE_RETURN_IF_ERROR(s->Exec("PRAGMA cache_size = -65536"));
  Status prep = s->Prepare();
  if (!prep.ok()) {
    return CorruptionError(path + " is not a Lifeline store (" + prep.message() + ")");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string format, ReadFormat(*s, path));
  if (format == kFormat1 && mode == Mode::kReadWrite) {
    LIFELINE_RETURN_IF_ERROR(s->MigrateFromFormat1());
  } else if (format != kFormatVersion && format != kFormat1) {
    return FailedPreconditionError(path + " has store format " + format + "; this build reads formats " +
                                   kFormat1 + " and " + kFormatVersion);
  }
  if (mode == Mode::kReadWrite) {
    // A store made before records_by_case gets it when first opened for
    // writing; read only, its case scans sort as they did.
    Status indexed = s->Exec(kCaseIndex);
    if (!indexed.ok()) return indexed.Annotate("indexing the records of " + path + " by case");
    LIFELINE_RETURN_IF_ERROR(s->StartCheckpointer(sync_sql));
  }
  return s;
}

Status SqliteStore::MigrateFromFormat1() {
  // One transaction: a crash at any point leaves format 1 as it was or
  // format 2 complete. The bodies dropped are copies of the entries, which
  // stay in their bundles; only the query table and its indexes change.
  LIFELINE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status st = Exec(
      "DROP INDEX records_by_id; DROP INDEX records_by_kind;"
      "DROP INDEX records_by_supersedes; DROP INDEX records_by_target;"
      "ALTER TABLE records RENAME TO records_format1;");
  if (st.ok()) st = Exec(kRecordsSchema);
  if (st.ok()) {
    const std::string copy = std::string("INSERT INTO records(" LIFELINE_RECORD_COLUMNS ") SELECT ") +
                             LIFELINE_RECORD_COLUMNS " FROM records_format1 ORDER BY idx;"
                             "DROP TABLE records_format1;"
                             "UPDATE meta SET value = '" + kFormatVersion + "' WHERE key = 'format';";
    st = Exec(copy.c_str());
  }
  if (!st.ok()) {
    Exec("ROLLBACK").IgnoreError();
    return st.Annotate("upgrading " + path_ + " from store format 1 to 2");
  }
  return Exec("COMMIT");
}

Result<StoredCheckpoint> SqliteStore::LatestCheckpoint() {
  sqlite3_stmt* s = stmts_->latest.get();
  Resetter r(s);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return NotFoundError("no checkpoint in " + path_);
  if (rc != SQLITE_ROW) return Error("reading the latest checkpoint");
  return StoredCheckpoint{static_cast<uint64_t>(sqlite3_column_int64(s, 0)),
                          reinterpret_cast<const char*>(sqlite3_column_text(s, 1))};
}

Result<TileData> SqliteStore::ReadTile(uint32_t level, uint64_t index) {
  sqlite3_stmt* s = stmts_->read_tile.get();
  Resetter r(s);
  sqlite3_bind_int64(s, 1, TileKey(level, index));
  int rc = sqlite3_step(s);
  merkle::TileId id{level, index, merkle::kTileWidth};
  if (rc == SQLITE_DONE) return NotFoundError(merkle::TilePath(id) + " is not stored");
  if (rc != SQLITE_ROW) return Error("reading " + merkle::TilePath(id));
  int64_t width = sqlite3_column_int64(s, 0);
  if (width < 1 || width > merkle::kTileWidth) {
    return CorruptionError(merkle::TilePath(id) + " has stored width " + std::to_string(width));
  }
  id.width = static_cast<uint32_t>(width);
  return TileData{id, BlobString(s, 1)};
}

Status SqliteStore::ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) {
  sqlite3_stmt* s = stmts_->all_cps.get();
  Resetter r(s);
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Error("reading checkpoints");
    const unsigned char* text = sqlite3_column_text(s, 1);
    StoredCheckpoint cp{static_cast<uint64_t>(sqlite3_column_int64(s, 0)),
                        text ? reinterpret_cast<const char*>(text) : ""};
    LIFELINE_RETURN_IF_ERROR(fn(cp));
  }
}

Result<StoredCheckpoint> SqliteStore::CheckpointAt(uint64_t size) {
  sqlite3_stmt* s = stmts_->cp_at.get();
  Resetter r(s);
  sqlite3_bind_int64(s, 1, static_cast<int64_t>(size));
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return NotFoundError("no checkpoint of size " + std::to_string(size));
  if (rc != SQLITE_ROW) return Error("reading checkpoint of size " + std::to_string(size));
  return StoredCheckpoint{static_cast<uint64_t>(sqlite3_column_int64(s, 0)),
                          reinterpret_cast<const char*>(sqlite3_column_text(s, 1))};
}

Status SqliteStore::Apply(const Commit& commit) {
  if (checkpointer_) {
    // A failed checkpoint loses nothing (the pages stay in the WAL), but it
    // says the database file cannot be written: the writer hears of it.
    Status ck = checkpointer_->TakeError();
    if (!ck.ok()) return ck;
  }
  {
    sqlite3_stmt* b = stmts_->begin.get();
    Resetter r(b);
    if (sqlite3_step(b) != SQLITE_DONE) return Error("beginning a commit");
  }
  auto fail = [&](Status st) {
    sqlite3_stmt* rb = stmts_->rollback.get();
    sqlite3_step(rb);
    sqlite3_reset(rb);
    return st;
  };
  // Compare-and-swap on the latest checkpoint's size, inside the
  // transaction, so two writers can never interleave their trees.
  uint64_t current = 0;
  {
    sqlite3_stmt* s = stmts_->latest.get();
    Resetter r(s);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      current = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    } else if (rc != SQLITE_DONE) {
      return fail(Error("reading the latest checkpoint"));
    }
  }
  if (current != commit.base_size) {
    return fail(FailedPreconditionError("commit built on size " + std::to_string(commit.base_size) +
                                        " but " + path_ + " is at size " + std::to_string(current)));
  }
  sqlite3_stmt* w = stmts_->write_tile.get();
  for (const auto& t : commit.tiles) {
    Resetter r(w);
    sqlite3_bind_int64(w, 1, TileKey(t.id.level, t.id.index));
    sqlite3_bind_int64(w, 2, LevelColumn(t.id.level));
    sqlite3_bind_int64(w, 3, static_cast<int64_t>(t.id.index));
    sqlite3_bind_int64(w, 4, t.id.width);
    sqlite3_bind_blob(w, 5, t.data.data(), static_cast<int>(t.data.size()), SQLITE_STATIC);
    if (sqlite3_step(w) != SQLITE_DONE) return fail(Error("writing " + merkle::TilePath(t.id)));
  }
  if (Status st = InsertRecords(commit.records); !st.ok()) return fail(st);
  {
    sqlite3_stmt* c = stmts_->insert_cp.get();
    Resetter r(c);
    sqlite3_bind_int64(c, 1, static_cast<int64_t>(commit.new_size));
    sqlite3_bind_text(c, 2, commit.checkpoint.data(), static_cast<int>(commit.checkpoint.size()), SQLITE_STATIC);
    if (sqlite3_step(c) != SQLITE_DONE) return fail(Error("writing the checkpoint"));
  }
  // At this point nothing is durable. COMMIT appends the transaction to the
  // WAL and fsyncs it (synchronous=FULL); a crash before that returns
  // recovers to the previous checkpoint.
  {
    sqlite3_stmt* c = stmts_->commit.get();
    Resetter r(c);
    if (sqlite3_step(c) != SQLITE_DONE) return fail(Error("committing"));
  }
  return Status::Ok();
}

namespace {

void BindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, i))) : "";
}

RecordRow ReadRow(sqlite3_stmt* s) {
  RecordRow r;
  r.index = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
  r.id = ColumnText(s, 1);
  r.kind = ColumnText(s, 2);
  r.case_id = ColumnText(s, 3);
  r.supersedes = ColumnText(s, 4);
  r.target = ColumnText(s, 5);
  r.route = ColumnText(s, 6);
  r.date_from = ColumnText(s, 7);
  r.date_to = ColumnText(s, 8);
  return r;
}

}  // namespace

Status SqliteStore::FillBody(RecordRow* row) {
  const uint64_t n = row->index / merkle::kTileWidth;
  const size_t at = row->index % merkle::kTileWidth;
  if (!bundle_ || bundle_->index != n || at >= bundle_->entries.size()) {
    bundle_.reset();
    auto t = ReadTile(merkle::kEntriesLevel, n);
    if (!t.ok()) {
      const std::string what = "record " + row->id + " (entry " + std::to_string(row->index) + "): its bundle";
      // A missing bundle under a projected row is damage; a failed read is
      // whatever it was (busy, I/O).
      if (t.status().code() == ErrorCode::kNotFound) return CorruptionError(what + ": " + t.status().message());
      return t.status().Annotate(what);
    }
    // Parsed in place: the views point into bundle_->data, which must not
    // move afterwards (a short string's bytes move with it).
    bundle_.emplace();
    bundle_->index = n;
    bundle_->data = std::move(t->data);
    auto entries = merkle::ParseBundle(bundle_->data, t->id.width);
    if (!entries.ok()) {
      bundle_.reset();
      return CorruptionError("record " + row->id + " (entry " + std::to_string(row->index) + "): " +
                             merkle::TilePath(t->id) + ": " + entries.status().message());
    }
    bundle_->entries = std::move(*entries);
  }
  if (at >= bundle_->entries.size()) {
    return CorruptionError("record " + row->id + " is entry " + std::to_string(row->index) +
                           ", beyond its bundle's " + std::to_string(bundle_->entries.size()) + " entries");
  }
  row->body.assign(bundle_->entries[at]);
  return Status::Ok();
}

namespace {

// Binds `r` to the nine parameters of one row from `first` (1-based).
void BindRecord(sqlite3_stmt* s, int first, const RecordRow& r) {
  sqlite3_bind_int64(s, first, static_cast<int64_t>(r.index));
  BindText(s, first + 1, r.id);
  BindText(s, first + 2, r.kind);
  BindText(s, first + 3, r.case_id);
  BindText(s, first + 4, r.supersedes);
  BindText(s, first + 5, r.target);
  BindText(s, first + 6, r.route);
  BindText(s, first + 7, r.date_from);
  BindText(s, first + 8, r.date_to);
}

}  // namespace

Status SqliteStore::InsertRecord(const RecordRow& r) {
  sqlite3_stmt* s = stmts_->insert_record.get();
  Resetter reset(s);
  BindRecord(s, 1, r);
  if (sqlite3_step(s) != SQLITE_DONE) return Error("projecting record " + r.id + " (entry " + std::to_string(r.index) + ")");
  return Status::Ok();
}

Status SqliteStore::InsertRecords(std::span<const RecordRow> rows) {
  const int max_params = sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  const size_t n =
      std::clamp<size_t>(static_cast<size_t>(std::max(max_params, 0)) / kRecordColumns, 1, kRowsPerInsert);
  // Prepared on the first commit that fills it, not in Prepare: compiling
  // the statement of 1,152 parameters takes about 2 ms, which every open of
  // a store (each CLI command, a reader's connection) would pay for nothing.
  if (rows.size() >= n && !stmts_->insert_records) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, InsertRowsSql(n).c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      return Error("preparing the insert of " + std::to_string(n) + " record rows");
    }
    stmts_->insert_records.reset(st);
  }
  sqlite3_stmt* m = stmts_->insert_records.get();
  size_t i = 0;
  for (; i + n <= rows.size(); i += n) {
    Resetter reset(m);
    for (size_t k = 0; k < n; ++k) BindRecord(m, static_cast<int>(k * kRecordColumns + 1), rows[i + k]);
    if (sqlite3_step(m) != SQLITE_DONE) {
      return Error("projecting records " + rows[i].id + " .. " + rows[i + n - 1].id + " (entries " +
                   std::to_string(rows[i].index) + ".." + std::to_string(rows[i + n - 1].index) + ")");
    }
  }
  for (; i < rows.size(); ++i) LIFELINE_RETURN_IF_ERROR(InsertRecord(rows[i]));
  return Status::Ok();
}

Status SqliteStore::StepRows(sqlite3_stmt* s, const std::string& what,
                             const std::function<void(sqlite3_stmt*)>& on_row) const {
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Error(what);
    on_row(s);
  }
}

Result<RecordRow> SqliteStore::FindRecord(const std::string& id) {
  sqlite3_stmt* s = stmts_->find_record.get();
  Resetter r(s);
  BindText(s, 1, id);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return NotFoundError("no record \"" + id + "\"");
  if (rc != SQLITE_ROW) return Error("finding record " + id);
  RecordRow row = ReadRow(s);
  LIFELINE_RETURN_IF_ERROR(FillBody(&row));
  return row;
}

Status SqliteStore::ScanIds(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  // One indexed lookup per distinct id (records_by_id); the other filters
  // are MatchesQuery's, on the few rows found.
  sqlite3_stmt* s = stmts_->versions_of_id.get();
  std::vector<RecordRow> rows;
  for (const auto& id : DistinctIds(q)) {
    Resetter r(s);
    BindText(s, 1, id);
    LIFELINE_RETURN_IF_ERROR(StepRows(s, "finding record " + id, [&](sqlite3_stmt* st) { rows.push_back(ReadRow(st)); }));
  }
  // fn runs after the statement is reset: it may query the store. The body
  // is read only where it is wanted or the text filter needs it.
  const bool bodies = q.with_body || !q.text.empty();
  return PassFoundRows(std::move(rows), q, bodies ? [this](RecordRow* row) { return FillBody(row); }
                                                  : std::function<Status(RecordRow*)>(), fn);
}

namespace {

// The SELECT of `columns` from the rows MatchesQuery(row, q) would pass,
// but for q.ids and q.text (the body is not in SQL), with its parameters
// in `args`; not ordered.
std::string SelectSql(const RecordQuery& q, const char* columns, std::vector<std::string>* args) {
  std::string where;
  auto add = [&](const std::string& cond, const std::string& v) {
    args->push_back(v);
    where += " AND " + cond + std::to_string(args->size());
  };
  // From an index on (ExtendDataset: the entries since a checkpoint), the
  // rowid range is the one to walk: with `case_id = ?` SQLite chose
  // records_by_kind and read every entry of the case, then sorted them
  // (0.35 s at a million records for a thousand new ones; a few ms by the
  // rowid). A unary + keeps the condition out of index selection.
  const bool tail = q.from_index > 0;
  if (!q.kind.empty()) add(tail ? "+kind = ?" : "kind = ?", q.kind);
  if (!q.case_id.empty()) add(tail ? "+case_id = ?" : "case_id = ?", q.case_id);
  if (!q.route.empty()) add("route = ?", q.route);
  if (tail) where += " AND idx >= " + std::to_string(q.from_index);
  if (q.tree_size) where += " AND idx < " + std::to_string(*q.tree_size);
  if (!q.from.empty() || !q.to.empty()) where += " AND date_from != ''";
  if (!q.to.empty()) add("date_from <= ?", q.to);
  if (!q.from.empty()) {
    args->push_back(q.from);
    where += " AND (date_to = '' OR date_to >= ?" + std::to_string(args->size()) + ")";
  }
  const std::string select = std::string("SELECT ") + columns + " FROM records";
  if (!q.replacing_only) return select + " WHERE 1" + where;
  // The corrections by their partial index (the planner, without
  // statistics, scanned the case's index instead: 0.15 s at a million
  // records, against a few ms), and the retractions that are not also
  // corrections by kind.
  return select + " INDEXED BY records_by_supersedes WHERE supersedes != ''" + where + " UNION ALL " + select +
         " WHERE kind = '" + std::string(kinds::kRetraction) + "' AND supersedes = ''" + where;
}

}  // namespace

Status SqliteStore::ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  if (q.ids) return ScanIds(q, fn);
  std::vector<std::string> args;
  const std::string sql = SelectSql(q, LIFELINE_RECORD_COLUMNS, &args) + " ORDER BY idx";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return Error("querying records");
  Stmt s(raw);
  for (size_t i = 0; i < args.size(); ++i) BindText(s.get(), static_cast<int>(i + 1), args[i]);
  for (;;) {
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Error("querying records");
    RecordRow row = ReadRow(s.get());
    // The text filter reads the body, which SQL no longer holds.
    if (q.with_body || !q.text.empty()) LIFELINE_RETURN_IF_ERROR(FillBody(&row));
    if (!q.text.empty() && row.body.find(q.text) == std::string::npos) continue;
    if (!q.with_body) row.body.clear();
    LIFELINE_ASSIGN_OR_RETURN(ScanStep step, fn(row));
    if (step == ScanStep::kStop) return Status::Ok();
  }
}

Result<uint64_t> SqliteStore::CountRecords(const RecordQuery& q) {
  if (q.ids || !q.text.empty()) return LogStore::CountRecords(q);
  std::vector<std::string> args;
  const std::string sql = "SELECT count(*) FROM (" + SelectSql(q, "idx", &args) + ")";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return Error("counting records");
  Stmt s(raw);
  for (size_t i = 0; i < args.size(); ++i) BindText(s.get(), static_cast<int>(i + 1), args[i]);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return Error("counting records");
  return static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0));
}

Status SqliteStore::ForEachReplacingRecord(const std::vector<std::string>& ids,
                                           const std::function<Status(const RecordRow&)>& fn) {
  // One indexed lookup per id. An IN list bound as a JSON array (one
  // statement per batch) measured no faster (bench/record_query_bench).
  sqlite3_stmt* s = stmts_->replacing.get();
  std::vector<RecordRow> rows;
  for (const auto& id : ids) {
    if (id.empty()) continue;
    Resetter r(s);
    BindText(s, 1, id);
    LIFELINE_RETURN_IF_ERROR(StepRows(s, "finding corrections and retractions of " + id, [&](sqlite3_stmt* st) {
      RecordRow row;
      row.index = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
      row.kind = ColumnText(st, 1);
      row.case_id = ColumnText(st, 2);
      row.supersedes = ColumnText(st, 3);
      row.target = ColumnText(st, 4);
      rows.push_back(std::move(row));
    }));
  }
  // fn runs after the statement is reset: it may query the store.
  for (const auto& row : rows) LIFELINE_RETURN_IF_ERROR(fn(row));
  return Status::Ok();
}

Status SqliteStore::ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) {
  sqlite3_stmt* s = stmts_->referrers.get();
  Resetter r(s);
  BindText(s, 1, id);
  std::vector<RecordRow> rows;
  LIFELINE_RETURN_IF_ERROR(
      StepRows(s, "finding records that refer to " + id, [&](sqlite3_stmt* st) { rows.push_back(ReadRow(st)); }));
  for (auto& row : rows) {
    LIFELINE_RETURN_IF_ERROR(FillBody(&row));
    LIFELINE_RETURN_IF_ERROR(fn(row));
  }
  return Status::Ok();
}

Status SqliteStore::ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT id, kind, case_id FROM records", -1, &raw, nullptr) != SQLITE_OK) {
    return Error("listing record ids");
  }
  Stmt s(raw);
  for (;;) {
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Error("listing record ids");
    LIFELINE_RETURN_IF_ERROR(fn(ColumnText(s.get(), 0), ColumnText(s.get(), 1), ColumnText(s.get(), 2)));
  }
}

Status SqliteStore::RebuildRecords(const RecordBatches& next) {
  // One transaction around every batch: readers keep seeing the old rows
  // until COMMIT, and a crash before it rolls back to them at the next open.
  // Only the current batch is in memory; SQLite spills the transaction's
  // pages to the WAL as its cache fills.
  LIFELINE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status st = Exec("DELETE FROM records");
  std::vector<RecordRow> batch;
  while (st.ok()) {
    batch.clear();
    Result<bool> more = next(&batch);
    if (!more.ok()) st = more.status();
    if (!st.ok() || !*more) break;
    st = InsertRecords(batch);
  }
  if (!st.ok()) {
    Exec("ROLLBACK").IgnoreError();
    return st;
  }
  return Exec("COMMIT");
}

Result<std::string> SqliteStore::GetMeta(const std::string& key) {
  sqlite3_stmt* s = stmts_->get_meta.get();
  Resetter r(s);
  sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return NotFoundError("no metadata \"" + key + "\" in " + path_);
  if (rc != SQLITE_ROW) return Error("reading metadata " + key);
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
}

Status SqliteStore::QuickCheck() {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA quick_check", -1, &raw, nullptr) != SQLITE_OK) {
    return Error("running quick_check");
  }
  Stmt s(raw);
  std::string problems;
  for (;;) {
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error("running quick_check");
    std::string line = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!problems.empty()) return CorruptionError("SQLite quick_check of " + path_ + ": " + problems);
  return Status::Ok();
}

}  // namespace lifeline::store
