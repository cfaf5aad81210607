#include "alerts/evaluate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "analysis/severity.h"
#include "record/values.h"

namespace lifeline::alerts {

namespace {

using analysis::Dataset;
using analysis::Indicators;

int32_t DayOfInstant(int64_t t) { return static_cast<int32_t>(t >= 0 ? t / 86400 : -((-t + 86399) / 86400)); }

std::string DayString(int32_t d) { return record::FormatDate(record::Day{d}); }

std::string InstantString(int64_t t) {
  int32_t d = DayOfInstant(t);
  int64_t s = t - int64_t{d} * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return DayString(d) + buf;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// A run of consecutive day indexes [first, last] into ind.days.
struct Run {
  size_t first, last;
};

// Maximal runs of days where cond holds, at least `min_days` long.
std::vector<Run> Runs(const std::vector<bool>& cond, int64_t min_days) {
  std::vector<Run> runs;
  size_t i = 0;
  while (i < cond.size()) {
    if (!cond[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < cond.size() && cond[j + 1]) ++j;
    if (static_cast<int64_t>(j - i + 1) >= min_days) runs.push_back({i, j});
    i = j + 1;
  }
  return runs;
}

AlertEvent NewEvent(const Rule& rule, const Indicators& ind, const std::string& first_day, const std::string& last_day,
                    const std::string& key_suffix) {
  AlertEvent e;
  e.key = rule.id + "/" + ind.case_id + "/" + key_suffix;
  e.rule_id = rule.id;
  e.case_id = ind.case_id;
  e.severity = rule.severity;
  e.type = rule.type;
  e.first_day = first_day;
  e.last_day = last_day;
  e.checkpoint = ind.checkpoint;
  return e;
}

std::string Period(const AlertEvent& e) {
  return e.first_day + " .. " + e.last_day + (e.ongoing ? " (ongoing)" : "");
}

void Finish(const Rule& rule, const std::string& default_title, std::set<std::string> records, AlertEvent e,
            Evaluation* out) {
  e.title = rule.title.empty() ? default_title : rule.title;
  e.records.assign(records.begin(), records.end());
  out->events.push_back(std::move(e));
}

void RouteClosed(const Rule& rule, const Indicators& ind, Evaluation* out) {
  std::vector<bool> closed(ind.days.size(), false);
  bool seen = false;
  for (size_t d = 0; d < ind.days.size(); ++d) {
    for (const auto& r : ind.days[d].routes) {
      if (r.route != rule.route) continue;
      seen = true;
      closed[d] = r.state == analysis::RouteState::kClosed;
    }
  }
  if (!seen) {
    out->warnings.push_back("rule " + rule.id + ": the case has no status of route \"" + rule.route + "\" in " +
                            ind.from + " .. " + ind.to);
  }
  for (const Run& run : Runs(closed, rule.days)) {
    AlertEvent e = NewEvent(rule, ind, ind.days[run.first].date, ind.days[run.last].date, ind.days[run.first].date);
    e.ongoing = run.last + 1 == ind.days.size();
    e.days = static_cast<int64_t>(run.last - run.first + 1);
    std::set<std::string> records;
    for (size_t d = run.first; d <= run.last; ++d) {
      for (const auto& r : ind.days[d].routes) {
        if (r.route == rule.route) records.insert(r.records.begin(), r.records.end());
      }
    }
    e.values = {{"route", rule.route}, {"days_closed", e.days}};
    e.summary = rule.route + " closed " + std::to_string(e.days) + (e.days == 1 ? " day" : " days") + ": " + Period(e);
    Finish(rule, "Route " + rule.route + " closed", std::move(records), std::move(e), out);
  }
}

void NoPatientTransfer(const Rule& rule, const Dataset& ds, const Indicators& ind, Evaluation* out) {
  // From the dataset rather than the indicators' per-operator flows: the
  // flows' record lists name every movement of an operator, and the alert
  // should name the transfers themselves. The selection is the indicators'
  // (completed, single-day) so the two never disagree on a day.
  const int32_t from = static_cast<int32_t>(record::ParseDate(ind.from)->days);
  std::vector<std::vector<int32_t>> transfers(ind.days.size());
  const auto& m = ds.movements;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.outcome[i] != analysis::Outcome::kCompleted || m.PeriodFromAt(i) != analysis::kNoDay || m.patients[i] <= 0) {
      continue;
    }
    int64_t d = int64_t{m.day[i]} - from;
    if (d < 0 || d >= static_cast<int64_t>(ind.days.size())) continue;
    transfers[static_cast<size_t>(d)].push_back(static_cast<int32_t>(i));
  }
  std::vector<bool> none(ind.days.size());
  for (size_t d = 0; d < none.size(); ++d) none[d] = transfers[d].empty();
  // A source's total of transfers over a period (the ICRC's "24 patients
  // since 14 Jul") that falls wholly on days without a recorded transfer
  // says transfers happened on some of them: those days are not part of a
  // run without transfers (the run is split around them), and the report
  // names them.
  const int64_t ndays = static_cast<int64_t>(ind.days.size());
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.outcome[i] != analysis::Outcome::kCompleted || m.PeriodFromAt(i) == analysis::kNoDay || m.patients[i] <= 0) {
      continue;
    }
    int64_t a = int64_t{m.PeriodFromAt(i)} - from, b = int64_t{m.PeriodToAt(i)} - from;
    if (a < 0 || b >= ndays) continue;
    bool all_none = true;
    for (int64_t d = a; d <= b; ++d) all_none = all_none && none[static_cast<size_t>(d)];
    if (!all_none) continue;
    for (int64_t d = a; d <= b; ++d) {
      none[static_cast<size_t>(d)] = false;
      transfers[static_cast<size_t>(d)].push_back(static_cast<int32_t>(i));
    }
  }
  for (const Run& run : Runs(none, rule.days)) {
    AlertEvent e = NewEvent(rule, ind, ind.days[run.first].date, ind.days[run.last].date, ind.days[run.first].date);
    e.ongoing = run.last + 1 == ind.days.size();
    e.days = static_cast<int64_t>(run.last - run.first + 1);
    // The records that bound the run: the transfers of the day before it
    // and of the day after it, when in the range.
    std::set<std::string> records;
    nlohmann::json last = nullptr, next = nullptr;
    if (run.first > 0) {
      last = ind.days[run.first - 1].date;
      for (int32_t i : transfers[run.first - 1]) records.emplace(ds.ids.at(m.record[static_cast<size_t>(i)]));
    }
    if (run.last + 1 < ind.days.size()) {
      next = ind.days[run.last + 1].date;
      for (int32_t i : transfers[run.last + 1]) records.emplace(ds.ids.at(m.record[static_cast<size_t>(i)]));
    }
    e.values = {{"days_without_transfer", e.days}, {"last_transfer_before", last}, {"next_transfer", next}};
    e.summary = "no patient transfer recorded for " + std::to_string(e.days) + " days: " + Period(e);
    if (last.is_null()) e.summary += "; no transfer recorded since the start of the range (" + ind.from + ")";
    Finish(rule, "No patient transfer for " + std::to_string(e.days) + " days", std::move(records), std::move(e), out);
  }
}

