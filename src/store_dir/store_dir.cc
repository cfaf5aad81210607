#include "store_dir/store_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "base/file.h"
#include "log/log.h"
#include "record/seal.h"
#include "store/postgres/postgres_store.h"

namespace lifeline::store_dir {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The connection string DIR/database holds, or nullopt for a SQLite store;
// NotFound when DIR holds neither.
Result<std::optional<std::string>> DatabaseOf(const std::string& dir) {
  if (Exists(dir + "/database")) {
    LIFELINE_ASSIGN_OR_RETURN(std::string conninfo, ReadFile(dir + "/database"));
    conninfo = Trim(conninfo);
    if (conninfo.empty()) return InvalidArgumentError(dir + "/database is empty: it must name a PostgreSQL database");
    return std::optional<std::string>(std::move(conninfo));
  }
  if (Exists(dir + "/lifeline.db")) return std::optional<std::string>();
  return NotFoundError("no store at " + dir + " (run `lifeline init " + dir + "` to create one)");
}

// The database's log must be the one DIR's key is for: a directory naming
// the database of another log is refused, naming both.
Status CheckOrigin(store::LogStore& st, const std::string& key_name, const std::string& where) {
  LIFELINE_ASSIGN_OR_RETURN(std::string origin, st.GetMeta("origin"));
  if (origin != key_name) {
    return FailedPreconditionError(where + " holds the log \"" + origin + "\" but the key is for \"" + key_name + "\"");
  }
  return Status::Ok();
}

Result<note::Verifier> ReadVerifier(const std::string& path) {
  LIFELINE_ASSIGN_OR_RETURN(std::string vkey, ReadFile(path));
  auto verifier = note::Verifier::Parse(Trim(vkey));
  if (!verifier.ok()) return verifier.status().Annotate(path);
  return verifier;
}

// $LIFELINE_VKEY: the key text, or a file holding it.
Result<note::Verifier> VerifierFromEnvironment(const std::string& uri) {
  const char* env = std::getenv("LIFELINE_VKEY");
  if (env == nullptr || *env == '\0') {
    return InvalidArgumentError("reading the database " + uri + " directly needs its verifier key: set LIFELINE_VKEY "
                                "to the key or a file holding it (a key read from the database is not trusted), "
                                "or use --store DIR");
  }
  auto text = note::Verifier::Parse(env);
  if (text.ok()) return text;
  return ReadVerifier(env);
}

// The log's database (created when `origin` is given), a PostgresStore.
Result<std::unique_ptr<store::LogStore>> OpenDatabase(const std::string& conninfo, const std::string& origin = "") {
  if (!origin.empty()) {
    LIFELINE_ASSIGN_OR_RETURN(auto st, store::PostgresStore::Create(conninfo, origin));
    return std::unique_ptr<store::LogStore>(std::move(st));
  }
  LIFELINE_ASSIGN_OR_RETURN(auto st, store::PostgresStore::Open(conninfo));
  return std::unique_ptr<store::LogStore>(std::move(st));
}

// A writer's database must take writes: a hot standby is refused at once,
// with what to do, rather than at the first commit.
Status CheckPrimary(store::PostgresStore& st, const std::string& dir) {
  LIFELINE_ASSIGN_OR_RETURN(bool standby, st.InRecovery());
  if (!standby) return Status::Ok();
  return FailedPreconditionError("the database " + dir + "/database names (" + st.where() +
                                 ") is a hot standby, which takes no writes: name the primary in " + dir +
                                 "/database; a standby serves reads through `lifeline serve --read-db`");
}

}  // namespace

bool PostgresUri(const std::string& store) {
  return store.rfind("postgres://", 0) == 0 || store.rfind("postgresql://", 0) == 0;
}

