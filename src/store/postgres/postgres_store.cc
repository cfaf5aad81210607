#include "store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "base/kinds.h"

namespace lifeline::store {
namespace {

constexpr const char* kFormatVersion = "1";

// Built-in type OIDs (server/catalog/pg_type_d.h, stable across versions).
constexpr Oid kByteaOid = 17, kInt8Oid = 20, kInt4Oid = 23, kTextOid = 25;
constexpr Oid kByteaArrayOid = 1001, kInt4ArrayOid = 1007, kTextArrayOid = 1009, kInt8ArrayOid = 1016;

// Rows a paged read fetches per query: ScanRecords (a current_only page
// reads about this many, store.cc's kBatch), and the long walks.
constexpr int kScanPage = 256;
constexpr int kWalkPage = 10000;
// Ids per ForEachReplacingRecord query (one text[] parameter).
constexpr size_t kIdsPerQuery = 1000;

// The tables of a store; Create refuses a database holding any of them.
constexpr const char* kTables[] = {"meta", "head", "tiles", "checkpoints", "records"};

constexpr const char* kSchemaSql =
    "CREATE TABLE meta(key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL);"
    // The coordination row: Apply locks it (FOR UPDATE) before it compares
    // and swaps the size, so writers queue on it.
    "CREATE TABLE head(one boolean PRIMARY KEY DEFAULT true CHECK (one), size bigint NOT NULL);"
    "CREATE TABLE tiles(level integer NOT NULL, idx bigint NOT NULL, width integer NOT NULL,"
    " data bytea NOT NULL, PRIMARY KEY (level, idx));"
    // Hashes and entries barely compress: storing tiles out of line
    // without pglz saves the server the attempt (BENCHMARKS.md).
    "ALTER TABLE tiles ALTER COLUMN data SET STORAGE EXTERNAL;"
    "CREATE TABLE checkpoints(seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, size bigint NOT NULL,"
    " note text NOT NULL);"
    "CREATE INDEX checkpoints_by_size ON checkpoints(size);"
    "CREATE TABLE records(idx bigint PRIMARY KEY, id text COLLATE \"C\" NOT NULL, kind text COLLATE \"C\" NOT NULL,"
    " case_id text COLLATE \"C\" NOT NULL, supersedes text COLLATE \"C\" NOT NULL,"
    " target text COLLATE \"C\" NOT NULL, route text COLLATE \"C\" NOT NULL,"
    " date_from text COLLATE \"C\" NOT NULL, date_to text COLLATE \"C\" NOT NULL, body text NOT NULL);"
    "CREATE INDEX records_by_id ON records(id);"
    "CREATE INDEX records_by_kind ON records(case_id, kind, date_from);"
    "CREATE INDEX records_by_supersedes ON records(supersedes) WHERE supersedes <> '';"
    "CREATE INDEX records_by_target ON records(target) WHERE target <> '';";

constexpr const char* kRecordColumns = "idx, id, kind, case_id, supersedes, target, route, date_from, date_to, body";
// The same, the body left empty (RecordQuery::with_body).
constexpr const char* kRecordColumnsNoBody =
    "idx, id, kind, case_id, supersedes, target, route, date_from, date_to, ''::text";

constexpr const char* kCopyRecordsSql =
    "COPY records(idx, id, kind, case_id, supersedes, target, route, date_from, date_to, body)"
    " FROM STDIN (FORMAT binary)";

// The last commit that writes a key wins (store.h), as SQLite's INSERT OR
// REPLACE.
constexpr const char* kUpsertTilesSql =
    "INSERT INTO tiles(level, idx, width, data)"
    " SELECT * FROM unnest($1::int4[], $2::int8[], $3::int4[], $4::bytea[])"
    " ON CONFLICT (level, idx) DO UPDATE SET width = EXCLUDED.width, data = EXCLUDED.data";

constexpr const char* kInsertCheckpointSql =
    "WITH cp AS (INSERT INTO checkpoints(size, note) VALUES ($1, $2)) UPDATE head SET size = $1";

constexpr const char* kReplacingSql =
    "SELECT idx, kind, case_id, supersedes, target FROM records WHERE supersedes = ANY($1) AND supersedes <> ''"
    " UNION ALL SELECT idx, kind, case_id, supersedes, target FROM records"
    " WHERE target = ANY($1) AND target <> '' AND kind = 'retraction'";

void AppendBE(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t ReadBE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// A one-dimensional array in PostgreSQL's binary format (array_send).
class ArrayEncoder {
 public:
  explicit ArrayEncoder(Oid element) : element_(element) {}
  void Add(std::string_view bytes) {
    AppendBE(&body_, bytes.size(), 4);
    body_.append(bytes);
    ++count_;
  }
  void AddInt(uint64_t v, int bytes) {
    AppendBE(&body_, static_cast<uint64_t>(bytes), 4);
    AppendBE(&body_, v, bytes);
    ++count_;
  }
  std::string Finish() const {
    std::string out;
    AppendBE(&out, count_ == 0 ? 0 : 1, 4);  // dimensions
    AppendBE(&out, 0, 4);                    // no NULLs
    AppendBE(&out, element_, 4);
    if (count_ != 0) {
      AppendBE(&out, count_, 4);
      AppendBE(&out, 1, 4);  // lower bound
    }
    return out + body_;
  }

 private:
  Oid element_;
  std::string body_;
  uint64_t count_ = 0;
};

// Parameters of one statement, all sent in binary format.
class Params {
 public:
  Params& Int4(int32_t v) { return Add(kInt4Oid, Encode(static_cast<uint32_t>(v), 4)); }
  Params& Int8(int64_t v) { return Add(kInt8Oid, Encode(static_cast<uint64_t>(v), 8)); }
  Params& Text(std::string v) { return Add(kTextOid, std::move(v)); }
  Params& Bytea(std::string v) { return Add(kByteaOid, std::move(v)); }
  Params& Array(Oid array_type, const ArrayEncoder& a) { return Add(array_type, a.Finish()); }

  int size() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  static std::string Encode(uint64_t v, int bytes) {
    std::string s;
    AppendBE(&s, v, bytes);
    return s;
  }
  Params& Add(Oid type, std::string bytes) {
    owned_.push_back(std::move(bytes));  // a deque: earlier elements stay put
    types_.push_back(type);
    values_.push_back(owned_.back().data());
    lengths_.push_back(static_cast<int>(owned_.back().size()));
    formats_.push_back(1);
    return *this;
  }

  std::deque<std::string> owned_;
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string Bytes(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}

int64_t Int8At(const PGresult* r, int row, int col) {
  return static_cast<int64_t>(ReadBE(PQgetvalue(r, row, col), 8));
}

int32_t Int4At(const PGresult* r, int row, int col) {
  return static_cast<int32_t>(static_cast<uint32_t>(ReadBE(PQgetvalue(r, row, col), 4)));
}

// libpq's messages end in a newline; ours do not.
std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// What to do when the server is gone, for the messages that say so.
constexpr const char* kConnectionLost =
    " (the connection to the database was lost: check that the PostgreSQL server is running and reachable)";
constexpr const char* kIsItRunning = " (check that the PostgreSQL server is running and reachable)";

// lifeline's ErrorCode for a failed statement, from its SQLSTATE (as
// SqliteStore's CodeToStatus does from SQLite's result codes).
Status SqlStateToStatus(const std::string& state, const std::string& message) {
  auto cls = state.substr(0, 2);
  if (state == "53100") return IoError(message + " (the database server's disk is full)");
  if (state == "40001" || state == "40P01") return UnavailableError(message + " (a concurrent transaction: retry)");
  if (cls == "08" || state == "57P01" || state == "57P02" || state == "57P03") {
    return UnavailableError(message + kConnectionLost);
  }
  if (cls == "53" || state == "55P03" || state == "57014") return UnavailableError(message + " (the database is busy)");
  if (state == "25006") {
    return FailedPreconditionError(message + " (the database takes no writes: a hot standby, or a read-only"
                                   " transaction; writes must go to the primary)");
  }
  if (cls == "58" || state == "42501") return IoError(message);
  if (state == "XX001" || state == "XX002") return CorruptionError(message);
  if (state == "42P07") return AlreadyExistsError(message);
  return InternalError(message);
}

RecordRow ReadRecord(const PGresult* r, int row) {
  RecordRow out;
  out.index = static_cast<uint64_t>(Int8At(r, row, 0));
  out.id = Bytes(r, row, 1);
  out.kind = Bytes(r, row, 2);
  out.case_id = Bytes(r, row, 3);
  out.supersedes = Bytes(r, row, 4);
  out.target = Bytes(r, row, 5);
  out.route = Bytes(r, row, 6);
  out.date_from = Bytes(r, row, 7);
  out.date_to = Bytes(r, row, 8);
  out.body = Bytes(r, row, 9);
  return out;
}

ArrayEncoder TableNames() {
  ArrayEncoder names(kTextOid);
  for (const char* t : kTables) names.Add(t);
  return names;
}

int32_t LevelColumn(uint32_t level) {
  return level == merkle::kEntriesLevel ? -1 : static_cast<int32_t>(level);
}

// host, port, database and user of a connection string, for messages; the
// password is never named. Empty on a malformed string (Connect refuses it).
std::string Describe(PQconninfoOption* opts) {
  std::map<std::string, std::string> v;
  for (PQconninfoOption* o = opts; o != nullptr && o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') v[o->keyword] = o->val;
  }
  std::string out = "PostgreSQL database " + (v.count("dbname") ? "\"" + v["dbname"] + "\"" : std::string("(default)"));
  if (v.count("host")) out += " on " + v["host"];
  if (v.count("port")) out += " port " + v["port"];
  if (v.count("user")) out += " as " + v["user"];
  return out;
}

}  // namespace

// One libpq connection. Statements outside a transaction re-establish a
// lost connection first; inside one, a lost connection is an error.
class PostgresStore::Connection {
 public:
  static Result<std::unique_ptr<Connection>> Connect(const std::string& conninfo, std::string* where) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (opts == nullptr) {
      std::string m = err != nullptr ? Trim(err) : "out of memory";
      PQfreemem(err);
      return InvalidArgumentError("bad PostgreSQL connection string: " + m);
    }
    *where = Describe(opts);
    PQconninfoFree(opts);
    std::unique_ptr<Connection> c(new Connection(PQconnectdb(conninfo.c_str()), *where));  // NOLINT: private
    if (c->conn_ == nullptr) return UnavailableError("connecting to " + *where + ": out of memory");
    if (PQstatus(c->conn_) != CONNECTION_OK) {
      return UnavailableError("cannot connect to " + *where + ": " + Trim(PQerrorMessage(c->conn_)) + kIsItRunning);
    }
    LIFELINE_RETURN_IF_ERROR(c->SetUpSession());
    return c;
  }
  ~Connection() { PQfinish(conn_); }

  // Runs `sql` with `params`, results in binary format. `what` says what was
  // being done, for the error.
  // Outside a transaction, a connection found lost (the server restarted,
  // or ended this session) is re-established and the statement run again,
  // once: such statements are reads or BEGIN, which are harmless to repeat.
  Result<PgResult> Exec(const char* sql, const Params& params, const std::string& what) {
    for (int attempt = 0;; ++attempt) {
      if (!in_transaction_) LIFELINE_RETURN_IF_ERROR(EnsureOpen(what));
      PgResult r(PQexecParams(conn_, sql, params.size(), params.types(), params.values(), params.lengths(),
                              params.formats(), 1));
      if (attempt == 0 && !in_transaction_ && PQstatus(conn_) != CONNECTION_OK) continue;
      LIFELINE_RETURN_IF_ERROR(Check(r.get(), what));
      return r;
    }
  }
  Result<PgResult> Exec(const char* sql, const std::string& what) { return Exec(sql, Params(), what); }

  // COPY ... FROM STDIN with `data` (the whole stream), inside the open
  // transaction.
  Status CopyIn(const char* sql, const std::string& data, const std::string& what) {
    PgResult start(PQexec(conn_, sql));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) return Check(start.get(), what);
    bool sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
    if (PQputCopyEnd(conn_, sent ? nullptr : "sending the rows failed") != 1) sent = false;
    Status st = Status::Ok();
    while (PGresult* r = PQgetResult(conn_)) {
      PgResult owned(r);
      if (st.ok()) st = Check(r, what);
    }
    if (st.ok() && !sent) st = UnavailableError(what + ": " + Trim(PQerrorMessage(conn_)) + " (" + where_ + ")");
    return st;
  }

