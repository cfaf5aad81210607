#include "analysis/indicators.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "analysis/route_days.h"
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

namespace {

// The largest dense aggregation table accepted (cells of int64 sums).
constexpr size_t kMaxCells = size_t{1} << 27;

RecordIds Names(const Dataset& ds, const std::vector<int32_t>& rows) {
  RecordIds out;
  out.reserve(rows.size());
  for (int32_t r : rows) {
    if (r != kNone) out.push_back(ds.ids.at(r));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Merge(RecordIds& into, const RecordIds& more) {
  into.insert(into.end(), more.begin(), more.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

// Dense sums of movement figures: one row of cells per day.
struct FlowSums {
  std::vector<int64_t> movements, vehicles, persons, patients;
  std::vector<std::vector<int32_t>> records;
  void Init(size_t cells, bool with_records) {
    movements.assign(cells, 0);
    vehicles.assign(cells, 0);
    persons.assign(cells, 0);
    patients.assign(cells, 0);
    if (with_records) records.assign(cells, {});
  }
  void Add(size_t c, const Movements& m, size_t row) {
    movements[c] += 1;
    vehicles[c] += m.vehicles[row];
    persons[c] += m.persons[row];
    patients[c] += m.patients[row];
    if (!records.empty()) records[c].push_back(m.record[row]);
  }
  Flows At(const Dataset& ds, size_t c) const {
    Flows f{movements[c], vehicles[c], persons[c], patients[c], {}};
    if (!records.empty()) f.records = Names(ds, records[c]);
    return f;
  }
};

void AddFlows(Flows& a, const Flows& b) {
  a.movements += b.movements;
  a.vehicles += b.vehicles;
  a.persons += b.persons;
  a.patients += b.patients;
  Merge(a.records, b.records);
}

struct NeedSpec {
  std::string commodity, unit, basis;
  double quantity;
  int32_t record;
  std::vector<Equivalent> equivalents = {};
};

std::vector<int32_t> SortedBy(const StringTable& t, std::vector<int32_t> idx) {
  std::sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return t.at(a) < t.at(b); });
  return idx;
}

}  // namespace

Result<Indicators> ComputeIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options) {
  if (!ds.finalized) return InternalError("ComputeIndicators needs a finalized dataset");
  int32_t from = options.from, to = options.to;
  LIFELINE_RETURN_IF_ERROR(ResolveRange(ds, &from, &to));
  const bool explain = options.explain;
  const size_t ndays = static_cast<size_t>(to - from + 1);
  const size_t nops = ds.operators.size();
  const size_t nroutes = ds.routes.size();
  if (ndays * std::max<size_t>(nops, 1) * 2 > kMaxCells || ndays * std::max<size_t>(nroutes, 1) > kMaxCells) {
    return ResourceExhaustedError("too many operators or routes x days to aggregate at once (" + std::to_string(nops) +
                                  " operators, " + std::to_string(ndays) + " days): narrow --from/--to");
  }

  Indicators out;
  out.case_id = ds.case_id;
  out.checkpoint = cp;
  out.from = record::FormatDate(record::Day{from});
  out.to = record::FormatDate(record::Day{to});
  out.days.resize(ndays);
  for (size_t d = 0; d < ndays; ++d) out.days[d].date = record::FormatDate(record::Day{from + static_cast<int32_t>(d)});

  // --- Route status per day. ---
  RouteDayTable rt = ComputeRouteDays(ds, from, to, explain);
  std::vector<int32_t> status_routes;
  for (size_t r = 0; r < nroutes; ++r) {
    if (rt.has_status[r]) status_routes.push_back(static_cast<int32_t>(r));
  }
  status_routes = SortedBy(ds.routes, status_routes);
  for (int32_t r : status_routes) {
    RouteDays rd{ds.routes.at(r)};
    for (size_t d = 0; d < ndays; ++d) {
      size_t c = rt.cell(r, from + static_cast<int32_t>(d));
      RouteDay day{ds.routes.at(r), rt.state[c], {}, {}};
      if (rt.state[c] == RouteState::kRestricted) day.restricted = RestrictionNames(rt.restricted[c]);
      if (explain) day.records = Names(ds, rt.in_force[c]);
      switch (rt.state[c]) {
        case RouteState::kOpen: ++rd.open; break;
        case RouteState::kRestricted: ++rd.restricted; break;
        case RouteState::kClosed: ++rd.closed; break;
        case RouteState::kUnknown: ++rd.unknown; break;
      }
      out.days[d].routes.push_back(std::move(day));
    }
    out.totals.routes.push_back(std::move(rd));
  }

  // --- Movements: one pass into dense [day][operator][direction] cells,
  // and [day][route] for the baseline comparison. ---
  const Movements& m = ds.movements;
  const size_t op_cells = ndays * nops * 2;
  FlowSums delivered, stopped;
  delivered.Init(op_cells, explain);
  stopped.Init(op_cells, explain);
  FlowSums by_route;  // delivered, both directions
  by_route.Init(ndays * nroutes, explain);
  std::vector<uint8_t> in_daily(m.size(), 0);  // the row counts in daily values
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.period_from[i] != kNoDay) continue;
    if (m.day[i] < from || m.day[i] > to) continue;
    in_daily[i] = 1;
    size_t d = static_cast<size_t>(m.day[i] - from);
    size_t c = (d * nops + static_cast<size_t>(m.op[i])) * 2 + static_cast<size_t>(m.direction[i]);
    if (m.outcome[i] == Outcome::kCompleted) {
      delivered.Add(c, m, i);
      by_route.Add(d * nroutes + static_cast<size_t>(m.route[i]), m, i);
    } else {
      stopped.Add(c, m, i);
    }
  }
  std::vector<int32_t> ops_sorted(nops);
  for (size_t o = 0; o < nops; ++o) ops_sorted[o] = static_cast<int32_t>(o);
  ops_sorted = SortedBy(ds.operators, ops_sorted);
  std::map<std::pair<std::string, std::string>, OperatorFlows> flow_totals;
  for (size_t d = 0; d < ndays; ++d) {
    for (int32_t o : ops_sorted) {
      for (int dir = 0; dir < 2; ++dir) {
        size_t c = (d * nops + static_cast<size_t>(o)) * 2 + static_cast<size_t>(dir);
        if (delivered.movements[c] == 0 && stopped.movements[c] == 0) continue;
        OperatorFlows f{ds.operators.at(o), dir == 0 ? "in" : "out", delivered.At(ds, c), stopped.At(ds, c)};
        auto [it, fresh] = flow_totals.try_emplace({f.op, f.direction}, OperatorFlows{f.op, f.direction, {}, {}});
        AddFlows(it->second.delivered, f.delivered);
        AddFlows(it->second.stopped, f.stopped);
        out.days[d].flows.push_back(std::move(f));
      }
    }
  }
  for (auto& [k, f] : flow_totals) out.totals.flows.push_back(std::move(f));

  // --- Cargo in, per (commodity, canonical unit). ---
  const Cargo& cg = ds.cargo;
  std::unordered_map<int64_t, int32_t> pair_index;
  std::vector<std::pair<int32_t, int32_t>> pairs;  // (commodity, unit)
  std::vector<int32_t> cargo_pair(cg.size(), kNone);
  for (size_t i = 0; i < cg.size(); ++i) {
    int64_t key = static_cast<int64_t>(cg.commodity[i]) * (1LL << 31) + cg.unit[i];
    auto [it, fresh] = pair_index.try_emplace(key, static_cast<int32_t>(pairs.size()));
    if (fresh) pairs.emplace_back(cg.commodity[i], cg.unit[i]);
    cargo_pair[i] = it->second;
  }
  const size_t np = pairs.size();
  if (ndays * std::max<size_t>(np, 1) > kMaxCells) {
    return ResourceExhaustedError("too many commodities x days to aggregate at once: narrow --from/--to");
  }
  std::vector<double> cargo_in(ndays * np, 0.0), cargo_stopped(ndays * np, 0.0);
  std::vector<int32_t> cargo_lines(ndays * np, 0);
  std::vector<std::vector<int32_t>> cargo_records(explain ? ndays * np : 0);
  // Inbound cargo per [day][route][unit] for baselines.
  const size_t nunits = ds.units.size();
  std::vector<double> route_cargo(ndays * nroutes * std::max<size_t>(nunits, 1), 0.0);
  for (size_t i = 0; i < cg.size(); ++i) {
    size_t row = static_cast<size_t>(cg.movement[i]);
    if (!in_daily[row] || m.direction[row] != Direction::kIn) continue;
    size_t d = static_cast<size_t>(m.day[row] - from);
    size_t c = d * np + static_cast<size_t>(cargo_pair[i]);
    cargo_lines[c] += 1;
    if (m.outcome[row] == Outcome::kCompleted) {
      cargo_in[c] += cg.quantity[i];
      route_cargo[(d * nroutes + static_cast<size_t>(m.route[row])) * nunits + static_cast<size_t>(cg.unit[i])] +=
          cg.quantity[i];
    } else {
      cargo_stopped[c] += cg.quantity[i];
    }
    if (explain) cargo_records[c].push_back(m.record[row]);
  }
  std::vector<int32_t> pair_order(np);
  for (size_t p = 0; p < np; ++p) pair_order[p] = static_cast<int32_t>(p);
  std::sort(pair_order.begin(), pair_order.end(), [&](int32_t a, int32_t b) {
    const auto& [ca, ua] = pairs[static_cast<size_t>(a)];
    const auto& [cb, ub] = pairs[static_cast<size_t>(b)];
    if (ds.commodities.at(ca) != ds.commodities.at(cb)) return ds.commodities.at(ca) < ds.commodities.at(cb);
    return ds.units.at(ua) < ds.units.at(ub);
  });
  for (int32_t p : pair_order) {
    const auto& [com, unit] = pairs[static_cast<size_t>(p)];
    CargoAmount total{ds.commodities.at(com), ds.units.at(unit), 0, 0, {}};
    bool any = false;
    for (size_t d = 0; d < ndays; ++d) {
      size_t c = d * np + static_cast<size_t>(p);
      if (cargo_lines[c] == 0) continue;
      any = true;
      CargoAmount a{total.commodity, total.unit, cargo_in[c], cargo_stopped[c], {}};
      if (explain) a.records = Names(ds, cargo_records[c]);
      total.delivered += a.delivered;
      total.stopped += a.stopped;
      Merge(total.records, a.records);
      out.days[d].cargo.push_back(std::move(a));
    }
    if (any) out.totals.cargo.push_back(std::move(total));
  }

  // --- Need, coverage, deficit. ---
  std::vector<NeedSpec> needs;
  for (const auto& n : ds.needs) {
    needs.push_back({ds.commodities.at(n.commodity), ds.units.at(n.unit), n.basis, n.quantity, n.record,
                     n.equivalents});
  }
  if (needs.empty()) {
    needs.push_back({"food energy", "kcal", "default: Sphere Handbook, 2,100 kcal per person per day", 2100, kNone});
    needs.push_back({"water", "l", "default: Sphere Handbook, 15 l per person per day", 15, kNone});
    out.assumptions.push_back(
        "the case has no need_standard records: the Sphere defaults are used (food energy 2,100 kcal and water 15 l "
        "per person per day)");
  }
  std::sort(needs.begin(), needs.end(), [](const NeedSpec& a, const NeedSpec& b) {
    return std::tie(a.commodity, a.unit, a.quantity) < std::tie(b.commodity, b.unit, b.quantity);
  });
  // The population figure in force each day (latest on or before it).
  std::vector<std::optional<int64_t>> population(ndays);
  {
    size_t p = 0;
    std::optional<int64_t> cur;
    for (size_t d = 0; d < ndays; ++d) {
      int32_t day = from + static_cast<int32_t>(d);
      while (p < ds.population.size() && ds.population[p].day <= day) cur = ds.population[p++].count;
      population[d] = cur;
    }
  }
  for (const NeedSpec& n : needs) {
    auto com = ds.commodities.Find(n.commodity);
    auto unit = ds.units.Find(n.unit);
    std::optional<int32_t> match;  // the cargo pair of the need's commodity and unit
    std::vector<int32_t> other_units;  // the same commodity in other units
    for (size_t p = 0; p < np; ++p) {
      if (!com || pairs[p].first != *com) continue;
      if (unit && pairs[p].second == *unit) {
        match = static_cast<int32_t>(p);
      } else {
        other_units.push_back(static_cast<int32_t>(p));
      }
    }
    // Cargo of other commodities that the standard's record converts (its
    // `equivalents`): the pair and its factor into the standard's unit.
    std::vector<std::pair<int32_t, double>> converted;
    std::vector<bool> counted(np, false);
    if (match) counted[static_cast<size_t>(*match)] = true;
    for (const Equivalent& e : n.equivalents) {
      for (size_t p = 0; p < np; ++p) {
        if (pairs[p].first == e.commodity && pairs[p].second == e.unit && !counted[p]) {
          converted.emplace_back(static_cast<int32_t>(p), e.factor);
          counted[p] = true;
        }
      }
    }
    NeedTotal total{n.commodity, n.unit, 0.0, 0, 0, std::nullopt, "", 0};
    double delivered_known = 0;
    double running = 0;
    bool any_known = false;
    for (size_t d = 0; d < ndays; ++d) {
      NeedDay nd;
      nd.commodity = n.commodity;
      nd.unit = n.unit;
      nd.per_person = n.quantity;
      nd.basis = n.basis;
      nd.population = population[d];
      std::vector<int32_t> rows;
      if (n.record != kNone) rows.push_back(n.record);
      if (population[d]) rows.push_back(ds.case_record);
      if (match) {
        size_t c = d * np + static_cast<size_t>(*match);
        nd.delivered = cargo_in[c];
        if (explain && cargo_in[c] > 0) rows.insert(rows.end(), cargo_records[c].begin(), cargo_records[c].end());
      }
      for (auto [p, factor] : converted) {
        size_t c = d * np + static_cast<size_t>(p);
        nd.delivered += cargo_in[c] * factor;
        if (explain && cargo_in[c] > 0) rows.insert(rows.end(), cargo_records[c].begin(), cargo_records[c].end());
      }
      bool incomparable = false;
      for (int32_t p : other_units) {
        size_t c = d * np + static_cast<size_t>(p);
        if (cargo_lines[c] > 0) {
          incomparable = true;
          if (explain) rows.insert(rows.end(), cargo_records[c].begin(), cargo_records[c].end());
        }
      }
      std::string uncounted;
      for (int32_t p : pair_order) {
        size_t c = d * np + static_cast<size_t>(p);
        if (cargo_in[c] <= 0 || counted[static_cast<size_t>(p)] || (com && pairs[static_cast<size_t>(p)].first == *com)) {
          continue;
        }
        uncounted += (uncounted.empty() ? "" : ", ") + ds.commodities.at(pairs[static_cast<size_t>(p)].first);
      }
      if (!uncounted.empty()) {
        nd.note = "inbound cargo not counted against " + n.commodity + " (other commodities, not converted): " +
                  uncounted;
      }
      if (!population[d]) {
        nd.reason = "no population figure on or before this day";
        ++total.days_need_unknown;
      } else {
        nd.need = static_cast<double>(*population[d]) * n.quantity;
        nd.shortfall = std::max(0.0, *nd.need - nd.delivered);
        running += *nd.shortfall;
        any_known = true;
        *total.need += *nd.need;
        total.shortfall += *nd.shortfall;
        delivered_known += nd.delivered;
        if (incomparable) {
          nd.reason = "cargo of " + n.commodity + " is recorded in a unit not comparable with " + n.unit;
        } else if (*nd.need <= 0) {
          nd.reason = "the need is 0";
        } else {
          nd.coverage = nd.delivered / *nd.need;
        }
      }
      if (any_known) nd.cumulative_deficit = running;
      total.delivered += nd.delivered;
      if (explain) nd.records = Names(ds, rows);
      out.days[d].needs.push_back(std::move(nd));
    }
    if (total.days_need_unknown == static_cast<int64_t>(ndays)) {
      total.need.reset();
      total.reason = "no population figure on or before any day of the range";
    } else if (!other_units.empty()) {
      total.reason = "cargo of " + n.commodity + " is recorded in a unit not comparable with " + n.unit;
    } else if (*total.need <= 0) {
      total.reason = "the need is 0";
    } else {
      total.coverage = delivered_known / *total.need;
      if (total.days_need_unknown > 0) {
        total.reason = "coverage over the " + std::to_string(ndays - static_cast<size_t>(total.days_need_unknown)) +
                       " days with a population figure";
      }
    }
    out.totals.needs.push_back(std::move(total));
  }
  out.assumptions.push_back(
      "cargo counts towards a need when its commodity name and canonical unit equal the need standard's, or when "
      "the standard's record gives an equivalent for that commodity and unit (e.g. 1 kg of wheat flour = 3,640 kcal); "
      "no other conversion is made");

  // --- Delivered against the pre-blockade baseline. ---
  std::vector<size_t> bl_order(ds.baselines.size());
  for (size_t i = 0; i < bl_order.size(); ++i) bl_order[i] = i;
  std::sort(bl_order.begin(), bl_order.end(), [&](size_t a, size_t b) {
    return ds.ids.at(ds.baselines[a].record) < ds.ids.at(ds.baselines[b].record);
  });
  for (size_t bi : bl_order) {
    const Baseline& b = ds.baselines[bi];
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
    for (const auto& c : b.cargo) measures.push_back({"cargo (" + ds.units.at(c.unit) + ")", c.quantity, 3, c.unit});
    for (const Measure& me : measures) {
      BaselineDay total{ds.routes.at(b.route), me.name, 0, 0, std::nullopt, {}};
      for (size_t d = 0; d < ndays; ++d) {
        size_t c = d * nroutes + static_cast<size_t>(b.route);
        BaselineDay bd{total.route, me.name, me.per_day, 0, std::nullopt, {}};
        switch (me.kind) {
          case 0: bd.delivered = static_cast<double>(by_route.vehicles[c]); break;
          case 1: bd.delivered = static_cast<double>(by_route.persons[c]); break;
          case 2: bd.delivered = static_cast<double>(by_route.patients[c]); break;
          default: bd.delivered = route_cargo[c * nunits + static_cast<size_t>(me.unit)]; break;
        }
        if (me.per_day > 0) bd.ratio = bd.delivered / me.per_day;
        if (explain) {
          std::vector<int32_t> rows = {b.record};
          if (bd.delivered > 0) rows.insert(rows.end(), by_route.records[c].begin(), by_route.records[c].end());
          bd.records = Names(ds, rows);
        }
        total.baseline += bd.baseline;
        total.delivered += bd.delivered;
        Merge(total.records, bd.records);
        out.days[d].baseline.push_back(std::move(bd));
      }
      if (total.baseline > 0) total.ratio = total.delivered / total.baseline;
      out.totals.baseline.push_back(std::move(total));
    }
  }
  if (!ds.baselines.empty()) {
    out.assumptions.push_back(
        "a baseline's vehicles, persons and patients are compared with delivered movements in both directions on its "
        "route; its cargo with inbound delivered cargo of the same canonical unit, all commodities together");
  }

  // --- Hours without each utility: the union of its outages per day. ---
  const int64_t range_start = static_cast<int64_t>(from) * 86400;
  const int64_t range_end = (static_cast<int64_t>(to) + 1) * 86400;
  std::vector<int32_t> util_order(ds.utilities.size());
  for (size_t u = 0; u < util_order.size(); ++u) util_order[u] = static_cast<int32_t>(u);
  util_order = SortedBy(ds.utilities, util_order);
  const Outages& og = ds.outages;
  bool open_ended = false;
  for (int32_t u : util_order) {
    std::vector<std::pair<int64_t, int64_t>> spans;  // clipped to the range
    std::vector<double> seconds(ndays, 0.0);
    std::vector<std::vector<int32_t>> rows(explain ? ndays : 0);
    for (size_t i = 0; i < og.size(); ++i) {
      if (og.utility[i] != u) continue;
      int64_t a = std::max(og.from[i], range_start);
      int64_t b = std::min(og.until[i], range_end);  // kForever: not restored in the records
      if (og.until[i] == kForever && og.from[i] < range_end) open_ended = true;
      if (b <= a) continue;
      spans.emplace_back(a, b);
      if (explain) {
        for (int32_t d = DayOfInstant(a); d <= DayOfInstant(b - 1); ++d) rows[static_cast<size_t>(d - from)].push_back(og.record[i]);
      }
    }
    // Overlapping outages of one utility count once.
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<int64_t, int64_t>> merged;
    for (const auto& s : spans) {
      if (!merged.empty() && s.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, s.second);
      } else {
        merged.push_back(s);
      }
    }
    for (const auto& [a, b] : merged) {
      for (int64_t t = a; t < b;) {
        int64_t day_end = (static_cast<int64_t>(DayOfInstant(t)) + 1) * 86400;
        int64_t e = std::min(b, day_end);
        seconds[static_cast<size_t>(DayOfInstant(t) - from)] += static_cast<double>(e - t);
        t = e;
      }
    }
    UtilityDay total{ds.utilities.at(u), 0, {}};
    for (size_t d = 0; d < ndays; ++d) {
      UtilityDay ud{total.utility, seconds[d] / 3600.0, {}};
      if (explain) ud.records = Names(ds, rows[d]);
      total.hours += ud.hours;
      Merge(total.records, ud.records);
      out.days[d].utilities.push_back(std::move(ud));
    }
    out.totals.utilities.push_back(std::move(total));
  }
  if (open_ended) {
    out.assumptions.push_back(
        "an outage without `until` (no restoration in the records) lasts to the end of the range");
  }

  // --- Incidents. ---
  const Incidents& inc = ds.incidents;
  std::vector<std::vector<int32_t>> inc_rows(explain ? ndays : 0);
  for (size_t i = 0; i < inc.size(); ++i) {
    if (inc.day[i] < from || inc.day[i] > to) continue;
    size_t d = static_cast<size_t>(inc.day[i] - from);
    IncidentTotals& t = out.days[d].incidents;
    t.incidents += 1;
    t.fatalities_low += inc.low[i];
    t.fatalities_best += inc.best[i];
    t.fatalities_high += inc.high[i];
    t.injuries += inc.injuries[i];
    if (explain) inc_rows[d].push_back(inc.record[i]);
  }
  for (size_t d = 0; d < ndays; ++d) {
    IncidentTotals& t = out.days[d].incidents;
    if (explain) t.records = Names(ds, inc_rows[d]);
    IncidentTotals& tt = out.totals.incidents;
    tt.incidents += t.incidents;
    tt.fatalities_low += t.fatalities_low;
    tt.fatalities_best += t.fatalities_best;
    tt.fatalities_high += t.fatalities_high;
    tt.injuries += t.injuries;
    Merge(tt.records, t.records);
  }
  out.assumptions.push_back("an incident's missing fatalities low or high is taken as its best estimate");

  // --- Movements with a period: reported as given, never in daily values. ---
  // Keyed by movement row, only for period movements: a vector per row
  // would allocate one empty vector per movement (240 MB at 10 M rows).
  std::unordered_map<size_t, std::vector<size_t>> cargo_of;
  for (size_t i = 0; i < cg.size(); ++i) {
    if (m.period_from[static_cast<size_t>(cg.movement[i])] != kNoDay) cargo_of[static_cast<size_t>(cg.movement[i])].push_back(i);
  }
  static const std::vector<size_t> kNoCargo;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.period_from[i] == kNoDay || m.period_to[i] < from || m.period_from[i] > to) continue;
    PeriodMovement pm;
    pm.record = ds.ids.at(m.record[i]);
    pm.route = ds.routes.at(m.route[i]);
    pm.op = ds.operators.at(m.op[i]);
    pm.direction = m.direction[i] == Direction::kIn ? "in" : "out";
    pm.outcome = m.outcome[i] == Outcome::kCompleted ? "completed"
                 : m.outcome[i] == Outcome::kStopped ? "stopped"
                                                     : "turned_back";
    pm.from = record::FormatDate(record::Day{m.period_from[i]});
    pm.to = record::FormatDate(record::Day{m.period_to[i]});
    pm.vehicles = m.vehicles[i];
    pm.persons = m.persons[i];
    pm.patients = m.patients[i];
    auto lines = cargo_of.find(i);
    for (size_t ci : lines == cargo_of.end() ? kNoCargo : lines->second) {
      CargoAmount a{ds.commodities.at(cg.commodity[ci]), ds.units.at(cg.unit[ci]), 0, 0, {pm.record}};
      (m.outcome[i] == Outcome::kCompleted ? a.delivered : a.stopped) = cg.quantity[ci];
      pm.cargo.push_back(std::move(a));
    }
    out.period_movements.push_back(std::move(pm));
  }
  std::sort(out.period_movements.begin(), out.period_movements.end(),
            [](const PeriodMovement& a, const PeriodMovement& b) { return a.record < b.record; });
  if (!out.period_movements.empty()) {
    out.assumptions.push_back(
        "movements with a period (totals over several days) are reported apart and never added to daily values");
  }
  out.assumptions.push_back(
      "a route's status on a day is the most restrictive status in force at any time of that UTC day");
  return out;
}

}  // namespace lifeline::analysis
