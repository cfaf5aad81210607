#include "analysis/quantities.h"

#include <algorithm>
#include <set>
#include <unordered_map>

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
  // Both directions: single days of either; period reports for both (the
  // one-direction reports are paired apart).
  bool daily = m.PeriodFromAt(i) == kNoDay;
  if (q.direction == Direction::kBoth ? !(daily || m.direction[i] == Direction::kBoth) : m.direction[i] != q.direction) {
    return false;
  }
  if ((m.outcome[i] == Outcome::kCompleted) == q.stopped) return false;
  return q.routes.empty() || route_in[static_cast<size_t>(m.route[i])];
}

// The figure of each movement row for the quantity, and whether the row
// gives it. Counts read the movement's column (nothing is copied); cargo
// weighs the lines the quantity counts, summed per movement once: the rows
// from `first_row` on from the lines from `first_line` on, and the period
// rows before first_row from `period_lines` (EstimateRows).
class Figures {
 public:
  Figures(const Dataset& ds, const Quantity& q, size_t first_row, size_t first_line,
          const std::vector<uint32_t>* period_lines)
      : m_(ds.movements), first_row_(first_row) {
    if (q.measure != Quantity::Measure::kCargo) {
      column_ = q.measure == Quantity::Measure::kVehicles  ? &m_.vehicles
                : q.measure == Quantity::Measure::kPersons ? &m_.persons
                                                           : &m_.patients;
      bit_ = MeasureBit(q.measure);
      return;
    }
    cargo_.assign(m_.size() - first_row, 0.0);
    cargo_given_.assign(m_.size() - first_row, 0);
    const Cargo& c = ds.cargo;
    if (period_lines != nullptr) {
      for (uint32_t i : *period_lines) {
        if (i < first_line) Add(c, q, i);
      }
    }
    for (size_t i = first_line; i < c.size(); ++i) Add(c, q, i);
  }
  double value(size_t i) const {
    if (column_) return static_cast<double>((*column_)[i]);
    if (i >= first_row_) return cargo_[i - first_row_];
    auto it = before_.find(i);
    return it == before_.end() ? 0 : it->second;
  }
  bool given(size_t i) const {
    if (column_) return (m_.GivenAt(i) & bit_) != 0;
    return i >= first_row_ ? cargo_given_[i - first_row_] != 0 : before_.contains(i);
  }

 private:
  void Add(const Cargo& c, const Quantity& q, size_t i) {
    double factor = 0;
    if (q.commodities.empty()) {
      factor = c.unit[i] == q.unit ? 1 : 0;
    } else {
      for (const auto& w : q.commodities) {
        if (w.commodity == c.commodity[i] && w.unit == c.unit[i]) factor = w.factor;
      }
    }
    if (factor == 0) return;
    const size_t row = static_cast<size_t>(c.movement[i]);
    if (row < first_row_) {
      before_[row] += c.quantity[i] * factor;
      return;
    }
    cargo_[row - first_row_] += c.quantity[i] * factor;
    cargo_given_[row - first_row_] = 1;
  }

  const Movements& m_;
  const size_t first_row_;
  const CountColumn* column_ = nullptr;
  uint8_t bit_ = 0;
  std::vector<double> cargo_;          // rows from first_row_
  std::vector<uint8_t> cargo_given_;   // likewise
  std::unordered_map<size_t, double> before_;  // period rows before first_row_ that give the figure
};

// Routes a watch must cover for a day to count as watched: the quantity's,
// or (every route) the routes that carried anything in the case, the
// lifeline routes and the watched routes. A route with no movement record
// at all is not required (a road the case never saw used).
std::vector<int32_t> WatchedRoutes(const Dataset& ds, const Quantity& q, const std::vector<uint8_t>* routes_used) {
  if (!q.routes.empty()) return q.routes;
  std::vector<uint8_t> used = routes_used != nullptr ? *routes_used : RoutesUsed(ds);
  used.resize(ds.routes.size(), 0);
  for (int32_t r : ds.LifelineRoutes()) used[static_cast<size_t>(r)] = 1;
  for (int32_t r : ds.watches.route) used[static_cast<size_t>(r)] = 1;
  std::vector<int32_t> out;
  for (size_t r = 0; r < used.size(); ++r) {
    if (used[r]) out.push_back(static_cast<int32_t>(r));
  }
  return out;
}

