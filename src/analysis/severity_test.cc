// Siege severity on hand-built datasets: each criterion read from the
// records that decide it, and each criterion flipping the class of a day
// (docs/analysis.md, "Siege severity").
#include "analysis/severity.h"

#include <gtest/gtest.h>

#include "analysis/analysis_testing.h"
#include "base/status_testing.h"
#include "record/values.h"

namespace lifeline::analysis {
namespace {

int64_t T(const char* s) { return static_cast<int64_t>(D(s)) * 86400; }

size_t I(Criterion c) { return static_cast<size_t>(c); }

// A one-day case (2023-03-01) with lifeline route "r1" and no incidents:
// attacks unknown.
Dataset OneDayNoIncidents() {
  Dataset ds;
  ds.case_id = "c1";
  ds.started = ds.ended = D("2023-03-01");
  ds.lifeline_routes.push_back(ds.routes.Intern("r1"));
  return ds;
}

// The same, recording incidents (one before the range, no attack): a day
// without an attack is "no".
Dataset OneDay() {
  Dataset ds = OneDayNoIncidents();
  ds.AppendIncident("inc-old", D("2023-02-01"), 0, 0, 0, 0);
  return ds;
}

SeverityPeriod Day(Dataset ds) {
  ds.Finalize();
  auto s = ComputeSeverity(ds, CheckpointRef{1, "root"}, kNoDay, kNoDay);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->periods.size(), 1u);
  return s->periods.at(0);
}

// The route's status on the day: restricted with `mask`, or another state.
void SetStatus(Dataset& ds, RouteState st, uint32_t mask = 0, uint8_t ways = kBothWays, const char* id = "rs1") {
  ds.AppendRouteStatus(id, "r1", T("2023-03-01"), kForever, st, mask, ways);
}

TEST(SeverityTest, AClosedRouteWithAGasCutIsSevereAndNamesItsRecords) {
  Dataset ds = OneDay();
  SetStatus(ds, RouteState::kClosed);
  ds.AppendOutage("out-gas", "gas", T("2023-03-01"), T("2023-03-02"));
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.cls, SeverityClass::kSevere);
  for (Criterion c : {Criterion::kFood, Criterion::kMedicine, Criterion::kSick, Criterion::kCivilians}) {
    EXPECT_EQ(p.criteria[I(c)].answer, Answer::kNo) << CriterionName(c);
    EXPECT_EQ(p.criteria[I(c)].records, std::vector<std::string>{"rs1"});
  }
  EXPECT_EQ(p.criteria[I(Criterion::kUtilities)].answer, Answer::kYes);
  EXPECT_EQ(p.criteria[I(Criterion::kUtilities)].records, std::vector<std::string>{"out-gas"});
  EXPECT_EQ(p.criteria[I(Criterion::kAttacks)].answer, Answer::kNo);
}

TEST(SeverityTest, AnOpenRouteWithNothingRecordedIsNoneOnlyWhenUtilitiesAreKnown) {
  Dataset ds = OneDay();
  SetStatus(ds, RouteState::kOpen);
  // No utility records at all: utilities unknown, so none .. moderate.
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kUtilities)].answer, Answer::kUnknown);
  EXPECT_EQ(p.cls, SeverityClass::kUnknown);
  EXPECT_EQ(p.at_least, SeverityClass::kNone);
  EXPECT_EQ(p.at_most, SeverityClass::kModerate);
  // An outage on another day makes the day's utilities known: none.
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kUtilities)].answer, Answer::kNo);
  EXPECT_EQ(p.cls, SeverityClass::kNone);
}

TEST(SeverityTest, ACaseRecordingNoIncidentsLeavesAttacksUnknown) {
  Dataset ds = OneDayNoIncidents();
  SetStatus(ds, RouteState::kRestricted, kPersons | kVehicles | kCargo | kCommercial | kHumanitarian | kMedical);
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kAttacks)].answer, Answer::kUnknown);
  EXPECT_EQ(p.cls, SeverityClass::kUnknown);
  EXPECT_EQ(p.at_least, SeverityClass::kHigh);
  EXPECT_EQ(p.at_most, SeverityClass::kSevere);
  ds.AppendIncident("inc-old", D("2023-02-01"), 0, 0, 0, 0);  // incidents recorded, none that day
  p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kAttacks)].answer, Answer::kNo);
  EXPECT_EQ(p.cls, SeverityClass::kHigh);
}

// The base of the flips: sealed (restricted for everything), no utility
// cut (an old outage makes utilities known), no attack: high.
Dataset Sealed() {
  Dataset ds = OneDay();
  SetStatus(ds, RouteState::kRestricted, kPersons | kVehicles | kCargo | kCommercial | kHumanitarian | kMedical);
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  return ds;
}