  // Several statements without parameters (the schema), text results.
  Status ExecScript(const char* sql, const std::string& what) {
    PgResult r(PQexec(conn_, sql));
    return Check(r.get(), what);
  }

  Status Begin(const std::string& what, const char* begin = "BEGIN") {
    LIFELINE_RETURN_IF_ERROR(Exec(begin, what).status());
    in_transaction_ = true;
    return Status::Ok();
  }
  // Still inside the transaction while COMMIT runs: a connection lost then
  // must fail the commit, not be re-established for a COMMIT of nothing.
  Status Commit(const std::string& what) {
    Status st = Exec("COMMIT", what).status();
    in_transaction_ = false;
    return st;
  }
  // Ends a failed transaction; a lost connection has ended it already.
  void Rollback() {
    in_transaction_ = false;
    if (PQstatus(conn_) == CONNECTION_OK) PgResult(PQexec(conn_, "ROLLBACK"));
  }

 private:
  Connection(PGconn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}

  // UTF-8 text, and an OK from COMMIT only once the WAL is flushed (a
  // server set to synchronous_commit=off or local would lose acknowledged
  // commits, or not wait for its synchronous standby).
  Status SetUpSession() {
    if (PQsetClientEncoding(conn_, "UTF8") != 0) {
      return UnavailableError("setting UTF-8 on " + where_ + ": " + Trim(PQerrorMessage(conn_)));
    }
    return Exec("SELECT set_config('synchronous_commit', 'on', false)"
                " WHERE current_setting('synchronous_commit') IN ('off', 'local')",
                "setting synchronous_commit")
        .status();
  }

