#include "analysis/indicators.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "analysis/route_days.h"
#include "analysis/utilities.h"
#include "record/values.h"

namespace lifeline::analysis {

int32_t DayOfInstant(int64_t t) {
  return static_cast<int32_t>(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

RouteDayTable ComputeRouteDays(const Dataset& ds, int32_t from, int32_t to, bool with_records) {
  RouteDayTable t;
  t.from = from;
  t.days = to - from + 1;
  size_t cells = ds.routes.size() * static_cast<size_t>(t.days);
  t.state.assign(cells, RouteState::kUnknown);
  t.restricted.assign(cells, 0);
  for (int w = 0; w < 2; ++w) {
    t.way_state[w].assign(cells, RouteState::kUnknown);
    t.way_restricted[w].assign(cells, 0);
  }
  if (with_records) t.in_force.assign(cells, {});
  t.has_status.assign(ds.routes.size(), 0);
  const RouteStatuses& s = ds.statuses;
  for (size_t i = 0; i < s.size(); ++i) {
    t.has_status[static_cast<size_t>(s.route[i])] = 1;
    // In force that way on [from, end_way): the days it touches.
    for (int w = 0; w < 2; ++w) {
      int64_t end = w == 0 ? s.end_in[i] : s.end_out[i];
      if (end <= s.from[i]) continue;
      int32_t d0 = std::max(from, DayOfInstant(s.from[i]));
      int32_t d1 = end == kForever ? to : std::min(to, DayOfInstant(end - 1));
      for (int32_t d = d0; d <= d1; ++d) {
        size_t c = t.cell(s.route[i], d);
        t.way_state[w][c] = std::max(t.way_state[w][c], s.state[i]);
        if (s.state[i] == RouteState::kRestricted) t.way_restricted[w][c] |= s.restricted[i];
        if (with_records && (t.in_force[c].empty() || t.in_force[c].back() != s.record[i])) {
          t.in_force[c].push_back(s.record[i]);
        }
      }
    }
  }
  for (size_t c = 0; c < cells; ++c) {
    t.state[c] = std::max(t.way_state[0][c], t.way_state[1][c]);
    t.restricted[c] = t.way_restricted[0][c] | t.way_restricted[1][c];
  }
  return t;
}

Status ResolveRange(const Dataset& ds, int32_t* from, int32_t* to) {
  if (*from == kNoDay) *from = ds.started;
  if (*to == kNoDay) *to = ds.ended != kNoDay ? ds.ended : std::max(ds.last_record_day, *from);
  if (*from > *to) {
    return InvalidArgumentError("the range starts (" + record::FormatDate(record::Day{*from}) + ") after it ends (" +
                                record::FormatDate(record::Day{*to}) + ")");
  }
  if (static_cast<int64_t>(*to) - *from + 1 > kMaxRangeDays) {
    return InvalidArgumentError("the range " + record::FormatDate(record::Day{*from}) + " .. " +
                                record::FormatDate(record::Day{*to}) + " is longer than " +
                                std::to_string(kMaxRangeDays) + " days");
  }
  return Status::Ok();
}

struct IndicatorSums {
  // Dense sums of movement figures: one row of cells per day.
  struct Cells {
    std::vector<int64_t> movements, vehicles, persons, patients;
    void Init(size_t cells) {
      for (auto* v : {&movements, &vehicles, &persons, &patients}) v->assign(cells, 0);
    }
    void Add(size_t c, const Movements& m, size_t row) {
      movements[c] += 1;
      vehicles[c] += m.vehicles[row];
      persons[c] += m.persons[row];
      patients[c] += m.patients[row];
    }
  };
  // An estimate's quantity and days.
  struct EstimateKey {
    Quantity quantity;
    int32_t from, to;
    bool operator==(const EstimateKey&) const = default;
  };

  // What they were summed over: the range, the movement rows and cargo
  // lines [0, rows) and [0, lines), and the sizes of the dataset's tables
  // that shape the cells.
  uint64_t lineage = 0;  // Dataset::lineage
  int32_t from = 0, to = -1;
  size_t rows = 0, lines = 0, ids = 0, operators = 0, routes = 0, units = 0;
  Cells delivered, stopped;  // [day][operator][direction]
  Cells by_route;            // [day][route], delivered
  // Cargo inbound per (commodity, unit) pair and day, and per day, route
  // and unit.
  std::unordered_map<int64_t, int32_t> pair_index;
  std::vector<std::pair<int32_t, int32_t>> pairs;
  std::vector<double> cargo_in, cargo_stopped, route_cargo;
  std::vector<int32_t> cargo_lines, delivered_lines;
  std::vector<uint32_t> period_rows;   // MovementIndex::period
  std::vector<uint32_t> period_lines;  // the cargo lines of those rows, ascending
  std::vector<uint8_t> routes_used;    // RoutesUsed
  std::vector<std::pair<EstimateKey, QuantitySums>> estimates;  // in the order computed
};

namespace {

// The largest dense aggregation table accepted (cells of int64 sums).
constexpr size_t kMaxCells = size_t{1} << 27;

// Totals gather their records' id indices day by day and name them once at
// the end (IdOrder::Names); sorting the running total every day made totals
// cost days x records.

// Dense sums of movement figures (continued from an earlier computation's
// when given), with the records from `records_from` on
// (IndicatorOptions::records_from).
struct FlowSums {
  IndicatorSums::Cells cells;
  std::vector<std::vector<int32_t>> records;
  int32_t records_from = 0;
  void Init(size_t ncells, bool with_records, int32_t from, const IndicatorSums::Cells* prior) {
    records_from = from;
    if (prior != nullptr) {
      cells = *prior;
    } else {
      cells.Init(ncells);
    }
    if (with_records) records.assign(ncells, {});
  }
  void Add(size_t c, const Movements& m, size_t row) {
    cells.Add(c, m, row);
    if (!records.empty() && m.record[row] >= records_from) records[c].push_back(m.record[row]);
  }
  Flows At(const IdOrder& order, size_t c) const {
    Flows f{cells.movements[c], cells.vehicles[c], cells.persons[c], cells.patients[c], {}};
    if (!records.empty()) f.records = order.Names(records[c]);
    return f;
  }
};

void AddFlows(Flows& a, const Flows& b) {
  a.movements += b.movements;
  a.vehicles += b.vehicles;
  a.persons += b.persons;
  a.patients += b.patients;
}

struct NeedSpec {
  std::string commodity, unit, basis;
  double quantity;
  int32_t record;
  std::vector<Equivalent> equivalents = {};
};

// The cargo a need counts, as (commodity, unit) pairs: its commodity in its
// unit and the equivalents its standard gives, each pair once. Its commodity
// in another unit cannot be compared.
struct NeedCells {
  std::optional<int32_t> commodity;
  std::optional<int32_t> match;
  std::vector<std::pair<int32_t, double>> converted;  // pair, factor
  std::vector<int32_t> other_units;
  std::vector<bool> counted;  // per pair
  Quantity q{Quantity::Measure::kCargo, Direction::kIn};
};

std::vector<int32_t> SortedBy(const StringTable& t, std::vector<int32_t> idx) {
  std::sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return t.at(a) < t.at(b); });
  return idx;
}


// Builds the indicators section by section; each section reads the dataset
// and the arrays earlier sections left.
class Builder {
 public:
  // `prior`: sums to continue from (ContinueIndicators checked that they
  // can be), or null for a whole pass.
  Builder(const Dataset& ds, int32_t from, int32_t to, const IndicatorOptions& options, const IndicatorSums* prior,
          Indicators& out)
      : ds_(ds), m_(ds.movements), prior_(prior), first_row_(prior ? prior->rows : 0),
        first_line_(prior ? prior->lines : 0),
        index_(prior ? MovementIndex(ds.movements, prior->rows, prior->period_rows) : MovementIndex(ds.movements)),
        from_(from), to_(to), explain_(options.explain), records_from_(options.records_from),
        order_(explain_ ? IdOrder(ds.ids, records_from_) : IdOrder()), ndays_(static_cast<size_t>(to - from + 1)),
        sums_(std::make_shared<IndicatorSums>()), out_(out) {}

  Status Run() {
    const size_t nops = ds_.operators.size(), nroutes = ds_.routes.size();
    if (ndays_ * std::max<size_t>(nops, 1) * 2 > kMaxCells || ndays_ * std::max<size_t>(nroutes, 1) > kMaxCells) {
      return ResourceExhaustedError("too many operators or routes x days to aggregate at once (" +
                                    std::to_string(nops) + " operators, " + std::to_string(ndays_) +
                                    " days): narrow --from/--to");
    }
    out_.days.resize(ndays_);
    for (size_t d = 0; d < ndays_; ++d) out_.days[d].date = DayText(from_ + static_cast<int32_t>(d));
    RowsUsed();
    Routes();
    Flows();
    LIFELINE_RETURN_IF_ERROR(CargoIn());
    Needs();
    BaselinesDaily();
    Utilities();
    Incidents();
    PeriodMovements();
    Estimates();
    Baselines();
    Requirements();
    KeepSums();
    out_.Assume("indicators.route_day",
                "a route's status on a day, in each direction, is the most restrictive status in force that way at "
                "any time of that UTC day");
    return Status::Ok();
  }

 private:
  size_t Day(int32_t day) const { return static_cast<size_t>(day - from_); }
  // Whether movement row `row` counts in the daily values.
  bool Daily(size_t row) const { return m_.PeriodFromAt(row) == kNoDay && m_.day[row] >= from_ && m_.day[row] <= to_; }
  // The order the estimates name their records in; null: no lists.
  const IdOrder* Lists() const { return explain_ ? &order_ : nullptr; }

  void RowsUsed();
  void KeepSums();
  RangeEstimate Estimate(const Quantity& q, int32_t from, int32_t to);
  void Routes();
  void Flows();
  Status CargoIn();
  void Needs();
  std::vector<NeedSpec> NeedSpecs();
  std::vector<std::optional<int64_t>> PopulationByDay() const;
  NeedCells CellsOf(const NeedSpec& n) const;
  std::optional<double> DependencyShare(const std::string& commodity) const;
  std::string UncountedNote(size_t d, const NeedSpec& n, const NeedCells& cells) const;
  NeedDay NeedOn(size_t d, const NeedSpec& n, const NeedCells& cells, std::optional<int64_t> population, bool watched,
                 std::optional<double> share) const;
  void NeedCoverage(const NeedSpec& n, const NeedCells& cells, NeedTotal& total) const;
  void BaselinesDaily();
  void Utilities();
  void Incidents();
  void PeriodMovements();
  void Estimates();
  void Baselines();
  void Requirements();
  // The baselines' rows in the order of their record ids.
  std::vector<size_t> BaselineOrder() const {
    std::vector<size_t> order(ds_.baselines.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return ds_.ids.at(ds_.baselines[a].record) < ds_.ids.at(ds_.baselines[b].record);
    });
    return order;
  }

  const Dataset& ds_;
  const Movements& m_;
  // The id index of a record named in a result (an estimate's report).
  int32_t IdIndex(const std::string& id) const { return ds_.ids.Find(id).value_or(kNone); }

  const IndicatorSums* const prior_;
  const size_t first_row_, first_line_;  // the rows and cargo lines to read: prior's are summed
  const MovementIndex index_;  // the movements by direction and outcome, for the estimates (from first_row_)
  std::optional<MovementIndex> full_index_;  // every row, for an estimate prior_ has no sums of
  const int32_t from_, to_;
  const bool explain_;
  const int32_t records_from_;  // IndicatorOptions::records_from
  const IdOrder order_;  // empty unless explain_
  const size_t ndays_;
  std::shared_ptr<IndicatorSums> sums_;  // what this computation summed, for the next
  Indicators& out_;
  RouteDayTable rt_;
  std::vector<uint8_t> routes_used_;   // RoutesUsed
  std::vector<uint32_t> period_lines_;  // the cargo lines of period rows, ascending
  // Movements: delivered per [day][route].
  FlowSums by_route_;
  // Cargo per (commodity, unit) pair and day.
  std::unordered_map<int64_t, int32_t> pair_index_;
  std::vector<std::pair<int32_t, int32_t>> pairs_;
  std::vector<int32_t> pair_order_;
  std::vector<double> cargo_in_, cargo_stopped_;
  std::vector<int32_t> cargo_lines_, delivered_lines_;
  std::vector<std::vector<int32_t>> cargo_records_;
  std::vector<double> route_cargo_;  // [day][route][unit]
};

// The routes with movements and the period rows' cargo lines: prior_'s,
// with the new rows'.
void Builder::RowsUsed() {
  if (prior_ != nullptr) {
    routes_used_ = prior_->routes_used;
    period_lines_ = prior_->period_lines;
  }
  routes_used_.resize(ds_.routes.size(), 0);
  for (size_t i = first_row_; i < m_.size(); ++i) routes_used_[static_cast<size_t>(m_.route[i])] = 1;
  const Cargo& cg = ds_.cargo;
  for (size_t i = first_line_; i < cg.size(); ++i) {
    if (m_.PeriodFromAt(static_cast<size_t>(cg.movement[i])) != kNoDay) {
      period_lines_.push_back(static_cast<uint32_t>(i));
    }
  }
}

// The estimate of `q` over [from, to]: continued from prior_'s sums of the
// same quantity and days (the estimates are asked for in the same order
// each time), else read from every row.
RangeEstimate Builder::Estimate(const Quantity& q, int32_t from, int32_t to) {
  IndicatorSums::EstimateKey key{q, from, to};
  const size_t n = sums_->estimates.size();
  EstimateRows rows{&index_, &routes_used_, nullptr, first_line_, &period_lines_};
  if (prior_ != nullptr) {
    if (n < prior_->estimates.size() && prior_->estimates[n].first == key) {
      rows.start = &prior_->estimates[n].second;
    } else {
      if (!full_index_) full_index_.emplace(m_);
      rows = EstimateRows{&*full_index_, &routes_used_, nullptr, 0, nullptr};
    }
  }
  QuantitySums kept;
  RangeEstimate e = EstimateQuantity(ds_, rows, q, from, to, Lists(), &kept);
  sums_->estimates.emplace_back(std::move(key), std::move(kept));
  return e;
}

// What the sections summed, into the result for the next computation.
void Builder::KeepSums() {
  IndicatorSums& k = *sums_;
  k.lineage = ds_.lineage;
  k.from = from_;
  k.to = to_;
  k.rows = m_.size();
  k.lines = ds_.cargo.size();
  k.ids = ds_.ids.size();
  k.operators = ds_.operators.size();
  k.routes = ds_.routes.size();
  k.units = ds_.units.size();
  k.by_route = std::move(by_route_.cells);
  k.pair_index = std::move(pair_index_);
  k.pairs = std::move(pairs_);
  k.cargo_in = std::move(cargo_in_);
  k.cargo_stopped = std::move(cargo_stopped_);
  k.route_cargo = std::move(route_cargo_);
  k.cargo_lines = std::move(cargo_lines_);
  k.delivered_lines = std::move(delivered_lines_);
  k.period_rows = index_.period;
  k.period_lines = std::move(period_lines_);
  k.routes_used = std::move(routes_used_);
  out_.sums = std::move(sums_);
}

void Builder::Routes() {
  rt_ = ComputeRouteDays(ds_, from_, to_, /*with_records=*/true);
  std::vector<int32_t> status_routes;
  for (size_t r = 0; r < ds_.routes.size(); ++r) {
    if (rt_.has_status[r]) status_routes.push_back(static_cast<int32_t>(r));
  }
  for (int32_t r : SortedBy(ds_.routes, status_routes)) {
    RouteDays rd{std::string(ds_.routes.at(r))};
    for (size_t d = 0; d < ndays_; ++d) {
      size_t c = rt_.cell(r, from_ + static_cast<int32_t>(d));
      RouteDay day{std::string(ds_.routes.at(r)), rt_.state[c], {}, {}};
      if (rt_.state[c] == RouteState::kRestricted) day.restricted = ds_.RestrictionTerms(rt_.restricted[c]);
      if (explain_) day.records = order_.Names(rt_.in_force[c]);
      day.in = rt_.way_state[0][c];
      day.out = rt_.way_state[1][c];
      if (day.in == RouteState::kRestricted) day.restricted_in = ds_.RestrictionTerms(rt_.way_restricted[0][c]);
      if (day.out == RouteState::kRestricted) day.restricted_out = ds_.RestrictionTerms(rt_.way_restricted[1][c]);
      day.passage_in = PassageOf(day.in, rt_.way_restricted[0][c]);
      day.passage_out = PassageOf(day.out, rt_.way_restricted[1][c]);
      switch (rt_.state[c]) {
        case RouteState::kOpen: ++rd.open; break;
        case RouteState::kRestricted: ++rd.restricted; break;
        case RouteState::kClosed: ++rd.closed; break;
        case RouteState::kUnknown: ++rd.unknown; break;
      }
      out_.days[d].routes.push_back(std::move(day));
    }
    out_.totals.routes.push_back(std::move(rd));
  }
  out_.blockade = ComputeBlockade(ds_, rt_, from_, to_);
  for (size_t r = 0; r < ds_.routes.size(); ++r) {
    const std::string& name = r < ds_.route_names.size() ? ds_.route_names[r] : std::string();
    out_.route_names.emplace_back(std::string(ds_.routes.at(static_cast<int32_t>(r))), name);
  }
  std::sort(out_.route_names.begin(), out_.route_names.end());
}

// Movements: one pass into dense [day][operator][direction] cells, and
// [day][route] for the baseline comparison.
void Builder::Flows() {
  const size_t nops = ds_.operators.size(), nroutes = ds_.routes.size();
  const size_t op_cells = ndays_ * nops * 2;
  FlowSums delivered, stopped;
  delivered.Init(op_cells, explain_, records_from_, prior_ ? &prior_->delivered : nullptr);
  stopped.Init(op_cells, explain_, records_from_, prior_ ? &prior_->stopped : nullptr);
  // The route-day lists are read only against a baseline (Baselines): a
  // case without one would hold every delivered movement's index in them
  // for the whole computation, unread (10 M movements: about 70 MB).
  by_route_.Init(ndays_ * nroutes, explain_ && !ds_.baselines.empty(), records_from_,
                 prior_ ? &prior_->by_route : nullptr);
  for (size_t i = first_row_; i < m_.size(); ++i) {
    if (!Daily(i)) continue;
    size_t d = Day(m_.day[i]);
    size_t c = (d * nops + static_cast<size_t>(m_.op[i])) * 2 + static_cast<size_t>(m_.direction[i]);
    if (m_.outcome[i] == Outcome::kCompleted) {
      delivered.Add(c, m_, i);
      by_route_.Add(d * nroutes + static_cast<size_t>(m_.route[i]), m_, i);
    } else {
      stopped.Add(c, m_, i);
    }
  }
  std::vector<int32_t> ops(nops);
  for (size_t o = 0; o < nops; ++o) ops[o] = static_cast<int32_t>(o);
  ops = SortedBy(ds_.operators, ops);
  std::map<std::pair<std::string, std::string>, OperatorFlows> totals;
  // The totals' records, as id indices (delivered, stopped), named once.
  std::map<std::pair<std::string, std::string>, std::pair<std::vector<int32_t>, std::vector<int32_t>>> total_rows;
  for (size_t d = 0; d < ndays_; ++d) {
    for (int32_t o : ops) {
      for (int dir = 0; dir < 2; ++dir) {
        size_t c = (d * nops + static_cast<size_t>(o)) * 2 + static_cast<size_t>(dir);
        if (delivered.cells.movements[c] == 0 && stopped.cells.movements[c] == 0) continue;
        OperatorFlows f{std::string(ds_.operators.at(o)), dir == 0 ? "in" : "out", delivered.At(order_, c),
                        stopped.At(order_, c)};
        auto [it, fresh] = totals.try_emplace({f.op, f.direction}, OperatorFlows{f.op, f.direction, {}, {}});
        AddFlows(it->second.delivered, f.delivered);
        AddFlows(it->second.stopped, f.stopped);
        if (explain_) {
          auto& [drows, srows] = total_rows[{f.op, f.direction}];
          drows.insert(drows.end(), delivered.records[c].begin(), delivered.records[c].end());
          srows.insert(srows.end(), stopped.records[c].begin(), stopped.records[c].end());
        }
        out_.days[d].flows.push_back(std::move(f));
      }
    }
  }
  for (auto& [k, f] : totals) {
    f.delivered.records = order_.Names(total_rows[k].first);
    f.stopped.records = order_.Names(total_rows[k].second);
    out_.totals.flows.push_back(std::move(f));
  }
  sums_->delivered = std::move(delivered.cells);
  sums_->stopped = std::move(stopped.cells);
}

// Cargo in, per (commodity, canonical unit) and day.
Status Builder::CargoIn() {
  const Cargo& cg = ds_.cargo;
  if (prior_ != nullptr) {
    pair_index_ = prior_->pair_index;
    pairs_ = prior_->pairs;
  }
  std::vector<int32_t> cargo_pair(cg.size() - first_line_, kNone);  // of the lines from first_line_
  for (size_t i = first_line_; i < cg.size(); ++i) {
    int64_t key = static_cast<int64_t>(cg.commodity[i]) * (1LL << 31) + cg.unit[i];
    auto [it, fresh] = pair_index_.try_emplace(key, static_cast<int32_t>(pairs_.size()));
    if (fresh) pairs_.emplace_back(cg.commodity[i], cg.unit[i]);
    cargo_pair[i - first_line_] = it->second;
  }
  const size_t np = pairs_.size(), nroutes = ds_.routes.size();
  if (ndays_ * std::max<size_t>(np, 1) > kMaxCells) {
    return ResourceExhaustedError("too many commodities x days to aggregate at once: narrow --from/--to");
  }
  const size_t nunits = std::max<size_t>(ds_.units.size(), 1);
  if (prior_ != nullptr) {
    cargo_in_ = prior_->cargo_in;
    cargo_stopped_ = prior_->cargo_stopped;
    cargo_lines_ = prior_->cargo_lines;
    delivered_lines_ = prior_->delivered_lines;
    route_cargo_ = prior_->route_cargo;
  } else {
    cargo_in_.assign(ndays_ * np, 0.0);
    cargo_stopped_.assign(ndays_ * np, 0.0);
    cargo_lines_.assign(ndays_ * np, 0);
    delivered_lines_.assign(ndays_ * np, 0);
    route_cargo_.assign(ndays_ * nroutes * nunits, 0.0);
  }
  cargo_records_.assign(explain_ ? ndays_ * np : 0, {});
  for (size_t i = first_line_; i < cg.size(); ++i) {
    size_t row = static_cast<size_t>(cg.movement[i]);
    if (!Daily(row) || m_.direction[row] != Direction::kIn) continue;
    size_t d = Day(m_.day[row]);
    size_t c = d * np + static_cast<size_t>(cargo_pair[i - first_line_]);
    cargo_lines_[c] += 1;
    if (m_.outcome[row] == Outcome::kCompleted) {
      delivered_lines_[c] += 1;
      cargo_in_[c] += cg.quantity[i];
      route_cargo_[(d * nroutes + static_cast<size_t>(m_.route[row])) * nunits + static_cast<size_t>(cg.unit[i])] +=
          cg.quantity[i];
    } else {
      cargo_stopped_[c] += cg.quantity[i];
    }
    if (explain_ && m_.record[row] >= records_from_) cargo_records_[c].push_back(m_.record[row]);
  }
  pair_order_.resize(np);
  for (size_t p = 0; p < np; ++p) pair_order_[p] = static_cast<int32_t>(p);
  std::sort(pair_order_.begin(), pair_order_.end(), [&](int32_t a, int32_t b) {
    const auto& [ca, ua] = pairs_[static_cast<size_t>(a)];
    const auto& [cb, ub] = pairs_[static_cast<size_t>(b)];
    if (ds_.commodities.at(ca) != ds_.commodities.at(cb)) return ds_.commodities.at(ca) < ds_.commodities.at(cb);
    return ds_.units.at(ua) < ds_.units.at(ub);
  });
  for (int32_t p : pair_order_) {
    const auto& [com, unit] = pairs_[static_cast<size_t>(p)];
    CargoAmount total{std::string(ds_.commodities.at(com)), std::string(ds_.units.at(unit)), 0, 0, {}};
    std::vector<int32_t> total_rows;
    bool any = false;
    for (size_t d = 0; d < ndays_; ++d) {
      size_t c = d * np + static_cast<size_t>(p);
      if (cargo_lines_[c] == 0) continue;
      any = true;
      CargoAmount a{total.commodity, total.unit, cargo_in_[c], cargo_stopped_[c], {}};
      if (explain_) a.records = order_.Names(cargo_records_[c]);
      total.delivered += a.delivered;
      total.stopped += a.stopped;
      if (explain_) total_rows.insert(total_rows.end(), cargo_records_[c].begin(), cargo_records_[c].end());
      out_.days[d].cargo.push_back(std::move(a));
    }
    total.records = order_.Names(total_rows);
    if (any) out_.totals.cargo.push_back(std::move(total));
  }
  return Status::Ok();
}

// The need standards of the case, or Sphere's defaults when it has none, in
// a stable order.
std::vector<NeedSpec> Builder::NeedSpecs() {
  std::vector<NeedSpec> needs;
  for (const auto& n : ds_.needs) {
    needs.push_back({std::string(ds_.commodities.at(n.commodity)), std::string(ds_.units.at(n.unit)), n.basis,
                     n.quantity, n.record,
                     n.equivalents});
  }
  if (needs.empty()) {
    needs.push_back({"food energy", "kcal", "default: Sphere Handbook, 2,100 kcal per person per day", 2100, kNone});
    needs.push_back({"water", "l", "default: Sphere Handbook, 15 l per person per day", 15, kNone});
    out_.Assume("indicators.sphere_defaults",
                "the case has no need standard records (`need_standard`): the Sphere defaults are used (food energy "
                "2,100 kcal and water 15 l per person per day)");
  }
  std::sort(needs.begin(), needs.end(), [](const NeedSpec& a, const NeedSpec& b) {
    return std::tie(a.commodity, a.unit, a.quantity) < std::tie(b.commodity, b.unit, b.quantity);
  });
  return needs;
}

// The population on each day: the latest figure dated on or before it.
std::vector<std::optional<int64_t>> Builder::PopulationByDay() const {
  std::vector<std::optional<int64_t>> population(ndays_);
  size_t p = 0;
  std::optional<int64_t> cur;
  for (size_t d = 0; d < ndays_; ++d) {
    int32_t day = from_ + static_cast<int32_t>(d);
    while (p < ds_.population.size() && ds_.population[p].day <= day) cur = ds_.population[p++].count;
    population[d] = cur;
  }
  return population;
}

NeedCells Builder::CellsOf(const NeedSpec& n) const {
  NeedCells cells;
  cells.commodity = ds_.commodities.Find(n.commodity);
  auto unit = ds_.units.Find(n.unit);
  const size_t np = pairs_.size();
  cells.counted.assign(np, false);
  for (size_t p = 0; p < np; ++p) {
    if (!cells.commodity || pairs_[p].first != *cells.commodity) continue;
    if (unit && pairs_[p].second == *unit) {
      cells.match = static_cast<int32_t>(p);
      cells.counted[p] = true;
    } else {
      cells.other_units.push_back(static_cast<int32_t>(p));
    }
  }
  if (cells.commodity && unit) cells.q.commodities.push_back({*cells.commodity, *unit, 1});
  for (const Equivalent& e : n.equivalents) {
    cells.q.commodities.push_back({e.commodity, e.unit, e.factor});
    for (size_t p = 0; p < np; ++p) {
      if (pairs_[p].first == e.commodity && pairs_[p].second == e.unit && !cells.counted[p]) {
        cells.converted.emplace_back(static_cast<int32_t>(p), e.factor);
        cells.counted[p] = true;
      }
    }
  }
  return cells;
}

// The case profile: the share of a need that came through the lifeline
// routes before the crisis; none when the case does not assess it.
std::optional<double> Builder::DependencyShare(const std::string& commodity) const {
  std::optional<double> share;
  for (const Dependency& dep : ds_.dependency) {
    if (dep.commodity == commodity && dep.share) share = dep.share;
  }
  return share;
}

// Inbound cargo of day `d` that counts towards no need of this commodity.
std::string Builder::UncountedNote(size_t d, const NeedSpec& n, const NeedCells& cells) const {
  std::string uncounted;
  for (int32_t p : pair_order_) {
    const size_t pi = static_cast<size_t>(p);
    if (cargo_in_[d * pairs_.size() + pi] <= 0 || cells.counted[pi]) continue;
    if (cells.commodity && pairs_[pi].first == *cells.commodity) continue;
    uncounted += (uncounted.empty() ? "" : ", ") + std::string(ds_.commodities.at(pairs_[pi].first));
  }
  if (uncounted.empty()) return "";
  return "inbound cargo not counted against " + n.commodity + " (other commodities, not converted): " + uncounted;
}

// One day of a need: what arrived of it and, where the day is known and the
// dependency assessed, its coverage and shortfall.
NeedDay Builder::NeedOn(size_t d, const NeedSpec& n, const NeedCells& cells, std::optional<int64_t> population,
                        bool watched, std::optional<double> share) const {
  NeedDay nd;
  nd.commodity = n.commodity;
  nd.unit = n.unit;
  nd.per_person = n.quantity;
  nd.basis = n.basis;
  nd.population = population;
  std::vector<int32_t> rows;
  if (n.record != kNone) rows.push_back(n.record);
  if (population) rows.push_back(ds_.case_record);
  auto cell = [&](int32_t p) { return d * pairs_.size() + static_cast<size_t>(p); };
  auto records_of = [&](size_t c) {
    if (explain_) rows.insert(rows.end(), cargo_records_[c].begin(), cargo_records_[c].end());
  };
  bool delivery_record = false;
  auto add_cell = [&](int32_t p, double factor) {
    size_t c = cell(p);
    nd.delivered += cargo_in_[c] * factor;
    delivery_record |= delivered_lines_[c] > 0;
    if (cargo_in_[c] > 0) records_of(c);
  };
  if (cells.match) add_cell(*cells.match, 1);
  for (auto [p, factor] : cells.converted) add_cell(p, factor);
  bool incomparable = false;
  for (int32_t p : cells.other_units) {
    if (cargo_lines_[cell(p)] == 0) continue;
    incomparable = true;
    records_of(cell(p));
  }
  nd.note = UncountedNote(d, n, cells);
  if (explain_) nd.records = order_.Names(rows);
  if (!population) {
    nd.reason = "no population figure on or before this day";
    return nd;
  }
  nd.need = static_cast<double>(*population) * n.quantity;
  double dependent = *nd.need * share.value_or(0);
  if (incomparable) {
    nd.reason = "cargo of " + n.commodity + " is recorded in a unit not comparable with " + n.unit;
  } else if (!share) {
    nd.reason = "the case does not assess how far this need depended on the lifeline routes";
  } else if (dependent <= 0) {
    nd.reason = *nd.need <= 0 ? "the need is 0" : "this need did not depend on the lifeline routes (share 0)";
  } else if (!watched && !delivery_record) {
    nd.reason = "no record of deliveries this day and the day is not watched";
  } else {
    nd.coverage = nd.delivered / dependent;
    nd.coverage_lower_bound = !watched;
    nd.shortfall = std::max(0.0, dependent - nd.delivered);
  }
  return nd;
}

// The range's coverage of a need from its best estimate of deliveries, or
// the reason there is none.
void Builder::NeedCoverage(const NeedSpec& n, const NeedCells& cells, NeedTotal& total) const {
  if (total.days_need_unknown == static_cast<int64_t>(ndays_)) {
    total.need.reset();
    total.reason = "no population figure on or before any day of the range";
  } else if (!cells.other_units.empty()) {
    total.reason = "cargo of " + n.commodity + " is recorded in a unit not comparable with " + n.unit;
  } else if (!total.share) {
    total.reason = "not assessed: the case does not state how far this need depended on the lifeline routes";
  } else if (*total.need * *total.share <= 0) {
    total.reason = *total.need <= 0 ? "the need is 0" : "this need did not depend on the lifeline routes (share 0)";
  } else if (total.estimate && total.estimate->completeness.Fraction() < kMinObservedForCoverage) {
    // A percentage from a few observed days would read as the period's.
    total.reason = "too few days observed: deliveries of " + n.commodity + " are known on " +
                   std::to_string(total.estimate->completeness.complete) + " of " + std::to_string(ndays_) +
                   " days (a coverage needs half of them)";
  } else {
    double best = total.estimate ? total.estimate->best : total.delivered;
    total.coverage = best / (*total.need * *total.share);
    total.coverage_lower_bound = !total.estimate || total.estimate->lower_bound || total.days_need_unknown > 0;
    if (total.days_need_unknown > 0) {
      total.reason = "need over the " + std::to_string(ndays_ - static_cast<size_t>(total.days_need_unknown)) +
                     " days with a population figure";
    }
  }
}

// Per need and day: need, what arrived, and coverage where the case assesses
// the import dependency; per need, the range's totals.
void Builder::Needs() {
  const std::vector<std::optional<int64_t>> population = PopulationByDay();
  bool any_assessed = false;
  for (const NeedSpec& n : NeedSpecs()) {
    const NeedCells cells = CellsOf(n);
    const std::optional<double> share = DependencyShare(n.commodity);
    any_assessed |= share.has_value();
    std::vector<uint8_t> watched =
        cells.q.commodities.empty() ? std::vector<uint8_t>(ndays_, 0)
                                    : WatchedDays(ds_, cells.q, from_, to_, &routes_used_);
    NeedTotal total{n.commodity, n.unit, 0.0, 0, 0, std::nullopt, true, "", 0};
    total.assessed = share.has_value();
    total.share = share;
    std::optional<double> running;
    for (size_t d = 0; d < ndays_; ++d) {
      NeedDay nd = NeedOn(d, n, cells, population[d], watched[d] != 0, share);
      total.delivered += nd.delivered;
      if (nd.need) {
        *total.need += *nd.need;
      } else {
        ++total.days_need_unknown;
      }
      if (nd.shortfall) {
        running = running.value_or(0) + *nd.shortfall;
        total.shortfall += *nd.shortfall;
      }
      nd.cumulative_deficit = running;
      out_.days[d].needs.push_back(std::move(nd));
    }
    if (!cells.q.commodities.empty()) {
      total.estimate = Estimate(cells.q, from_, to_);
    }
    NeedCoverage(n, cells, total);
    out_.totals.needs.push_back(std::move(total));
  }
  out_.Assume("indicators.need_matching",
              "cargo counts towards a need when its commodity name and canonical unit equal the need standard's, or "
              "when the standard's record gives an equivalent for that commodity and unit (e.g. 1 kg of wheat flour "
              "= 3,640 kcal); no other conversion is made");
  if (any_assessed) {
    out_.Assume("indicators.dependency",
                "coverage compares what arrived with the share of the need the case says came through the lifeline "
                "routes before the crisis; local production is assumed to have kept meeting the rest, and stocks "
                "are not counted");
  }
}

// Delivered against each baseline, day by day, from single-day records (the
// range's figure with period reports is in Baselines()).
void Builder::BaselinesDaily() {
  const size_t nroutes = ds_.routes.size(), nunits = std::max<size_t>(ds_.units.size(), 1);
  for (size_t bi : BaselineOrder()) {
    const Baseline& b = ds_.baselines[bi];
    struct Measure {
      std::string name;
      double per_day;
      int kind;  // 0 vehicles, 1 persons, 2 patients, 3 cargo
      int32_t unit;
    };
    std::vector<Measure> measures;
    if (b.vehicles) measures.push_back({"vehicles", *b.vehicles, 0, kNone});
    if (b.persons) measures.push_back({"persons", *b.persons, 1, kNone});
    if (b.patients) measures.push_back({"patients", *b.patients, 2, kNone});
    for (const auto& c : b.cargo) {
      measures.push_back({"cargo (" + std::string(ds_.units.at(c.unit)) + ")", c.quantity, 3, c.unit});
    }
    for (const Measure& me : measures) {
      BaselineDay total{std::string(ds_.routes.at(b.route)), me.name, 0, 0, std::nullopt, {}};
      std::vector<int32_t> total_rows;
      for (size_t d = 0; d < ndays_; ++d) {
        size_t c = d * nroutes + static_cast<size_t>(b.route);
        BaselineDay bd{total.route, me.name, me.per_day, 0, std::nullopt, {}};
        switch (me.kind) {
          case 0: bd.delivered = static_cast<double>(by_route_.cells.vehicles[c]); break;
          case 1: bd.delivered = static_cast<double>(by_route_.cells.persons[c]); break;
          case 2: bd.delivered = static_cast<double>(by_route_.cells.patients[c]); break;
          default: bd.delivered = route_cargo_[c * nunits + static_cast<size_t>(me.unit)]; break;
        }
        if (me.per_day > 0) bd.ratio = bd.delivered / me.per_day;
        if (explain_) {
          std::vector<int32_t> rows = {b.record};
          if (bd.delivered > 0) rows.insert(rows.end(), by_route_.records[c].begin(), by_route_.records[c].end());
          bd.records = order_.Names(rows);
          total_rows.insert(total_rows.end(), rows.begin(), rows.end());
        }
        total.baseline += bd.baseline;
        total.delivered += bd.delivered;
        out_.days[d].baseline.push_back(std::move(bd));
      }
      total.records = order_.Names(total_rows);
      if (total.baseline > 0) total.ratio = total.delivered / total.baseline;
      out_.totals.baseline.push_back(std::move(total));
    }
  }
}

void Builder::Utilities() {
  std::vector<UtilitySeries> series = ComputeUtilities(ds_, from_, to_, explain_);
  bool open_ended = false;
  for (const UtilitySeries& s : series) {
    open_ended |= s.open_ended;
    UtilityTotal total{std::string(ds_.utilities.at(s.utility))};
    std::vector<int32_t> total_rows;
    for (size_t d = 0; d < ndays_; ++d) {
      UtilityDay ud{total.utility, s.hours[d], {}, s.scheduled[d], s.supply_cut[d] != 0, s.unknown[d] != 0};
      if (explain_) ud.records = order_.Names(s.records[d]);
      total.hours += ud.hours;
      total.days_without_service += ud.hours > 0;
      total.days_scheduled += ud.scheduled > 0;
      total.max_scheduled = std::max(total.max_scheduled, ud.scheduled);
      total.days_supply_cut += ud.supply_cut;
      total.days_unknown += ud.unknown;
      if (ud.supply_cut) {
        if (!total.first_supply_cut) total.first_supply_cut = out_.days[d].date;
        total.last_supply_cut = out_.days[d].date;
      }
      if (explain_) total_rows.insert(total_rows.end(), s.records[d].begin(), s.records[d].end());
      out_.days[d].utilities.push_back(std::move(ud));
    }
    total.records = order_.Names(total_rows);
    out_.totals.utilities.push_back(std::move(total));
  }
  if (!series.empty()) {
    out_.Assume("indicators.utilities",
                "hours without a utility come from cuts of its service and from rationing schedules (the larger of "
                "the two each day); a cut supply line while service continues locally counts as days with the "
                "supply cut, not as hours without service");
  }
  if (open_ended) {
    out_.Assume("indicators.open_outage",
                "an outage or schedule without `until` counts only as far as a source confirms it; the days after are "
                "unknown until the next record of that utility");
  }
}

void Builder::Incidents() {
  const analysis::Incidents& inc = ds_.incidents;
  std::vector<std::vector<int32_t>> rows(explain_ ? ndays_ : 0);
  for (size_t i = 0; i < inc.size(); ++i) {
    if (inc.day[i] < from_ || inc.day[i] > to_) continue;
    size_t d = Day(inc.day[i]);
    out_.days[d].incidents.incidents += 1;
    if (explain_) rows[d].push_back(inc.record[i]);
  }
  // Casualties per day and party: the dataset gives every incident with
  // fatalities or injuries rows by party (party not stated where none is).
  const Casualties& cas = ds_.casualties;
  for (size_t i = 0; i < cas.size(); ++i) {
    int32_t day = inc.day[static_cast<size_t>(cas.incident[i])];
    if (day < from_ || day > to_) continue;
    std::vector<PartyDayCasualties>& parties = out_.days[Day(day)].incidents.casualties;
    const std::string party = cas.party[i] == kNone ? "" : std::string(ds_.actors.at(cas.party[i]));
    auto it = std::find_if(parties.begin(), parties.end(), [&](const PartyDayCasualties& p) { return p.party == party; });
    if (it == parties.end()) it = parties.insert(parties.end(), PartyDayCasualties{party});
    it->low += cas.low[i];
    it->best += cas.best[i];
    it->high += cas.high[i];
    it->injuries += cas.injuries[i];
  }
  IncidentTotals& tt = out_.totals.incidents;
  std::vector<int32_t> total_rows;
  for (size_t d = 0; d < ndays_; ++d) {
    IncidentTotals& t = out_.days[d].incidents;
    std::sort(t.casualties.begin(), t.casualties.end(), [](const PartyDayCasualties& a, const PartyDayCasualties& b) {
      if (a.party.empty() != b.party.empty()) return b.party.empty();  // "not stated" last
      return a.party < b.party;
    });
    if (explain_) t.records = order_.Names(rows[d]);
    tt.incidents += t.incidents;
    if (explain_) total_rows.insert(total_rows.end(), rows[d].begin(), rows[d].end());
  }
  tt.records = order_.Names(total_rows);
  out_.totals.casualties = ComputeCasualties(ds_, from_, to_);
  out_.Assume("indicators.casualties",
              "an incident's missing fatalities low or high is taken as its best figure; casualties are added up "
              "within a party, category and cause only, never across parties");
}

// Movements with a period: reported as given, never in daily values.
void Builder::PeriodMovements() {
  const Cargo& cg = ds_.cargo;
  // Keyed by movement row, only for period movements: a vector per row
  // would allocate one empty vector per movement (240 MB at 10 M rows).
  std::unordered_map<size_t, std::vector<size_t>> cargo_of;
  for (uint32_t i : period_lines_) cargo_of[static_cast<size_t>(cg.movement[i])].push_back(i);
  static const std::vector<size_t> kNoCargo;
  for (size_t i : index_.period) {
    if (m_.PeriodToAt(i) < from_ || m_.PeriodFromAt(i) > to_) continue;
    PeriodMovement pm;
    pm.record = std::string(ds_.ids.at(m_.record[i]));
    pm.route = std::string(ds_.routes.at(m_.route[i]));
    pm.op = std::string(ds_.operators.at(m_.op[i]));
    pm.direction = std::string(DirectionName(m_.direction[i]));
    pm.outcome = std::string(ds_.OutcomeTerm(static_cast<int32_t>(i)));
    pm.counts_as = std::string(OutcomeName(m_.outcome[i]));
    pm.from = DayText(m_.PeriodFromAt(i));
    pm.to = DayText(m_.PeriodToAt(i));
    pm.vehicles = m_.vehicles[i];
    pm.persons = m_.persons[i];
    pm.patients = m_.patients[i];
    pm.qualifier = std::string(QualifierName(m_.QualifierAt(i)));
    pm.reported_by = m_.ReporterAt(i) == kNone ? "" : std::string(ds_.actors.at(m_.ReporterAt(i)));
    pm.one_party = ds_.IsParty(m_.ReporterAt(i));
    auto lines = cargo_of.find(i);
    for (size_t ci : lines == cargo_of.end() ? kNoCargo : lines->second) {
      CargoAmount a{std::string(ds_.commodities.at(cg.commodity[ci])), std::string(ds_.units.at(cg.unit[ci])), 0, 0,
                    RecordIds(ds_.ids, {m_.record[i]})};
      (m_.outcome[i] == Outcome::kCompleted ? a.delivered : a.stopped) = cg.quantity[ci];
      pm.cargo.push_back(std::move(a));
    }
    out_.period_movements.push_back(std::move(pm));
  }
  std::sort(out_.period_movements.begin(), out_.period_movements.end(),
            [](const PeriodMovement& a, const PeriodMovement& b) { return a.record < b.record; });
  if (!out_.period_movements.empty()) {
    out_.Assume("indicators.period_movements",
                "movements with a period (totals over several days) are never added to daily values; estimates over "
                "a range use them where they fall inside it, with the single-day records of the other days");
  }
}

// Every movement figure with any record, as an estimate over the range.
void Builder::Estimates() {
  for (auto measure : {Quantity::Measure::kPatients, Quantity::Measure::kPersons, Quantity::Measure::kVehicles}) {
    for (Direction dir : {Direction::kOut, Direction::kIn, Direction::kBoth}) {
      // Both ways together for the traffic figures (patients go one way).
      if (dir == Direction::kBoth && measure == Quantity::Measure::kPatients) continue;
      for (bool stopped : {false, true}) {
        Quantity q{measure, dir, stopped};
        RangeEstimate e = Estimate(q, from_, to_);
        if (e.best > 0 || !e.reports.empty()) out_.estimates.push_back(std::move(e));
      }
    }
  }
  std::vector<int32_t> units;
  for (const auto& [com, unit] : pairs_) units.push_back(unit);
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  for (int32_t u : SortedBy(ds_.units, units)) {
    for (bool stopped : {false, true}) {
      Quantity q{Quantity::Measure::kCargo, Direction::kIn, stopped};
      q.unit = u;
      RangeEstimate e = Estimate(q, from_, to_);
      if (e.best > 0 || !e.reports.empty()) out_.estimates.push_back(std::move(e));
    }
  }
  out_.Assume("indicators.estimates",
              "a figure over a range is the larger of the sum of its single-day records and the period reports that "
              "fall inside the range plus the single-day records of the days they do not cover; it is a lower bound "
              "unless every day is covered by a chosen report or watched");
}

// Each baseline measure against the best estimate of what came through on
// its route: over the range, and over each period report's own period.
void Builder::Baselines() {
  for (size_t bi : BaselineOrder()) {
    const Baseline& b = ds_.baselines[bi];
    std::vector<std::tuple<Quantity, double, uint8_t>> measures;  // quantity, per day, ways
    auto add = [&](Quantity::Measure m, std::optional<double> per_day, uint8_t legacy_ways, int32_t unit) {
      if (!per_day) return;
      Quantity q{m, Direction::kIn};
      q.routes = {b.route};
      q.unit = unit;
      measures.emplace_back(q, *per_day, b.ways != 0 ? b.ways : legacy_ways);
    };
    add(Quantity::Measure::kVehicles, b.vehicles, kBothWays, kNone);
    add(Quantity::Measure::kPersons, b.persons, kBothWays, kNone);
    add(Quantity::Measure::kPatients, b.patients, kBothWays, kNone);
    for (const auto& c : b.cargo) add(Quantity::Measure::kCargo, c.quantity, kWayIn, c.unit);
    for (const auto& [q, per_day, ways] : measures) {
      BaselineComparison bc;
      bc.record = std::string(ds_.ids.at(b.record));
      bc.route = std::string(ds_.routes.at(b.route));
      bc.measure = std::string(MeasureName(q.measure));
      bc.unit = q.unit != kNone ? std::string(ds_.units.at(q.unit)) : "";
      if (ways & kWayIn) bc.directions.push_back("in");
      if (ways & kWayOut) bc.directions.push_back("out");
      bc.per_day = per_day;
      Quantity scoped = q;
      scoped.direction = ways == kWayIn ? Direction::kIn : ways == kWayOut ? Direction::kOut : Direction::kBoth;
      // The range: the best estimate.
      RangeEstimate whole = Estimate(scoped, from_, to_);
      BaselinePeriod all{out_.from, out_.to, static_cast<int64_t>(ndays_), per_day * static_cast<double>(ndays_),
                         whole.best, whole.lower_bound, std::nullopt, whole.completeness.Fraction(), whole.rule, "", "",
                         whole.records};
      all.qualifier = whole.lower_bound ? "at_least" : "as_stated";
      all.one_party = OnePartyShare(whole);
      // Each report inside the range: its own figure for its own days.
      for (const auto& r : whole.reports) {
        if (r.fit != "within") continue;
        auto a = record::ParseDate(r.from), z = record::ParseDate(r.to);
        if (!a.ok() || !z.ok()) continue;
        int64_t days = z->days - a->days + 1;
        BaselinePeriod p{r.from, r.to, days, per_day * static_cast<double>(days), r.value,
                         r.qualifier == "at_least", std::nullopt, 1.0, "report", r.record, r.reported_by,
                         RecordIds(ds_.ids, {b.record, IdIndex(r.record)})};
        p.qualifier = r.qualifier;
        if (!r.paired.empty()) p.records.Append(ds_.ids, IdIndex(r.paired));
        bc.periods.push_back(std::move(p));
      }
      all.records.Insert(ds_.ids, b.record);
      bc.periods.insert(bc.periods.begin(), std::move(all));
      for (auto& p : bc.periods) {
        if (p.expected > 0) p.ratio = p.delivered / p.expected;
      }
      if (q.measure == Quantity::Measure::kCargo) {
        Quantity others = q;
        others.routes.clear();
        for (size_t r = 0; r < ds_.routes.size(); ++r) {
          if (static_cast<int32_t>(r) != b.route) others.routes.push_back(static_cast<int32_t>(r));
        }
        if (!others.routes.empty()) {
          RangeEstimate e = Estimate(others, from_, to_);
          bc.other_routes_delivered = e.best;
          bc.other_routes = e.records;
        }
      }
      out_.baselines.push_back(std::move(bc));
    }
  }
  if (!out_.baselines.empty()) {
    out_.Assume("indicators.baseline",
                "a baseline is compared with the best estimate of what came through on its route in the baseline's "
                "directions (without them: cargo inbound, other flows both ways), over the range and over each "
                "period report's own period");
  }
}

void Builder::Requirements() {
  std::vector<int32_t> lifeline = ds_.LifelineRoutes();
  for (const Requirement& rq : ds_.requirements) {
    int32_t a = rq.from == kNoDay ? from_ : std::max(from_, rq.from);
    int32_t z = rq.until == kNoDay ? to_ : std::min(to_, rq.until);
    if (a > z) continue;
    Quantity q{rq.measure == Requirement::Measure::kVehicles  ? Quantity::Measure::kVehicles
               : rq.measure == Requirement::Measure::kPersons ? Quantity::Measure::kPersons
                                                              : Quantity::Measure::kCargo,
               Direction::kIn};
    q.routes = rq.routes.empty() ? lifeline : rq.routes;
    if (rq.commodity != kNone) {
      q.commodities.push_back({rq.commodity, rq.unit, 1});
    } else {
      q.unit = rq.unit;
    }
    RequirementComparison c;
    c.record = std::string(ds_.ids.at(rq.record));
    c.measure = std::string(MeasureName(q.measure));
    c.commodity = rq.commodity == kNone ? "" : std::string(ds_.commodities.at(rq.commodity));
    c.unit = rq.unit == kNone ? "" : std::string(ds_.units.at(rq.unit));
    c.basis = rq.basis;
    for (int32_t r : q.routes) c.routes.push_back(std::string(ds_.routes.at(r)));
    c.per_day = rq.per_day;
    c.weekly = rq.weekly;
    c.from = DayText(a);
    c.to = DayText(z);
    c.days = z - a + 1;
    c.expected = rq.per_day * static_cast<double>(c.days);
    c.delivered = Estimate(q, a, z);
    if (c.expected > 0) c.ratio = c.delivered.best / c.expected;
    out_.requirements.push_back(std::move(c));
  }
  std::sort(out_.requirements.begin(), out_.requirements.end(),
            [](const RequirementComparison& x, const RequirementComparison& y) { return x.record < y.record; });
}

}  // namespace