// A one-direction report alone is a lower bound of both directions over its
// period (the other direction's traffic is not in it); "at most" says
// nothing of the total.
void AddOneWay(const Dataset& ds, const Figures& fig, size_t i, std::vector<PeriodReport>& reports,
               std::vector<int32_t>& records) {
  const Movements& m = ds.movements;
  if (m.QualifierAt(i) == Qualifier::kAtMost) return;
  reports.push_back({m.PeriodFromAt(i), m.PeriodToAt(i), fig.value(i), Qualifier::kAtLeast, m.ReporterAt(i), m.op[i],
                     m.record[i]});
  records.push_back(m.record[i]);
}

// For both directions together: an inbound and an outbound period report
// of the same period, reporter and outcome add up to a report of both.
void PairDirections(const Dataset& ds, const MovementIndex& index, const Quantity& q,
                    const std::vector<uint8_t>& route_in, const Figures& fig, int32_t from, int32_t to,
                    std::vector<PeriodReport>& reports, std::vector<std::pair<int32_t, int32_t>>& pairs,
                    std::vector<int32_t>& records) {
  const Movements& m = ds.movements;
  std::vector<size_t> in_rows, out_rows;
  for (size_t i : index.period) {
    if (!fig.given(i) || m.PeriodToAt(i) < from || m.PeriodFromAt(i) > to) continue;
    if ((m.outcome[i] == Outcome::kCompleted) == q.stopped) continue;
    if (!q.routes.empty() && !route_in[static_cast<size_t>(m.route[i])]) continue;
    if (m.direction[i] == Direction::kIn) in_rows.push_back(i);
    if (m.direction[i] == Direction::kOut) out_rows.push_back(i);
  }
  std::vector<uint8_t> paired_out(out_rows.size(), 0);
  for (size_t a : in_rows) {
    bool paired = false;
    for (size_t k = 0; k < out_rows.size(); ++k) {
      size_t b = out_rows[k];
      if (paired_out[k] || m.PeriodFromAt(a) != m.PeriodFromAt(b) || m.PeriodToAt(a) != m.PeriodToAt(b) ||
          m.ReporterAt(a) != m.ReporterAt(b)) {
        continue;
      }
      paired_out[k] = 1;
      paired = true;
      // The sum is only as sure as its weaker part.
      Qualifier qa = m.QualifierAt(a), qb = m.QualifierAt(b);
      Qualifier q2 = qa == qb ? qa : (qa == Qualifier::kAtMost || qb == Qualifier::kAtMost) ? Qualifier::kAtMost
                                : (qa == Qualifier::kAtLeast || qb == Qualifier::kAtLeast) ? Qualifier::kAtLeast
                                                                                          : Qualifier::kAbout;
      reports.push_back({m.PeriodFromAt(a), m.PeriodToAt(a), fig.value(a) + fig.value(b), q2, m.ReporterAt(a), m.op[a],
                         m.record[a]});
      pairs.emplace_back(m.record[a], m.record[b]);
      records.push_back(m.record[a]);
      records.push_back(m.record[b]);
      break;
    }
    if (!paired) AddOneWay(ds, fig, a, reports, records);
  }
  for (size_t k = 0; k < out_rows.size(); ++k) {
    if (!paired_out[k]) AddOneWay(ds, fig, out_rows[k], reports, records);
  }
}

}  // namespace

std::vector<uint8_t> RoutesUsed(const Dataset& ds) {
  std::vector<uint8_t> used(ds.routes.size(), 0);
  for (int32_t r : ds.movements.route) used[static_cast<size_t>(r)] = 1;
  return used;
}

