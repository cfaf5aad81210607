// The forecast: scenario parsing (errors name their line), cases with a
// closed-form or hand-computed answer (restocking among them), the fitted
// process's prior and per-trajectory draws, what drives the bands,
// reproducibility from the seed whatever the thread count, and properties
// (stocks never negative, percentiles ordered, more airlift never lowers a
// percentile). forecast_property_test.cc checks the run against a plain
// replay of each trajectory; the bundled Lachin scenario is run in
// lachin_test.cc.
#include "analysis/forecast.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <optional>

#include "analysis/analysis_testing.h"
#include "analysis/format.h"
#include "analysis/forecast_testing.h"
#include "base/status_testing.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

// A case whose only route is open from `from` on, with one delivery of
// `inflow` kg of flour on every day from `from` to `to`, a population of
// `population`, a need standard of `per_person` kg, and a stock record.
Dataset OpenRouteCase(int32_t from, int32_t to, double inflow, int64_t population, double per_person,
                      double stock) {
  Dataset ds;
  ds.case_id = "c";
  ds.case_record = ds.ids.Intern("c");
  ds.started = from;
  ds.population.push_back({from, population});
  ds.AppendRouteStatus("rs-open", "road", int64_t{from} * 86400, kForever, RouteState::kOpen, 0);
  for (int32_t d = from; d <= to; ++d) {
    int32_t row = ds.AppendMovement("mv-" + std::to_string(d), d, "road", "convoy", Direction::kIn,
                                    Outcome::kCompleted, 1, 0, 0);
    ds.AppendCargo(row, "flour", inflow, "kg");
  }
  NeedStandard ns;
  ns.commodity = ds.commodities.Intern("flour");
  ns.quantity = per_person;
  ns.unit = ds.units.Intern("kg");
  ns.record = ds.ids.Intern("ns-flour");
  ds.needs.push_back(ns);
  ds.AppendStock("st-flour", "flour", to, stock, "kg");
  ds.Finalize();
  return ds;
}

Scenario FlourScenario(int32_t start, int32_t horizon, double threshold) {
  Scenario sc;
  sc.name = "test.toml";
  sc.start = start;
  sc.horizon_days = horizon;
  sc.trajectories = 500;
  sc.seed = 7;
  ScenarioCommodity c;
  c.name = "flour";
  c.unit = "kg";
  c.threshold = threshold;
  sc.commodities.push_back(c);
  return sc;
}

TEST(ForecastTest, ClosedFormWhenInflowAndConsumptionAreFixed) {
  // Route open every day, 30 kg in every day, 50 persons x 1 kg out:
  // stock(d) = 1000 + d * (30 - 50) = 1000 - 20 d, clipped at 0 from day 50.
  // Below 500 first at the end of day 26 (1000 - 520 = 480 < 500).
  const int32_t from = D("2023-01-01"), to = D("2023-03-31");
  Dataset ds = OpenRouteCase(from, to, 30, 50, 1.0, 1000);
  Scenario sc = FlourScenario(to + 1, 60, 500);
  // The fitted process may leave open (the prior gives open -> closed a
  // posterior mean of 0.5 / 90.5 a day): pin the route open for the
  // closed form.
  sc.reopen = sc.start;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  EXPECT_EQ(m->initial_state, 0);  // open
  EXPECT_EQ(m->transition_counts[0][0], to - from);  // every consecutive pair open -> open: 89
  // Posterior mean with the default prior of 0.5 per cell: (89 + 0.5) /
  // (89 + 1.5) to stay open, 0.5 / 90.5 to each other state; the unseen
  // rows are the prior's, 1/3 each.
  EXPECT_DOUBLE_EQ(m->route_prior, 0.5);
  EXPECT_DOUBLE_EQ(m->transition[0][0], 89.5 / 90.5);
  EXPECT_DOUBLE_EQ(m->transition[0][2], 0.5 / 90.5);
  EXPECT_DOUBLE_EQ(m->transition[2][2], 1.0 / 3);
  ASSERT_EQ(m->commodities.size(), 1u);
  EXPECT_EQ(m->commodities[0].initial_source, "stock record st-flour (2023-03-31)");
  EXPECT_EQ(m->commodities[0].per_person_source, "need_standard ns-flour");
  EXPECT_EQ(m->commodities[0].inflow_pool[0].size(), static_cast<size_t>(to - from + 1));
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_OK(run);
  const CommodityForecast& f = (*run)[0];
  ASSERT_EQ(f.stock.size(), 60u);
  for (int d = 1; d <= 60; ++d) {
    double expected = std::max(0.0, 1000.0 + d * (30.0 - 50.0));
    for (double p : f.stock[static_cast<size_t>(d - 1)]) EXPECT_DOUBLE_EQ(p, expected) << "day " << d;
  }
  for (const auto& d : f.days_to_threshold) EXPECT_EQ(d, 26);
  EXPECT_EQ(f.never_fraction, 0.0);
}

