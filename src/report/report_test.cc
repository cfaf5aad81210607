// The situation report: charts, the Lachin report in every language (and in
// its words: no English outside quoted record content, each line once),
// verify-report against edits, and PDF output. The catalogues and their
// formatting: catalog_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <cstring>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/indicators.h"
#include "base/status_testing.h"
#include "note/note.h"
#include "report/catalog.h"
#include "report/pdf.h"
#include "report/text_layer.h"
#include "report/report.h"
#include "report/svg.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;

// ---- Charts ----

// Minimal XML well-formedness: every tag closed in order, attributes quoted,
// no raw '<' or '&' outside markup and entities.
::testing::AssertionResult WellFormed(const std::string& x) {
  std::vector<std::string> stack;
  size_t i = 0;
  while (i < x.size()) {
    if (x[i] == '&') {
      size_t semi = x.find(';', i);
      if (semi == std::string::npos || semi - i > 6) return ::testing::AssertionFailure() << "bare & at " << i;
      i = semi + 1;
      continue;
    }
    if (x[i] != '<') {
      ++i;
      continue;
    }
    size_t end = i + 1;
    char quote = 0;
    while (end < x.size() && (quote || x[end] != '>')) {
      if (quote && x[end] == quote) quote = 0;
      else if (!quote && (x[end] == '"' || x[end] == '\'')) quote = x[end];
      else if (!quote && x[end] == '<') return ::testing::AssertionFailure() << "'<' inside a tag at " << end;
      ++end;
    }
    if (end >= x.size()) return ::testing::AssertionFailure() << "unterminated tag at " << i;
    std::string tag = x.substr(i + 1, end - i - 1);
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) {
        return ::testing::AssertionFailure() << "</" << name << "> closes " << (stack.empty() ? "nothing" : stack.back());
      }
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n\t")));
    }
    i = end + 1;
  }
  if (!stack.empty()) return ::testing::AssertionFailure() << "<" << stack.back() << "> not closed";
  return ::testing::AssertionSuccess();
}

// A record dated 9999-12-31, appended before submission checked dates,
// made the report of its whole case fail; it is now left out of the
// analysis (analysis/dataset.h) and the report renders.
TEST(FarDateReportTest, AFarDatedRecordDoesNotBreakTheCasesReport) {
  analysis::TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c9","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c9","title":"Open","region":"R","started":"2023-01-01","sources":["s1"],
          "population":[{"date":"2023-01-01","count":1000}]})",
      R"({"kind":"route","id":"r1","case":"c9","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs1","case":"c9","route":"r1","from":"2023-01-01","status":"closed","sources":["s1"]})",
  });
  log.AppendUnchecked({R"({"kind":"movement","id":"m-far","case":"c9","route":"r1","date":"9999-12-31",
        "direction":"in","operator":"ICRC","vehicles":5,"sources":["s1"]})"});
  ReportOptions opts;
  opts.case_id = "c9";
  auto html = RenderReport(log.store(), log.verifier(), opts);
  ASSERT_OK(html);
  EXPECT_EQ(html->find("9999"), std::string::npos);
  EXPECT_NE(html->find("record m-far is left out"), std::string::npos);  // said, by name
  opts.lang = "fr";
  html = RenderReport(log.store(), log.verifier(), opts);
  ASSERT_OK(html);
  EXPECT_NE(html->find("l’enregistrement m-far est laissé de côté"), std::string::npos);
}

