// The record commands' shared write path (cli/record_writes.h).
#include "cli/record_writes.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/progress.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {

using nlohmann::json;

// The principal recorded in `by` for commands run at this machine.
std::string CliPrincipal() {
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') {
    struct passwd* pw = getpwuid(getuid());
    user = pw != nullptr ? pw->pw_name : "unknown";
  }
  return std::string("cli:") + user;
}

Result<OpenLog> OpenForWriting(const std::string& dir) {
  LIFELINE_ASSIGN_OR_RETURN(store_dir::WritableStore ws, store_dir::OpenWritable(dir));
  // Under the writer's lock: a store made before sealing existed gets its
  // key here, on its first write.
  LIFELINE_ASSIGN_OR_RETURN(record::SealKey key, record::LoadOrCreateSealKey(dir));
  LIFELINE_ASSIGN_OR_RETURN(auto lg, log::Log::Open(std::move(ws.store), ws.signer));
  LIFELINE_ASSIGN_OR_RETURN(auto reader, store_dir::OpenStoreForReading(dir));
  return OpenLog{std::move(ws.lock), std::move(lg), std::move(reader),
                 std::make_shared<const record::SealKey>(std::move(key))};
}

// The key a dry run checks with: the store's, or, if it has none yet, a
// stand-in (a dry run writes nothing, so creates no key).
Result<std::shared_ptr<const record::SealKey>> DryRunSealKey(const std::string& dir) {
  auto key = record::LoadSealKey(dir);
  if (key.ok()) return std::make_shared<const record::SealKey>(std::move(*key));
  if (key.status().code() != ErrorCode::kNotFound) return key.status();
  return std::make_shared<const record::SealKey>(record::SealKey::Generate());
}

namespace {

json ReportJson(const record::SubmitReport& rep) {
  json rejections = json::array();
  for (const auto& r : rep.rejections) {
    rejections.push_back(r.ToJson());
  }
  json j = {{"candidates", rep.candidates}, {"accepted", rep.accepted}, {"unchanged", rep.unchanged},
            {"rejected", rep.rejected},     {"written", rep.written},   {"rejections", rejections}};
  if (rep.first_index) j["first_index"] = *rep.first_index;
  return j;
}

// Prints the rejections for a person: each once, but a reason shared by more
// than kShown records is printed with its first record and a count (a UCDP
// file of 3,195 events for a case not yet created said the same 3,195
// times). Each line ends with the rejection's hint (Rejection::ToString).
// --json lists every rejection.
void PrintRejections(const std::vector<record::Rejection>& rejections) {
  constexpr size_t kShown = 3;
  std::map<std::pair<std::string, std::string>, size_t> count;
  for (const auto& r : rejections) ++count[{r.field, r.message}];
  std::map<std::pair<std::string, std::string>, size_t> printed;
  for (const auto& r : rejections) {
    const auto key = std::make_pair(r.field, r.message);
    const size_t n = count[key];
    size_t& done = printed[key];
    if (n <= kShown) {
      std::cout << "rejected " << r.ToString() << "\n";
      continue;
    }
    if (done++ > 0) continue;
    std::cout << "rejected " << r.ToString() << "\n"
              << "rejected " << n - 1 << " more records for the same reason (" << r.field << ": " << r.message
              << "); --json lists each\n";
  }
}

}  // namespace

// Prints a submission's report; exit 2 when anything was rejected.
int PrintReport(const Globals& g, const std::string& what, const record::SubmitReport& rep, bool dry_run,
                bool all_or_nothing, const std::vector<std::string>& reader_errors, const std::string& checkpoint) {
  bool bad = rep.rejected > 0 || !reader_errors.empty();
  if (g.json) {
    json j = ReportJson(rep);
    j["ok"] = !bad;
    j["dry_run"] = dry_run;
    j["reader_errors"] = reader_errors;
    if (!checkpoint.empty()) j["checkpoint"] = checkpoint;
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& e : reader_errors) std::cout << "rejected " << e << "\n";
    PrintRejections(rep.rejections);
    std::cout << what << ": " << rep.candidates + reader_errors.size() << " records: " << rep.accepted << " new, "
              << rep.unchanged << " already in the log, " << rep.rejected + reader_errors.size() << " rejected";
    if (dry_run) {
      std::cout << " (dry run: nothing written)";
    } else if (rep.written) {
      std::cout << "; appended at entry " << *rep.first_index;
    } else if (bad && all_or_nothing) {
      std::cout << "; nothing written (fix the rejected rows, or use --partial)";
    }
    std::cout << "\n";
  }
  return bad ? 2 : 0;
}

// Runs Submit (opening the store as needed) and prints the report.
int SubmitAndReport(const Globals& g, const std::string& what, std::vector<record::Candidate> candidates,
                    record::SubmitOptions opts) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  opts.principal = CliPrincipal();
  Progress progress("appending", ShowProgress(g));
  opts.progress = [&](uint64_t d, uint64_t t) { progress.Update(d, t); };
  Result<record::SubmitReport> rep = InternalError("not run");
  std::string checkpoint;
  if (opts.dry_run) {
    auto rs = store_dir::OpenReadable(*dir);
    if (!rs.ok()) return Fail(g, rs.status());
    auto key = DryRunSealKey(*dir);
    if (!key.ok()) return Fail(g, key.status());
    opts.seal_key = *key;
    rep = record::Submit(std::move(candidates), *rs->store, nullptr, opts);
  } else {
    auto ol = OpenForWriting(*dir);
    if (!ol.ok()) return Fail(g, ol.status());
    opts.seal_key = ol->seal_key;
    rep = record::Submit(std::move(candidates), *ol->reader, ol->log.get(), opts);
    checkpoint = ol->log->checkpoint();
  }
  if (!rep.ok()) return Fail(g, rep.status().Annotate(what));
  int code = PrintReport(g, what, *rep, opts.dry_run, opts.all_or_nothing, {}, checkpoint);
  // The writer's lock is released by now (OpenLog lived in the branch
  // above): evaluating and delivering alerts does not hold up other writers.
  if (!opts.dry_run && rep->written) AlertsAfterWrite(g, *dir);
  return code;
}

}  // namespace lifeline::cli
