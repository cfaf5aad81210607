// A chunked import: files too large to hold in memory as records.
//
// Chunks are checked in file order, each as one batch (references may point
// anywhere in the chunk, to any earlier chunk, or to the store). Accepted
// records are spooled, stamped and canonical, to a temporary file; Finish()
// appends them only if the whole import is acceptable (all-or-nothing), so a
// bad row at the end of a ten-million-row file still leaves the log as it
// was. Memory stays bounded: one chunk of records, and about 12 bytes per
// record id in the import and in the store (record/id_index.h: 64-bit
// hashes; a collision could make a dangling reference look resolved, or
// refuse a new id as repeated within the import, with probability about
// n^2 / 2^65: 3e-6 at 10 M ids; an id matching the store is confirmed there).
//
// The spool is DIR/.import-spool-<pid>; a killed import's spool is removed by
// the next import (only when its process is gone).
//
// Not thread-safe. `reader` must outlive the session and must not be the
// store the log writes through.
#ifndef LIFELINE_RECORD_IMPORT_SESSION_H_
#define LIFELINE_RECORD_IMPORT_SESSION_H_

#include <cstdio>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "record/id_index.h"
#include "record/submit.h"

namespace lifeline::record {

class ImportSession {
 public:
  // `spool_dir` holds the temporary spool file (removed by the destructor).
  static Result<std::unique_ptr<ImportSession>> Start(store::LogStore& reader, SubmitOptions options,
                                                      const std::string& spool_dir);
  ~ImportSession();

  // Checks one chunk (the next rows of the file).
  Status AddChunk(std::vector<Candidate> chunk);

  // Appends everything spooled unless options.dry_run, or all_or_nothing and
  // something was rejected. `log` may be null for a dry run.
  Result<SubmitReport> Finish(log::Log* log);

  const SubmitReport& report() const { return report_; }

 private:
  ImportSession(store::LogStore& reader, SubmitOptions options) : reader_(reader), options_(std::move(options)) {}
  class IndexResolver;

  store::LogStore& reader_;
  SubmitOptions options_;
  std::string recorded_;
  // The store's size read before its ids were indexed (AppendRecords).
  std::optional<uint64_t> checked_at_;
  SubmitReport report_;
  // id hash -> kind code (index into Kinds()) | kInStore, and its case's
  // code (an index into case_names_ plus one; 0 = not known).
  IdIndex ids_;
  std::vector<std::string> case_names_;
  std::unordered_map<std::string, uint16_t> case_codes_;
  uint16_t CaseCode(const std::string& case_id);
  // The case records accepted so far (few): an earlier chunk's case record
  // sets the plausible dates of later chunks.
  std::map<std::string, nlohmann::json> case_records_;
  // The cases whose stored case record a chunk's dates were checked
  // against, and the ids of the case records this import writes: the log
  // checks the first again before it signs (CaseRecordsUnchanged).
  std::set<std::string> cases_read_;
  std::set<std::string> own_case_record_ids_;
  std::string spool_path_;
  FILE* spool_ = nullptr;
};

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_IMPORT_SESSION_H_
