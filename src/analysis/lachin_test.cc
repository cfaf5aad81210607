// End to end on the bundled Lachin case: data/cases/lachin-2022-23 imported
// into a fresh log, then indicators, compliance and the headline figures.
// A credibility suite: each key figure is checked against the figures of the
// case's own authoritative records (read from records.jsonl, current
// versions), computed from the records it names — never against pasted
// outputs.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/forecast.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "base/status_testing.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

// The bundled case's records as a reader finds them in records.jsonl: each
// record's current version (following `supersedes`), retractions applied.
// The credibility tests below take their expected figures from these
// records, not from Lifeline's outputs.
class CaseFile {
 public:
  explicit CaseFile(const std::vector<std::string>& lines) {
    std::set<std::string> gone;
    for (const auto& l : lines) {
      nlohmann::json r = nlohmann::json::parse(l);
      if (r.contains("supersedes")) {
        gone.insert(r["supersedes"]);
        corrected_[r["supersedes"]] = r["id"];
      }
      if (r["kind"] == "retraction") gone.insert(r["retracts"]);
      all_[r["id"]] = r;
    }
    for (const auto& [id, r] : all_) {
      if (!gone.count(id)) current_.push_back(r);
    }
  }
  // The current version of the record first published as `id`.
  const nlohmann::json& Current(std::string id) const {
    while (corrected_.count(id)) id = corrected_.at(id);
    return all_.at(id);
  }
  const std::vector<nlohmann::json>& current() const { return current_; }

 private:
  std::map<std::string, nlohmann::json> all_;
  std::map<std::string, std::string> corrected_;
  std::vector<nlohmann::json> current_;
};

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
    file_ = new CaseFile(lines);
    log_->Submit(lines);
    auto ds = log_->Load("lachin-2022-23");
    ASSERT_OK(ds);
    ds_ = new Dataset(std::move(*ds));
    cp_ = *ResolveCheckpoint(log_->store(), std::nullopt);
    auto ind = ComputeIndicators(*ds_, cp_, IndicatorOptions{});
    ASSERT_OK(ind);
    ind_ = new Indicators(std::move(*ind));
    auto comp = ComputeCompliance(*ds_, cp_, kNoDay, kNoDay);
    ASSERT_OK(comp);
    head_ = new Headline(ComputeHeadline(*ind_, *comp));
    comp_ = new Compliance(std::move(*comp));
  }
  // A failed assertion in SetUpTestSuite does not fail the tests that ctest
  // runs one by one: each test checks that the suite was set up.
  void SetUp() override { ASSERT_NE(head_, nullptr) << "the Lachin case did not load (see SetUpTestSuite)"; }
  static void TearDownTestSuite() {
    delete head_;
    delete comp_;
    delete ind_;
    delete ds_;
    delete file_;
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
  static const RangeEstimate& EstimateOf(const std::string& measure, const std::string& direction) {
    for (const auto& e : ind_->estimates) {
      if (e.measure == measure && e.direction == direction && e.outcome == "delivered") return e;
    }
    ADD_FAILURE() << "no estimate of " << measure << " " << direction;
    static RangeEstimate none;
    return none;
  }
  static int32_t Day(const nlohmann::json& r, const char* field) {
    return static_cast<int32_t>(record::ParseDate(r[field].get<std::string>().substr(0, 10))->days);
  }
  static TestLog* log_;
  static CaseFile* file_;
  static Dataset* ds_;
  static CheckpointRef cp_;
  static Indicators* ind_;
  static Compliance* comp_;
  static Headline* head_;
};
TestLog* LachinTest::log_ = nullptr;
CaseFile* LachinTest::file_ = nullptr;
Dataset* LachinTest::ds_ = nullptr;
CheckpointRef LachinTest::cp_;
Indicators* LachinTest::ind_ = nullptr;
Compliance* LachinTest::comp_ = nullptr;
Headline* LachinTest::head_ = nullptr;

// ---- Credibility: the key figures against the case's own records. ----