Result<std::string> InitStore(const std::string& dir, const std::string& origin,
                              const std::optional<note::Signer>& given, const std::string& database) {
  LIFELINE_RETURN_IF_ERROR(note::CheckKeyName(origin).Annotate("origin \"" + origin + "\""));
  std::error_code ec;
  bool created_dir = false;
  if (std::filesystem::exists(dir, ec)) {
    for (const char* f : {"lifeline.db", "database"}) {
      if (Exists(dir + "/" + f)) return AlreadyExistsError(dir + " already holds a store (" + f + ")");
    }
    if (!std::filesystem::is_directory(dir, ec)) return AlreadyExistsError(dir + " exists and is not a directory");
  } else {
    if (!std::filesystem::create_directories(dir, ec) || ec) {
      return IoError("creating " + dir + ": " + ec.message());
    }
    created_dir = true;
    // The store's files are its owner's: keys, the database, tokens.
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  auto undo = [&](Status s) {
    for (const char* f : {"/lifeline.db", "/lifeline.db-wal", "/lifeline.db-shm", "/database", "/log.key", "/log.vkey",
                          "/confidential.key", "/LOCK"}) {
      std::filesystem::remove(dir + f, ec);
    }
    if (created_dir) std::filesystem::remove(dir, ec);
    return s;
  };
  auto lock = store::FileLock::Acquire(dir + "/LOCK");
  if (!lock.ok()) return undo(lock.status());
  note::Signer signer = given ? *given : note::Signer::Generate(origin);
  // The signer key: the owner's alone, and never replaced.
  Status s = WriteFileAtomically(dir + "/log.key", signer.ToString() + "\n", {.mode = 0600, .replace = false});
  if (!s.ok()) return undo(s);
  s = WriteFileAtomically(dir + "/log.vkey", signer.verifier().ToString() + "\n");
  if (!s.ok()) return undo(s);
  auto seal_key = record::CreateSealKey(dir);
  if (!seal_key.ok()) return undo(seal_key.status());
  Result<std::unique_ptr<store::LogStore>> st = InternalError("no backend");
  if (database.empty()) {
    auto sqlite = store::SqliteStore::Create(dir + "/lifeline.db", origin);
    if (sqlite.ok()) {
      st = std::unique_ptr<store::LogStore>(std::move(*sqlite));
    } else {
      st = sqlite.status();
    }
  } else {
    // Written before the schema: a failure removes it with the keys.
    s = WriteFileAtomically(dir + "/database", database + "\n", {.mode = 0600, .replace = false});
    if (!s.ok()) return undo(s);
    st = OpenDatabase(database, origin);
  }
  if (!st.ok()) return undo(st.status());
  // Opening the log commits the signed checkpoint of the empty tree.
  auto log = log::Log::Open(std::move(*st), signer);
  if (!log.ok()) return undo(log.status());
  return signer.verifier().ToString();
}

Result<WritableStore> OpenWritable(const std::string& dir, store::SqliteStore::Sync sync) {
  LIFELINE_ASSIGN_OR_RETURN(std::optional<std::string> database, DatabaseOf(dir));
  std::unique_ptr<store::FileLock> lock;
  if (!database) {
    LIFELINE_ASSIGN_OR_RETURN(lock, store::FileLock::Acquire(dir + "/LOCK"));
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string skey, ReadFile(dir + "/log.key"));
  auto signer = note::Signer::Parse(Trim(skey));
  if (!signer.ok()) return signer.status().Annotate(dir + "/log.key");
  if (database) {
    LIFELINE_ASSIGN_OR_RETURN(auto st, OpenDatabase(*database));
    LIFELINE_RETURN_IF_ERROR(CheckOrigin(*st, signer->name(), "the database " + dir + "/database names"));
    LIFELINE_RETURN_IF_ERROR(CheckPrimary(static_cast<store::PostgresStore&>(*st), dir));
    return WritableStore{nullptr, std::move(st), std::move(*signer)};
  }
  LIFELINE_ASSIGN_OR_RETURN(auto st, store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadWrite, sync));
  return WritableStore{std::move(lock), std::move(st), std::move(*signer)};
}

Status CheckWritable(const std::string& dir) {
  if (PostgresUri(dir)) return Status::Ok();
  LIFELINE_ASSIGN_OR_RETURN(std::optional<std::string> database, DatabaseOf(dir));
  if (!database) return Status::Ok();
  return OpenWritable(dir).status();
}

Result<ReadableStore> OpenReadable(const std::string& dir, const std::string& read_database) {
  if (PostgresUri(dir) && !read_database.empty()) return OpenStoreForReading(dir, read_database).status();
  if (PostgresUri(dir)) {
    LIFELINE_ASSIGN_OR_RETURN(note::Verifier verifier, VerifierFromEnvironment(dir));
    LIFELINE_ASSIGN_OR_RETURN(auto st, OpenDatabase(dir));
    LIFELINE_RETURN_IF_ERROR(CheckOrigin(*st, verifier.name(), "the database"));
    return ReadableStore{std::move(st), std::move(verifier)};
  }
  LIFELINE_ASSIGN_OR_RETURN(std::optional<std::string> database, DatabaseOf(dir));
  LIFELINE_ASSIGN_OR_RETURN(note::Verifier verifier, ReadVerifier(dir + "/log.vkey"));
  LIFELINE_ASSIGN_OR_RETURN(auto st, OpenStoreForReading(dir, read_database));
  if (!read_database.empty()) {
    LIFELINE_RETURN_IF_ERROR(CheckOrigin(*st, verifier.name(), "the read database (--read-db)"));
  } else if (database) {
    LIFELINE_RETURN_IF_ERROR(CheckOrigin(*st, verifier.name(), "the database " + dir + "/database names"));
  }
  return ReadableStore{std::move(st), std::move(verifier)};
}

Status CheckBackend(store::LogStore& st) {
  auto* sqlite = dynamic_cast<store::SqliteStore*>(&st);
  return sqlite != nullptr ? sqlite->QuickCheck() : Status::Ok();
}

Result<std::unique_ptr<store::LogStore>> OpenStoreForReading(const std::string& dir,
                                                             const std::string& read_database) {
  if (PostgresUri(dir) && !read_database.empty()) {
    return InvalidArgumentError("a read database (--read-db) goes with a store directory; a --store "
                                "postgresql://... reader names the replica itself");
  }
  if (PostgresUri(dir)) return OpenDatabase(dir);
  LIFELINE_ASSIGN_OR_RETURN(std::optional<std::string> database, DatabaseOf(dir));
  if (!read_database.empty()) {
    if (!database) {
      return FailedPreconditionError("a read database (--read-db) needs a store on PostgreSQL; " + dir +
                                     " is a SQLite store");
    }
    return OpenDatabase(read_database);
  }
  if (database) return OpenDatabase(*database);
  LIFELINE_ASSIGN_OR_RETURN(auto st, store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadOnly));
  return std::unique_ptr<store::LogStore>(std::move(st));
}

Result<std::string> PinReads(store::LogStore& st) {
  auto* pg = dynamic_cast<store::PostgresStore*>(&st);
  if (pg == nullptr) return std::string();
  return pg->PinSnapshot();
}

Status JoinReads(store::LogStore& st, const std::string& snapshot) {
  auto* pg = dynamic_cast<store::PostgresStore*>(&st);
  if (pg == nullptr || snapshot.empty()) return Status::Ok();
  return pg->JoinSnapshot(snapshot);
}

}  // namespace lifeline::store_dir
