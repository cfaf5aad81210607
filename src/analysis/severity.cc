#include "analysis/severity.h"

#include <algorithm>
#include <sstream>

#include "analysis/indicators.h"
#include "analysis/route_days.h"
#include "analysis/utilities.h"
#include "record/values.h"

namespace lifeline::analysis {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, kCriteria> kCriterionNames = {"food",      "medicine",  "sick",
                                                                     "civilians", "utilities", "attacks"};
constexpr std::array<std::string_view, kCriteria> kQuestions = {
    "can food enter (inbound, some lifeline route: open, or humanitarian or commercial cargo not restricted)?",
    "can medicine enter (inbound, some lifeline route: open, or humanitarian, medical or commercial cargo not "
    "restricted)?",
    "can the sick leave (outbound, some lifeline route: open, or medical or civilian traffic not restricted)?",
    "can civilians move in and out (some lifeline route each way: open, or persons not restricted)?",
    "is a utility cut (any utility with hours without service or a supply line cut)?",
    "was the population attacked (an incident with civilian casualties or of type Violence against civilians; "
    "no: none recorded; unknown: the case records no incidents)?"};
constexpr std::array<std::string_view, 5> kClassNames = {"none", "moderate", "high", "severe", "unknown"};

// A channel passes a restricted status when none of its bits is restricted.
constexpr uint32_t kCommercialChannel = kCargo | kVehicles | kCommercial;
constexpr uint32_t kCivilianChannel = kPersons | kVehicles;

// The channels of each access criterion (the first four).
const std::vector<uint32_t>& Channels(Criterion c) {
  static const std::array<std::vector<uint32_t>, 4> kChannels = {
      std::vector<uint32_t>{kHumanitarian, kCommercialChannel},
      std::vector<uint32_t>{kHumanitarian, kMedical, kCommercialChannel},
      std::vector<uint32_t>{kMedical, kCivilianChannel},
      std::vector<uint32_t>{kPersons},
  };
  return kChannels[static_cast<size_t>(c)];
}

// Whether a good passes one direction of a route on a day.
Answer PassesWay(RouteState st, uint32_t restricted, Criterion c) {
  switch (st) {
    case RouteState::kUnknown: return Answer::kUnknown;
    case RouteState::kOpen: return Answer::kYes;
    case RouteState::kClosed: return Answer::kNo;
    case RouteState::kRestricted: break;
  }
  for (uint32_t channel : Channels(c)) {
    if ((restricted & channel) == 0) return Answer::kYes;
  }
  return Answer::kNo;
}

// Combines answers where both are needed (civilians: in and out).
Answer Both(Answer a, Answer b) {
  if (a == Answer::kNo || b == Answer::kNo) return Answer::kNo;
  if (a == Answer::kUnknown || b == Answer::kUnknown) return Answer::kUnknown;
  return Answer::kYes;
}

// `records` are indices into ds.ids.
void AddRecords(const Dataset& ds, const std::vector<int32_t>& records, std::vector<std::string>* out) {
  for (int32_t r : records) out->push_back(std::string(ds.ids.at(r)));
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// One way (0 in, 1 out) of an access criterion on day d over the lifeline
// routes: yes if some route lets the good through that way, no if every one
// has a status that way and none does, else unknown. The records: of the
// routes that let it through (yes), else of every route.
CriterionValue AccessWay(const Dataset& ds, const RouteDayTable& rt, const std::vector<int32_t>& routes, int32_t d,
                         Criterion c, int way) {
  CriterionValue v;
  bool any_unknown = routes.empty(), any_yes = false;
  std::vector<int32_t> yes_records, all_records;  // status records in force
  for (int32_t r : routes) {
    size_t cell = rt.cell(r, d);
    Answer a = PassesWay(rt.way_state[way][cell], rt.way_restricted[way][cell], c);
    const auto& in_force = rt.in_force[cell];
    all_records.insert(all_records.end(), in_force.begin(), in_force.end());
    if (a == Answer::kYes) {
      any_yes = true;
      yes_records.insert(yes_records.end(), in_force.begin(), in_force.end());
    }
    if (a == Answer::kUnknown) any_unknown = true;
  }
  v.answer = any_yes ? Answer::kYes : any_unknown ? Answer::kUnknown : Answer::kNo;
  AddRecords(ds, v.answer == Answer::kYes ? yes_records : all_records, &v.records);
  SortUnique(&v.records);
  return v;
}

// An access criterion: food and medicine inbound, the sick outbound,
// civilians both ways (each way on some route). For civilians the records
// are those of the ways behind the answer.
CriterionValue Access(const Dataset& ds, const RouteDayTable& rt, const std::vector<int32_t>& routes, int32_t d,
                      Criterion c) {
  if (c != Criterion::kCivilians) return AccessWay(ds, rt, routes, d, c, c == Criterion::kSick ? 1 : 0);
  CriterionValue in = AccessWay(ds, rt, routes, d, c, 0), out = AccessWay(ds, rt, routes, d, c, 1);
  CriterionValue v;
  v.answer = Both(in.answer, out.answer);
  for (const CriterionValue* w : {&in, &out}) {
    if (v.answer == Answer::kYes || w->answer == v.answer) {
      v.records.insert(v.records.end(), w->records.begin(), w->records.end());
    }
  }
  SortUnique(&v.records);
  return v;
}

// The records of the incidents that are attacks on the population, per day
// of the range.
std::vector<std::vector<int32_t>> Attacks(const Dataset& ds, int32_t from, int32_t to) {
  std::vector<uint8_t> civilian(ds.incidents.size(), 0);
  const Casualties& c = ds.casualties;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.category[i] == CasualtyCategory::kCivilian &&
        (c.low[i] > 0 || c.best[i] > 0 || c.high[i] > 0 || c.injuries[i] > 0)) {
      civilian[static_cast<size_t>(c.incident[i])] = 1;
    }
  }
  std::vector<std::vector<int32_t>> out(static_cast<size_t>(to - from + 1));
  for (size_t i = 0; i < ds.incidents.size(); ++i) {
    int32_t d = ds.incidents.day[i];
    if (d < from || d > to || !(civilian[i] || ds.incidents.AgainstCiviliansAt(i))) continue;
    out[static_cast<size_t>(d - from)].push_back(ds.incidents.record[i]);
  }
  return out;
}

