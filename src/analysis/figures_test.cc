// The figures of schema version 2, hand-computed on one ten-day case: the
// blockade on the lifeline route per direction (a one-way opening among
// them), its episodes, compliance of a two-way obligation on one-way days,
// estimates with period reports and a nil report, supply against the
// baseline per period and against a stated requirement, coverage with an
// assessed import dependency, casualties by party with one-party claims,
// and utilities from a cut supply line, schedules and evidence.
#include <gtest/gtest.h>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "base/status_testing.h"

namespace lifeline::analysis {
namespace {

// 2024-03-01 .. 2024-03-10, 1,000 people, flour 0.5 kg per person per day
// of which 80 % came by the road before the crisis.
const std::vector<std::string> kValley = {
    R"({"kind":"source","id":"s","case":"v","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"v","title":"Valley","region":"R","started":"2024-03-01","ended":"2024-03-10",
        "population":[{"date":"2024-03-01","count":1000}],"lifeline_routes":["road"],"parties":["North","South"],
        "dependency":[{"commodity":"flour","share":0.8,"sources":["s"]}],"sources":["s"]})",
    R"({"kind":"route","id":"road","case":"v","name":"Valley road","type":"road","sources":["s"]})",
    R"({"kind":"route","id":"old","case":"v","name":"Old road","type":"road","sources":["s"]})",
    R"({"kind":"need_standard","id":"ns","case":"v","commodity":"flour","quantity":0.5,"unit":"kg","basis":"b",
        "sources":["s"]})",
    R"({"kind":"baseline","id":"bl","case":"v","route":"road","period":{"from":"2024-01-01","to":"2024-01-31"},
        "per_day":{"cargo":[{"commodity":"goods","quantity":10,"unit":"t"}]},"directions":["in"],"sources":["s"]})",
    R"({"kind":"baseline","id":"bl-veh","case":"v","route":"road","period":{"from":"2024-01-01","to":"2024-01-31"},
        "per_day":{"vehicles":100},"sources":["s"]})",
    // The road: open 01; closed from 10:00 on 02 (02 and 03 closed);
    // humanitarian passage only from 04; nothing at all (civilian traffic,
    // humanitarian and medical passage blocked) from 06; from 08 open
    // outbound only, the inbound status of 06 staying in force; open both
    // ways from 10. The old road, unused before the crisis, is "closed":
    // not a lifeline route and without a baseline, it counts nowhere.
    R"({"kind":"route_status","id":"st1","case":"v","route":"road","from":"2024-03-01","status":"open","sources":["s"]})",
    R"({"kind":"route_status","id":"st2","case":"v","route":"road","from":"2024-03-02T10:00:00Z","status":"closed",
        "sources":["s"]})",
    R"({"kind":"route_status","id":"st3","case":"v","route":"road","from":"2024-03-04","status":"restricted",
        "restricted":["persons","vehicles","cargo","commercial"],"sources":["s"]})",
    R"({"kind":"route_status","id":"st4","case":"v","route":"road","from":"2024-03-06","status":"restricted",
        "restricted":["persons","vehicles","cargo","commercial","humanitarian","medical"],"sources":["s"]})",
    R"({"kind":"route_status","id":"st5","case":"v","route":"road","from":"2024-03-08","status":"open",
        "directions":["out"],"controls":"document checks","sources":["s"]})",
    R"({"kind":"route_status","id":"st6","case":"v","route":"road","from":"2024-03-10","status":"open","sources":["s"]})",
    R"({"kind":"route_status","id":"old-closed","case":"v","route":"old","from":"2024-03-01","status":"closed",
        "sources":["s"]})",
    R"({"kind":"obligation","id":"ob-all","case":"v","instrument":"court_order","title":"Open both ways",
        "issued":"2024-03-01","rule":{"type":"route_open","route":"road","for":["persons","vehicles","cargo"],
        "directions":["in","out"],"from":"2024-03-01"},"sources":["s"]})",
    R"({"kind":"obligation","id":"ob-med","case":"v","instrument":"interim_measure","title":"Patients out",
        "issued":"2024-03-01","rule":{"type":"route_open","route":"road","for":["medical"],
        "directions":["out"],"from":"2024-03-01"},"sources":["s"]})",
    // Patients out: 3 on 01, 2 on 05, 4 on 10 (single days); the ICRC's
    // "at least 20" over 01..08, and South's count of 12 for the same days.
    R"({"kind":"movement","id":"p1","case":"v","route":"road","date":"2024-03-01","direction":"out","operator":"ICRC",
        "patients":3,"sources":["s"]})",
    R"({"kind":"movement","id":"p2","case":"v","route":"road","date":"2024-03-05","direction":"out","operator":"ICRC",
        "patients":2,"sources":["s"]})",
    R"({"kind":"movement","id":"p3","case":"v","route":"road","date":"2024-03-10","direction":"out","operator":"ICRC",
        "patients":4,"sources":["s"]})",
    R"({"kind":"movement","id":"p-icrc","case":"v","route":"road","date":"2024-03-08","direction":"out",
        "operator":"ICRC","patients":20,"period":{"from":"2024-03-01","to":"2024-03-08"},"qualifier":"at_least",
        "reported_by":"ICRC","sources":["s"]})",
    R"({"kind":"movement","id":"p-south","case":"v","route":"road","date":"2024-03-08","direction":"out",
        "operator":"ICRC","patients":12,"period":{"from":"2024-03-01","to":"2024-03-08"},"reported_by":"South",
        "sources":["s"]})",
    // Cargo in: North's total of 30 t of goods over 01..07; 2 t of flour on
    // 09, 5 t on 10 (with 10 vehicles; 5 vehicles out); a nil report on 08.
    R"({"kind":"movement","id":"c-north","case":"v","route":"road","date":"2024-03-07","direction":"in",
        "operator":"convoys","period":{"from":"2024-03-01","to":"2024-03-07"},"reported_by":"North",
        "cargo":[{"commodity":"goods","quantity":30,"unit":"t"}],"sources":["s"]})",
    R"({"kind":"movement","id":"c9","case":"v","route":"road","date":"2024-03-09","direction":"in",
        "operator":"ICRC","cargo":[{"commodity":"flour","quantity":2,"unit":"t"}],"sources":["s"]})",
    R"({"kind":"movement","id":"c10","case":"v","route":"road","date":"2024-03-10","direction":"in",
        "operator":"ICRC","vehicles":10,"cargo":[{"commodity":"flour","quantity":5,"unit":"t"}],"sources":["s"]})",
    R"({"kind":"movement","id":"v10","case":"v","route":"road","date":"2024-03-10","direction":"out",
        "operator":"civilians","vehicles":5,"sources":["s"]})",
    // A source's count of the trucks that came in over 01..07: 100.
    R"({"kind":"movement","id":"t-north","case":"v","route":"road","date":"2024-03-07","direction":"in",
        "operator":"convoys","period":{"from":"2024-03-01","to":"2024-03-07"},"vehicles":100,"sources":["s"]})",
    R"({"kind":"watch","id":"nil8","case":"v","route":"road","from":"2024-03-08","directions":["in"],
        "measures":["cargo"],"sources":["s"]})",
    R"({"kind":"requirement","id":"rq","case":"v","measure":"vehicles","quantity":20,"per":"day",
        "basis":"planning figure","sources":["s"]})",
    // Casualties: a battle on 03 (North's 5 combatants by North's own
    // count, South's 2 civilians by the UN), a death from deprivation on 05
    // (South's count), a battle on 06 whose parties are not stated.
    R"({"kind":"incident","id":"i1","case":"v","date":"2024-03-03","location":{"name":"X"},"event_type":"Battles",
        "fatalities":{"low":5,"best":7,"high":9},"casualties":[
        {"party":"North","category":"combatant","fatalities":{"low":4,"best":5,"high":6},"reported_by":"North"},
        {"party":"South","category":"civilian","fatalities":{"low":1,"best":2,"high":3},"reported_by":"UN"}],
        "sources":["s"]})",
    R"({"kind":"incident","id":"i2","case":"v","date":"2024-03-05","location":{"name":"X"},
        "event_type":"Strategic developments","cause":"deprivation","fatalities":{"best":1},"casualties":[
        {"party":"South","category":"civilian","fatalities":{"best":1},"reported_by":"South"}],"sources":["s"]})",
    R"({"kind":"incident","id":"i3","case":"v","date":"2024-03-06","location":{"name":"X"},"event_type":"Battles",
        "fatalities":{"best":2},"sources":["s"]})",
    // Electricity: the supply line cut from 02, confirmed until noon on 05;
    // a schedule of 6 h off a day 03 .. 07; another of 4 h from 10. Gas:
    // a cut of the service 20:00 on 04 to 04:00 on 05. Water: cut from noon
    // on 09, nothing after.
    R"({"kind":"outage","id":"e-line","case":"v","utility":"electricity","from":"2024-03-02","scope":"supply_line",
        "confirmed_until":"2024-03-05T12:00:00Z","sources":["s"]})",
    R"({"kind":"schedule","id":"e-6h","case":"v","utility":"electricity","from":"2024-03-03","until":"2024-03-08",
        "hours_off_per_day":6,"sources":["s"]})",
    R"({"kind":"schedule","id":"e-4h","case":"v","utility":"electricity","from":"2024-03-10","until":"2024-03-11",
        "hours_off_per_day":4,"sources":["s"]})",
    R"({"kind":"outage","id":"g","case":"v","utility":"gas","from":"2024-03-04T20:00:00Z",
        "until":"2024-03-05T04:00:00Z","sources":["s"]})",
    R"({"kind":"outage","id":"w","case":"v","utility":"water","from":"2024-03-09T12:00:00Z","sources":["s"]})",
};

class FiguresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = new TestLog();
    log_->Submit(kValley);
    auto ds = log_->Load("v");
    ASSERT_OK(ds);
    ds_ = new Dataset(std::move(*ds));
    cp_ = *ResolveCheckpoint(log_->store(), std::nullopt);
    IndicatorOptions opts;
    auto ind = ComputeIndicators(*ds_, cp_, opts);
    ASSERT_OK(ind);
    ind_ = new Indicators(std::move(*ind));
  }
  void SetUp() override { ASSERT_NE(ind_, nullptr) << "the case did not load (see SetUpTestSuite)"; }
  static void TearDownTestSuite() {
    delete ind_;
    delete ds_;
    delete log_;
  }
  static const RangeEstimate& EstimateOf(const std::string& measure, const std::string& direction,
                                         const std::string& unit = "") {
    for (const auto& e : ind_->estimates) {
      if (e.measure == measure && e.direction == direction && e.outcome == "delivered" && e.unit == unit) return e;
    }
    ADD_FAILURE() << "no estimate of " << measure << " " << direction;
    static RangeEstimate none;
    return none;
  }
  static TestLog* log_;
  static Dataset* ds_;
  static CheckpointRef cp_;
  static Indicators* ind_;
};
TestLog* FiguresTest::log_ = nullptr;
Dataset* FiguresTest::ds_ = nullptr;
CheckpointRef FiguresTest::cp_;
Indicators* FiguresTest::ind_ = nullptr;

