// End to end on the bundled Lachin case: data/cases/lachin-2022-23 imported
// into a fresh log, then indicators and compliance. The expected figures
// were counted by hand from records.jsonl (the reasoning is next to each).
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/forecast.h"
#include "analysis/format.h"
#include "analysis/indicators.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

int32_t D(const char* s) { return static_cast<int32_t>(record::ParseDate(s)->days); }

class LachinTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = new TestLog();
    std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl");
    ASSERT_TRUE(in) << "records.jsonl is missing";
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 271u);
    log_->Submit(lines);
    auto ds = log_->Load("lachin-2022-23");
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ds_ = new Dataset(std::move(*ds));
    cp_ = *ResolveCheckpoint(log_->store(), std::nullopt);
  }
  // A failed assertion in SetUpTestSuite does not fail the tests that ctest
  // runs one by one: each test checks that the suite was set up.
  void SetUp() override { ASSERT_NE(ds_, nullptr) << "the Lachin case did not load (see SetUpTestSuite)"; }
  static void TearDownTestSuite() {
    delete ds_;
    delete log_;
  }
  static const ObligationCompliance& Find(const Compliance& c, const std::string& id) {
    for (const auto& o : c.obligations) {
      if (o.obligation == id) return o;
    }
    ADD_FAILURE() << "no obligation " << id;
    static ObligationCompliance none;
    return none;
  }
  static TestLog* log_;
  static Dataset* ds_;
  static CheckpointRef cp_;
};
TestLog* LachinTest::log_ = nullptr;
Dataset* LachinTest::ds_ = nullptr;
CheckpointRef LachinTest::cp_;