namespace {

// Whether `prior` can be continued over [from, to] of `ds` (ContinueIndicators).
bool Continues(const Dataset& ds, const IndicatorOptions& options, const IndicatorSums& prior, int32_t from,
               int32_t to) {
  const Movements& m = ds.movements;
  const Cargo& cg = ds.cargo;
  if (prior.lineage != ds.lineage || prior.from != from || prior.to != to || prior.operators != ds.operators.size() ||
      prior.routes != ds.routes.size() || prior.units != ds.units.size() || prior.rows > m.size() ||
      prior.lines > cg.size() || prior.ids > ds.ids.size()) {
    return false;
  }
  // The lists name only the rows read: the old records must not be asked for.
  if (options.explain && static_cast<size_t>(std::max(options.records_from, 0)) < prior.ids) return false;
  for (size_t i = prior.rows; i < m.size(); ++i) {
    if (static_cast<size_t>(m.record[i]) < prior.ids) return false;
  }
  for (size_t i = prior.lines; i < cg.size(); ++i) {
    if (static_cast<size_t>(cg.movement[i]) < prior.rows) return false;
    if (!prior.pair_index.contains(static_cast<int64_t>(cg.commodity[i]) * (1LL << 31) + cg.unit[i])) return false;
  }
  return true;
}

Result<Indicators> Compute(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options,
                           const IndicatorSums* prior, bool* continued) {
  if (!ds.finalized) return InternalError("ComputeIndicators needs a finalized dataset");
  int32_t from = options.from, to = options.to;
  LIFELINE_RETURN_IF_ERROR(ResolveRange(ds, &from, &to));
  Indicators out;
  out.record_ids = &ds.ids;
  out.case_id = ds.case_id;
  out.case_title = ds.case_title;
  out.checkpoint = cp;
  out.from = DayText(from);
  out.to = DayText(to);
  for (int32_t p : ds.parties) out.parties.push_back(std::string(ds.actors.at(p)));
  if (prior != nullptr && !Continues(ds, options, *prior, from, to)) prior = nullptr;
  if (continued != nullptr) *continued = prior != nullptr;
  Builder b(ds, from, to, options, prior, out);
  LIFELINE_RETURN_IF_ERROR(b.Run());
  // Said wherever the indicators' assumptions are shown (JSON, table, the
  // report): a record the dataset left out for a far date (dataset.h).
  for (const auto& s : ds.skipped) {
    out.Assume("indicators.far_date",
               "record " + s.id + " is left out: a date in it is outside the case’s plausible dates");
  }
  return out;
}

}  // namespace

Result<Indicators> ComputeIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options) {
  return Compute(ds, cp, options, nullptr, nullptr);
}

Result<Indicators> ContinueIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options,
                                      const IndicatorSums& prior, bool* continued) {
  return Compute(ds, cp, options, &prior, continued);
}

}  // namespace lifeline::analysis
