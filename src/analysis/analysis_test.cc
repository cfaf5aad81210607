// Hand-computed small cases for every indicator and for compliance. The
// expected figures are worked out in the comments next to the records.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "analysis/json_writer.h"
#include "analysis/movement_parse.h"
#include "base/status_testing.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

// A five-day case, 2023-01-01 .. 2023-01-05, population 1,000, need 0.4 kg
// of flour per person per day (400 kg/day), all of it imported (the case
// profile's dependency share is 1).
const std::vector<std::string> kCase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","ended":"2023-01-05",
        "population":[{"date":"2023-01-01","count":1000}],"dependency":[{"commodity":"flour","share":1}],
        "sources":["s1"]})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
    R"({"kind":"need_standard","id":"ns-flour","case":"c1","commodity":"flour","quantity":0.4,"unit":"kg",
        "basis":"test","sources":["s1"]})",
    R"({"kind":"baseline","id":"bl1","case":"c1","route":"r1","period":{"from":"2022-12-01","to":"2022-12-31"},
        "per_day":{"vehicles":10,"cargo":[{"commodity":"goods","quantity":1,"unit":"t"}]},"sources":["s1"]})",
    // Statuses: 01-01 open; 01-02 open then restricted for cargo from noon;
    // 01-03 restricted (cargo); 01-04 closed until 06:00, then nothing in
    // force; 01-05 open.
    R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01","status":"open","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs2","case":"c1","route":"r1","from":"2023-01-02T12:00:00Z","status":"restricted",
        "restricted":["cargo"],"sources":["s1"]})",
    R"({"kind":"route_status","id":"rs3","case":"c1","route":"r1","from":"2023-01-04","until":"2023-01-04T06:00:00Z",
        "status":"closed","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs4","case":"c1","route":"r1","from":"2023-01-05","status":"open","sources":["s1"]})",
    // 01-02: ICRC in, 2 movements, 3 vehicles, 3 persons, 0.3 t + 50 kg flour.
    R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-02","direction":"in","operator":"ICRC",
        "vehicles":2,"persons":3,"cargo":[{"commodity":"flour","quantity":0.3,"unit":"t"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m2","case":"c1","route":"r1","date":"2023-01-02","direction":"in","operator":"ICRC",
        "vehicles":1,"cargo":[{"commodity":"flour","quantity":50,"unit":"kg"}],"sources":["s1"]})",
    // 01-03: a stopped convoy (not delivered) and 4 patients out.
    R"({"kind":"movement","id":"m3","case":"c1","route":"r1","date":"2023-01-03","direction":"in","operator":"Gov",
        "outcome":"stopped","vehicles":5,"cargo":[{"commodity":"flour","quantity":2,"unit":"t"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m4","case":"c1","route":"r1","date":"2023-01-03","direction":"out","operator":"ICRC",
        "patients":4,"sources":["s1"]})",
    // 01-04: m5 (1 t) is corrected by m5b (0.5 t); m6 is retracted.
    R"({"kind":"movement","id":"m5","case":"c1","route":"r1","date":"2023-01-04","direction":"in","operator":"ICRC",
        "cargo":[{"commodity":"flour","quantity":1,"unit":"t"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m5b","case":"c1","route":"r1","date":"2023-01-04","direction":"in","operator":"ICRC",
        "supersedes":"m5","cargo":[{"commodity":"flour","quantity":0.5,"unit":"t"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m6","case":"c1","route":"r1","date":"2023-01-04","direction":"in","operator":"ICRC",
        "vehicles":9,"sources":["s1"]})",
    R"({"kind":"retraction","id":"ret1","case":"c1","retracts":"m6","reason":"duplicate"})",
    // A total over the period: reported apart, never in daily values.
    R"({"kind":"movement","id":"m7","case":"c1","route":"r1","date":"2023-01-05","direction":"in","operator":"ICRC",
        "period":{"from":"2023-01-01","to":"2023-01-05"},"cargo":[{"commodity":"flour","quantity":10,"unit":"t"}],
        "sources":["s1"]})",
    // Gas: 20:00 (01-02) to 04:00 and 02:00 to 10:00 (01-03), overlapping
    // 2 h: 4 h on 01-02 and 10 h on 01-03. Electricity from 12:00 on 01-05,
    // never restored: 12 h.
    R"({"kind":"outage","id":"o1","case":"c1","utility":"gas","from":"2023-01-02T20:00:00Z","until":"2023-01-03T04:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o2","case":"c1","utility":"gas","from":"2023-01-03T02:00:00Z","until":"2023-01-03T10:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o3","case":"c1","utility":"electricity","from":"2023-01-05T12:00:00Z","sources":["s1"]})",
    R"({"kind":"incident","id":"i1","case":"c1","date":"2023-01-03","location":{"name":"X"},"event_type":"Battles",
        "fatalities":{"best":2},"injuries":1,"sources":["s1"]})",
    R"({"kind":"incident","id":"i2","case":"c1","date":"2023-01-03","location":{"name":"X"},"event_type":"Battles",
        "fatalities":{"low":1,"best":3,"high":5},"sources":["s1"]})",
    R"({"kind":"obligation","id":"ob-persons","case":"c1","instrument":"court_order","title":"Open for persons",
        "issued":"2023-01-02","rule":{"type":"route_open","route":"r1","for":["persons"],"directions":["in","out"],
        "from":"2023-01-02"},"sources":["s1"]})",
    R"({"kind":"obligation","id":"ob-cargo","case":"c1","instrument":"agreement","title":"Open for cargo",
        "issued":"2023-01-01","rule":{"type":"route_open","route":"r1","for":["cargo"],"directions":["in"],
        "from":"2023-01-01","until":"2023-01-04"},"sources":["s1"]})",
};

class AnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Submit(kCase);
    auto ds = log_.Load("c1");
    ASSERT_OK(ds);
    ds_ = std::move(*ds);
    auto cp = ResolveCheckpoint(log_.store(), std::nullopt);
    ASSERT_OK(cp);
    cp_ = *cp;
    auto ind = ComputeIndicators(ds_, cp_, IndicatorOptions{});
    ASSERT_OK(ind);
    ind_ = std::move(*ind);
  }
  TestLog log_;
  Dataset ds_;
  CheckpointRef cp_;
  Indicators ind_;
};

// A case without an end, and a record dated 9999-12-31 appended before
// submission checked dates: it made every day range of the case run to
// 9999 (longer than an analysis may be), so indicators, compliance, the
// headline and the report failed for the whole case. It is left out, by
// name, judged at the day it was recorded (never by the clock).
const std::vector<std::string> kOpenCase = {
    R"({"kind":"source","id":"s1","case":"c9","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"c9","title":"Open","region":"R","started":"2023-01-01","sources":["s1"],
        "population":[{"date":"2023-01-01","count":1000}]})",
    R"({"kind":"route","id":"r1","case":"c9","name":"Road","type":"road","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs1","case":"c9","route":"r1","from":"2023-01-01","status":"closed","sources":["s1"]})",
    R"({"kind":"movement","id":"m1","case":"c9","route":"r1","date":"2023-01-03","direction":"in","operator":"ICRC",
        "vehicles":2,"sources":["s1"]})",
};

TEST(FarDateTest, ARecordDatedFarAwayIsLeftOutOfTheAnalysesByName) {
  TestLog log;
  log.Submit(kOpenCase);
  log.AppendUnchecked({R"({"kind":"movement","id":"m-far","case":"c9","route":"r1","date":"9999-12-31",
        "direction":"in","operator":"ICRC","vehicles":5,"sources":["s1"]})"});
  auto ds = log.Load("c9");
  ASSERT_OK(ds);
  ASSERT_EQ(ds->skipped.size(), 1u);
  EXPECT_EQ(ds->skipped[0].id, "m-far");
  EXPECT_EQ(ds->skipped[0].field, "date");
  EXPECT_NE(ds->skipped[0].message.find("9999-12-31"), std::string::npos) << ds->skipped[0].message;
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  ASSERT_OK(cp);
  auto ind = ComputeIndicators(*ds, *cp, IndicatorOptions{});
  ASSERT_OK(ind);
  EXPECT_EQ(ind->to, "2023-01-03");
  ASSERT_FALSE(ind->assumption_keys.empty());
  EXPECT_EQ(ind->assumption_keys.back(), "indicators.far_date");
  EXPECT_NE(ind->assumptions.back().find("m-far"), std::string::npos);
  int32_t from = kNoDay, to = kNoDay;
  ASSERT_TRUE(ResolveRange(*ds, &from, &to).ok());
  auto comp = ComputeCompliance(*ds, *cp, from, to);
  ASSERT_OK(comp);
  Headline head = ComputeHeadline(*ind, *comp);
  EXPECT_FALSE(HeadlineJson(head).empty());
  // A date the case's own window allows is kept.
  TestLog wide;
  std::vector<std::string> lines = kOpenCase;
  lines[1] = R"({"kind":"case","id":"c9","title":"Open","region":"R","started":"2023-01-01","sources":["s1"],
        "date_window":{"until":"2100-01-01"}})";
  wide.Submit(lines);
  wide.AppendUnchecked({R"({"kind":"movement","id":"m-2099","case":"c9","route":"r1","date":"2099-01-01",
        "direction":"in","operator":"ICRC","vehicles":5,"sources":["s1"]})"});
  auto wds = wide.Load("c9");
  ASSERT_OK(wds);
  EXPECT_TRUE(wds->skipped.empty());
}

TEST_F(AnalysisTest, RangeDefaultsToTheCaseAndNamesTheCheckpoint) {
  EXPECT_EQ(ind_.from, "2023-01-01");
  EXPECT_EQ(ind_.to, "2023-01-05");
  ASSERT_EQ(ind_.days.size(), 5u);
  EXPECT_EQ(ind_.checkpoint.size, log_.size());
  EXPECT_EQ(ind_.checkpoint.root.size(), 44u);  // base64 of 32 bytes
  EXPECT_EQ(IndicatorsJson(ind_)["checkpoint"]["size"], log_.size());
}

TEST_F(AnalysisTest, RouteStatusIsTheMostRestrictiveOfTheDay) {
  std::vector<std::string> states;
  for (const auto& d : ind_.days) {
    ASSERT_EQ(d.routes.size(), 1u);
    states.push_back(std::string(RouteStateName(d.routes[0].state)));
  }
  EXPECT_EQ(states, (std::vector<std::string>{"open", "restricted", "restricted", "closed", "open"}));
  EXPECT_EQ(ind_.days[1].routes[0].records, (std::vector<std::string>{"rs1", "rs2"}));
  EXPECT_EQ(ind_.days[1].routes[0].restricted, (std::vector<std::string>{"cargo"}));
  EXPECT_EQ(ind_.days[3].routes[0].records, (std::vector<std::string>{"rs3"}));
  ASSERT_EQ(ind_.totals.routes.size(), 1u);
  EXPECT_EQ(ind_.totals.routes[0].open, 2);
  EXPECT_EQ(ind_.totals.routes[0].restricted, 2);
  EXPECT_EQ(ind_.totals.routes[0].closed, 1);
  EXPECT_EQ(ind_.totals.routes[0].unknown, 0);
}