void CoverageBelow(const Rule& rule, const Indicators& ind, Evaluation* out) {
  // The need standards of the commodity (in the rule's unit if it gives one).
  std::set<std::string> units;
  for (const auto& day : ind.days) {
    for (const auto& n : day.needs) {
      if (n.commodity == rule.commodity && (rule.unit.empty() || n.unit == rule.unit)) units.insert(n.unit);
    }
  }
  if (units.empty()) {
    out->warnings.push_back("rule " + rule.id + ": the case has no need for \"" + rule.commodity + "\"" +
                            (rule.unit.empty() ? "" : " in " + rule.unit));
    return;
  }
  const double threshold = rule.percent / 100.0;
  // One series per unit: a commodity with needs in two units (kcal and kg)
  // gives two independent conditions. The key carries the unit only then.
  for (const std::string& unit : units) {
    std::vector<const analysis::NeedDay*> need(ind.days.size(), nullptr);
    std::vector<bool> below(ind.days.size(), false);
    for (size_t d = 0; d < ind.days.size(); ++d) {
      for (const auto& n : ind.days[d].needs) {
        if (n.commodity == rule.commodity && n.unit == unit) need[d] = &n;
      }
      below[d] = need[d] != nullptr && need[d]->coverage && *need[d]->coverage < threshold;
    }
    for (const Run& run : Runs(below, rule.days)) {
      std::string suffix = ind.days[run.first].date + (units.size() > 1 ? "/" + unit : "");
      AlertEvent e = NewEvent(rule, ind, ind.days[run.first].date, ind.days[run.last].date, suffix);
      e.ongoing = run.last + 1 == ind.days.size();
      e.days = static_cast<int64_t>(run.last - run.first + 1);
      double delivered = 0, total_need = 0, min_cov = 1e300;
      std::set<std::string> records;
      for (size_t d = run.first; d <= run.last; ++d) {
        delivered += need[d]->delivered;
        total_need += need[d]->need.value_or(0);
        min_cov = std::min(min_cov, *need[d]->coverage);
        records.insert(need[d]->records.begin(), need[d]->records.end());
      }
      const double cov = total_need > 0 ? delivered / total_need : 0;
      e.values = {{"commodity", rule.commodity},
                  {"unit", unit},
                  {"threshold_percent", rule.percent},
                  {"days_below", e.days},
                  {"need", total_need},
                  {"delivered", delivered},
                  {"coverage", cov},
                  {"min_daily_coverage", min_cov},
                  {"shortfall", std::max(0.0, total_need - delivered)}};
      e.summary = rule.commodity + " coverage below " + Number(rule.percent) + " % for " + std::to_string(e.days) +
                  " days: " + Period(e) + "; delivered " + Number(delivered) + " " + unit + " of a need of " +
                  Number(total_need) + " " + unit + " (" + Number(std::round(cov * 1000) / 10) + " %)";
      Finish(rule, rule.commodity + " coverage below " + Number(rule.percent) + " %", std::move(records), std::move(e),
             out);
    }
  }
}

