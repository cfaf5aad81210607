#include "analysis/compliance_rules.h"

#include <algorithm>
#include <string>

#include "record/values.h"

namespace lifeline::analysis {
namespace {

constexpr int64_t kDay = 86400;


void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// --- service_restored ---

// An outage or schedule of the rule's utility as far as its evidence goes:
// [from, end), where end is its `until`, else its `confirmed_until`, else
// the end of its first day (as the utilities analysis counts it).
struct UtilitySpan {
  int64_t from, end;
  bool restored;  // `until` given: the records say the service came back
  int32_t record;
  std::string status;  // outage | schedule
};

UtilitySpan SpanOf(int64_t from, int64_t until, int64_t confirmed, int32_t record, const char* status) {
  if (until != kForever) return {from, until, true, record, status};
  if (confirmed != kForever) return {from, std::max(from, confirmed), false, record, status};
  return {from, (static_cast<int64_t>(DayOfInstant(from)) + 1) * kDay, false, record, status};
}

// The rule's utility's service outages and schedules with hours off, in its
// area: a record with no area covers the whole case; a rule with no area
// takes every area.
std::vector<UtilitySpan> UtilitySpans(const Dataset& ds, const Obligation& o) {
  auto applies = [&](int32_t utility, const std::string& area) {
    return ds.utilities.at(utility) == o.utility && (o.area.empty() || area.empty() || area == o.area);
  };
  std::vector<UtilitySpan> out;
  const Outages& og = ds.outages;
  for (size_t i = 0; i < og.size(); ++i) {
    if (og.scope[i] != OutageScope::kService || !applies(og.utility[i], og.area[i])) continue;
    out.push_back(SpanOf(og.from[i], og.until[i], og.confirmed_until[i], og.record[i], "outage"));
  }
  const Schedules& sc = ds.schedules;
  for (size_t i = 0; i < sc.size(); ++i) {
    if (sc.hours_off[i] <= 0 || !applies(sc.utility[i], sc.area[i])) continue;
    out.push_back(SpanOf(sc.from[i], sc.until[i], sc.confirmed_until[i], sc.record[i], "schedule"));
  }
  return out;
}

// --- commodity_allowed ---

// What a route status must not restrict for the commodity to pass: the
// commodity itself and, for anything but persons and vehicles, cargo.
uint32_t BlockingMask(const Obligation& o) {
  return o.commodity_mask | (o.commodity == "persons" || o.commodity == "vehicles" ? 0u : uint32_t{kCargo});
}

std::vector<int32_t> RulesRoutes(const Dataset& ds, const Obligation& o) {
  if (!o.routes.empty()) return o.routes;
  std::vector<int32_t> all(ds.routes.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int32_t>(i);
  return all;
}

// --- flow_at_least ---

// The periods [first, last] of `per` that cover [a, b], clipped to it, each
// with its full length in days.
struct Period {
  int32_t first, last, length;
};

int32_t MonthStart(int32_t d) { return static_cast<int32_t>(record::ParseDate(DayText(d).substr(0, 8) + "01")->days); }

std::vector<Period> Periods(const Obligation& o, int32_t a, int32_t b) {
  std::vector<Period> out;
  for (int32_t d = a; d <= b;) {
    int32_t start = d, end = d;
    if (o.per == "week") {
      start = d - (d - o.from) % 7;
      end = start + 6;
    } else if (o.per == "month") {
      start = MonthStart(d);
      end = MonthStart(start + 31) - 1;
    }
    out.push_back({d, std::min(end, b), end - start + 1});
    d = std::min(end, b) + 1;
  }
  return out;
}

// The rule's completed daily flow on each day of [a, b], with its records.
struct DailyFlow {
  std::vector<double> amount;
  std::vector<std::vector<int32_t>> records;
};

bool Counts(const Dataset& ds, const Obligation& o, size_t i, int32_t a, int32_t b) {
  const Movements& m = ds.movements;
  if (m.PeriodFromAt(i) != kNoDay || m.outcome[i] != Outcome::kCompleted || m.day[i] < a || m.day[i] > b) return false;
  if (m.direction[i] == Direction::kBoth || !(WayOf(m.direction[i]) & o.ways)) return false;
  return o.routes.empty() || std::find(o.routes.begin(), o.routes.end(), m.route[i]) != o.routes.end();
}

DailyFlow FlowOf(const Dataset& ds, const Obligation& o, int32_t a, int32_t b) {
  DailyFlow f{std::vector<double>(static_cast<size_t>(b - a + 1), 0.0), {}};
  f.records.resize(f.amount.size());
  const Movements& m = ds.movements;
  auto add = [&](size_t row, double v) {
    size_t d = static_cast<size_t>(m.day[row] - a);
    f.amount[d] += v;
    f.records[d].push_back(m.record[row]);
  };
  if (o.measure == kMeasureCargo) {
    const Cargo& cg = ds.cargo;
    for (size_t c = 0; c < cg.size(); ++c) {
      size_t row = static_cast<size_t>(cg.movement[c]);
      if (!Counts(ds, o, row, a, b) || ds.units.at(cg.unit[c]) != o.unit) continue;
      if (!o.commodity.empty() && ds.commodities.at(cg.commodity[c]) != o.commodity) continue;
      add(row, cg.quantity[c]);
    }
    return f;
  }
  for (size_t i = 0; i < m.size(); ++i) {
    if (!Counts(ds, o, i, a, b) || !(m.GivenAt(i) & o.measure)) continue;
    add(i, static_cast<double>(o.measure == kMeasureVehicles  ? m.vehicles[i]
                               : o.measure == kMeasurePersons ? m.persons[i]
                                                              : m.patients[i]));
  }
  return f;
}

// Whether watches cover day d on every route the rule counts (its routes,
// else the case's lifeline routes) for its directions and measure: then a
// day without a crossing is a recorded zero.
bool Watched(const Dataset& ds, const Obligation& o, const std::vector<int32_t>& routes, int32_t d) {
  if (routes.empty()) return false;
  const Watches& w = ds.watches;
  for (int32_t r : routes) {
    bool covered = false;
    for (size_t i = 0; i < w.size() && !covered; ++i) {
      covered = w.route[i] == r && w.from[i] <= d && d <= w.to[i] && (w.ways[i] & o.ways) == o.ways &&
                (w.measures[i] & o.measure);
    }
    if (!covered) return false;
  }
  return true;
}

}  // namespace

void CountDay(ObligationCompliance& oc, int32_t day, DayVerdict verdict, ViolationDay detail) {
  ++oc.days_evaluated;
  const std::string date = DayText(day);
  if (verdict == DayVerdict::kMet) {
    ++oc.days_in_compliance;
  } else if (verdict == DayVerdict::kUnknown) {
    ++oc.days_unknown;
    oc.unknown_days.push_back(date);
  } else {
    ++oc.days_in_violation;
    if (!oc.first_violation) oc.first_violation = date;
    oc.last_violation = date;
    detail.date = date;
    SortUnique(detail.records);
    oc.violations.push_back(std::move(detail));
  }
}

void EvaluateServiceRestored(const Dataset& ds, const Obligation& o, int32_t a, int32_t b, ObligationCompliance& oc) {
  const std::vector<UtilitySpan> spans = UtilitySpans(ds, o);
  for (int32_t d = a; d <= b; ++d) {
    const int64_t start = static_cast<int64_t>(d) * kDay, end = start + kDay;
    ViolationDay v;
    const UtilitySpan* last_ended = nullptr;
    for (const UtilitySpan& s : spans) {
      if (s.from < end && s.end > start) {
        if (v.status != "outage") v.status = s.status;
        v.records.push_back(std::string(ds.ids.at(s.record)));
      } else if (s.end <= start && (last_ended == nullptr || s.end > last_ended->end)) {
        last_ended = &s;
      }
    }
    if (!v.records.empty()) {
      CountDay(oc, d, DayVerdict::kViolated, std::move(v));
    } else {
      CountDay(oc, d, last_ended != nullptr && last_ended->restored ? DayVerdict::kMet : DayVerdict::kUnknown);
    }
  }
}

void EvaluateCommodityAllowed(const Dataset& ds, const Obligation& o, const RouteDayTable& rt, int32_t a, int32_t b,
                              ObligationCompliance& oc) {
  const std::vector<int32_t> routes = RulesRoutes(ds, o);
  const uint32_t blocking = BlockingMask(o);
  for (int32_t d = a; d <= b; ++d) {
    bool open = false, unknown = routes.empty();
    ViolationDay v{"", "closed", {}, {}};
    uint32_t restricted = 0;
    for (int32_t r : routes) {
      const size_t c = rt.cell(r, d);
      bool route_open = true;
      for (int w = 0; w < 2; ++w) {
        if (!(o.ways & (w == 0 ? kWayIn : kWayOut))) continue;
        const RouteState st = rt.way_state[w][c];
        if (st == RouteState::kUnknown) unknown = true;
        if (st == RouteState::kRestricted) restricted |= rt.way_restricted[w][c];
        route_open &= st == RouteState::kOpen || (st == RouteState::kRestricted && !(rt.way_restricted[w][c] & blocking));
      }
      open |= route_open;
      for (int32_t rec : rt.in_force[c]) v.records.push_back(std::string(ds.ids.at(rec)));
    }
    if (open || unknown) {
      CountDay(oc, d, open ? DayVerdict::kMet : DayVerdict::kUnknown);
      continue;
    }
    if (restricted != 0) {
      v.status = "restricted";
      v.restricted = ds.RestrictionTerms(restricted);
    }
    CountDay(oc, d, DayVerdict::kViolated, std::move(v));
  }
}

void EvaluateFlowAtLeast(const Dataset& ds, const Obligation& o, int32_t a, int32_t b, ObligationCompliance& oc) {
  const DailyFlow flow = FlowOf(ds, o, a, b);
  const std::vector<int32_t> routes = o.routes.empty() ? ds.LifelineRoutes() : o.routes;
  for (const Period& p : Periods(o, a, b)) {
    double sum = 0;
    bool watched = true;
    ViolationDay v{"", "below", {}, {}};
    for (int32_t d = p.first; d <= p.last; ++d) {
      sum += flow.amount[static_cast<size_t>(d - a)];
      for (int32_t r : flow.records[static_cast<size_t>(d - a)]) v.records.push_back(std::string(ds.ids.at(r)));
      watched &= Watched(ds, o, routes, d);
    }
    const double required = o.quantity * (p.last - p.first + 1) / p.length;
    v.flow = sum;
    v.required = required;
    const DayVerdict verdict = sum >= required ? DayVerdict::kMet : watched ? DayVerdict::kViolated : DayVerdict::kUnknown;
    for (int32_t d = p.first; d <= p.last; ++d) CountDay(oc, d, verdict, v);
  }
}

}  // namespace lifeline::analysis
