// Hand-computed alerts for each rule type on tiny cases, key stability as
// records arrive, and the bundled Lachin case (figures counted from
// data/cases/lachin-2022-23/records.jsonl; the reasoning is next to each).
#include "alerts/evaluate.h"

#include <gtest/gtest.h>

#include <fstream>

#include "alerts/state.h"
#include "analysis/analysis_testing.h"
#include "base/status_testing.h"

namespace lifeline::alerts {
namespace {

using analysis::TestLog;

// Ten days, 2023-01-01 .. 2023-01-10, population 1,000, flour 0.4 kg per
// person per day: a need of 400 kg a day, all of it imported (dependency
// share 1), on the only route, r1, watched every day: a day without a
// delivery is a recorded zero, so every day's coverage is known.
const std::vector<std::string> kCase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","ended":"2023-01-10",
        "population":[{"date":"2023-01-01","count":1000}],"dependency":[{"commodity":"flour","share":1}],
        "sources":["s1"]})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
    R"({"kind":"watch","id":"w1","case":"c1","route":"r1","from":"2023-01-01","to":"2023-01-10","sources":["s1"]})",
    R"({"kind":"need_standard","id":"ns-flour","case":"c1","commodity":"flour","quantity":0.4,"unit":"kg",
        "basis":"test","sources":["s1"]})",
    // r1: open 01-01; closed from 01-03 to noon on 01-05 (01-03, 01-04 and
    // 01-05 are closed days: a day with any closure is closed); open again;
    // closed from 01-08, never reopened: 01-08 .. 01-10, ongoing.
    R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01","status":"open","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs2","case":"c1","route":"r1","from":"2023-01-03","status":"closed","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs3","case":"c1","route":"r1","from":"2023-01-05T12:00:00Z","status":"open","sources":["s1"]})",
    R"({"kind":"route_status","id":"rs4","case":"c1","route":"r1","from":"2023-01-08","status":"closed","sources":["s1"]})",
    // Patients delivered on 01-02 (m1) and 01-06 (m2). m3 carried patients
    // but was stopped; m4 carried none: neither is a transfer.
    // Flour: 400 kg on 01-02 (coverage 100 %), 100 kg on 01-06 (25 %).
    R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-02","direction":"in","operator":"ICRC",
        "patients":2,"cargo":[{"commodity":"flour","quantity":0.4,"unit":"t"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m2","case":"c1","route":"r1","date":"2023-01-06","direction":"in","operator":"ICRC",
        "patients":1,"cargo":[{"commodity":"flour","quantity":100,"unit":"kg"}],"sources":["s1"]})",
    R"({"kind":"movement","id":"m3","case":"c1","route":"r1","date":"2023-01-07","direction":"out","operator":"ICRC",
        "outcome":"stopped","patients":3,"sources":["s1"]})",
    R"({"kind":"movement","id":"m4","case":"c1","route":"r1","date":"2023-01-09","direction":"in","operator":"ICRC",
        "vehicles":2,"sources":["s1"]})",
    // Gas: 20:00 on 01-02 to 04:00 on 01-03 and 02:00 to 10:00 on 01-03
    // overlap: one cut of 14 h. 00:00-06:00 and 06:00-07:00 on 01-05 touch:
    // one cut of 7 h. Electricity from 12:00 on 01-10, never restored: 12 h
    // to the end of the range.
    R"({"kind":"outage","id":"o1","case":"c1","utility":"gas","from":"2023-01-02T20:00:00Z","until":"2023-01-03T04:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o2","case":"c1","utility":"gas","from":"2023-01-03T02:00:00Z","until":"2023-01-03T10:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o3","case":"c1","utility":"gas","from":"2023-01-05T00:00:00Z","until":"2023-01-05T06:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o5","case":"c1","utility":"gas","from":"2023-01-05T06:00:00Z","until":"2023-01-05T07:00:00Z","sources":["s1"]})",
    R"({"kind":"outage","id":"o4","case":"c1","utility":"electricity","from":"2023-01-10T12:00:00Z","sources":["s1"]})",
};