TEST(SeverityFlipTest, UtilitiesFlipHighToSevere) {
  EXPECT_EQ(Day(Sealed()).cls, SeverityClass::kHigh);
  Dataset ds = Sealed();
  ds.AppendOutage("out-water", "water", T("2023-03-01") + 3600, T("2023-03-01") + 7200);
  EXPECT_EQ(Day(ds).cls, SeverityClass::kSevere);
}

TEST(SeverityFlipTest, AnAttackWithCivilianCasualtiesFlipsHighToSevere) {
  Dataset ds = Sealed();
  int32_t row = ds.AppendIncident("inc-combat", D("2023-03-01"), 1, 1, 1, 0, Cause::kHostilities);
  ds.AppendCasualty(row, "A", CasualtyCategory::kCombatant, 1, 1, 1, 0, "");
  EXPECT_EQ(Day(ds).cls, SeverityClass::kHigh) << "combatant casualties are not an attack on the population";
  int32_t civ = ds.AppendIncident("inc-shelling", D("2023-03-01"), 0, 0, 0, 2, Cause::kHostilities);
  ds.AppendCasualty(civ, "A", CasualtyCategory::kCivilian, 0, 0, 0, 2, "");
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.cls, SeverityClass::kSevere);
  EXPECT_EQ(p.criteria[I(Criterion::kAttacks)].records, std::vector<std::string>{"inc-shelling"});
}

TEST(SeverityFlipTest, ViolenceAgainstCiviliansFlipsNoneToModerate) {
  Dataset ds = OneDay();
  SetStatus(ds, RouteState::kOpen);
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  EXPECT_EQ(Day(ds).cls, SeverityClass::kNone);
  int32_t row = ds.AppendIncident("inc-vac", D("2023-03-01"), 0, 0, 0, 0);
  ds.MarkViolenceAgainstCivilians(row);
  EXPECT_EQ(Day(ds).cls, SeverityClass::kModerate);
}

// Each access criterion on its own: with a gas cut in force, one of food,
// medicine, sick free keeps the day from severe (high); all blocked is
// severe.
TEST(SeverityFlipTest, FoodMedicineAndSickEachFlipSevereToHigh) {
  const uint32_t all = kPersons | kVehicles | kCargo | kCommercial | kHumanitarian | kMedical;
  struct Case {
    uint32_t restricted;
    Criterion open;
  };
  // Humanitarian free: food and medicine enter (but the sick can't leave).
  // Medical free: medicine enters and the sick leave, food does not.
  for (auto [mask, open] : {Case{all & ~kHumanitarian, Criterion::kFood}, Case{all & ~kMedical, Criterion::kSick}}) {
    Dataset ds = OneDay();
    SetStatus(ds, RouteState::kRestricted, mask);
    ds.AppendOutage("out-gas", "gas", T("2023-03-01"), T("2023-03-02"));
    SeverityPeriod p = Day(ds);
    EXPECT_EQ(p.criteria[I(open)].answer, Answer::kYes) << CriterionName(open);
    EXPECT_EQ(p.criteria[I(Criterion::kMedicine)].answer, Answer::kYes);
    EXPECT_EQ(p.cls, SeverityClass::kHigh);
  }
  Dataset ds = OneDay();
  SetStatus(ds, RouteState::kRestricted, all);
  ds.AppendOutage("out-gas", "gas", T("2023-03-01"), T("2023-03-02"));
  EXPECT_EQ(Day(ds).cls, SeverityClass::kSevere);
}

TEST(SeverityFlipTest, EachOfFoodMedicineSickAloneFlipsNoneToHigh) {
  // Only the channel under test is blocked; everything else passes.
  struct Case {
    uint32_t restricted;
    uint8_t ways;
    Criterion blocked;
  };
  for (auto [mask, ways, blocked] : {Case{kCargo | kHumanitarian, kWayIn, Criterion::kFood},
                                     Case{kCargo | kHumanitarian | kMedical, kWayIn, Criterion::kMedicine},
                                     Case{kMedical | kVehicles, kWayOut, Criterion::kSick}}) {
    Dataset ds = OneDay();
    ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
    SetStatus(ds, RouteState::kOpen, 0, ways == kWayIn ? kWayOut : kWayIn, "rs-other-way");
    SetStatus(ds, RouteState::kOpen, 0, ways);
    EXPECT_EQ(Day(ds).cls, SeverityClass::kNone);
    ds.AppendRouteStatus("rs-block", "r1", T("2023-03-01") + 60, kForever, RouteState::kRestricted, mask, ways);
    SeverityPeriod p = Day(ds);
    EXPECT_EQ(p.criteria[I(blocked)].answer, Answer::kNo) << CriterionName(blocked);
    EXPECT_EQ(p.cls, SeverityClass::kHigh) << CriterionName(blocked);
  }
}

