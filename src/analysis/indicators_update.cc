#include "analysis/indicators_update.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "analysis/quantities.h"

namespace lifeline::analysis {
namespace {

// The element of `old` that `key` says is the same value as `x`, or null.
template <typename T, typename Key>
T* Find(std::vector<T>& old, const T& x, const Key& key) {
  auto it = std::find_if(old.begin(), old.end(), [&](const T& o) { return key(o) == key(x); });
  return it == old.end() ? nullptr : &*it;
}

// Merges each list of `fresh` with the list of the same value in `old`.
// A method returns false where that would not give the lists of a whole
// computation (indicators_update.h): the caller then computes whole.
class Merger {
 public:
  // `first_day`: the range's first day; `base`: the earlier dataset's mark.
  Merger(const Dataset& ds, const DatasetMark& base, int32_t first_day)
      : ds_(ds), base_(base), first_day_(first_day) {}

  bool Result(Indicators& fresh, Indicators& old) {
    if (fresh.days.size() != old.days.size() || fresh.from != old.from || fresh.to != old.to) return false;
    ndays_ = fresh.days.size();
    for (size_t d = 0; d < fresh.days.size(); ++d) {
      if (!Day(d, fresh.days[d], old.days[d])) return false;
    }
    return Totals(fresh.totals, old.totals) && Estimates(fresh.estimates, old.estimates) &&
           Baselines(fresh.baselines, old.baselines) && Requirements(fresh.requirements, old.requirements);
  }

 private:
  bool Day(size_t d, DayIndicators& f, DayIndicators& o) {
    auto route = [](const RouteDay& r) -> const std::string& { return r.route; };
    for (RouteDay& r : f.routes) {
      if (RouteDay* was = Find(o.routes, r, route)) Unite(r.records, was->records);
    }
    FlowLists(f.flows, o.flows);
    // A cell whose cargo delivered nothing named no records in the needs
    // it counts towards; once something is delivered, all of them.
    for (const CargoAmount& c : f.cargo) {
      const CargoAmount* was = Find(o.cargo, c, CargoKey);
      if (was != nullptr && was->delivered <= 0 && c.delivered > 0) return false;
    }
    CargoLists(f.cargo, o.cargo);
    if (f.needs.size() != o.needs.size() || f.baseline.size() != o.baseline.size() ||
        f.utilities.size() != o.utilities.size()) {
      return false;
    }
    for (size_t i = 0; i < f.needs.size(); ++i) {
      if (f.needs[i].commodity != o.needs[i].commodity || f.needs[i].unit != o.needs[i].unit) return false;
      Unite(f.needs[i].records, o.needs[i].records);
    }
    if (!BaselineDaysOf(d, f.baseline, o.baseline)) return false;
    for (size_t i = 0; i < f.utilities.size(); ++i) Unite(f.utilities[i].records, o.utilities[i].records);
    Unite(f.incidents.records, o.incidents.records);
    return true;
  }

  // A baseline's day names the movements delivered on its route only when
  // they delivered some of its measure: one that turns positive is exact
  // only if no old movement was delivered on that route that day.
  bool BaselineDaysOf(size_t d, std::vector<BaselineDay>& f, std::vector<BaselineDay>& o) {
    if (f.size() != o.size()) return false;
    for (size_t i = 0; i < f.size(); ++i) {
      if (o[i].delivered <= 0 && f[i].delivered > 0 && OldDelivery(d, f[i].route)) return false;
    }
    return BaselineDays(f, o);
  }

  // Whether a single-day movement of the earlier dataset was delivered on
  // `route` on day `d` of the range (one pass over the old rows, once).
  bool OldDelivery(size_t d, const std::string& route) {
    const Movements& m = ds_.movements;
    const size_t nroutes = ds_.routes.size();
    if (!old_built_) {
      old_built_ = true;
      old_delivered_.assign(nroutes * ndays_, 0);
      for (size_t i = 0; i < base_.movements; ++i) {
        if (m.PeriodFromAt(i) != kNoDay || m.outcome[i] != Outcome::kCompleted || m.day[i] < first_day_ ||
            static_cast<size_t>(m.day[i] - first_day_) >= ndays_) {
          continue;
        }
        old_delivered_[static_cast<size_t>(m.day[i] - first_day_) * nroutes + static_cast<size_t>(m.route[i])] = 1;
      }
    }
    const std::optional<int32_t> r = ds_.routes.Find(route);
    return !r || old_delivered_[d * nroutes + static_cast<size_t>(*r)] != 0;
  }

