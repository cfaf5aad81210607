#include "analysis/format.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "record/values.h"

namespace lifeline::analysis {

using nlohmann::json;

namespace {

json CheckpointJson(const CheckpointRef& cp) { return {{"size", cp.size}, {"root", cp.root}}; }

// The members of FlowsJson and CargoJson but their records: the totals
// write those lists streamed (WithRecords), every movement's id in one list.
json FlowCounts(const Flows& f) {
  return {{"movements", f.movements}, {"vehicles", f.vehicles}, {"persons", f.persons}, {"patients", f.patients}};
}

json CargoFields(const CargoAmount& c) {
  return {{"commodity", c.commodity}, {"unit", c.unit}, {"delivered", c.delivered}, {"stopped", c.stopped}};
}

json FlowsJson(const Flows& f) {
  json j = FlowCounts(f);
  j["records"] = f.records;
  return j;
}

json OperatorFlowsJson(const OperatorFlows& f) {
  return {{"operator", f.op}, {"direction", f.direction}, {"delivered", FlowsJson(f.delivered)},
          {"stopped", FlowsJson(f.stopped)}};
}

json CargoJson(const CargoAmount& c) {
  json j = CargoFields(c);
  j["records"] = c.records;
  return j;
}

// Writes the object `fields` with a "records" member streamed from `records`
// (which must outlive the call).
void WithRecords(JsonWriter& w, json fields, const RecordIds& records) {
  JsonMembers m = MembersOf(std::move(fields));
  m.push_back({"records", [&records](JsonWriter& out) { out.StringRange(records); }});
  WriteObject(w, std::move(m));
}

void WriteOperatorFlows(JsonWriter& w, const OperatorFlows& f) {
  WriteObject(w, {{"operator", [&](JsonWriter& o) { o.String(f.op); }},
                  {"direction", [&](JsonWriter& o) { o.String(f.direction); }},
                  {"delivered", [&](JsonWriter& o) { WithRecords(o, FlowCounts(f.delivered), f.delivered.records); }},
                  {"stopped", [&](JsonWriter& o) { WithRecords(o, FlowCounts(f.stopped), f.stopped.records); }}});
}

json BaselineJson(const BaselineDay& b) {
  return {{"route", b.route},         {"measure", b.measure}, {"baseline", b.baseline},
          {"delivered", b.delivered}, {"ratio", OrNull(b.ratio)}, {"records", b.records}};
}

json UtilityJson(const UtilityDay& u) {
  return {{"utility", u.utility},          {"hours", u.hours},     {"scheduled_hours", u.scheduled},
          {"supply_cut", u.supply_cut},    {"unknown", u.unknown}, {"records", u.records}};
}

json UtilityTotalJson(const UtilityTotal& u) {
  return {{"utility", u.utility},
          {"hours", u.hours},
          {"days_without_service", u.days_without_service},
          {"days_scheduled", u.days_scheduled},
          {"max_scheduled_hours", u.max_scheduled},
          {"days_supply_cut", u.days_supply_cut},
          {"first_supply_cut", OrNull(u.first_supply_cut)},
          {"last_supply_cut", OrNull(u.last_supply_cut)},
          {"days_unknown", u.days_unknown},
          {"records", u.records}};
}

json CompletenessJson(const Completeness& c) {
  return {{"days", c.days},
          {"complete", c.complete},
          {"partial", c.partial},
          {"unobserved", c.unobserved},
          {"fraction", c.Fraction()}};
}

}  // namespace

namespace {

// EstimateJson but its records (written streamed by WriteEstimate).
json EstimateFields(const RangeEstimate& e) {
  json reports = json::array(), conflicts = json::array();
  for (const auto& r : e.reports) {
    json j = {{"record", r.record},       {"period", {{"from", r.from}, {"to", r.to}}},
              {"value", r.value},         {"qualifier", r.qualifier},
              {"reported_by", r.reported_by.empty() ? json(nullptr) : json(r.reported_by)},
              {"one_party", r.one_party}, {"operator", r.op},
              {"fit", r.fit},             {"used", r.used},
              {"daily_sum", r.daily_sum}};
    if (!r.paired.empty()) j["paired"] = r.paired;
    if (r.fit == "partial") j["prorated"] = r.prorated;
    reports.push_back(std::move(j));
  }
  for (const auto& d : e.discrepancies) {
    conflicts.push_back({{"kind", d.kind},
                         {"a", {{"record", d.a}, {"value", d.value_a}, {"reported_by", d.reporter_a}}},
                         {"b", d.kind == "reports" ? json{{"record", d.b}, {"value", d.value_b}, {"reported_by", d.reporter_b}}
                                                   : json{{"daily_records", d.value_b}}}});
  }
  json j = {{"measure", e.measure},
            {"direction", e.direction},
            {"outcome", e.outcome},
            {"routes", e.routes},
            {"from", e.from},
            {"to", e.to},
            {"daily_sum", e.daily_sum},
            {"best", e.best},
            {"lower_bound", e.lower_bound},
            {"upper", OrNull(e.upper)},
            {"rule", e.rule},
            {"completeness", CompletenessJson(e.completeness)},
            {"reports", reports},
            {"discrepancies", conflicts},
            {"records_without_figure", e.without_figure}};
  if (e.measure == "cargo") {
    j["unit"] = e.unit;
    j["commodities"] = e.commodities;
  }
  return j;
}

void WriteEstimate(JsonWriter& w, const RangeEstimate& e) { WithRecords(w, EstimateFields(e), e.records); }

}  // namespace

json EstimateJson(const RangeEstimate& e) {
  json j = EstimateFields(e);
  j["records"] = e.records;
  return j;
}

json BlockadeJson(const Blockade& b) {
  json routes = json::array(), episodes = json::array();
  for (const auto& r : b.routes) {
    json by_dir = json::object();
    for (int w = 0; w < 2; ++w) {
      json d = json::object();
      for (Passage p : {Passage::kOpen, Passage::kHumanitarianOnly, Passage::kClosed, Passage::kUnknown}) {
        d[std::string(PassageName(p))] = r.by_direction[static_cast<size_t>(w)][static_cast<size_t>(p)];
      }
      by_dir[w == 0 ? "in" : "out"] = d;
    }
    routes.push_back({{"route", r.route},
                      {"name", r.name},
                      {"lifeline", r.lifeline},
                      {"blockade_days", r.blockade_days},
                      {"fully_closed", r.fully_closed},
                      {"partly_open", r.partly_open},
                      {"open", r.open},
                      {"unknown", r.unknown},
                      {"first_day", OrNull(r.first_day)},
                      {"last_day", OrNull(r.last_day)},
                      {"by_direction", by_dir}});
  }
  for (const auto& e : b.episodes) {
    episodes.push_back({{"route", e.route},
                        {"kind", e.kind},
                        {"from", e.from},
                        {"to", e.to},
                        {"days", e.days},
                        {"starts_at_range_start", e.starts_at_range_start},
                        {"ends_at_range_end", e.ends_at_range_end},
                        {"records", e.records}});
  }
  json longest = json::object();
  for (const char* kind : {"closed", "blockade", "medical", "humanitarian"}) {
    const Episode* e = b.Longest(kind);
    longest[kind] = e ? json{{"route", e->route}, {"from", e->from}, {"to", e->to}, {"days", e->days}} : json(nullptr);
  }
  return {{"lifeline_routes", b.lifeline_routes},
          {"lifeline_routes_from", b.lifeline_from_profile ? "case profile" : "routes with a baseline"},
          {"days", b.days},
          {"blockade_days", b.blockade_days},
          {"fully_closed", b.fully_closed},
          {"partly_open", b.partly_open},
          {"open", b.open},
          {"unknown", b.unknown},
          {"first_day", OrNull(b.first_day)},
          {"last_day", OrNull(b.last_day)},
          {"routes", routes},
          {"episodes", episodes},
          {"longest", longest},
          {"records", b.records}};
}

json CasualtiesJson(const CasualtyTotals& c) {
  auto figures = [](const CasualtyFigures& f) {
    return json{{"incidents", f.incidents},
                {"fatalities", {{"low", f.low}, {"best", f.best}, {"high", f.high}}},
                {"injuries", f.injuries},
                {"one_party_best", f.one_party_best},
                {"reported_by", f.reported_by},
                {"records", f.records}};
  };
  json groups = json::array(), parties = json::array();
  for (const auto& g : c.groups) {
    json j = figures(g.figures);
    j["party"] = g.party.empty() ? json(nullptr) : json(g.party);
    j["category"] = g.category;
    j["cause"] = g.cause;
    groups.push_back(std::move(j));
  }
  for (const auto& p : c.by_party) {
    json j = figures(p.figures);
    j["party"] = p.party.empty() ? json(nullptr) : json(p.party);
    parties.push_back(std::move(j));
  }
  return {{"groups", groups}, {"by_party", parties}};
}

namespace {

json IncidentsJson(const IncidentTotals& t) {
  json parties = json::array();
  for (const auto& p : t.casualties) {
    parties.push_back({{"party", p.party.empty() ? json(nullptr) : json(p.party)},
                       {"fatalities", {{"low", p.low}, {"best", p.best}, {"high", p.high}}},
                       {"injuries", p.injuries}});
  }
  return {{"incidents", t.incidents}, {"casualties", parties}, {"records", t.records}};
}

std::string PartyName(const std::string& party) { return party.empty() ? "party not stated" : party; }

// Numbers for text: integers without a fraction, others with up to 3
// decimals.
std::string Num(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  return buf;
}

template <typename Strings>
std::string Join(const Strings& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// RFC 4180: quote a field holding a comma, quote or line break.
std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CheckpointLine(const CheckpointRef& cp) {
  return "checkpoint: tree size " + std::to_string(cp.size) + ", root " + cp.root;
}

}  // namespace

namespace {

// One day of IndicatorsJson's "days".
json DayJson(const DayIndicators& d) {
  json routes = json::array(), flows = json::array(), cargo = json::array(), needs = json::array(),
       baseline = json::array(), utilities = json::array();
  for (const auto& r : d.routes) {
    routes.push_back({{"route", r.route},
                      {"status", std::string(RouteStateName(r.state))},
                      {"restricted", r.restricted},
                      {"in", {{"status", std::string(RouteStateName(r.in))},
                              {"restricted", r.restricted_in},
                              {"passage", std::string(PassageName(r.passage_in))}}},
                      {"out", {{"status", std::string(RouteStateName(r.out))},
                               {"restricted", r.restricted_out},
                               {"passage", std::string(PassageName(r.passage_out))}}},
                      {"records", r.records}});
  }
  for (const auto& f : d.flows) flows.push_back(OperatorFlowsJson(f));
  for (const auto& c : d.cargo) cargo.push_back(CargoJson(c));
  for (const auto& n : d.needs) {
    json j = {{"commodity", n.commodity},
              {"unit", n.unit},
              {"per_person", n.per_person},
              {"basis", n.basis},
              {"population", OrNull(n.population)},
              {"need", OrNull(n.need)},
              {"delivered", n.delivered},
              {"coverage", OrNull(n.coverage)},
              {"coverage_lower_bound", n.coverage_lower_bound},
              {"shortfall", OrNull(n.shortfall)},
              {"cumulative_deficit", OrNull(n.cumulative_deficit)},
              {"records", n.records}};
    if (!n.reason.empty()) j["reason"] = n.reason;
    if (!n.note.empty()) j["note"] = n.note;
    needs.push_back(std::move(j));
  }
  for (const auto& b : d.baseline) baseline.push_back(BaselineJson(b));
  for (const auto& u : d.utilities) utilities.push_back(UtilityJson(u));
  return {{"date", d.date},
                  {"routes", routes},
                  {"movements", flows},
                  {"cargo_in", cargo},
                  {"needs", needs},
                  {"baseline", baseline},
                  {"utilities", utilities},
                  {"incidents", IncidentsJson(d.incidents)}};
}

// Writes each element of `v` with `write`, as an array.
template <typename T, typename F>
void WriteArray(JsonWriter& w, const std::vector<T>& v, F write) {
  w.BeginArray();
  for (const auto& x : v) write(w, x);
  w.EndArray();
}

json NeedTotalJson(const NeedTotal& n) {
  json j = {{"commodity", n.commodity}, {"unit", n.unit},           {"need", OrNull(n.need)},
            {"delivered", n.delivered}, {"coverage", OrNull(n.coverage)}, {"shortfall", n.shortfall},
            {"days_need_unknown", n.days_need_unknown},
            {"coverage_lower_bound", n.coverage_lower_bound},
            {"assessed", n.assessed},   {"share", OrNull(n.share)}};
  if (!n.reason.empty()) j["reason"] = n.reason;
  return j;
}

// IndicatorsJson's "totals": the lists of every record of the range
// (movements, cargo, estimates) streamed, the rest one small DOM each.
void WriteTotals(JsonWriter& w, const Indicators& ind) {
  const auto& t = ind.totals;
  auto dom = [](auto f) { return [f](JsonWriter& o, const auto& x) { o.Value(f(x)); }; };
  WriteObject(w, {
    {"routes", [&](JsonWriter& o) { WriteArray(o, t.routes, dom([](const RouteDays& r) {
       return json{{"route", r.route}, {"days_open", r.open}, {"days_restricted", r.restricted},
                   {"days_closed", r.closed}, {"days_unknown", r.unknown}}; })); }},
    {"movements", [&](JsonWriter& o) { WriteArray(o, t.flows, WriteOperatorFlows); }},
    {"cargo_in", [&](JsonWriter& o) { WriteArray(o, t.cargo, [](JsonWriter& a, const CargoAmount& c) {
       WithRecords(a, CargoFields(c), c.records); }); }},
    {"needs", [&](JsonWriter& o) { WriteArray(o, t.needs, [](JsonWriter& a, const NeedTotal& n) {
       JsonMembers m = MembersOf(NeedTotalJson(n));
       m.push_back({"estimate", [&n](JsonWriter& b) { n.estimate ? WriteEstimate(b, *n.estimate) : b.Value(nullptr); }});
       WriteObject(a, std::move(m)); }); }},
    {"baseline", [&](JsonWriter& o) { WriteArray(o, t.baseline, dom(BaselineJson)); }},
    {"utilities", [&](JsonWriter& o) { WriteArray(o, t.utilities, dom(UtilityTotalJson)); }},
    {"incidents", [&](JsonWriter& o) { WithRecords(o, {{"incidents", t.incidents.incidents}}, t.incidents.records); }},
    {"casualties", [&](JsonWriter& o) { o.Value(CasualtiesJson(t.casualties)); }}});
}

// IndicatorsJson's "period_movements".
json PeriodMovementsJson(const Indicators& ind) {
  json periods = json::array();
  for (const auto& p : ind.period_movements) {
    json cargo = json::array();
    for (const auto& c : p.cargo) cargo.push_back(CargoJson(c));
    periods.push_back({{"record", p.record},     {"route", p.route},       {"operator", p.op},
                       {"direction", p.direction}, {"outcome", p.outcome}, {"counts_as", p.counts_as}, {"period", {{"from", p.from}, {"to", p.to}}},
                       {"vehicles", p.vehicles}, {"persons", p.persons},   {"patients", p.patients},
                       {"cargo", cargo},         {"qualifier", p.qualifier},
                       {"reported_by", p.reported_by.empty() ? json(nullptr) : json(p.reported_by)},
                       {"one_party", p.one_party}});
  }
  return periods;
}

// IndicatorsJson's "baselines".
json BaselinesJson(const Indicators& ind) {
  json baselines = json::array();
  for (const auto& b : ind.baselines) {
    json ps = json::array();
    for (const auto& p : b.periods) {
      ps.push_back({{"from", p.from},          {"to", p.to},
                    {"days", p.days},          {"expected", p.expected},
                    {"delivered", p.delivered}, {"lower_bound", p.lower_bound},
                    {"ratio", OrNull(p.ratio)},   {"completeness", p.completeness},
                    {"rule", p.rule},          {"qualifier", p.qualifier},
                    {"report", p.report.empty() ? json(nullptr) : json(p.report)},
                    {"reported_by", p.reported_by.empty() ? json(nullptr) : json(p.reported_by)},
                    {"records", p.records}});
    }
    baselines.push_back({{"record", b.record},
                         {"route", b.route},
                         {"measure", b.measure},
                         {"unit", b.unit},
                         {"directions", b.directions},
                         {"per_day", b.per_day},
                         {"periods", ps},
                         {"other_routes", {{"delivered", b.other_routes_delivered}, {"records", b.other_routes}}}});
  }
  return baselines;
}

// IndicatorsJson's "requirements".
json RequirementsJson(const Indicators& ind) {
  json requirements = json::array();
  for (const auto& r : ind.requirements) {
    requirements.push_back({{"record", r.record},   {"measure", r.measure}, {"commodity", r.commodity},
                            {"unit", r.unit},       {"basis", r.basis},     {"routes", r.routes},
                            {"per_day", r.per_day}, {"weekly", r.weekly},   {"from", r.from},
                            {"to", r.to},           {"days", r.days},       {"expected", r.expected},
                            {"delivered", EstimateJson(r.delivered)},       {"ratio", OrNull(r.ratio)}});
  }
  return requirements;
}

// The rows of IndicatorsCsv, written to `o` in the columns of its header.
struct CsvRows {
  std::ostringstream& o;