TEST(SeverityFlipTest, CiviliansFlipNoneToModerate) {
  Dataset ds = OneDay();
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  SetStatus(ds, RouteState::kRestricted, kCommercial);
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kFood)].answer, Answer::kYes) << "humanitarian food still enters";
  EXPECT_EQ(p.cls, SeverityClass::kNone);
  Dataset blocked = OneDay();
  blocked.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  SetStatus(blocked, RouteState::kRestricted, kPersons);
  p = Day(blocked);
  EXPECT_EQ(p.criteria[I(Criterion::kCivilians)].answer, Answer::kNo);
  EXPECT_EQ(p.criteria[I(Criterion::kSick)].answer, Answer::kYes) << "medical transfers are not restricted";
  EXPECT_EQ(p.cls, SeverityClass::kModerate);
}

TEST(SeverityTest, AOneWayOpeningLetsCiviliansOutButNotInAndDecidesNothingTheOtherWay) {
  Dataset ds = OneDay();
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  SetStatus(ds, RouteState::kOpen, 0, kWayOut);
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kSick)].answer, Answer::kYes);
  EXPECT_EQ(p.criteria[I(Criterion::kFood)].answer, Answer::kUnknown) << "nothing in force inbound";
  EXPECT_EQ(p.criteria[I(Criterion::kCivilians)].answer, Answer::kUnknown);
  EXPECT_EQ(p.cls, SeverityClass::kUnknown);
  EXPECT_EQ(p.at_least, SeverityClass::kNone);
  EXPECT_EQ(p.at_most, SeverityClass::kHigh);
}

TEST(SeverityTest, NoLifelineRouteLeavesAccessUnknownAndAnyOpenRouteSuffices) {
  Dataset ds = OneDay();
  ds.lifeline_routes.clear();  // and no baseline: no lifeline route
  SetStatus(ds, RouteState::kOpen);
  EXPECT_EQ(Day(ds).criteria[I(Criterion::kFood)].answer, Answer::kUnknown);
  Dataset two = OneDay();
  two.lifeline_routes.push_back(two.routes.Intern("r2"));
  SetStatus(two, RouteState::kClosed);
  two.AppendRouteStatus("rs-r2", "r2", T("2023-03-01"), kForever, RouteState::kOpen, 0);
  SeverityPeriod p = Day(two);
  EXPECT_EQ(p.criteria[I(Criterion::kFood)].answer, Answer::kYes);
  EXPECT_EQ(p.criteria[I(Criterion::kFood)].records, std::vector<std::string>{"rs-r2"});
}

TEST(SeverityTest, CiviliansMayComeInByOneRouteAndLeaveByAnother) {
  Dataset ds = OneDay();
  ds.lifeline_routes.push_back(ds.routes.Intern("r2"));
  SetStatus(ds, RouteState::kOpen, 0, kWayIn);
  ds.AppendRouteStatus("rs-r2-in", "r2", T("2023-03-01"), kForever, RouteState::kClosed, 0, kWayIn);
  ds.AppendRouteStatus("rs-r2-out", "r2", T("2023-03-01"), kForever, RouteState::kOpen, 0, kWayOut);
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kCivilians)].answer, Answer::kYes);
  // The records of a route are those in force on it that day, both ways.
  EXPECT_EQ(p.criteria[I(Criterion::kCivilians)].records,
            (std::vector<std::string>{"rs-r2-in", "rs-r2-out", "rs1"}));
  // r1 closed inbound too: nobody comes in on either route.
  ds.AppendRouteStatus("rs-r1-closed", "r1", T("2023-03-01") + 60, kForever, RouteState::kClosed, 0, kWayIn);
  p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kCivilians)].answer, Answer::kNo);
  EXPECT_EQ(p.criteria[I(Criterion::kSick)].answer, Answer::kYes) << "r2 is open outbound";
}

TEST(SeverityTest, AnUnknownUtilityIsACutAndAnUnknownRestrictionDecidesNothing) {
  Dataset ds = OneDay();
  // A restricted status whose list holds only values the code does not
  // know: no known channel is blocked, so food and medicine enter.
  SetStatus(ds, RouteState::kRestricted, 0);
  ds.AppendOutage("out-banking", "banking", T("2023-03-01"), T("2023-03-02"));
  SeverityPeriod p = Day(ds);
  EXPECT_EQ(p.criteria[I(Criterion::kFood)].answer, Answer::kYes);
  EXPECT_EQ(p.criteria[I(Criterion::kMedicine)].answer, Answer::kYes);
  EXPECT_EQ(p.criteria[I(Criterion::kUtilities)].answer, Answer::kYes);
  EXPECT_EQ(p.cls, SeverityClass::kModerate);
}