  Status EnsureOpen(const std::string& what) {
    if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return UnavailableError(what + ": cannot reconnect to " + where_ + ": " + Trim(PQerrorMessage(conn_)) +
                              kIsItRunning);
    }
    return SetUpSession();
  }

  Status Check(const PGresult* r, const std::string& what) {
    ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
    std::string message = what + ": " + Trim(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_)) +
                          " (" + where_ + ")";
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    // No SQLSTATE: libpq's own error, not the server's. After a server
    // that went away mid-statement libpq can still report the connection
    // as open (a failed send is only noticed at the next read).
    if (PQstatus(conn_) != CONNECTION_OK || state == nullptr) return UnavailableError(message + kConnectionLost);
    return SqlStateToStatus(state != nullptr ? state : "", message);
  }

  PGconn* conn_;
  std::string where_;
  bool in_transaction_ = false;
};

PostgresStore::PostgresStore(std::unique_ptr<Connection> conn, std::string where)
    : conn_(std::move(conn)), where_(std::move(where)) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::Create(const std::string& conninfo, const std::string& origin,
                                                             const std::string& incomplete) {
  std::string where;
  LIFELINE_ASSIGN_OR_RETURN(auto conn, Connection::Connect(conninfo, &where));
  std::unique_ptr<PostgresStore> s(new PostgresStore(std::move(conn), where));  // NOLINT: private constructor
  LIFELINE_ASSIGN_OR_RETURN(PgResult present,
                            s->conn_->Exec("SELECT t FROM unnest($1::text[]) t WHERE to_regclass(t) IS NOT NULL",
                                           Params().Array(kTextArrayOid, TableNames()), "creating a store in " + where));
  if (PQntuples(present.get()) > 0) {
    return AlreadyExistsError(where + " already holds a Lifeline store (it has a table \"" +
                              Bytes(present.get(), 0, 0) + "\")");
  }
  const std::string what = "creating a store in " + where;
  LIFELINE_RETURN_IF_ERROR(s->conn_->Begin(what));
  Status st = s->conn_->ExecScript(kSchemaSql, what);
  std::vector<std::pair<std::string, std::string>> meta = {{"origin", origin}, {"format", kFormatVersion}};
  if (!incomplete.empty()) meta.emplace_back("incomplete", incomplete);
  for (const auto& [k, v] : meta) {
    if (st.ok()) st = s->conn_->Exec("INSERT INTO meta(key, value) VALUES ($1, $2)", Params().Text(k).Text(v), what).status();
  }
  if (st.ok()) st = s->conn_->Exec("INSERT INTO head(size) VALUES (0)", what).status();
  if (!st.ok()) return s->RollbackAfter(st);
  LIFELINE_RETURN_IF_ERROR(s->conn_->Commit(what));
  return s;
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo) {
  std::string where;
  LIFELINE_ASSIGN_OR_RETURN(auto conn, Connection::Connect(conninfo, &where));
  std::unique_ptr<PostgresStore> s(new PostgresStore(std::move(conn), where));  // NOLINT: private constructor
  LIFELINE_ASSIGN_OR_RETURN(PgResult missing,
                            s->conn_->Exec("SELECT t FROM unnest($1::text[]) t WHERE to_regclass(t) IS NULL",
                                           Params().Array(kTextArrayOid, TableNames()), "opening the store in " + where));
  if (PQntuples(missing.get()) == static_cast<int>(std::size(kTables))) return NotFoundError("no Lifeline store in " + where);
  if (PQntuples(missing.get()) > 0) {
    return CorruptionError(where + " is not a Lifeline store: it has no table \"" + Bytes(missing.get(), 0, 0) + "\"");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string format, ReadFormat(*s, where));
  if (format != kFormatVersion) {
    return FailedPreconditionError(where + " has store format " + format + "; this build reads format " +
                                   kFormatVersion);
  }
  auto incomplete = s->GetMeta("incomplete");
  if (incomplete.ok()) {
    return FailedPreconditionError(where + " holds an incomplete copy of a log (" + *incomplete +
                                   "): drop its tables meta, head, tiles, checkpoints and records, and copy again");
  }
  if (incomplete.status().code() != ErrorCode::kNotFound) return incomplete.status();
  return s;
}