std::vector<uint8_t> WatchedDays(const Dataset& ds, const Quantity& q, int32_t from, int32_t to,
                                 const std::vector<uint8_t>* routes_used) {
  const size_t n = static_cast<size_t>(to - from + 1);
  if (ds.watches.size() == 0) return std::vector<uint8_t>(n, 0);
  std::vector<int32_t> routes = WatchedRoutes(ds, q, routes_used);
  if (routes.empty()) return std::vector<uint8_t>(n, 0);
  // Per route, the days watched; a day is watched when all routes are.
  std::vector<uint16_t> count(n, 0);
  const Watches& w = ds.watches;
  uint8_t way = WayOf(q.direction), bit = MeasureBit(q.measure);
  for (int32_t r : routes) {
    std::vector<uint8_t> seen(n, 0);
    for (size_t i = 0; i < w.size(); ++i) {
      if (w.route[i] != r || (w.ways[i] & way) != way || !(w.measures[i] & bit)) continue;
      for (int32_t d = std::max(from, w.from[i]); d <= std::min(to, w.to[i]); ++d) seen[static_cast<size_t>(d - from)] = 1;
    }
    for (size_t d = 0; d < n; ++d) count[d] = static_cast<uint16_t>(count[d] + seen[d]);
  }
  std::vector<uint8_t> out(n);
  for (size_t d = 0; d < n; ++d) out[d] = count[d] == routes.size() ? 1 : 0;
  return out;
}

namespace {

std::string Actor(const Dataset& ds, int32_t a) { return a == kNone ? std::string() : std::string(ds.actors.at(a)); }

void Describe(const Dataset& ds, const Quantity& q, int32_t from, int32_t to, RangeEstimate& out) {
  out.measure = std::string(MeasureName(q.measure));
  out.direction = std::string(DirectionName(q.direction));
  out.outcome = q.stopped ? "stopped" : "delivered";
  if (q.measure == Quantity::Measure::kCargo) {
    out.unit = q.unit != kNone             ? std::string(ds.units.at(q.unit))
               : q.commodities.empty() ? ""
                                       : std::string(ds.units.at(q.commodities[0].unit));
    for (const auto& w : q.commodities) out.commodities.push_back(std::string(ds.commodities.at(w.commodity)));
  }
  for (int32_t r : q.routes) out.routes.push_back(std::string(ds.routes.at(r)));
  std::sort(out.routes.begin(), out.routes.end());
  out.from = record::FormatDate(record::Day{from});
  out.to = record::FormatDate(record::Day{to});
}

}  // namespace

MovementIndex::MovementIndex(const Movements& m) : MovementIndex(m, 0, {}) {}

MovementIndex::MovementIndex(const Movements& m, size_t first_row, const std::vector<uint32_t>& period_before)
    : period(period_before), first_row(first_row) {
  for (auto i = static_cast<uint32_t>(first_row); i < m.size(); ++i) {
    if (m.PeriodFromAt(i) != kNoDay) {
      period.push_back(i);
    } else if (m.direction[i] != Direction::kBoth) {
      daily[static_cast<int>(m.direction[i])][m.outcome[i] == Outcome::kCompleted ? 0 : 1].push_back(i);
    }
  }
}

RangeEstimate EstimateQuantity(const Dataset& ds, const Quantity& q, int32_t from, int32_t to, bool with_records) {
  const IdOrder order = with_records ? IdOrder(ds.ids, 0) : IdOrder();
  return EstimateQuantity(ds, MovementIndex(ds.movements), q, from, to, with_records ? &order : nullptr);
}

RangeEstimate EstimateQuantity(const Dataset& ds, const MovementIndex& index, const Quantity& q, int32_t from,
                               int32_t to, const IdOrder* order) {
  EstimateRows rows;
  rows.index = &index;
  return EstimateQuantity(ds, rows, q, from, to, order, nullptr);
}