TEST(ForecastTest, ClosedFormWithRationingPopulationChangeAndAirlift) {
  // From day 11 the population halves to 25 and an airlift brings 5 kg/day
  // from day 21; rationing 0.8 throughout. out = 40 (days 1..10), then 20:
  // stock(10) = 1000 + 10 * (30 - 40) = 900, then +10/day to day 20 (1000),
  // then +15/day.
  const int32_t from = D("2023-01-01"), to = D("2023-03-31");
  Dataset ds = OpenRouteCase(from, to, 30, 50, 1.0, 1000);
  Scenario sc = FlourScenario(to + 1, 30, 950);
  sc.reopen = sc.start;  // open throughout, as above
  sc.rationing = 0.8;
  sc.population_changes.push_back({to + 11, 25});
  sc.airlifts.push_back({"flour", to + 21, kNoDay, 5.0});
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m, {.threads = 1});
  ASSERT_OK(run);
  double s = 1000;
  for (int d = 1; d <= 30; ++d) {
    s += 30 + (d >= 21 ? 5 : 0) - (d <= 10 ? 40 : 20);
    for (double p : (*run)[0].stock[static_cast<size_t>(d - 1)]) EXPECT_DOUBLE_EQ(p, s) << "day " << d;
  }
  // Below 950 first on day 6 (1000 - 60 = 940).
  for (const auto& d : (*run)[0].days_to_threshold) EXPECT_EQ(d, 6);
}

TEST(ForecastTest, NeverBelowThresholdWhenStocksGrow) {
  const int32_t from = D("2023-01-01"), to = D("2023-01-31");
  Dataset ds = OpenRouteCase(from, to, 80, 50, 1.0, 1000);
  Scenario sc = FlourScenario(to + 1, 30, 500);
  sc.reopen = sc.start;  // open throughout: +30 kg a day
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m);
  ASSERT_OK(run);
  for (const auto& d : (*run)[0].days_to_threshold) EXPECT_FALSE(d.has_value());
  EXPECT_EQ((*run)[0].never_fraction, 1.0);
}

TEST(ForecastTest, InitialStockBelowThresholdIsDayZero) {
  const int32_t from = D("2023-01-01"), to = D("2023-01-31");
  Dataset ds = OpenRouteCase(from, to, 80, 50, 1.0, 100);
  auto m = FitForecast(ds, FlourScenario(to + 1, 10, 500));
  ASSERT_OK(m);
  auto run = RunForecast(*m);
  ASSERT_OK(run);
  for (const auto& d : (*run)[0].days_to_threshold) EXPECT_EQ(d, 0);
}

// A case with a mixed history: the route alternates between open,
// restricted and closed, and deliveries vary, so trajectories differ.
Dataset MixedCase() {
  Dataset ds;
  ds.case_id = "c";
  ds.case_record = ds.ids.Intern("c");
  const int32_t from = D("2023-01-01");
  ds.started = from;
  ds.population.push_back({from, 1000});
  const RouteState pattern[] = {RouteState::kOpen,   RouteState::kOpen,       RouteState::kRestricted,
                                RouteState::kClosed, RouteState::kRestricted, RouteState::kOpen,
                                RouteState::kClosed, RouteState::kClosed,     RouteState::kOpen};
  for (int32_t d = 0; d < 90; ++d) {
    RouteState st = pattern[(d * 7 + d / 5) % 9];
    ds.AppendRouteStatus("rs-" + std::to_string(d), "road", int64_t{from + d} * 86400, kForever, st,
                         st == RouteState::kRestricted ? uint32_t{kCargo} : uint32_t{0});
    if (st != RouteState::kClosed && d % 3 != 0) {
      int32_t row = ds.AppendMovement("mv-" + std::to_string(d), from + d, "road", "convoy", Direction::kIn,
                                      Outcome::kCompleted, 1, 0, 0);
      ds.AppendCargo(row, "flour", 500.0 + 97.0 * (d % 11), "kg");
      ds.AppendCargo(row, "water", 3000.0 + 311.0 * (d % 7), "l");
    }
  }
  ds.AppendStock("st-flour", "flour", from + 89, 20000, "kg");
  ds.AppendStock("st-water", "water", from + 89, 50000, "l");
  ds.Finalize();
  return ds;
}

ScenarioCommodity Commodity(const char* name, const char* unit, double per_person, double threshold) {
  ScenarioCommodity c;
  c.name = name;
  c.unit = unit;
  c.per_person = per_person;
  c.threshold = threshold;
  return c;
}

const CheckpointRef kCheckpoint{7, "cm9vdA=="};

Scenario MixedScenario() {
  Scenario sc;
  sc.name = "mixed.toml";
  sc.start = D("2023-04-01");
  sc.horizon_days = 120;
  sc.trajectories = 3001;  // not a multiple of the tile size
  sc.seed = 12345;
  sc.commodities = {Commodity("flour", "kg", 0.5, 5000), Commodity("water", "l", 4.0, 10000)};
  return sc;
}