Status PostgresStore::MarkComplete() {
  return conn_->Exec("DELETE FROM meta WHERE key = 'incomplete'", "marking the copy in " + where_ + " complete").status();
}

Result<bool> PostgresStore::InRecovery() {
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec("SELECT pg_is_in_recovery()", "asking " + where_ + " whether it is a standby"));
  return PQntuples(r.get()) == 1 && PQgetvalue(r.get(), 0, 0)[0] != 0;
}

Result<std::string> PostgresStore::PinSnapshot() {
  const std::string what = "pinning reads to one snapshot of " + where_;
  LIFELINE_ASSIGN_OR_RETURN(bool standby, InRecovery());
  if (standby) return FailedPreconditionError(what + ": a hot standby exports no snapshot; use the primary");
  LIFELINE_RETURN_IF_ERROR(conn_->Begin(what, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto r = conn_->Exec("SELECT pg_export_snapshot()", what);
  if (!r.ok()) return RollbackAfter(r.status());
  return Bytes(r->get(), 0, 0);
}

Status PostgresStore::JoinSnapshot(const std::string& id) {
  // SET TRANSACTION SNAPSHOT takes no parameter: the id is checked instead.
  if (id.empty() || id.find_first_not_of("0123456789ABCDEFabcdef-") != std::string::npos) {
    return InvalidArgumentError("\"" + id + "\" is not a PostgreSQL snapshot id");
  }
  const std::string what = "joining snapshot " + id + " of " + where_;
  LIFELINE_RETURN_IF_ERROR(conn_->Begin(what, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  const std::string set = "SET TRANSACTION SNAPSHOT '" + id + "'";
  Status st = conn_->Exec(set.c_str(), what).status();
  return st.ok() ? st : RollbackAfter(st);
}

Status PostgresStore::RollbackAfter(Status failure) {
  conn_->Rollback();
  return failure;
}

Result<StoredCheckpoint> PostgresStore::LatestCheckpoint() {
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec("SELECT size, note FROM checkpoints ORDER BY seq DESC LIMIT 1",
                                                    "reading the latest checkpoint"));
  if (PQntuples(r.get()) == 0) return NotFoundError("no checkpoint in " + where_);
  return StoredCheckpoint{static_cast<uint64_t>(Int8At(r.get(), 0, 0)), Bytes(r.get(), 0, 1)};
}

Result<TileData> PostgresStore::ReadTile(uint32_t level, uint64_t index) {
  merkle::TileId id{level, index, merkle::kTileWidth};
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec("SELECT width, data FROM tiles WHERE level = $1 AND idx = $2",
                                                    Params().Int4(LevelColumn(level)).Int8(static_cast<int64_t>(index)),
                                                    "reading " + merkle::TilePath(id)));
  if (PQntuples(r.get()) == 0) return NotFoundError(merkle::TilePath(id) + " is not stored");
  int32_t width = Int4At(r.get(), 0, 0);
  if (width < 1 || width > static_cast<int32_t>(merkle::kTileWidth)) {
    return CorruptionError(merkle::TilePath(id) + " has stored width " + std::to_string(width));
  }
  id.width = static_cast<uint32_t>(width);
  return TileData{id, Bytes(r.get(), 0, 1)};
}

Status PostgresStore::ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) {
  return Walk("SELECT seq, size, note FROM checkpoints WHERE seq >= $1 ORDER BY seq LIMIT $2", {}, kWalkPage,
              "reading checkpoints", [&](const PGresult* r, int i) -> Result<std::optional<int64_t>> {
                LIFELINE_RETURN_IF_ERROR(
                    fn(StoredCheckpoint{static_cast<uint64_t>(Int8At(r, i, 1)), Bytes(r, i, 2)}));
                return std::optional<int64_t>(Int8At(r, i, 0) + 1);
              });
}

Status PostgresStore::Walk(const std::string& sql, const std::vector<std::string>& args, int page,
                           const std::string& what, const WalkRow& row) {
  for (int64_t next = 0;;) {
    Params p;
    p.Int8(next).Int8(page);
    for (const auto& a : args) p.Text(a);
    LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec(sql.c_str(), p, what));
    const int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
      LIFELINE_ASSIGN_OR_RETURN(std::optional<int64_t> after, row(r.get(), i));
      if (!after) return Status::Ok();
      next = *after;
    }
    if (n < page) return Status::Ok();
  }
}

