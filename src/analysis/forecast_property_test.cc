// Properties of the forecast over random small models, against a plain
// replay of each trajectory written from the documented rules (forecast.h,
// docs/analysis.md): one trajectory at a time, one day at a time, with
// std::min / std::max instead of the run's tiles, chunks, lanes, bit tricks
// and threads. The run must equal the replay exactly; restocked stocks stay
// below max(initial, normal) plus the airlift so far; more airlift never
// lowers a percentile; fitted rows sum to 1 and an unseen state's row is
// the prior's.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "analysis/forecast.h"
#include "analysis/forecast_testing.h"

namespace lifeline::analysis {
namespace {

// A random model, built directly (FitForecast is tested apart).
ForecastModel GenModel() {
  ForecastModel m;
  m.start = 19723;  // 2024-01-01
  m.horizon = *rc::gen::inRange(1, 31);
  m.trajectories = *rc::gen::inRange(1, 200);
  m.seed = *rc::gen::arbitrary<uint64_t>();
  m.initial_state = *rc::gen::inRange(0, 3);
  m.reopen_offset = *rc::gen::element(-1, -1, 0, *rc::gen::inRange(0, m.horizon));
  m.transition_given = *rc::gen::arbitrary<bool>();
  if (m.transition_given) {
    for (auto& row : m.transition) {
      // Rows with zeros and ones, as scenarios give them.
      int a = *rc::gen::inRange(0, 5), b = *rc::gen::inRange(0, 5 - a);
      row = {a / 4.0, b / 4.0, (4 - a - b) / 4.0};
    }
  } else {
    m.route_prior = *rc::gen::element(0.05, 0.5, 1.0, 3.0);
    for (size_t i = 0; i < kForecastStates; ++i) {
      double sum = 0;
      for (size_t j = 0; j < kForecastStates; ++j) sum += m.transition_counts[i][j] = *rc::gen::inRange(0, 30);
      for (size_t j = 0; j < kForecastStates; ++j) {
        m.transition[i][j] = (m.transition_counts[i][j] + m.route_prior) / (sum + 3 * m.route_prior);
      }
    }
  }
  m.population.assign(static_cast<size_t>(m.horizon), 1);
  const int nc = *rc::gen::inRange(1, 4);
  for (int c = 0; c < nc; ++c) {
    ForecastCommodityModel mc;
    mc.name = "c" + std::to_string(c);
    mc.unit = mc.display_unit = "kg";
    mc.initial_stock = *rc::gen::inRange(0, 2000);
    if (*rc::gen::arbitrary<bool>()) mc.threshold = *rc::gen::inRange(0, 1500);
    for (int d = 0; d < m.horizon; ++d) {
      mc.consumption.push_back(*rc::gen::inRange(0, 200) * 0.5);
      mc.airlift.push_back(*rc::gen::inRange(0, 4) == 0 ? *rc::gen::inRange(0, 100) * 1.25 : 0.0);
    }
    for (size_t s = 0; s < 2; ++s) {
      if (*rc::gen::inRange(0, 3) == 0) {
        double lo = *rc::gen::inRange(0, 300) * 0.7;
        mc.inflow_range[s] = ScenarioRange{lo, lo + *rc::gen::inRange(0, 300) * 0.3};
      } else {
        const int size = *rc::gen::inRange(0, 12);
        for (int k = 0; k < size; ++k) mc.inflow_pool[s].push_back(*rc::gen::inRange(0, 400) * 0.9);
      }
    }
    if (*rc::gen::arbitrary<bool>()) {
      mc.normal_stock = *rc::gen::inRange(0, 3000);
      mc.restock_days = *rc::gen::element(1.0, 2.0, 7.5, 30.0);
    }
    m.commodities.push_back(mc);
  }
  return m;
}

// Trajectory t's stocks, [commodity][day], and the day each falls below its
// threshold (horizon + 1: never): the documented draws and rule, plainly.
struct Replay {
  std::vector<std::vector<double>> stock;
  std::vector<int32_t> crossed;
};

Replay ReplayTrajectory(const ForecastModel& m, uint64_t t) {
  const size_t nc = m.commodities.size();
  Replay r;
  r.stock.assign(nc, {});
  r.crossed.assign(nc, m.horizon + 1);
  std::vector<double> s(nc);
  for (size_t c = 0; c < nc; ++c) {
    const auto& mc = m.commodities[c];
    s[c] = mc.initial_stock;
    if (mc.initial_stock < mc.threshold.value_or(0.0) || mc.initial_stock <= 0) r.crossed[c] = 0;
  }
  TrajectoryStart ts = StartTrajectory(m, t);
  int state = m.initial_state;
  for (int32_t d = 0; d < m.horizon; ++d) {
    const uint32_t u = static_cast<uint32_t>(ForecastNext(ts.route_days) >> 33);
    const int next = u < ts.to_open[static_cast<size_t>(state)] ? 0 : u < ts.to_restricted[static_cast<size_t>(state)] ? 1 : 2;
    state = m.reopen_offset >= 0 && d >= m.reopen_offset ? 0 : next;
    uint32_t spare = 0;
    for (size_t c = 0; c < nc; ++c) {
      const auto& mc = m.commodities[c];
      uint32_t x = spare;
      if (c % 2 == 0) {
        const uint64_t draw = ForecastNext(ts.inflow_days);
        x = static_cast<uint32_t>(draw >> 32);
        spare = static_cast<uint32_t>(draw);
      }
      double capacity = 0;
      if (state < 2) {
        const size_t st = static_cast<size_t>(state);
        const auto& pool = mc.inflow_pool[st];
        if (mc.inflow_range[st]) {
          capacity = TrajectoryRangeValue(ts, m, c, st);
        } else if (!pool.empty()) {
          capacity = pool[TrajectoryPoolIndex(ts, c, st, x, static_cast<uint32_t>(pool.size()))];
        }
      }
      const double l = s[c] + (mc.airlift[static_cast<size_t>(d)] - mc.consumption[static_cast<size_t>(d)]);
      const double u_cap = l + capacity;
      double v = std::max(0.0, u_cap);
      if (mc.normal_stock) {
        const double rate = 1.0 / mc.restock_days;
        const double target = (1.0 - rate) * s[c] + rate * *mc.normal_stock;
        v = std::min(std::max(target, std::max(0.0, l)), std::max(0.0, u_cap));
      }
      s[c] = v;
      r.stock[c].push_back(v);
      if (r.crossed[c] == m.horizon + 1 && (v < mc.threshold.value_or(0.0) || v <= 0)) r.crossed[c] = d + 1;
    }
  }
  return r;
}

RC_GTEST_PROP(ForecastPropertyTest, RunEqualsThePlainReplay, ()) {
  const ForecastModel m = GenModel();
  const int threads = *rc::gen::inRange(1, 5);
  auto run = RunForecast(m, {.threads = threads});
  RC_ASSERT(run.ok());
  const size_t n = static_cast<size_t>(m.trajectories);
  std::vector<Replay> replays;
  for (size_t t = 0; t < n; ++t) replays.push_back(ReplayTrajectory(m, t));
  for (size_t c = 0; c < m.commodities.size(); ++c) {
    const CommodityForecast& f = (*run)[c];
    for (size_t d = 0; d < static_cast<size_t>(m.horizon); ++d) {
      std::vector<float> row;
      for (const Replay& r : replays) row.push_back(static_cast<float>(r.stock[c][d]));
      RC_ASSERT(f.stock[d] == SortedPercentiles(row));
    }
    // Days to the threshold: the inverted CDF of the crossing days.
    std::vector<int32_t> days;
    for (const Replay& r : replays) days.push_back(r.crossed[c]);
    std::sort(days.begin(), days.end());
    for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
      double want = std::ceil(kForecastPercentiles[p] / 100.0 * static_cast<double>(n) - 1e-9);
      size_t k = want < 1 ? 0 : static_cast<size_t>(want) - 1;
      std::optional<int32_t> expected;
      if (days[k] <= m.horizon) expected = days[k];
      RC_ASSERT(f.days_to_threshold[p] == expected);
    }
    const auto never = std::count(days.begin(), days.end(), m.horizon + 1);
    RC_ASSERT(f.never_fraction == static_cast<double>(never) / static_cast<double>(n));
  }
}

RC_GTEST_PROP(ForecastPropertyTest, RestockedStocksStayBelowNormalPlusAirlift, ()) {
  ForecastModel m = GenModel();
  for (auto& c : m.commodities) {
    if (!c.normal_stock) c.normal_stock = *rc::gen::inRange(0, 3000);
  }
  for (uint64_t t = 0; t < static_cast<uint64_t>(m.trajectories); ++t) {
    Replay r = ReplayTrajectory(m, t);
    for (size_t c = 0; c < m.commodities.size(); ++c) {
      const auto& mc = m.commodities[c];
      double bound = std::max(mc.initial_stock, *mc.normal_stock);
      for (size_t d = 0; d < r.stock[c].size(); ++d) {
        bound += mc.airlift[d];
        RC_ASSERT(r.stock[c][d] <= bound * (1 + 1e-12));
      }
    }
  }
}

RC_GTEST_PROP(ForecastPropertyTest, MoreAirliftNeverLowersAPercentile, ()) {
  const ForecastModel lo = GenModel();
  ForecastModel hi = lo;
  for (auto& c : hi.commodities) {
    for (double& a : c.airlift) a += *rc::gen::inRange(0, 3) == 0 ? *rc::gen::inRange(0, 200) * 0.5 : 0.0;
  }
  auto a = RunForecast(lo, {.threads = 2, .drivers = false});
  auto b = RunForecast(hi, {.threads = 3, .drivers = false});
  RC_ASSERT(a.ok() && b.ok());
  for (size_t c = 0; c < lo.commodities.size(); ++c) {
    for (size_t d = 0; d < (*a)[c].stock.size(); ++d) {
      for (size_t p = 0; p < kForecastPercentiles.size(); ++p) RC_ASSERT((*a)[c].stock[d][p] <= (*b)[c].stock[d][p]);
    }
    for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
      const auto& x = (*a)[c].days_to_threshold[p];
      const auto& y = (*b)[c].days_to_threshold[p];
      RC_ASSERT(!y || (x && *x <= *y));
    }
    RC_ASSERT((*a)[c].never_fraction <= (*b)[c].never_fraction);
  }
}