TEST(ForecastTest, SameSeedSameOutputWhateverTheThreads) {
  Dataset ds = MixedCase();
  auto m = FitForecast(ds, MixedScenario());
  ASSERT_OK(m);
  auto one = RunForecast(*m, {.threads = 1});
  auto again = RunForecast(*m, {.threads = 1});
  auto two = RunForecast(*m, {.threads = 2});
  auto five = RunForecast(*m, {.threads = 5});
  ASSERT_TRUE(one.ok() && again.ok() && two.ok() && five.ok());
  Forecast f1{"c", kCheckpoint, "mixed.toml", *m, *one};
  const std::string dump = ForecastJson(f1).dump();
  for (const auto* r : {&*again, &*two, &*five}) {
    Forecast f{"c", kCheckpoint, "mixed.toml", *m, *r};
    EXPECT_EQ(ForecastJson(f).dump(), dump);
  }
  // The output is not constant: the trajectories differ, and another seed
  // gives other percentiles.
  const auto& day60 = (*one)[0].stock[59];
  EXPECT_LT(day60[0], day60[4]);
  ForecastModel other = *m;
  other.seed = 54321;
  auto o = RunForecast(other, {.threads = 2});
  ASSERT_OK(o);
  Forecast fo{"c", kCheckpoint, "mixed.toml", other, *o};
  EXPECT_NE(ForecastJson(fo)["commodities"].dump(), ForecastJson(f1)["commodities"].dump());
}

TEST(ForecastTest, StocksNeverNegativeAndPercentilesOrdered) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities[0].per_person = 5.0;  // consumption far above inflows: stocks hit 0
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m);
  ASSERT_OK(run);
  bool hit_zero = false;
  for (const auto& c : *run) {
    for (const auto& p : c.stock) {
      EXPECT_GE(p[0], 0.0);
      for (size_t i = 1; i < p.size(); ++i) EXPECT_LE(p[i - 1], p[i]);
      hit_zero |= p[4] == 0.0;
    }
    for (size_t i = 1; i < c.days_to_threshold.size(); ++i) {
      if (c.days_to_threshold[i]) {
        ASSERT_TRUE(c.days_to_threshold[i - 1].has_value());
        EXPECT_LE(*c.days_to_threshold[i - 1], *c.days_to_threshold[i]);
      }
    }
  }
  EXPECT_TRUE(hit_zero);
}

// Days to threshold with "never" as infinity, for comparisons.
int64_t DaysOrInf(const std::optional<int32_t>& d) { return d ? *d : std::numeric_limits<int64_t>::max(); }

TEST(ForecastTest, MoreAirliftNeverLowersAPercentile) {
  // With and without restocking (docs/analysis.md proves the day's update
  // non-decreasing in yesterday's stock and in the airlift, in floating
  // point too).
  Dataset ds = MixedCase();
  for (uint64_t seed : {1u, 2u, 3u, 99u}) {
    std::vector<std::vector<CommodityForecast>> runs;
    for (double air : {0.0, 50.0, 200.0, 1000.0}) {
      Scenario sc = MixedScenario();
      sc.seed = seed;
      sc.trajectories = 400;
      if (seed >= 3) sc.commodities[0].normal_stock = 25000;  // restocking on for seeds 3 and 99
      if (air > 0) sc.airlifts.push_back({"flour", sc.start + 10, kNoDay, air});
      auto m = FitForecast(ds, sc);
      ASSERT_OK(m);
      auto run = RunForecast(*m, {.threads = 2});
      ASSERT_OK(run);
      runs.push_back(std::move(*run));
    }
    for (size_t k = 1; k < runs.size(); ++k) {
      const auto& lo = runs[k - 1][0];
      const auto& hi = runs[k][0];
      for (size_t d = 0; d < lo.stock.size(); ++d) {
        for (size_t p = 0; p < lo.stock[d].size(); ++p) {
          ASSERT_LE(lo.stock[d][p], hi.stock[d][p]) << "seed " << seed << " day " << d << " p" << p;
        }
      }
      for (size_t p = 0; p < lo.days_to_threshold.size(); ++p) {
        EXPECT_LE(DaysOrInf(lo.days_to_threshold[p]), DaysOrInf(hi.days_to_threshold[p]));
      }
      EXPECT_LE(lo.never_fraction, hi.never_fraction);
      // Water has no airlift: identical.
      EXPECT_EQ(runs[k - 1][1].stock, runs[k][1].stock);
    }
    // 1000 kg/day more than covers 1000 persons x 0.5 kg: strictly higher
    // at the end.
    EXPECT_GT(runs.back()[0].stock.back()[2], runs.front()[0].stock.back()[2]);
  }
}

TEST(ForecastTest, ReopenForcesTheRouteOpen) {
  // A route that is always closed, given: nothing arrives; reopened on day
  // 11, open-day inflows of 100/day arrive from then on, in every trajectory.
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities.resize(1);
  sc.commodities[0].inflow_open = ScenarioRange{100.0, 100.0};
  sc.commodities[0].per_person = 0.05;  // 50 kg/day
  sc.transition = TransitionMatrix{{{0, 0, 1}, {0, 0, 1}, {0, 0, 1}}};
  sc.reopen = sc.start + 10;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m);
  ASSERT_OK(run);
  const auto& st = (*run)[0].stock;
  for (double p : st[9]) EXPECT_DOUBLE_EQ(p, 20000 - 10 * 50);
  for (double p : st[19]) EXPECT_DOUBLE_EQ(p, 20000 - 10 * 50 + 10 * 50);
}

