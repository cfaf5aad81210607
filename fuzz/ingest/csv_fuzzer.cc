// libFuzzer target: ParseCsv.
//
// The first byte picks the options (delimiter ',', ';', '\t' or '|'; Latin-1
// transcoding on or off); the rest is the file. Invariants checked:
//   - record lines are >= 1, increasing, and within the file's lines;
//   - every field is UTF-8 (the input was UTF-8, or was transcoded);
//   - errors have a line within the file and a message;
//   - every field read with restore_neutralised (the default) is the field
//     read without it, passed through RestoreCsvCell;
//   - no field made spreadsheet-safe by NeutraliseCsvCell starts a formula
//     (= + - @ TAB CR) unless it is wholly a number;
//   - without errors, writing the records back as Lifeline's exports do
//     (NeutraliseCsvCell, then RFC 4180 quoting: every field quoted) and
//     reading that gives the same fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "line_bound.h"
#include "tabular/csv.h"
#include "tabular/text.h"

using lifeline::tabular::CsvOptions;
using lifeline::tabular::CsvTable;

namespace {

// = + - @ TAB CR first, and not [+-]?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)?.
bool StartsAFormula(std::string_view s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos) return false;
  size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return true;
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return true;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return true;
  }
  return i != s.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr char kDelims[] = {',', ';', '\t', '|'};
  CsvOptions options;
  options.delimiter = kDelims[data[0] & 3];
  options.transcode_non_utf8 = (data[0] & 4) == 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  CsvTable t = lifeline::tabular::ParseCsv(in, options);
  const uint64_t max_line = lifeline::tabular::fuzz::LineBound(in);
  uint64_t last = 0;
  for (const auto& rec : t.records) {
    LIFELINE_CHECK(rec.line >= 1 && rec.line > last && rec.line <= max_line, "record line");
    last = rec.line;
    LIFELINE_CHECK(!rec.fields.empty(), "record without fields");
    for (const std::string& f : rec.fields) {
      LIFELINE_CHECK(!lifeline::tabular::FirstInvalidUtf8(f).has_value(), "field is not UTF-8");
    }
  }
  LIFELINE_CHECK(t.physical_lines <= max_line, "physical line count");
  for (const auto& e : t.errors) {
    LIFELINE_CHECK(e.line >= 1 && e.line <= max_line, "error line");
    LIFELINE_CHECK(!e.message.empty(), "error without a message");
  }
  CsvOptions verbatim = options;
  verbatim.restore_neutralised = false;
  CsvTable raw = lifeline::tabular::ParseCsv(in, verbatim);
  LIFELINE_CHECK(raw.records.size() == t.records.size(), "restoring changed the record count");
  for (size_t r = 0; r < t.records.size(); ++r) {
    LIFELINE_CHECK(raw.records[r].fields.size() == t.records[r].fields.size(), "restoring changed a width");
    for (size_t i = 0; i < t.records[r].fields.size(); ++i) {
      LIFELINE_CHECK(lifeline::tabular::RestoreCsvCell(raw.records[r].fields[i]) == t.records[r].fields[i],
                     "a field is not its restored bytes");
    }
  }
  if (!t.errors.empty()) return 0;

  std::string out;
  for (const auto& rec : t.records) {
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      if (i > 0) out.push_back(options.delimiter);
      const std::string safe = lifeline::tabular::NeutraliseCsvCell(rec.fields[i]);
      LIFELINE_CHECK(!StartsAFormula(safe), "a neutralised field starts a formula");
      out.push_back('"');
      for (char c : safe) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out += "\r\n";
  }
  CsvOptions utf8 = options;
  utf8.transcode_non_utf8 = false;
  CsvTable again = lifeline::tabular::ParseCsv(out, utf8);
  LIFELINE_CHECK(again.errors.empty(), "re-read of written CSV failed");
  LIFELINE_CHECK(again.records.size() == t.records.size(), "re-read record count differs");
  for (size_t r = 0; r < t.records.size(); ++r) {
    LIFELINE_CHECK(again.records[r].fields == t.records[r].fields, "re-read fields differ");
  }
  return 0;
}
