// Any text comes back through an export and an import of a record: the
// spreadsheet-safe rule (tabular/csv.h) as WriteCsv (src/export) applies it
// and ReadLifelineCsv (src/ingest) undoes it. Cross-module, hence here; the
// rule's own properties are src/export/csv_property_test.cc.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export.h"
#include "export/text_gen_testing.h"
#include "ingest/lifeline_csv.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

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