TEST(ForecastTest, MissingStockRecordAsksTheScenario) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.start = D("2023-03-01");  // before the stock records
  auto m = FitForecast(ds, sc);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(m.status().message().find("no stock record of \"flour\""), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("initial_stock"), std::string::npos);
  sc.commodities[0].initial_stock = 1000;
  sc.commodities[1].initial_stock = 1000;
  EXPECT_TRUE(FitForecast(ds, sc).ok());
}

TEST(ForecastTest, TooLargeARunIsAResourceError) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.trajectories = kMaxTrajectories;
  sc.horizon_days = 365;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m);
  EXPECT_EQ(run.status().code(), ErrorCode::kResourceExhausted);
}

TEST(ForecastTest, StockPercentilesEqualSortingAndInterpolating) {
  // Rows shaped like the forecast's: spread values, piles of exact zeros
  // (clipped stocks), heavy ties, negatives and -0.0, a few huge outliers,
  // tiny rows.
  uint64_t x = 99;
  auto next = [&] {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (z ^ (z >> 31)) >> 11;
  };
  for (size_t n : {1u, 2u, 3u, 7u, 100u, 1001u, 100000u}) {
    for (int shape = 0; shape < 5; ++shape) {
      std::vector<float> v(n);
      for (auto& e : v) {
        double u = static_cast<double>(next()) * 0x1.0p-53;
        switch (shape) {
          case 0: e = static_cast<float>(u * 1e6); break;
          case 1: e = u < 0.6 ? 0.0f : static_cast<float>(u * 5000); break;
          case 2: e = static_cast<float>(std::floor(u * 4)); break;
          case 3: e = u < 0.1 ? -0.0f : static_cast<float>((u - 0.5) * 2000); break;  // negatives too
          default: e = u < 0.999 ? static_cast<float>(u) : static_cast<float>(1e30 * u); break;
        }
      }
      PercentileValues got = StockPercentiles(v.data(), v.size());
      PercentileValues want = SortedPercentiles(v);
      for (size_t p = 0; p < got.size(); ++p) {
        EXPECT_DOUBLE_EQ(got[p], want[p]) << "n " << n << " shape " << shape << " p" << kForecastPercentiles[p];
      }
    }
  }
}

