// A case's analyses over HTTP: indicators, headline, compliance, severity, the
// forecast scenarios and forecasts. Each is computed on the case's dataset
// at a verified checkpoint (at=, or the latest) and cached as the JSON text
// sent (analysis_cache.h); the indicators (also the headline's) are merged
// from the previous checkpoint's after a write of movements
// (indicators_cache.h).
#include <algorithm>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/compliance.h"
#include "analysis/dataset.h"
#include "analysis/forecast.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "analysis/severity.h"
#include "analysis/verified.h"
#include "base/bytes.h"
#include "crypto/sha256.h"
#include "record/values.h"
#include "server/handlers.h"
#include "server/reply.h"
#include "store_dir/store_dir.h"

namespace lifeline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
// An analysis of a dataset at a checkpoint, as the JSON text the route sends.
using Compute = std::function<Result<std::string>(const analysis::Dataset&, const analysis::CheckpointRef&)>;

// The cache key of an analysis of the latest checkpoint: what, the case,
// `extra` and the parameters (at= aside).
std::string AnalysisKey(const http::Request& req, const std::string& what, const std::string& case_id,
                        std::initializer_list<const char*> params, const std::string& extra) {
  std::string key = what + "\n" + case_id + "\n" + extra;
  for (const char* p : params) {
    if (std::string_view(p) != "at") key += std::string("\n") + p + "=" + req.get_param_value(p);
  }
  return key;
}

// Runs `compute` on the case's dataset at the checkpoint (at=, or the
// latest), cached (analysis_cache.h); sends the JSON text `compute` returns.
void Analysis(Context& c, const http::Request& req, http::Response& res, const Principal& who, const std::string& what,
              std::initializer_list<const char*> params, const Compute& compute, const std::string& extra_key = "") {
  if (Status s = OnlyParams(req, params); !s.ok()) return SendStatus(res, s);
  const std::string case_id = req.matches[1];
  std::optional<CaseAtCheckpoint> open = OpenCaseAt(c, req, res, who);
  if (!open) return;
  auto& st = open->st;
  const std::optional<int64_t> at = open->at;
  const analysis::CheckpointRef& cp = open->vc.cp;
  const std::string key = AnalysisKey(req, what, case_id, params, extra_key);
  const std::string exact = key + "\n@" + std::to_string(cp.size) + " " + cp.root;
  std::shared_ptr<std::mutex> flight;
  std::unique_lock<std::mutex> computing;
  if (at) {
    if (auto hit = c.analyses.GetExact(exact)) return SendText(res, hit);
  } else {
    if (auto hit = c.analyses.GetLatest(key, cp.size)) return SendText(res, hit);
    flight = c.analyses.Flight(key);
    computing = std::unique_lock<std::mutex>(*flight);
    if (auto hit = c.analyses.GetLatest(key, cp.size)) return SendText(res, hit);  // computed meanwhile
  }
  auto ds = c.datasets.Get(*st, case_id, cp);
  if (!ds.ok()) return SendStatus(res, ds.status());
  auto out = compute(**ds, cp);
  if (!out.ok()) return SendStatus(res, out.status());
  auto body = std::make_shared<const std::string>(std::move(*out));
  if (at) {
    c.analyses.PutExact(exact, body);
  } else {
    c.analyses.PutLatest(key, cp.size, body);
  }
  SendText(res, body);
}

Result<int32_t> DayParam(const http::Request& req, const char* name) {
  LIFELINE_ASSIGN_OR_RETURN(std::string d, DateParam(req, name));
  if (d.empty()) return analysis::kNoDay;
  auto day = record::ParseDate(d);
  if (!day.ok()) return day.status().Annotate(std::string("parameter ") + name);
  return static_cast<int32_t>(day->days);
}

// ?from=&to= as the indicators' range, with the records behind each value.
Result<analysis::IndicatorOptions> RangeParams(const http::Request& req) {
  analysis::IndicatorOptions o;
  LIFELINE_ASSIGN_OR_RETURN(o.from, DayParam(req, "from"));
  LIFELINE_ASSIGN_OR_RETURN(o.to, DayParam(req, "to"));
  o.explain = true;
  return o;
}

// The indicators over ?from=&to= with their record lists, merged from the
// previous checkpoint's where they can be (indicators_cache.h).
Result<IndicatorsCache::Shared> RangeIndicators(Context& c, const http::Request& req, const analysis::Dataset& ds,
                                                const analysis::CheckpointRef& cp) {
  LIFELINE_ASSIGN_OR_RETURN(analysis::IndicatorOptions o, RangeParams(req));
  const std::string key = AnalysisKey(req, "indicators", req.matches[1], {"from", "to"}, "");
  return c.indicators.Get(key, ds, cp, o);
}