  static std::tuple<const std::string&, const std::string&> CargoKey(const CargoAmount& c) {
    return std::tie(c.commodity, c.unit);
  }

  // A flow or cargo value new in `fresh` has no old records: its list is whole.
  void FlowLists(std::vector<OperatorFlows>& f, std::vector<OperatorFlows>& o) {
    auto key = [](const OperatorFlows& x) { return std::tie(x.op, x.direction); };
    for (OperatorFlows& x : f) {
      if (OperatorFlows* was = Find(o, x, key)) {
        Unite(x.delivered.records, was->delivered.records);
        Unite(x.stopped.records, was->stopped.records);
      }
    }
  }

  void CargoLists(std::vector<CargoAmount>& f, std::vector<CargoAmount>& o) {
    for (CargoAmount& x : f) {
      if (CargoAmount* was = Find(o, x, CargoKey)) Unite(x.records, was->records);
    }
  }

  // A baseline's values, day or range (whose list unites the days').
  bool BaselineDays(std::vector<BaselineDay>& f, std::vector<BaselineDay>& o) {
    if (f.size() != o.size()) return false;
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i].route != o[i].route || f[i].measure != o[i].measure) return false;
      Unite(f[i].records, o[i].records);
    }
    return true;
  }

  bool Totals(analysis::Totals& f, analysis::Totals& o) {
    FlowLists(f.flows, o.flows);
    CargoLists(f.cargo, o.cargo);
    if (f.needs.size() != o.needs.size() || f.utilities.size() != o.utilities.size()) return false;
    for (size_t i = 0; i < f.needs.size(); ++i) {
      if (f.needs[i].estimate.has_value() != o.needs[i].estimate.has_value()) return false;
      if (f.needs[i].estimate) Estimate(*f.needs[i].estimate, *o.needs[i].estimate);
    }
    if (!BaselineDays(f.baseline, o.baseline)) return false;
    for (size_t i = 0; i < f.utilities.size(); ++i) Unite(f.utilities[i].records, o.utilities[i].records);
    Unite(f.incidents.records, o.incidents.records);
    return true;
  }

  void Estimate(RangeEstimate& f, RangeEstimate& o) {
    Unite(f.records, o.records);
    Unite(f.without_figure, o.without_figure);
  }

  // An estimate is listed when its figure is positive or it has a report:
  // one that appears may rest on old records of figure 0, and is computed
  // whole.
  bool Estimates(std::vector<RangeEstimate>& f, std::vector<RangeEstimate>& o) {
    auto key = [](const RangeEstimate& e) {
      return std::tie(e.measure, e.direction, e.outcome, e.unit, e.commodities, e.routes);
    };
    for (RangeEstimate& e : f) {
      if (RangeEstimate* was = Find(o, e, key)) {
        Estimate(e, *was);
      } else if (!Whole(e)) {
        return false;
      }
    }
    return true;
  }

  // `e` (of the range's estimates: every route, no commodity) computed
  // again with every record, from what it says it is. The movement index
  // and the order of the ids are built for the first such estimate and
  // shared by the others.
  bool Whole(RangeEstimate& e) {
    if (!e.routes.empty() || !e.commodities.empty()) return false;
    Quantity q{Quantity::Measure::kCargo, e.direction == "in"    ? Direction::kIn
                                          : e.direction == "out" ? Direction::kOut
                                                                 : Direction::kBoth};
    for (auto m : {Quantity::Measure::kVehicles, Quantity::Measure::kPersons, Quantity::Measure::kPatients}) {
      if (MeasureName(m) == e.measure) q.measure = m;
    }
    q.stopped = e.outcome == "stopped";
    if (q.measure == Quantity::Measure::kCargo) {
      const std::optional<int32_t> unit = ds_.units.Find(e.unit);
      if (!unit) return false;
      q.unit = *unit;
    }
    if (!whole_index_) {
      whole_index_.emplace(ds_.movements);
      whole_order_.emplace(ds_.ids, 0);
    }
    e = EstimateQuantity(ds_, *whole_index_, q, first_day_, first_day_ + static_cast<int32_t>(ndays_) - 1,
                         &*whole_order_);
    return true;
  }

  // Periods by report ("" for the range); a report's own period names its
  // records in full.
  bool Baselines(std::vector<BaselineComparison>& f, std::vector<BaselineComparison>& o) {
    if (f.size() != o.size()) return false;
    auto key = [](const BaselinePeriod& p) -> const std::string& { return p.report; };
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i].record != o[i].record || f[i].measure != o[i].measure || f[i].unit != o[i].unit) return false;
      for (BaselinePeriod& p : f[i].periods) {
        if (BaselinePeriod* was = Find(o[i].periods, p, key)) Unite(p.records, was->records);
      }
      Unite(f[i].other_routes, o[i].other_routes);
    }
    return true;
  }

  bool Requirements(std::vector<RequirementComparison>& f, std::vector<RequirementComparison>& o) {
    if (f.size() != o.size()) return false;
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i].record != o[i].record) return false;
      Estimate(f[i].delivered, o[i].delivered);
    }
    return true;
  }

  // `fresh` (the new records behind a value, sorted) united with `old` (the
  // earlier result's, sorted, its indices valid in ds_.ids: ids are only
  // appended within a lineage): one linear merge, read through ds_.ids.
  void Unite(RecordIds& fresh, RecordIds& old) const {
    old.Rebind(ds_.ids);
    fresh.Rebind(ds_.ids);
    fresh.Unite(old);
  }

  const Dataset& ds_;
  const DatasetMark& base_;
  const int32_t first_day_;
  size_t ndays_ = 0;
  bool old_built_ = false;
  std::vector<uint8_t> old_delivered_;  // [day][route]: OldDelivery, once asked
  std::optional<MovementIndex> whole_index_;  // Whole's, once asked
  std::optional<IdOrder> whole_order_;        // likewise
};

