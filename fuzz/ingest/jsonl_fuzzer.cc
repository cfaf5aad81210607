// libFuzzer target: ReadJsonLines.
//
// Invariants checked (check_result.h): rows in line order with lines inside
// the input; each record an object with a string kind whose JSON text can be
// written (so all its strings are UTF-8); every record but a `case` one
// carries the import's case; diagnostics have a line, a field and a UTF-8
// message; each line gives at most one row or error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "check_result.h"
#include "ingest/jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const lifeline::ingest::ImportOptions options{"fuzz-case", "fuzz.jsonl"};
  lifeline::ingest::ReadResult r = lifeline::ingest::ReadJsonLines(in, options);
  uint64_t lines = 1;
  for (char c : in) lines += c == '\n';
  lifeline::ingest::fuzz::CheckResult(r, lines, /*from_tables=*/false);
  LIFELINE_CHECK(r.rows.size() + r.errors.size() <= lines, "more results than lines");
  for (const auto& row : r.rows) {
    if (row.record["kind"] != "case") {
      LIFELINE_CHECK(row.record.contains("case") && row.record["case"] == "fuzz-case",
                     "record outside the import's case");
    }
  }
  return 0;
}