Result<StoredCheckpoint> PostgresStore::CheckpointAt(uint64_t size) {
  LIFELINE_ASSIGN_OR_RETURN(
      PgResult r, conn_->Exec("SELECT size, note FROM checkpoints WHERE size = $1 ORDER BY seq DESC LIMIT 1",
                              Params().Int8(static_cast<int64_t>(size)),
                              "reading the checkpoint of size " + std::to_string(size)));
  if (PQntuples(r.get()) == 0) return NotFoundError("no checkpoint of size " + std::to_string(size));
  return StoredCheckpoint{static_cast<uint64_t>(Int8At(r.get(), 0, 0)), Bytes(r.get(), 0, 1)};
}

Result<uint64_t> PostgresStore::LockHead() {
  // FOR UPDATE waits for a writer holding the row, then reads the row as
  // that writer committed it (READ COMMITTED re-reads an updated row).
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec("SELECT size FROM head FOR UPDATE", "locking the log's head"));
  if (PQntuples(r.get()) != 1) return CorruptionError(where_ + " has no head row (the table head is damaged)");
  return static_cast<uint64_t>(Int8At(r.get(), 0, 0));
}

Status PostgresStore::Apply(const Commit& commit) {
  const std::string what = "applying the commit of size " + std::to_string(commit.new_size);
  LIFELINE_RETURN_IF_ERROR(conn_->Begin(what));
  // Compare-and-swap on the latest checkpoint's size, under the head row's
  // lock, so two writers can never interleave their trees.
  Result<uint64_t> current = LockHead();
  if (!current.ok()) return RollbackAfter(current.status());
  if (*current != commit.base_size) {
    return RollbackAfter(FailedPreconditionError("commit built on size " + std::to_string(commit.base_size) +
                                                 " but " + where_ + " is at size " + std::to_string(*current)));
  }
  Status st = WriteRecords(commit.records);
  if (st.ok()) st = WriteTiles(commit.tiles);
  if (st.ok()) {
    st = conn_->Exec(kInsertCheckpointSql,
                     Params().Int8(static_cast<int64_t>(commit.new_size)).Text(commit.checkpoint),
                     "writing the checkpoint of size " + std::to_string(commit.new_size))
             .status();
  }
  if (!st.ok()) return RollbackAfter(st);
  // Nothing is durable before COMMIT returns: the server flushes the WAL
  // (synchronous_commit on); a crash or a lost connection before that
  // rolls the whole commit back.
  return conn_->Commit("committing size " + std::to_string(commit.new_size));
}