TEST_F(AnalysisTest, MovementsByOperatorStoppedConvoysApart) {
  const auto& d2 = ind_.days[1].flows;
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2[0].op, "ICRC");
  EXPECT_EQ(d2[0].direction, "in");
  EXPECT_EQ(d2[0].delivered.movements, 2);
  EXPECT_EQ(d2[0].delivered.vehicles, 3);
  EXPECT_EQ(d2[0].delivered.persons, 3);
  EXPECT_EQ(d2[0].delivered.records, (std::vector<std::string>{"m1", "m2"}));

  const auto& d3 = ind_.days[2].flows;  // sorted by operator: Gov, ICRC
  ASSERT_EQ(d3.size(), 2u);
  EXPECT_EQ(d3[0].op, "Gov");
  EXPECT_EQ(d3[0].delivered.movements, 0);
  EXPECT_EQ(d3[0].stopped.movements, 1);
  EXPECT_EQ(d3[0].stopped.vehicles, 5);
  EXPECT_EQ(d3[0].stopped.records, (std::vector<std::string>{"m3"}));
  EXPECT_EQ(d3[1].op, "ICRC");
  EXPECT_EQ(d3[1].direction, "out");
  EXPECT_EQ(d3[1].delivered.patients, 4);
}

TEST_F(AnalysisTest, SupersededAndRetractedMovementsAreNotCounted) {
  const auto& d4 = ind_.days[3].flows;
  ASSERT_EQ(d4.size(), 1u);
  EXPECT_EQ(d4[0].delivered.movements, 1);  // m5b only
  EXPECT_EQ(d4[0].delivered.vehicles, 0);   // m6 (9 vehicles) retracted
  EXPECT_EQ(d4[0].delivered.records, (std::vector<std::string>{"m5b"}));
  ASSERT_EQ(ind_.days[3].cargo.size(), 1u);
  EXPECT_DOUBLE_EQ(ind_.days[3].cargo[0].delivered, 500);  // 0.5 t, not 1 t
}

TEST_F(AnalysisTest, CargoInCanonicalUnits) {
  ASSERT_EQ(ind_.days[1].cargo.size(), 1u);
  EXPECT_EQ(ind_.days[1].cargo[0].commodity, "flour");
  EXPECT_EQ(ind_.days[1].cargo[0].unit, "kg");
  EXPECT_DOUBLE_EQ(ind_.days[1].cargo[0].delivered, 350);  // 0.3 t + 50 kg
  ASSERT_EQ(ind_.days[2].cargo.size(), 1u);
  EXPECT_DOUBLE_EQ(ind_.days[2].cargo[0].delivered, 0);
  EXPECT_DOUBLE_EQ(ind_.days[2].cargo[0].stopped, 2000);  // the stopped 2 t
  ASSERT_EQ(ind_.totals.cargo.size(), 1u);
  EXPECT_DOUBLE_EQ(ind_.totals.cargo[0].delivered, 850);  // m7's 10 t not included
}

TEST_F(AnalysisTest, NeedCoverageAndCumulativeDeficit) {
  // need 400 kg/day; delivered 0, 350, 0, 500, 0. No day is watched, so a
  // day's coverage is known only where deliveries were recorded (01-02 and
  // 01-04), and then only as a lower bound; 01-03 has only a stopped convoy.
  std::vector<std::optional<double>> coverage, cumulative;
  for (const auto& d : ind_.days) {
    ASSERT_EQ(d.needs.size(), 1u);
    EXPECT_EQ(*d.needs[0].population, 1000);
    EXPECT_DOUBLE_EQ(*d.needs[0].need, 400);
    coverage.push_back(d.needs[0].coverage);
    cumulative.push_back(d.needs[0].cumulative_deficit);
  }
  using O = std::optional<double>;
  EXPECT_EQ(coverage, (std::vector<O>{std::nullopt, 0.875, std::nullopt, 1.25, std::nullopt}));
  EXPECT_TRUE(ind_.days[1].needs[0].coverage_lower_bound);
  EXPECT_EQ(ind_.days[0].needs[0].reason, "no record of deliveries this day and the day is not watched");
  // Shortfalls only where coverage is known: 50 kg on 01-02, none on 01-04.
  EXPECT_EQ(cumulative, (std::vector<O>{std::nullopt, 50, 50, 50, 50}));
  EXPECT_EQ(ind_.days[1].needs[0].records, (std::vector<std::string>{"c1", "m1", "m2", "ns-flour"}));
  const NeedTotal& t = ind_.totals.needs[0];
  EXPECT_TRUE(t.assessed);
  EXPECT_DOUBLE_EQ(*t.need, 2000);
  EXPECT_DOUBLE_EQ(t.delivered, 850);  // the single-day records
  // The estimate: m7's 10 t over the whole range is larger than the 850 kg
  // of single-day records, and it covers every day, so it is the figure
  // (not a lower bound): coverage 10,000 / 2,000.
  ASSERT_TRUE(t.estimate.has_value());
  EXPECT_DOUBLE_EQ(t.estimate->daily_sum, 850);
  EXPECT_DOUBLE_EQ(t.estimate->best, 10000);
  EXPECT_EQ(t.estimate->rule, "reports");
  EXPECT_FALSE(t.estimate->lower_bound);
  EXPECT_DOUBLE_EQ(*t.coverage, 5);
  EXPECT_FALSE(t.coverage_lower_bound);
  EXPECT_DOUBLE_EQ(t.shortfall, 50);
}

// Without an assessed import dependency there is no coverage at all: a
// need that local production met in part cannot be set against imports.
TEST(NeedDependencyTest, NotAssessedMeansNoCoverage) {
  std::vector<std::string> lines = kCase;
  lines[1] = R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","ended":"2023-01-05",
        "population":[{"date":"2023-01-01","count":1000}],"sources":["s1"]})";
  TestLog log;
  log.Submit(lines);
  auto ds = log.Load("c1");
  ASSERT_OK(ds);
  auto ind = ComputeIndicators(*ds, *ResolveCheckpoint(log.store(), std::nullopt), IndicatorOptions{});
  ASSERT_OK(ind);
  const NeedTotal& t = ind->totals.needs[0];
  EXPECT_FALSE(t.assessed);
  EXPECT_FALSE(t.coverage.has_value());
  EXPECT_NE(t.reason.find("not assessed"), std::string::npos);
  for (const auto& d : ind->days) EXPECT_FALSE(d.needs[0].coverage.has_value());
}