RuleSet Rules(const std::string& toml) {
  auto rs = ParseRules(toml, "test.toml");
  EXPECT_OK(rs);
  return rs.ok() ? *rs : RuleSet{};
}

class EvaluateTest : public ::testing::Test {
 protected:
  void SetUp() override { log_.Submit(kCase); }
  Evaluation Eval(const std::string& toml) {
    auto ds = log_.Load("c1");
    EXPECT_OK(ds);
    auto cp = analysis::ResolveCheckpoint(log_.store(), std::nullopt);
    auto ev = Evaluate(Rules(toml), *ds, *cp);
    EXPECT_OK(ev);
    return ev.ok() ? *ev : Evaluation{};
  }
  TestLog log_;
};

TEST_F(EvaluateTest, RouteClosedGivesOneAlertPerEpisode) {
  Evaluation ev = Eval(R"([[rule]]
id = "rc"
case = "c1"
type = "route_closed"
route = "r1"
)");
  ASSERT_EQ(ev.events.size(), 2u);
  const AlertEvent& a = ev.events[0];
  EXPECT_EQ(a.key, "rc/c1/2023-01-03");
  EXPECT_EQ(a.first_day, "2023-01-03");
  EXPECT_EQ(a.last_day, "2023-01-05");
  EXPECT_EQ(a.days, 3);
  EXPECT_FALSE(a.ongoing);
  // 01-05 has both rs2 (until noon) and rs3 in force.
  EXPECT_EQ(a.records, (std::vector<std::string>{"rs2", "rs3"}));
  EXPECT_EQ(a.checkpoint.size, log_.size());
  const AlertEvent& b = ev.events[1];
  EXPECT_EQ(b.key, "rc/c1/2023-01-08");
  EXPECT_EQ(b.last_day, "2023-01-10");
  EXPECT_EQ(b.days, 3);
  EXPECT_TRUE(b.ongoing);
  EXPECT_EQ(b.records, (std::vector<std::string>{"rs4"}));
  EXPECT_EQ(b.values["days_closed"], 3);
  EXPECT_TRUE(ev.warnings.empty());

  // A run shorter than `days` raises nothing.
  EXPECT_TRUE(Eval("[[rule]]\nid = \"rc\"\ncase = \"c1\"\ntype = \"route_closed\"\nroute = \"r1\"\ndays = 4\n")
                  .events.empty());
  // An unknown route is a warning, not an error.
  Evaluation typo = Eval("[[rule]]\nid = \"rc\"\ncase = \"c1\"\ntype = \"route_closed\"\nroute = \"r9\"\n");
  EXPECT_TRUE(typo.events.empty());
  ASSERT_EQ(typo.warnings.size(), 1u);
  // Rules of other cases are not evaluated against this one.
  EXPECT_TRUE(Eval("[[rule]]\nid = \"rc\"\ncase = \"c2\"\ntype = \"route_closed\"\nroute = \"r1\"\n").events.empty());
}

