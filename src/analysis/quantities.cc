#include "analysis/quantities.h"

#include <algorithm>
#include <set>

#include "record/values.h"

namespace lifeline::analysis {

std::string_view MeasureName(Quantity::Measure m) {
  switch (m) {
    case Quantity::Measure::kVehicles: return "vehicles";
    case Quantity::Measure::kPersons: return "persons";
    case Quantity::Measure::kPatients: return "patients";
    case Quantity::Measure::kCargo: break;
  }
  return "cargo";
}

namespace {

uint8_t MeasureBit(Quantity::Measure m) {
  switch (m) {
    case Quantity::Measure::kVehicles: return kMeasureVehicles;
    case Quantity::Measure::kPersons: return kMeasurePersons;
    case Quantity::Measure::kPatients: return kMeasurePatients;
    case Quantity::Measure::kCargo: break;
  }
  return kMeasureCargo;
}

bool InScope(const Dataset& ds, const Quantity& q, const std::vector<uint8_t>& route_in, size_t i) {
  const Movements& m = ds.movements;
  if (m.direction[i] != q.direction) return false;
  if ((m.outcome[i] == Outcome::kCompleted) == q.stopped) return false;
  return q.routes.empty() || route_in[static_cast<size_t>(m.route[i])];
}

// The figure of each movement row for the quantity, and whether the row
// gives it. Cargo weighs the lines the quantity counts.
struct Figures {
  std::vector<double> value;
  std::vector<uint8_t> given;
};

Figures MovementFigures(const Dataset& ds, const Quantity& q) {
  const Movements& m = ds.movements;
  Figures f{std::vector<double>(m.size(), 0.0), std::vector<uint8_t>(m.size(), 0)};
  if (q.measure != Quantity::Measure::kCargo) {
    const std::vector<int64_t>& col = q.measure == Quantity::Measure::kVehicles  ? m.vehicles
                                      : q.measure == Quantity::Measure::kPersons ? m.persons
                                                                                 : m.patients;
    uint8_t bit = MeasureBit(q.measure);
    for (size_t i = 0; i < m.size(); ++i) {
      f.value[i] = static_cast<double>(col[i]);
      f.given[i] = (m.GivenAt(i) & bit) ? 1 : 0;
    }
    return f;
  }
  const Cargo& c = ds.cargo;
  for (size_t i = 0; i < c.size(); ++i) {
    double factor = 0;
    if (q.commodities.empty()) {
      factor = c.unit[i] == q.unit ? 1 : 0;
    } else {
      for (const auto& w : q.commodities) {
        if (w.commodity == c.commodity[i] && w.unit == c.unit[i]) factor = w.factor;
      }
    }
    if (factor == 0) continue;
    size_t row = static_cast<size_t>(c.movement[i]);
    f.value[row] += c.quantity[i] * factor;
    f.given[row] = 1;
  }
  return f;
}

// Routes a watch must cover for a day to count as watched: the quantity's,
// or (every route) the routes that carried anything in the case, the
// lifeline routes and the watched routes. A route with no movement record
// at all is not required (a road the case never saw used).
std::vector<int32_t> WatchedRoutes(const Dataset& ds, const Quantity& q) {
  if (!q.routes.empty()) return q.routes;
  std::set<int32_t> r(ds.movements.route.begin(), ds.movements.route.end());
  for (int32_t l : ds.LifelineRoutes()) r.insert(l);
  r.insert(ds.watches.route.begin(), ds.watches.route.end());
  return {r.begin(), r.end()};
}

}  // namespace

std::vector<uint8_t> WatchedDays(const Dataset& ds, const Quantity& q, int32_t from, int32_t to) {
  const size_t n = static_cast<size_t>(to - from + 1);
  std::vector<int32_t> routes = WatchedRoutes(ds, q);
  if (routes.empty() || ds.watches.size() == 0) return std::vector<uint8_t>(n, 0);
  // Per route, the days watched; a day is watched when all routes are.
  std::vector<uint16_t> count(n, 0);
  const Watches& w = ds.watches;
  uint8_t way = WayOf(q.direction), bit = MeasureBit(q.measure);
  for (int32_t r : routes) {
    std::vector<uint8_t> seen(n, 0);
    for (size_t i = 0; i < w.size(); ++i) {
      if (w.route[i] != r || !(w.ways[i] & way) || !(w.measures[i] & bit)) continue;
      for (int32_t d = std::max(from, w.from[i]); d <= std::min(to, w.to[i]); ++d) seen[static_cast<size_t>(d - from)] = 1;
    }
    for (size_t d = 0; d < n; ++d) count[d] = static_cast<uint16_t>(count[d] + seen[d]);
  }
  std::vector<uint8_t> out(n);
  for (size_t d = 0; d < n; ++d) out[d] = count[d] == routes.size() ? 1 : 0;
  return out;
}

namespace {

std::string Actor(const Dataset& ds, int32_t a) { return a == kNone ? std::string() : ds.actors.at(a); }

void Describe(const Dataset& ds, const Quantity& q, int32_t from, int32_t to, RangeEstimate& out) {
  out.measure = std::string(MeasureName(q.measure));
  out.direction = q.direction == Direction::kIn ? "in" : "out";
  out.outcome = q.stopped ? "stopped" : "delivered";
  if (q.measure == Quantity::Measure::kCargo) {
    out.unit = q.unit != kNone ? ds.units.at(q.unit) : q.commodities.empty() ? "" : ds.units.at(q.commodities[0].unit);
    for (const auto& w : q.commodities) out.commodities.push_back(ds.commodities.at(w.commodity));
  }
  for (int32_t r : q.routes) out.routes.push_back(ds.routes.at(r));
  std::sort(out.routes.begin(), out.routes.end());
  out.from = record::FormatDate(record::Day{from});
  out.to = record::FormatDate(record::Day{to});
}

}  // namespace

RangeEstimate EstimateQuantity(const Dataset& ds, const Quantity& q, int32_t from, int32_t to) {
  RangeEstimate out;
  Describe(ds, q, from, to, out);
  const Movements& m = ds.movements;
  const size_t n = static_cast<size_t>(to - from + 1);
  std::vector<uint8_t> route_in(ds.routes.size(), 0);
  for (int32_t r : q.routes) route_in[static_cast<size_t>(r)] = 1;
  Figures fig = MovementFigures(ds, q);

  EstimateInput in;
  in.from = from;
  in.to = to;
  in.daily.assign(n, 0.0);
  in.has_record.assign(n, 0);
  in.watched = WatchedDays(ds, q, from, to);
  in.tolerance = ds.discrepancy_tolerance;
  std::set<std::string> records, without;
  for (size_t i = 0; i < m.size(); ++i) {
    if (!InScope(ds, q, route_in, i)) continue;
    if (m.period_from[i] != kNoDay) {
      if (m.period_to[i] < from || m.period_from[i] > to) continue;
      records.insert(ds.ids.at(m.record[i]));
      if (!fig.given[i]) continue;
      in.reports.push_back({m.period_from[i], m.period_to[i], fig.value[i], m.QualifierAt(i), m.ReporterAt(i), m.op[i],
                            m.record[i]});
      continue;
    }
    if (m.day[i] < from || m.day[i] > to) continue;
    size_t d = static_cast<size_t>(m.day[i] - from);
    in.has_record[d] = 1;
    records.insert(ds.ids.at(m.record[i]));
    if (fig.given[i]) {
      in.daily[d] += fig.value[i];
    } else {
      without.insert(ds.ids.at(m.record[i]));
    }
  }
  Estimate e = ComputeEstimate(in);
  out.daily_sum = e.daily_sum;
  out.best = e.best;
  out.lower_bound = e.lower_bound;
  out.upper = e.upper;
  out.rule = std::string(BestRuleName(e.rule));
  out.completeness = e.completeness;
  for (const PlacedReport& p : e.reports) {
    RangeEstimate::Report r;
    r.record = ds.ids.at(p.report.record);
    r.from = record::FormatDate(record::Day{p.report.from});
    r.to = record::FormatDate(record::Day{p.report.to});
    r.fit = std::string(FitName(p.fit));
    r.qualifier = std::string(QualifierName(p.report.qualifier));
    r.reported_by = Actor(ds, p.report.reporter);
    r.op = p.report.operator_ == kNone ? "" : ds.operators.at(p.report.operator_);
    r.value = p.report.value;
    r.prorated = p.prorated;
    r.daily_sum = p.daily_sum;
    r.used = p.used;
    r.one_party = ds.IsParty(p.report.reporter);
    out.reports.push_back(std::move(r));
  }
  for (const Discrepancy& d : e.discrepancies) {
    out.discrepancies.push_back({d.kind == Discrepancy::Kind::kReports ? "reports" : "records_exceed",
                                 ds.ids.at(d.a), d.b == kNone ? "" : ds.ids.at(d.b), Actor(ds, d.reporter_a),
                                 Actor(ds, d.reporter_b), d.value_a, d.value_b});
  }
  out.records.assign(records.begin(), records.end());
  out.without_figure.assign(without.begin(), without.end());
  out.records_without_figure = static_cast<int64_t>(without.size());
  return out;
}

}  // namespace lifeline::analysis