void UtilityOut(const Rule& rule, const Dataset& ds, const Indicators& ind, Evaluation* out) {
  auto u = ds.utilities.Find(rule.utility);
  if (!u) {
    out->warnings.push_back("rule " + rule.id + ": the case has no outage of \"" + rule.utility + "\"");
    return;
  }
  // Exact intervals, not the indicators' hours per day: a 30-hour cut over
  // midnight and two 15-hour cuts on separate days give the same daily
  // hours, but only the first is 30 hours without the utility.
  const int64_t range_from = int64_t{record::ParseDate(ind.from)->days} * 86400;
  const int64_t range_end = (int64_t{record::ParseDate(ind.to)->days} + 1) * 86400;
  std::vector<size_t> rows;
  // Cuts of the service only: a cut supply line while service continues
  // locally is not the utility out.
  for (size_t i = 0; i < ds.outages.size(); ++i) {
    if (ds.outages.utility[i] == *u && ds.outages.scope[i] == analysis::OutageScope::kService) rows.push_back(i);
  }
  std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return ds.outages.from[a] < ds.outages.from[b]; });
  // An outage without `until` lasts to its `confirmed_until` when a source
  // confirms it that far (then its restoration is not recorded), else to
  // the end of the range, ongoing (kForever).
  auto end_of = [&](size_t r) {
    return ds.outages.until[r] != analysis::kForever ? ds.outages.until[r] : ds.outages.confirmed_until[r];
  };
  size_t i = 0;
  while (i < rows.size()) {
    const int64_t start = ds.outages.from[rows[i]];
    int64_t end = end_of(rows[i]);
    bool restoration_recorded = ds.outages.until[rows[i]] != analysis::kForever;
    std::set<std::string> records = {std::string(ds.ids.at(ds.outages.record[rows[i]]))};
    size_t j = i + 1;
    // Merge outages that overlap or touch this one.
    while (j < rows.size() && ds.outages.from[rows[j]] <= end) {
      if (end_of(rows[j]) >= end) restoration_recorded = ds.outages.until[rows[j]] != analysis::kForever;
      end = std::max(end, end_of(rows[j]));
      records.insert(std::string(ds.ids.at(ds.outages.record[rows[j]])));
      ++j;
    }
    i = j;
    const bool unrestored = end == analysis::kForever;
    // Only episodes that touch the range; an unrestored one ends with it.
    if (start >= range_end || (!unrestored && end <= range_from)) continue;
    const int64_t stop = unrestored ? range_end : end;
    if (stop <= start) continue;
    const double hours = static_cast<double>(stop - start) / 3600.0;
    if (hours < rule.hours) continue;
    AlertEvent e = NewEvent(rule, ind, DayString(DayOfInstant(start)), DayString(DayOfInstant(stop - 1)),
                            InstantString(start));
    e.ongoing = unrestored;
    e.days = DayOfInstant(stop - 1) - DayOfInstant(start) + 1;
    e.hours = hours;
    e.values = {{"utility", rule.utility},
                {"from", InstantString(start)},
                {"until", unrestored ? nlohmann::json(nullptr) : nlohmann::json(InstantString(end))},
                {"hours", hours},
                {"restored", !unrestored && restoration_recorded}};
    e.summary = rule.utility + " out for " + Number(std::round(hours * 10) / 10) + " hours from " +
                InstantString(start) +
                (unrestored ? " (not restored in the records; counted to the end of " + ind.to + ")"
                 : restoration_recorded
                     ? " to " + InstantString(end)
                     : " to " + InstantString(end) + " (as far as a source confirms it; restoration not recorded)");
    Finish(rule, rule.utility + " out for " + Number(rule.hours) + " hours or more", std::move(records), std::move(e),
           out);
  }
}