TEST_F(EvaluateTest, NoPatientTransfer) {
  // Transfer days: 01-02 and 01-06 (m3 was stopped, m4 carried no
  // patients). Runs without: 01-01 (1 day), 01-03..01-05 (3), 01-07..01-10 (4).
  Evaluation ev = Eval("[[rule]]\nid = \"np\"\ncase = \"c1\"\ntype = \"no_patient_transfer\"\ndays = 3\n");
  ASSERT_EQ(ev.events.size(), 2u);
  const AlertEvent& a = ev.events[0];
  EXPECT_EQ(a.key, "np/c1/2023-01-03");
  EXPECT_EQ(a.last_day, "2023-01-05");
  EXPECT_EQ(a.days, 3);
  EXPECT_FALSE(a.ongoing);
  EXPECT_EQ(a.records, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(a.values["last_transfer_before"], "2023-01-02");
  EXPECT_EQ(a.values["next_transfer"], "2023-01-06");
  const AlertEvent& b = ev.events[1];
  EXPECT_EQ(b.key, "np/c1/2023-01-07");
  EXPECT_EQ(b.days, 4);
  EXPECT_TRUE(b.ongoing);
  EXPECT_EQ(b.records, (std::vector<std::string>{"m2"}));
  EXPECT_TRUE(b.values["next_transfer"].is_null());
  EXPECT_EQ(Eval("[[rule]]\nid = \"np\"\ncase = \"c1\"\ntype = \"no_patient_transfer\"\ndays = 5\n").events.size(),
            0u);
  // days = 1 also catches 01-01, the first day of the range.
  Evaluation one = Eval("[[rule]]\nid = \"np\"\ncase = \"c1\"\ntype = \"no_patient_transfer\"\ndays = 1\n");
  ASSERT_EQ(one.events.size(), 3u);
  EXPECT_EQ(one.events[0].key, "np/c1/2023-01-01");
  EXPECT_TRUE(one.events[0].values["last_transfer_before"].is_null());
}

// A source's total of transfers over days without a recorded transfer says
// transfers happened on some of them: the run without transfers is split
// around the report's period, never reported across it.
TEST(NoPatientTransferTest, APeriodReportSplitsTheRun) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c","publisher":"P","title":"T"})",
      R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-10","sources":["s1"]})",
      R"({"kind":"route","id":"r","case":"c","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"movement","id":"t1","case":"c","route":"r","date":"2023-01-01","direction":"out","operator":"ICRC",
          "patients":1,"sources":["s1"]})",
      R"({"kind":"movement","id":"t2","case":"c","route":"r","date":"2023-01-10","direction":"out","operator":"ICRC",
          "patients":1,"sources":["s1"]})",
      R"({"kind":"movement","id":"p","case":"c","route":"r","date":"2023-01-06","direction":"out","operator":"ICRC",
          "patients":5,"period":{"from":"2023-01-04","to":"2023-01-06"},"sources":["s1"]})",
  });
  auto ds = log.Load("c");
  ASSERT_TRUE(ds.ok());
  auto ev = Evaluate(Rules("[[rule]]\nid = \"np\"\ncase = \"c\"\ntype = \"no_patient_transfer\"\ndays = 3\n"), *ds,
                     *analysis::ResolveCheckpoint(log.store(), std::nullopt));
  ASSERT_TRUE(ev.ok());
  // Without the report: 01-02 .. 01-09, 8 days. With it: 01-02 .. 01-03 (2,
  // under 3) and 01-07 .. 01-09 (3 days), bounded by the report and t2.
  ASSERT_EQ(ev->events.size(), 1u);
  EXPECT_EQ(ev->events[0].first_day, "2023-01-07");
  EXPECT_EQ(ev->events[0].days, 3);
  EXPECT_EQ(ev->events[0].records, (std::vector<std::string>{"p", "t2"}));
}