TEST_F(FiguresTest, BlockadeDaysOnTheLifelineRouteByDirection) {
  const Blockade& b = ind_->blockade;
  EXPECT_EQ(b.lifeline_routes, (std::vector<std::string>{"road"}));
  EXPECT_TRUE(b.lifeline_from_profile);
  // 02-09 are blockade days; 02, 03, 06, 07 closed both ways; 04, 05
  // humanitarian passage only; 08, 09 open outbound only (the inbound
  // status of 06 is still in force): a one-way opening is a blockade day.
  EXPECT_EQ(b.days, 10);
  EXPECT_EQ(b.blockade_days, 8);
  EXPECT_EQ(b.fully_closed, 4);
  EXPECT_EQ(b.partly_open, 4);
  EXPECT_EQ(b.open, 2);
  EXPECT_EQ(b.unknown, 0);
  EXPECT_EQ(*b.first_day, "2024-03-02");
  EXPECT_EQ(*b.last_day, "2024-03-09");
  // The old road is neither a lifeline route nor has a baseline: not listed.
  ASSERT_EQ(b.routes.size(), 1u);
  const RouteBlockade& r = b.routes[0];
  EXPECT_EQ(r.name, "Valley road");
  // Inbound: open 01, 10; humanitarian only 04, 05; closed 02, 03, 06-09.
  EXPECT_EQ(r.by_direction[0], (std::array<int64_t, 4>{0, 2, 2, 6}));
  // Outbound: open 01, 08, 09, 10; humanitarian only 04, 05; closed 4.
  EXPECT_EQ(r.by_direction[1], (std::array<int64_t, 4>{0, 4, 2, 4}));
  // The day itself says so.
  const RouteDay& mar8 = ind_->days[7].routes[1];  // routes sorted: old, road
  ASSERT_EQ(mar8.route, "road");
  EXPECT_EQ(mar8.in, RouteState::kRestricted);
  EXPECT_EQ(mar8.out, RouteState::kOpen);
  EXPECT_EQ(mar8.passage_in, Passage::kClosed);
  EXPECT_EQ(mar8.passage_out, Passage::kOpen);
  EXPECT_EQ(mar8.records, (std::vector<std::string>{"st4", "st5"}));
}