// The report reads what it shows of the records beside the figures (the
// sources behind them, the stopped movements, the claims and what each is
// about) in the dataset's own load: a movement that got through is kept
// as its source list only, so a claim about one reads it again whole to
// label it. A movement left out for its date keeps its sources by id.
TEST(ReportRecordsTest, SourcesStoppedMovementsAndClaimsComeFromTheLoad) {
  analysis::TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c7","publisher":"Monitor One","title":"Report"})",
      R"({"kind":"source","id":"s2","case":"c7","publisher":"Monitor Two","title":"Report"})",
      R"({"kind":"source","id":"s3","case":"c7","publisher":"Monitor Three","title":"Report"})",
      R"({"kind":"case","id":"c7","title":"Seven","region":"R","started":"2023-01-01","ended":"2023-01-05",
          "sources":["s1"],"population":[{"date":"2023-01-01","count":1000}]})",
      R"({"kind":"route","id":"r1","case":"c7","name":"Road","type":"road","sources":["s1"]})",
      R"({"kind":"route_status","id":"rs1","case":"c7","route":"r1","from":"2023-01-01","status":"open","sources":["s1"]})",
      R"({"kind":"movement","id":"m-in","case":"c7","route":"r1","date":"2023-01-02","direction":"in",
          "operator":"Carrier Alpha","vehicles":3,"sources":["s2"]})",
      R"({"kind":"movement","id":"m-stop","case":"c7","route":"r1","date":"2023-01-03","direction":"in",
          "operator":"Carrier Beta","outcome":"stopped","vehicles":4,"sources":["s1"]})",
      R"({"kind":"claim","id":"cl1","case":"c7","about":"m-in","party":"Party Gamma","stance":"disputes",
          "text":"never arrived","sources":["s1"]})",
  });
  log.AppendUnchecked({R"({"kind":"movement","id":"m-far","case":"c7","route":"r1","date":"9999-12-31",
        "direction":"in","operator":"Carrier Delta","vehicles":5,"sources":["s3"]})"});
  ReportOptions opts;
  opts.case_id = "c7";
  auto html = RenderReport(log.store(), log.verifier(), opts);
  ASSERT_OK(html);
  auto section = [&](const std::string& id) {
    const size_t at = html->find("<section id=\"" + id + "\"");
    EXPECT_NE(at, std::string::npos) << id;
    return at == std::string::npos ? std::string() : html->substr(at, html->find("</section>", at) - at);
  };
  const std::string claims = section("claims");
  EXPECT_NE(claims.find("Carrier Alpha"), std::string::npos) << claims;  // m-in, read again whole
  EXPECT_NE(claims.find("Party Gamma"), std::string::npos) << claims;
  EXPECT_NE(section("supply").find("Carrier Beta"), std::string::npos);
  const std::string sources = section("sources");
  EXPECT_NE(sources.find("Monitor Two"), std::string::npos) << sources;  // behind m-in's figures
  EXPECT_NE(sources.find("Monitor One"), std::string::npos) << sources;
}

// The report names the key its checkpoint is signed with and the key's
// fingerprint, as `lifeline vkey` and the dashboard show it, in each language.
TEST(ReportKeyTest, ShowsTheLogKeyAndItsFingerprintNearTheCheckpoint) {
  analysis::TestLog log;
  log.Submit({
      R"({"kind":"source","id":"s1","case":"c9","publisher":"Monitor","title":"Report"})",
      R"({"kind":"case","id":"c9","title":"Open","region":"R","started":"2023-01-01","sources":["s1"]})",
  });
  ReportOptions opts;
  opts.case_id = "c9";
  for (const char* lang : {"en", "hy", "ru", "fr"}) {
    opts.lang = lang;
    auto html = RenderReport(log.store(), log.verifier(), opts);
    ASSERT_OK(html);
    const std::string fp = "<code id=\"log-fingerprint\">" + note::Fingerprint(log.verifier()) + "</code>";
    const size_t at = html->find(fp);
    EXPECT_NE(at, std::string::npos) << lang;
    EXPECT_NE(html->find("<code id=\"log-vkey\">" + log.verifier().ToString() + "</code>"), std::string::npos) << lang;
    EXPECT_LT(at, html->find("id=\"checkpoint-note\"")) << lang;  // in the checkpoint's table, above the note
  }
}

