#include "store_dir/store_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/file.h"
#include "log/log.h"
#include "record/seal.h"

namespace lifeline::store_dir {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<std::string> InitStore(const std::string& dir, const std::string& origin,
                              const std::optional<note::Signer>& given) {
  LIFELINE_RETURN_IF_ERROR(note::CheckKeyName(origin).Annotate("origin \"" + origin + "\""));
  std::error_code ec;
  bool created_dir = false;
  if (std::filesystem::exists(dir, ec)) {
    if (std::filesystem::exists(dir + "/lifeline.db", ec)) {
      return AlreadyExistsError(dir + " already holds a store (lifeline.db)");
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
    for (const char* f : {"/lifeline.db", "/lifeline.db-wal", "/lifeline.db-shm", "/log.key", "/log.vkey", "/confidential.key", "/LOCK"}) {
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
  auto st = store::SqliteStore::Create(dir + "/lifeline.db", origin);
  if (!st.ok()) return undo(st.status());
  // Opening the log commits the signed checkpoint of the empty tree.
  auto log = log::Log::Open(std::move(*st), signer);
  if (!log.ok()) return undo(log.status());
  return signer.verifier().ToString();
}

Result<WritableStore> OpenWritable(const std::string& dir, store::SqliteStore::Sync sync) {
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/lifeline.db", ec)) {
    return NotFoundError("no store at " + dir + " (run `lifeline init " + dir + "` to create one)");
  }
  LIFELINE_ASSIGN_OR_RETURN(auto lock, store::FileLock::Acquire(dir + "/LOCK"));
  LIFELINE_ASSIGN_OR_RETURN(std::string skey, ReadFile(dir + "/log.key"));
  auto signer = note::Signer::Parse(Trim(skey));
  if (!signer.ok()) return signer.status().Annotate(dir + "/log.key");
  LIFELINE_ASSIGN_OR_RETURN(auto st, store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadWrite, sync));
  return WritableStore{std::move(lock), std::move(st), std::move(*signer)};
}

Result<ReadableStore> OpenReadable(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/lifeline.db", ec)) {
    return NotFoundError("no store at " + dir + " (run `lifeline init " + dir + "` to create one)");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string vkey, ReadFile(dir + "/log.vkey"));
  auto verifier = note::Verifier::Parse(Trim(vkey));
  if (!verifier.ok()) return verifier.status().Annotate(dir + "/log.vkey");
  LIFELINE_ASSIGN_OR_RETURN(auto st, store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadOnly));
  return ReadableStore{std::move(st), std::move(*verifier)};
}

}  // namespace lifeline::store_dir