RangeEstimate EstimateQuantity(const Dataset& ds, const EstimateRows& rows, const Quantity& q, int32_t from,
                               int32_t to, const IdOrder* order, QuantitySums* keep) {
  const MovementIndex& index = *rows.index;
  const bool with_records = order != nullptr;
  const int32_t records_from = with_records ? order->from() : 0;
  RangeEstimate out;
  Describe(ds, q, from, to, out);
  const Movements& m = ds.movements;
  const size_t n = static_cast<size_t>(to - from + 1);
  std::vector<uint8_t> route_in(ds.routes.size(), 0);
  for (int32_t r : q.routes) route_in[static_cast<size_t>(r)] = 1;
  Figures fig(ds, q, index.first_row, rows.first_line, rows.period_lines);

  EstimateInput in;
  in.from = from;
  in.to = to;
  QuantitySums sums;
  if (rows.start != nullptr) sums = *rows.start;
  for (auto& daily : sums.daily) daily.resize(n, 0.0);
  sums.has_record.resize(n, 0);
  in.watched = WatchedDays(ds, q, from, to, rows.routes_used);
  in.tolerance = ds.discrepancy_tolerance;
  std::vector<int32_t> records, without;
  // Period reports: few, scanned in full.
  for (uint32_t i : index.period) {
    if (!InScope(ds, q, route_in, i) || m.PeriodToAt(i) < from || m.PeriodFromAt(i) > to) continue;
    records.push_back(m.record[i]);
    if (!fig.given(i)) continue;
    in.reports.push_back({m.PeriodFromAt(i), m.PeriodToAt(i), fig.value(i), m.QualifierAt(i), m.ReporterAt(i), m.op[i],
                          m.record[i]});
  }
  // Single days: only the rows of the quantity's directions and outcome,
  // each direction's into its own sum.
  const int outcome = q.stopped ? 1 : 0;
  for (int dir = 0; dir < 2; ++dir) {
    if (q.direction != Direction::kBoth && static_cast<int>(q.direction) != dir) continue;
    std::vector<double>& daily = sums.daily[dir];
    for (uint32_t i : index.daily[dir][outcome]) {
      if ((!q.routes.empty() && !route_in[static_cast<size_t>(m.route[i])]) || m.day[i] < from || m.day[i] > to) {
        continue;
      }
      size_t d = static_cast<size_t>(m.day[i] - from);
      sums.has_record[d] = 1;
      if (with_records && m.record[i] >= records_from) records.push_back(m.record[i]);
      if (fig.given(i)) {
        daily[d] += fig.value(i);
      } else {
        without.push_back(m.record[i]);
      }
    }
  }
  std::sort(without.begin(), without.end());
  without.erase(std::unique(without.begin(), without.end()), without.end());
  sums.without += static_cast<int64_t>(without.size());
  in.daily.resize(n);
  for (size_t d = 0; d < n; ++d) in.daily[d] = sums.daily[0][d] + sums.daily[1][d];
  in.has_record = sums.has_record;
  std::vector<std::pair<int32_t, int32_t>> pairs;  // (inbound record, outbound record) summed
  if (q.direction == Direction::kBoth) {
    PairDirections(ds, index, q, route_in, fig, from, to, in.reports, pairs, records);
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
    r.record = std::string(ds.ids.at(p.report.record));
    r.from = record::FormatDate(record::Day{p.report.from});
    r.to = record::FormatDate(record::Day{p.report.to});
    r.fit = std::string(FitName(p.fit));
    r.qualifier = std::string(QualifierName(p.report.qualifier));
    r.reported_by = Actor(ds, p.report.reporter);
    r.op = p.report.operator_ == kNone ? "" : std::string(ds.operators.at(p.report.operator_));
    r.value = p.report.value;
    r.prorated = p.prorated;
    r.daily_sum = p.daily_sum;
    r.used = p.used;
    r.one_party = ds.IsParty(p.report.reporter);
    for (const auto& [a, b] : pairs) {
      if (a == p.report.record) r.paired = std::string(ds.ids.at(b));
    }
    out.reports.push_back(std::move(r));
  }
  for (const Discrepancy& d : e.discrepancies) {
    out.discrepancies.push_back({d.kind == Discrepancy::Kind::kReports ? "reports" : "records_exceed",
                                 std::string(ds.ids.at(d.a)), d.b == kNone ? "" : std::string(ds.ids.at(d.b)),
                                 Actor(ds, d.reporter_a),
                                 Actor(ds, d.reporter_b), d.value_a, d.value_b});
  }
  out.records_without_figure = sums.without;
  if (keep != nullptr) *keep = std::move(sums);
  if (with_records) {
    out.records = order->Names(records);
    out.without_figure = order->Names(without);
  }
  return out;
}

OnePartyPart OnePartyShare(const RangeEstimate& e) {
  OnePartyPart part;
  for (const auto& r : e.reports) {
    if (!r.used || !r.one_party) continue;
    part.value += r.value;
    if (!r.reported_by.empty()) part.parties.push_back(r.reported_by);
  }
  std::sort(part.parties.begin(), part.parties.end());
  part.parties.erase(std::unique(part.parties.begin(), part.parties.end()), part.parties.end());
  return part;
}

}  // namespace lifeline::analysis