CriterionValue UtilitiesOn(const Dataset& ds, const std::vector<UtilitySeries>& series, size_t i) {
  CriterionValue v;
  bool unknown = series.empty();
  for (const UtilitySeries& s : series) {
    if (s.hours[i] > 0 || s.supply_cut[i]) {
      v.answer = Answer::kYes;
      AddRecords(ds, s.records[i], &v.records);
    }
    if (s.unknown[i]) unknown = true;
  }
  if (v.answer != Answer::kYes) v.answer = unknown ? Answer::kUnknown : Answer::kNo;
  SortUnique(&v.records);
  return v;
}

// The class and its bounds from the criteria.
void Classify(SeverityPeriod* p) {
  std::array<bool, kCriteria> low{}, high{};
  for (size_t c = 0; c < kCriteria; ++c) {
    Answer a = p->criteria[c].answer;
    bool bad = a == BadAnswer(static_cast<Criterion>(c));
    low[c] = bad;
    high[c] = bad || a == Answer::kUnknown;
  }
  p->at_least = ClassOfBad(low);
  p->at_most = ClassOfBad(high);
  p->cls = p->at_least == p->at_most ? p->at_least : SeverityClass::kUnknown;
}

std::vector<SeverityPeriod> Days(const Dataset& ds, int32_t from, int32_t to) {
  RouteDayTable rt = ComputeRouteDays(ds, from, to, /*with_records=*/true);
  std::vector<UtilitySeries> utilities = ComputeUtilities(ds, from, to, /*with_records=*/true);
  std::vector<std::vector<int32_t>> attacks = Attacks(ds, from, to);
  const std::vector<int32_t> routes = ds.LifelineRoutes();
  std::vector<SeverityPeriod> out;
  for (int32_t d = from; d <= to; ++d) {
    const size_t i = static_cast<size_t>(d - from);
    SeverityPeriod p;
    p.from = p.to = record::FormatDate(record::Day{d});
    for (Criterion c : {Criterion::kFood, Criterion::kMedicine, Criterion::kSick, Criterion::kCivilians}) {
      p.criteria[static_cast<size_t>(c)] = Access(ds, rt, routes, d, c);
    }
    p.criteria[static_cast<size_t>(Criterion::kUtilities)] = UtilitiesOn(ds, utilities, i);
    CriterionValue& at = p.criteria[static_cast<size_t>(Criterion::kAttacks)];
    // A case that records no incident at all says nothing about attacks.
    at.answer = !attacks[i].empty() ? Answer::kYes : ds.incidents.size() == 0 ? Answer::kUnknown : Answer::kNo;
    AddRecords(ds, attacks[i], &at.records);
    SortUnique(&at.records);
    Classify(&p);
    out.push_back(std::move(p));
  }
  return out;
}

// Days since the Monday that starts the ISO week of `d` (1970-01-01 was a
// Thursday).
int32_t WeekdayOf(int32_t d) { return ((d + 3) % 7 + 7) % 7; }