// A model built by hand: one commodity of `initial` kg eaten at `eat` kg a
// day, the route forced open from day 0 (the route process plays no part),
// no inflow until the test sets one.
ForecastModel HandModel(int32_t horizon, double initial, double eat) {
  ForecastModel m;
  m.start = D("2024-01-01");
  m.horizon = horizon;
  m.trajectories = 3;
  m.seed = 5;
  m.transition = TransitionMatrix{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  m.transition_given = true;
  m.reopen_offset = 0;
  m.population.assign(static_cast<size_t>(horizon), 10);
  ForecastCommodityModel c;
  c.name = "flour";
  c.unit = c.display_unit = "kg";
  c.initial_stock = initial;
  c.consumption.assign(static_cast<size_t>(horizon), eat);
  c.airlift.assign(static_cast<size_t>(horizon), 0.0);
  m.commodities.push_back(c);
  return m;
}

TEST(ForecastTest, RestockingByHand) {
  // Normal stock N = 50 restocked over 4 days (r = 1/4), consumption C = 10
  // a day, the road open with capacity K, airlift A. The rule: road inflow
  // = min(K, max(0, C - A + r (N - S))), S' = S + A - C + inflow. By hand:
  //  a) S0 = 20, K = 100: day 1 inflow 10 + 30/4 = 17.5, S1 = 27.5; day 2
  //     inflow 10 + 22.5/4 = 15.625, S2 = 33.125.
  //  b) S0 = 20, K = 15: day 1 wants 17.5, gets 15, S1 = 25; day 2 wants
  //     10 + 25/4 = 16.25, gets 15, S2 = 30.
  //  c) S0 = 80, K = 100, above normal: day 1 inflow 10 - 30/4 = 2.5,
  //     S1 = 72.5; day 2 inflow 10 - 22.5/4 = 4.375, S2 = 66.875.
  //  d) S0 = 80, K = 100, A = 30: the airlift alone exceeds the demand
  //     (10 - 30 - 7.5 < 0): no road inflow, S1 = 100, S2 = 120.
  //  e) no normal stock, S0 = 20, K = 100: not demand-limited, S1 = 110,
  //     S2 = 200.
  struct Case {
    double s0, k, a;
    std::optional<double> normal;
    double s1, s2;
  };
  const Case cases[] = {{20, 100, 0, 50, 27.5, 33.125},
                        {20, 15, 0, 50, 25, 30},
                        {80, 100, 0, 50, 72.5, 66.875},
                        {80, 100, 30, 50, 100, 120},
                        {20, 100, 0, std::nullopt, 110, 200}};
  for (const Case& c : cases) {
    ForecastModel m = HandModel(2, c.s0, 10);
    ForecastCommodityModel& mc = m.commodities[0];
    mc.inflow_range[0] = ScenarioRange{c.k, c.k};
    mc.normal_stock = c.normal;
    mc.restock_days = 4;
    mc.airlift.assign(2, c.a);
    auto run = RunForecast(m, {.threads = 1});
    ASSERT_OK(run);
    for (double p : (*run)[0].stock[0]) EXPECT_EQ(p, c.s1) << "S0 " << c.s0 << " K " << c.k << " A " << c.a;
    for (double p : (*run)[0].stock[1]) EXPECT_EQ(p, c.s2) << "S0 " << c.s0 << " K " << c.k << " A " << c.a;
  }
}

TEST(ForecastTest, RestockedStocksSettleAtTheNormalLevel) {
  // Reopened on day 11 with a capacity of 5,000 kg a day; consumption 500,
  // normal stock 30,000 restocked over 10 days. From day 11 the demand
  // 500 + (30,000 - S) / 10 is below the capacity (S >= 0), so S' = 0.9 S +
  // 3,000 exactly: S(d) = 30,000 + (S(10) - 30,000) 0.9^(d - 10). On day
  // 120, 0.9^110 < 1e-5: every percentile within 0.3 kg of 30,000.
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities.resize(1);
  sc.commodities[0].inflow_open = ScenarioRange{5000, 5000};
  sc.commodities[0].normal_stock = 30000;
  sc.commodities[0].restock_days = 10;
  sc.reopen = sc.start + 10;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_OK(run);
  for (double p : (*run)[0].stock.back()) EXPECT_NEAR(p, 30000, 0.3);
  EXPECT_NE(std::find(m->assumption_keys.begin(), m->assumption_keys.end(), "forecast.restock"),
            m->assumption_keys.end());
  // Without the normal stock the same inflows pile up: +4,500 a day for
  // 110 days after the reopening, and the output says so.
  sc.commodities[0].normal_stock.reset();
  sc.commodities[0].restock_days.reset();
  auto unlimited = FitForecast(ds, sc);
  ASSERT_OK(unlimited);
  auto run2 = RunForecast(*unlimited, {.threads = 2});
  ASSERT_OK(run2);
  EXPECT_GE((*run2)[0].stock.back()[0], 110 * 4500.0);
  EXPECT_NE(std::find(unlimited->assumption_keys.begin(), unlimited->assumption_keys.end(), "forecast.inflow.piles_up"),
            unlimited->assumption_keys.end());
}

TEST(ForecastTest, AStateNeverSeenIsNotAbsorbing) {
  // History open every day: restricted and closed are never seen followed
  // by a known day, so their rows are the prior's, Dirichlet(0.5, 0.5,
  // 0.5): 1/3 each on average, drawn afresh per trajectory, never 1.
  const int32_t from = D("2023-01-01"), to = D("2023-03-31");
  Dataset ds = OpenRouteCase(from, to, 80, 50, 1.0, 1000);
  Scenario sc = FlourScenario(to + 1, 365, 100);
  sc.trajectories = 4000;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  for (size_t i : {1u, 2u}) {
    for (size_t j = 0; j < kForecastStates; ++j) EXPECT_DOUBLE_EQ(m->transition[i][j], 1.0 / 3);
  }
  EXPECT_EQ(std::count(m->assumption_keys.begin(), m->assumption_keys.end(), "forecast.route.unseen"), 2);
  double sum = 0, open_sum = 0, open_sq = 0;
  for (uint64_t t = 0; t < 4000; ++t) {
    TrajectoryStart ts = StartTrajectory(*m, t);
    const double stay_closed = 1 - ts.to_restricted[2] * 0x1.0p-31;
    EXPECT_LT(stay_closed, 1.0) << "trajectory " << t;
    sum += stay_closed;
    const double stay_open = ts.to_open[0] * 0x1.0p-31;
    open_sum += stay_open;
    open_sq += stay_open * stay_open;
  }
  // Beta(0.5, 1): mean 1/3, sd 0.30, so the mean of 4,000 is 1/3 +- 0.005.
  EXPECT_NEAR(sum / 4000, 1.0 / 3, 0.02);
  // Staying open: Beta(89.5, 1) from Dirichlet(89.5, 0.5, 0.5), mean
  // 89.5 / 90.5, variance 89.5 x 1 / (90.5^2 x 91.5) = 1.194e-4.
  const double mean = open_sum / 4000, var = open_sq / 4000 - mean * mean;
  EXPECT_NEAR(mean, 89.5 / 90.5, 7e-4);
  EXPECT_NEAR(var, 89.5 / (90.5 * 90.5 * 91.5), 0.15 * 1.194e-4);
  // Most trajectories leave open within the year (on average 1 - 89.5 /
  // 454.5 = 80 % do) and come back: had closed been absorbing, the
  // median trajectory would end exhausted.
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_OK(run);
  EXPECT_GT((*run)[0].stock.back()[2], 1000);
}

TEST(ForecastTest, EachTrajectoryDrawsFromItsOwnBootstrapResample) {
  // Forced open, nothing eaten, capacities drawn from a pool of the 50
  // values 0..49 (variance (50^2 - 1) / 12 = 208.25): the stock on day 400
  // is the sum of 400 draws. From its own resample, a trajectory's sum has
  // variance 400 x 208.25 x 49/50 (days) + 400^2 x 208.25 / 50 (its
  // resample's mean) = 748,034, so p95 - p5 = 3.29 x 865 = 2,845 (the
  // resample's mean is nearly normal); independent draws alone would give
  // 3.29 x 289 = 950.
  ForecastModel m = HandModel(400, 0, 0);
  m.trajectories = 4000;
  for (int v = 0; v < 50; ++v) m.commodities[0].inflow_pool[0].push_back(v);
  auto run = RunForecast(m, {.threads = 2});
  ASSERT_OK(run);
  const PercentileValues& last = (*run)[0].stock.back();
  EXPECT_NEAR(last[2], 400 * 24.5, 150);
  EXPECT_NEAR(last[4] - last[0], 2845, 0.15 * 2845);
}

TEST(ForecastTest, PortableLogAndExpAgreeWithLibm) {
  // Within a few units in the last place of libm's over the ranges the
  // draws use (logs of (0, 1] and of gamma variates up to 1e6; exps of
  // differences of logs, <= 0).
  uint64_t s = 3;
  for (int i = 0; i < 20000; ++i) {
    const double u = (static_cast<double>(ForecastNext(s) >> 11) + 0.5) * 0x1.0p-53;
    const double x = i % 2 ? u : std::ldexp(u, static_cast<int>(ForecastNext(s) % 40) - 20) * 1e6;
    EXPECT_NEAR(ForecastLog(x), std::log(x), 4e-16 * std::max(1.0, std::fabs(std::log(x)))) << x;
    const double y = -u * 700;
    EXPECT_NEAR(ForecastExp(y), std::exp(y), 4e-16 * std::exp(y)) << y;
  }
  EXPECT_EQ(ForecastExp(0), 1.0);
  EXPECT_EQ(ForecastLog(1), 0.0);
  EXPECT_EQ(ForecastExp(-800), 0.0);
}

TEST(ForecastTest, FirstOrderShareOfASum) {
  // Y = A + B and Y' = A + B' with A, B, B' independent, Var A = 1, Var B =
  // 3: the share of A is 1/4.
  uint64_t s = 17;
  auto normal = [&] {
    double u = (static_cast<double>(ForecastNext(s) >> 11) + 0.5) * 0x1.0p-53;
    double v = (static_cast<double>(ForecastNext(s) >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * v);
  };
  const size_t n = 20000;
  std::vector<float> y(n), z(n), w(n);
  for (size_t i = 0; i < n; ++i) {
    double a = normal();
    y[i] = static_cast<float>(a + std::sqrt(3.0) * normal());
    z[i] = static_cast<float>(a + std::sqrt(3.0) * normal());
    w[i] = static_cast<float>(normal());
  }
  EXPECT_NEAR(*FirstOrderShare(y.data(), z.data(), n), 0.25, 0.03);
  EXPECT_NEAR(*FirstOrderShare(y.data(), y.data(), n), 1.0, 1e-12);
  EXPECT_NEAR(*FirstOrderShare(y.data(), w.data(), n), 0.0, 0.03);
  std::vector<float> same(n, 7.0f);
  EXPECT_FALSE(FirstOrderShare(same.data(), same.data(), n).has_value());
}

TEST(ForecastTest, FixedInflowsLeaveTheBandsToTheRoute) {
  // Every capacity fixed: the inflows explain nothing and the route all,
  // split between its parameters and its days.
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  for (auto& c : sc.commodities) {
    c.inflow_open = ScenarioRange{900, 900};
    c.inflow_restricted = ScenarioRange{300, 300};
  }
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_OK(run);
  int with_spread = 0;
  for (const auto& c : *run) {
    EXPECT_EQ(c.drivers_trajectories, 3001);
    ASSERT_EQ(c.stock_drivers.size(), c.stock.size());
    for (const auto& b : c.stock_drivers) {
      if (!b) continue;
      ++with_spread;
      EXPECT_EQ(b->inflows, 0.0);
      EXPECT_EQ(b->interaction, 0.0);
      EXPECT_NEAR(b->route_parameters + b->route_days, 1.0, 1e-12);
      EXPECT_GT(b->route_parameters, -0.1);
      EXPECT_LT(b->route_parameters, 1.1);
    }
  }
  EXPECT_GT(with_spread, 100);
}

TEST(ForecastTest, AForcedOpenRouteLeavesTheBandsToTheInflows) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.reopen = sc.start;
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_OK(run);
  const auto& b = (*run)[0].stock_drivers[30];
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->inflows, 1.0);
  EXPECT_EQ(b->route_parameters, 0.0);
  EXPECT_EQ(b->route_days, 0.0);
}