TEST_F(FiguresTest, ClosureAndSuspensionEpisodes) {
  const Blockade& b = ind_->blockade;
  std::vector<std::string> got;
  for (const Episode& e : b.episodes) got.push_back(e.kind + " " + e.from + ".." + e.to);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "blockade 2024-03-02..2024-03-09",
                     "closed 2024-03-02..2024-03-03", "closed 2024-03-06..2024-03-07",
                     // Humanitarian deliveries (inbound) blocked: closed days,
                     // then st4's list in force inbound until 10.
                     "humanitarian 2024-03-02..2024-03-03", "humanitarian 2024-03-06..2024-03-09",
                     // Medical passage blocked either way: the same days.
                     "medical 2024-03-02..2024-03-03", "medical 2024-03-06..2024-03-09"}));
  EXPECT_EQ(b.Longest("closed")->days, 2);
  EXPECT_EQ(b.Longest("medical")->from, "2024-03-06");
  EXPECT_EQ(b.Longest("medical")->days, 4);
  EXPECT_FALSE(b.Longest("blockade")->starts_at_range_start);
}

TEST_F(FiguresTest, ATwoWayObligationIsViolatedOnOneWayDays) {
  auto c = ComputeCompliance(*ds_, cp_, kNoDay, kNoDay);
  ASSERT_OK(c);
  ASSERT_EQ(c->obligations.size(), 2u);
  const ObligationCompliance& all = c->obligations[0];
  ASSERT_EQ(all.obligation, "ob-all");
  EXPECT_EQ(all.days_in_violation, 8);  // 02 .. 09, the one-way days 08 and 09 included
  EXPECT_EQ(all.days_in_compliance, 2);
  EXPECT_EQ(all.violations.back().date, "2024-03-09");
  EXPECT_EQ(all.violations.back().directions, (std::vector<std::string>{"in"}));
  // Medical passage outbound: blocked on the closed days and on 06, 07
  // (medical listed); on 08, 09 the outbound direction is open.
  const ObligationCompliance& med = c->obligations[1];
  EXPECT_EQ(med.days_in_violation, 4);
  EXPECT_EQ(*med.last_violation, "2024-03-07");
}

TEST_F(FiguresTest, PatientsAsABestEstimateWithBothCountsKeptApart) {
  const RangeEstimate& p = EstimateOf("patients", "out");
  // Single days 3 + 2 + 4 = 9. Best: the ICRC's "at least 20" for 01..08
  // plus the days after it (4 on 10) = 24, a lower bound.
  EXPECT_DOUBLE_EQ(p.daily_sum, 9);
  EXPECT_DOUBLE_EQ(p.best, 24);
  EXPECT_TRUE(p.lower_bound);
  EXPECT_EQ(p.rule, "reports_and_daily");
  ASSERT_EQ(p.reports.size(), 2u);
  const auto& icrc = p.reports[0].record == "p-icrc" ? p.reports[0] : p.reports[1];
  const auto& south = p.reports[0].record == "p-south" ? p.reports[0] : p.reports[1];
  EXPECT_TRUE(icrc.used);
  EXPECT_FALSE(icrc.one_party);
  EXPECT_FALSE(south.used);
  EXPECT_TRUE(south.one_party);  // South is a party to the conflict
  // 12 against "at least 20" for the same days: a discrepancy, both shown.
  ASSERT_EQ(p.discrepancies.size(), 1u);
  EXPECT_EQ(p.discrepancies[0].kind, "reports");
  // 01..08 are covered by the reports; 09 and 10 only by records (10) or
  // nothing (09).
  EXPECT_EQ(p.completeness.complete, 8);
  EXPECT_EQ(p.completeness.partial, 1);
  EXPECT_EQ(p.completeness.unobserved, 1);
}

