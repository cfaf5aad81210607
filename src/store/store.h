// The storage interface of a log: tiles, entry bundles and signed checkpoints.
//
// A LogStore holds the C2SP tlog-tiles of one log (hash tiles and entry
// bundles, each under its (level, index) key, the widest version only) and
// the history of its signed checkpoints. It knows nothing of hashing or
// signing: the log module computes, the store keeps.
//
// Contract (every implementation MUST):
// - Apply a Commit atomically and durably: when Apply returns OK, a crash at
//   any later moment recovers every tile, bundle and the checkpoint of the
//   commit; when it returns an error or the process dies inside it, the store
//   recovers to the state before the call. Nothing is half-written.
// - Refuse a Commit whose base_size differs from the size of the latest
//   checkpoint (FailedPrecondition): two writers can never interleave.
// - Return tiles and bundles exactly as written (ReadTile of a key holds the
//   data of the last commit that wrote it).
// Implementations are not required to be thread-safe; the log serialises
// calls (one integrator) and readers open their own handle.
#ifndef LIFELINE_STORE_STORE_H_
#define LIFELINE_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/kinds.h"
#include "base/status.h"
#include "merkle/tile.h"

namespace lifeline::store {

// A hash tile (data = width * 32 bytes) or an entry bundle (data = width
// entries, each a big-endian uint16 length and the bytes).
struct TileData {
  merkle::TileId id;
  std::string data;
};

// A log entry that is a record, projected into the query tables. The
// projection is a function of the entry alone (record/projection.h), so it
// can always be rebuilt from the log.
struct RecordRow {
  uint64_t index = 0;        // the entry's index in the log
  std::string id;
  std::string kind;
  std::string case_id;
  std::string supersedes;    // the id this record corrects, or ""
  std::string target;        // retraction: retracts; claim: about; else ""
  std::string route;         // route-related kinds: the route id, else ""
  std::string date_from;     // YYYY-MM-DD the record starts to apply, or ""
  std::string date_to;       // YYYY-MM-DD it stops applying, or ""
  // The entry at `index` (canonical JSON). Rows handed to Apply and to
  // RebuildRecords MUST carry exactly that entry, which is in the log's
  // bundles: a backend may keep a copy or read the body back from the
  // bundle (SQLite does, so each record is stored once), and a row whose
  // entry is not in the log then reads as Corruption.
  std::string body;
  friend bool operator==(const RecordRow&, const RecordRow&) = default;
};

struct Commit {
  uint64_t base_size = 0;  // the latest checkpoint's size this was built on
  uint64_t new_size = 0;
  std::vector<TileData> tiles;  // hash tiles and bundles, new or widened
  std::string checkpoint;       // the signed checkpoint note for new_size
  std::vector<RecordRow> records;  // projections of entries in this commit
};

// Which records a query returns. Empty fields do not filter.
struct RecordQuery {
  std::string kind;
  std::string case_id;
  std::string route;
  std::string from;  // records that apply on or after this date
  std::string to;    // records that apply on or before this date
  std::string text;  // a substring of the record's JSON
  uint64_t from_index = 0;  // records at this entry index or later (0: all)
  // The tree of this size: only entries below it, and current_only applies
  // the current view of that tree (an entry at or beyond it corrects and
  // retracts nothing), so an analysis at an old checkpoint reads what the
  // log held then. nullopt: every entry, and the latest view.
  std::optional<uint64_t> tree_size;
  // Only the records with one of these ids (any number, in any order;
  // duplicates are harmless), found by the id index rather than a scan.
  // nullopt: any id. An empty list matches nothing.
  std::optional<std::vector<std::string>> ids;
  // Skip superseded and retracted records (Replaces, computed by
  // store::CurrentView). Only a log written before submission refused
  // corrections placed before what they correct can hold a cycle of
  // supersedes: its latest record stays current.
  bool current_only = true;
  uint64_t limit = 0;        // at most this many rows (after current_only); 0 = no limit
  // false: the rows come with an empty body, which a backend then need not
  // read (SQLite reads each body from its entry bundle): for a pass that
  // looks only at the projected columns. The text filter still applies.
  bool with_body = true;
  // Only the rows that may replace another (Replaces): a correction
  // (supersedes set) or a retraction. What a CurrentView is built from: a
  // backend reads them by its supersedes index rather than the whole case.
  bool replacing_only = false;
};

// What a scan's callback asks of the scan: the next row, or no more.
enum class ScanStep { kContinue, kStop };

struct StoredCheckpoint {
  uint64_t size = 0;
  std::string note;
};

class LogStore;

// The store's "format" metadata, once "format" and "origin" both read:
// Corruption naming `where` ("is not a Lifeline store, or its meta table is
// damaged") otherwise. Each backend's Open decides what formats it reads.
Result<std::string> ReadFormat(LogStore& st, const std::string& where);

// True when `r` passes the filters of `q` other than current_only (the one
// definition every store's queries follow).
bool MatchesQuery(const RecordRow& r, const RecordQuery& q);

// For a backend's ScanRecords of a query with ids, which it looks up by its
// id index: q.ids sorted, each once.
std::vector<std::string> DistinctIds(const RecordQuery& q);
// Then the rows those lookups found, in any order, handed to `fn` in log
// order: those MatchesQuery keeps, their body left empty unless
// q.with_body. `fill`, if given, first reads a row's body (SQLite keeps it
// in the entry bundles). Stops at kStop; returns the first error.
Status PassFoundRows(std::vector<RecordRow> rows, const RecordQuery& q, const std::function<Status(RecordRow*)>& fill,
                     const std::function<Result<ScanStep>(const RecordRow&)>& fn);

// A case is a closed world: a record's references (sources, supersedes, a
// claim's or retraction's target) take effect only within its own case.
// Submission refuses references across cases (record/submit.h); a reference
// across cases already in a log is read as absent, so a correction or
// retraction filed in another case replaces nothing, a claim filed in
// another case counts for nothing, and what a reader sees of a record
// depends on its own case alone (the privacy model, docs/api.md).
inline bool SameCase(const RecordRow& r, const std::string& case_id) { return r.case_id == case_id; }

// True when `by` takes `row` out of the current view: within `row`'s case,
// it corrects `row` (supersedes) from a later entry, or retracts it.
// current_only follows this through store::CurrentView (current_view.h),
// the one implementation of the view over many rows.
inline bool Replaces(const RecordRow& by, const RecordRow& row) {
  if (!SameCase(by, row.case_id) || row.id.empty()) return false;  // an empty reference names nothing
  return (by.supersedes == row.id && by.index > row.index) || (by.kind == kinds::kRetraction && by.target == row.id);
}

class LogStore {
 public:
  virtual ~LogStore() = default;