// A hand model whose route follows `counts` (a fitted process, prior 0.5)
// and whose capacities vary: open 0..1200 a day, restricted 0..400.
ForecastModel RouteModel(int64_t scale) {
  ForecastModel m = HandModel(90, 20000, 600);
  m.reopen_offset = -1;
  m.transition_given = false;
  m.route_prior = 0.5;
  m.trajectories = 5000;
  const int64_t counts[3][3] = {{8, 1, 1}, {1, 8, 1}, {1, 1, 8}};
  for (size_t i = 0; i < 3; ++i) {
    double row = 0;
    for (size_t j = 0; j < 3; ++j) row += static_cast<double>(m.transition_counts[i][j] = counts[i][j] * scale);
    for (size_t j = 0; j < 3; ++j) m.transition[i][j] = (m.transition_counts[i][j] + 0.5) / (row + 1.5);
  }
  m.commodities[0].inflow_range[0] = ScenarioRange{0, 1200};
  m.commodities[0].inflow_range[1] = ScenarioRange{0, 400};
  return m;
}

TEST(ForecastTest, FewerObservedTransitionsMeanMoreParameterUncertainty) {
  // The same chain seen over 30 transitions or over 3,000: with 30 the
  // drawn matrices differ much from trajectory to trajectory and explain
  // much of the final stock's spread; with 3,000, little. Shares sum to 1.
  auto few = RunForecast(RouteModel(1), {.threads = 2});
  auto many = RunForecast(RouteModel(100), {.threads = 2});
  ASSERT_TRUE(few.ok() && many.ok());
  const auto& a = *(*few)[0].stock_drivers.back();
  const auto& b = *(*many)[0].stock_drivers.back();
  for (const auto* x : {&a, &b}) {
    EXPECT_NEAR(x->route_parameters + x->route_days + x->inflows + x->interaction, 1.0, 1e-12);
    EXPECT_GT(x->inflows, 0.0);
  }
  // (Measured with this seed: 0.24 and 0.01; the estimates' sampling error
  // is about 1 / sqrt(5000) = 0.014.)
  EXPECT_GT(a.route_parameters, 0.15);
  EXPECT_LT(b.route_parameters, 0.05);
  EXPECT_GT(a.route_parameters, b.route_parameters + 0.1);
}

