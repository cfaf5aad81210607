// Properties of the spreadsheet-safe cell rule (tabular/csv.h) as the CSV
// writers use it: for any text, the neutralised cell never starts a formula,
// and the text comes back exactly — through RestoreCsvCell alone and
// through a whole CSV row (quoting, line breaks, delimiters) read with
// ParseCsv. Through an export and an import of a record:
// tests/export_roundtrip_property_test.cc.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "export/export.h"
#include "export/internal.h"
#include "export/text_gen_testing.h"
#include "tabular/csv.h"

namespace lifeline::exports {
namespace {

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

}  // namespace
}  // namespace lifeline::exports