  // `records`: a RecordIds list, or strings.
  template <typename Records = std::vector<std::string>>
  void Row(const std::string& date, const std::string& ind_name, const std::string& subject, const std::string& dir,
           const std::string& measure, const std::string& value, const std::string& unit, const Records& records) {
    o << Csv(date) << ',' << Csv(ind_name) << ',' << Csv(subject) << ',' << Csv(dir) << ',' << Csv(measure) << ','
      << Csv(value) << ',' << Csv(unit) << ',' << Csv(Join(records, ";")) << '\n';
  }
  void Flows(const std::string& date, const OperatorFlows& f) {
    for (const auto& [what, fl] : {std::pair{"delivered", &f.delivered}, std::pair{"stopped", &f.stopped}}) {
      if (fl->movements == 0) continue;
      std::string w = what;
      Row(date, "movements", f.op, f.direction, w + " movements", std::to_string(fl->movements), "", fl->records);
      Row(date, "movements", f.op, f.direction, w + " vehicles", std::to_string(fl->vehicles), "vehicles", fl->records);
      Row(date, "movements", f.op, f.direction, w + " persons", std::to_string(fl->persons), "persons", fl->records);
      Row(date, "movements", f.op, f.direction, w + " patients", std::to_string(fl->patients), "persons", fl->records);
    }
  }
  void Incidents(const std::string& date, const IncidentTotals& t) {
    Row(date, "incidents", "", "", "incidents", std::to_string(t.incidents), "", t.records);
    for (const auto& p : t.casualties) {  // the subject is the party: never a total across parties
      const std::string who = PartyName(p.party);
      Row(date, "incidents", who, "", "fatalities low", std::to_string(p.low), "persons", t.records);
      Row(date, "incidents", who, "", "fatalities best", std::to_string(p.best), "persons", t.records);
      Row(date, "incidents", who, "", "fatalities high", std::to_string(p.high), "persons", t.records);
      Row(date, "incidents", who, "", "injuries", std::to_string(p.injuries), "persons", t.records);
    }
  }
};

std::string OptNum(const std::optional<double>& v) { return v ? Num(*v) : std::string(); }

// IndicatorsCsv's day-by-day rows.
void DaysCsv(const Indicators& ind, CsvRows& out) {
  for (const auto& d : ind.days) {
    for (const auto& r : d.routes) {
      out.Row(d.date, "route_status", r.route, "", "status", std::string(RouteStateName(r.state)), Join(r.restricted, ";"),
          r.records);
    }
    for (const auto& f : d.flows) out.Flows(d.date, f);
    for (const auto& c : d.cargo) {
      out.Row(d.date, "cargo_in", c.commodity, "in", "delivered", Num(c.delivered), c.unit, c.records);
      if (c.stopped > 0) out.Row(d.date, "cargo_in", c.commodity, "in", "stopped", Num(c.stopped), c.unit, c.records);
    }
    for (const auto& n : d.needs) {
      out.Row(d.date, "need", n.commodity, "", "need", OptNum(n.need), n.unit, n.records);
      out.Row(d.date, "need", n.commodity, "", "delivered", Num(n.delivered), n.unit, n.records);
      out.Row(d.date, "need", n.commodity, "", "coverage", OptNum(n.coverage), n.reason.empty() ? "ratio" : n.reason,
          n.records);
      out.Row(d.date, "need", n.commodity, "", "shortfall", OptNum(n.shortfall), n.unit, n.records);
      out.Row(d.date, "need", n.commodity, "", "cumulative deficit", OptNum(n.cumulative_deficit), n.unit, n.records);
    }
    for (const auto& b : d.baseline) {
      out.Row(d.date, "baseline", b.route, "", b.measure + " delivered", Num(b.delivered), "", b.records);
      out.Row(d.date, "baseline", b.route, "", b.measure + " ratio", OptNum(b.ratio), "ratio", b.records);
    }
    for (const auto& u : d.utilities) out.Row(d.date, "outage", u.utility, "", "hours without", Num(u.hours), "h", u.records);
    out.Incidents(d.date, d.incidents);
  }
}

// IndicatorsCsv's "total" rows.
void TotalsCsv(const Indicators& ind, CsvRows& out) {
  const Totals& t = ind.totals;
  for (const auto& r : t.routes) {
    out.Row("total", "route_status", r.route, "", "days open", std::to_string(r.open), "days", {});
    out.Row("total", "route_status", r.route, "", "days restricted", std::to_string(r.restricted), "days", {});
    out.Row("total", "route_status", r.route, "", "days closed", std::to_string(r.closed), "days", {});
    out.Row("total", "route_status", r.route, "", "days unknown", std::to_string(r.unknown), "days", {});
  }
  for (const auto& f : t.flows) out.Flows("total", f);
  for (const auto& c : t.cargo) {
    out.Row("total", "cargo_in", c.commodity, "in", "delivered", Num(c.delivered), c.unit, c.records);
    if (c.stopped > 0) out.Row("total", "cargo_in", c.commodity, "in", "stopped", Num(c.stopped), c.unit, c.records);
  }
  for (const auto& n : t.needs) {
    out.Row("total", "need", n.commodity, "", "need", OptNum(n.need), n.unit, {});
    out.Row("total", "need", n.commodity, "", "delivered", Num(n.delivered), n.unit, {});
    out.Row("total", "need", n.commodity, "", "coverage", OptNum(n.coverage), n.reason.empty() ? "ratio" : n.reason, {});
    out.Row("total", "need", n.commodity, "", "shortfall", Num(n.shortfall), n.unit, {});
  }
  for (const auto& b : t.baseline) {
    out.Row("total", "baseline", b.route, "", b.measure + " delivered", Num(b.delivered), "", b.records);
    out.Row("total", "baseline", b.route, "", b.measure + " ratio", OptNum(b.ratio), "ratio", b.records);
  }
  for (const auto& u : t.utilities) {
    out.Row("total", "outage", u.utility, "", "hours without", Num(u.hours), "h", u.records);
    out.Row("total", "outage", u.utility, "", "days supply cut", std::to_string(u.days_supply_cut), "days", u.records);
    out.Row("total", "outage", u.utility, "", "days unknown", std::to_string(u.days_unknown), "days", u.records);
  }
  out.Row("total", "incidents", "", "", "incidents", std::to_string(t.incidents.incidents), "", t.incidents.records);
  for (const auto& g : t.casualties.groups) {
    std::string subject = PartyName(g.party) + "/" + g.category + "/" + g.cause;
    out.Row("total", "casualties", subject, "", "fatalities low", std::to_string(g.figures.low), "persons", g.figures.records);
    out.Row("total", "casualties", subject, "", "fatalities best", std::to_string(g.figures.best), "persons",
        g.figures.records);
    out.Row("total", "casualties", subject, "", "fatalities high", std::to_string(g.figures.high), "persons",
        g.figures.records);
    out.Row("total", "casualties", subject, "", "one-party best", std::to_string(g.figures.one_party_best), "persons",
        g.figures.records);
  }
  const Blockade& b = ind.blockade;
  out.Row("total", "blockade", Join(b.lifeline_routes, ";"), "", "blockade days", std::to_string(b.blockade_days), "days",
      b.records);
  out.Row("total", "blockade", Join(b.lifeline_routes, ";"), "", "fully closed days", std::to_string(b.fully_closed),
      "days", b.records);
  out.Row("total", "blockade", Join(b.lifeline_routes, ";"), "", "unknown days", std::to_string(b.unknown), "days", {});
}

// IndicatorsCsv's estimates, baseline periods and period movements.
void EstimatesAndPeriodsCsv(const Indicators& ind, CsvRows& out) {
  for (const auto& e : ind.estimates) {
    std::string subject = e.measure + (e.unit.empty() ? "" : " (" + e.unit + ")");
    out.Row("total", "estimate " + e.outcome, subject, e.direction, e.lower_bound ? "best (at least)" : "best",
        Num(e.best), e.unit, e.records);
    out.Row("total", "estimate " + e.outcome, subject, e.direction, "daily sum", Num(e.daily_sum), e.unit, e.records);
    out.Row("total", "estimate " + e.outcome, subject, e.direction, "completeness", Num(e.completeness.Fraction()),
        "ratio", {});
  }
  for (const auto& bc : ind.baselines) {
    for (const auto& p : bc.periods) {
      out.Row("period " + p.from + ".." + p.to, "against baseline", bc.route + " " + bc.measure, Join(bc.directions, ";"),
          p.lower_bound ? "ratio (at least)" : "ratio", p.ratio ? Num(*p.ratio) : "", "ratio", p.records);
    }
  }
  for (const auto& p : ind.period_movements) {
    std::string period = "period " + p.from + ".." + p.to;
    const std::vector<std::string> record{p.record};
    out.Row(period, "period_movement", p.op, p.direction, p.outcome + " vehicles", std::to_string(p.vehicles), "vehicles", record);
    out.Row(period, "period_movement", p.op, p.direction, p.outcome + " persons", std::to_string(p.persons), "persons", record);
    out.Row(period, "period_movement", p.op, p.direction, p.outcome + " patients", std::to_string(p.patients), "persons", record);
    for (const auto& c : p.cargo) {
      out.Row(period, "period_movement", p.op, p.direction, p.outcome + " cargo " + c.commodity,
          Num(c.delivered + c.stopped), c.unit, record);
    }
  }
}

}  // namespace

JsonMembers IndicatorsMembers(const Indicators& ind) {
  json names = json::object();
  for (const auto& [id, name] : ind.route_names) names[id] = name;
  JsonMembers m = MembersOf({{"case", ind.case_id},
                             {"title", ind.case_title},
                             {"checkpoint", CheckpointJson(ind.checkpoint)},
                             {"from", ind.from},
                             {"to", ind.to},
                             {"route_names", names},
                             {"parties", ind.parties},
                             {"blockade", BlockadeJson(ind.blockade)},
                             {"baselines", BaselinesJson(ind)},
                             {"requirements", RequirementsJson(ind)},
                             {"period_movements", PeriodMovementsJson(ind)},
                             {"assumptions", ind.assumptions},
                             {"assumption_keys", ind.assumption_keys}});
  // The parts that grow with the records: one day, one estimate at a time.
  m.push_back({"days", [&ind](JsonWriter& w) {
                 WriteArray(w, ind.days, [](JsonWriter& o, const DayIndicators& d) { o.Value(DayJson(d)); });
               }});
  m.push_back({"totals", [&ind](JsonWriter& w) { WriteTotals(w, ind); }});
  m.push_back({"estimates", [&ind](JsonWriter& w) { WriteArray(w, ind.estimates, WriteEstimate); }});
  return m;
}

std::string IndicatorsJsonText(const Indicators& ind) {
  return JsonText([&ind](JsonWriter& w) { WriteObject(w, IndicatorsMembers(ind)); }, -1);
}

json IndicatorsJson(const Indicators& ind) { return json::parse(IndicatorsJsonText(ind)); }

std::string IndicatorsCsv(const Indicators& ind) {
  std::ostringstream o;
  o << "date,indicator,subject,direction,measure,value,unit,records\n";
  CsvRows out{o};
  DaysCsv(ind, out);
  TotalsCsv(ind, out);
  EstimatesAndPeriodsCsv(ind, out);
  return o.str();
}

namespace {

// The day-by-day part of the indicators table: one line per day, with the
// records behind each value under it when `explain`.
void DaysTable(const Indicators& ind, bool explain, std::ostringstream& o) {
  // Header: one column per route, then flows, then needs, utilities, incidents.
  o << "date      ";
  std::vector<std::string> routes, needs, utils;
  if (!ind.days.empty()) {
    for (const auto& r : ind.days[0].routes) routes.push_back(r.route);
    for (const auto& n : ind.days[0].needs) needs.push_back(n.commodity);
    for (const auto& u : ind.days[0].utilities) utils.push_back(u.utility);
  }
  for (const auto& r : routes) o << " | " << r;
  o << " | in veh/pers/pat | out veh/pers/pat | stopped | cargo in";
  for (const auto& n : needs) o << " | " << n << " coverage";
  for (const auto& u : utils) o << " | " << u << " h";
  o << " | incidents (per party: killed low/best/high, injured)\n";
  for (const auto& d : ind.days) {
    o << d.date;
    for (const auto& r : d.routes) o << " | " << RouteStateName(r.state);
    Flows in, out;
    int64_t stopped = 0;
    for (const auto& f : d.flows) {
      Flows& t = f.direction == "in" ? in : out;
      t.vehicles += f.delivered.vehicles;
      t.persons += f.delivered.persons;
      t.patients += f.delivered.patients;
      stopped += f.stopped.movements;
    }
    o << " | " << in.vehicles << "/" << in.persons << "/" << in.patients << " | " << out.vehicles << "/" << out.persons
      << "/" << out.patients << " | " << stopped << " | ";
    std::string cargo;
    for (const auto& c : d.cargo) {
      if (c.delivered > 0) cargo += (cargo.empty() ? "" : ", ") + Num(c.delivered) + " " + c.unit + " " + c.commodity;
    }
    o << (cargo.empty() ? "-" : cargo);
    for (const auto& n : d.needs) {
      o << " | " << (n.coverage ? Num(*n.coverage * 100) + "%" : "n/a");
    }
    for (const auto& u : d.utilities) o << " | " << Num(u.hours);
    const IncidentTotals& t = d.incidents;
    o << " | " << t.incidents;
    for (size_t i = 0; i < t.casualties.size(); ++i) {
      const PartyDayCasualties& p = t.casualties[i];
      o << (i == 0 ? " (" : "; ") << PartyName(p.party) << ": " << p.low << "/" << p.best << "/" << p.high << ", "
        << p.injuries << (i + 1 == t.casualties.size() ? ")" : "");
    }
    o << "\n";
    if (explain) {
      for (const auto& r : d.routes) {
        if (!r.records.empty()) o << "    " << r.route << ": " << Join(r.records, ", ") << "\n";
      }
      for (const auto& f : d.flows) {
        std::vector<std::string> ids = f.delivered.records.Strings();
        ids.insert(ids.end(), f.stopped.records.begin(), f.stopped.records.end());
        o << "    movements " << f.op << " " << f.direction << ": " << Join(ids, ", ") << "\n";
      }
      for (const auto& n : d.needs) {
        if (!n.reason.empty()) o << "    " << n.commodity << ": " << n.reason << "\n";
        if (!n.note.empty()) o << "    " << n.commodity << ": " << n.note << "\n";
      }
      for (const auto& u : d.utilities) {
        if (!u.records.empty()) o << "    " << u.utility << ": " << Join(u.records, ", ") << "\n";
      }
      if (!d.incidents.records.empty()) o << "    incidents: " << Join(d.incidents.records, ", ") << "\n";
    }
  }
}

// The totals over the range, each within one party, route or commodity.
void TotalsTable(const Indicators& ind, std::ostringstream& o) {
  const Totals& t = ind.totals;
  o << "\nTotals over " << ind.days.size() << " days\n";
  for (const auto& r : t.routes) {
    o << "  " << r.route << ": open " << r.open << ", restricted " << r.restricted << ", closed " << r.closed
      << ", unknown " << r.unknown << " days\n";
  }
  for (const auto& f : t.flows) {
    o << "  " << f.op << " (" << f.direction << "): delivered " << f.delivered.movements << " movements, "
      << f.delivered.vehicles << " vehicles, " << f.delivered.persons << " persons, " << f.delivered.patients
      << " patients";
    if (f.stopped.movements > 0) {
      o << "; stopped " << f.stopped.movements << " (" << f.stopped.vehicles << " vehicles)";
    }
    o << "\n";
  }
  for (const auto& c : t.cargo) {
    o << "  cargo in " << c.commodity << ": delivered " << Num(c.delivered) << " " << c.unit;
    if (c.stopped > 0) o << ", stopped " << Num(c.stopped) << " " << c.unit;
    o << "\n";
  }
  for (const auto& n : t.needs) {
    o << "  need " << n.commodity << ": " << (n.need ? Num(*n.need) + " " + n.unit : "unknown") << ", delivered "
      << Num(n.delivered) << " " << n.unit << ", coverage " << (n.coverage ? Num(*n.coverage * 100) + "%" : "n/a")
      << ", shortfall " << Num(n.shortfall) << " " << n.unit;
    if (!n.reason.empty()) o << " (" << n.reason << ")";
    o << "\n";
  }
  for (const auto& b : t.baseline) {
    o << "  against baseline on " << b.route << ", " << b.measure << ": delivered " << Num(b.delivered) << " of "
      << Num(b.baseline) << " (" << (b.ratio ? Num(*b.ratio * 100) + "%" : "n/a") << ")\n";
  }
  for (const auto& u : t.utilities) {
    o << "  " << u.utility << ": " << Num(u.hours) << " hours without service";
    if (u.days_supply_cut > 0) o << "; supply line cut " << u.days_supply_cut << " days";
    if (u.days_unknown > 0) o << "; unknown " << u.days_unknown << " days";
    o << "\n";
  }
  o << "  incidents: " << t.incidents.incidents << "\n";
  for (const auto& p : t.casualties.by_party) {
    o << "  killed, " << PartyName(p.party) << ": " << p.figures.low << "/"
      << p.figures.best << "/" << p.figures.high << " (low/best/high), injured " << p.figures.injuries;
    if (p.figures.one_party_best > 0) o << "; " << p.figures.one_party_best << " of the best figure by a party's own count";
    o << "\n";
  }
}

// The figures of the range: the blockade, the estimates with the sources'
// totals, the baselines per period, the movements reported for a period.
void RangeTable(const Indicators& ind, std::ostringstream& o) {
  const Blockade& b = ind.blockade;
  o << "\nBlockade on the lifeline routes (" << Join(b.lifeline_routes, ", ") << ")\n  " << b.blockade_days
    << " of " << b.days << " days not open to civilian and commercial traffic both ways (" << b.fully_closed
    << " fully closed, " << b.partly_open << " humanitarian or one-way passage only); open " << b.open
    << ", unknown " << b.unknown;
  if (b.first_day) o << "; first " << *b.first_day << ", last " << *b.last_day;
  o << "\n";
  for (const char* kind : {"closed", "medical", "humanitarian"}) {
    if (const Episode* e = b.Longest(kind)) {
      o << "  longest " << kind << " episode: " << e->days << " days, " << e->from << " .. " << e->to << "\n";
    }
  }
  if (!ind.estimates.empty()) o << "\nEstimates over the range (best; daily sum; days observed)\n";
  for (const auto& e : ind.estimates) {
    o << "  " << e.measure << (e.unit.empty() ? "" : " (" + e.unit + ")") << " " << e.direction << " " << e.outcome
      << ": " << (e.lower_bound ? "at least " : "") << Num(e.best) << "; " << Num(e.daily_sum) << "; "
      << e.completeness.complete << " of " << e.completeness.days << " (" << e.rule << ")";
    if (!e.discrepancies.empty()) o << "; " << e.discrepancies.size() << " discrepancies";
    o << "\n";
  }
  for (const auto& bc : ind.baselines) {
    for (const auto& p : bc.periods) {
      o << "  against baseline " << bc.route << " " << bc.measure << " " << p.from << " .. " << p.to << ": "
        << (p.qualifier == "as_stated" ? "" : p.qualifier + " ") << (p.ratio ? Num(*p.ratio * 100) + "%" : "n/a")
        << " ("
        << Num(p.delivered) << " of " << Num(p.expected) << (p.report.empty() ? "" : ", " + p.report) << ")\n";
    }
  }
  if (!ind.period_movements.empty()) {
    o << "\nMovements over a period (not in the daily figures)\n";
    for (const auto& p : ind.period_movements) {
      o << "  " << p.record << " " << p.from << " .. " << p.to << ", " << p.op << " (" << p.direction << ", "
        << p.outcome << "): " << p.vehicles << " vehicles, " << p.persons << " persons, " << p.patients << " patients";
      for (const auto& c : p.cargo) o << ", " << Num(c.delivered + c.stopped) << " " << c.unit << " " << c.commodity;
      o << "\n";
    }
  }
}

}  // namespace

std::string IndicatorsTable(const Indicators& ind, bool explain) {
  std::ostringstream o;
  o << "Indicators for case " << ind.case_id << ", " << ind.from << " .. " << ind.to << "\n"
    << CheckpointLine(ind.checkpoint) << "\n\n";
  DaysTable(ind, explain, o);
  TotalsTable(ind, o);
  RangeTable(ind, o);
  o << "\nAssumptions\n";
  for (const auto& a : ind.assumptions) o << "  - " << a << "\n";
  return o.str();
}

namespace {

// The terms of a rule besides route_open's, those its type has.
void RuleTermsJson(const ObligationCompliance& o, json& j) {
  for (const auto& [key, value] : {std::pair{"utility", &o.utility}, std::pair{"area", &o.area},
                                   std::pair{"commodity", &o.commodity}, std::pair{"measure", &o.measure},
                                   std::pair{"unit", &o.unit}, std::pair{"per", &o.per}}) {
    if (!value->empty()) j[key] = *value;
  }
  if (!o.routes.empty()) j["routes"] = o.routes;
  if (!o.directions.empty()) j["directions"] = o.directions;
  if (o.quantity) j["quantity"] = *o.quantity;
}

// A rule in words, for the table.
std::string RuleSummary(const ObligationCompliance& o) {
  std::string s = "rule " + o.rule_type + ": ";
  if (o.rule_type == "route_open") return s + o.route + " open for " + Join(o.rule_for, ", ");
  if (o.rule_type == "service_restored") return s + o.utility + (o.area.empty() ? "" : " in " + o.area) + " restored";
  std::string where = o.routes.empty() ? "any route" : Join(o.routes, ", ");
  if (o.rule_type == "commodity_allowed") return s + o.commodity + " allowed through " + where + " (" + Join(o.directions, ", ") + ")";
  std::string what = o.measure == "cargo" ? o.unit + (o.commodity.empty() ? "" : " of " + o.commodity) : o.measure;
  return s + "at least " + Num(o.quantity.value_or(0)) + " " + what + " a " + o.per + " through " + where + " (" +
         Join(o.directions, ", ") + ")";
}

}  // namespace

json RuleJson(const ObligationCompliance& o) {
  json j = {{"type", o.rule_type}};
  if (!o.route.empty()) j["route"] = o.route;
  if (!o.rule_for.empty()) j["for"] = o.rule_for;
  RuleTermsJson(o, j);
  if (o.rule_type == "not_evaluable" || !o.evaluable) j["reason"] = o.reason;
  return j;
}

json ComplianceJson(const Compliance& c) {
  json obs = json::array();
  for (const auto& o : c.obligations) {
    json v = json::array();
    for (const auto& d : o.violations) {
      json day = {{"date", d.date},
                  {"status", d.status},
                  {"restricted", d.restricted},
                  {"directions", d.directions},
                  {"records", d.records}};
      if (d.flow) day["flow"] = *d.flow;
      if (d.required) day["required"] = *d.required;
      v.push_back(std::move(day));
    }
    json j = {{"obligation", o.obligation}, {"title", o.title}, {"instrument", o.instrument},
              {"rule_type", o.rule_type},   {"evaluable", o.evaluable}};
    if (!o.evaluable) {
      j["reason"] = o.reason;
    } else {
      j["route"] = o.route;
      j["for"] = o.rule_for;
      RuleTermsJson(o, j);
      j["from"] = o.from.empty() ? json(nullptr) : json(o.from);
      j["to"] = o.to.empty() ? json(nullptr) : json(o.to);
      j["days_evaluated"] = o.days_evaluated;
      j["days_in_compliance"] = o.days_in_compliance;
      j["days_in_violation"] = o.days_in_violation;
      j["days_unknown"] = o.days_unknown;
      j["first_violation"] = OrNull(o.first_violation);
      j["last_violation"] = OrNull(o.last_violation);
      j["violations"] = v;
      j["unknown_days"] = o.unknown_days;
    }
    obs.push_back(std::move(j));
  }
  return {{"case", c.case_id},     {"checkpoint", CheckpointJson(c.checkpoint)},
          {"from", c.from},        {"to", c.to},
          {"obligations", obs},    {"assumptions", c.assumptions},
          {"assumption_keys", c.assumption_keys}};
}

std::string ComplianceCsv(const Compliance& c) {
  std::ostringstream o;
  o << "obligation,date,result,status,restricted,records\n";
  for (const auto& ob : c.obligations) {
    if (!ob.evaluable) {
      o << Csv(ob.obligation) << ",," << Csv("not evaluable: " + ob.reason) << ",,,\n";
      continue;
    }
    for (const auto& v : ob.violations) {
      o << Csv(ob.obligation) << ',' << v.date << ",violation," << v.status << ',' << Csv(Join(v.restricted, ";"))
        << ',' << Csv(Join(v.records, ";")) << '\n';
    }
    for (const auto& d : ob.unknown_days) o << Csv(ob.obligation) << ',' << d << ",unknown,,,\n";
  }
  return o.str();
}

std::string ComplianceTable(const Compliance& c, bool explain) {
  std::ostringstream o;
  o << "Compliance for case " << c.case_id << ", " << c.from << " .. " << c.to << "\n"
    << CheckpointLine(c.checkpoint) << "\n";
  for (const auto& ob : c.obligations) {
    o << "\n" << ob.obligation << " (" << ob.instrument << "): " << ob.title << "\n";
    if (!ob.evaluable) {
      o << "  not evaluable: " << ob.reason << "\n";
      continue;
    }
    o << "  " << RuleSummary(ob) << "\n";
    if (ob.days_evaluated == 0) {
      o << "  the rule does not apply on any day of the range\n";
      continue;
    }
    o << "  " << ob.from << " .. " << ob.to << ": " << ob.days_evaluated << " days; in violation "
      << ob.days_in_violation << ", in compliance " << ob.days_in_compliance << ", unknown " << ob.days_unknown << "\n";
    if (ob.first_violation) o << "  first violation " << *ob.first_violation << ", last " << *ob.last_violation << "\n";
    if (explain) {
      for (const auto& v : ob.violations) {
        o << "    " << v.date << " " << v.status;
        if (!v.restricted.empty()) o << " (" << Join(v.restricted, ", ") << ")";
        if (v.flow) o << " (" << Num(*v.flow) << " of " << Num(v.required.value_or(0)) << ")";
        o << ": " << Join(v.records, ", ") << "\n";
      }
    }
  }
  o << "\nAssumptions\n";
  for (const auto& a : c.assumptions) o << "  - " << a << "\n";
  return o.str();
}

}  // namespace lifeline::analysis

namespace lifeline::analysis {

namespace {

std::string ForecastDate(const ForecastModel& m, size_t d) {
  return record::FormatDate(record::Day{m.start + static_cast<int32_t>(d)});
}

json DriversJson(const std::optional<BandDrivers>& b) {
  if (!b) return nullptr;
  return {{"route_parameters", b->route_parameters},
          {"route_days", b->route_days},
          {"inflows", b->inflows},
          {"interaction", b->interaction}};
}

json RangeJson(const std::optional<ScenarioRange>& r, double factor) {
  if (!r) return nullptr;
  return {{"low", r->low / factor}, {"high", r->high / factor}};
}

// What drives the bands of a commodity: per day in "days"; here the
// method, the days to the threshold and the widest band's day.
json CommodityDriversJson(const ForecastModel& m, const CommodityForecast& cf) {
  if (cf.drivers_trajectories == 0) return nullptr;
  json widest = nullptr;
  if (!cf.stock.empty()) {
    size_t d = WidestBandDay(cf);
    widest = {{"date", ForecastDate(m, d)}, {"day", d + 1}, {"shares", DriversJson(cf.stock_drivers[d])}};
  }
  return {{"trajectories", cf.drivers_trajectories},
          {"method", "first-order variance shares (Sobol indices) by pick-freeze re-runs"},
          {"widest_band", widest},
          {"days_to_threshold", DriversJson(cf.days_to_threshold_drivers)}};
}

}  // namespace

json ForecastJson(const Forecast& f) {
  const ForecastModel& m = f.model;
  json states = json::array();
  for (RouteState s : kForecastStateOrder) states.push_back(std::string(RouteStateName(s)));
  json matrix = json::array(), counts = json::array();
  for (size_t i = 0; i < kForecastStates; ++i) {
    matrix.push_back(json(m.transition[i]));
    counts.push_back(json(m.transition_counts[i]));
  }
  json percentiles = json(kForecastPercentiles);
  json commodities = json::array();
  for (size_t c = 0; c < f.commodities.size(); ++c) {
    const CommodityForecast& cf = f.commodities[c];
    const ForecastCommodityModel& mc = m.commodities[c];
    json days = json::array();
    for (size_t d = 0; d < cf.stock.size(); ++d) {
      json day = {{"date", ForecastDate(m, d)}, {"day", d + 1}, {"stock", json(cf.stock[d])}};
      if (d < cf.stock_drivers.size()) day["drivers"] = DriversJson(cf.stock_drivers[d]);
      days.push_back(std::move(day));
    }
    json dtt = json::array();
    for (const auto& v : cf.days_to_threshold) dtt.push_back(OrNull(v));
    json pools = json::object(), given = json::object();
    for (size_t s = 0; s < 2; ++s) {
      given[std::string(RouteStateName(kForecastStateOrder[s]))] = RangeJson(mc.inflow_range[s], mc.display_factor);
      const auto& pool = mc.inflow_pool[s];
      double sum = 0;
      for (double v : pool) sum += v;
      pools[std::string(RouteStateName(kForecastStateOrder[s]))] = {
          {"days", pool.size()},
          {"mean", pool.empty() ? json(nullptr) : json(sum / static_cast<double>(pool.size()) / mc.display_factor)}};
    }
    commodities.push_back({{"commodity", cf.name},
                           {"unit", cf.unit},
                           {"initial_stock", mc.initial_stock / mc.display_factor},
                           {"initial_source", mc.initial_source},
                           {"per_person", mc.per_person / mc.display_factor},
                           {"per_person_source", mc.per_person_source},
                           {"rationing", mc.rationing},
                           {"threshold", OrNull(cf.threshold)},
                           {"inflow_pools", pools},
                           {"inflow_given", given},
                           {"normal_stock", mc.normal_stock ? json(*mc.normal_stock / mc.display_factor) : json(nullptr)},
                           {"restock_days", mc.normal_stock ? json(mc.restock_days) : json(nullptr)},
                           {"drivers", CommodityDriversJson(m, cf)},
                           {"days_to_threshold", dtt},
                           {"never_below_threshold_fraction", cf.never_fraction},
                           {"days", days}});
  }
  return {{"case", f.case_id},
          {"checkpoint", CheckpointJson(f.checkpoint)},
          {"scenario", f.scenario},
          {"start", ForecastDate(m, 0)},
          {"horizon_days", m.horizon},
          {"trajectories", m.trajectories},
          {"seed", m.seed},
          {"percentiles", percentiles},
          {"route_process",
           {{"routes", m.routes},
            {"states", states},
            {"transition", matrix},
            {"given", m.transition_given},
            {"transition_is", m.transition_given ? "given" : "posterior mean"},
            {"prior", m.transition_given ? json(nullptr)
                                         : json{{"dirichlet_pseudo_count", m.route_prior}}},
            {"parameter_uncertainty", !m.transition_given},
            {"history",
             m.transition_given ? json(nullptr)
                                : json{{"from", record::FormatDate(record::Day{m.history_from})},
                                       {"to", record::FormatDate(record::Day{m.history_to})},
                                       {"days", json(m.history_days)},
                                       {"unknown_days", m.history_unknown_days},
                                       {"transition_counts", counts}}},
            {"initial", std::string(RouteStateName(kForecastStateOrder[static_cast<size_t>(m.initial_state)]))}}},
          {"commodities", commodities},
          {"assumptions", m.assumptions},
          {"assumption_keys", m.assumption_keys}};
}

std::string ForecastCsv(const Forecast& f) {
  std::ostringstream out;
  out << "commodity,unit,measure,date,p5,p25,p50,p75,p95,never_fraction\n";
  for (const auto& cf : f.commodities) {
    for (size_t d = 0; d < cf.stock.size(); ++d) {
      out << Csv(cf.name) << "," << cf.unit << ",stock," << ForecastDate(f.model, d);
      for (double v : cf.stock[d]) out << "," << Num(v);
      out << ",\n";
    }
    out << Csv(cf.name) << "," << cf.unit << ",days_to_threshold,";
    for (const auto& v : cf.days_to_threshold) out << "," << (v ? std::to_string(*v) : "");
    out << "," << Num(cf.never_fraction) << "\n";
  }
  return out.str();
}

namespace {

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", share * 100);
  return buf;
}

std::string DriversLine(const std::string& what, const std::optional<BandDrivers>& b) {
  if (!b) return "    " + what + ": no spread\n";
  return "    " + what + ": route parameters " + Percent(b->route_parameters) + ", route days " +
         Percent(b->route_days) + ", inflows " + Percent(b->inflows) + ", interaction " + Percent(b->interaction) +
         "\n";
}

std::string DriversTable(const ForecastModel& m, const CommodityForecast& cf) {
  if (cf.drivers_trajectories == 0 || cf.stock.empty()) return "";
  const size_t widest = WidestBandDay(cf), last = cf.stock.size() - 1;
  std::string out = "  what drives the spread (shares of the variance across trajectories, estimated from " +
                    std::to_string(cf.drivers_trajectories) + " trajectories):\n";
  out += DriversLine("stock on " + ForecastDate(m, widest) + " (widest p5-p95 band)", cf.stock_drivers[widest]);
  if (last != widest) out += DriversLine("stock on " + ForecastDate(m, last) + " (last day)", cf.stock_drivers[last]);
  out += DriversLine("days until below the threshold", cf.days_to_threshold_drivers);
  return out;
}

}  // namespace

std::string ForecastTable(const Forecast& f) {
  const ForecastModel& m = f.model;
  std::ostringstream out;
  char buf[256];
  out << "Forecast for case " << f.case_id << ", scenario " << f.scenario << "\n"
      << CheckpointLine(f.checkpoint) << "\n"
      << m.trajectories << " trajectories x " << m.horizon << " days from " << ForecastDate(m, 0) << ", seed "
      << m.seed << "\n\n";
  out << "Route process (daily transition probabilities; rows: from, columns: to)"
      << (m.transition_given ? ", given in the scenario"
                             : ", posterior mean: each trajectory draws its own (counts + " + Num(m.route_prior) +
                                   " per cell)")
      << "\n";
  std::snprintf(buf, sizeof buf, "  %-12s %10s %10s %10s\n", "", "open", "restricted", "closed");
  out << buf;
  for (size_t i = 0; i < kForecastStates; ++i) {
    std::snprintf(buf, sizeof buf, "  %-12s %10.4f %10.4f %10.4f\n",
                  std::string(RouteStateName(kForecastStateOrder[i])).c_str(), m.transition[i][0], m.transition[i][1],
                  m.transition[i][2]);
    out << buf;
  }
  for (size_t c = 0; c < f.commodities.size(); ++c) {
    const CommodityForecast& cf = f.commodities[c];
    const ForecastCommodityModel& mc = m.commodities[c];
    out << "\n" << cf.name << " (" << cf.unit << "), threshold "
        << (cf.threshold ? Num(*cf.threshold) : std::string("0 (exhausted)"));
    if (mc.normal_stock) {
      out << ", restocking to " << Num(*mc.normal_stock / mc.display_factor) << " (1/" << Num(mc.restock_days)
          << " of the gap a day)";
    }
    out << "\n";
    out << "  days until below the threshold:";
    for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
      const auto& v = cf.days_to_threshold[p];
      out << "  p" << Num(kForecastPercentiles[p]) << " "
          << (v ? std::to_string(*v) : "> " + std::to_string(m.horizon));
    }
    std::snprintf(buf, sizeof buf, "%.1f", cf.never_fraction * 100);
    out << "\n  never below it within the horizon: " << buf << " % of trajectories\n";
    out << DriversTable(m, cf);
    std::snprintf(buf, sizeof buf, "  %-10s %14s %14s %14s %14s %14s\n", "date", "p5", "p25", "p50", "p75", "p95");
    out << buf;
    for (size_t d = 0; d < cf.stock.size(); ++d) {
      const auto& p = cf.stock[d];
      std::snprintf(buf, sizeof buf, "  %-10s %14.1f %14.1f %14.1f %14.1f %14.1f\n", ForecastDate(m, d).c_str(), p[0],
                    p[1], p[2], p[3], p[4]);
      out << buf;
    }
  }
  out << "\nThe model assumes:\n";
  for (const auto& a : m.assumptions) out << "- " << a << "\n";
  return out.str();
}

}  // namespace lifeline::analysis
