#include "analysis/headline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "analysis/format.h"

namespace lifeline::analysis {

using nlohmann::json;

const HeadlineFigure* Headline::Find(const std::string& key) const {
  for (const auto& f : figures) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

namespace {

// Appends record `id` (a record of the indicators' dataset) to `records`, in
// the order given.
void AppendId(const Indicators& ind, const std::string& id, RecordIds& records) {
  if (ind.record_ids != nullptr) records.Append(*ind.record_ids, ind.record_ids->Find(id).value_or(kNone));
}

std::string Bound(bool lower_bound) { return lower_bound ? "at_least" : "exact"; }

json OnePartyJson(const OnePartyPart& p) { return {{"value", p.value}, {"parties", p.parties}}; }

void BlockadeFigures(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  const Blockade& b = ind.blockade;
  HeadlineFigure f;
  f.key = "blockade.days";
  f.unit = "days";
  f.rule = "blockade_days";
  f.records = b.records;
  if (b.lifeline_routes.empty()) {
    f.bound = "unknown";
    f.reason = "no_lifeline_route";
  } else if (b.unknown == b.days) {
    f.bound = "unknown";  // no status of a lifeline route is in force in the range
    f.reason = "no_status";
    f.completeness = 0;
  } else {
    f.value = static_cast<double>(b.blockade_days);
    // Unknown days may have been blockade days too.
    f.bound = Bound(b.unknown > 0);
    f.completeness = b.days > 0 ? static_cast<double>(b.days - b.unknown) / static_cast<double>(b.days) : 0;
  }
  json routes = json::array();
  for (const auto& r : b.routes) {
    if (r.lifeline) routes.push_back({{"route", r.route}, {"name", r.name}});
  }
  f.detail = {{"days", b.days},
              {"fully_closed", b.fully_closed},
              {"partly_open", b.partly_open},
              {"open", b.open},
              {"unknown", b.unknown},
              {"first_day", OrNull(b.first_day)},
              {"last_day", OrNull(b.last_day)},
              {"routes", routes},
              {"lifeline_routes_from", b.lifeline_from_profile ? "case profile" : "routes with a baseline"}};
  out.push_back(std::move(f));
  for (const char* kind : {"closed", "medical", "humanitarian"}) {
    const Episode* e = b.Longest(kind);
    if (e == nullptr) continue;
    int64_t count = 0;
    for (const auto& x : b.episodes) count += x.kind == kind;
    HeadlineFigure g;
    g.key = std::string("blockade.longest.") + kind;
    g.value = static_cast<double>(e->days);
    // An episode running into an end of the range may be longer.
    g.bound = Bound(e->starts_at_range_start || e->ends_at_range_end);
    g.unit = "days";
    g.rule = "longest_episode";
    g.records = e->records;
    g.detail = {{"route", e->route}, {"from", e->from}, {"to", e->to}, {"episodes", count}};
    out.push_back(std::move(g));
  }
}

// Supplies are inbound cargo, by unit, and inbound vehicles when the
// baseline counts vehicles coming in only (trucks of supplies, as a crossing
// counts them); a two-way vehicle count is traffic, not supplies. The unit of
// a vehicle count is "vehicles".
std::optional<std::string> SupplyUnit(const BaselineComparison& bc) {
  if (bc.measure == "cargo") return bc.unit;
  if (bc.measure == "vehicles" && bc.directions == std::vector<std::string>{"in"}) return bc.measure;
  return std::nullopt;
}

void SupplyFigures(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  for (const auto& bc : ind.baselines) {
    std::optional<std::string> unit = SupplyUnit(bc);
    if (!unit || bc.periods.empty()) continue;
    const BaselinePeriod& all = bc.periods[0];
    HeadlineFigure f;
    f.key = "supply.baseline." + *unit;
    // Nothing reported or recorded in the range: no percentage ("at least
    // 0 %" would say nothing and read as a figure).
    bool nothing = all.delivered == 0 && all.completeness == 0;
    f.value = nothing ? std::nullopt : all.ratio;
    f.bound = f.value ? Bound(all.lower_bound) : "unknown";
    if (nothing) f.reason = "no_data";
    f.unit = "ratio";
    f.completeness = all.completeness;
    f.rule = "supply_against_baseline";
    f.records = all.records;
    json periods = json::array();
    for (size_t i = 1; i < bc.periods.size(); ++i) {
      const BaselinePeriod& p = bc.periods[i];
      periods.push_back({{"from", p.from},
                         {"to", p.to},
                         {"days", p.days},
                         {"delivered", p.delivered},
                         {"expected", p.expected},
                         {"ratio", OrNull(p.ratio)},
                         {"bound", p.qualifier},
                         {"report", p.report},
                         {"reported_by", p.reported_by}});
    }
    f.detail = {{"route", bc.route},
                {"baseline", bc.record},
                {"per_day", bc.per_day},
                {"unit", *unit},
                {"delivered", all.delivered},
                {"expected", all.expected},
                {"days", all.days},
                {"rule", all.rule},
                {"periods", periods},
                {"other_routes", {{"delivered", bc.other_routes_delivered}, {"records", bc.other_routes}}},
                {"one_party", OnePartyJson(all.one_party)}};
    out.push_back(std::move(f));
  }
  for (const auto& r : ind.requirements) {
    HeadlineFigure f;
    f.key = "supply.requirement." + r.record;
    f.value = r.ratio;
    f.bound = r.ratio ? Bound(r.delivered.lower_bound) : "unknown";
    f.unit = "ratio";
    f.completeness = r.delivered.completeness.Fraction();
    f.rule = "supply_against_requirement";
    f.records = r.delivered.records;
    AppendId(ind, r.record, f.records);
    f.detail = {{"requirement", r.record}, {"measure", r.measure}, {"commodity", r.commodity},
                {"unit", r.unit},          {"per_day", r.per_day}, {"weekly", r.weekly},
                {"basis", r.basis},        {"routes", r.routes},   {"from", r.from},
                {"to", r.to},              {"expected", r.expected}, {"delivered", r.delivered.best}};
    out.push_back(std::move(f));
  }
}

// A both-ways figure of a measure that also has a one-way figure repeats
// them (detail.repeats_one_way): the report and the dashboard show the
// one-way figures instead.
void MarkRepeatedBothWays(std::vector<HeadlineFigure>& out, size_t first) {
  for (size_t i = first; i < out.size(); ++i) {
    bool repeats = false;
    for (size_t j = first; j < out.size() && out[i].detail["direction"] == "both"; ++j) {
      repeats |= j != i && out[j].detail["measure"] == out[i].detail["measure"];
    }
    out[i].detail["repeats_one_way"] = repeats;
  }
}

void MovementFigures(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  const size_t first = out.size();
  for (const auto& e : ind.estimates) {
    if (e.outcome != "delivered" || e.measure == "cargo") continue;
    HeadlineFigure f;
    f.key = "movements." + e.measure + "." + e.direction;
    f.value = e.best;
    f.bound = Bound(e.lower_bound);
    f.unit = e.measure;
    f.completeness = e.completeness.Fraction();
    f.rule = "best_estimate";
    f.records = e.records;
    f.detail = EstimateJson(e);
    f.detail["one_party"] = OnePartyJson(OnePartyShare(e));
    out.push_back(std::move(f));
  }
  MarkRepeatedBothWays(out, first);
}

void NeedFigures(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  for (const auto& n : ind.totals.needs) {
    HeadlineFigure f;
    f.key = "need." + n.commodity;
    f.unit = "ratio";
    f.rule = "need_coverage";
    if (!n.assessed) {
      f.bound = "not_assessed";
      f.reason = "dependency_not_assessed";
    } else if (n.share && *n.share <= 0) {
      f.bound = "not_applicable";
      f.reason = "not_dependent";
    } else if (!n.coverage) {
      f.bound = "unknown";
      f.reason = n.reason;
    } else {
      f.value = n.coverage;
      f.bound = Bound(n.coverage_lower_bound);
    }
    if (n.estimate) {
      f.completeness = n.estimate->completeness.Fraction();
      f.records = n.estimate->records;
    }
    f.detail = {{"commodity", n.commodity},
                {"unit", n.unit},
                {"share", OrNull(n.share)},
                {"need", OrNull(n.need)},
                {"delivered", n.estimate ? n.estimate->best : n.delivered},
                {"days_need_unknown", n.days_need_unknown}};
    out.push_back(std::move(f));
  }
}

void CasualtyFigure(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  const CasualtyTotals& c = ind.totals.casualties;
  HeadlineFigure f;
  f.key = "casualties";
  f.unit = "persons";
  f.rule = "casualties_by_party";
  for (const auto& p : c.by_party) f.records.Unite(p.figures.records);
  f.detail = CasualtiesJson(c);
  f.detail["parties"] = ind.parties;
  out.push_back(std::move(f));  // no value: never one number across parties
}

void UtilityFigures(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  for (const auto& u : ind.totals.utilities) {
    HeadlineFigure f;
    f.key = "utilities." + u.utility;
    f.unit = "days";
    f.rule = "utilities";
    f.records = u.records;
    int64_t days = static_cast<int64_t>(ind.days.size());
    f.completeness = days > 0 ? static_cast<double>(days - u.days_unknown) / static_cast<double>(days) : 0;
    // The value: days without the utility's own supply (a cut supply line
    // or a cut of the service), a lower bound when days are unknown.
    int64_t cut_days = 0;
    for (const auto& d : ind.days) {
      for (const auto& x : d.utilities) {
        if (x.utility == u.utility && (x.supply_cut || x.hours >= 24)) ++cut_days;
      }
    }
    f.value = static_cast<double>(cut_days);
    f.bound = Bound(u.days_unknown > 0);
    f.detail = {{"days_supply_cut", u.days_supply_cut},
                {"first_supply_cut", OrNull(u.first_supply_cut)},
                {"last_supply_cut", OrNull(u.last_supply_cut)},
                {"days_without_service", u.days_without_service},
                {"hours_without_service", u.hours},
                {"days_scheduled", u.days_scheduled},
                {"max_scheduled_hours", u.max_scheduled},
                {"days_unknown", u.days_unknown}};
    out.push_back(std::move(f));
  }
}

void ComplianceFigures(const Indicators& ind, const Compliance& comp, std::vector<HeadlineFigure>& out) {
  for (const auto& o : comp.obligations) {
    HeadlineFigure f;
    f.key = "compliance." + o.obligation;
    f.unit = "days";
    f.rule = "compliance";
    AppendId(ind, o.obligation, f.records);
    if (!o.evaluable) {
      f.bound = "unknown";
      f.reason = o.reason;
    } else if (o.days_evaluated == 0) {
      f.bound = "unknown";  // the rule's days lie outside the range: 0 would read as compliance
      f.reason = "outside_range";
    } else {
      f.value = static_cast<double>(o.days_in_violation);
      f.bound = Bound(o.days_unknown > 0);
      f.completeness = o.days_evaluated > 0 ? static_cast<double>(o.days_evaluated - o.days_unknown) /
                                                  static_cast<double>(o.days_evaluated)
                                            : 0;
      std::set<std::string> ids;
      for (const auto& v : o.violations) ids.insert(v.records.begin(), v.records.end());
      for (const auto& id : ids) AppendId(ind, id, f.records);
    }
    f.detail = {{"title", o.title},
                {"instrument", o.instrument},
                {"route", o.route},
                {"for", o.rule_for},
                {"rule", RuleJson(o)},
                {"days_evaluated", o.days_evaluated},
                {"days_in_compliance", o.days_in_compliance},
                {"days_unknown", o.days_unknown},
                {"first_violation", OrNull(o.first_violation)},
                {"last_violation", OrNull(o.last_violation)}};
    out.push_back(std::move(f));
  }
}

void StoppedFigure(const Indicators& ind, std::vector<HeadlineFigure>& out) {
  json stopped = json::array();
  RecordIds records;
  std::vector<int32_t> movements;  // single-day records: one movement each
  for (const auto& e : ind.estimates) {
    if (e.outcome != "stopped") continue;
    stopped.push_back({{"measure", e.measure}, {"direction", e.direction}, {"unit", e.unit}, {"best", e.best},
                       {"bound", Bound(e.lower_bound)}});
    records.Unite(e.records);
    std::set<std::string> reports;
    for (const auto& r : e.reports) reports.insert({r.record, r.paired});
    for (size_t i = 0; i < e.records.size(); ++i) {
      if (!reports.count(std::string(e.records[i]))) movements.push_back(e.records.indices()[i]);
    }
  }
  if (stopped.empty()) return;
  HeadlineFigure f;
  f.key = "stopped";
  f.unit = "movements";
  // A period report of stopped convoys is not one movement: the count is
  // of the single-day records, at least what happened.
  std::sort(movements.begin(), movements.end());
  f.value = static_cast<double>(std::unique(movements.begin(), movements.end()) - movements.begin());
  f.bound = "at_least";
  f.rule = "stopped";
  f.records = std::move(records);
  f.detail = {{"figures", stopped}};
  out.push_back(std::move(f));
}

}  // namespace

Headline ComputeHeadline(const Indicators& ind, const Compliance& comp) {
  Headline h{ind.case_id, ind.case_title, ind.checkpoint, ind.from, ind.to, {}};
  BlockadeFigures(ind, h.figures);
  SupplyFigures(ind, h.figures);
  MovementFigures(ind, h.figures);
  NeedFigures(ind, h.figures);
  CasualtyFigure(ind, h.figures);
  UtilityFigures(ind, h.figures);
  ComplianceFigures(ind, comp, h.figures);
  StoppedFigure(ind, h.figures);
  return h;
}

json HeadlineJson(const Headline& h) {
  json figures = json::array();
  for (const auto& f : h.figures) {
    figures.push_back({{"key", f.key},
                       {"value", OrNull(f.value)},
                       {"bound", f.bound},
                       {"unit", f.unit},
                       {"completeness", OrNull(f.completeness)},
                       {"rule", f.rule},
                       {"reason", f.reason.empty() ? json(nullptr) : json(f.reason)},
                       {"detail", f.detail},
                       {"records", f.records}});
  }
  return {{"case", h.case_id},
          {"title", h.title},
          {"checkpoint", {{"size", h.checkpoint.size}, {"root", h.checkpoint.root}}},
          {"from", h.from},
          {"to", h.to},
          {"figures", figures}};
}

namespace {

std::string FixedText(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Value(const HeadlineFigure& f) {
  if (!f.value) {
    if (f.bound == "not_assessed") return "not assessed";
    return f.bound == "not_applicable" ? "not applicable" : "unknown";
  }
  std::string v = f.unit == "ratio" ? FixedText(*f.value * 100, 1) + " %" : FixedText(*f.value) + " " + f.unit;
  return (f.bound == "at_least" ? "at least " : "") + v;
}

// How much of a figure rests on totals a party to the conflict gave, and
// whose: "; 4887 of it by a party's own count (Hamas)", or "".
std::string OnePartyText(const HeadlineFigure& f) {
  if (!f.detail.contains("one_party") || f.detail["one_party"]["value"].get<double>() == 0) return "";
  std::string names;
  for (const auto& p : f.detail["one_party"]["parties"]) names += (names.empty() ? "" : ", ") + p.get<std::string>();
  return "; " + FixedText(f.detail["one_party"]["value"].get<double>()) + " of it by a party's own count (" + names + ")";
}

}  // namespace

std::string HeadlineTable(const Headline& h, bool explain) {
  std::ostringstream o;
  o << "Headline figures for case " << h.case_id << ", " << h.from << " .. " << h.to << "\n"
    << "checkpoint: tree size " << h.checkpoint.size << ", root " << h.checkpoint.root << "\n\n";
  for (const auto& f : h.figures) {
    o << "  " << f.key << ": ";
    if (f.key == "casualties") {
      o << (f.detail["by_party"].empty() ? "none recorded" : "by party (killed low/best/high):");
      for (const auto& p : f.detail["by_party"]) {
        const auto& fat = p["fatalities"];
        o << "\n    " << (p["party"].is_null() ? std::string("party not stated") : p["party"].get<std::string>())
          << ": " << fat["low"].get<int64_t>() << "/" << fat["best"].get<int64_t>() << "/"
          << fat["high"].get<int64_t>();
        if (p["injuries"].get<int64_t>() > 0) o << ", " << p["injuries"].get<int64_t>() << " injured";
        if (p["one_party_best"].get<int64_t>() > 0) {
          o << " (" << p["one_party_best"].get<int64_t>() << " by a party's own count)";
        }
      }
    } else {
      o << Value(f) << OnePartyText(f);
      if (f.completeness && f.bound != "not_applicable") o << "; observed " << FixedText(*f.completeness * 100) << " % of the days";
      if (!f.reason.empty()) o << " (" << f.reason << ")";
    }
    o << "\n";
    if (explain && !f.records.empty()) {
      o << "    records:";
      for (const auto& r : f.records) o << " " << r;
      o << "\n";
    }
  }
  return o.str();
}

}  // namespace lifeline::analysis