TEST_F(AnalysisTest, DeliveredAgainstBaseline) {
  // Baseline: 10 vehicles and 1,000 kg per day on r1.
  ASSERT_EQ(ind_.totals.baseline.size(), 2u);
  const BaselineDay& veh = ind_.totals.baseline[0];
  EXPECT_EQ(veh.measure, "vehicles");
  EXPECT_DOUBLE_EQ(veh.baseline, 50);
  EXPECT_DOUBLE_EQ(veh.delivered, 3);  // m1 + m2; the stopped 5 do not count
  EXPECT_DOUBLE_EQ(*veh.ratio, 0.06);
  const BaselineDay& cargo = ind_.totals.baseline[1];
  EXPECT_EQ(cargo.measure, "cargo (kg)");
  EXPECT_DOUBLE_EQ(cargo.delivered, 850);
  EXPECT_DOUBLE_EQ(*cargo.ratio, 0.17);
  EXPECT_DOUBLE_EQ(*ind_.days[1].baseline[0].ratio, 0.3);
}

TEST_F(AnalysisTest, HoursWithoutUtilitiesCountOverlapsOnce) {
  // Utilities sorted: electricity, gas.
  ASSERT_EQ(ind_.totals.utilities.size(), 2u);
  EXPECT_EQ(ind_.totals.utilities[1].utility, "gas");
  std::vector<double> gas, power;
  for (const auto& d : ind_.days) {
    power.push_back(d.utilities[0].hours);
    gas.push_back(d.utilities[1].hours);
  }
  EXPECT_EQ(gas, (std::vector<double>{0, 4, 10, 0, 0}));
  EXPECT_EQ(power, (std::vector<double>{0, 0, 0, 0, 12}));
  EXPECT_DOUBLE_EQ(ind_.totals.utilities[1].hours, 14);
  EXPECT_EQ(ind_.days[2].utilities[1].records, (std::vector<std::string>{"o1", "o2"}));
}

TEST_F(AnalysisTest, IncidentsFatalitiesLowBestHigh) {
  const IncidentTotals& t = ind_.days[2].incidents;
  EXPECT_EQ(t.incidents, 2);
  // Neither incident states a party: one line, party not stated.
  ASSERT_EQ(t.casualties.size(), 1u);
  EXPECT_EQ(t.casualties[0].party, "");
  EXPECT_EQ(t.casualties[0].low, 3);   // 2 (best, no low) + 1
  EXPECT_EQ(t.casualties[0].best, 5);
  EXPECT_EQ(t.casualties[0].high, 7);  // 2 (best, no high) + 5
  EXPECT_EQ(t.casualties[0].injuries, 1);
  EXPECT_EQ(t.records, (std::vector<std::string>{"i1", "i2"}));
  // The range's totals never add fatalities across incidents of different
  // parties: they are in the casualties breakdown. Neither incident names
  // its parties, so both are one group: party not stated, category
  // unknown, cause hostilities (Battles).
  EXPECT_EQ(ind_.totals.incidents.incidents, 2);
  ASSERT_EQ(ind_.totals.casualties.groups.size(), 1u);
  const CasualtyGroup& g = ind_.totals.casualties.groups[0];
  EXPECT_EQ(g.party, "");
  EXPECT_EQ(g.category, "unknown");
  EXPECT_EQ(g.cause, "hostilities");
  EXPECT_EQ(g.figures.incidents, 2);
  EXPECT_EQ(g.figures.low, 3);
  EXPECT_EQ(g.figures.best, 5);
  EXPECT_EQ(g.figures.high, 7);
  EXPECT_EQ(g.figures.injuries, 1);
}

TEST_F(AnalysisTest, PeriodMovementsReportedApart) {
  ASSERT_EQ(ind_.period_movements.size(), 1u);
  const PeriodMovement& p = ind_.period_movements[0];
  EXPECT_EQ(p.record, "m7");
  EXPECT_EQ(p.from, "2023-01-01");
  EXPECT_EQ(p.to, "2023-01-05");
  ASSERT_EQ(p.cargo.size(), 1u);
  EXPECT_DOUBLE_EQ(p.cargo[0].delivered, 10000);
  EXPECT_TRUE(ind_.days[4].flows.empty());  // m7 is dated 01-05 but not a daily movement
}

TEST_F(AnalysisTest, ComplianceDayByDay) {
  auto c = ComputeCompliance(ds_, cp_, kNoDay, kNoDay);
  ASSERT_OK(c);
  ASSERT_EQ(c->obligations.size(), 2u);
  // ob-cargo: 01-01 .. 01-04; violated while restricted for cargo or closed.
  const ObligationCompliance& cargo = c->obligations[0];
  EXPECT_EQ(cargo.obligation, "ob-cargo");
  EXPECT_EQ(cargo.days_evaluated, 4);
  EXPECT_EQ(cargo.days_in_violation, 3);
  EXPECT_EQ(cargo.days_in_compliance, 1);
  EXPECT_EQ(*cargo.first_violation, "2023-01-02");
  EXPECT_EQ(*cargo.last_violation, "2023-01-04");
  ASSERT_EQ(cargo.violations.size(), 3u);
  EXPECT_EQ(cargo.violations[0].records, (std::vector<std::string>{"rs1", "rs2"}));
  EXPECT_EQ(cargo.violations[2].status, "closed");
  EXPECT_EQ(cargo.violations[2].records, (std::vector<std::string>{"rs3"}));
  // ob-persons: a restriction of cargo only does not violate it.
  const ObligationCompliance& persons = c->obligations[1];
  EXPECT_EQ(persons.days_evaluated, 4);
  EXPECT_EQ(persons.days_in_violation, 1);
  EXPECT_EQ(persons.days_in_compliance, 3);
  EXPECT_EQ(*persons.first_violation, "2023-01-04");
}

