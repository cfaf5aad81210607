// The rule types besides route_open, each on a small case submitted through
// record::Submit and evaluated day by day: each flips between met, violated
// and unknown as the records change.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "base/status_testing.h"

namespace lifeline::analysis {
namespace {

// A case with a `fuel` utility and `fuel` restriction of its own, two
// routes, and days 2023-01-01 .. 2023-01-10.
const std::vector<std::string> kCase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-10","sources":["s1"],
        "lifeline_routes":["r1"],
        "vocabulary":{"utility":{"fuel":"diesel and petrol for generators"},"restricted":{"fuel":"fuel as cargo"}}})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
    R"({"kind":"route","id":"r2","case":"c1","name":"Bridge","type":"bridge","sources":["s1"]})",
};

Result<ObligationCompliance> Evaluate(const std::vector<std::string>& records, const std::string& rule) {
  TestLog log;
  std::vector<std::string> all = kCase;
  all.insert(all.end(), records.begin(), records.end());
  all.push_back(R"({"kind":"obligation","id":"ob1","case":"c1","instrument":"agreement","title":"T",
      "issued":"2023-01-01","sources":["s1"],"rule":)" + rule + "}");
  LIFELINE_RETURN_IF_ERROR(log.TrySubmit(all));
  LIFELINE_ASSIGN_OR_RETURN(Dataset ds, log.Load("c1"));
  LIFELINE_ASSIGN_OR_RETURN(CheckpointRef cp, ResolveCheckpoint(log.store(), std::nullopt));
  LIFELINE_ASSIGN_OR_RETURN(Compliance c, ComputeCompliance(ds, cp, kNoDay, kNoDay));
  if (c.obligations.size() != 1) return InternalError("expected one obligation");
  return c.obligations[0];
}

std::vector<std::string> Days(const ObligationCompliance& o) {
  std::vector<std::string> out;
  for (const auto& v : o.violations) out.push_back(v.date);
  return out;
}

const char* kFuelRule = R"({"type":"service_restored","utility":"fuel","from":"2023-01-01"})";

TEST(ComplianceRulesTest, ServiceRestoredIsUnknownUntilTheRecordsSpeak) {
  auto o = Evaluate({}, kFuelRule);
  ASSERT_OK(o);
  EXPECT_TRUE(o->evaluable);
  EXPECT_EQ(o->utility, "fuel");
  EXPECT_EQ(o->days_evaluated, 10);
  EXPECT_EQ(o->days_unknown, 10);
}

TEST(ComplianceRulesTest, ServiceRestoredIsViolatedDuringAnOutageAndMetAfterIt) {
  auto o = Evaluate({R"({"kind":"outage","id":"o1","case":"c1","utility":"fuel","from":"2023-01-03",
                         "until":"2023-01-06","sources":["s1"]})"},
                    kFuelRule);
  ASSERT_OK(o);
  EXPECT_EQ(Days(*o), (std::vector<std::string>{"2023-01-03", "2023-01-04", "2023-01-05"}));
  ASSERT_FALSE(o->violations.empty());
  EXPECT_EQ(o->violations[0].status, "outage");
  EXPECT_EQ(o->violations[0].records, std::vector<std::string>{"o1"});
  EXPECT_EQ(o->days_unknown, 2);        // before the outage: nothing says the service ran
  EXPECT_EQ(o->days_in_compliance, 5);  // 01-06 .. 01-10: restored
}

TEST(ComplianceRulesTest, ServiceRestoredReadsAreasAndSchedules) {
  const std::vector<std::string> records = {
      R"({"kind":"outage","id":"o1","case":"c1","utility":"fuel","area":"North","from":"2023-01-01",
          "until":"2023-01-02","sources":["s1"]})",
      R"({"kind":"schedule","id":"sc1","case":"c1","utility":"fuel","area":"South","from":"2023-01-05",
          "until":"2023-01-07","hours_off_per_day":6,"sources":["s1"]})"};
  auto north = Evaluate(records, R"({"type":"service_restored","utility":"fuel","area":"North","from":"2023-01-01"})");
  ASSERT_OK(north);
  EXPECT_EQ(Days(*north), std::vector<std::string>{"2023-01-01"});
  EXPECT_EQ(north->days_in_compliance, 9);
  auto south = Evaluate(records, R"({"type":"service_restored","utility":"fuel","area":"South","from":"2023-01-01"})");
  ASSERT_OK(south);
  EXPECT_EQ(Days(*south), (std::vector<std::string>{"2023-01-05", "2023-01-06"}));
  EXPECT_EQ(south->violations[0].status, "schedule");
  // Another utility's outage says nothing about fuel.
  auto gas = Evaluate(records, R"({"type":"service_restored","utility":"gas","from":"2023-01-01"})");
  ASSERT_OK(gas);
  EXPECT_EQ(gas->days_unknown, 10);
}

