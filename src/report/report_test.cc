// The situation report: catalogues, formatting, charts, the Lachin report in
// every language, verify-report against edits, and PDF output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/indicators.h"
#include "report/catalog.h"
#include "report/pdf.h"
#include "report/report.h"
#include "report/svg.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;

// ---- Catalogues and formatting ----

TEST(CatalogTest, EveryLanguageHasEveryEnglishKey) {
  json en = json::parse(CatalogText("en"));
  ASSERT_TRUE(en.is_object());
  ASSERT_GT(en.size(), 100u);
  for (const auto& lang : Languages()) {
    json j = json::parse(CatalogText(lang), nullptr, false);
    ASSERT_TRUE(j.is_object()) << lang << " is not a JSON object";
    for (auto it = en.begin(); it != en.end(); ++it) {
      ASSERT_TRUE(j.contains(it.key())) << lang << " lacks " << it.key();
      EXPECT_TRUE(j[it.key()].is_string()) << lang << ": " << it.key();
      EXPECT_FALSE(j[it.key()].get<std::string>().empty()) << lang << ": " << it.key();
    }
    for (auto it = j.begin(); it != j.end(); ++it) EXPECT_TRUE(en.contains(it.key())) << lang << " has extra " << it.key();
  }
}

TEST(CatalogTest, PlaceholdersOfEnglishAreKeptInTranslations) {
  json en = json::parse(CatalogText("en"));
  std::regex ph("\\{[a-z_]+\\}");
  for (const auto& lang : Languages()) {
    json j = json::parse(CatalogText(lang));
    for (auto it = en.begin(); it != en.end(); ++it) {
      std::string e = it.value(), t = j[it.key()];
      for (std::sregex_iterator m(e.begin(), e.end(), ph), end; m != end; ++m) {
        EXPECT_NE(t.find(m->str()), std::string::npos) << lang << ": " << it.key() << " lacks " << m->str();
      }
    }
  }
}

TEST(CatalogTest, UnknownLanguageAndKey) {
  EXPECT_EQ(Catalog::For("de").status().code(), ErrorCode::kInvalidArgument);
  auto fr = Catalog::For("fr");
  ASSERT_TRUE(fr.ok());
  EXPECT_EQ(fr->Get("no.such.key"), "no.such.key");
  EXPECT_EQ(fr->Format("title", {{"case", "x"}}), "Rapport de situation : x");
  EXPECT_EQ(Substitute("{a} and {b} and {c}", {{"a", "1"}, {"b", "{a}"}}), "1 and {a} and {c}");
}

TEST(FormatTest, NumbersPerLanguage) {
  auto en = *Catalog::For("en"), fr = *Catalog::For("fr"), ru = *Catalog::For("ru"), hy = *Catalog::For("hy");
  EXPECT_EQ(en.Number(1234.5, 1), "1,234.5");
  EXPECT_EQ(en.Number(1234567), "1,234,567");
  EXPECT_EQ(en.Number(999), "999");
  EXPECT_EQ(en.Number(-1234.25, 1), "-1,234.2");  // printf rounding of the binary value
  EXPECT_EQ(en.Number(-0.01, 1), "0.0");
  EXPECT_EQ(fr.Number(1234.5, 1), "1\u00a0234,5");
  EXPECT_EQ(ru.Number(120000), "120\u00a0000");
  EXPECT_EQ(hy.Number(0.5, 2), "0,50");
  EXPECT_EQ(en.Number(NAN), "n/a");
}

TEST(FormatTest, DatesPerLanguage) {
  EXPECT_EQ(Catalog::For("en")->Date("2022-12-12"), "12 December 2022");
  EXPECT_EQ(Catalog::For("fr")->Date("2023-08-01"), "1 août 2023");
  EXPECT_EQ(Catalog::For("ru")->Date("2022-12-12"), "12 декабря 2022 г.");
  EXPECT_EQ(Catalog::For("hy")->Date("2023-09-30"), "30 սեպտեմբերի 2023 թ.");
  EXPECT_EQ(Catalog::For("en")->Date("not a date"), "not a date");
  EXPECT_EQ(Catalog::For("en")->Month(2023, 2), "Feb 2023");
}

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
  for (const char* w : {"открыт", "ограничен", "закрыт", "неизвестно"}) EXPECT_NE(bands.find(w), std::string::npos) << w;
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
  ASSERT_TRUE(ds.ok());
  auto cp = *analysis::ResolveCheckpoint(log_->store(), std::nullopt);
  auto ind = analysis::ComputeIndicators(*ds, cp, {});
  ASSERT_TRUE(ind.ok());
  auto comp = analysis::ComputeCompliance(*ds, cp, analysis::kNoDay, analysis::kNoDay);
  ASSERT_TRUE(comp.ok());
  auto stored = log_->store().LatestCheckpoint();
  ASSERT_TRUE(stored.ok());
  std::map<std::string, std::string> marker = {
      {"en", "Situation report"}, {"hy", "Իրավիճակի զեկույց"}, {"ru", "Доклад о ситуации"}, {"fr", "Rapport de situation"}};
  for (const auto& lang : Languages()) {
    SCOPED_TRACE(lang);
    auto r = Make(Options(lang));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
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
    int64_t patients = 0;
    for (const auto& f : ind->totals.flows) patients += f.delivered.patients;
    EXPECT_GT(patients, 0);
    EXPECT_EQ(r->figures.at("patients.total"), std::to_string(patients));
    EXPECT_EQ(r->figures.at("incidents.count"), std::to_string(ind->totals.incidents.incidents));
    // Each figure is in the JSON block and shown.
    EXPECT_EQ(b["figures"].size(), r->figures.size());
    for (const auto& [k, v] : r->figures) {
      EXPECT_EQ(b["figures"][k], v) << k;
    }
  }
  auto hy = Make(Options("hy"));
  ASSERT_TRUE(hy.ok());
  EXPECT_NE(hy->html.find("դեկտեմբերի"), std::string::npos);  // a date in Armenian
  auto ru = Make(Options("ru"));
  ASSERT_TRUE(ru.ok());
  EXPECT_NE(ru->html.find("декабря"), std::string::npos);
  EXPECT_NE(ru->html.find("<data class=\"fig\" data-key=\"route.rt-lachin-road.restricted\" value=\"266\">266</data>"),
            std::string::npos);
}