TEST_F(AnalysisTest, OutputsCarryCheckpointAndRecords) {
  nlohmann::json j = IndicatorsJson(ind_);
  EXPECT_EQ(j["days"][1]["movements"][0]["delivered"]["records"], nlohmann::json({"m1", "m2"}));
  EXPECT_EQ(j["checkpoint"]["root"], cp_.root);
  std::string csv = IndicatorsCsv(ind_);
  EXPECT_NE(csv.find("2023-01-02,cargo_in,flour,in,delivered,350,kg,m1;m2\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("total,outage,gas,,hours without,14,h,o1;o2\n"), std::string::npos);
  std::string table = IndicatorsTable(ind_, true);
  EXPECT_NE(table.find("tree size " + std::to_string(cp_.size)), std::string::npos);
  EXPECT_NE(table.find("m5b"), std::string::npos);
  auto c = ComputeCompliance(ds_, cp_, kNoDay, kNoDay);
  ASSERT_OK(c);
  std::string ccsv = ComplianceCsv(*c);
  EXPECT_NE(ccsv.find("ob-cargo,2023-01-04,violation,closed,,rs3\n"), std::string::npos) << ccsv;
}

TEST_F(AnalysisTest, ExplicitRangeAndBadRange) {
  IndicatorOptions o;
  o.from = D("2023-01-03");
  o.to = D("2023-01-03");
  auto ind = ComputeIndicators(ds_, cp_, o);
  ASSERT_OK(ind);
  ASSERT_EQ(ind->days.size(), 1u);
  EXPECT_EQ(ind->totals.incidents.incidents, 2);
  o.from = D("2023-01-04");
  auto bad = ComputeIndicators(ds_, cp_, o);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  o.from = D("1900-01-01");
  o.to = D("2100-01-01");
  EXPECT_EQ(ComputeIndicators(ds_, cp_, o).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AnalysisTest, UnknownCaseIsNotFound) {
  EXPECT_EQ(log_.Load("no-such-case").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(log_.Load("c1", 1).status().code(), ErrorCode::kNotFound);  // no checkpoint of size 1
}

// LoadDataset's observer (the report reads its records in the load's pass)
// sees the rows ForEachCurrentRow passes, each once, in log order: m5
// (superseded) and m6 (retracted) not at all. A plain movement comes as the
// fast reader's fields with its sources and its id's index; any other row
// parsed whole. Observing changes nothing in the dataset.
TEST_F(AnalysisTest, TheLoadShowsEachCurrentRowOnceInLogOrder) {
  std::vector<std::string> want;
  ASSERT_OK(ForEachCurrentRow(log_.store(), "c1", cp_.size, [&](const store::RecordRow& r) {
    want.push_back(r.id);
    return Status::Ok();
  }));
  std::vector<std::string> seen;
  std::vector<std::string> fast;
  auto observed = LoadDataset(log_.store(), "c1", cp_, [&](const LoadedRow& r) -> Status {
    seen.push_back(r.row->id);
    EXPECT_EQ(r.ds->outcome_classes, ds_.outcome_classes);
    EXPECT_NE(r.movement == nullptr, r.body == nullptr) << r.row->id;
    if (r.movement != nullptr) {
      fast.push_back(r.row->id);
      EXPECT_EQ(r.movement->id, r.row->id);
      EXPECT_EQ(r.movement->sources, std::vector<std::string>{"s1"}) << r.row->id;
      EXPECT_EQ(r.ds->ids.at(r.record), r.row->id);
    } else {
      EXPECT_EQ(r.record, kNone);
      EXPECT_EQ(r.body->value("id", ""), r.row->id);
    }
    return Status::Ok();
  });
  ASSERT_OK(observed);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "m5"), 0);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "m6"), 0);
  // Every current movement of this case is plain, so read fast, the period total m7 too.
  EXPECT_EQ(fast, (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5b", "m7"}));
  auto ind = ComputeIndicators(*observed, cp_, IndicatorOptions{});
  ASSERT_OK(ind);
  EXPECT_EQ(IndicatorsJson(*ind), IndicatorsJson(ind_));

  // An error from the observer ends the load and is what it returns.
  int calls = 0;
  auto stopped = LoadDataset(log_.store(), "c1", cp_, [&](const LoadedRow&) -> Status {
    return ++calls == 3 ? InvalidArgumentError("enough") : Status::Ok();
  });
  EXPECT_EQ(stopped.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(calls, 3);
}

// A case of several load batches (a batch is 4,096 rows, parsed beside the
// reading of the next), with corrections and retractions that reach back
// across them: the load passes each current row once, in log order; the
// dataset holds the current movements in that order, with the vehicles the
// records give; an observer's error in a later batch ends the load there.
// The reference is the records as this test wrote them.
TEST(AnalysisLoadTest, ManyBatchesLoadInLogOrderWithReplacementsAcrossThem) {
  TestLog log;
  log.Submit({kCase[0], kCase[1], kCase[2]});
  constexpr int kMovements = 10000;
  auto movement = [](const std::string& id, int i, int vehicles, const std::string& extra) {
    return R"({"kind":"movement","id":")" + id + R"(","case":"c1","route":"r1","date":"2023-01-0)" +
           std::to_string(1 + i % 5) + R"(","direction":"in","operator":"ICRC","vehicles":)" +
           std::to_string(vehicles) + extra + R"(,"sources":["s1"]})";
  };
  std::vector<std::string> lines;
  for (int i = 0; i < kMovements; ++i) lines.push_back(movement("mb" + std::to_string(i), i, 1 + i % 7, ""));
  log.Submit(lines);
  // Then every 101st movement retracted and every other 97th corrected.
  std::set<std::string> want_ids = {"s1", "c1", "r1"};
  int64_t want_vehicles = 0;
  size_t want_movements = 0;
  lines.clear();
  for (int i = 0; i < kMovements; ++i) {
    const std::string id = "mb" + std::to_string(i);
    if (i % 101 == 0) {
      lines.push_back(R"({"kind":"retraction","id":"rt)" + std::to_string(i) + R"(","case":"c1","retracts":")" + id +
                      R"(","reason":"test"})");
      want_ids.insert("rt" + std::to_string(i));
    } else if (i % 97 == 0) {
      lines.push_back(movement("mc" + std::to_string(i), i, 100, R"(,"supersedes":")" + id + "\""));
      want_ids.insert("mc" + std::to_string(i));
      want_vehicles += 100;
      ++want_movements;
    } else {
      want_ids.insert(id);
      want_vehicles += 1 + i % 7;
      ++want_movements;
    }
  }
  log.Submit(lines);
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  ASSERT_OK(cp);

  std::vector<uint64_t> indexes;
  std::set<std::string> seen;
  std::vector<std::string> seen_movements;
  auto ds = LoadDataset(log.store(), "c1", *cp, [&](const LoadedRow& r) -> Status {
    indexes.push_back(r.row->index);
    EXPECT_TRUE(seen.insert(r.row->id).second) << r.row->id << " passed twice";
    if (r.movement != nullptr) seen_movements.push_back(r.row->id);
    return Status::Ok();
  });
  ASSERT_OK(ds);
  EXPECT_EQ(seen, want_ids);
  EXPECT_TRUE(std::is_sorted(indexes.begin(), indexes.end()));
  ASSERT_EQ(ds->movements.record.size(), want_movements);
  ASSERT_EQ(seen_movements.size(), want_movements);
  int64_t vehicles = 0;
  for (size_t k = 0; k < want_movements; ++k) {
    EXPECT_EQ(ds->ids.at(ds->movements.record[k]), seen_movements[k]) << k;
    vehicles += ds->movements.vehicles[k];
  }
  EXPECT_EQ(vehicles, want_vehicles);

  int calls = 0;
  auto stopped = LoadDataset(log.store(), "c1", *cp, [&](const LoadedRow&) -> Status {
    return ++calls == 6000 ? InvalidArgumentError("enough") : Status::Ok();
  });
  EXPECT_EQ(stopped.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(calls, 6000);
}

