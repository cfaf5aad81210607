// Properties of the spreadsheet-safe cell rule (ingest/csv.h) as the CSV
// writers use it: for any text, the neutralised cell never starts a formula,
// and the readers give the text back exactly — through RestoreCsvCell alone,
// through a whole CSV row (quoting, line breaks, delimiters), and through
// an export and import of a record.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "export/export.h"
#include "export/internal.h"
#include "tabular/csv.h"
#include "ingest/lifeline_csv.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

// Text built from the pieces that matter to the rule and to CSV (formula
// characters, quotes, digits, separators, line breaks, multi-byte UTF-8) and
// any other ASCII byte but NUL: valid UTF-8 without NUL, as records hold.
rc::Gen<std::string> Text() {
  rc::Gen<std::string> piece = rc::gen::oneOf(
      rc::gen::element<std::string>("=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", "\"", ",",
                                    ";", " ", "0", "7", ".", "e", "E", "[", "Ստ", "Л"),
      rc::gen::map(rc::gen::inRange(1, 128), [](int c) { return std::string(1, static_cast<char>(c)); }));
  // The first bytes decide the rule: start from one of its edges half the
  // time, so that "'=", "''" or "-1" are not left to chance.
  rc::Gen<std::string> start = rc::gen::element<std::string>(
      "", "", "", "", "", "", "", "", "", "", "", "", "'", "''", "'=", "'-", "'\t", "'\r", "'+",
      "'@", "=", "-", "-1", "-1.5", "+2e-7", "@", "\t", "\r");
  return rc::gen::map(rc::gen::pair(start, rc::gen::container<std::vector<std::string>>(piece)),
                      [](const std::pair<std::string, std::vector<std::string>>& parts) {
                        std::string s = parts.first;
                        for (const std::string& p : parts.second) s += p;
                        return s;
                      });
}

// = + - @ TAB CR first, and not wholly a number.
bool StartsAFormula(const std::string& cell) {
  static const std::regex number("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos &&
         !std::regex_match(cell, number);
}

RC_GTEST_PROP(SpreadsheetSafePropertyTest, RestoreUndoesNeutraliseForAnyBytes, (const std::string& s)) {
  RC_ASSERT(std::string(tabular::RestoreCsvCell(tabular::NeutraliseCsvCell(s))) == s);
}

RC_GTEST_PROP(SpreadsheetSafePropertyTest, RestoreUndoesNeutraliseForText, ()) {
  const std::string s = *Text();
  RC_ASSERT(std::string(tabular::RestoreCsvCell(tabular::NeutraliseCsvCell(s))) == s);
}

RC_GTEST_PROP(SpreadsheetSafePropertyTest, NeutralisedCellNeverStartsAFormula, ()) {
  const std::string s = *Text();
  RC_ASSERT(!StartsAFormula(tabular::NeutraliseCsvCell(s)));
}

RC_GTEST_PROP(SpreadsheetSafePropertyTest, RowsReadBackThroughParseCsv, ()) {
  const auto rows = *rc::gen::container<std::vector<std::vector<std::string>>>(
      rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(Text())));
  std::string file;
  for (const auto& row : rows) {
    // A row of one empty cell is an empty line, which is no record.
    RC_PRE(!(row.size() == 1 && row[0].empty()));
    internal::AppendCsvRow(file, row, {});
  }
  tabular::CsvTable t = tabular::ParseCsv(file);
  RC_ASSERT(t.errors.empty());
  RC_ASSERT(t.records.size() == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) RC_ASSERT(t.records[i].fields == rows[i]);
}

RC_GTEST_PROP(SpreadsheetSafePropertyTest, TextComesBackThroughExportAndImport, ()) {
  const std::string text = *rc::gen::nonEmpty(Text());
  const std::string actor = *rc::gen::nonEmpty(Text());
  json r = {{"kind", "incident"},     {"id", "inc-1"},      {"case", "case-x"},
            {"sources", json::array({"src-a"})},   {"date", "2023-09-19"}, {"event_type", "Battles"},
            {"description", text},    {"note", text},       {"actors", json::array({actor, text})},
            {"location", {{"name", text}, {"lat", -12.5}, {"lon", -45.2}}}};
  auto csv = WriteCsv(std::vector<json>{r}, "incident");
  RC_ASSERT(csv.ok());
  ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {});
  RC_ASSERT(back.ok());
  RC_ASSERT(back.rows.size() == 1u);
  RC_ASSERT(back.rows[0].record == r);
}

}  // namespace
}  // namespace lifeline::exports