TEST_F(LachinReportTest, PeriodAndBadOptions) {
  ReportOptions o = Options("en");
  o.from = "2023-06-01";
  o.to = "2023-06-30";
  auto r = Make(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->figures.at("period.days"), "30");
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
    ASSERT_TRUE(r.ok());
    auto v = Check(r->html);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->ok()) << lang << ": " << (v->diffs.empty() ? "" : v->diffs[0].key + " " + v->diffs[0].where);
    EXPECT_EQ(v->figures, r->figures.size());
    EXPECT_GE(v->elements, r->figures.size());
  }
}

TEST_F(LachinReportTest, VerifyCatchesAVisibleFigureEdited) {
  auto r = Make(Options("en"));
  ASSERT_TRUE(r.ok());
  std::string html = r->html;
  std::string from = "data-key=\"route.rt-lachin-road.closed\" value=\"20\">20</data>";
  size_t at = html.find(from);
  ASSERT_NE(at, std::string::npos);
  // Only the visible text: caught as text not matching.
  std::string text_edit = html;
  text_edit.replace(at, from.size(), "data-key=\"route.rt-lachin-road.closed\" value=\"20\">2</data>");
  auto v = Check(text_edit);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->diffs.size(), 1u);
  EXPECT_EQ(v->diffs[0].key, "route.rt-lachin-road.closed");
  EXPECT_EQ(v->diffs[0].where, "text");
  // Value and text together.
  std::string both = html;
  both.replace(at, from.size(), "data-key=\"route.rt-lachin-road.closed\" value=\"2\">2</data>");
  v = Check(both);
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(v->diffs[0].key, "route.rt-lachin-road.closed");
  EXPECT_EQ(v->diffs[0].reported, "2");
  EXPECT_EQ(v->diffs[0].recomputed, "20");
}

TEST_F(LachinReportTest, VerifyCatchesTheJsonFigureEdited) {
  auto r = Make(Options("fr"));
  ASSERT_TRUE(r.ok());
  std::string html = r->html;
  std::string from = "\"patients.total\":\"" + r->figures.at("patients.total") + "\"";
  size_t at = html.find(from);
  ASSERT_NE(at, std::string::npos);
  html.replace(at, from.size(), "\"patients.total\":\"1\"");
  auto v = Check(html);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->diffs.size(), 1u);
  EXPECT_EQ(v->diffs[0].key, "patients.total");
  EXPECT_EQ(v->diffs[0].where, "json");
  EXPECT_EQ(v->diffs[0].reported, "1");
}

TEST_F(LachinReportTest, VerifyRefusesAnAlteredCheckpointNote) {
  auto r = Make(Options("en"));
  ASSERT_TRUE(r.ok());
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
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  auto r2 = Make(o);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r1->html, r2->html);
  EXPECT_EQ(r1->figures.at("forecast.trajectories"), std::to_string(kReportTrajectories));
  EXPECT_TRUE(r1->figures.count("forecast.food.days_to_threshold.p50"));
  EXPECT_NE(r1->html.find("class=\"fan90\""), std::string::npos);
  auto v = Check(r1->html);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->scenario, "airlift.toml");
  // Without a scenario: no forecast, said in words.
  auto none = Make(Options("en"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->figures.count("forecast.trajectories"));
  EXPECT_NE(none->html.find("No forecast"), std::string::npos);
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
  Status s = HtmlToPdf("<!DOCTYPE html><html lang=\"hy\"><meta charset=\"utf-8\"><p>Իրավիճակի զեկույց — Доклад</p></html>", out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::ifstream f(out, std::ios::binary);
  char head[5] = {};
  f.read(head, 4);
  EXPECT_EQ(std::string(head), "%PDF");
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace lifeline::report