Status PostgresStore::WriteTiles(const std::vector<TileData>& tiles) {
  if (tiles.empty()) return Status::Ok();
  // One row per key (the last of the commit's versions): a statement may
  // not upsert one row twice.
  std::map<std::pair<int32_t, uint64_t>, const TileData*> last;
  for (const auto& t : tiles) last[{LevelColumn(t.id.level), t.id.index}] = &t;
  ArrayEncoder levels(kInt4Oid), indexes(kInt8Oid), widths(kInt4Oid), data(kByteaOid);
  for (const auto& [key, t] : last) {
    levels.AddInt(static_cast<uint32_t>(key.first), 4);
    indexes.AddInt(key.second, 8);
    widths.AddInt(t->id.width, 4);
    data.Add(t->data);
  }
  Params p;
  p.Array(kInt4ArrayOid, levels).Array(kInt8ArrayOid, indexes).Array(kInt4ArrayOid, widths).Array(kByteaArrayOid, data);
  return conn_->Exec(kUpsertTilesSql, p, "writing " + std::to_string(last.size()) + " tiles").status();
}

Status PostgresStore::WriteRecords(const std::vector<RecordRow>& rows) {
  if (rows.empty()) return Status::Ok();
  // Binary COPY (measured against one INSERT over unnest of arrays:
  // BENCHMARKS.md): the signature, flags and header extension, then per row
  // the field count and each field's length and bytes, then -1.
  std::string data("PGCOPY\n\377\r\n\0", 11);
  AppendBE(&data, 0, 4);
  AppendBE(&data, 0, 4);
  for (const auto& r : rows) {
    AppendBE(&data, 10, 2);
    AppendBE(&data, 8, 4);
    AppendBE(&data, r.index, 8);
    for (const std::string* f : {&r.id, &r.kind, &r.case_id, &r.supersedes, &r.target, &r.route, &r.date_from,
                                 &r.date_to, &r.body}) {
      AppendBE(&data, f->size(), 4);
      data += *f;
    }
  }
  AppendBE(&data, 0xffff, 2);
  return conn_->CopyIn(kCopyRecordsSql, data,
                       "projecting " + std::to_string(rows.size()) + " records (entries " +
                           std::to_string(rows.front().index) + " to " + std::to_string(rows.back().index) + ")");
}

