// Submitting records: validate -> canonicalise -> append to the log ->
// project, the one path every record takes into Lifeline (CLI `add` and
// `import`, and POST /api/v1/records).
//
// Guarantees:
// - Every problem is reported with where it came from (file:line), the
//   record's id and the field; with all_or_nothing (the default) nothing is
//   written unless every candidate is valid.
// - Idempotent: a candidate whose id is already in the log with the same
//   content (apart from `recorded` and `by`) is counted as unchanged and not
//   appended again; the same id with different content is rejected (submit
//   a correction with `supersedes` instead).
// - Each record is appended in RFC 8785 canonical form with `recorded` and
//   `by` set, and projected into the query tables in the same commit.
// - A plaintext `confidential` object never reaches the log: after
//   validation it is replaced by its sealed shape (record/seal.h), which is
//   deterministic, so re-submitting the same record finds it unchanged. A
//   sealed shape is accepted only if it opens with the store's key under the
//   record's id. A candidate without `confidential` that otherwise equals a
//   stored record with one is unchanged: it is that record's export (exports
//   never carry confidential fields).
#ifndef LIFELINE_RECORD_SUBMIT_H_
#define LIFELINE_RECORD_SUBMIT_H_

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "log/log.h"
#include "record/schema.h"
#include "record/seal.h"
#include "store/store.h"

namespace lifeline::record {

struct Candidate {
  std::string where;  // "file.jsonl:12", "stdin:3", "request"
  nlohmann::json record;
};

// A refused candidate: where it is, what is wrong, and what to do instead.
// The constructor takes the hint so that no refusal can lack one
// (docs/records.md, "Refusals and hints").
struct Rejection {
  Rejection(std::string where_in, std::string id_in, std::string field_in, std::string message_in,
            std::string hint_in)
      : where(std::move(where_in)),
        id(std::move(id_in)),
        field(std::move(field_in)),
        message(std::move(message_in)),
        hint(std::move(hint_in)) {}
  // A schema refusal (record::Validate) of the candidate at `where`.
  Rejection(std::string where_in, std::string id_in, FieldError error)
      : Rejection(std::move(where_in), std::move(id_in), std::move(error.field), std::move(error.message),
                  std::move(error.hint)) {}