// One alert per day whose siege severity class (analysis/severity.h) differs
// from the last known class before it; unknown days are skipped, so a
// change is always between two known classes.
void SeverityChanged(const Rule& rule, const Dataset& ds, const Indicators& ind, Evaluation* out) {
  auto from = record::ParseDate(ind.from);
  auto to = record::ParseDate(ind.to);
  if (!from.ok() || !to.ok()) return;
  auto sev = analysis::ComputeSeverity(ds, ind.checkpoint, static_cast<int32_t>(from->days),
                                       static_cast<int32_t>(to->days));
  if (!sev.ok()) {
    out->warnings.push_back("rule " + rule.id + ": " + sev.status().message());
    return;
  }
  const analysis::SeverityPeriod* last = nullptr;
  for (const analysis::SeverityPeriod& day : sev->periods) {
    if (day.cls == analysis::SeverityClass::kUnknown) continue;
    if (last != nullptr && last->cls != day.cls) {
      AlertEvent e = NewEvent(rule, ind, day.from, day.from, day.from);
      e.ongoing = day.from == ind.to;
      e.days = 1;
      const std::string was(analysis::SeverityClassName(last->cls)), now(analysis::SeverityClassName(day.cls));
      e.values = {{"from_class", was}, {"to_class", now}, {"previous_day", last->from}};
      for (size_t c = 0; c < analysis::kCriteria; ++c) {
        e.values["criteria"][std::string(analysis::CriterionName(static_cast<analysis::Criterion>(c)))] =
            analysis::AnswerName(day.criteria[c].answer);
      }
      std::set<std::string> records;
      for (const auto& c : day.criteria) records.insert(c.records.begin(), c.records.end());
      e.summary = "siege severity " + was + " -> " + now + " on " + day.from + " (last known " + last->from + ")";
      Finish(rule, "Siege severity now " + now, std::move(records), std::move(e), out);
    }
    last = &day;
  }
}

}  // namespace