TEST_F(LachinTest, IcjOrderViolatedEveryDayUntilTheExitOpened) {
  // From the order (22 Feb 2023) the road is restricted for persons,
  // vehicles and cargo or closed every day until rs-2023-09-24-exit-opened
  // (open from 24 Sep): 22 Feb .. 23 Sep = 7 + 31 + 30 + 31 + 30 + 31 + 31
  // + 23 = 214 days; 24 .. 30 Sep (the case ends 30 Sep) = 7 days open.
  auto c = ComputeCompliance(*ds_, cp_, kNoDay, kNoDay);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const ObligationCompliance& icj = Find(*c, "ob-icj-2023-02-22-order");
  EXPECT_EQ(icj.from, "2023-02-22");
  EXPECT_EQ(icj.days_evaluated, 221);
  EXPECT_EQ(icj.days_in_violation, 214);
  EXPECT_EQ(icj.days_in_compliance, 7);
  EXPECT_EQ(icj.days_unknown, 0);
  EXPECT_EQ(*icj.first_violation, "2023-02-22");
  EXPECT_EQ(*icj.last_violation, "2023-09-23");
  // 15 Jun: the full closure.
  bool found = false;
  for (const auto& v : icj.violations) {
    if (v.date == "2023-06-15") {
      found = true;
      EXPECT_EQ(v.status, "closed");
      EXPECT_EQ(v.records, (std::vector<std::string>{"rs-2023-06-15-full-closure"}));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(LachinTest, IcjOrderInJuneBetweenTwoDates) {
  auto c = ComputeCompliance(*ds_, cp_, D("2023-06-01"), D("2023-06-30"));
  ASSERT_TRUE(c.ok());
  const ObligationCompliance& icj = Find(*c, "ob-icj-2023-02-22-order");
  EXPECT_EQ(icj.days_in_violation, 30);
  int closed = 0;
  for (const auto& v : icj.violations) closed += v.status == "closed";
  EXPECT_EQ(closed, 10);  // 15 .. 24 Jun (full closure, then concrete blocks)
}

TEST_F(LachinTest, EchrMeasureViolatedOnlyWhenMedicalTransfersWereBlocked) {
  // for: medical. Restricted with `medical` 29 Apr .. 25 May (27 days),
  // closed 15 .. 24 Jun (10) and 11 .. 13 Jul (3): 40 days.
  auto c = ComputeCompliance(*ds_, cp_, kNoDay, kNoDay);
  ASSERT_TRUE(c.ok());
  const ObligationCompliance& echr = Find(*c, "ob-echr-2022-12-21-rule-39");
  EXPECT_EQ(echr.days_in_violation, 40);
  EXPECT_EQ(*echr.first_violation, "2023-04-29");
  EXPECT_EQ(*echr.last_violation, "2023-07-13");
}

// The 66 t of wheat flour of 23 Sep 2023 count towards food energy through
// the need standard's equivalent (364 kcal per 100 g, USDA): 66,000 kg x
// 3,640 kcal = 240,240,000 kcal against 120,000 x 2,100 = 252,000,000 kcal.
// The mixed cargo of that day (yeast, salt, sunflower oil) is not converted.
TEST_F(LachinTest, WheatFlourCountsTowardsFoodEnergy) {
  IndicatorOptions opts;
  opts.from = static_cast<int32_t>(record::ParseDate("2023-09-23")->days);
  opts.to = opts.from;
  auto ind = ComputeIndicators(*ds_, cp_, opts);
  ASSERT_TRUE(ind.ok()) << ind.status().ToString();
  ASSERT_EQ(ind->days.size(), 1u);
  const NeedDay* food = nullptr;
  for (const auto& n : ind->days[0].needs) {
    if (n.commodity == "food energy") food = &n;
  }
  ASSERT_NE(food, nullptr);
  EXPECT_EQ(food->population, std::optional<int64_t>(120000));
  EXPECT_DOUBLE_EQ(food->delivered, 240240000);
  // Without an assessed import dependency no coverage is published.
  EXPECT_FALSE(food->coverage.has_value());
  EXPECT_NE(food->note.find("sunflower oil"), std::string::npos) << food->note;
}

TEST_F(LachinTest, IndicatorsFromTheRecords) {
  auto ind = ComputeIndicators(*ds_, cp_, IndicatorOptions{});
  ASSERT_TRUE(ind.ok()) << ind.status().ToString();
  EXPECT_EQ(ind->from, "2022-12-12");
  EXPECT_EQ(ind->to, "2023-09-30");
  ASSERT_EQ(ind->days.size(), 293u);
  // The corridor road: closed 12 .. 18 Dec (7), 15 .. 24 Jun (10),
  // 11 .. 13 Jul (3); open 24 .. 30 Sep (7); restricted the other 266 days.
  for (const auto& r : ind->totals.routes) {
    if (r.route != "rt-lachin-road") continue;
    EXPECT_EQ(r.closed, 20);
    EXPECT_EQ(r.open, 7);
    EXPECT_EQ(r.restricted, 266);
    EXPECT_EQ(r.unknown, 0);
  }
  // ICRC patients out, single-day records only: 1+2+3+6+15+15+16+11+6+10+
  // 17+72 = 174; the 25 turned back on 15 Jun are not delivered, and the
  // cumulative "over 680" is not added.
  bool icrc = false;
  for (const auto& f : ind->totals.flows) {
    if (f.op == "ICRC" && f.direction == "out") {
      icrc = true;
      EXPECT_EQ(f.delivered.patients, 174);
      EXPECT_EQ(f.stopped.movements, 1);
      EXPECT_EQ(f.stopped.patients, 25);
    }
  }
  EXPECT_TRUE(icrc);
  // 66 t of wheat flour on 23 Sep, in kg.
  bool flour = false;
  for (const auto& c : ind->totals.cargo) {
    if (c.commodity == "wheat flour") {
      flour = true;
      EXPECT_EQ(c.unit, "kg");
      EXPECT_DOUBLE_EQ(c.delivered, 66000);
    }
  }
  EXPECT_TRUE(flour);
  // Incidents: 14; fatalities low/best/high 477/579/627 (the depot's
  // 68/170/218, the offensive's low 200, others one figure); injuries 1,205.
  // No incident of the first release names the parties of its casualties:
  // they all fall in the "party not stated" rows, never in a headline.
  EXPECT_EQ(ind->totals.incidents.incidents, 14);
  int64_t low = 0, best = 0, high = 0, injuries = 0;
  for (const auto& p : ind->totals.casualties.by_party) {
    EXPECT_EQ(p.party, "");
    low += p.figures.low;
    best += p.figures.best;
    high += p.figures.high;
    injuries += p.figures.injuries;
  }
  EXPECT_EQ(low, 477);
  EXPECT_EQ(best, 579);
  EXPECT_EQ(high, 627);
  EXPECT_EQ(injuries, 1205);
  // The three cumulative records are reported apart, with their periods.
  ASSERT_EQ(ind->period_movements.size(), 3u);
  EXPECT_EQ(ind->period_movements[2].record, "mv-cum-2023-09-30-exodus");
  EXPECT_EQ(ind->period_movements[2].persons, 100417);
  EXPECT_EQ(ind->period_movements[2].from, "2023-09-24");
  // Gas: cut 13 Dec 00:00 .. 16 Dec 00:00: 24 h on 14 Dec.
  const DayIndicators& dec14 = ind->days[2];
  ASSERT_EQ(dec14.date, "2022-12-14");
  for (const auto& u : dec14.utilities) {
    if (u.utility == "gas") {
      EXPECT_DOUBLE_EQ(u.hours, 24);
    }
  }
  // Need: 120,000 x 2,100 kcal from the first population figure (13 Jan);
  // before it, unknown.
  for (const auto& n : ind->days[0].needs) EXPECT_FALSE(n.need.has_value());
  const DayIndicators& jan13 = ind->days[32];
  ASSERT_EQ(jan13.date, "2023-01-13");
  ASSERT_EQ(jan13.needs.size(), 2u);
  EXPECT_EQ(jan13.needs[0].commodity, "food energy");
  EXPECT_DOUBLE_EQ(*jan13.needs[0].need, 252000000);
  // 23 Sep: the 66 t of wheat flour count through the standard's equivalent
  // (WheatFlourCountsTowardsFoodEnergy); the yeast, salt and oil do not, and
  // the output says so.
  const DayIndicators& sep23 = ind->days[285];
  ASSERT_EQ(sep23.date, "2023-09-23");
  EXPECT_DOUBLE_EQ(sep23.needs[0].delivered, 240240000);
  EXPECT_EQ(sep23.needs[0].note.find("wheat flour"), std::string::npos) << sep23.needs[0].note;
  EXPECT_NE(sep23.needs[0].note.find("dried yeast, salt, sunflower oil"), std::string::npos) << sep23.needs[0].note;
}

TEST_F(LachinTest, ExampleScenarioFitsTheRouteHistory) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/scenarios/airlift.toml");
  ASSERT_TRUE(in) << "scenarios/airlift.toml is missing";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto sc = ParseScenario(text, "airlift.toml");
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  auto m = FitForecast(*ds_, *sc);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // History 12 Dec 2022 .. 14 Jul 2023 = 20 + 31 + 28 + 31 + 30 + 31 + 30 +
  // 14 = 215 days of the Lachin road: closed 12-18 Dec (7), 15-24 Jun (10:
  // closed from 15 and 22 Jun, restricted from 25 Jun) and 11-13 Jul (3) =
  // 20 days; restricted the other 195. Closed -> restricted 3 times (18/19
  // Dec, 24/25 Jun, 13/14 Jul), restricted -> closed twice (14/15 Jun,
  // 10/11 Jul); 214 transitions.
  EXPECT_EQ(m->history_days[2], 20);
  EXPECT_EQ(m->history_days[1], 195);
  EXPECT_EQ(m->transition_counts[2][1], 3);
  EXPECT_EQ(m->transition_counts[2][2], 17);
  EXPECT_EQ(m->transition_counts[1][2], 2);
  EXPECT_EQ(m->transition_counts[1][1], 192);
  EXPECT_EQ(m->initial_state, 1);  // 14 Jul: restricted
  EXPECT_EQ(m->population.front(), 120000);
  // No open day in the history: the row from open is the prior's, not
  // "open stays open with probability 1".
  for (double p : m->transition[0]) EXPECT_DOUBLE_EQ(p, 1.0 / 3);
  // Closed row: (0 + 0.5, 3 + 0.5, 17 + 0.5) / (20 + 1.5).
  EXPECT_DOUBLE_EQ(m->transition[2][1], 3.5 / 21.5);
  auto run = RunForecast(*m, {.threads = 2});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->size(), 1u);
  const CommodityForecast& food = (*run)[0];
  EXPECT_EQ(food.unit, "t");
  // Consumption 120,000 x 0.000577 t x 0.7 = 48.468 t a day. Day 1 (15 Jul)
  // is restricted (capacity 0 .. 31.9 t, drawn per trajectory) or closed:
  // between 1200 - 48.468 and 1200 - 48.468 + 31.9 t.
  EXPECT_GE(food.stock[0][0], 1200 - 48.468 - 1e-3);
  EXPECT_LE(food.stock[0][4], 1200 - 48.468 + 31.9 + 1e-3);
  EXPECT_LT(food.stock[0][0], food.stock[0][4]);  // the ranges show in the band
  // From the reopening (day index 48, 1 Sep) the capacity (>= 160 t) exceeds
  // the demand 48.468 - 20 + (2080 - S) / 30 <= 97.8 t, and the airlift
  // alone never does (S < 2,934 t), so S' = 29/30 S + 2080/30 exactly:
  // S(179) = 2080 + (S(47) - 2080) (29/30)^132, (29/30)^132 = 0.01139. Before
  // the reopening S stays below 1200 + 31 x (31.9 + 20 - 48.468) = 1307 t,
  // so on 10 Jan 2024 every trajectory holds between 2080 - 2080 x 0.01139
  // = 2056.3 and 2080 - 773 x 0.01139 = 2071.2 t: restocked, not piled up.
  ASSERT_EQ(food.stock.size(), 180u);
  EXPECT_GE(food.stock.back()[0], 2056.3 - 0.1);
  EXPECT_LE(food.stock.back()[4], 2071.2 + 0.1);
  // What drives the band is computed: on the widest day the shares sum to
  // 1, and the route (whether the road lets goods in before the reopening)
  // and the restricted-day capacity both play a part.
  const size_t widest = WidestBandDay(food);
  ASSERT_TRUE(food.stock_drivers[widest].has_value());
  const BandDrivers& b = *food.stock_drivers[widest];
  EXPECT_NEAR(b.route_parameters + b.route_days + b.inflows + b.interaction, 1.0, 1e-12);
  EXPECT_GT(b.route_parameters + b.route_days, 0.05);
  EXPECT_GT(b.inflows, 0.05);
  Forecast f{"lachin-2022-23", cp_, "airlift.toml", *m, *run};
  nlohmann::json j = ForecastJson(f);
  EXPECT_EQ(j["checkpoint"]["size"], cp_.size);
  EXPECT_FALSE(j["assumptions"].empty());
  EXPECT_EQ(j["assumption_keys"].size(), j["assumptions"].size());
  EXPECT_EQ(j["route_process"]["prior"]["dirichlet_pseudo_count"], 0.5);
  EXPECT_NE(ForecastTable(f).find("The model assumes:"), std::string::npos);
  EXPECT_NE(ForecastTable(f).find("what drives the spread"), std::string::npos);
}

}  // namespace
}  // namespace lifeline::analysis