TEST(SeverityTest, WeeksFollowIsoWeeksAndTakeTheWorstKnownDay) {
  Dataset ds;
  ds.case_id = "c1";
  ds.started = D("2023-03-01");  // a Wednesday
  ds.ended = D("2023-03-08");
  ds.lifeline_routes.push_back(ds.routes.Intern("r1"));
  ds.AppendOutage("out-old", "electricity", T("2023-02-01"), T("2023-02-02"));
  ds.AppendIncident("inc-old", D("2023-02-01"), 0, 0, 0, 0);  // incidents recorded: no attack is "no"
  ds.AppendRouteStatus("rs-open", "r1", T("2023-03-01"), kForever, RouteState::kOpen, 0);
  ds.AppendRouteStatus("rs-closed", "r1", T("2023-03-03"), T("2023-03-04"), RouteState::kClosed, 0);
  // A status stops at the next one: without a reopening the days after
  // the closure would be unknown.
  ds.AppendRouteStatus("rs-reopened", "r1", T("2023-03-04"), kForever, RouteState::kOpen, 0);
  ds.Finalize();
  auto sr = ComputeSeverity(ds, CheckpointRef{1, "r"}, kNoDay, kNoDay, SeverityBy::kWeek);
  ASSERT_TRUE(sr.ok()) << sr.status().ToString();
  const Severity& s = *sr;
  ASSERT_EQ(s.periods.size(), 2u);
  EXPECT_EQ(s.periods[0].from, "2023-03-01");
  EXPECT_EQ(s.periods[0].to, "2023-03-05");
  EXPECT_EQ(s.periods[1].from, "2023-03-06");
  EXPECT_EQ(s.periods[1].to, "2023-03-08");
  EXPECT_EQ(s.periods[0].cls, SeverityClass::kHigh);
  EXPECT_EQ(s.periods[0].days_by_class[static_cast<size_t>(SeverityClass::kHigh)], 1);
  EXPECT_EQ(s.periods[0].criteria[I(Criterion::kFood)].answer, Answer::kNo);
  EXPECT_EQ(s.periods[0].criteria[I(Criterion::kFood)].records, std::vector<std::string>{"rs-closed"});
  EXPECT_EQ(s.periods[1].cls, SeverityClass::kNone);
  EXPECT_EQ(s.days_by_class[static_cast<size_t>(SeverityClass::kNone)], 7);
}

TEST(SeverityTest, ClassNamesRoundTripAndTheRuleIsStated) {
  for (auto c : {SeverityClass::kNone, SeverityClass::kModerate, SeverityClass::kHigh, SeverityClass::kSevere,
                 SeverityClass::kUnknown}) {
    EXPECT_EQ(ParseSeverityClass(SeverityClassName(c)), c);
  }
  EXPECT_FALSE(ParseSeverityClass("tier1").has_value());
  Dataset ds = OneDay();
  ds.Finalize();
  auto sr = ComputeSeverity(ds, CheckpointRef{1, "r"}, kNoDay, kNoDay);
  ASSERT_TRUE(sr.ok()) << sr.status().ToString();
  const Severity& s = *sr;
  nlohmann::json j = SeverityJson(s);
  EXPECT_EQ(j["criteria"].size(), kCriteria);
  EXPECT_EQ(j["rule"].size(), SeverityRule().size());
  EXPECT_NE(SeverityTable(s, true).find("can food enter"), std::string::npos);
}

// Loaded from records: the event type sets violence against civilians.
TEST(SeverityTest, TheEventTypeOfAnIncidentRecordMarksViolenceAgainstCivilians) {
  TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-03-01","ended":"2023-03-02",
          "sources":["s1"]})",
      R"({"kind":"incident","id":"inc1","case":"c1","date":"2023-03-02","event_type":"Violence against civilians",
          "sub_event_type":"Attack","location":{"name":"X","geo_precision":3},"fatalities":{"best":0},
          "sources":["s1"]})",
  });
  auto loaded = log.Load("c1");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Dataset& ds = *loaded;
  auto sr = ComputeSeverity(ds, CheckpointRef{1, "r"}, kNoDay, kNoDay);
  ASSERT_TRUE(sr.ok()) << sr.status().ToString();
  const Severity& s = *sr;
  ASSERT_EQ(s.periods.size(), 2u);
  EXPECT_EQ(s.periods[0].criteria[I(Criterion::kAttacks)].answer, Answer::kNo);
  EXPECT_EQ(s.periods[1].criteria[I(Criterion::kAttacks)].answer, Answer::kYes);
  EXPECT_EQ(s.periods[1].criteria[I(Criterion::kAttacks)].records, std::vector<std::string>{"inc1"});
}

}  // namespace
}  // namespace lifeline::analysis