TEST(ForecastTest, AssumptionsAreShortSentencesWithKeys) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities[0].normal_stock = 25000;
  sc.commodities[1].inflow_open = ScenarioRange{100, 200};
  sc.airlifts.push_back({"flour", sc.start + 10, kNoDay, 50});
  sc.population_changes.push_back({sc.start + 20, 900});
  auto m = FitForecast(ds, sc);
  ASSERT_OK(m);
  ASSERT_EQ(m->assumptions.size(), m->assumption_keys.size());
  for (size_t i = 0; i < m->assumptions.size(); ++i) {
    const std::string& a = m->assumptions[i];
    const std::string& k = m->assumption_keys[i];
    EXPECT_EQ(k.rfind("forecast.", 0), 0u) << k;
    EXPECT_EQ(k.find_first_not_of("abcdefghijklmnopqrstuvwxyz._"), std::string::npos) << k;
    EXPECT_EQ(a.back(), '.') << a;
    for (size_t p = a.find(". "); p != std::string::npos; p = a.find(". ", p + 1)) {
      EXPECT_FALSE(std::isupper(static_cast<unsigned char>(a[p + 2]))) << "two sentences: " << a;
    }
    EXPECT_LT(a.size(), 220u) << a;
  }
  Forecast f{"c", kCheckpoint, "mixed.toml", *m, {}};
  EXPECT_EQ(ForecastJson(f)["assumption_keys"].size(), m->assumptions.size());
}

TEST(ScenarioTest, ParsesEveryKey) {
  const char* text = R"(start = 2023-07-15
horizon_days = 90
trajectories = 2000
seed = 42
rationing = 0.75
population = 100000
history = { from = 2022-12-12, to = "2023-07-14" }

[route]
routes = ["rt-lachin-road"]
initial = "closed"
transition = [[0.9, 0.1, 0.0], [0.05, 0.9, 0.05], [0, 0.2, 0.8]]
reopen = 2023-09-01

[[commodity]]
name = "flour"
unit = "t"
initial_stock = 1200
per_person = 0.0004
threshold = 200
inflow_open = 300
rationing = 0.5

[[airlift]]
commodity = "flour"
from = 2023-08-01
until = 2023-08-31
per_day = 20
unit = "t"

[[population_change]]
date = 2023-09-25
count = 20000
)";
  auto sc = ParseScenario(text, "s.toml");
  ASSERT_OK(sc);
  EXPECT_EQ(sc->start, D("2023-07-15"));
  EXPECT_EQ(sc->horizon_days, 90);
  EXPECT_EQ(sc->trajectories, 2000);
  EXPECT_EQ(sc->seed, 42u);
  EXPECT_EQ(sc->history_to, D("2023-07-14"));
  EXPECT_EQ(sc->initial_state, RouteState::kClosed);
  ASSERT_TRUE(sc->transition.has_value());
  EXPECT_DOUBLE_EQ((*sc->transition)[2][1], 0.2);
  EXPECT_EQ(sc->reopen, D("2023-09-01"));
  ASSERT_EQ(sc->commodities.size(), 1u);
  EXPECT_EQ(sc->commodities[0].unit, "kg");  // canonical
  EXPECT_DOUBLE_EQ(*sc->commodities[0].initial_stock, 1'200'000);
  EXPECT_DOUBLE_EQ(*sc->commodities[0].per_person, 0.4);
  EXPECT_DOUBLE_EQ(*sc->commodities[0].rationing, 0.5);
  ASSERT_EQ(sc->airlifts.size(), 1u);
  EXPECT_DOUBLE_EQ(sc->airlifts[0].per_day, 20'000);
  EXPECT_EQ(sc->airlifts[0].until, D("2023-08-31"));
  ASSERT_EQ(sc->population_changes.size(), 1u);
  EXPECT_EQ(sc->population_changes[0].count, 20000);
}

