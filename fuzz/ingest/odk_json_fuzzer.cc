// libFuzzer target: ReadOdkJsonWithMapping (KoBoToolbox data.json and ODK
// Central OData exports through a mapping) and DetectOdkJson, on the same
// bytes as both servers' exports.
//
// Invariants checked: those of check_result.h (rows in file order with lines
// inside the input, valid unique ids, UTF-8 diagnostics); every id is the
// template's "odk-" and a lower-case rest; a detected server's reader finds
// the export (no "(file)" error); an input that is not JSON is one "(file)"
// error and no rows.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "check_result.h"
#include "ingest/odk_export.h"

namespace {

using lifeline::ingest::Mapping;
using lifeline::ingest::OdkServer;

const Mapping& FuzzMapping() {
  static const Mapping mapping = lifeline::ingest::fuzz::MustParseMapping(R"(
kind = "stock"
id = "odk-{KEY|uuid}"
[[columns]]
column = "commodity"
field = "commodity"
[[columns]]
column = "g-quantity"
field = "quantity"
type = "number"
[[columns]]
column = "date"
field = "date"
type = "date"
[[columns]]
column = "sources"
field = "sources"
type = "list"
)");
  return mapping;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const lifeline::ingest::ImportOptions options{"fuzz-case", "fuzz.json"};
  uint64_t lines = 1;
  for (char c : in) lines += c == '\n';
  const auto detected = lifeline::ingest::DetectOdkJson(in);
  for (OdkServer server : {OdkServer::kKobo, OdkServer::kCentral}) {
    auto r = lifeline::ingest::ReadOdkJsonWithMapping(in, server, FuzzMapping(), options);
    lifeline::ingest::fuzz::CheckResult(r, lines, /*from_tables=*/true);
    bool file_error = false;
    for (const auto& e : r.errors) file_error |= e.field == "(file)";
    if (detected == server) LIFELINE_CHECK(!file_error, "a detected export refused as a whole");
    if (file_error) LIFELINE_CHECK(r.rows.empty() && r.errors.size() == 1, "rows beside a file error");
    for (const auto& row : r.rows) {
      const std::string id = row.record["id"].get<std::string>();
      LIFELINE_CHECK(id.starts_with("odk-"), "id without the template's prefix");
      for (char c : id) LIFELINE_CHECK(!(c >= 'A' && c <= 'Z'), "upper case in an id");
      LIFELINE_CHECK(row.record["kind"] == "stock", "kind");
    }
  }
  return 0;
}