Result<std::string> PostgresStore::GetMeta(const std::string& key) {
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec("SELECT value FROM meta WHERE key = $1", Params().Text(key),
                                                    "reading metadata " + key));
  if (PQntuples(r.get()) == 0) return NotFoundError("no metadata \"" + key + "\" in " + where_);
  return Bytes(r.get(), 0, 0);
}

Result<RecordRow> PostgresStore::FindRecord(const std::string& id) {
  const std::string sql = std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = $1 ORDER BY idx DESC LIMIT 1";
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec(sql.c_str(), Params().Text(id), "finding record " + id));
  if (PQntuples(r.get()) == 0) return NotFoundError("no record \"" + id + "\"");
  return ReadRecord(r.get(), 0);
}

Status PostgresStore::ScanIds(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  // The distinct ids by records_by_id, a batch a query; the other filters
  // are MatchesQuery's, on the few rows found.
  const std::vector<std::string> ids = DistinctIds(q);
  const std::string sql = std::string("SELECT ") + kRecordColumns + " FROM records WHERE id = ANY($1)";
  std::vector<RecordRow> rows;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    ArrayEncoder batch(kTextOid);
    for (size_t i = begin; i < std::min(ids.size(), begin + kIdsPerQuery); ++i) batch.Add(ids[i]);
    LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec(sql.c_str(), Params().Array(kTextArrayOid, batch),
                                                      "finding records by id"));
    for (int i = 0; i < PQntuples(r.get()); ++i) rows.push_back(ReadRecord(r.get(), i));
  }
  return PassFoundRows(std::move(rows), q, nullptr, fn);
}

namespace {

// The conditions (each " AND ...") on the rows MatchesQuery(row, q) would
// pass, but for q.ids, following SqliteStore's SQL (store.h MatchesQuery is
// the definition); their parameters go to `args`, numbered from `first`.
std::string WhereSql(const RecordQuery& q, int first, std::vector<std::string>* args) {
  std::string sql;
  auto add = [&](const std::string& cond, const std::string& v, const std::string& tail = "") {
    args->push_back(v);
    sql += " AND " + cond + "$" + std::to_string(static_cast<int>(args->size()) + first - 1) + tail;
  };
  if (!q.kind.empty()) add("kind = ", q.kind);
  if (!q.case_id.empty()) add("case_id = ", q.case_id);
  if (!q.route.empty()) add("route = ", q.route);
  if (q.from_index > 0) sql += " AND idx >= " + std::to_string(q.from_index);
  if (q.tree_size) sql += " AND idx < " + std::to_string(*q.tree_size);
  if (!q.from.empty() || !q.to.empty()) sql += " AND date_from <> ''";
  if (!q.to.empty()) add("date_from <= ", q.to);
  if (!q.from.empty()) add("(date_to = '' OR date_to >= ", q.from, ")");
  if (!q.text.empty()) add("strpos(body, ", q.text, ") > 0");
  if (q.replacing_only) sql += " AND (supersedes <> '' OR kind = '" + std::string(kinds::kRetraction) + "')";
  return sql;
}

}  // namespace

