// The risk view on a hand-built case: counts worked out by hand below.
#include "analysis/risk.h"

#include <gtest/gtest.h>

#include "analysis/analysis_testing.h"
#include "record/framework.h"

namespace lifeline::analysis {
namespace {

// Two publishers; three outages (o1 corroborated by both, o2 single-source,
// o3 disputed); tags:
//   t1  RF7 7.10 by A on o1, o2      t2  RF7 7.10 by B on o2
//   t3  RF7 (factor) by A on o3      t4  RF13 13.8 by B on o1, later
//                                        retracted (drops out)
//   t5  RF13 13.8 by C, superseded by t5.c1 (by C, on o2)
// RF7 7.10: 2 tags, records {o1, o2}, authors {A, B}, Jan and Feb 2023.
// RF7 as a whole: 3 tags, records {o1, o2, o3}.
// RF13 13.8: t5.c1 only: 1 tag, record o2, author C.
// Totals: 4 tags, 3 records, authors {A, B, C}.
const std::vector<std::string> kRiskCase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor One","title":"Report"})",
    R"({"kind":"source","id":"s2","case":"c1","publisher":"Monitor Two","title":"Report"})",
    R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","sources":["s1"]})",
    R"({"kind":"outage","id":"o1","case":"c1","utility":"gas","from":"2023-01-02","sources":["s1","s2"]})",
    R"({"kind":"outage","id":"o2","case":"c1","utility":"electricity","from":"2023-02-10","sources":["s1"]})",
    R"({"kind":"outage","id":"o3","case":"c1","utility":"internet","from":"2023-02-20","sources":["s2"]})",
    R"({"kind":"claim","id":"cl1","case":"c1","about":"o3","stance":"disputes","party":"P","text":"no","sources":["s1"]})",
    R"({"kind":"tag","id":"t1","case":"c1","targets":["o1","o2"],"framework":"un-foa-2014","factor":"RF7",
        "indicator":"7.10","author":"A","text":"a","sources":["s1"]})",
    R"({"kind":"tag","id":"t2","case":"c1","targets":["o2"],"framework":"un-foa-2014","factor":"RF7",
        "indicator":"7.10","author":"B","text":"b","sources":["s2"]})",
    R"({"kind":"tag","id":"t3","case":"c1","targets":["o3"],"framework":"un-foa-2014","factor":"RF7",
        "author":"A","text":"c","sources":["s1"]})",
    R"({"kind":"tag","id":"t4","case":"c1","targets":["o1"],"framework":"un-foa-2014","factor":"RF13",
        "indicator":"13.8","author":"B","text":"d","sources":["s2"]})",
    R"({"kind":"tag","id":"t5","case":"c1","targets":["o1"],"framework":"un-foa-2014","factor":"RF13",
        "indicator":"13.8","author":"C","text":"e","sources":["s2"]})",
    R"({"kind":"retraction","id":"ret-t4","case":"c1","retracts":"t4","reason":"wrong record"})",
    R"({"kind":"tag","id":"t5.c1","case":"c1","supersedes":"t5","targets":["o2"],"framework":"un-foa-2014",
        "factor":"RF13","indicator":"13.8","author":"C","text":"e","sources":["s2"]})",
};

const RiskFactor& FactorOf(const Risk& r, const std::string& id) {
  for (const auto& f : r.factors) {
    if (f.id == id) return f;
  }
  static const RiskFactor kNone;
  ADD_FAILURE() << "no factor " << id;
  return kNone;
}

Result<Risk> Compute(TestLog& log) {
  LIFELINE_ASSIGN_OR_RETURN(CheckpointRef cp, ResolveCheckpoint(log.store(), std::nullopt));
  return ComputeRisk(log.store(), "c1", cp, *record::FindFramework("un-foa-2014"));
}

