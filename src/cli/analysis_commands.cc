// The analysis commands: indicators, compliance, headline, severity and forecast. Each reads a
// store at a checkpoint whose signature is checked with the store's verifier
// key, loads the case's current records into the columnar dataset, and
// prints table, CSV or JSON naming that checkpoint.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "analysis/compliance.h"
#include "analysis/dataset.h"
#include "analysis/forecast.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "analysis/severity.h"
#include "analysis/verified.h"
#include "base/bytes.h"
#include "cli/common.h"
#include "store_dir/store_dir.h"
#include "note/checkpoint.h"
#include "record/values.h"

namespace lifeline::cli {
namespace {

struct AnalysisArgs {
  std::string case_id, from, to, format;
  int64_t at = -1;  // -1: the latest checkpoint
  bool explain = false;
  // severity only: day | week
  std::string by = "day";
  // forecast only
  std::string scenario;
  int64_t trajectories = -1;  // -1: the scenario's
  std::optional<uint64_t> seed;
};

Result<int32_t> ParseDay(const std::string& s, const char* flag) {
  if (s.empty()) return analysis::kNoDay;
  auto d = record::ParseDate(s);
  if (!d.ok()) return d.status().Annotate(flag);
  return static_cast<int32_t>(d->days);
}

// The dataset and its checkpoint, after checking the checkpoint's signature.
struct Loaded {
  analysis::Dataset ds;
  analysis::CheckpointRef cp;
  int32_t from = analysis::kNoDay, to = analysis::kNoDay;
};

Result<Loaded> Load(const Globals& g, const AnalysisArgs& a) {
  if (a.format != "table" && a.format != "csv" && a.format != "json") {
    return InvalidArgumentError("--format must be table, csv or json, not \"" + a.format + "\"");
  }
  Loaded l;
  LIFELINE_ASSIGN_OR_RETURN(l.from, ParseDay(a.from, "--from"));
  LIFELINE_ASSIGN_OR_RETURN(l.to, ParseDay(a.to, "--to"));
  if (l.from != analysis::kNoDay && l.to != analysis::kNoDay && l.from > l.to) {
    return InvalidArgumentError("--from " + a.from + " is after --to " + a.to);
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string dir, StoreDir(g));
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(dir));
  std::optional<uint64_t> at;
  if (a.at >= 0) at = static_cast<uint64_t>(a.at);
  auto v = analysis::LoadVerifiedDataset(*rs.store, rs.verifier, a.case_id, at);
  if (!v.ok()) {
    if (at && v.status().code() == ErrorCode::kNotFound &&
        v.status().message().rfind("no checkpoint of size", 0) == 0) {
      return NotFoundError(v.status().message() + " (--at)");
    }
    return v.status();
  }
  l.ds = std::move(v->ds);
  l.cp = std::move(v->cp);
  // Records left out for a far date: said on stderr (and in the JSON).
  if (!g.quiet && !g.json) {
    for (const auto& s : l.ds.skipped) std::cerr << "warning: " << s.message << "\n";
  }
  return l;
}

void Print(const Globals& g, const analysis::Dataset& ds, const std::string& format, analysis::JsonMembers members,
           const std::string& csv, const std::string& table) {
  if (g.json || format == "json") {
    members.push_back({"ok", [](analysis::JsonWriter& w) { w.Value(true); }});
    if (!ds.skipped.empty()) {
      members.push_back({"skipped_records", [&ds](analysis::JsonWriter& w) {
                           nlohmann::json skipped = nlohmann::json::array();
                           for (const auto& s : ds.skipped) {
                             skipped.push_back(
                                 {{"id", s.id}, {"entry", s.index}, {"field", s.field}, {"message", s.message}});
                           }
                           w.Value(skipped);
                         }});
    }
    // Streamed to stdout: what dump() of the whole object writes, without
    // holding it (on a large case the DOM was most of the peak memory).
    analysis::JsonWriter w(std::cout, g.json ? -1 : 2);
    analysis::WriteObject(w, std::move(members));
    w.Flush();
    std::cout << "\n";
  } else if (format == "csv") {
    std::cout << csv;
  } else {
    std::cout << table;
  }
}

int CmdIndicators(const Globals& g, const AnalysisArgs& a) {
  auto l = Load(g, a);
  if (!l.ok()) return Fail(g, l.status());
  analysis::IndicatorOptions opts;
  opts.from = l->from;
  opts.to = l->to;
  // Record lists cost memory on large cases: only when they are shown.
  opts.explain = g.json || a.format != "table" || a.explain;
  auto ind = analysis::ComputeIndicators(l->ds, l->cp, opts);
  if (!ind.ok()) return Fail(g, ind.status());
  bool json = g.json || a.format == "json";
  Print(g, l->ds, a.format, json ? analysis::IndicatorsMembers(*ind) : analysis::JsonMembers(),
        a.format == "csv" ? analysis::IndicatorsCsv(*ind) : "",
        a.format == "table" ? analysis::IndicatorsTable(*ind, a.explain) : "");
  return 0;
}

int CmdCompliance(const Globals& g, const AnalysisArgs& a) {
  auto l = Load(g, a);
  if (!l.ok()) return Fail(g, l.status());
  auto c = analysis::ComputeCompliance(l->ds, l->cp, l->from, l->to);
  if (!c.ok()) return Fail(g, c.status());
  bool json = g.json || a.format == "json";
  Print(g, l->ds, a.format, json ? analysis::MembersOf(analysis::ComplianceJson(*c)) : analysis::JsonMembers(),
        a.format == "csv" ? analysis::ComplianceCsv(*c) : "",
        a.format == "table" ? analysis::ComplianceTable(*c, a.explain) : "");
  return 0;
}

int CmdSeverity(const Globals& g, const AnalysisArgs& a) {
  if (a.format == "csv") return Fail(g, InvalidArgumentError("severity: --format must be table or json"));
  if (a.by != "day" && a.by != "week") {
    return Fail(g, InvalidArgumentError("--by must be day or week, not \"" + a.by + "\""));
  }
  auto l = Load(g, a);
  if (!l.ok()) return Fail(g, l.status());
  auto s = analysis::ComputeSeverity(l->ds, l->cp, l->from, l->to,
                                     a.by == "week" ? analysis::SeverityBy::kWeek : analysis::SeverityBy::kDay);
  if (!s.ok()) return Fail(g, s.status());
  bool json = g.json || a.format == "json";
  Print(g, l->ds, a.format, json ? analysis::MembersOf(analysis::SeverityJson(*s)) : analysis::JsonMembers(), "",
        a.format == "table" ? analysis::SeverityTable(*s, a.explain) : "");
  return 0;
}

int CmdHeadline(const Globals& g, const AnalysisArgs& a) {
  if (a.format == "csv") return Fail(g, InvalidArgumentError("headline: --format must be table or json"));
  auto l = Load(g, a);
  if (!l.ok()) return Fail(g, l.status());
  analysis::IndicatorOptions opts;
  opts.from = l->from;
  opts.to = l->to;
  opts.explain = true;  // each figure names its records
  auto ind = analysis::ComputeIndicators(l->ds, l->cp, opts);
  if (!ind.ok()) return Fail(g, ind.status());
  auto c = analysis::ComputeCompliance(l->ds, l->cp, l->from, l->to);
  if (!c.ok()) return Fail(g, c.status());
  analysis::Headline h = analysis::ComputeHeadline(*ind, *c);
  bool json = g.json || a.format == "json";
  Print(g, l->ds, a.format, json ? analysis::MembersOf(analysis::HeadlineJson(h)) : analysis::JsonMembers(), "",
        a.format == "table" ? analysis::HeadlineTable(h, a.explain) : "");
  return 0;
}

int CmdForecast(const Globals& g, const AnalysisArgs& a) {
  // The scenario first: a bad file fails before the store is opened.
  auto text = store_dir::ReadFile(a.scenario);
  if (!text.ok()) return Fail(g, text.status().Annotate("reading the scenario"));
  auto sc = analysis::ParseScenario(*text, a.scenario);
  if (!sc.ok()) return Fail(g, sc.status());
  if (a.trajectories >= 0) {
    if (a.trajectories < 1 || a.trajectories > analysis::kMaxTrajectories) {
      return Fail(g, InvalidArgumentError("--trajectories must be between 1 and " +
                                          std::to_string(analysis::kMaxTrajectories)));
    }
    sc->trajectories = a.trajectories;
  }
  if (a.seed) sc->seed = *a.seed;
  auto l = Load(g, a);
  if (!l.ok()) return Fail(g, l.status());
  auto model = analysis::FitForecast(l->ds, *sc);
  if (!model.ok()) return Fail(g, model.status().Annotate(a.scenario));
  auto run = analysis::RunForecast(*model);
  if (!run.ok()) return Fail(g, run.status());
  analysis::Forecast f{a.case_id, l->cp, a.scenario, std::move(*model), std::move(*run)};
  bool json = g.json || a.format == "json";
  Print(g, l->ds, a.format, json ? analysis::MembersOf(analysis::ForecastJson(f)) : analysis::JsonMembers(),
        a.format == "csv" ? analysis::ForecastCsv(f) : "", a.format == "table" ? analysis::ForecastTable(f) : "");
  return 0;
}

void AddCommon(CLI::App* cmd, AnalysisArgs& a) {
  cmd->add_option("--case", a.case_id, "case id")->required();
  cmd->add_option("--from", a.from, "first day (YYYY-MM-DD; default: the case's start)");
  cmd->add_option("--to", a.to, "last day (default: the case's end, else the last record's day)");
  cmd->add_option("--format", a.format, "table (default), csv or json");
  cmd->add_option("--at", a.at, "the checkpoint (tree size) to compute from (default: the latest)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--explain", a.explain, "table: list the record ids behind each value");
}

}  // namespace

void AddAnalysisCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto ind = std::make_shared<AnalysisArgs>();
  ind->format = "table";
  auto* ic = app.add_subcommand("indicators", "daily indicators of a case: routes, movements, cargo, needs, outages, incidents");
  AddCommon(ic, *ind);
  ic->callback([&, ind] { action = [&, ind] { return CmdIndicators(g, *ind); }; });

  auto comp = std::make_shared<AnalysisArgs>();
  comp->format = "table";
  auto* cc = app.add_subcommand("compliance", "each obligation's rule evaluated day by day, with the records that show it");
  AddCommon(cc, *comp);
  cc->callback([&, comp] { action = [&, comp] { return CmdCompliance(g, *comp); }; });

  auto head = std::make_shared<AnalysisArgs>();
  head->format = "table";
  auto* hc = app.add_subcommand(
      "headline", "the headline figures: blockade days, supply against the baseline, best estimates, casualties by "
                  "party, utilities, compliance (docs/analysis.md)");
  AddCommon(hc, *head);
  hc->callback([&, head] { action = [&, head] { return CmdHeadline(g, *head); }; });

  auto sev = std::make_shared<AnalysisArgs>();
  sev->format = "table";
  auto* sc = app.add_subcommand("severity", "siege severity per day or week: six criteria with their records and a "
                                            "class by a stated rule (docs/analysis.md)");
  AddCommon(sc, *sev);
  sc->add_option("--by", sev->by, "day (default) or week");
  sc->callback([&, sev] { action = [&, sev] { return CmdSeverity(g, *sev); }; });

  auto fc = std::make_shared<AnalysisArgs>();
  fc->format = "table";
  auto* fcmd = app.add_subcommand("forecast", "stocks under uncertainty: Monte Carlo over a scenario (TOML)");
  fcmd->add_option("--case", fc->case_id, "case id")->required();
  fcmd->add_option("--scenario", fc->scenario, "scenario file (TOML; see docs/analysis.md)")->required();
  fcmd->add_option("--format", fc->format, "table (default), csv or json");
  fcmd->add_option("--at", fc->at, "the checkpoint (tree size) to compute from (default: the latest)")
      ->check(CLI::NonNegativeNumber);
  fcmd->add_option("--trajectories", fc->trajectories, "number of trajectories (default: the scenario's)");
  fcmd->add_option("--seed", fc->seed, "random seed (default: the scenario's)");
  fcmd->callback([&, fc] { action = [&, fc] { return CmdForecast(g, *fc); }; });
}

}  // namespace lifeline::cli