TEST(ScenarioTest, ParsesRestockingRangesAndThePrior) {
  const char* text = R"([route]
prior = 1.5

[[commodity]]
name = "food"
unit = "t"
normal_stock = 2080
restock_days = 20
inflow_open = [160, 240]
inflow_restricted = 0
)";
  auto sc = ParseScenario(text, "s.toml");
  ASSERT_OK(sc);
  EXPECT_EQ(sc->route_prior, 1.5);
  const ScenarioCommodity& c = sc->commodities[0];
  EXPECT_DOUBLE_EQ(*c.normal_stock, 2'080'000);  // kg
  EXPECT_EQ(c.restock_days, 20);
  EXPECT_DOUBLE_EQ(c.inflow_open->low, 160'000);
  EXPECT_DOUBLE_EQ(c.inflow_open->high, 240'000);
  EXPECT_EQ(c.inflow_restricted->low, 0);
  EXPECT_EQ(c.inflow_restricted->high, 0);
}

// Each bad scenario and the "file:line: key" its error must start with.
TEST(ScenarioTest, ErrorsNameTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"horizon_days = 10\n\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\nthreshhold = 5\n",
       "s.toml:6: commodity.threshhold: unknown key"},
      {"horizon_days = 10\nseed = \"x\n", "s.toml:2: (toml)"},
      {"horizon_days = 0\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n", "s.toml:1: horizon_days: must be an integer between 1 and"},
      {"[route]\ntransition = [[0.5, 0.4, 0.0], [0, 1, 0], [0, 0, 1]]\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n",
       "s.toml:2: route.transition: row 1 sums to 0.9"},
      {"[[commodity]]\nname = \"f\"\nunit = \"furlongs\"\n", "s.toml:3: commodity.unit: unknown unit"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\n[[airlift]]\ncommodity = \"g\"\nfrom = 2023-01-01\nper_day = 1\n"
       "unit = \"kg\"\n",
       "s.toml:4: airlift.commodity: \"g\" is not a [[commodity]]"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\n[[airlift]]\ncommodity = \"f\"\nfrom = 2023-01-01\nper_day = 1\n"
       "unit = \"l\"\n",
       "s.toml:8: airlift.unit: \"l\" is not comparable"},
      {"start = 2023-02-30\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n", "s.toml:1: (toml)"},
      {"start = \"2023-02-30\"\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n", "s.toml:1: start:"},
      {"[route]\ninitial = \"ajar\"\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n",
       "s.toml:2: route.initial: must be open, restricted or closed"},
      {"rationing = -1\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n", "s.toml:1: rationing: must not be negative"},
      {"horizon_days = 10\n", "s.toml:1: commodity: the scenario needs at least one"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\n\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n",
       "s.toml:5: commodity.name: \"f\" is given twice"},
      {"[route]\ntransition = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]\nprior = 1\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n",
       "s.toml:3: route.prior: applies to a fitted process"},
      {"[route]\nprior = 0\n[[commodity]]\nname = \"f\"\nunit = \"kg\"\n", "s.toml:2: route.prior: must be a pseudo-count"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\nrestock_days = 10\n",
       "s.toml:4: commodity.restock_days: needs normal_stock"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\nnormal_stock = 5\nrestock_days = 0.5\n",
       "s.toml:5: commodity.restock_days: must be between 1 and"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\ninflow_open = [5, 2]\n",
       "s.toml:4: commodity.inflow_open: the range's low is above its high"},
      {"[[commodity]]\nname = \"f\"\nunit = \"kg\"\ninflow_open = [1, 2, 3]\n",
       "s.toml:4: commodity.inflow_open: must be a number or a range"},
  };
  for (const auto& [text, want] : cases) {
    auto sc = ParseScenario(text, "s.toml");
    ASSERT_FALSE(sc.ok()) << text;
    EXPECT_EQ(sc.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(sc.status().message().rfind(want, 0), 0u) << "got: " << sc.status().message() << "\nwant: " << want;
  }
}

}  // namespace
}  // namespace lifeline::analysis
