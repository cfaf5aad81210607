// The handlers of `lifeline serve`'s routes, by resource; routes.cc binds
// them to paths, each behind the Access it names (access.h), so a handler
// runs only for a caller already admitted and is given who it is. Each
// fills the response (status, headers, body); none throws on bad input.
// All run on worker threads, concurrently, on the shared Context.
#ifndef LIFELINE_SERVER_HANDLERS_H_
#define LIFELINE_SERVER_HANDLERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/verified.h"
#include "base/status.h"
#include "record/submit.h"
#include "server/context.h"
#include "server/http.h"
#include "server/tokens.h"

namespace lifeline::server {

// Every guarded handler has this shape (req.matches[1] is the route's id).
using RouteHandler = void (*)(Context&, const http::Request&, http::Response&, const Principal&);

// records.cc: cases and records, as the caller may see them.
void GetCases(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetRecords(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetRecord(Context& c, const http::Request& req, http::Response& res, const Principal& who);

// submit.cc: POST /api/v1/records, the one write.
void PostRecords(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// The one write path (POST /api/v1/records and OpenRosa submissions):
// validates and appends `candidates` with `by` = who's name, a verifier
// limited to its claims, under Context::write_mu, then the after-write work
// (alerts, witnesses). The report (rejections included) and the checkpoint
// signed by the write ("" when nothing was written); nullopt after a
// refusal (403) or an error (the store busy: 503) has been answered.
struct Written {
  record::SubmitReport report;
  std::string checkpoint;
};
std::optional<Written> WriteRecords(Context& c, std::vector<record::Candidate> candidates, const Principal& who,
                                    bool dry_run, http::Response& res);

// openrosa.cc: ODK's Form List and Submission APIs (docs/api.md, "OpenRosa").
void GetFormList(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetForm(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void HeadSubmission(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void PostSubmission(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// Whether `path` is one of those APIs' (with or without a /key/<token>/ prefix).
bool IsOpenRosaPath(const std::string& path);
// On every answer of those paths (post-routing): the OpenRosa headers, the
// Basic challenge on a 401 (ODK Collect can send no Bearer token), and an
// error's JSON body as OpenRosa response XML.
void FinishOpenRosa(const Context& c, http::Response& res);

// case_analyses.cc: a case's analyses at a checkpoint, cached (analysis_cache.h).
void GetIndicators(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetHeadline(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetCompliance(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetSeverity(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// A case's store at a verified checkpoint, for an analysis route: a reader
// borrowed, `who` admitted to the case req.matches[1], at= (if given) checked
// against a replica's progress, and the checkpoint's signature verified.
// nullopt after the error or refusal has been answered.
struct CaseAtCheckpoint {
  ReaderPool::Lease st;
  analysis::VerifiedCheckpoint vc;
  std::optional<int64_t> at;  // the at= parameter
};
std::optional<CaseAtCheckpoint> OpenCaseAt(Context& c, const http::Request& req, http::Response& res,
                                           const Principal& who);
// The atrocity-risk view (risk.cc).
void GetRisk(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetScenarios(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetForecast(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// The TOML of the case's forecast scenario `name` (<cases_dir>/<case>/scenarios/<name>.toml).
Result<std::string> ScenarioText(const Context& c, const std::string& case_id, const std::string& name);

// documents.cc: a case as a file: its records exported, its report.
void GetExport(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetReport(Context& c, const http::Request& req, http::Response& res, const Principal& who);

// log_routes.cc: the log itself, for witnesses, monitors and verifiers.
// On a server reading a replica (Context::replica) whose latest checkpoint
// is of size `have`, a request for the larger size `want` (at=, to=, a
// tile of a larger tree: a client that wrote through the primary) is
// answered 503 with Retry-After, naming both sizes, and true returned;
// false (nothing answered) otherwise.
bool ReplicaBehind(Context& c, uint64_t want, uint64_t have, http::Response& res);
// ReplicaBehind for an at= parameter (nullopt: false), reading `st`'s
// latest checkpoint; a failure to read it is answered too (true).
bool ReplicaBehindAt(Context& c, store::LogStore& st, std::optional<int64_t> at, http::Response& res);
void GetCheckpointNote(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetCheckpointJson(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetWitnessPolicy(Context& c, const http::Request& req, http::Response& res, const Principal& who);
void GetConsistency(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// tiles.cc: /tile/... (req.matches[1] is the path after "/tile/").
void GetTile(Context& c, const http::Request& req, http::Response& res, const Principal& who);
// A cached full tile answered on the event thread, with no worker and no
// store: only where Gate would admit anyone (no --private-log, no
// Authorization header to check, and for an entry bundle a log known,
// within the last second, to hold public cases only). False: not answered.
bool FastTile(Context& c, const http::Request& req, http::Response& res);

// routes.cc: the admin's list of tokens.
void GetTokens(Context& c, const http::Request& req, http::Response& res, const Principal& who);

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_HANDLERS_H_