Status PostgresStore::ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  if (q.ids) return ScanIds(q, fn);
  // $1 is the first index of the page, $2 the page size; the filters follow.
  std::vector<std::string> args;
  const std::string sql = std::string("SELECT ") + (q.with_body ? kRecordColumns : kRecordColumnsNoBody) +
                          " FROM records WHERE idx >= $1" + WhereSql(q, 3, &args) + " ORDER BY idx LIMIT $2";
  return Walk(sql, args, kScanPage, "querying records", [&](const PGresult* r, int i) -> Result<std::optional<int64_t>> {
    RecordRow row = ReadRecord(r, i);
    LIFELINE_ASSIGN_OR_RETURN(ScanStep step, fn(row));
    if (step == ScanStep::kStop) return std::optional<int64_t>();
    return std::optional<int64_t>(static_cast<int64_t>(row.index) + 1);
  });
}

Result<uint64_t> PostgresStore::CountRecords(const RecordQuery& q) {
  if (q.ids) return LogStore::CountRecords(q);
  std::vector<std::string> args;
  const std::string sql = "SELECT count(*) FROM records WHERE TRUE" + WhereSql(q, 1, &args);
  Params p;
  for (const auto& a : args) p.Text(a);
  LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec(sql.c_str(), p, "counting records"));
  return static_cast<uint64_t>(Int8At(r.get(), 0, 0));
}

Status PostgresStore::ForEachReplacingRecord(const std::vector<std::string>& ids,
                                             const std::function<Status(const RecordRow&)>& fn) {
  std::vector<RecordRow> rows;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    ArrayEncoder batch(kTextOid);
    for (size_t i = begin; i < std::min(ids.size(), begin + kIdsPerQuery); ++i) {
      if (!ids[i].empty()) batch.Add(ids[i]);
    }
    LIFELINE_ASSIGN_OR_RETURN(PgResult r, conn_->Exec(kReplacingSql, Params().Array(kTextArrayOid, batch),
                                                      "finding corrections and retractions"));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      RecordRow row;
      row.index = static_cast<uint64_t>(Int8At(r.get(), i, 0));
      row.kind = Bytes(r.get(), i, 1);
      row.case_id = Bytes(r.get(), i, 2);
      row.supersedes = Bytes(r.get(), i, 3);
      row.target = Bytes(r.get(), i, 4);
      rows.push_back(std::move(row));
    }
  }
  for (const auto& row : rows) LIFELINE_RETURN_IF_ERROR(fn(row));
  return Status::Ok();
}

Status PostgresStore::ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) {
  const std::string sql = std::string("SELECT ") + kRecordColumns +
                          " FROM records WHERE (supersedes = $1 AND supersedes <> '') OR (target = $1 AND target <> '')"
                          " ORDER BY idx";
  LIFELINE_ASSIGN_OR_RETURN(PgResult r,
                            conn_->Exec(sql.c_str(), Params().Text(id), "finding records that refer to " + id));
  std::vector<RecordRow> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) rows.push_back(ReadRecord(r.get(), i));
  r.reset();
  for (const auto& row : rows) LIFELINE_RETURN_IF_ERROR(fn(row));
  return Status::Ok();
}

Status PostgresStore::ForEachIdAndKind(
    const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) {
  return Walk("SELECT idx, id, kind, case_id FROM records WHERE idx >= $1 ORDER BY idx LIMIT $2", {}, kWalkPage,
              "listing record ids", [&](const PGresult* r, int i) -> Result<std::optional<int64_t>> {
                LIFELINE_RETURN_IF_ERROR(fn(Bytes(r, i, 1), Bytes(r, i, 2), Bytes(r, i, 3)));
                return std::optional<int64_t>(Int8At(r, i, 0) + 1);
              });
}

Status PostgresStore::RebuildRecords(const RecordBatches& next) {
  // One transaction around every batch: readers see the old rows until
  // COMMIT, and a failure rolls back to them. The head row's lock keeps
  // Apply (which adds rows) out until then. Only the current batch is in
  // this process's memory.
  const std::string what = "rebuilding the record projection";
  LIFELINE_RETURN_IF_ERROR(conn_->Begin(what));
  Status st = LockHead().status();
  if (st.ok()) st = conn_->Exec("DELETE FROM records", what).status();
  std::vector<RecordRow> batch;
  while (st.ok()) {
    batch.clear();
    Result<bool> more = next(&batch);
    if (!more.ok()) st = more.status();
    if (!st.ok() || !*more) break;
    st = WriteRecords(batch);
  }
  if (!st.ok()) return RollbackAfter(st);
  return conn_->Commit(what);
}

}  // namespace lifeline::store