// The blockade runs from the day the corridor road was closed
// (rs-2022-12-12-closure) to the case's end, every day of it: the road was
// never open to civilian and commercial traffic in both directions again
// (after 24 Sep 2023 it was open outbound only, rs-2023-09-24-exit-opened).
TEST_F(LachinTest, BlockadeLengthRunsFromTheClosureToTheEndOnTheLifelineRoute) {
  const nlohmann::json& c = file_->Current("lachin-2022-23");
  ASSERT_EQ(c["lifeline_routes"], nlohmann::json::array({"rt-lachin-road"}));
  const nlohmann::json& closure = file_->Current("rs-2022-12-12-closure");
  int32_t first = Day(closure, "from"), last = Day(c, "ended");
  const HeadlineFigure* b = head_->Find("blockade.days");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(*b->value, last - first + 1);
  EXPECT_EQ(b->bound, "exact");
  EXPECT_EQ(ind_->blockade.first_day, closure["from"].get<std::string>().substr(0, 10));
  EXPECT_EQ(ind_->blockade.last_day, c["ended"]);
  // The one-way exit: out open, in still restricted by the 18 Sep status.
  const nlohmann::json& exit = file_->Current("rs-2023-09-24-exit-opened");
  EXPECT_EQ(exit["directions"], nlohmann::json::array({"out"}));
  const DayIndicators& sep25 = ind_->days[static_cast<size_t>(D("2023-09-25") - first)];
  for (const auto& r : sep25.routes) {
    if (r.route != "rt-lachin-road") continue;
    EXPECT_EQ(r.out, RouteState::kOpen);
    EXPECT_EQ(r.in, RouteState::kRestricted);
  }
  // The days closed outright are the days a `closed` status (or a status
  // blocking humanitarian and medical passage too) was in force: the
  // blockade figure never counts them as the whole.
  EXPECT_LT(ind_->blockade.fully_closed, ind_->blockade.blockade_days);
  // The Aghdam road carried no traffic before the blockade: its "closed"
  // record is retracted, and it is not a lifeline route.
  for (const auto& r : ind_->blockade.routes) EXPECT_NE(r.route, "rt-aghdam-road");
}

// The ICJ order protects movement in both directions: violated on every
// day from its issue to the case's end, the one-way exit included.
TEST_F(LachinTest, TheIcjOrderIsNeverCompliedWithOnAOneWayDay) {
  const nlohmann::json& order = file_->Current("ob-icj-2023-02-22-order");
  const nlohmann::json& c = file_->Current("lachin-2022-23");
  const ObligationCompliance& icj = Find(*comp_, order["id"]);
  int64_t days = Day(c, "ended") - Day(order["rule"], "from") + 1;
  EXPECT_EQ(icj.days_evaluated, days);
  EXPECT_EQ(icj.days_in_violation, days);
  EXPECT_EQ(icj.days_in_compliance, 0);
  EXPECT_EQ(icj.last_violation, c["ended"]);
  for (const auto& v : icj.violations) {
    if (v.date == "2023-09-25") {
      EXPECT_EQ(v.directions, (std::vector<std::string>{"in"}));
    }
  }
}

// Patients: the best estimate agrees with the ICRC's own cumulative figure
// ("over 680 by 29 Jul"): that figure for its period, plus the single-day
// transfers recorded after it, and is only a lower bound.
TEST_F(LachinTest, PatientsAgreeWithTheIcrcCumulativeFigure) {
  const nlohmann::json& icrc = file_->Current("mv-cum-2023-07-29-icrc-patients");
  ASSERT_EQ(icrc["qualifier"], "at_least");
  int32_t icrc_to = Day(icrc["period"], "to");
  int64_t after = 0;  // single-day patient transfers out after the ICRC's period
  for (const auto& r : file_->current()) {
    if (r["kind"] != "movement" || r["direction"] != "out" || r.contains("period") || !r.contains("patients")) continue;
    if (r.value("outcome", "completed") != "completed") continue;
    if (Day(r, "date") > icrc_to) after += r["patients"].get<int64_t>();
  }
  // Reports inside those later days (the two-day haemodialysis total, one-day
  // counts) may only raise it.
  const RangeEstimate& p = EstimateOf("patients", "out");
  EXPECT_GE(p.best, icrc["patients"].get<double>() + static_cast<double>(after));
  EXPECT_TRUE(p.lower_bound);
  EXPECT_GT(p.best, p.daily_sum);  // the daily records alone understate it
  bool used = false;
  for (const auto& r : p.reports) used |= r.record == icrc["id"] && r.used;
  EXPECT_TRUE(used);
  // And no single-day sum is shown as the total: the headline is the best
  // estimate, "at least".
  const HeadlineFigure* f = head_->Find("movements.patients.out");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(*f->value, p.best);
  EXPECT_EQ(f->bound, "at_least");
}

