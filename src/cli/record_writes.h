// What the record commands that write to the log (add, import, evidence
// add) share: the principal they record in `by`, the store opened for
// writing, and how a submission's report is printed and turned into an exit
// code.
#ifndef LIFELINE_CLI_RECORD_WRITES_H_
#define LIFELINE_CLI_RECORD_WRITES_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/common.h"
#include "log/log.h"
#include "record/seal.h"
#include "record/submit.h"
#include "store/lock.h"
#include "store/store.h"

namespace lifeline::cli {

// The principal recorded in `by` for commands run at this machine:
// "cli:" and $USER (else the account's name).
std::string CliPrincipal();

// A store opened for writing with its log, plus a second, read-only
// connection for lookups while the log's integrator writes.
struct OpenLog {
  std::unique_ptr<store::FileLock> lock;
  std::unique_ptr<log::Log> log;
  std::unique_ptr<store::LogStore> reader;
  std::shared_ptr<const record::SealKey> seal_key;
};

// Opens DIR for writing: takes the writer's lock, loads (or, on a store's
// first write, creates) its seal key, opens the log and the reader.
Result<OpenLog> OpenForWriting(const std::string& dir);

// The key a dry run checks with: the store's, or, if it has none yet, a
// stand-in (a dry run writes nothing, so creates no key).
Result<std::shared_ptr<const record::SealKey>> DryRunSealKey(const std::string& dir);

// Prints a submission's report (one JSON object on stdout with --json);
// returns 2 when anything was rejected (by the checks or by the reader,
// `reader_errors`), else 0. `checkpoint` is named when not empty.
int PrintReport(const Globals& g, const std::string& what, const record::SubmitReport& rep, bool dry_run,
                bool all_or_nothing, const std::vector<std::string>& reader_errors, const std::string& checkpoint);

// Runs record::Submit on `candidates` (opening the store for writing, or
// read-only for a dry run), prints the report and, after a write, runs the
// alerts (AlertsAfterWrite) once the writer's lock is released. Returns the
// exit code.
int SubmitAndReport(const Globals& g, const std::string& what, std::vector<record::Candidate> candidates,
                    record::SubmitOptions opts);

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_RECORD_WRITES_H_