TEST(ComplianceRulesTest, ServiceRestoredIsUnknownAfterAnOpenEndedOutagesEvidence) {
  auto o = Evaluate({R"({"kind":"outage","id":"o1","case":"c1","utility":"fuel","from":"2023-01-02",
                         "confirmed_until":"2023-01-04","sources":["s1"]})"},
                    kFuelRule);
  ASSERT_OK(o);
  // A date in confirmed_until confirms the whole of that day.
  EXPECT_EQ(Days(*o), (std::vector<std::string>{"2023-01-02", "2023-01-03", "2023-01-04"}));
  EXPECT_EQ(o->days_in_compliance, 0);
  EXPECT_EQ(o->days_unknown, 7);
}

const char* kFuelAllowed = R"({"type":"commodity_allowed","commodity":"fuel","directions":["in"],"from":"2023-01-01"})";

TEST(ComplianceRulesTest, CommodityAllowedNeedsOneRouteOpenForIt) {
  const std::string r1_fuel = R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01",
      "status":"restricted","restricted":["fuel"],"sources":["s1"]})";
  const std::string r2_closed = R"({"kind":"route_status","id":"rs2","case":"c1","route":"r2","from":"2023-01-01",
      "status":"closed","sources":["s1"]})";
  const std::string r2_open = R"({"kind":"route_status","id":"rs3","case":"c1","route":"r2","from":"2023-01-06",
      "status":"restricted","restricted":["persons"],"sources":["s1"]})";
  auto unknown = Evaluate({r1_fuel}, kFuelAllowed);  // r2 has no status: it may be open
  ASSERT_OK(unknown);
  EXPECT_EQ(unknown->days_unknown, 10);
  auto violated = Evaluate({r1_fuel, r2_closed}, kFuelAllowed);
  ASSERT_OK(violated);
  EXPECT_EQ(violated->days_in_violation, 10);
  EXPECT_EQ(violated->violations[0].status, "restricted");
  EXPECT_EQ(violated->violations[0].restricted, std::vector<std::string>{"fuel"});
  EXPECT_EQ(violated->violations[0].records, (std::vector<std::string>{"rs1", "rs2"}));
  auto reopened = Evaluate({r1_fuel, r2_closed, r2_open}, kFuelAllowed);
  ASSERT_OK(reopened);
  EXPECT_EQ(reopened->days_in_violation, 5);
  EXPECT_EQ(reopened->days_in_compliance, 5);
  // A restriction of cargo blocks fuel too; only the listed routes count.
  auto cargo = Evaluate({R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2023-01-01",
      "status":"restricted","restricted":["cargo"],"sources":["s1"]})"},
                        R"({"type":"commodity_allowed","commodity":"fuel","routes":["r1"],"from":"2023-01-01"})");
  ASSERT_OK(cargo);
  EXPECT_EQ(cargo->days_in_violation, 10);
}

// Daily movements on r1 of 4 trucks in on each of days 1..4 and 10 on day 5.
std::vector<std::string> Trucks() {
  std::vector<std::string> out;
  for (int d = 1; d <= 5; ++d) {
    out.push_back(R"({"kind":"movement","id":"m)" + std::to_string(d) + R"(","case":"c1","route":"r1","date":"2023-01-0)" +
                  std::to_string(d) + R"(","direction":"in","operator":"UN","vehicles":)" + (d == 5 ? "10" : "4") +
                  R"(,"cargo":[{"commodity":"flour","quantity":)" + (d == 5 ? "20" : "8") +
                  R"(,"unit":"t"}],"sources":["s1"]})");
  }
  return out;
}