RC_GTEST_PROP(ForecastPropertyTest, FittedRowsSumToOneAndUnseenRowsAreThePrior, ()) {
  // A random history of one route: statuses on random days (some days with
  // none in force), fitted with a random prior.
  Dataset ds;
  ds.case_id = "c";
  ds.case_record = ds.ids.Intern("c");
  const int32_t from = 19358;  // 2023-01-01
  const int days = *rc::gen::inRange(2, 60);
  ds.started = from;
  ds.population.push_back({from, 100});
  const RouteState states[] = {RouteState::kOpen, RouteState::kRestricted, RouteState::kClosed};
  for (int d = 0; d < days; ++d) {
    if (d > 0 && *rc::gen::inRange(0, 3) != 0) continue;  // the previous status stays in force
    RouteState st = states[*rc::gen::inRange(0, 3)];
    ds.AppendRouteStatus("rs-" + std::to_string(d), "road", int64_t{from + d} * 86400, kForever, st, 0);
  }
  ds.AppendStock("st", "flour", from + days - 1, 100, "kg");
  ds.Finalize();
  Scenario sc;
  sc.name = "p.toml";
  sc.start = from + days;
  sc.horizon_days = 5;
  sc.trajectories = 10;
  sc.route_prior = *rc::gen::element(0.01, 0.5, 1.0, 7.0);
  ScenarioCommodity c;
  c.name = "flour";
  c.unit = "kg";
  c.per_person = 0.1;
  sc.commodities.push_back(c);
  auto m = FitForecast(ds, sc);
  RC_ASSERT(m.ok());
  int64_t total = 0;
  for (size_t i = 0; i < kForecastStates; ++i) {
    int64_t row = 0;
    double sum = 0;
    for (size_t j = 0; j < kForecastStates; ++j) {
      row += m->transition_counts[i][j];
      sum += m->transition[i][j];
    }
    total += row;
    RC_ASSERT(std::fabs(sum - 1) < 1e-12);
    if (row == 0) {
      for (double p : m->transition[i]) RC_ASSERT(std::fabs(p - 1.0 / 3) < 1e-15);
    }
  }
  RC_ASSERT(total == days - 1);  // one status always in force from day 0
  // Every trajectory's drawn rows are distributions too, none absorbing
  // unless the data say so overwhelmingly.
  for (uint64_t t = 0; t < 10; ++t) {
    TrajectoryStart ts = StartTrajectory(*m, t);
    for (size_t i = 0; i < kForecastStates; ++i) RC_ASSERT(ts.to_open[i] <= ts.to_restricted[i]);
    RC_ASSERT(ts.to_restricted[0] <= (uint32_t{1} << 31));
  }
}

}  // namespace
}  // namespace lifeline::analysis