TEST(AnalysisCheckpointTest, AnOldCheckpointIgnoresLaterCorrections) {
  TestLog log;
  std::vector<std::string> first(kCase.begin(), kCase.begin() + 3);
  first.push_back(
      R"({"kind":"movement","id":"mx","case":"c1","route":"r1","date":"2023-01-02","direction":"in","operator":"ICRC","vehicles":7,"sources":["s1"]})");
  log.Submit(first);
  const uint64_t before = log.size();
  log.Submit({R"({"kind":"retraction","id":"retx","case":"c1","retracts":"mx","reason":"wrong"})"});
  auto vehicles_on_0102 = [&](std::optional<uint64_t> at) -> int64_t {
    auto ds = log.Load("c1", at);
    EXPECT_OK(ds);
    auto cp = ResolveCheckpoint(log.store(), at);
    auto ind = ComputeIndicators(*ds, *cp, IndicatorOptions{});
    EXPECT_OK(ind);
    int64_t v = 0;
    for (const auto& f : ind->days[1].flows) v += f.delivered.vehicles;
    return v;
  };
  EXPECT_EQ(vehicles_on_0102(before), 7);
  EXPECT_EQ(vehicles_on_0102(std::nullopt), 0);
}

TEST(AnalysisDefaultsTest, SphereDefaultsAndLatestPopulationFigure) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c2","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c2","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-04",
          "population":[{"date":"2023-01-03","count":2000},{"date":"2023-01-02","count":1000}],"sources":["s1"]})",
  });
  auto ds = log.Load("c2");
  ASSERT_OK(ds);
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  auto ind = ComputeIndicators(*ds, *cp, IndicatorOptions{});
  ASSERT_OK(ind);
  ASSERT_EQ(ind->days[0].needs.size(), 2u);
  EXPECT_EQ(ind->days[0].needs[0].commodity, "food energy");
  EXPECT_EQ(ind->days[0].needs[1].commodity, "water");
  // 01-01: no figure yet; 01-02: 1,000; 01-03 and 01-04: 2,000.
  EXPECT_FALSE(ind->days[0].needs[0].need.has_value());
  EXPECT_FALSE(ind->days[0].needs[0].coverage.has_value());
  EXPECT_EQ(ind->days[0].needs[0].reason, "no population figure on or before this day");
  EXPECT_DOUBLE_EQ(*ind->days[1].needs[0].need, 2100000);
  EXPECT_DOUBLE_EQ(*ind->days[2].needs[1].need, 30000);
  EXPECT_DOUBLE_EQ(*ind->days[3].needs[1].need, 30000);
  // The case does not assess its import dependency: no coverage.
  EXPECT_FALSE(ind->days[1].needs[0].coverage.has_value());
  EXPECT_EQ(ind->totals.needs[1].days_need_unknown, 1);
  EXPECT_DOUBLE_EQ(*ind->totals.needs[1].need, 15000 + 30000 + 30000);
  bool said = false;
  for (const auto& a : ind->assumptions) said |= a.find("Sphere defaults") != std::string::npos;
  EXPECT_TRUE(said);
}