// Whether `ds` is `base` with movement rows (and their cargo) appended.
bool OnlyMovementsAdded(const Dataset& ds, const DatasetMark& base) {
  const DatasetMark now = MarkOf(ds);
  return now.lineage == base.lineage && now.fixed == base.fixed && now.ids >= base.ids &&
         now.movements >= base.movements && now.cargo >= base.cargo;
}

}  // namespace

DatasetMark MarkOf(const Dataset& ds) {
  DatasetMark m;
  m.lineage = ds.lineage;
  m.ids = ds.ids.size();
  m.movements = ds.movements.size();
  m.cargo = ds.cargo.size();
  for (size_t n : {ds.statuses.size(), ds.outages.size(), ds.schedules.size(), ds.incidents.size(),
                   ds.casualties.size(), ds.watches.size(), ds.stocks.size(), ds.needs.size(), ds.population.size(),
                   ds.baselines.size(), ds.requirements.size(), ds.obligations.size(), ds.lifeline_routes.size(),
                   ds.parties.size(), ds.dependency.size(), ds.route_names.size(), ds.utilities.size()}) {
    m.fixed.push_back(static_cast<int64_t>(n));
  }
  for (int32_t v : {ds.case_record, ds.started, ds.ended}) m.fixed.push_back(v);
  return m;
}

Result<IndicatorsUpdate> UpdateIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options,
                                          const DatasetMark& base, Indicators previous) {
  IndicatorsUpdate out;
  if (options.explain && OnlyMovementsAdded(ds, base)) {
    IndicatorOptions fresh = options;
    fresh.records_from = static_cast<int32_t>(base.ids);
    int32_t from = options.from, to = options.to;
    LIFELINE_RETURN_IF_ERROR(ResolveRange(ds, &from, &to));
    // The figures continued from the previous result's sums where it kept
    // them: only the new rows are read.
    LIFELINE_ASSIGN_OR_RETURN(out.indicators, previous.sums != nullptr
                                                  ? ContinueIndicators(ds, cp, fresh, *previous.sums, &out.continued)
                                                  : ComputeIndicators(ds, cp, fresh));
    out.incremental = Merger(ds, base, from).Result(out.indicators, previous);
    if (out.incremental) return out;
  }
  out.continued = false;
  LIFELINE_ASSIGN_OR_RETURN(out.indicators, ComputeIndicators(ds, cp, options));
  return out;
}

}  // namespace lifeline::analysis