void EvaluateRule(const Rule& rule, const Dataset& ds, const Indicators& ind, Evaluation* out) {
  switch (rule.type) {
    case RuleType::kRouteClosed: RouteClosed(rule, ind, out); break;
    case RuleType::kNoPatientTransfer: NoPatientTransfer(rule, ds, ind, out); break;
    case RuleType::kCoverageBelow: CoverageBelow(rule, ind, out); break;
    case RuleType::kUtilityOut: UtilityOut(rule, ds, ind, out); break;
    case RuleType::kSeverityChanged: SeverityChanged(rule, ds, ind, out); break;
  }
}

Result<Evaluation> Evaluate(const RuleSet& rules, const Dataset& ds, const analysis::CheckpointRef& cp) {
  Evaluation out;
  bool any = false;
  for (const Rule& r : rules.rules) any = any || r.case_id == ds.case_id;
  if (!any) return out;
  analysis::IndicatorOptions opts;
  opts.explain = true;
  LIFELINE_ASSIGN_OR_RETURN(Indicators ind, analysis::ComputeIndicators(ds, cp, opts));
  for (const Rule& r : rules.rules) {
    if (r.case_id == ds.case_id) EvaluateRule(r, ds, ind, &out);
  }
  return out;
}

nlohmann::json EventJson(const AlertEvent& e) {
  nlohmann::json j = {{"key", e.key},
                      {"rule", e.rule_id},
                      {"case", e.case_id},
                      {"type", RuleTypeName(e.type)},
                      {"severity", e.severity},
                      {"title", e.title},
                      {"summary", e.summary},
                      {"first_day", e.first_day},
                      {"last_day", e.last_day},
                      {"ongoing", e.ongoing},
                      {"days", e.days},
                      {"values", e.values.is_null() ? nlohmann::json::object() : e.values},
                      {"records", e.records},
                      {"checkpoint", {{"size", e.checkpoint.size}, {"root", e.checkpoint.root}}}};
  if (e.type == RuleType::kUtilityOut) j["hours"] = e.hours;
  return j;
}

Result<AlertEvent> EventFromJson(const nlohmann::json& j) {
  // Assignments below throw on a wrong type: nlohmann's exceptions are
  // caught here, the one place events are read back.
  try {
    AlertEvent e;
    e.key = j.at("key").get<std::string>();
    e.rule_id = j.at("rule").get<std::string>();
    e.case_id = j.at("case").get<std::string>();
    std::string type = j.at("type").get<std::string>();
    bool found = false;
    for (RuleType t : {RuleType::kNoPatientTransfer, RuleType::kCoverageBelow, RuleType::kRouteClosed,
                       RuleType::kUtilityOut, RuleType::kSeverityChanged}) {
      if (RuleTypeName(t) == type) {
        e.type = t;
        found = true;
      }
    }
    if (!found) return CorruptionError("unknown alert type \"" + type + "\"");
    e.severity = j.at("severity").get<std::string>();
    e.title = j.at("title").get<std::string>();
    e.summary = j.at("summary").get<std::string>();
    e.first_day = j.at("first_day").get<std::string>();
    e.last_day = j.at("last_day").get<std::string>();
    e.ongoing = j.at("ongoing").get<bool>();
    e.days = j.at("days").get<int64_t>();
    if (j.contains("hours")) e.hours = j.at("hours").get<double>();
    e.values = j.at("values");
    e.records = j.at("records").get<std::vector<std::string>>();
    e.checkpoint.size = j.at("checkpoint").at("size").get<uint64_t>();
    e.checkpoint.root = j.at("checkpoint").at("root").get<std::string>();
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return CorruptionError(std::string("alert event: ") + ex.what());
  }
}

}  // namespace lifeline::alerts