// Folds one day into its week's criteria (bad beats unknown beats good).
void FoldCriteria(const SeverityPeriod& day, SeverityPeriod* week, bool first) {
  for (size_t c = 0; c < kCriteria; ++c) {
    const CriterionValue& dv = day.criteria[c];
    CriterionValue& wv = week->criteria[c];
    const Answer bad = BadAnswer(static_cast<Criterion>(c));
    auto rank = [&](Answer a) { return a == bad ? 2 : a == Answer::kUnknown ? 1 : 0; };
    if (first || rank(dv.answer) > rank(wv.answer)) {
      wv.answer = dv.answer;
      wv.records.clear();
    }
    if (dv.answer == wv.answer) wv.records.insert(wv.records.end(), dv.records.begin(), dv.records.end());
  }
}

SeverityPeriod Week(const std::vector<SeverityPeriod>& days, size_t a, size_t b) {
  SeverityPeriod w;
  w.from = days[a].from;
  w.to = days[b - 1].to;
  SeverityClass worst = SeverityClass::kNone, least = SeverityClass::kNone, most = SeverityClass::kNone;
  for (size_t i = a; i < b; ++i) {
    const SeverityPeriod& d = days[i];
    FoldCriteria(d, &w, i == a);
    ++w.days_by_class[static_cast<size_t>(d.cls)];
    if (d.cls != SeverityClass::kUnknown) worst = std::max(worst, d.cls);
    least = std::max(least, d.at_least);
    most = std::max(most, d.at_most);
  }
  for (auto& c : w.criteria) SortUnique(&c.records);
  w.at_least = least;
  w.at_most = most;
  w.cls = most <= worst ? worst : SeverityClass::kUnknown;
  return w;
}

std::vector<SeverityPeriod> Weeks(const std::vector<SeverityPeriod>& days, int32_t from) {
  std::vector<SeverityPeriod> out;
  size_t a = 0;
  while (a < days.size()) {
    int32_t d = from + static_cast<int32_t>(a);
    size_t b = std::min(days.size(), a + static_cast<size_t>(7 - WeekdayOf(d)));
    out.push_back(Week(days, a, b));
    a = b;
  }
  return out;
}

}  // namespace

std::string_view AnswerName(Answer a) { return a == Answer::kYes ? "yes" : a == Answer::kNo ? "no" : "unknown"; }
std::string_view CriterionName(Criterion c) { return kCriterionNames[static_cast<size_t>(c)]; }
std::string_view CriterionQuestion(Criterion c) { return kQuestions[static_cast<size_t>(c)]; }
Answer BadAnswer(Criterion c) {
  return c == Criterion::kUtilities || c == Criterion::kAttacks ? Answer::kYes : Answer::kNo;
}
std::string_view SeverityClassName(SeverityClass c) { return kClassNames[static_cast<size_t>(c)]; }

std::optional<SeverityClass> ParseSeverityClass(std::string_view s) {
  for (size_t i = 0; i < kClassNames.size(); ++i) {
    if (kClassNames[i] == s) return static_cast<SeverityClass>(i);
  }
  return std::nullopt;
}

std::vector<std::string> SeverityRule() {
  return {"severe: food, medicine and sick all no, and utilities or attacks yes",
          "high: otherwise, any of food, medicine, sick no",
          "moderate: otherwise, civilians no, or utilities or attacks yes",
          "none: otherwise",
          "unknown: the class differs with the unknown criteria taken as yes or as no (at_least .. at_most)",
          "week: its most severe day class, unknown if an unknown day could be worse"};
}

SeverityClass ClassOfBad(const std::array<bool, kCriteria>& bad) {
  auto is = [&](Criterion c) { return bad[static_cast<size_t>(c)]; };
  const bool aggravated = is(Criterion::kUtilities) || is(Criterion::kAttacks);
  const bool food = is(Criterion::kFood), medicine = is(Criterion::kMedicine), sick = is(Criterion::kSick);
  if (food && medicine && sick && aggravated) return SeverityClass::kSevere;
  if (food || medicine || sick) return SeverityClass::kHigh;
  if (is(Criterion::kCivilians) || aggravated) return SeverityClass::kModerate;
  return SeverityClass::kNone;
}

Result<Severity> ComputeSeverity(const Dataset& ds, const CheckpointRef& cp, int32_t from, int32_t to, SeverityBy by) {
  if (!ds.finalized) return InternalError("ComputeSeverity needs a finalized dataset");
  LIFELINE_RETURN_IF_ERROR(ResolveRange(ds, &from, &to));
  Severity s;
  s.case_id = ds.case_id;
  s.checkpoint = cp;
  s.from = record::FormatDate(record::Day{from});
  s.to = record::FormatDate(record::Day{to});
  s.by = by;
  for (int32_t r : ds.LifelineRoutes()) s.lifeline_routes.push_back(std::string(ds.routes.at(r)));
  std::vector<SeverityPeriod> days = Days(ds, from, to);
  for (const SeverityPeriod& d : days) ++s.days_by_class[static_cast<size_t>(d.cls)];
  s.periods = by == SeverityBy::kWeek ? Weeks(days, from) : std::move(days);
  return s;
}

