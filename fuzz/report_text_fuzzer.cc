// libFuzzer target: the printed text of a report (PrintedTextOf) and its
// comparison with a PDF's pages (ComparePrintedText), which verify-report
// runs on a PDF and its attached HTML from anyone.
//
// Input: HTML, then optionally "\f" and the PDF's pages separated by "\f".
//
// Invariants: figures, tables and right-to-left ranges lie inside the text,
// in order; the text holds no white space; a text compared with itself (as
// one page, or split at any figure) has no difference; a comparison stops
// at its limit of differences; the helpers are idempotent where they
// should be.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "report/text_layer.h"

namespace {

using lifeline::report::ComparePrintedText;
using lifeline::report::PrintedText;

void CheckRanges(const PrintedText& t) {
  size_t last = 0;
  for (const auto& f : t.figures) {
    LIFELINE_CHECK(f.begin <= f.end && f.end <= t.text.size(), "figure range outside the text");
    LIFELINE_CHECK(f.begin >= last, "figures out of document order");
    last = f.begin;
  }
  for (const auto& tb : t.tables) {
    LIFELINE_CHECK(tb.begin <= tb.end && tb.end <= t.text.size(), "table range outside the text");
  }
  for (const auto& [b, e] : t.rtl) {
    LIFELINE_CHECK(b <= e && e <= t.text.size(), "right-to-left range outside the text");
  }
}

void CheckSelfComparison(const PrintedText& t) {
  LIFELINE_CHECK(ComparePrintedText(t, {t.text}).empty(), "a text differs from itself");
  if (!t.figures.empty()) {
    size_t cut = t.figures.front().begin;
    std::vector<std::string> two{t.text.substr(0, cut), t.text.substr(cut)};
    LIFELINE_CHECK(ComparePrintedText(t, two).empty(), "a text differs from itself split in two pages");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t ff = in.find('\f');
  std::string_view html = in.substr(0, ff);
  std::vector<std::string> pages;
  while (ff != std::string_view::npos) {
    size_t next = in.find('\f', ff + 1);
    pages.emplace_back(in.substr(ff + 1, next == std::string_view::npos ? std::string_view::npos : next - ff - 1));
    ff = next;
  }
  std::string bare = lifeline::report::WithoutWhitespace(in);
  LIFELINE_CHECK(lifeline::report::WithoutWhitespace(bare) == bare, "WithoutWhitespace not idempotent");
  (void)lifeline::report::DecodeEntities(in);

  auto printed = lifeline::report::PrintedTextOf(html);
  if (!printed.ok()) {
    LIFELINE_CHECK(!printed.status().message().empty(), "error without a message");
    return 0;
  }
  LIFELINE_CHECK(lifeline::report::WithoutWhitespace(printed->text) == printed->text, "white space in the text");
  CheckRanges(*printed);
  CheckSelfComparison(*printed);
  LIFELINE_CHECK(ComparePrintedText(*printed, pages, 3).size() <= 3, "more differences than the limit");
  return 0;
}