const char* kWatch = R"({"kind":"watch","id":"w1","case":"c1","route":"r1","from":"2023-01-01","to":"2023-01-07",
    "sources":["s1"]})";

TEST(ComplianceRulesTest, FlowAtLeastIsUnknownWhereNothingWatchesTheShortfall) {
  auto o = Evaluate(Trucks(), R"({"type":"flow_at_least","measure":"vehicles","quantity":5,"per":"day",
      "directions":["in"],"from":"2023-01-01"})");
  ASSERT_OK(o);
  EXPECT_EQ(o->days_in_compliance, 1);  // day 5
  EXPECT_EQ(o->days_in_violation, 0);
  EXPECT_EQ(o->days_unknown, 9);
}

TEST(ComplianceRulesTest, FlowAtLeastIsViolatedOnWatchedDaysBelowTheQuantity) {
  std::vector<std::string> records = Trucks();
  records.push_back(kWatch);
  auto o = Evaluate(records, R"({"type":"flow_at_least","measure":"vehicles","quantity":5,"per":"day",
      "directions":["in"],"from":"2023-01-01"})");
  ASSERT_OK(o);
  EXPECT_EQ(Days(*o), (std::vector<std::string>{"2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04",
                                                "2023-01-06", "2023-01-07"}));
  EXPECT_EQ(o->violations[0].flow, 4);
  EXPECT_EQ(o->violations[0].required, 5);
  EXPECT_EQ(o->violations[0].records, std::vector<std::string>{"m1"});
  EXPECT_EQ(o->days_in_compliance, 1);
  EXPECT_EQ(o->days_unknown, 3);  // 01-08 .. 01-10: not watched
}

TEST(ComplianceRulesTest, FlowAtLeastSumsCargoOverAWeekInTheRulesUnit) {
  std::vector<std::string> records = Trucks();
  records.push_back(kWatch);
  // 52 t of flour in the first week (01-01 .. 01-07): met at 50 000 kg, violated at 60 t.
  auto met = Evaluate(records, R"({"type":"flow_at_least","measure":"cargo","commodity":"flour","unit":"kg",
      "quantity":50000,"per":"week","from":"2023-01-01","until":"2023-01-07"})");
  ASSERT_OK(met);
  EXPECT_EQ(met->days_in_compliance, 7);
  auto below = Evaluate(records, R"({"type":"flow_at_least","measure":"cargo","commodity":"flour","unit":"t",
      "quantity":60,"per":"week","from":"2023-01-01","until":"2023-01-07"})");
  ASSERT_OK(below);
  EXPECT_EQ(below->days_in_violation, 7);
  EXPECT_EQ(below->violations[0].flow, 52000);
  EXPECT_EQ(below->violations[0].required, 60000);
  // Another commodity does not count.
  auto rice = Evaluate(records, R"({"type":"flow_at_least","measure":"cargo","commodity":"rice","unit":"t",
      "quantity":1,"per":"week","from":"2023-01-01","until":"2023-01-07"})");
  ASSERT_OK(rice);
  EXPECT_EQ(rice->days_in_violation, 7);
}

TEST(ComplianceRulesTest, NotEvaluableIsListedNeverScored) {
  auto o = Evaluate({}, R"({"type":"not_evaluable","reason":"\"at scale\" names no quantity"})");
  ASSERT_OK(o);
  EXPECT_FALSE(o->evaluable);
  EXPECT_EQ(o->rule_type, "not_evaluable");
  EXPECT_EQ(o->reason, "\"at scale\" names no quantity");
  EXPECT_EQ(o->days_evaluated, 0);
}

TEST(ComplianceRulesTest, TheCaseVocabularyIsWhatLetsFuelIn) {
  TestLog log;
  std::vector<std::string> no_vocabulary = kCase;
  no_vocabulary[1] = R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2023-01-01","sources":["s1"]})";
  no_vocabulary.push_back(R"({"kind":"outage","id":"o1","case":"c1","utility":"fuel","from":"2023-01-03","sources":["s1"]})");
  Status s = log.TrySubmit(no_vocabulary);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("vocabulary.utility"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace lifeline::analysis