TEST_F(EvaluateTest, CoverageBelow) {
  // Coverage: 01-02 100 %, 01-06 25 %, other days 0 %. Below 50 %: 01-01
  // (1 day) and 01-03..01-10 (8 days): delivered 100 kg of 8 x 400 kg.
  Evaluation ev =
      Eval("[[rule]]\nid = \"cov\"\ncase = \"c1\"\ntype = \"coverage_below\"\ncommodity = \"flour\"\npercent = 50\n"
           "days = 5\n");
  ASSERT_EQ(ev.events.size(), 1u);
  const AlertEvent& a = ev.events[0];
  EXPECT_EQ(a.key, "cov/c1/2023-01-03");
  EXPECT_EQ(a.first_day, "2023-01-03");
  EXPECT_EQ(a.last_day, "2023-01-10");
  EXPECT_EQ(a.days, 8);
  EXPECT_TRUE(a.ongoing);
  EXPECT_DOUBLE_EQ(a.values["need"].get<double>(), 3200);
  EXPECT_DOUBLE_EQ(a.values["delivered"].get<double>(), 100);
  EXPECT_DOUBLE_EQ(a.values["coverage"].get<double>(), 100.0 / 3200);
  EXPECT_DOUBLE_EQ(a.values["min_daily_coverage"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(a.values["shortfall"].get<double>(), 3100);
  // The need standard, the case (population) and the delivering movement.
  EXPECT_EQ(a.records, (std::vector<std::string>{"c1", "m2", "ns-flour"}));
  // At 20 %, 01-06 (25 %) splits the run: 01-03..01-05 (3) and 01-07..01-10 (4).
  Evaluation low =
      Eval("[[rule]]\nid = \"cov\"\ncase = \"c1\"\ntype = \"coverage_below\"\ncommodity = \"flour\"\npercent = 20\n"
           "days = 3\n");
  ASSERT_EQ(low.events.size(), 2u);
  EXPECT_EQ(low.events[0].key, "cov/c1/2023-01-03");
  EXPECT_EQ(low.events[0].days, 3);
  EXPECT_EQ(low.events[1].key, "cov/c1/2023-01-07");
  EXPECT_EQ(low.events[1].days, 4);
  // No need for that commodity: a warning.
  Evaluation none =
      Eval("[[rule]]\nid = \"cov\"\ncase = \"c1\"\ntype = \"coverage_below\"\ncommodity = \"rice\"\npercent = 20\n"
           "days = 3\n");
  EXPECT_TRUE(none.events.empty());
  EXPECT_EQ(none.warnings.size(), 1u);
}

TEST_F(EvaluateTest, UtilityOutMergesOverlappingAndTouchingCuts) {
  Evaluation ev = Eval("[[rule]]\nid = \"gas\"\ncase = \"c1\"\ntype = \"utility_out\"\nutility = \"gas\"\nhours = 12\n");
  ASSERT_EQ(ev.events.size(), 1u);
  const AlertEvent& a = ev.events[0];
  EXPECT_EQ(a.key, "gas/c1/2023-01-02T20:00:00Z");
  EXPECT_DOUBLE_EQ(a.hours, 14);
  EXPECT_EQ(a.first_day, "2023-01-02");
  EXPECT_EQ(a.last_day, "2023-01-03");
  EXPECT_EQ(a.days, 2);
  EXPECT_FALSE(a.ongoing);
  EXPECT_EQ(a.records, (std::vector<std::string>{"o1", "o2"}));
  EXPECT_EQ(a.values["until"], "2023-01-03T10:00:00Z");

  Evaluation five = Eval("[[rule]]\nid = \"gas\"\ncase = \"c1\"\ntype = \"utility_out\"\nutility = \"gas\"\nhours = 5\n");
  ASSERT_EQ(five.events.size(), 2u);
  EXPECT_EQ(five.events[1].key, "gas/c1/2023-01-05T00:00:00Z");
  EXPECT_DOUBLE_EQ(five.events[1].hours, 7);
  EXPECT_EQ(five.events[1].records, (std::vector<std::string>{"o3", "o5"}));
  // 14 h is not 15 h.
  EXPECT_TRUE(
      Eval("[[rule]]\nid = \"gas\"\ncase = \"c1\"\ntype = \"utility_out\"\nutility = \"gas\"\nhours = 15\n").events.empty());

  // Never restored: counted to the end of the range (12:00 .. 24:00 on 01-10).
  Evaluation el =
      Eval("[[rule]]\nid = \"el\"\ncase = \"c1\"\ntype = \"utility_out\"\nutility = \"electricity\"\nhours = 10\n");
  ASSERT_EQ(el.events.size(), 1u);
  EXPECT_TRUE(el.events[0].ongoing);
  EXPECT_DOUBLE_EQ(el.events[0].hours, 12);
  EXPECT_TRUE(el.events[0].values["until"].is_null());
}

TEST_F(EvaluateTest, EventJsonRoundTrips) {
  Evaluation ev = Eval("[[rule]]\nid = \"gas\"\ncase = \"c1\"\ntype = \"utility_out\"\nutility = \"gas\"\nhours = 5\n");
  ASSERT_FALSE(ev.events.empty());
  auto back = EventFromJson(EventJson(ev.events[0]));
  ASSERT_OK(back);
  EXPECT_EQ(EventJson(*back), EventJson(ev.events[0]));
  nlohmann::json bad = EventJson(ev.events[0]);
  bad["days"] = "three";
  EXPECT_EQ(EventFromJson(bad).status().code(), ErrorCode::kCorruption);
}

// As records arrive, an ongoing closure keeps its key: one alert, whose
// period grows, then ends.
TEST(EvaluateStabilityTest, OngoingConditionKeepsItsKey) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c2","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c2","title":"Open-ended","region":"R","started":"2023-01-01","sources":["s1"]})",
      R"({"kind":"route","id":"r1","case":"c2","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs1","case":"c2","route":"r1","from":"2023-01-03","status":"closed","sources":["s1"]})",
      R"({"kind":"movement","id":"m1","case":"c2","route":"r1","date":"2023-01-04","direction":"in","operator":"X","sources":["s1"]})",
  });
  const RuleSet rules = Rules("[[rule]]\nid = \"rc\"\ncase = \"c2\"\ntype = \"route_closed\"\nroute = \"r1\"\n");
  auto eval = [&] {
    auto ds = log.Load("c2");
    auto cp = analysis::ResolveCheckpoint(log.store(), std::nullopt);
    auto ev = Evaluate(rules, *ds, *cp);
    EXPECT_TRUE(ev.ok());
    return ev->events;
  };
  auto state = AlertState::Load(::testing::TempDir() + "/stability-state.jsonl");
  ASSERT_TRUE(state.ok());
  // The range ends at the last day a record speaks of: 01-04.
  auto e1 = eval();
  ASSERT_EQ(e1.size(), 1u);
  EXPECT_EQ(e1[0].key, "rc/c2/2023-01-03");
  EXPECT_EQ(e1[0].days, 2);
  EXPECT_TRUE(e1[0].ongoing);
  RecordReport r1 = state->Record(e1, rules, 100);
  EXPECT_EQ(r1.raised, 1);
  // Evaluating again at a later checkpoint with nothing new changes nothing.
  log.Submit({R"({"kind":"source","id":"s2","case":"c2","publisher":"Other","title":"Report"})"});
  RecordReport same = state->Record(eval(), rules, 150);
  EXPECT_EQ(same.raised + same.changed, 0);
  EXPECT_EQ(state->alerts()[0].event.checkpoint.size, e1[0].checkpoint.size);
  log.Submit({R"({"kind":"movement","id":"m2","case":"c2","route":"r1","date":"2023-01-06","direction":"in","operator":"X","sources":["s1"]})"});
  auto e2 = eval();
  ASSERT_EQ(e2.size(), 1u);
  EXPECT_EQ(e2[0].key, e1[0].key);
  EXPECT_EQ(e2[0].days, 4);
  RecordReport r2 = state->Record(e2, rules, 200);
  EXPECT_EQ(r2.raised, 0);
  EXPECT_EQ(r2.changed, 1);
  log.Submit({
      R"({"kind":"route_status","id":"rs2","case":"c2","route":"r1","from":"2023-01-07","status":"open","sources":["s1"]})",
      R"({"kind":"movement","id":"m3","case":"c2","route":"r1","date":"2023-01-08","direction":"in","operator":"X","sources":["s1"]})",
  });
  auto e3 = eval();
  ASSERT_EQ(e3.size(), 1u);
  EXPECT_EQ(e3[0].key, e1[0].key);
  EXPECT_EQ(e3[0].last_day, "2023-01-06");
  EXPECT_FALSE(e3[0].ongoing);
  state->Record(e3, rules, 300);
  ASSERT_EQ(state->alerts().size(), 1u);
  EXPECT_EQ(state->alerts()[0].first_seen, 100);
  EXPECT_EQ(state->alerts()[0].updated, 300);
}