// A need standard in kcal that counts wheat flour at 3,640,000 kcal per t
// (3,640 per kg, the cargo's canonical unit) and oil at 8,000 kcal per l
// (an equivalent's quantity is in the standard's unit): 2 t of flour =
// 7,280,000 kcal and 100 l of oil = 800,000 kcal against a need of
// 1,000 x 2,100 = 2,100,000 kcal a day.
// Salt has no equivalent: it stays uncounted and is named in the note.
TEST(AnalysisEquivalentsTest, OtherCommoditiesCountThroughTheStandardsEquivalents) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c3","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c3","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-02",
          "population":[{"date":"2023-01-01","count":1000}],"dependency":[{"commodity":"food energy","share":1}],
          "sources":["s1"]})",
      R"({"kind":"route","id":"r1","case":"c3","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"need_standard","id":"ns-kcal","case":"c3","commodity":"food energy","quantity":2100,"unit":"kcal",
          "basis":"test","equivalents":[{"commodity":"wheat flour","quantity":3640000,"unit":"t"},
          {"commodity":"oil","quantity":8000,"unit":"l"}],"sources":["s1"]})",
      R"({"kind":"movement","id":"m1","case":"c3","route":"r1","date":"2023-01-01","direction":"in","operator":"ICRC",
          "cargo":[{"commodity":"wheat flour","quantity":2,"unit":"t"},{"commodity":"oil","quantity":100,"unit":"l"},
          {"commodity":"salt","quantity":50,"unit":"kg"}],"sources":["s1"]})",
  });
  auto ds = log.Load("c3");
  ASSERT_OK(ds);
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  IndicatorOptions opts;
  opts.explain = true;
  auto ind = ComputeIndicators(*ds, *cp, opts);
  ASSERT_OK(ind);
  ASSERT_EQ(ind->days[0].needs.size(), 1u);
  const NeedDay& n = ind->days[0].needs[0];
  EXPECT_EQ(n.unit, "kcal");
  EXPECT_DOUBLE_EQ(*n.need, 2100000);
  EXPECT_DOUBLE_EQ(n.delivered, 7280000 + 800000);
  EXPECT_DOUBLE_EQ(*n.coverage, 8080000.0 / 2100000.0);
  EXPECT_NE(n.note.find("salt"), std::string::npos) << n.note;
  EXPECT_EQ(n.note.find("flour"), std::string::npos) << n.note;
  EXPECT_NE(std::find(n.records.begin(), n.records.end(), "m1"), n.records.end());
  // The second day has no delivery record and is not watched: nothing is
  // known of it, so no coverage (not a coverage of 0).
  EXPECT_DOUBLE_EQ(ind->days[1].needs[0].delivered, 0);
  EXPECT_FALSE(ind->days[1].needs[0].coverage.has_value());
  EXPECT_DOUBLE_EQ(ind->totals.needs[0].delivered, 8080000);
}

TEST(AnalysisDatasetTest, IncomparableUnitsGiveNullCoverageWithReason) {
  Dataset ds;
  ds.case_id = "c";
  ds.started = D("2023-01-01");
  ds.ended = D("2023-01-01");
  ds.population.push_back({D("2023-01-01"), 10});
  ds.needs.push_back({ds.commodities.Intern("water"), 15, ds.units.Intern("l"), "test", ds.ids.Intern("ns")});
  int32_t row = ds.AppendMovement("m", D("2023-01-01"), "r", "op", Direction::kIn, Outcome::kCompleted, 1, 0, 0);
  ds.AppendCargo(row, "water", 100, "kg");
  ds.Finalize();
  auto ind = ComputeIndicators(ds, CheckpointRef{1, "x"}, IndicatorOptions{});
  ASSERT_OK(ind);
  const NeedDay& n = ind->days[0].needs[0];
  EXPECT_DOUBLE_EQ(*n.need, 150);
  EXPECT_FALSE(n.coverage.has_value());
  EXPECT_NE(n.reason.find("not comparable"), std::string::npos);
}

// The period columns stay empty until a period movement comes, and read
// kNoDay past their end (a daily row appended after it included).
TEST(AnalysisDatasetTest, PeriodColumnsAreKeptOnlyFromTheFirstPeriodMovement) {
  Dataset ds;
  ds.AppendMovement("d1", D("2023-01-01"), "r", "op", Direction::kIn, Outcome::kCompleted, 1, 0, 0);
  ds.AppendMovement("d2", D("2023-01-02"), "r", "op", Direction::kIn, Outcome::kCompleted, 1, 0, 0);
  EXPECT_TRUE(ds.movements.period_from.empty());
  EXPECT_TRUE(ds.movements.period_to.empty());
  EXPECT_EQ(ds.movements.PeriodFromAt(1), kNoDay);
  ds.AppendMovement("p", D("2023-01-31"), "r", "op", Direction::kIn, Outcome::kCompleted, 5, 0, 0, D("2023-01-01"),
                    D("2023-01-31"));
  ds.AppendMovement("d3", D("2023-02-01"), "r", "op", Direction::kIn, Outcome::kCompleted, 1, 0, 0);
  EXPECT_EQ(ds.movements.period_from.size(), 3u);
  for (size_t i : {0u, 1u, 3u}) {
    EXPECT_EQ(ds.movements.PeriodFromAt(i), kNoDay) << i;
    EXPECT_EQ(ds.movements.PeriodToAt(i), kNoDay) << i;
  }
  EXPECT_EQ(ds.movements.PeriodFromAt(2), D("2023-01-01"));
  EXPECT_EQ(ds.movements.PeriodToAt(2), D("2023-01-31"));
}

