// libFuzzer target: the header-row readers on the same bytes — ReadAcledCsv,
// ReadUcdpCsv, ReadCsvWithMapping (with a fixed mapping) and
// ReadLifelineCsv (Lifeline's own flat CSV export).
//
// Invariants checked: those of check_result.h for each; ACLED and UCDP ids
// carry their prefixes; the mapping's skip rule and its array-element
// constants hold; ReadLifelineCsv's records are of one kind with a layout,
// hold only that layout's fields, and have unique non-empty string ids.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "base/check.h"
#include "check_result.h"
#include "line_bound.h"
#include "ingest/acled.h"
#include "ingest/lifeline_csv.h"
#include "ingest/mapping.h"
#include "ingest/ucdp.h"
#include "tabular/lifeline_csv.h"

namespace {

const lifeline::ingest::Mapping& FuzzMapping() {
  static const lifeline::ingest::Mapping mapping = lifeline::ingest::fuzz::MustParseMapping(R"(
kind = "movement"
id = "m-{date|slug}-{@vehicles}-{$line}"
[source]
id = "src-fuzz"
publisher = "fuzz"
title = "fuzz"
[constants]
route = "r"
direction = "in"
"cargo[0].unit" = "trucks"
[[columns]]
column = "date"
field = "date"
type = "date"
format = ["%d %B %Y", "%Y-%m-%d"]
required = true
[[columns]]
column = "n"
field = "vehicles"
type = "integer"
[[columns]]
column = "q"
field = "cargo[0].quantity"
type = "number"
scale = 2.0
[[columns]]
column = "o"
field = "outcome"
values = { "ok" = "completed", "no" = "stopped" }
[skip]
when_zero = ["n"]
)");
  return mapping;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const lifeline::ingest::ImportOptions options{"fuzz-case", "fuzz.csv"};
  const uint64_t max_line = lifeline::tabular::fuzz::LineBound(in);

  auto acled = lifeline::ingest::ReadAcledCsv(in, options);
  lifeline::ingest::fuzz::CheckResult(acled, max_line, true);
  for (size_t i = 1; i < acled.rows.size(); ++i) {
    LIFELINE_CHECK(acled.rows[i].record["id"].get<std::string>().starts_with("acled-"), "acled id");
  }
  auto ucdp = lifeline::ingest::ReadUcdpCsv(in, options);
  lifeline::ingest::fuzz::CheckResult(ucdp, max_line, true);
  for (size_t i = 1; i < ucdp.rows.size(); ++i) {
    LIFELINE_CHECK(ucdp.rows[i].record["id"].get<std::string>().starts_with("ucdp-"), "ucdp id");
  }
  auto mapped = lifeline::ingest::ReadCsvWithMapping(in, FuzzMapping(), options);
  lifeline::ingest::fuzz::CheckResult(mapped, max_line, true);
  for (size_t i = 1; i < mapped.rows.size(); ++i) {
    const auto& m = mapped.rows[i].record;
    LIFELINE_CHECK(m["vehicles"].is_number_integer() && m["vehicles"] != 0, "skip rule");
    LIFELINE_CHECK(m["kind"] == "movement" && m["sources"] == nlohmann::json::array({"src-fuzz"}),
                   "mapping constants");
    if (m.contains("cargo")) {
      LIFELINE_CHECK(m["cargo"].size() == 1 && m["cargo"][0].contains("quantity"),
                     "cargo element constant without its column");
    }
  }

  auto own = lifeline::ingest::ReadLifelineCsv(in, options);
  lifeline::ingest::fuzz::CheckResult(own, max_line, false);
  std::set<std::string> ids;
  for (const auto& row : own.rows) {
    const auto& r = row.record;
    const auto& layout = lifeline::tabular::LifelineCsvLayout(r["kind"].get<std::string>());
    LIFELINE_CHECK(!layout.empty(), "lifeline csv: a kind without a layout");
    LIFELINE_CHECK(r["kind"] == own.rows[0].record["kind"], "lifeline csv: two kinds in one file");
    LIFELINE_CHECK(r["id"].is_string() && !r["id"].get<std::string>().empty(), "lifeline csv: id");
    LIFELINE_CHECK(ids.insert(r["id"].get<std::string>()).second, "lifeline csv: id twice");
    for (auto it = r.begin(); it != r.end(); ++it) {
      if (it.key() == "kind") continue;
      bool known = false;
      for (const auto& c : layout) known |= (c.object.empty() ? c.member : c.object) == it.key();
      LIFELINE_CHECK(known, "lifeline csv: a field no column holds");
    }
  }
  return 0;
}