// The bundled case. rt-lachin-road's closed days (a day with any closure
// in force counts as closed), from records.jsonl:
//   rs-2022-12-12-closure (closed from 10:30+04:00 on 12 Dec) until
//   rs-2022-12-19-icrc-rp-only (restricted from 19 Dec 00:00Z): 12..18 Dec, 7 days;
//   rs-2023-06-15-full-closure and rs-2023-06-22-concrete-blocks (closed)
//   until rs-2023-06-25-medical-resumed (restricted): 15..24 Jun, 10 days;
//   rs-2023-07-11-crossing-suspended (closed) until
//   rs-2023-07-14-medical-resumed: 11..13 Jul, 3 days.
// (20 closed days in all, as the forecast's fit reports.)
// Siege severity on six days of a case whose lifeline route is r1 (the
// classes by the rule of analysis/severity.h): 01-01 open with a gas cut
// (moderate), 01-02 open (none), 01-03 closed (high), 01-04 closed with a
// gas cut (severe), 01-05 and 01-06 open (none). One alert per change,
// keyed by its day.
TEST(SeverityChangedTest, OneAlertPerChangeOfClass) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","ended":"2023-01-06",
          "lifeline_routes":["r1"],"sources":["s1"]})",
      R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01","status":"open","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs2","case":"c1","route":"r1","from":"2023-01-03","status":"closed","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs3","case":"c1","route":"r1","from":"2023-01-05","status":"open","sources":["s1"]})",
      R"({"kind":"outage","id":"o1","case":"c1","utility":"gas","from":"2023-01-01T01:00:00Z","until":"2023-01-01T02:00:00Z","sources":["s1"]})",
      R"({"kind":"outage","id":"o2","case":"c1","utility":"gas","from":"2023-01-04T01:00:00Z","until":"2023-01-04T02:00:00Z","sources":["s1"]})",
      // The case records incidents (a protest, no attack): a day without
      // an attack is "no", not unknown.
      R"({"kind":"incident","id":"i1","case":"c1","date":"2023-01-06","location":{"name":"X"},"event_type":"Protests","sources":["s1"]})",
  });
  auto ds = log.Load("c1");
  ASSERT_OK(ds);
  auto cp = analysis::ResolveCheckpoint(log.store(), std::nullopt);
  auto ev = Evaluate(Rules("[[rule]]\nid = \"sc\"\ncase = \"c1\"\ntype = \"severity_changed\"\n"), *ds, *cp);
  ASSERT_OK(ev);
  std::vector<std::string> keys, changes;
  for (const auto& e : ev->events) {
    keys.push_back(e.key);
    changes.push_back(e.values["from_class"].get<std::string>() + ">" + e.values["to_class"].get<std::string>());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"sc/c1/2023-01-02", "sc/c1/2023-01-03", "sc/c1/2023-01-04",
                                            "sc/c1/2023-01-05"}));
  EXPECT_EQ(changes, (std::vector<std::string>{"moderate>none", "none>high", "high>severe", "severe>none"}));
  ASSERT_EQ(ev->events.size(), 4u);
  const AlertEvent& severe = ev->events[2];
  EXPECT_EQ(severe.records, (std::vector<std::string>{"o2", "rs2"}));
  EXPECT_EQ(severe.values["criteria"]["food"], "no");
  EXPECT_EQ(severe.values["criteria"]["utilities"], "yes");
  EXPECT_FALSE(severe.ongoing);
  // The event survives the delivery state's round trip.
  auto back = EventFromJson(EventJson(severe));
  ASSERT_OK(back);
  EXPECT_EQ(back->type, RuleType::kSeverityChanged);
  // The type takes no keys of its own.
  auto bad = ParseRules("[[rule]]\nid = \"sc\"\ncase = \"c1\"\ntype = \"severity_changed\"\nroute = \"r1\"\n", "a.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rule.route: does not apply to a severity_changed rule"), std::string::npos)
      << bad.status().message();
}