TEST_F(FiguresTest, SupplyAgainstTheBaselinePerPeriod) {
  ASSERT_EQ(ind_->baselines.size(), 2u);
  const BaselineComparison& cargo = ind_->baselines[0];
  ASSERT_EQ(cargo.record, "bl");
  EXPECT_EQ(cargo.measure, "cargo");
  EXPECT_EQ(cargo.directions, (std::vector<std::string>{"in"}));
  ASSERT_EQ(cargo.periods.size(), 2u);
  // The range: North's 30 t over 01..07, nothing on 08 (nil report), 2 t
  // on 09 and 5 t on 10: 37 t against 10 t x 10 days.
  const BaselinePeriod& all = cargo.periods[0];
  EXPECT_EQ(all.days, 10);
  EXPECT_DOUBLE_EQ(all.expected, 100000);
  EXPECT_DOUBLE_EQ(all.delivered, 37000);
  EXPECT_DOUBLE_EQ(*all.ratio, 0.37);
  // 09 and 10 rest on single-day records: a lower bound; 8 of 10 days
  // observed (01..07 by the report, 08 by the nil report).
  EXPECT_TRUE(all.lower_bound);
  EXPECT_DOUBLE_EQ(all.completeness, 0.8);
  // North's own period: 30 t against 70 t.
  const BaselinePeriod& north = cargo.periods[1];
  EXPECT_EQ(north.report, "c-north");
  EXPECT_EQ(north.reported_by, "North");
  EXPECT_DOUBLE_EQ(north.delivered, 30000);
  EXPECT_DOUBLE_EQ(*north.ratio, 30000.0 / 70000.0);
  EXPECT_FALSE(north.lower_bound);
  // Vehicles (no directions: both ways, as version 1 read them): the 100
  // trucks in of 01..07 (a one-way count: "at least" for both ways), then
  // 10 in and 5 out on 10, against 100 a day.
  const BaselineComparison& veh = ind_->baselines[1];
  EXPECT_EQ(veh.directions, (std::vector<std::string>{"in", "out"}));
  EXPECT_DOUBLE_EQ(veh.periods[0].delivered, 115);
  EXPECT_DOUBLE_EQ(*veh.periods[0].ratio, 115.0 / 1000);
  EXPECT_TRUE(veh.periods[0].lower_bound);
}

// A requirement's numerator counts the sources' totals, not only the
// single-day records (tried on another blockade, every share of required
// trucks came out at 0-2 % where the period reports gave 10-84 %).
TEST_F(FiguresTest, SupplyAgainstAStatedRequirement) {
  ASSERT_EQ(ind_->requirements.size(), 1u);
  const RequirementComparison& r = ind_->requirements[0];
  EXPECT_EQ(r.routes, (std::vector<std::string>{"road"}));  // the lifeline routes by default
  EXPECT_DOUBLE_EQ(r.expected, 200);
  EXPECT_DOUBLE_EQ(r.delivered.daily_sum, 10);     // single days alone: 5 %
  EXPECT_DOUBLE_EQ(r.delivered.best, 100 + 10);    // the 100 trucks of 01..07, then 10 on 10
  EXPECT_DOUBLE_EQ(*r.ratio, 0.55);
  EXPECT_TRUE(r.delivered.lower_bound);            // 08 and 09 are not observed for vehicles
}