TEST(SvgTest, ChartsAreWellFormedWithTitleAndDesc) {
  auto cat = *Catalog::For("ru");
  std::vector<std::string> dates = {"2023-01-30", "2023-01-31", "2023-02-01", "2023-02-02"};
  using analysis::RouteState;
  std::string bands = RouteBands({"r", "Routes <&>", "desc \"quoted\""}, dates,
                                 {{"rt-a", {RouteState::kOpen, RouteState::kClosed, RouteState::kClosed,
                                            RouteState::kUnknown}},
                                  {"rt-<b>", {RouteState::kRestricted, RouteState::kRestricted,
                                              RouteState::kOpen, RouteState::kOpen}}},
                                 cat);
  std::string line = LineChart({"l", "t", "d"}, dates, {{"a", {0, 1, 2, 3}, "s1"}, {"b", {1, NAN, 1, 1}, "s2"}}, cat);
  std::string bar = BarChart({"b", "t", "d"}, {{"gas", 1234.5}, {"<power>", 0}}, cat, 1);
  std::string fan = FanChart({"f", "t", "d"}, dates, {{1, 2, 3, 4, 5}, {0, 1, 2, 3, 4}, {0, 0, 1, 2, 3}, {0, 0, 0, 1, 2}},
                             2.5, cat);
  for (const auto* s : {&bands, &line, &bar, &fan}) {
    EXPECT_TRUE(WellFormed(*s)) << *s;
    EXPECT_EQ(s->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_NE(s->find("role=\"img\""), std::string::npos);
    EXPECT_NE(s->find("<title id="), std::string::npos);
    EXPECT_NE(s->find("<desc id="), std::string::npos);
  }
  EXPECT_NE(bands.find("Routes &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(bands.find("rt-&lt;b&gt;"), std::string::npos);
  // The legend names every state in words (not colour alone).
  for (const char* w : {"открыт", "ограничен", "закрыт", "нет данных"}) EXPECT_NE(bands.find(w), std::string::npos) << w;
  EXPECT_NE(bar.find("1\u00a0234,5"), std::string::npos);
}

// ---- The Lachin case ----

class LachinReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = new analysis::TestLog();
    std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl");
    ASSERT_TRUE(in);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    log_->Submit(lines);
  }
  static void TearDownTestSuite() { delete log_; }
  static note::Verifier Key() {
    crypto::Ed25519Seed seed{};
    seed[5] = 5;
    return note::Signer("example.org/analysis", seed).verifier();
  }
  static ReportOptions Options(const std::string& lang) {
    ReportOptions o;
    o.case_id = "lachin-2022-23";
    o.lang = lang;
    return o;
  }
  static Result<RenderedReport> Make(const ReportOptions& o) { return Render(log_->store(), Key(), o); }
  static Result<VerifyResult> Check(const std::string& html) { return VerifyReport(html, log_->store(), Key()); }
  static analysis::TestLog* log_;
};
analysis::TestLog* LachinReportTest::log_ = nullptr;

std::string Block(const std::string& html) {
  size_t a = html.find("id=\"lifeline-report\">");
  size_t b = html.find("</script>", a);
  return html.substr(a + 21, b - a - 21);
}

TEST_F(LachinReportTest, EachLanguageHasItsTextTheCheckpointAndTheAnalysisFigures) {
  auto ds = log_->Load("lachin-2022-23");
  ASSERT_OK(ds);
  auto cp = *analysis::ResolveCheckpoint(log_->store(), std::nullopt);
  auto ind = analysis::ComputeIndicators(*ds, cp, {});
  ASSERT_OK(ind);
  auto comp = analysis::ComputeCompliance(*ds, cp, analysis::kNoDay, analysis::kNoDay);
  ASSERT_OK(comp);
  auto stored = log_->store().LatestCheckpoint();
  ASSERT_OK(stored);
  std::map<std::string, std::string> marker = {
      {"en", "Situation report"}, {"hy", "Իրավիճակի զեկույց"}, {"ru", "Доклад о ситуации"}, {"fr", "Rapport de situation"}};
  for (const auto& lang : Languages()) {
    SCOPED_TRACE(lang);
    auto r = Make(Options(lang));
    ASSERT_OK(r);
    EXPECT_NE(r->html.find("<html lang=\"" + lang + "\">"), std::string::npos);
    EXPECT_NE(r->html.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(r->html.find(marker[lang]), std::string::npos);
    EXPECT_NE(r->html.find("Noto Sans Armenian"), std::string::npos);
    // Self-contained: nothing loaded from elsewhere, nothing to execute.
    EXPECT_EQ(r->html.find("<script src"), std::string::npos);
    EXPECT_EQ(r->html.find("<link"), std::string::npos);
    EXPECT_EQ(r->html.find("<img"), std::string::npos);
    EXPECT_EQ(std::count(r->html.begin(), r->html.end(), '<') > 0, true);
    // The checkpoint, in the page and in the block.
    json b = json::parse(Block(r->html));
    EXPECT_EQ(b["checkpoint"]["note"], stored->note);
    EXPECT_EQ(b["checkpoint"]["size"], cp.size);
    EXPECT_EQ(b["checkpoint"]["root"], cp.root);
    EXPECT_EQ(b["lang"], lang);
    EXPECT_NE(r->html.find(cp.root), std::string::npos);
    // Figures equal to the analysis.
    for (const auto& rd : ind->totals.routes) {
      EXPECT_EQ(r->figures.at("route." + rd.route + ".closed"), std::to_string(rd.closed)) << rd.route;
      EXPECT_EQ(r->figures.at("route." + rd.route + ".restricted"), std::to_string(rd.restricted)) << rd.route;
    }
    EXPECT_EQ(r->figures.at("route.rt-lachin-road.closed"), "20");
    for (const auto& o : comp->obligations) {
      if (!o.evaluable) continue;
      EXPECT_EQ(r->figures.at("compliance." + o.obligation + ".days_in_violation"),
                std::to_string(o.days_in_violation));
      EXPECT_EQ(r->figures.at("compliance." + o.obligation + ".first_violation"), o.first_violation.value_or(""));
    }
    // The headline figures: the blockade's length on the lifeline route and
    // the patients' best estimate, as the analysis computes them.
    EXPECT_EQ(r->figures.at("blockade.days"), std::to_string(ind->blockade.blockade_days));
    EXPECT_EQ(r->figures.at("blockade.first_day"), ind->blockade.first_day.value_or(""));
    for (const auto& e : ind->estimates) {
      if (e.measure == "patients" && e.direction == "out" && e.outcome == "delivered") {
        EXPECT_EQ(r->figures.at("kf.movements.patients.out"), std::to_string(static_cast<int64_t>(e.best)));
        EXPECT_EQ(r->figures.at("kf.movements.patients.out.daily_sum"), std::to_string(static_cast<int64_t>(e.daily_sum)));
      }
    }
    // Each figure is in the JSON block and shown.
    EXPECT_EQ(b["figures"].size(), r->figures.size());
    for (const auto& [k, v] : r->figures) {
      EXPECT_EQ(b["figures"][k], v) << k;
    }
  }
  auto hy = Make(Options("hy"));
  ASSERT_OK(hy);
  EXPECT_NE(hy->html.find("դեկտեմբերի"), std::string::npos);  // a date in Armenian
  auto ru = Make(Options("ru"));
  ASSERT_OK(ru);
  EXPECT_NE(ru->html.find("декабря"), std::string::npos);
  EXPECT_NE(ru->html.find("<data class=\"fig\" data-key=\"route.rt-lachin-road.restricted\" value=\"273\">273</data>"),
            std::string::npos);
}

TEST_F(LachinReportTest, PeriodAndBadOptions) {
  ReportOptions o = Options("en");
  o.from = "2023-06-01";
  o.to = "2023-06-30";
  auto r = Make(o);
  ASSERT_OK(r);
  EXPECT_EQ(r->figures.at("blockade.days"), "30");  // every day of June
  EXPECT_EQ(r->figures.at("period.from"), "2023-06-01");
  o.lang = "xx";
  EXPECT_EQ(Make(o).status().code(), ErrorCode::kInvalidArgument);
  o = Options("en");
  o.from = "2023-07-01";
  o.to = "2023-06-01";
  EXPECT_EQ(Make(o).status().code(), ErrorCode::kInvalidArgument);
  o = Options("en");
  o.case_id = "nope";
  EXPECT_EQ(Make(o).status().code(), ErrorCode::kNotFound);
  o = Options("en");
  o.at = 99999;
  EXPECT_EQ(Make(o).status().code(), ErrorCode::kNotFound);
}

TEST_F(LachinReportTest, VerifyPassesOnAnUntouchedReportInEveryLanguage) {
  for (const auto& lang : Languages()) {
    auto r = Make(Options(lang));
    ASSERT_OK(r);
    auto v = Check(r->html);
    ASSERT_OK(v);
    EXPECT_TRUE(v->ok()) << lang << ": " << (v->diffs.empty() ? "" : v->diffs[0].key + " " + v->diffs[0].where);
    EXPECT_EQ(v->figures, r->figures.size());
    EXPECT_GE(v->elements, r->figures.size());
  }
}

// Every figure the page carries is shown, whatever the period: one before
// the case (no status, no delivery), one day, the one-way week, June.
TEST_F(LachinReportTest, VerifyPassesForAnyPeriod) {
  for (auto [from, to] : {std::pair{"2022-11-01", "2022-11-05"}, std::pair{"2023-01-18", "2023-01-18"},
                          std::pair{"2023-09-24", "2023-09-30"}, std::pair{"2023-06-01", "2023-06-30"}}) {
    SCOPED_TRACE(std::string(from) + " .. " + to);
    ReportOptions o = Options("en");
    o.from = from;
    o.to = to;
    auto r = Make(o);
    ASSERT_OK(r);
    auto v = Check(r->html);
    ASSERT_OK(v);
    EXPECT_TRUE(v->ok()) << (v->diffs.empty() ? "" : v->diffs[0].key + " " + v->diffs[0].where);
    EXPECT_EQ(v->figures, r->figures.size());
    EXPECT_GE(v->elements, r->figures.size());
  }
}

TEST_F(LachinReportTest, VerifyCatchesAVisibleFigureEdited) {
  auto r = Make(Options("en"));
  ASSERT_OK(r);
  std::string html = r->html;
  std::string from = "data-key=\"route.rt-lachin-road.closed\" value=\"20\">20</data>";
  size_t at = html.find(from);
  ASSERT_NE(at, std::string::npos);
  // Only the visible text: caught as text not matching.
  std::string text_edit = html;
  text_edit.replace(at, from.size(), "data-key=\"route.rt-lachin-road.closed\" value=\"20\">2</data>");
  auto v = Check(text_edit);
  ASSERT_OK(v);
  ASSERT_EQ(v->diffs.size(), 1u);
  EXPECT_EQ(v->diffs[0].key, "route.rt-lachin-road.closed");
  EXPECT_EQ(v->diffs[0].where, "text");
  // Value and text together.
  std::string both = html;
  both.replace(at, from.size(), "data-key=\"route.rt-lachin-road.closed\" value=\"2\">2</data>");
  v = Check(both);
  ASSERT_OK(v);
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(v->diffs[0].key, "route.rt-lachin-road.closed");
  EXPECT_EQ(v->diffs[0].reported, "2");
  EXPECT_EQ(v->diffs[0].recomputed, "20");
}

TEST_F(LachinReportTest, VerifyCatchesTheJsonFigureEdited) {
  auto r = Make(Options("fr"));
  ASSERT_OK(r);
  std::string html = r->html;
  std::string from = "\"blockade.days\":\"" + r->figures.at("blockade.days") + "\"";
  size_t at = html.find(from);
  ASSERT_NE(at, std::string::npos);
  html.replace(at, from.size(), "\"blockade.days\":\"1\"");
  auto v = Check(html);
  ASSERT_OK(v);
  ASSERT_EQ(v->diffs.size(), 1u);
  EXPECT_EQ(v->diffs[0].key, "blockade.days");
  EXPECT_EQ(v->diffs[0].where, "json");
  EXPECT_EQ(v->diffs[0].reported, "1");
}

// The siege severity section: its days by class are the analysis's, every
// run is shown with its class in the report's language, and verify-report
// recomputes them: a run relabelled (value and text) is caught.
TEST_F(LachinReportTest, SeveritySectionIsRecomputedByVerify) {
  auto r = Make(Options("fr"));
  ASSERT_OK(r);
  EXPECT_NE(r->html.find("<section id=\"severity\"><h2>Gravité du siège</h2>"), std::string::npos);
  for (const char* cls : {"severe", "high", "moderate", "none", "unknown"}) {
    EXPECT_TRUE(r->figures.count(std::string("severity.days.") + cls)) << cls;
  }
  int64_t days = 0;
  for (const char* cls : {"severe", "high", "moderate", "none", "unknown"}) {
    days += std::stoll(r->figures.at(std::string("severity.days.") + cls));
  }
  EXPECT_EQ(days, 293);  // 2022-12-12 .. 2023-09-30
  ASSERT_TRUE(r->figures.count("severity.run.0.class"));
  EXPECT_EQ(r->figures.at("severity.run.0.from"), "2022-12-12");
  std::string html = r->html;
  const std::string cls = r->figures.at("severity.run.0.class");
  const std::string other = cls == "none" ? "severe" : "none";
  const std::string was = "data-key=\"severity.run.0.class\" value=\"" + cls + "\">";
  size_t at = html.find(was);
  ASSERT_NE(at, std::string::npos);
  html.replace(at, was.size(), "data-key=\"severity.run.0.class\" value=\"" + other + "\">");
  auto v = Check(html);
  ASSERT_OK(v);
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(v->diffs[0].key, "severity.run.0.class");
  EXPECT_EQ(v->diffs[0].recomputed, cls);
}

TEST_F(LachinReportTest, VerifyRefusesAnAlteredCheckpointNote) {
  auto r = Make(Options("en"));
  ASSERT_OK(r);
  std::string html = r->html;
  json b = json::parse(Block(html));
  std::string note = b["checkpoint"]["note"];
  // Change the tree size line of the signed note (and the stated size).
  std::string size = std::to_string(r->size);
  std::string altered = note;
  altered.replace(altered.find("\n" + size + "\n"), size.size() + 2, "\n" + std::to_string(r->size - 1) + "\n");
  b["checkpoint"]["note"] = altered;
  b["checkpoint"]["size"] = r->size - 1;
  std::string block = b.dump();
  size_t a = html.find("id=\"lifeline-report\">") + 21;
  html.replace(a, html.find("</script>", a) - a, block);
  auto v = Check(html);
  EXPECT_EQ(v.status().code(), ErrorCode::kVerificationFailed) << v.status().ToString();
  EXPECT_NE(v.status().message().find("does not verify"), std::string::npos);
}

TEST_F(LachinReportTest, NotAReport) {
  EXPECT_EQ(Check("<html><body>hello</body></html>").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(Check("<html></html>").status().message().find("not a Lifeline report"), std::string::npos);
  EXPECT_EQ(Check("<script type=\"application/json\" id=\"lifeline-report\">{\"version\":2}</script>").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(LachinReportTest, ForecastWithTheScenarioIsReproducibleAndVerified) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/scenarios/airlift.toml");
  ASSERT_TRUE(in);
  std::string toml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ReportOptions o = Options("hy");
  o.scenario_name = "airlift.toml";
  o.scenario_toml = toml;
  auto r1 = Make(o);
  ASSERT_OK(r1);
  auto r2 = Make(o);
  ASSERT_OK(r2);
  EXPECT_EQ(r1->html, r2->html);
  EXPECT_EQ(r1->figures.at("forecast.trajectories"), std::to_string(kReportTrajectories));
  EXPECT_TRUE(r1->figures.count("forecast.food.days_to_threshold.p50"));
  EXPECT_NE(r1->html.find("class=\"fan90\""), std::string::npos);
  auto v = Check(r1->html);
  ASSERT_OK(v);
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->scenario, "airlift.toml");
  // Without a scenario: no forecast, said in words.
  auto none = Make(Options("en"));
  ASSERT_OK(none);
  EXPECT_FALSE(none->figures.count("forecast.trajectories"));
  EXPECT_NE(none->html.find("No forecast"), std::string::npos);
}

// ---- The report in its own words ----

// The visible text of a report: the words of its elements, without script,
// style, code, pre and quoted record content (class "rc"). Record content
// that also occurs unmarked (in a chart's title) is taken out too.
struct PageText {
  std::vector<std::string> texts;        // text runs, attribute-free
  std::vector<std::string> quoted;       // the texts of class "rc" elements
  std::vector<std::vector<std::string>> lists;  // the items of each <ul>/<ol>
  std::vector<std::string> english_lines;       // elements marked lang="en"
};

std::string Unescape(std::string s) {
  for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                          {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
      s.replace(at, std::strlen(from), to);
    }
  }
  return s;
}

PageText VisibleText(const std::string& html) {
  PageText out;
  struct Open {
    std::string tag;
    bool skip, rc, en;
  };
  std::vector<Open> stack;
  std::vector<std::string> rc_text, en_text;
  std::vector<std::vector<std::string>> lists;
  std::vector<std::string> items;  // text of the open <li>s
  size_t i = html.find("<body");
  while (i < html.size()) {
    if (html[i] != '<') {
      size_t end = html.find('<', i);
      std::string text = Unescape(html.substr(i, end - i));
      bool skip = false, rc = false, en = false;
      for (const auto& o : stack) {
        skip = skip || o.skip;
        rc = rc || o.rc;
        en = en || o.en;
      }
      if (rc && !rc_text.empty()) rc_text.back() += text;
      if (en && !en_text.empty()) en_text.back() += text;
      if (!items.empty()) items.back() += text;
      if (!skip && !rc) out.texts.push_back(text);
      i = end;
      continue;
    }
    size_t end = html.find('>', i);
    std::string tag = html.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty() || tag[0] == '!') continue;
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (!stack.empty() && stack.back().tag == name) {
        if (stack.back().rc) out.quoted.push_back(rc_text.back()), rc_text.pop_back();
        if (stack.back().en) out.english_lines.push_back(en_text.back()), en_text.pop_back();
        stack.pop_back();
      }
      if (name == "li" && !items.empty()) {
        if (!lists.empty()) lists.back().push_back(items.back());
        items.pop_back();
      }
      if ((name == "ul" || name == "ol") && !lists.empty()) out.lists.push_back(lists.back()), lists.pop_back();
      continue;
    }
    std::string name = tag.substr(0, tag.find_first_of(" \n/"));
    bool self_closing = tag.back() == '/' || name == "br" || name == "meta" || name == "hr" || name == "img";
    if (self_closing) continue;
    Open o{name, name == "script" || name == "style" || name == "code" || name == "pre",
           tag.find("class=\"rc\"") != std::string::npos,
           tag.find("lang=\"en\"") != std::string::npos && tag.find("class=\"rc\"") == std::string::npos};
    if (o.rc) rc_text.emplace_back();
    if (o.en) en_text.emplace_back();
    if (name == "ul" || name == "ol") lists.emplace_back();
    if (name == "li") items.emplace_back();
    out.texts.push_back(" ");
    stack.push_back(o);
  }
  return out;
}