TEST(LachinAlertsTest, RouteClosedEpisodesOfTheLachinRoad) {
  TestLog log;
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl");
  ASSERT_TRUE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  log.Submit(lines);
  auto ds = log.Load("lachin-2022-23");
  ASSERT_OK(ds);
  auto cp = analysis::ResolveCheckpoint(log.store(), std::nullopt);
  const RuleSet rules = Rules(R"([[rule]]
id = "lachin-closed"
case = "lachin-2022-23"
type = "route_closed"
route = "rt-lachin-road"

[[rule]]
id = "gas-48h"
case = "lachin-2022-23"
type = "utility_out"
utility = "gas"
hours = 48
)");
  auto ev = Evaluate(rules, *ds, *cp);
  ASSERT_OK(ev);
  std::vector<const AlertEvent*> closed, gas;
  for (const auto& e : ev->events) (e.rule_id == "lachin-closed" ? closed : gas).push_back(&e);
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_EQ(closed[0]->key, "lachin-closed/lachin-2022-23/2022-12-12");
  EXPECT_EQ(closed[0]->last_day, "2022-12-18");
  EXPECT_EQ(closed[0]->days, 7);
  EXPECT_EQ(closed[0]->records, (std::vector<std::string>{"rs-2022-12-12-closure"}));
  EXPECT_EQ(closed[1]->key, "lachin-closed/lachin-2022-23/2023-06-15");
  EXPECT_EQ(closed[1]->last_day, "2023-06-24");
  EXPECT_EQ(closed[1]->days, 10);
  EXPECT_EQ(closed[1]->records,
            (std::vector<std::string>{"rs-2023-06-15-full-closure", "rs-2023-06-22-concrete-blocks"}));
  EXPECT_EQ(closed[2]->key, "lachin-closed/lachin-2022-23/2023-07-11");
  EXPECT_EQ(closed[2]->last_day, "2023-07-13");
  EXPECT_EQ(closed[2]->days, 3);
  for (const AlertEvent* e : closed) EXPECT_FALSE(e->ongoing);

  // Gas (outage records og-*, as corrected): og-2022-12-13-gas.c1 from
  // 18:30 +04:00 on 13 Dec (14:30Z) to 16 Dec 00:00Z is 57.5 h. 17 Jan
  // 13:00-19:00 +04:00 is 6 h (under 48). og-2023-01-18-gas.c1 has no
  // `until` and is confirmed on 24 Jan: 18 Jan 00:00Z to 25 Jan 00:00Z,
  // 168 h, restoration not recorded. og-2023-02-06-gas (6 to 15 Feb) and
  // og-2023-02-15-gas.c1 (15 Feb, confirmed that day) touch: 240 h.
  // og-2023-03-10-gas.c1 is confirmed on 10 Mar only: 24 h (under 48).
  // og-2023-03-21-gas runs 21 Mar to 8 Jul: 109 days, 2,616 h. Nothing is
  // ongoing: every cut ends where its records do.
  ASSERT_EQ(gas.size(), 4u);
  EXPECT_EQ(gas[0]->key, "gas-48h/lachin-2022-23/2022-12-13T14:30:00Z");
  EXPECT_DOUBLE_EQ(gas[0]->hours, 57.5);
  EXPECT_EQ(gas[0]->records, (std::vector<std::string>{"og-2022-12-13-gas.c1"}));
  EXPECT_EQ(gas[1]->key, "gas-48h/lachin-2022-23/2023-01-18T00:00:00Z");
  EXPECT_DOUBLE_EQ(gas[1]->hours, 168);
  EXPECT_EQ(gas[1]->values["restored"], false);
  EXPECT_EQ(gas[2]->records, (std::vector<std::string>{"og-2023-02-06-gas", "og-2023-02-15-gas.c1"}));
  EXPECT_DOUBLE_EQ(gas[2]->hours, 240);
  EXPECT_DOUBLE_EQ(gas[3]->hours, 2616);
  EXPECT_EQ(gas[3]->values["restored"], true);
  for (const AlertEvent* e : gas) EXPECT_FALSE(e->ongoing);
}

}  // namespace
}  // namespace lifeline::alerts