TEST_F(FiguresTest, CoverageOfTheImportDependentNeed) {
  // Need 500 kg a day, 80 % imported: 400 kg. 08 is watched with nothing
  // delivered: a recorded zero (coverage 0, exact). 09 and 10: 2 t and 5 t
  // (lower bounds: the days are not watched). Other days: unknown.
  std::vector<std::optional<double>> cov;
  for (const auto& d : ind_->days) cov.push_back(d.needs[0].coverage);
  using O = std::optional<double>;
  EXPECT_EQ(cov, (std::vector<O>{std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                 std::nullopt, std::nullopt, 0.0, 5.0, 12.5}));
  EXPECT_FALSE(ind_->days[7].needs[0].coverage_lower_bound);
  EXPECT_TRUE(ind_->days[8].needs[0].coverage_lower_bound);
  const NeedTotal& t = ind_->totals.needs[0];
  EXPECT_TRUE(t.assessed);
  EXPECT_DOUBLE_EQ(*t.share, 0.8);
  // 7 t of flour arrived (North's "goods" are not flour), but deliveries of
  // flour are known on one day of ten (the nil report of 08): too few for a
  // percentage of the period's need, which would read as the period's.
  EXPECT_DOUBLE_EQ(t.estimate->best, 7000);
  EXPECT_EQ(t.estimate->completeness.complete, 1);
  EXPECT_FALSE(t.coverage.has_value());
  EXPECT_NE(t.reason.find("too few days observed"), std::string::npos) << t.reason;
}

