// A case's own outcome terms are counted by their class (record/
// outcome_class.h): a `diverted` movement that counts as turned back is not
// delivered, a `handed_over` one that counts as completed is, in the
// indicators and the headline alike; outputs show the term as written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/analysis_testing.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "base/status_testing.h"

namespace lifeline::analysis {
namespace {

// One crossing watched for trucks in over 2023-01-01 .. 04, against a
// baseline of 50 a day; 20 trucks completed, 5 handed over, 10 diverted.
const std::vector<std::string> kCase = {
    R"({"kind":"source","id":"s","case":"c","publisher":"P","title":"T"})",
    R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-04","sources":["s"],
        "vocabulary":{"outcome":{
          "diverted":{"definition":"sent to another crossing","counts_as":"turned_back"},
          "handed_over":{"definition":"handed to another operator at the crossing","counts_as":"completed"}}}})",
    R"({"kind":"route","id":"x","case":"c","name":"Crossing","type":"crossing","sources":["s"]})",
    R"({"kind":"baseline","id":"b-in","case":"c","route":"x","period":{"from":"2022-01-01","to":"2022-01-31"},
        "per_day":{"vehicles":50},"directions":["in"],"sources":["s"]})",
    R"({"kind":"watch","id":"w","case":"c","route":"x","from":"2023-01-01","to":"2023-01-04","directions":["in"],
        "measures":["vehicles"],"sources":["s"]})",
    R"({"kind":"movement","id":"m1","case":"c","route":"x","date":"2023-01-02","direction":"in","operator":"O",
        "vehicles":20,"sources":["s"]})",
    R"({"kind":"movement","id":"m2","case":"c","route":"x","date":"2023-01-03","direction":"in","operator":"O",
        "outcome":"handed_over","vehicles":5,"sources":["s"]})",
    R"({"kind":"movement","id":"m3","case":"c","route":"x","date":"2023-01-03","direction":"in","operator":"O",
        "outcome":"diverted","vehicles":10,"sources":["s"]})",
    R"({"kind":"movement","id":"m4","case":"c","route":"x","date":"2023-01-04","direction":"in","operator":"O",
        "outcome":"diverted","vehicles":8,"period":{"from":"2023-01-01","to":"2023-01-04"},"sources":["s"]})",
};

const RangeEstimate* EstimateOf(const Indicators& ind, const std::string& outcome) {
  for (const auto& e : ind.estimates) {
    if (e.measure == "vehicles" && e.direction == "in" && e.outcome == outcome) return &e;
  }
  return nullptr;
}

class OutcomeClassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Submit(kCase);
    auto ds = log_.Load("c");
    ASSERT_OK(ds);
    ds_ = std::move(*ds);
    const CheckpointRef cp = *ResolveCheckpoint(log_.store(), std::nullopt);
    IndicatorOptions opts;
    opts.explain = true;
    auto ind = ComputeIndicators(ds_, cp, opts);
    ASSERT_OK(ind);
    ind_ = std::move(*ind);
    auto comp = ComputeCompliance(ds_, cp, kNoDay, kNoDay);
    ASSERT_OK(comp);
    head_ = ComputeHeadline(ind_, *comp);
  }
  TestLog log_;
  Dataset ds_;
  Indicators ind_;
  Headline head_;
};

TEST_F(OutcomeClassTest, TheDatasetCountsEachTermByItsClassAndKeepsTheTerm) {
  ASSERT_EQ(ds_.movements.size(), 4u);
  EXPECT_TRUE(ds_.skipped.empty());
  for (int32_t row = 0; row < 4; ++row) {
    const std::string id(ds_.ids.at(ds_.movements.record[static_cast<size_t>(row)]));
    const Outcome o = ds_.movements.outcome[static_cast<size_t>(row)];
    EXPECT_EQ(o, id == "m3" || id == "m4" ? Outcome::kTurnedBack : Outcome::kCompleted) << id;
    EXPECT_EQ(ds_.OutcomeTerm(row), id == "m1" ? "completed" : id == "m2" ? "handed_over" : "diverted");
  }
}

TEST_F(OutcomeClassTest, ADivertedConvoyIsNotDeliveredAHandedOverOneIs) {
  const RangeEstimate* delivered = EstimateOf(ind_, "delivered");
  ASSERT_NE(delivered, nullptr);
  EXPECT_DOUBLE_EQ(delivered->daily_sum, 25);  // 20 completed + 5 handed over; not the 10 diverted
  const RangeEstimate* stopped = EstimateOf(ind_, "stopped");
  ASSERT_NE(stopped, nullptr);
  EXPECT_DOUBLE_EQ(stopped->daily_sum, 10);
  // The headline agrees: 25 trucks in over 4 watched days against 50 a day.
  const HeadlineFigure* f = head_.Find("supply.baseline.vehicles");
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(f->detail["delivered"].get<double>(), 25);
  EXPECT_DOUBLE_EQ(*f->value, 25.0 / 200);
  const HeadlineFigure* in = head_.Find("movements.vehicles.in");
  ASSERT_NE(in, nullptr);
  ASSERT_TRUE(in->value.has_value());
  EXPECT_DOUBLE_EQ(*in->value, delivered->best);
  const HeadlineFigure* not_through = head_.Find("stopped");
  ASSERT_NE(not_through, nullptr);
  EXPECT_EQ(not_through->records, (std::vector<std::string>{"m3", "m4"}));
}

TEST_F(OutcomeClassTest, APeriodMovementShowsItsTermAndItsClass) {
  ASSERT_EQ(ind_.period_movements.size(), 1u);
  EXPECT_EQ(ind_.period_movements[0].outcome, "diverted");
  EXPECT_EQ(ind_.period_movements[0].counts_as, "turned_back");
}

// A movement whose term the current case record no longer classes (a
// correction took the term out) is left out and said so, not guessed.
TEST(OutcomeClassSkipTest, AMovementWhoseTermHasNoClassIsLeftOut) {
  TestLog log;
  log.Submit(kCase);
  Status s = log.TrySubmit({R"({"kind":"case","id":"c-fix","case":"c","supersedes":"c","title":"T","region":"R",
      "started":"2023-01-01","ended":"2023-01-04","sources":["s"],
      "vocabulary":{"outcome":{"handed_over":{"definition":"handed over","counts_as":"completed"}}}})"});
  if (!s.ok()) GTEST_SKIP() << "the correction is refused: " << s.ToString();
  auto ds = log.Load("c");
  ASSERT_OK(ds);
  EXPECT_EQ(ds->movements.size(), 2u);
  ASSERT_EQ(ds->skipped.size(), 2u);
  EXPECT_EQ(ds->skipped[0].field, "outcome");
  EXPECT_NE(ds->skipped[0].message.find("\"diverted\" has no class"), std::string::npos) << ds->skipped[0].message;
}

}  // namespace
}  // namespace lifeline::analysis
