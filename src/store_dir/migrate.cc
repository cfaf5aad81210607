#include "store_dir/migrate.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "log/reader.h"
#include "log/tree_state.h"
#include "log/verify.h"
#include "merkle/proof.h"
#include "note/checkpoint.h"
#include "base/file.h"
#include "store/postgres/postgres_store.h"
#include "store_dir/store_dir.h"

namespace lifeline::store_dir {
namespace {

namespace fs = std::filesystem;

// Copies src's files but the SQLite store's into dest (which must not exist).
Status CopyDirectory(const std::string& src, const std::string& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec)) return AlreadyExistsError(dest + " exists; migrate into a new directory");
  if (!fs::create_directories(dest, ec)) return IoError("creating " + dest + ": " + ec.message());
  fs::permissions(dest, fs::perms::owner_all, ec);
  for (const auto& e : fs::directory_iterator(src, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("lifeline.db", 0) == 0 || name == "LOCK" || name.rfind(".import-spool-", 0) == 0) continue;
    fs::copy(e.path(), dest + "/" + name, fs::copy_options::recursive, ec);
    if (ec) return IoError("copying " + e.path().string() + " to " + dest + ": " + ec.message());
  }
  if (ec) return IoError("listing " + src + ": " + ec.message());
  return Status::Ok();
}

// The projection rows of entries [from, to) of `src`, in log order.
Result<std::vector<store::RecordRow>> RowsBetween(store::LogStore& src, uint64_t from, uint64_t to) {
  std::vector<store::RecordRow> rows;
  if (to <= from) return rows;
  store::RecordQuery q;
  q.current_only = false;
  q.from_index = from;
  q.limit = to - from;  // at most one row per entry: the scan stops by then
  LIFELINE_RETURN_IF_ERROR(src.ForEachRecord(q, [&](const store::RecordRow& r) {
    if (r.index < to) rows.push_back(r);
    return Status::Ok();
  }));
  return rows;
}

// Replays src's log into `dest`, one commit per stored checkpoint, checking
// each checkpoint's root before committing it.
Status Replay(store::LogStore& src, const note::Verifier& key, store::LogStore& dest, uint64_t total,
              MigrateReport* report, const MigrateProgress& progress) {
  log::LogReader reader(&src);
  log::TreeState tree;
  std::optional<uint64_t> last;
  return src.ForEachCheckpoint([&](const store::StoredCheckpoint& cp) -> Status {
    if (last && cp.size == *last) return Status::Ok();  // an older log's repeat: one checkpoint of a size is kept
    const std::string what = "checkpoint of size " + std::to_string(cp.size);
    auto opened = note::OpenCheckpoint(cp.note, key);
    if (!opened.ok()) return opened.status().Annotate(what);
    store::Commit c{tree.size(), cp.size, {}, cp.note, {}};
    std::vector<std::string> entries;
    for (uint64_t i = tree.size(); i < cp.size; ++i) {
      LIFELINE_ASSIGN_OR_RETURN(std::string e, reader.Entry(i));
      entries.push_back(std::move(e));
    }
    tree.Append(entries, &c.tiles);
    if (tree.Root() != opened->checkpoint.root) {
      return CorruptionError("the entries of the source give another root at size " + std::to_string(cp.size) +
                             " than its checkpoint signs");
    }
    LIFELINE_ASSIGN_OR_RETURN(c.records, RowsBetween(src, c.base_size, cp.size));
    report->records += c.records.size();
    LIFELINE_RETURN_IF_ERROR(dest.Apply(c).Annotate("copying the " + what));
    ++report->checkpoints;
    last = cp.size;
    if (progress) progress("copying", cp.size, total);
    return Status::Ok();
  });
}

// The copy's proof: the new store's tiles prove src's latest checkpoint
// consistent with the new latest, and the whole new store verifies.
Status Prove(const store::StoredCheckpoint& old_latest, const note::Verifier& key, store::LogStore& dest,
             const MigrateProgress& progress) {
  LIFELINE_ASSIGN_OR_RETURN(auto old_cp, note::OpenCheckpoint(old_latest.note, key));
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint latest, dest.LatestCheckpoint());
  LIFELINE_ASSIGN_OR_RETURN(auto new_cp, note::OpenCheckpoint(latest.note, key));
  log::LogReader reader(&dest);
  LIFELINE_ASSIGN_OR_RETURN(auto proof, reader.ConsistencyProof(old_cp.checkpoint.size, new_cp.checkpoint.size));
  LIFELINE_RETURN_IF_ERROR(merkle::VerifyConsistency(old_cp.checkpoint.size, new_cp.checkpoint.size, proof,
                                                     old_cp.checkpoint.root, new_cp.checkpoint.root)
                               .Annotate("proving the copy consistent with the source's latest checkpoint"));
  log::ProgressFn verify_progress;
  if (progress) verify_progress = [&](uint64_t d, uint64_t t) { progress("verifying", d, t); };
  return log::VerifyLog(dest, key, verify_progress).status().Annotate("verifying the copy");
}

}  // namespace

Result<MigrateReport> MigrateToPostgres(const std::string& src_dir, const std::string& conninfo,
                                        const std::string& dest_dir, const MigrateProgress& progress) {
  if (fs::exists(src_dir + "/database")) return InvalidArgumentError(src_dir + " is already a PostgreSQL store");
  // The writer's lock: nothing is appended to src while it is copied.
  LIFELINE_ASSIGN_OR_RETURN(WritableStore src, OpenWritable(src_dir));
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint old_latest, src.store->LatestCheckpoint());
  const note::Verifier key = src.signer.verifier();
  LIFELINE_RETURN_IF_ERROR(CopyDirectory(src_dir, dest_dir));
  auto fail = [&](Status s) {
    std::error_code ec;
    fs::remove_all(dest_dir, ec);
    return s;
  };
  auto dest = store::PostgresStore::Create(conninfo, src.signer.name(), "a migration from " + src_dir);
  if (!dest.ok()) return fail(dest.status().Annotate("migrate"));
  auto incomplete = [&](Status s) {
    return fail(s.Annotate("the database " + (*dest)->where() + " is left marked incomplete (Open refuses it)"));
  };
  MigrateReport report;
  report.size = old_latest.size;
  Status s = Replay(*src.store, key, **dest, old_latest.size, &report, progress);
  if (s.ok()) s = Prove(old_latest, key, **dest, progress);
  if (s.ok()) s = (*dest)->MarkComplete();
  if (!s.ok()) return incomplete(s);
  s = WriteFileAtomically(dest_dir + "/database", conninfo + "\n", {.mode = 0600, .replace = false});
  if (!s.ok()) return fail(s);
  return report;
}

}  // namespace lifeline::store_dir