TEST_F(FiguresTest, CasualtiesByPartyCategoryAndCauseNeverAcrossParties) {
  const CasualtyTotals& c = ind_->totals.casualties;
  std::vector<std::string> groups;
  for (const auto& g : c.groups) {
    groups.push_back(g.party + "/" + g.category + "/" + g.cause + " " + std::to_string(g.figures.low) + "-" +
                     std::to_string(g.figures.best) + "-" + std::to_string(g.figures.high) + " one-party " +
                     std::to_string(g.figures.one_party_best));
  }
  EXPECT_EQ(groups, (std::vector<std::string>{
                        "North/combatant/hostilities 4-5-6 one-party 5",   // North's own count
                        "South/civilian/deprivation 1-1-1 one-party 1",    // South's own count
                        "South/civilian/hostilities 1-2-3 one-party 0",    // the UN's count
                        "/unknown/hostilities 2-2-2 one-party 0"}));       // parties not stated, last
  ASSERT_EQ(c.by_party.size(), 3u);
  EXPECT_EQ(c.by_party[1].party, "South");
  EXPECT_EQ(c.by_party[1].figures.best, 3);
  EXPECT_EQ(c.by_party[1].figures.incidents, 2);
  EXPECT_EQ(c.by_party[1].figures.reported_by, (std::vector<std::string>{"South", "UN"}));
  // Nor does a day: the battle of 03 is one line per party (days[2]).
  const IncidentTotals& day3 = ind_->days[2].incidents;
  EXPECT_EQ(day3.incidents, 1);
  ASSERT_EQ(day3.casualties.size(), 2u);
  EXPECT_EQ(day3.casualties[0].party, "North");
  EXPECT_EQ(day3.casualties[0].best, 5);
  EXPECT_EQ(day3.casualties[1].party, "South");
  EXPECT_EQ(day3.casualties[1].best, 2);
  // The JSON has no total across parties, for the range or a day.
  nlohmann::json j = IndicatorsJson(*ind_);
  EXPECT_FALSE(j["totals"]["incidents"].contains("fatalities"));
  EXPECT_FALSE(j["days"][2]["incidents"].contains("fatalities"));
  EXPECT_EQ(j["days"][2]["incidents"]["casualties"][1]["party"], "South");
  // The CSV names the party as the subject of each casualty figure.
  const std::string csv = IndicatorsCsv(*ind_);
  EXPECT_NE(csv.find("2024-03-03,incidents,North,,fatalities best,5,persons,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("2024-03-06,incidents,party not stated,,fatalities best,2,persons,"), std::string::npos);
}

TEST_F(FiguresTest, UtilitiesFromSupplyLineSchedulesAndEvidence) {
  ASSERT_EQ(ind_->totals.utilities.size(), 3u);  // electricity, gas, water
  std::vector<double> hours;
  std::vector<int> cut, unknown;
  for (const auto& d : ind_->days) {
    hours.push_back(d.utilities[0].hours);
    cut.push_back(d.utilities[0].supply_cut);
    unknown.push_back(d.utilities[0].unknown);
  }
  // The cut line is not hours without power; the schedules are: 6 h on
  // 03..07, 4 h on 10. After the line's evidence (noon on 05) nothing is
  // known until the next record (10), except what the 6-hour schedule
  // covers: 08 and 09 are unknown.
  EXPECT_EQ(hours, (std::vector<double>{0, 0, 6, 6, 6, 6, 6, 0, 0, 4}));
  EXPECT_EQ(cut, (std::vector<int>{0, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(unknown, (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 1, 1, 0}));
  const UtilityTotal& e = ind_->totals.utilities[0];
  EXPECT_DOUBLE_EQ(e.hours, 34);
  EXPECT_EQ(e.days_supply_cut, 4);
  EXPECT_EQ(e.days_unknown, 2);
  EXPECT_EQ(e.days_scheduled, 6);
  EXPECT_DOUBLE_EQ(e.max_scheduled, 6);
  EXPECT_EQ(*e.first_supply_cut, "2024-03-02");
  // Gas: 4 h on 04 and 4 h on 05. Water: cut from noon on 09 with no
  // later evidence: 12 h on 09, then unknown — not 24 h on 10.
  EXPECT_DOUBLE_EQ(ind_->days[3].utilities[1].hours, 4);
  EXPECT_DOUBLE_EQ(ind_->days[4].utilities[1].hours, 4);
  EXPECT_DOUBLE_EQ(ind_->days[8].utilities[2].hours, 12);
  EXPECT_DOUBLE_EQ(ind_->days[9].utilities[2].hours, 0);
  EXPECT_TRUE(ind_->days[9].utilities[2].unknown);
}

// A version-1 record reads as before: a status without directions applies
// both ways, and an outage without scope is a cut of the service.
TEST(FiguresV1Test, VersionOneRecordsReadAsBefore) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s","case":"c","publisher":"P","title":"T"})",
      R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-02","sources":["s"]})",
      R"({"kind":"route","id":"r","case":"c","name":"Road","type":"road","sources":["s"]})",
      R"({"kind":"baseline","id":"b","case":"c","route":"r","period":{"from":"2022-01-01","to":"2022-01-31"},
          "per_day":{"vehicles":1},"sources":["s"]})",
      R"({"kind":"route_status","id":"a","case":"c","route":"r","from":"2023-01-01","status":"closed","sources":["s"]})",
      R"({"kind":"outage","id":"o","case":"c","utility":"gas","from":"2023-01-01","until":"2023-01-02","sources":["s"]})",
  });
  auto ds = log.Load("c");
  ASSERT_OK(ds);
  auto ind = ComputeIndicators(*ds, *ResolveCheckpoint(log.store(), std::nullopt), IndicatorOptions{});
  ASSERT_OK(ind);
  EXPECT_EQ(ind->days[0].routes[0].in, RouteState::kClosed);
  EXPECT_EQ(ind->days[0].routes[0].out, RouteState::kClosed);
  // Without lifeline_routes, the route with a baseline is the lifeline.
  EXPECT_EQ(ind->blockade.lifeline_routes, (std::vector<std::string>{"r"}));
  EXPECT_FALSE(ind->blockade.lifeline_from_profile);
  EXPECT_EQ(ind->blockade.fully_closed, 2);
  EXPECT_DOUBLE_EQ(ind->days[0].utilities[0].hours, 24);
  EXPECT_FALSE(ind->days[0].utilities[0].supply_cut);
}

// The headline figures of case `id` in `log`, at its latest checkpoint, over
// the case's own range. The headline's record lists index the ids of `ds`,
// the loaded dataset, which the caller keeps as long as it reads them.
void HeadlineOf(TestLog& log, const std::string& id, Dataset* ds, Headline* out) {
  auto loaded = log.Load(id);
  ASSERT_OK(loaded);
  *ds = std::move(*loaded);
  CheckpointRef cp = *ResolveCheckpoint(log.store(), std::nullopt);
  auto ind = ComputeIndicators(*ds, cp, IndicatorOptions{});
  ASSERT_OK(ind);
  auto comp = ComputeCompliance(*ds, cp, kNoDay, kNoDay);
  ASSERT_OK(comp);
  *out = ComputeHeadline(*ind, *comp);
}