// Supplies against the pre-blockade imports: the ombudsman's own period
// gives exactly the ombudsman's ratio (5,574 t of 400 t x 182 days), and the
// whole period is that total plus the cargo recorded day by day after it.
TEST_F(LachinTest, SuppliesAgainstTheBaselineAgreeWithTheOmbudsman) {
  const nlohmann::json& omb = file_->Current("mv-cum-2023-06-11-ombudsman-cargo");
  const nlohmann::json& bl = file_->Current("bl-lachin-road-pre-blockade");
  double per_day_t = bl["per_day"]["cargo"][0]["quantity"].get<double>();  // t
  double omb_t = omb["cargo"][0]["quantity"].get<double>();
  int32_t from = Day(omb["period"], "from"), to = Day(omb["period"], "to");
  const BaselineComparison* cargo = nullptr;
  for (const auto& b : ind_->baselines) {
    if (b.measure == "cargo") cargo = &b;
  }
  ASSERT_NE(cargo, nullptr);
  bool found = false;
  for (const auto& p : cargo->periods) {
    if (p.report != omb["id"]) continue;
    found = true;
    EXPECT_DOUBLE_EQ(p.delivered, omb_t * 1000);
    EXPECT_NEAR(*p.ratio, omb_t / (per_day_t * (to - from + 1)), 1e-12);
  }
  EXPECT_TRUE(found);
  double later_kg = 0;  // inbound cargo in mass units recorded day by day on the corridor after the report
  for (const auto& r : file_->current()) {
    if (r["kind"] != "movement" || r["direction"] != "in" || r.contains("period") || !r.contains("cargo")) continue;
    if (r["route"] != "rt-lachin-road" || r.value("outcome", "completed") != "completed" || Day(r, "date") <= to) continue;
    for (const auto& q : r["cargo"]) {
      if (q["unit"] == "t") later_kg += q["quantity"].get<double>() * 1000;
      if (q["unit"] == "kg") later_kg += q["quantity"].get<double>();
    }
  }
  const BaselinePeriod& all = cargo->periods[0];
  EXPECT_DOUBLE_EQ(all.delivered, omb_t * 1000 + later_kg);
  EXPECT_TRUE(all.lower_bound);
  EXPECT_EQ(head_->Find("supply.baseline.kg")->bound, "at_least");
}

// Deaths: never one total across parties. Each party's figure is the sum of
// the casualties its incidents' records attribute to it.
TEST_F(LachinTest, DeathsByPartyAddUpTheRecordsOfThatPartyOnly) {
  std::map<std::string, int64_t> best, low;
  for (const auto& r : file_->current()) {
    if (r["kind"] != "incident" || !r.contains("casualties")) continue;
    for (const auto& c : r["casualties"]) {
      int64_t b = c["fatalities"]["best"].get<int64_t>();
      best[c["party"]] += b;
      low[c["party"]] += c["fatalities"].value("low", b);
    }
  }
  ASSERT_GE(best.size(), 2u);  // both sides' dead are recorded, apart
  for (const auto& p : ind_->totals.casualties.by_party) {
    if (p.party.empty()) {
      EXPECT_EQ(p.figures.best, 0) << "deaths without a party";
      continue;
    }
    EXPECT_EQ(p.figures.best, best[p.party]) << p.party;
    EXPECT_EQ(p.figures.low, low[p.party]) << p.party;
  }
  const HeadlineFigure* f = head_->Find("casualties");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->value.has_value());
  // The fuel depot: its latest authoritative count is the best figure, and
  // its cause is recorded (not political violence).
  const nlohmann::json& depot = file_->Current("inc-2023-09-25-fuel-depot-explosion");
  EXPECT_EQ(depot["cause"], "accident");
  EXPECT_GE(depot["fatalities"]["low"].get<int64_t>(), 170);  // not the early count of 68
}

