// The headline's compliance figures carry the rule each was measured
// against (detail.rule: its type and terms), for every rule type.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/analysis_testing.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "base/status_testing.h"

namespace lifeline::analysis {
namespace {

using nlohmann::json;

class HeadlineRuleTest : public ::testing::Test {
 protected:
  // Per test, not per suite: a suite set-up that fails reads as skipped.
  void SetUp() override {
    TestLog log;
    log.Submit({
        R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
        R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-10",
            "sources":["s1"],"lifeline_routes":["r1"],"vocabulary":{"utility":{"fuel":"diesel"}}})",
        R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
    });
    log.Submit(ObligationsOfEachRuleType());
    log.Submit({ObligationWithRule("ob-flow", R"({"type":"flow_at_least","measure":"cargo","commodity":"flour",
        "unit":"t","quantity":500,"per":"week","directions":["in"],"from":"2023-01-01"})")});
    auto ds = log.Load("c1");
    ASSERT_OK(ds);
    const CheckpointRef cp = *ResolveCheckpoint(log.store(), std::nullopt);
    auto ind = ComputeIndicators(*ds, cp, IndicatorOptions{});
    ASSERT_OK(ind);
    auto comp = ComputeCompliance(*ds, cp, kNoDay, kNoDay);
    ASSERT_OK(comp);
    head_ = ComputeHeadline(*ind, *comp);
  }
  json Rule(const std::string& obligation) const {
    const HeadlineFigure* f = head_.Find("compliance." + obligation);
    if (f == nullptr) return nullptr;
    return f->detail.value("rule", json());
  }
  Headline head_;
};

TEST_F(HeadlineRuleTest, RouteOpen) {
  EXPECT_EQ(Rule("ob-open"), (json{{"type", "route_open"}, {"route", "r1"}, {"for", {"cargo"}}, {"directions", {"in", "out"}}})) << Rule("ob-open");
}

TEST_F(HeadlineRuleTest, ServiceRestored) {
  EXPECT_EQ(Rule("ob-power"), (json{{"type", "service_restored"}, {"utility", "electricity"}, {"area", "Gaza"}}))
      << Rule("ob-power");
}

TEST_F(HeadlineRuleTest, CommodityAllowed) {
  EXPECT_EQ(Rule("ob-medical"), (json{{"type", "commodity_allowed"}, {"commodity", "medical"}, {"routes", {"r1"}},
                                   {"directions", {"in"}}}))
      << Rule("ob-medical");
}

// The quantity as measured: in the canonical unit (500 t = 500,000 kg).
TEST_F(HeadlineRuleTest, FlowAtLeast) {
  EXPECT_EQ(Rule("ob-flow"), (json{{"type", "flow_at_least"}, {"measure", "cargo"}, {"commodity", "flour"},
                                   {"unit", "kg"}, {"quantity", 500000.0}, {"per", "week"}, {"directions", {"in"}}}))
      << Rule("ob-flow");
}

TEST_F(HeadlineRuleTest, NotEvaluable) {
  EXPECT_EQ(Rule("ob-scale"), (json{{"type", "not_evaluable"}, {"reason", "\"at scale\" names no quantity"}}))
      << Rule("ob-scale");
}

}  // namespace
}  // namespace lifeline::analysis