  std::string where;
  std::string id;     // the record's id, if it has one
  std::string field;  // "" for the record as a whole
  std::string message;
  std::string hint;   // what to do instead; non-empty
  // Why, for callers that answer differently (the OpenRosa server's 409):
  // kIdConflict when the record's id is in the log already with other
  // content; kInvalid for every other refusal. Not in ToString or ToJson.
  enum class Cause { kInvalid, kIdConflict };
  Cause cause = Cause::kInvalid;
  // "file:12: record x: field: message (hint: ...)"
  std::string ToString() const;
  // {where, id, field, message, hint}: what `--json` and the API's 422 list.
  nlohmann::json ToJson() const;
};

// The hint of a refusal of an id used by two records ("id" `id`).
std::string DuplicateIdHint(const std::string& id);

struct SubmitReport {
  uint64_t candidates = 0;
  uint64_t accepted = 0;   // new records (appended unless dry_run)
  uint64_t unchanged = 0;  // already in the log, identical
  uint64_t rejected = 0;   // candidates with at least one problem
  uint64_t appended = 0;   // accepted records appended so far
  std::vector<Rejection> rejections;
  std::optional<uint64_t> first_index;  // of the first appended record
  bool written = false;
};

struct SubmitOptions {
  bool dry_run = false;
  bool all_or_nothing = true;
  std::string principal = "cli";
  std::string recorded;  // RFC 3339 UTC time to stamp; empty = now
  size_t batch = 10000;  // records per signed checkpoint
  // Keep `recorded` and `by` when a record carries them (re-importing another
  // Lifeline log's JSON Lines export, entry for entry); otherwise they are
  // refused, since only Lifeline sets them.
  bool preserve_stamps = false;
  std::function<void(uint64_t done, uint64_t total)> progress;
  // The store's key for `confidential` (record/seal.h): every accepted
  // record's confidential object is sealed with it before its canonical
  // form is fixed. Null: a record with `confidential` is rejected.
  std::shared_ptr<const SealKey> seal_key;
};

// `reader` answers lookups (reference checks, idempotence); it must not be
// the store the Log writes through (a different connection is fine).
// `log` may be null when options.dry_run.
Result<SubmitReport> Submit(std::vector<Candidate> candidates, store::LogStore& reader, log::Log* log,
                            const SubmitOptions& options);

// --- The parts Submit is made of, for importers that work in chunks. ---

// The record already in the log under an id, if any.
using ExistingFn = std::function<Result<std::optional<store::RecordRow>>(const std::string& id)>;

// The current case record of a case in the store, if any (its date_window
// sets the plausible dates of the case's records).
using CaseRecordFn = std::function<Result<std::optional<nlohmann::json>>(const std::string& case_id)>;

// CaseRecordFn over a store: the current case record of the case. With
// `asked`, it also adds every case it is asked about to *asked (which must
// outlive it): the cases whose stored case record a check relied on.
CaseRecordFn StoreCaseRecords(store::LogStore& reader, std::set<std::string>* asked = nullptr);

// The recheck AppendRecords hands the log (log::Log::AppendMany) for records
// whose dates were checked against the stored case records of `cases`: it
// fails them (FailedPrecondition: "submit them again") when another writer
// committed a case record of one of those cases after the check. Case
// records whose id is in `own` (this writer's) are not another's.
log::Log::Recheck CaseRecordsUnchanged(std::set<std::string> cases, std::set<std::string> own);

// Validates `candidates` as one batch (references may point anywhere in it,
// or to what `outer` knows), adds its counts and rejections to *report, and
// appends the accepted records, stamped and canonical, with their
// projections, to *entries / *rows. Writes nothing. Beyond the schema it
// checks each record's dates against its case's plausible dates (a case
// record in the batch, else `case_record`; none: the default window), that
// a correction comes after the record it corrects and forms no cycle, and
// that each entry, exactly as the log would store it, fits in
// merkle::kMaxEntrySize bytes.
Status CheckBatch(std::vector<Candidate>& candidates, const Resolver& outer, const ExistingFn& existing,
                  const SubmitOptions& options, const std::string& recorded, SubmitReport* report,
                  std::vector<std::string>* entries, std::vector<store::RecordRow>* rows,
                  const CaseRecordFn& case_record = {});

// Appends checked records in batches of options.batch (two in flight),
// updating report->appended, first_index and written. `checked_at` is the
// store size read before the records' ids were looked up (CheckedAt): with
// other writers on the store, the log checks the ids again when another
// commit landed since, and runs `recheck` (log::Log::AppendMany).
Status AppendRecords(log::Log* log, std::vector<std::string> entries, std::vector<store::RecordRow> rows,
                     const SubmitOptions& options, SubmitReport* report, std::optional<uint64_t> checked_at,
                     log::Log::Recheck recheck = {});

// AppendRecords for records handed over a part at a time (an import read
// back from its spool): the batches stay in flight across parts, so the
// log's hasher and committer do not wait while the caller reads the next
// part. Batches are cut as one AppendRecords call of all the parts would
// cut them. After an error, Add appends nothing more and returns it.
class RecordAppender {
 public:
  RecordAppender(log::Log* log, const SubmitOptions& options, SubmitReport* report,
                 std::optional<uint64_t> checked_at, log::Log::Recheck recheck = {});
  RecordAppender(const RecordAppender&) = delete;
  RecordAppender& operator=(const RecordAppender&) = delete;
  // Waits for what is in flight (the report then says what was appended).
  ~RecordAppender();

  // Appends every full batch among what was handed over, keeping the rest
  // for the next call; `entries` and `rows` are parallel.
  Status Add(std::vector<std::string> entries, std::vector<store::RecordRow> rows);

  // Appends the rest and waits until every batch is durable: the first
  // error, annotated with how much was appended before it.
  Status Finish();

  // Records a batch holds (options.batch, or its default).
  size_t batch() const { return batch_; }

 private:
  void Send(size_t at);  // the kept records from `at`, as one batch
  void WaitOne();

  log::Log* const log_;
  const SubmitOptions& options_;
  SubmitReport& report_;
  const std::optional<uint64_t> checked_at_;
  const log::Log::Recheck recheck_;
  const size_t batch_;
  std::vector<std::string> entries_;  // handed over, not yet sent
  std::vector<store::RecordRow> rows_;
  std::deque<std::future<Result<uint64_t>>> inflight_;
  std::deque<size_t> sizes_;  // of the batches in flight
  Status failure_;
};

// The size of `reader`'s latest checkpoint, read before a check: what
// AppendRecords's `checked_at` wants (nullopt for a store with none yet).
Result<std::optional<uint64_t>> CheckedAt(store::LogStore& reader);

// The record's content for comparison: canonical JSON without `recorded`
// and `by`.
Result<std::string> ContentOf(nlohmann::json rec);

// Now, as RFC 3339 UTC with seconds.
std::string NowUtc();

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_SUBMIT_H_