// Supplies against the baseline: inbound cargo, and inbound vehicles when the
// baseline counts vehicles coming in only (trucks of supplies, as crossings
// count them); a two-way vehicle count is traffic and gives no such figure.
TEST(FiguresSupplyTest, InboundVehiclesAreSuppliesTwoWayVehiclesAreNot) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s","case":"c","publisher":"P","title":"T"})",
      R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-04","sources":["s"]})",
      R"({"kind":"route","id":"x","case":"c","name":"Crossing","type":"crossing","sources":["s"]})",
      R"({"kind":"route","id":"r","case":"c","name":"Road","type":"road","sources":["s"]})",
      R"({"kind":"baseline","id":"b-in","case":"c","route":"x","period":{"from":"2022-01-01","to":"2022-01-31"},
          "per_day":{"vehicles":50},"directions":["in"],"sources":["s"]})",
      R"({"kind":"baseline","id":"b-both","case":"c","route":"r","period":{"from":"2022-01-01","to":"2022-01-31"},
          "per_day":{"vehicles":80},"sources":["s"]})",
      R"({"kind":"watch","id":"w","case":"c","route":"x","from":"2023-01-01","to":"2023-01-04","directions":["in"],
          "measures":["vehicles"],"sources":["s"]})",
      R"({"kind":"movement","id":"m1","case":"c","route":"x","date":"2023-01-02","direction":"in","operator":"O",
          "vehicles":20,"sources":["s"]})",
      R"({"kind":"movement","id":"m2","case":"c","route":"x","date":"2023-01-03","direction":"in","operator":"O",
          "vehicles":10,"sources":["s"]})",
      R"({"kind":"movement","id":"m3","case":"c","route":"r","date":"2023-01-03","direction":"in","operator":"O",
          "vehicles":7,"sources":["s"]})",
  });
  Dataset ds;
  Headline h;
  ASSERT_NO_FATAL_FAILURE(HeadlineOf(log, "c", &ds, &h));
  const HeadlineFigure* f = h.Find("supply.baseline.vehicles");
  ASSERT_NE(f, nullptr);
  // 30 trucks in over the 4 watched days against 50 a day.
  EXPECT_EQ(f->detail["route"], "x");
  EXPECT_EQ(f->detail["unit"], "vehicles");
  EXPECT_DOUBLE_EQ(f->detail["delivered"].get<double>(), 30);
  EXPECT_DOUBLE_EQ(f->detail["expected"].get<double>(), 200);
  EXPECT_DOUBLE_EQ(*f->value, 0.15);
  EXPECT_EQ(f->bound, "exact");
  int supply = 0;
  for (const auto& g : h.figures) supply += g.key.rfind("supply.baseline.", 0) == 0;
  EXPECT_EQ(supply, 1) << "the two-way vehicle baseline on the road gave a supply figure";
}

// "Stopped" counts movements: a source's period total of stopped convoys is
// not one more movement, so the figure is the single-day records (at least
// what happened), while all three records are named behind it.
TEST(FiguresStoppedTest, APeriodReportIsNotCountedAsAMovement) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s","case":"c","publisher":"P","title":"T"})",
      R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-05","sources":["s"]})",
      R"({"kind":"route","id":"r","case":"c","name":"Road","type":"road","sources":["s"]})",
      R"({"kind":"movement","id":"m1","case":"c","route":"r","date":"2023-01-02","direction":"in","operator":"O",
          "outcome":"stopped","vehicles":3,"sources":["s"]})",
      R"({"kind":"movement","id":"m2","case":"c","route":"r","date":"2023-01-03","direction":"in","operator":"O",
          "outcome":"stopped","vehicles":2,"sources":["s"]})",
      R"({"kind":"movement","id":"p","case":"c","route":"r","date":"2023-01-05","direction":"in","operator":"O",
          "outcome":"stopped","vehicles":10,"period":{"from":"2023-01-01","to":"2023-01-05"},"sources":["s"]})",
  });
  Dataset ds;
  Headline h;
  ASSERT_NO_FATAL_FAILURE(HeadlineOf(log, "c", &ds, &h));
  const HeadlineFigure* f = h.Find("stopped");
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(*f->value, 2);
  EXPECT_EQ(f->bound, "at_least");
  EXPECT_EQ(f->records, (std::vector<std::string>{"m1", "m2", "p"}));
}

}  // namespace
}  // namespace lifeline::analysis