  // The latest checkpoint, or NotFound if none was ever stored.
  virtual Result<StoredCheckpoint> LatestCheckpoint() = 0;

  // The stored version of a tile or bundle; NotFound if none.
  virtual Result<TileData> ReadTile(uint32_t level, uint64_t index) = 0;

  // Every checkpoint ever committed, oldest first.
  virtual Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) = 0;

  // A checkpoint of exactly `size` (the latest such), or NotFound.
  virtual Result<StoredCheckpoint> CheckpointAt(uint64_t size) = 0;

  // Applies `commit` atomically and durably (see the contract above).
  virtual Status Apply(const Commit& commit) = 0;

  // Small key/value metadata (origin, format version), set once at creation.
  virtual Result<std::string> GetMeta(const std::string& key) = 0;

  // --- The record projection (query tables), written by Apply. ---

  // The row of record `id` (its latest version if several share the id:
  // ids are unique, so only a replayed log could do that), or NotFound.
  virtual Result<RecordRow> FindRecord(const std::string& id) = 0;

  // Records matching `q`, in log order; an error from `fn` ends the query
  // and is returned. Not virtual: current_only and limit are applied here,
  // once for every backend, over ScanRecords and ForEachReplacingRecord
  // (store.cc). The scan stops as soon as `limit` rows were passed to `fn`.
  Status ForEachRecord(const RecordQuery& q, const std::function<Status(const RecordRow&)>& fn);

  // How many rows ForEachRecord(q) passes with q.current_only false and no
  // limit: every version that matches. This counts a scan without bodies;
  // a backend with SQL counts in it (SQLite by an index alone).
  virtual Result<uint64_t> CountRecords(const RecordQuery& q);

  // Every record's id, kind and case (all versions), in no particular order:
  // cheaper than ForEachRecord when only identities are needed.
  virtual Status ForEachIdAndKind(
      const std::function<Status(const std::string& id, const std::string& kind, const std::string& case_id)>& fn) = 0;

  // Records that supersede, retract or make a claim about `id`.
  virtual Status ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) = 0;

  // Yields a rebuilt projection a batch at a time (RebuildRecords): fills
  // `*batch` (handed over empty) and returns true, or returns false when no
  // rows are left; an error ends the rebuild.
  using RecordBatches = std::function<Result<bool>(std::vector<RecordRow>* batch)>;

  // Replaces the whole projection (reindex) with the rows `next` yields, in
  // any order, atomically: a reader, and a crash at any point, sees the old
  // projection or the new one, never a mix. An error from `next` or from the
  // backend leaves the old projection and is returned. Memory: the backend
  // MUST NOT need more than one batch at a time beyond what it holds anyway
  // (SQLite writes each batch into one open transaction, so a reindex of a
  // large log runs in bounded memory; the memory store holds every row).
  virtual Status RebuildRecords(const RecordBatches& next) = 0;

  // RebuildRecords with `rows` as the one batch.
  Status ReplaceRecords(const std::vector<RecordRow>& rows);

 protected:
  // --- The two plain reads ForEachRecord is made of; backends implement. ---

  // Every record version (superseded and retracted ones too) for which
  // MatchesQuery(row, q) holds, in log order (ascending index), passed to
  // `fn` one at a time. MUST ignore q.current_only and q.limit. With q.ids,
  // a backend with an id index SHOULD look the ids up by it, not scan the
  // table (SQLite and PostgreSQL do; the memory store scans), and may
  // gather the rows of those ids and order them before the first is passed:
  // the caller bounded them. MUST stop
  // reading and return OK when `fn` returns kStop, and return `fn`'s error
  // unchanged when it fails. `fn` may call the store's other methods
  // (ForEachReplacingRecord) while the scan is under way.
  virtual Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) = 0;

  // Every record version that may replace one of `ids` (store.h Replaces):
  // its supersedes is one of them, or it is a retraction whose target is
  // one of them; in any case (CurrentView checks the case) and any order,
  // each at least once. The rows passed MUST carry index, kind, case_id,
  // supersedes and target; the other fields may be left empty. An empty id
  // in `ids` names nothing. `ids` may be long: a backend splits it as its
  // query language needs.
  virtual Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                        const std::function<Status(const RecordRow&)>& fn) = 0;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_STORE_H_
