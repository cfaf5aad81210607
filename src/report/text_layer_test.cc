#include "report/text_layer.h"

#include <gtest/gtest.h>

namespace lifeline::report {
namespace {

constexpr const char* kHtml =
    "<!doctype html><html lang=\"en\"><head><title>Report</title><style>p{color:red}</style></head><body>"
    "<nav><ol><li>Contents</li></ol></nav>"
    "<h1>Situation&nbsp;report</h1><!-- a comment -->"
    "<p>The road was closed on <data class=\"fig\" data-key=\"route.closed\" value=\"20\">20</data> days, "
    "<data class=\"fig\" data-key=\"kf.pct\" value=\"12.5\">12.5&#8239;%</data> of them.</p>"
    "<svg><title>chart</title><desc>a chart</desc><text>Jan</text></svg>"
    "<ol><li>one</li><li>two</li></ol><ul><li>bullet</li></ul>"
    "<table><thead><tr><th>Day</th><th>Tons</th></tr></thead><tbody><tr><td>1</td><td>5</td></tr>"
    "<tr><td>2</td><td>7</td></tr></tbody></table>"
    "<script type=\"application/json\" id=\"lifeline-report\">{\"x\":\"<b>\"}</script><p>end &amp; done</p>"
    "</body></html>";

TEST(PrintedTextTest, KeepsWhatChromiumPrints) {
  auto p = PrintedTextOf(kHtml);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->text,
            "SituationreportTheroadwasclosedon20days,12.5%ofthem.Jan1.one2.twobulletDayTons1527end&done");
  ASSERT_EQ(p->figures.size(), 2u);
  EXPECT_EQ(p->figures[0].key, "route.closed");
  EXPECT_EQ(p->text.substr(p->figures[0].begin, p->figures[0].end - p->figures[0].begin), "20");
  EXPECT_EQ(p->figures[1].text, "12.5\u202F%");
  ASSERT_EQ(p->tables.size(), 1u);
  EXPECT_EQ(p->tables[0].head, "DayTons");
}

TEST(PrintedTextTest, RejectsUnterminatedMarkup) {
  EXPECT_FALSE(PrintedTextOf("<p>x <data class=\"fig\" data-key=\"a\">1").ok());
  EXPECT_FALSE(PrintedTextOf("<p>x <!-- open").ok());
  EXPECT_FALSE(PrintedTextOf("<p class=\"x").ok());
}

TEST(WithoutWhitespaceTest, RemovesUnicodeSpaces) {
  EXPECT_EQ(WithoutWhitespace("1\u202F234,5\u00A0ккал \t\n12\u2009%\u00AD"), "1234,5ккал12%");
}

// Bytes that are not UTF-8 become U+FFFD, so that removing a space cannot
// join two halves into a space character a second pass would remove (found
// by fuzz/report_text_fuzzer), and differences print as valid UTF-8.
TEST(WithoutWhitespaceTest, MalformedUtf8BecomesReplacementCharacters) {
  const std::string joined = "a\xe2 \x80\xaf" "b";  // U+202F once the space goes
  EXPECT_EQ(WithoutWhitespace(joined), "a\uFFFD\uFFFD\uFFFD" "b");
  EXPECT_EQ(WithoutWhitespace(WithoutWhitespace(joined)), WithoutWhitespace(joined));
  EXPECT_EQ(WithoutWhitespace("\xc0\x80|\xed\xa0\x80|\xa0"), "\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD|\uFFFD");
}

std::vector<std::string> Pages(const std::string& a, const std::string& b = "") {
  return b.empty() ? std::vector<std::string>{a} : std::vector<std::string>{a, b};
}

TEST(ComparePrintedTextTest, SameTextWithOtherLineBreaksMatches) {
  auto p = PrintedTextOf(kHtml);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(ComparePrintedText(*p, Pages("Situation report\nThe road was closed on 20 days, 12.5 % of\nthem. Jan\n"
                                           "1. one 2. two bullet Day Tons 1 5 2 7 end & done"))
                  .empty());
}

TEST(ComparePrintedTextTest, RepeatedTableHeaderAtAPageStartMatches) {
  auto p = PrintedTextOf(kHtml);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(ComparePrintedText(*p, Pages("Situation report The road was closed on 20 days, 12.5 % of them. Jan "
                                           "1. one 2. two bullet Day Tons 1 5",
                                           "Day Tons 2 7 end & done"))
                  .empty());
  // Not in the middle of a page.
  auto d = ComparePrintedText(*p, Pages("Situation report The road was closed on 20 days, 12.5 % of them. Jan "
                                        "1. one 2. two bullet Day Tons 1 5 Day Tons 2 7 end & done"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "page 1");
}

TEST(ComparePrintedTextTest, AnEditedDigitNamesItsFigure) {
  auto p = PrintedTextOf(kHtml);
  ASSERT_TRUE(p.ok());
  auto d = ComparePrintedText(*p, Pages("Situation report The road was closed on 29 days, 12.5 % of them. Jan "
                                        "1. one 2. two bullet Day Tons 1 5 2 7 end & done"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "route.closed");
  EXPECT_EQ(d[0].where, "pdf-text");
  EXPECT_EQ(d[0].reported, "29");
  EXPECT_EQ(d[0].recomputed, "20");
  // A digit added, and a second figure edited: both named.
  d = ComparePrintedText(*p, Pages("Situation report The road was closed on 200 days, 17.5 % of them. Jan "
                                   "1. one 2. two bullet Day Tons 1 5 2 7 end & done"));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].key, "route.closed");
  EXPECT_EQ(d[0].reported, "200");
  EXPECT_EQ(d[1].key, "kf.pct");
  EXPECT_EQ(d[1].reported, "17.5%");
}

TEST(ComparePrintedTextTest, EditedProseAndMissingTextAreReported) {
  auto p = PrintedTextOf(kHtml);
  ASSERT_TRUE(p.ok());
  auto d = ComparePrintedText(*p, Pages("Situation report The road was open on 20 days, 12.5 % of them. Jan "
                                        "1. one 2. two bullet Day Tons 1 5 2 7 end & done"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "page 1");
  EXPECT_NE(d[0].reported.find("⟨here⟩open"), std::string::npos) << d[0].reported;
  d = ComparePrintedText(*p, Pages("Situation report The road was closed on 20 days"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].reported, "(the end of the PDF's text)");
  d = ComparePrintedText(*p, Pages("Situation report The road was closed on 20 days, 12.5 % of them. Jan "
                                   "1. one 2. two bullet Day Tons 1 5 2 7 end & done", "more"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "page 2");
  EXPECT_EQ(d[0].recomputed, "(the end of the report's text)");
}

// Found by fuzz/report_text_fuzzer: after a first difference the texts
// resynchronise with the PDF behind (two letters dropped), and a second
// difference inside the same figure lies further into the figure than the
// PDF's text reaches; the PDF's side of the figure then starts at 0 (it
// once underflowed and threw std::out_of_range).
TEST(ComparePrintedTextTest, ADifferenceBeyondWhereThePdfStartsIsReported) {
  auto p = PrintedTextOf("<data class=\"fig\" data-key=\"k\">outlass=\"fig\"data-key=erout</data>");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto d = ComparePrintedText(*p, Pages("tlass=\"fig\"data-key=erouo"));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].key, "k");
  EXPECT_EQ(d[1].key, "k");
  EXPECT_EQ(d[1].reported, "tlass=\"fig\"data-key=erouo");
  EXPECT_EQ(d[1].recomputed, "outlass=\"fig\"data-key=erout");
}

// Found by fuzz/report_text_fuzzer: a right-to-left run that ends inside a
// UTF-8 sequence, and a difference right after it. Moving back to the start
// of the code point re-entered the run, which matched again, forever.
// (PrintedTextOf no longer makes such text, since WithoutWhitespace replaces
// malformed bytes; ComparePrintedText must still end on any PrintedText.)
TEST(ComparePrintedTextTest, ARightToLeftRunEndingInsideACodePointEnds) {
  PrintedText p;
  p.text = "\xd9\x85\xd8\xb5x";
  p.rtl = {{0, 3}};
  auto d = ComparePrintedText(p, Pages("\xd9\x85\xd8\xb6x"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "page 1");
}

}  // namespace
}  // namespace lifeline::report
