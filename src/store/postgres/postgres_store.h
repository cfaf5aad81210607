// LogStore on a PostgreSQL database (libpq), for a log shared by several
// processes.
//
// Schema (docs/formats.md has it in full), in the schema the connection's
// search_path names first (normally `public`):
//   meta(key, value)                       origin, format version
//   head(one, size)                        the coordination row: one row,
//                                          the latest checkpoint's size
//   tiles(level, idx, width, data bytea)   level -1 is an entry bundle
//   checkpoints(seq identity, size, note)
//   records(idx, id, kind, case_id, supersedes, target, route, date_from,
//           date_to, body)                 the record projection
// Text columns are COLLATE "C", so that date and id comparisons are byte
// comparisons whatever the database's default collation.
//
// Apply runs one transaction that first locks the head row (SELECT ... FOR
// UPDATE): a second writer, in this process or another, waits for the first
// to commit, then sees the new size and is refused (FailedPrecondition), as
// the contract requires. Tiles and records are written with one multi-row
// statement each (unnest over binary array parameters). The session runs
// with synchronous_commit on, so an OK from Apply means the commit is in the
// server's flushed WAL.
//
// A connection lost between calls is re-established at the next call; a
// call during which it is lost returns Unavailable, and the server rolls the
// open transaction back. (A COMMIT whose answer is lost is ambiguous, as an
// fsync error is for SQLite: the caller reads the latest checkpoint.)
//
// This file and postgres_store.cc are the only includers of libpq-fe.h.
// Thread safety: one object per thread (the connection is not shared).
#ifndef LIFELINE_STORE_POSTGRES_POSTGRES_STORE_H_
#define LIFELINE_STORE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

typedef struct pg_result PGresult;  // libpq-fe.h's, included by the .cc only

namespace lifeline::store {

class PostgresStore : public LogStore {
 public:
  // Creates the schema of a new store for a log named `origin` in the
  // database `conninfo` names (a libpq connection string or URI).
  // InvalidArgument for a malformed connection string, Unavailable when the
  // server cannot be reached, AlreadyExists when a Lifeline store (or any
  // of its tables) is already there.
  //
  // `incomplete`, when not empty, marks the store as being filled (a
  // migration; the text says from where): Open refuses it until
  // MarkComplete, so a copy that failed half way is never taken for a log.
  static Result<std::unique_ptr<PostgresStore>> Create(const std::string& conninfo, const std::string& origin,
                                                       const std::string& incomplete = "");
  // Opens an existing store. InvalidArgument / Unavailable as Create;
  // NotFound when the database holds no Lifeline store, Corruption when its
  // metadata is damaged, FailedPrecondition on another format version or a
  // store marked incomplete.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo);

  // Removes the mark Create(..., incomplete) set.
  Status MarkComplete();

  // Whether the server is a hot standby (pg_is_in_recovery()): it takes
  // reads only, and every write is refused (FailedPrecondition).
  Result<bool> InRecovery();

  // Pins this connection's reads to one snapshot of the database: a
  // REPEATABLE READ READ ONLY transaction, left open until the object is
  // destroyed, so every later read sees the log as it was now, whatever
  // other writers commit meanwhile. Returns the snapshot's id
  // (pg_export_snapshot), valid while this object lives, for JoinSnapshot
  // on other connections. Not on a hot standby (PostgreSQL exports no
  // snapshot there: FailedPrecondition). Apply on a pinned store fails
  // (FailedPrecondition: a read-only transaction) and ends the pin.
  Result<std::string> PinSnapshot();
  // Pins this connection's reads to the snapshot `id` another connection
  // exported with PinSnapshot (InvalidArgument for a malformed id).
  Status JoinSnapshot(const std::string& id);
  ~PostgresStore() override;

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

  // Where the store is, for messages: host, port, database and user of the
  // connection string (never its password).
  const std::string& where() const { return where_; }

 protected:
  // Pages through the matching rows by index (keyset pagination), so `fn`
  // may use the store between rows and memory holds one page.
  Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) override;
  Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                const std::function<Status(const RecordRow&)>& fn) override;

 private:
  class Connection;
  PostgresStore(std::unique_ptr<Connection> conn, std::string where);
  Status WriteRecords(const std::vector<RecordRow>& rows);
  // ScanRecords of a query with ids: by the id index, not a walk.
  Status ScanIds(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn);
  Status WriteTiles(const std::vector<TileData>& tiles);
  Result<uint64_t> LockHead();
  // Handles row `i` of a page: the key the next row must be at or after,
  // or nullopt to stop the walk.
  using WalkRow = std::function<Result<std::optional<int64_t>>(const PGresult*, int i)>;
  // Keyset pagination: runs `sql` ($1 the page's first key, $2 the page
  // size `page`, then `args` as text) from key 0 until a page is short or
  // `row` stops; holds one page, and `row` may use the store.
  Status Walk(const std::string& sql, const std::vector<std::string>& args, int page, const std::string& what,
              const WalkRow& row);
  Status RollbackAfter(Status failure);

  std::unique_ptr<Connection> conn_;
  std::string where_;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_POSTGRES_POSTGRES_STORE_H_