// Electricity: the line from Armenia was cut, not the area's power: days
// with the supply cut, to the last day a source confirms it, and hours off
// only from the rationing schedules.
TEST_F(LachinTest, ElectricityIsASupplyLineCutWithRationingNotADarkArea) {
  const nlohmann::json& line = file_->Current("og-2023-01-09-power-110kv");
  ASSERT_EQ(line["scope"], "supply_line");
  const UtilityTotal* e = nullptr;
  for (const auto& u : ind_->totals.utilities) {
    if (u.utility == "electricity") e = &u;
  }
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->first_supply_cut, line["from"].get<std::string>().substr(0, 10));
  EXPECT_EQ(e->last_supply_cut, line["confirmed_until"].get<std::string>().substr(0, 10));
  double max_hours = 0;
  for (const auto& r : file_->current()) {
    if (r["kind"] == "schedule" && r["utility"] == "electricity") {
      max_hours = std::max(max_hours, r["hours_off_per_day"].get<double>());
    }
  }
  EXPECT_DOUBLE_EQ(e->max_scheduled, max_hours);
  for (const auto& d : ind_->days) {
    for (const auto& u : d.utilities) {
      if (u.utility == "electricity") {
        EXPECT_LE(u.hours, max_hours) << d.date;  // never "24 h a day"
      }
    }
  }
}

// Need coverage is published only where the case assesses the dependency
// and the deliveries are observed: the 66 t of flour after the offensive
// are never set against the whole population's food energy.
TEST_F(LachinTest, NoCoverageFromAFewObservedDays) {
  for (const auto& n : ind_->totals.needs) {
    if (n.commodity == "water") {
      EXPECT_EQ(*n.share, 0);  // water is local
      EXPECT_FALSE(n.coverage.has_value());
    }
    if (n.commodity == "food energy") {
      EXPECT_TRUE(n.assessed);
      ASSERT_TRUE(n.estimate.has_value());
      EXPECT_LT(n.estimate->completeness.Fraction(), kMinObservedForCoverage);
      EXPECT_FALSE(n.coverage.has_value()) << n.reason;
    }
  }
  // Need is known from the start (a population figure dated at the start).
  for (const auto& n : ind_->days[0].needs) EXPECT_TRUE(n.need.has_value());
}

// The exodus: persons who left is at least the Armenian government's count.
TEST_F(LachinTest, DeparturesAreAtLeastTheCountOfArrivals) {
  const nlohmann::json& exodus = file_->Current("mv-cum-2023-09-30-exodus");
  const RangeEstimate& p = EstimateOf("persons", "out");
  EXPECT_GE(p.best, exodus["persons"].get<double>());
}

TEST_F(LachinTest, ExampleScenarioFitsTheRouteHistory) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/scenarios/airlift.toml");
  ASSERT_TRUE(in) << "scenarios/airlift.toml is missing";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto sc = ParseScenario(text, "airlift.toml");
  ASSERT_OK(sc);
  auto m = FitForecast(*ds_, *sc);
  ASSERT_OK(m);
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
  ASSERT_OK(run);
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

// The table says "not applicable" for a need met locally, never "unknown"
// with a completeness that would suggest missing data, and gives the lower
// bound its words.
TEST_F(LachinTest, HeadlineTableSaysWhatEachBoundIs) {
  const std::string t = HeadlineTable(*head_, false);
  EXPECT_NE(t.find("need.water: not applicable (not_dependent)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("supply.baseline.kg: at least "), std::string::npos) << t;
  EXPECT_EQ(t.find("casualties: by party (killed low/best/high):\n    Azerbaijan: "), t.find("casualties: ")) << t;
  // The row of casualties whose party no source states is there for the
  // injured of the Hakari bridge incident: it says so.
  EXPECT_NE(t.find("party not stated: 0/0/0, 1 injured\n"), std::string::npos) << t;
}

}  // namespace
}  // namespace lifeline::analysis