json SeverityJson(const Severity& s) {
  json criteria = json::array();
  for (size_t c = 0; c < kCriteria; ++c) {
    criteria.push_back({{"key", kCriterionNames[c]}, {"question", kQuestions[c]}});
  }
  json counts = json::object();
  for (size_t k = 0; k < kClassNames.size(); ++k) counts[std::string(kClassNames[k])] = s.days_by_class[k];
  json periods = json::array();
  for (const SeverityPeriod& p : s.periods) {
    json cj = json::object();
    for (size_t c = 0; c < kCriteria; ++c) {
      cj[std::string(kCriterionNames[c])] = {{"answer", AnswerName(p.criteria[c].answer)},
                                             {"records", p.criteria[c].records}};
    }
    json pj = {{"from", p.from},
               {"to", p.to},
               {"class", SeverityClassName(p.cls)},
               {"at_least", SeverityClassName(p.at_least)},
               {"at_most", SeverityClassName(p.at_most)},
               {"criteria", cj}};
    if (s.by == SeverityBy::kWeek) {
      json dc = json::object();
      for (size_t k = 0; k < kClassNames.size(); ++k) dc[std::string(kClassNames[k])] = p.days_by_class[k];
      pj["days_by_class"] = dc;
    }
    periods.push_back(std::move(pj));
  }
  return {{"case", s.case_id},
          {"checkpoint", {{"size", s.checkpoint.size}, {"root", s.checkpoint.root}}},
          {"from", s.from},
          {"to", s.to},
          {"by", s.by == SeverityBy::kWeek ? "week" : "day"},
          {"lifeline_routes", s.lifeline_routes},
          {"criteria", criteria},
          {"rule", SeverityRule()},
          {"days_by_class", counts},
          {"periods", periods}};
}

std::string SeverityTable(const Severity& s, bool explain) {
  std::ostringstream o;
  o << "Siege severity of " << s.case_id << ", " << s.from << " .. " << s.to << " (checkpoint " << s.checkpoint.size
    << " " << s.checkpoint.root << ")\n";
  o << "Lifeline routes: " << (s.lifeline_routes.empty() ? "none named" : "");
  for (size_t i = 0; i < s.lifeline_routes.size(); ++i) o << (i ? ", " : "") << s.lifeline_routes[i];
  o << "\nCriteria (y yes, n no, ? unknown):\n";
  for (size_t c = 0; c < kCriteria; ++c) o << "  " << kCriterionNames[c] << ": " << kQuestions[c] << "\n";
  o << "Rule:\n";
  for (const std::string& line : SeverityRule()) o << "  " << line << "\n";
  o << "\n" << (s.by == SeverityBy::kWeek ? "week                     " : "date        ")
    << "class          food med sick civ util att\n";
  for (const SeverityPeriod& p : s.periods) {
    std::string when = p.from == p.to ? p.from : p.from + " .. " + p.to;
    when.resize(s.by == SeverityBy::kWeek ? 25 : 12, ' ');
    std::string cls(SeverityClassName(p.cls));
    if (p.cls == SeverityClass::kUnknown) {
      cls = std::string(SeverityClassName(p.at_least)) + ".." + std::string(SeverityClassName(p.at_most));
    }
    cls.resize(std::max<size_t>(cls.size() + 1, 15), ' ');  // "moderate..severe" is 16
    o << when << cls;
    const int widths[kCriteria] = {5, 4, 5, 4, 5, 3};
    for (size_t c = 0; c < kCriteria; ++c) {
      Answer a = p.criteria[c].answer;
      std::string cell(1, a == Answer::kYes ? 'y' : a == Answer::kNo ? 'n' : '?');
      cell.resize(static_cast<size_t>(widths[c]), ' ');
      o << cell;
    }
    o << "\n";
    if (!explain) continue;
    for (size_t c = 0; c < kCriteria; ++c) {
      if (p.criteria[c].records.empty()) continue;
      o << "    " << kCriterionNames[c] << ": ";
      for (size_t i = 0; i < p.criteria[c].records.size(); ++i) o << (i ? ", " : "") << p.criteria[c].records[i];
      o << "\n";
    }
  }
  o << "\nDays by class:";
  for (size_t k = 0; k < kClassNames.size(); ++k) o << " " << kClassNames[k] << " " << s.days_by_class[k];
  o << "\n";
  return o.str();
}

}  // namespace lifeline::analysis
