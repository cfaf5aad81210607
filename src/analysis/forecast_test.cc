// The forecast: scenario parsing (errors name their line), a case with a
// closed-form answer, reproducibility from the seed whatever the thread
// count, and properties (stocks never negative, percentiles ordered, more
// airlift never lowers a percentile). The bundled Lachin scenario is run in
// lachin_test.cc.
#include "analysis/forecast.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analysis/format.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

int32_t D(const char* s) { return static_cast<int32_t>(record::ParseDate(s)->days); }

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
  auto m = FitForecast(ds, sc);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->initial_state, 0);  // open
  EXPECT_DOUBLE_EQ(m->transition[0][0], 1.0);
  EXPECT_EQ(m->transition_counts[0][0], to - from);  // every consecutive pair open -> open
  ASSERT_EQ(m->commodities.size(), 1u);
  EXPECT_EQ(m->commodities[0].initial_source, "stock record st-flour (2023-03-31)");
  EXPECT_EQ(m->commodities[0].per_person_source, "need_standard ns-flour");
  EXPECT_EQ(m->commodities[0].inflow_pool[0].size(), static_cast<size_t>(to - from + 1));
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
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
  sc.rationing = 0.8;
  sc.population_changes.push_back({to + 11, 25});
  sc.airlifts.push_back({"flour", to + 21, kNoDay, 5.0});
  auto m = FitForecast(ds, sc);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto run = RunForecast(*m, {.threads = 1});
  ASSERT_TRUE(run.ok());
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
  auto m = FitForecast(ds, FlourScenario(to + 1, 30, 500));
  ASSERT_TRUE(m.ok());
  auto run = RunForecast(*m);
  ASSERT_TRUE(run.ok());
  for (const auto& d : (*run)[0].days_to_threshold) EXPECT_FALSE(d.has_value());
  EXPECT_EQ((*run)[0].never_fraction, 1.0);
}

TEST(ForecastTest, InitialStockBelowThresholdIsDayZero) {
  const int32_t from = D("2023-01-01"), to = D("2023-01-31");
  Dataset ds = OpenRouteCase(from, to, 80, 50, 1.0, 100);
  auto m = FitForecast(ds, FlourScenario(to + 1, 10, 500));
  ASSERT_TRUE(m.ok());
  auto run = RunForecast(*m);
  ASSERT_TRUE(run.ok());
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
  ASSERT_TRUE(m.ok()) << m.status().ToString();
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
  ASSERT_TRUE(o.ok());
  Forecast fo{"c", kCheckpoint, "mixed.toml", other, *o};
  EXPECT_NE(ForecastJson(fo)["commodities"].dump(), ForecastJson(f1)["commodities"].dump());
}

TEST(ForecastTest, StocksNeverNegativeAndPercentilesOrdered) {
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities[0].per_person = 5.0;  // consumption far above inflows: stocks hit 0
  auto m = FitForecast(ds, sc);
  ASSERT_TRUE(m.ok());
  auto run = RunForecast(*m);
  ASSERT_TRUE(run.ok());
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
  Dataset ds = MixedCase();
  for (uint64_t seed : {1u, 2u, 3u, 99u}) {
    std::vector<std::vector<CommodityForecast>> runs;
    for (double air : {0.0, 50.0, 200.0, 1000.0}) {
      Scenario sc = MixedScenario();
      sc.seed = seed;
      sc.trajectories = 400;
      if (air > 0) sc.airlifts.push_back({"flour", sc.start + 10, kNoDay, air});
      auto m = FitForecast(ds, sc);
      ASSERT_TRUE(m.ok());
      auto run = RunForecast(*m, {.threads = 2});
      ASSERT_TRUE(run.ok());
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
    // 1000 kg/day more than covers 500 persons' need: strictly higher at the end.
    EXPECT_GT(runs.back()[0].stock.back()[2], runs.front()[0].stock.back()[2]);
  }
}

TEST(ForecastTest, ReopenForcesTheRouteOpen) {
  // A route that is always closed, given: nothing arrives; reopened on day
  // 11, open-day inflows of 100/day arrive from then on, in every trajectory.
  Dataset ds = MixedCase();
  Scenario sc = MixedScenario();
  sc.commodities.resize(1);
  sc.commodities[0].inflow_open = 100.0;
  sc.commodities[0].per_person = 0.05;  // 50 kg/day
  sc.transition = TransitionMatrix{{{0, 0, 1}, {0, 0, 1}, {0, 0, 1}}};
  sc.reopen = sc.start + 10;
  auto m = FitForecast(ds, sc);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto run = RunForecast(*m);
  ASSERT_TRUE(run.ok());
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
  ASSERT_TRUE(m.ok());
  auto run = RunForecast(*m);
  EXPECT_EQ(run.status().code(), ErrorCode::kResourceExhausted);
}

// numpy.percentile's default: sort, then interpolate between the order
// statistics around p/100 * (n - 1).
PercentileValues SortedPercentiles(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  PercentileValues out{};
  for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
    double pos = kForecastPercentiles[p] / 100.0 * static_cast<double>(v.size() - 1);
    size_t k = static_cast<size_t>(std::floor(pos));
    size_t k1 = std::min(k + 1, v.size() - 1);
    out[p] = v[k] + (static_cast<double>(v[k1]) - v[k]) * (pos - static_cast<double>(k));
  }
  return out;
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
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
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