// <cases_dir>/<case>/scenarios/<name>.toml
std::vector<std::string> ScenarioNames(const Context& c, const std::string& case_id) {
  std::vector<std::string> names;
  if (c.opt.cases_dir.empty()) return names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(c.opt.cases_dir) / case_id / "scenarios", ec)) {
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::optional<CaseAtCheckpoint> OpenCaseAt(Context& c, const http::Request& req, http::Response& res,
                                           const Principal& who) {
  auto fail = [&](const Status& s) -> std::optional<CaseAtCheckpoint> {
    SendStatus(res, s);
    return std::nullopt;
  };
  auto at = IntParam(req, "at", 0, INT64_MAX / 2);
  if (!at.ok()) return fail(at.status());
  auto st = c.readers.Borrow();
  if (!st.ok()) return fail(st.status());
  if (!Gate::AdmitCase(**st, who, req.matches[1], res)) return std::nullopt;
  if (ReplicaBehindAt(c, **st, *at, res)) return std::nullopt;
  auto vc = analysis::VerifyStoredCheckpoint(**st, c.verifier, at->has_value() ? std::optional<uint64_t>(**at) : std::nullopt);
  if (!vc.ok()) return fail(vc.status());
  return CaseAtCheckpoint{std::move(*st), std::move(*vc), *at};
}

void GetIndicators(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  Analysis(c, req, res, who, "indicators", {"from", "to", "at"},
           [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
             LIFELINE_ASSIGN_OR_RETURN(IndicatorsCache::Shared ind, RangeIndicators(c, req, ds, cp));
             return analysis::IndicatorsJsonText(*ind);
           });
}

// The headline figures (analysis/headline.h): what the dashboard's
// overview and the report lead with, by the same rules.
void GetHeadline(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  Analysis(c, req, res, who, "headline", {"from", "to", "at"},
           [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
             LIFELINE_ASSIGN_OR_RETURN(analysis::IndicatorOptions o, RangeParams(req));
             LIFELINE_ASSIGN_OR_RETURN(IndicatorsCache::Shared ind, RangeIndicators(c, req, ds, cp));
             LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance comp, analysis::ComputeCompliance(ds, cp, o.from, o.to));
             return Dump(analysis::HeadlineJson(analysis::ComputeHeadline(*ind, comp)));
           });
}

void GetCompliance(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  Analysis(c, req, res, who, "compliance", {"from", "to", "at"},
           [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
             LIFELINE_ASSIGN_OR_RETURN(int32_t from, DayParam(req, "from"));
             LIFELINE_ASSIGN_OR_RETURN(int32_t to, DayParam(req, "to"));
             LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance comp, analysis::ComputeCompliance(ds, cp, from, to));
             return Dump(analysis::ComplianceJson(comp));
           });
}

// Siege severity (analysis/severity.h) per day or, with by=week, per week.
void GetSeverity(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  Analysis(c, req, res, who, "severity", {"from", "to", "by", "at"},
           [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
             LIFELINE_ASSIGN_OR_RETURN(int32_t from, DayParam(req, "from"));
             LIFELINE_ASSIGN_OR_RETURN(int32_t to, DayParam(req, "to"));
             const std::string by = req.has_param("by") ? req.get_param_value("by") : "day";
             if (by != "day" && by != "week") {
               return InvalidArgumentError("parameter by must be day or week, not \"" + by + "\"");
             }
             LIFELINE_ASSIGN_OR_RETURN(
                 analysis::Severity s,
                 analysis::ComputeSeverity(ds, cp, from, to,
                                           by == "week" ? analysis::SeverityBy::kWeek : analysis::SeverityBy::kDay));
             return Dump(analysis::SeverityJson(s));
           });
}

void GetScenarios(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  const std::string case_id = req.matches[1];
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  if (!Gate::AdmitCase(**st, who, case_id, res)) return;
  SendJson(res, 200, json{{"ok", true}, {"scenarios", ScenarioNames(c, case_id)}});
}

Result<std::string> ScenarioText(const Context& c, const std::string& case_id, const std::string& name) {
  static const std::regex name_re("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(name, name_re)) {
    return InvalidArgumentError("parameter scenario must name a scenario (see .../scenarios)");
  }
  auto names = ScenarioNames(c, case_id);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return NotFoundError("case " + case_id + " has no scenario \"" + name + "\"");
  }
  return store_dir::ReadFile((fs::path(c.opt.cases_dir) / case_id / "scenarios" / (name + ".toml")).string());
}

void GetForecast(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  const std::string case_id = req.matches[1];
  {  // before anything about the case's scenarios is said
    auto st = c.readers.Borrow();
    if (!st.ok()) return SendStatus(res, st.status());
    if (!Gate::AdmitCase(**st, who, case_id, res)) return;
  }
  std::string name = req.get_param_value("scenario");
  auto text = ScenarioText(c, case_id, name);
  if (!text.ok()) return SendStatus(res, text.status());
  auto sc = analysis::ParseScenario(*text, name + ".toml");
  if (!sc.ok()) return SendStatus(res, sc.status());
  // The file's content is part of the cache key: an edited scenario is recomputed.
  crypto::Hash h = crypto::Sha256(*text);
  Analysis(c, req, res, who, "forecast", {"scenario", "at"},
           [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
             LIFELINE_ASSIGN_OR_RETURN(analysis::ForecastModel model, analysis::FitForecast(ds, *sc));
             analysis::ForecastRunOptions ro;
             ro.threads = 1;  // one request, one core: others are served meanwhile
             LIFELINE_ASSIGN_OR_RETURN(auto run, analysis::RunForecast(model, ro));
             analysis::Forecast f{case_id, cp, name, std::move(model), std::move(run)};
             return Dump(analysis::ForecastJson(f));
           },
           HexEncode(ByteSpan(h.data(), h.size())));
}

}  // namespace lifeline::server