// The figure columns hold int32 cells; a figure that does not fit (the
// schema gives none a maximum) is kept aside, exact, and so is kWide's own
// value, INT32_MIN.
TEST(AnalysisDatasetTest, CountColumnReadsBackEveryInt64Exactly) {
  constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min(), kMax32 = std::numeric_limits<int32_t>::max();
  const std::vector<int64_t> values = {0, 7, kMax32, kMax32 + 1, -1, kMin32, kMin32 + 1, kMin32 - 1,
                                       int64_t{1} << 32, std::numeric_limits<int64_t>::max(),
                                       std::numeric_limits<int64_t>::min(), 3000000000, 12};
  CountColumn c;
  for (int64_t v : values) c.push_back(v);
  ASSERT_EQ(c.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(c[i], values[i]) << i;
  CountColumn copy = c;
  copy.push_back(int64_t{1} << 40);
  EXPECT_EQ(copy[3], kMax32 + 1);
  EXPECT_EQ(copy[values.size()], int64_t{1} << 40);
}

// Figures above 2^31 reach the indicators exact, through the records'
// JSON, the dataset's int32 columns and the int64 sums: on a day (two
// records added), in the totals, in the period movements, and in the JSON
// a reader sees. Narrowed to int32, 2^32 vehicles would read 0.
TEST(AnalysisDatasetTest, FiguresBeyondInt32AreExactInTheIndicators) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c8","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c8","title":"Large","region":"R","started":"2023-01-01","ended":"2023-01-03",
          "sources":["s1"]})",
      R"({"kind":"route","id":"r1","case":"c8","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"movement","id":"m1","case":"c8","route":"r1","date":"2023-01-02","direction":"in",
          "operator":"ICRC","vehicles":4294967296,"persons":3000000000,"patients":2147483648,"sources":["s1"]})",
      R"({"kind":"movement","id":"m2","case":"c8","route":"r1","date":"2023-01-02","direction":"in",
          "operator":"ICRC","vehicles":2147483647,"persons":1,"sources":["s1"]})",
      R"({"kind":"movement","id":"m3","case":"c8","route":"r1","date":"2023-01-03","direction":"in",
          "operator":"ICRC","period":{"from":"2023-01-01","to":"2023-01-03"},"persons":9007199254740991,
          "sources":["s1"]})",
  });
  auto ds = log.Load("c8");
  ASSERT_OK(ds);
  auto ind = ComputeIndicators(*ds, *ResolveCheckpoint(log.store(), std::nullopt), IndicatorOptions{});
  ASSERT_OK(ind);
  ASSERT_EQ(ind->days.size(), 3u);
  ASSERT_EQ(ind->days[1].flows.size(), 1u);
  for (const Flows& f : {ind->days[1].flows[0].delivered, ind->totals.flows.at(0).delivered}) {
    EXPECT_EQ(f.movements, 2);
    EXPECT_EQ(f.vehicles, 6442450943);  // 2^32 + 2^31 - 1
    EXPECT_EQ(f.persons, 3000000001);
    EXPECT_EQ(f.patients, 2147483648);
  }
  ASSERT_EQ(ind->period_movements.size(), 1u);
  EXPECT_EQ(ind->period_movements[0].persons, 9007199254740991);  // 2^53 - 1, the largest the canonical JSON takes
  std::ostringstream json;
  JsonWriter w(json, 2);
  WriteObject(w, IndicatorsMembers(*ind));
  for (const char* n : {"6442450943", "3000000001", "2147483648", "9007199254740991"}) {
    EXPECT_NE(json.str().find(n), std::string::npos) << n;
  }
}

TEST(AnalysisDatasetTest, UnknownRuleTypeIsNotEvaluable) {
  Dataset ds;
  ds.case_id = "c";
  ds.started = D("2023-01-01");
  ds.ended = D("2023-01-02");
  Obligation o;
  o.record = ds.ids.Intern("ob");
  o.type = RuleType::kUnknown;
  o.type_name = "ceasefire";
  o.problem = UnknownRuleTypeProblem("ceasefire");
  ds.obligations.push_back(o);
  ds.Finalize();
  auto c = ComputeCompliance(ds, CheckpointRef{1, "x"}, kNoDay, kNoDay);
  ASSERT_OK(c);
  ASSERT_EQ(c->obligations.size(), 1u);
  EXPECT_FALSE(c->obligations[0].evaluable);
  EXPECT_EQ(c->obligations[0].days_in_compliance, 0);
  EXPECT_NE(ComplianceTable(*c, false).find("not evaluable"), std::string::npos);
}

TEST(AnalysisDatasetTest, ClosedThreeDaysAfterAnOrder) {
  // An order from 01-10; the route closed from 01-12 to 01-15 00:00 (three
  // days), open before and after.
  Dataset ds;
  ds.case_id = "c";
  ds.started = D("2023-01-01");
  ds.ended = D("2023-01-20");
  auto at = [](const char* d) { return static_cast<int64_t>(D(d)) * 86400; };
  ds.AppendRouteStatus("open-1", "r", at("2023-01-01"), kForever, RouteState::kOpen, 0);
  ds.AppendRouteStatus("closed", "r", at("2023-01-12"), kForever, RouteState::kClosed, 0);
  ds.AppendRouteStatus("open-2", "r", at("2023-01-15"), kForever, RouteState::kOpen, 0);
  Obligation o;
  o.record = ds.ids.Intern("order");
  o.type = RuleType::kRouteOpen;
  o.type_name = "route_open";
  o.route = ds.routes.Intern("r");
  o.for_mask = kPersons | kVehicles | kCargo;
  o.from = D("2023-01-10");
  ds.obligations.push_back(o);
  ds.Finalize();
  auto c = ComputeCompliance(ds, CheckpointRef{1, "x"}, kNoDay, kNoDay);
  ASSERT_OK(c);
  const ObligationCompliance& oc = c->obligations[0];
  EXPECT_EQ(oc.days_evaluated, 11);  // 01-10 .. 01-20
  EXPECT_EQ(oc.days_in_violation, 3);
  EXPECT_EQ(oc.days_in_compliance, 8);
  EXPECT_EQ(*oc.first_violation, "2023-01-12");
  EXPECT_EQ(*oc.last_violation, "2023-01-14");
  for (const auto& v : oc.violations) EXPECT_EQ(v.records, (std::vector<std::string>{"closed"}));
}

}  // namespace
}  // namespace lifeline::analysis
