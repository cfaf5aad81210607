// libFuzzer target: ReadHxlCsv, ParseHashtag.
//
// Invariants checked: those of check_result.h (valid, unique ids; UTF-8
// records and messages; coordinates and counts in range); a non-empty result
// starts with the file's source record, which every incident cites; a
// hashtag that parses prints back to a spec that parses to the same hashtag.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "check_result.h"
#include "line_bound.h"
#include "ingest/hxl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const lifeline::ingest::ImportOptions options{"fuzz-case", "fuzz.csv"};
  lifeline::ingest::ReadResult r = lifeline::ingest::ReadHxlCsv(in, options);
  lifeline::ingest::fuzz::CheckResult(r, lifeline::tabular::fuzz::LineBound(in),
                                      /*from_tables=*/true);
  if (!r.rows.empty()) {
    const auto& source = r.rows.front().record;
    LIFELINE_CHECK(source["kind"] == "source", "first record is not the source");
    for (size_t i = 1; i < r.rows.size(); ++i) {
      const auto& e = r.rows[i].record;
      LIFELINE_CHECK(e["kind"] == "incident", "not an incident");
      LIFELINE_CHECK(e["sources"].size() == 1 && e["sources"][0] == source["id"],
                     "incident does not cite the file's source");
    }
  }
  // Hashtag round trip on the first line.
  std::string_view first = in.substr(0, in.find('\n'));
  if (auto h = lifeline::ingest::ParseHashtag(first)) {
    auto again = lifeline::ingest::ParseHashtag(h->ToString());
    LIFELINE_CHECK(again && *again == *h, "hashtag does not round-trip");
  }
  return 0;
}