TEST(RiskTest, CountsTagsRecordsAuthorsAndDatesPerIndicator) {
  TestLog log;
  log.Submit(kRiskCase);
  auto r = Compute(log);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->factors.size(), 14u);
  const RiskFactor& rf7 = FactorOf(*r, "RF7");
  EXPECT_EQ(rf7.counts.tags, 3);
  EXPECT_EQ(rf7.counts.records, 3);
  ASSERT_EQ(rf7.indicators.size(), 2u);
  EXPECT_EQ(rf7.indicators[0].id, "");  // the factor-level tags first
  const RiskIndicator& i710 = rf7.indicators[1];
  EXPECT_EQ(i710.id, "7.10");
  EXPECT_EQ(i710.counts.tags, 2);
  EXPECT_EQ(i710.counts.records, 2);
  EXPECT_EQ(i710.counts.authors, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(i710.counts.first, "2023-01-02");
  EXPECT_EQ(i710.counts.last, "2023-02-10");
  EXPECT_EQ(i710.counts.by_month, (std::map<std::string, int64_t>{{"2023-01", 1}, {"2023-02", 1}}));
  EXPECT_EQ(i710.counts.by_status, (std::map<std::string, int64_t>{{"corroborated", 1}, {"single-source", 1}}));
  EXPECT_EQ(rf7.counts.by_status.at("disputed"), 1);
  EXPECT_EQ(r->totals.tags, 4);
  EXPECT_EQ(r->totals.records, 3);
  EXPECT_EQ(r->totals.authors, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(FactorOf(*r, "RF1").counts.tags, 0);
}

TEST(RiskTest, RetractedAndSupersededTagsDropOut) {
  TestLog log;
  log.Submit(kRiskCase);
  auto r = Compute(log);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RiskFactor& rf13 = FactorOf(*r, "RF13");
  ASSERT_EQ(rf13.indicators.size(), 1u);
  ASSERT_EQ(rf13.indicators[0].tags.size(), 1u);
  EXPECT_EQ(rf13.indicators[0].tags[0].id, "t5.c1");
  EXPECT_EQ(rf13.counts.authors, (std::vector<std::string>{"C"}));
  EXPECT_EQ(rf13.indicators[0].tags[0].targets[0].id, "o2");
}

TEST(RiskTest, AtAnEarlierCheckpointTheLaterCorrectionsAreNotApplied) {
  TestLog log;
  std::vector<std::string> first(kRiskCase.begin(), kRiskCase.end() - 2);
  log.Submit(first);
  const uint64_t before = log.size();
  log.Submit(std::vector<std::string>(kRiskCase.end() - 2, kRiskCase.end()));
  auto cp = ResolveCheckpoint(log.store(), before);
  ASSERT_TRUE(cp.ok());
  auto r = ComputeRisk(log.store(), "c1", *cp, *record::FindFramework("un-foa-2014"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FactorOf(*r, "RF13").counts.tags, 2);  // t4 and t5, before the retraction and the correction
  EXPECT_EQ(r->totals.tags, 5);
}

TEST(RiskTest, ATargetRetractedLaterIsShownAsNotCurrent) {
  TestLog log;
  log.Submit(kRiskCase);
  log.Submit({R"({"kind":"retraction","id":"ret-o2","case":"c1","retracts":"o2","reason":"duplicate"})"});
  auto r = Compute(log);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RiskIndicator& i710 = FactorOf(*r, "RF7").indicators[1];
  EXPECT_EQ(i710.counts.by_status.at("not current"), 1);
}

// The risk view at a checkpoint is what the log held then: a retraction,
// a correction and a disputing claim appended after it change nothing in
// it (the rows, the summaries and each target's corroboration status),
// while the view at the new checkpoint shows them.
TEST(RiskTest, AtAnEarlierCheckpointNothingLaterShows) {
  TestLog log;
  log.Submit(kRiskCase);
  const uint64_t before = log.size();
  auto At = [&](uint64_t size) {
    auto cp = ResolveCheckpoint(log.store(), size);
    EXPECT_TRUE(cp.ok());
    auto r = ComputeRisk(log.store(), "c1", *cp, *record::FindFramework("un-foa-2014"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return RiskJson(*r);
  };
  const auto then = At(before);
  log.Submit({R"({"kind":"retraction","id":"ret-o2","case":"c1","retracts":"o2","reason":"duplicate"})",
              R"({"kind":"outage","id":"o1.c1","case":"c1","supersedes":"o1","utility":"gas","from":"2023-03-02",
                  "sources":["s1","s2"]})",
              R"({"kind":"claim","id":"cl-o1","case":"c1","about":"o1","stance":"disputes","party":"P","text":"no",
                  "sources":["s2"]})"});
  EXPECT_EQ(At(before), then) << "later records changed the view at an earlier checkpoint";
  const std::string text = then.dump();
  EXPECT_EQ(text.find("not current"), std::string::npos);
  EXPECT_EQ(text.find("retracted"), std::string::npos);
  auto now = Compute(log);
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_EQ(FactorOf(*now, "RF7").indicators[1].counts.by_status, (std::map<std::string, int64_t>{{"not current", 2}}));
}

TEST(RiskTest, OutputsStateThatLifelineGivesNoVerdict) {
  TestLog log;
  log.Submit(kRiskCase);
  auto r = Compute(log);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(RiskJson(*r)["statement"], kRiskStatement);
  EXPECT_NE(RiskTable(*r).find(kRiskStatement), std::string::npos);
  EXPECT_NE(std::string(kRiskStatement).find("no verdict"), std::string::npos);
  EXPECT_EQ(RiskJson(*r)["totals"]["tags"], 4);
}

TEST(RiskTest, UnknownCaseIsNotFound) {
  TestLog log;
  log.Submit(kRiskCase);
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  ASSERT_TRUE(cp.ok());
  auto r = ComputeRisk(log.store(), "nope", *cp, *record::FindFramework("un-foa-2014"));
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace lifeline::analysis
