// The report's compliance table states, in words, the rule each
// obligation's days were measured against: one obligation of each rule
// type, in English; every language has the messages that say it. A case's
// own outcome term is listed as written among the movements not through.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "analysis/analysis_testing.h"
#include "base/status_testing.h"
#include "report/catalog.h"
#include "report/report.h"

namespace lifeline::report {
namespace {

// The text of `html` without its tags.
std::string Text(const std::string& html) { return std::regex_replace(html, std::regex("<[^>]*>"), ""); }

class ReportRuleTest : public ::testing::Test {
 protected:
  // Per test, not per suite: a suite set-up that fails reads as skipped.
  void SetUp() override {
    log_.Submit({
        R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
        R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-10",
            "sources":["s1"],"lifeline_routes":["r1"],
            "vocabulary":{"outcome":{"diverted":{"definition":"sent to another crossing","counts_as":"turned_back"}}}})",
        R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})",
        R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-03","direction":"in","operator":"O",
            "outcome":"diverted","vehicles":4,"sources":["s1"]})",
    });
    log_.Submit(analysis::ObligationsOfEachRuleType());
    log_.Submit({analysis::ObligationWithRule("ob-flow", R"({"type":"flow_at_least","measure":"vehicles","quantity":500,
        "per":"day","directions":["in"],"from":"2023-01-01"})")});
  }
  std::string Html(const std::string& lang) {
    ReportOptions opts;
    opts.case_id = "c1";
    opts.lang = lang;
    auto html = RenderReport(log_.store(), log_.verifier(), opts);
    EXPECT_TRUE(html.ok()) << html.status().ToString();
    return html.ok() ? *html : "";
  }
  analysis::TestLog log_;
};

TEST_F(ReportRuleTest, EachObligationStatesItsRuleInWords) {
  const std::string text = Text(Html("en"));
  EXPECT_NE(text.find("Road open for cargo, both directions"), std::string::npos);
  EXPECT_NE(text.find("Electricity restored in Gaza"), std::string::npos);
  EXPECT_NE(text.find("medical movements allowed, into the area, on Road"), std::string::npos);
  EXPECT_NE(text.find("flow at least 500 vehicles a day, into the area, on all routes"), std::string::npos);
  EXPECT_NE(text.find("at scale&quot; names no quantity"), std::string::npos);
}

TEST_F(ReportRuleTest, EveryLanguageHasTheRuleMessages) {
  for (const char* lang : {"fr", "hy", "ru"}) {
    auto cat = Catalog::For(lang);
    ASSERT_TRUE(cat.ok()) << lang;
    for (const char* key : {"compliance.rule.route_open", "compliance.rule.route_open_all",
                            "compliance.rule.service_restored", "compliance.rule.service_restored_in",
                            "compliance.rule.commodity_allowed", "compliance.rule.flow_at_least",
                            "compliance.rule.where", "compliance.rule.all_routes"}) {
      EXPECT_TRUE(cat->Has(key)) << lang << " lacks " << key;
    }
    EXPECT_FALSE(Html(lang).empty()) << lang;
  }
}

TEST_F(ReportRuleTest, ACaseOutcomeTermIsListedAsWrittenAmongTheMovementsNotThrough) {
  const std::string html = Html("en");
  const size_t table = html.find("m1");
  EXPECT_NE(table, std::string::npos) << "the diverted movement is not listed";
  EXPECT_NE(html.find("<span class=\"rc\">diverted</span>"), std::string::npos);
}

}  // namespace
}  // namespace lifeline::report