// ASCII words (letters only), lowercased.
std::vector<std::string> LatinWords(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (!w.empty()) words.push_back(w);
      w.clear();
    }
  }
  return words;
}

// Every ASCII word of a language's catalogues (the report's and the
// dashboard's): the Latin words its own texts use (Lifeline, SHA-256, ...).
std::set<std::string> CatalogueWords(const std::string& lang) {
  std::set<std::string> words;
  std::ifstream in(std::string(LIFELINE_SOURCE_DIR) + "/web/i18n/" + lang + ".json");
  std::string web((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& text : {std::string(CatalogText(lang)), web}) {
    json j = json::parse(text);
    for (auto it = j.begin(); it != j.end(); ++it) {
      for (const auto& w : LatinWords(it.value().get<std::string>())) words.insert(w);
    }
  }
  return words;
}

// The code's own identifiers (catalogue keys, enumeration codes) and the
// English catalogue's words: none may show in another language's report
// unless that language's catalogue itself uses the word.
std::set<std::string> EnglishAndIdentifierWords(std::set<std::string>* keys) {
  std::set<std::string> words = CatalogueWords("en");
  json en = json::parse(CatalogText("en"));
  for (auto it = en.begin(); it != en.end(); ++it) {
    if (it.key().find_first_of("._") != std::string::npos) keys->insert(it.key());
    for (const auto& w : LatinWords(it.key())) words.insert(w);
  }
  std::ifstream in(std::string(LIFELINE_SOURCE_DIR) + "/web/i18n/en.json");
  json web = json::parse(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  for (auto it = web.begin(); it != web.end(); ++it) {
    if (it.key().find_first_of("._") != std::string::npos) keys->insert(it.key());
    for (const auto& w : LatinWords(it.key())) words.insert(w);
  }
  for (const auto& w : {"rt", "ob", "src", "ns"}) words.erase(w);  // record id prefixes in <code>
  return words;
}

TEST_F(LachinReportTest, EachLanguageSaysEverythingInItsOwnWordsAndEachLineOnce) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/scenarios/airlift.toml");
  ASSERT_TRUE(in);
  std::string toml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::set<std::string> keys;
  const std::set<std::string> english = EnglishAndIdentifierWords(&keys);
  for (const auto& lang : Languages()) {
    SCOPED_TRACE(lang);
    ReportOptions o = Options(lang);
    o.scenario_name = "airlift.toml";
    o.scenario_toml = toml;
    auto r = Make(o);
    ASSERT_OK(r);
    PageText page = VisibleText(r->html);
    std::string text;
    for (const auto& t : page.texts) text += t;
    // Record content that also shows unmarked (chart titles) is quoted content.
    std::vector<std::string> quoted = page.quoted;
    std::sort(quoted.begin(), quoted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& q : quoted) {
      if (q.size() < 3) continue;
      for (size_t at = text.find(q); at != std::string::npos; at = text.find(q, at)) text.replace(at, q.size(), " ");
    }
    // No raw key, no snake_case identifier.
    std::regex token("[A-Za-z0-9_.-]+");
    for (std::sregex_iterator m(text.begin(), text.end(), token), end; m != end; ++m) {
      std::string t = m->str();
      while (!t.empty() && (t.back() == '.' || t.back() == '-')) t.pop_back();
      EXPECT_FALSE(keys.count(t)) << "raw key " << t;
      EXPECT_FALSE(std::regex_match(t, std::regex("[a-z]+_[a-z_]+"))) << "identifier " << t;
    }
    // Each list item once (the assumptions were printed twice).
    for (const auto& items : page.lists) {
      std::set<std::string> seen;
      for (const auto& it : items) EXPECT_TRUE(seen.insert(it).second) << "twice: " << it;
    }
    if (lang == "en") continue;
    // Nothing in English outside quoted content.
    EXPECT_TRUE(page.english_lines.empty()) << "untranslated: " << page.english_lines[0];
    std::set<std::string> own = CatalogueWords(lang);
    for (const auto& w : LatinWords(text)) {
      if (own.count(w)) continue;
      EXPECT_FALSE(english.count(w)) << "English word \"" << w << "\"";
      if (lang != "fr") {
        EXPECT_LT(w.size(), 3u) << "Latin word \"" << w << "\" in " << lang;
      }
    }
  }
}

// ---- PDF ----

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(PdfTest, MissingChromiumIsAClearErrorAndLeavesNoFile) {
  std::string out = ::testing::TempDir() + "/missing-chromium.pdf";
  std::filesystem::remove(out);
  ScopedEnv env("LIFELINE_CHROMIUM", "/nonexistent/chromium");
  Status s = HtmlToPdf("<html></html>", out);
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("LIFELINE_CHROMIUM"), std::string::npos);
  EXPECT_NE(s.message().find("chromium"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(PdfTest, PrintsAPdfWithChromium) {
  if (!FindChromium().ok()) GTEST_SKIP() << "Chromium is not installed";
  std::string out = ::testing::TempDir() + "/report-test.pdf";
  std::filesystem::remove(out);
  const std::string html =
      "<!DOCTYPE html><html lang=\"hy\"><meta charset=\"utf-8\"><p>Իրավիճակի զեկույց — Доклад</p></html>";
  Status s = HtmlToPdf(html, out);
  ASSERT_OK(s);
  std::ifstream f(out, std::ios::binary);
  std::string pdf((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(IsPdf(pdf));
  // It carries the exact HTML, and its text says what the HTML says.
  auto r = ReadPdfReport(pdf);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->html, html);
  auto printed = PrintedTextOf(html);
  ASSERT_TRUE(printed.ok());
  EXPECT_TRUE(ComparePrintedText(*printed, r->pages).empty());
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace lifeline::report
