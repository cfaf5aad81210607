// Invariants every ingest reader keeps, checked by the fuzz targets (see
// src/ingest/reader.h).
#ifndef LIFELINE_FUZZ_INGEST_CHECK_RESULT_H_
#define LIFELINE_FUZZ_INGEST_CHECK_RESULT_H_

#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "base/check.h"
#include "ingest/fields.h"
#include "ingest/mapping.h"
#include "ingest/reader.h"
#include "tabular/text.h"

namespace lifeline::ingest::fuzz {

// `max_line`: the number of physical lines of the input (+1 for slack where a
// reader reports the line after the last).
// `from_tables`: records built by a reader from cells (not passed through
// from JSON), whose ids, coordinates and counts the reader has checked.
inline void CheckResult(const ReadResult& r, uint64_t max_line, bool from_tables) {
  for (const auto* list : {&r.errors, &r.warnings}) {
    for (const RowError& e : *list) {
      LIFELINE_CHECK(e.line >= 1 && e.line <= max_line, "diagnostic line out of range");
      LIFELINE_CHECK(!e.field.empty(), "diagnostic without a field");
      LIFELINE_CHECK(!e.message.empty(), "diagnostic without a message");
      // Messages and field names go into JSON and terminals: always UTF-8.
      LIFELINE_CHECK(!tabular::FirstInvalidUtf8(e.message).has_value(), "message is not UTF-8");
      LIFELINE_CHECK(!tabular::FirstInvalidUtf8(e.field).has_value(), "field is not UTF-8");
    }
  }
  std::set<std::string> ids;
  uint64_t last_line = 0;
  for (const Row& row : r.rows) {
    LIFELINE_CHECK(row.line >= 1 && row.line <= max_line, "row line out of range");
    LIFELINE_CHECK(row.line >= last_line, "rows out of file order");
    last_line = row.line;
    LIFELINE_CHECK(row.record.is_object(), "a record is not an object");
    LIFELINE_CHECK(row.record.contains("kind") && row.record["kind"].is_string(),
                   "a record without a string kind");
    // Throws (and so aborts the fuzzer) on invalid UTF-8.
    std::string text = row.record.dump();
    LIFELINE_CHECK(!text.empty(), "empty dump");
    if (!from_tables) continue;
    {
      const auto& id = row.record["id"];
      LIFELINE_CHECK(id.is_string() && IsValidRecordId(id.get<std::string>()), "invalid id");
      LIFELINE_CHECK(ids.insert(id.get<std::string>()).second, "duplicate id");
    }
    if (auto loc = row.record.find("location"); loc != row.record.end()) {
      if (auto lat = loc->find("lat"); lat != loc->end()) {
        LIFELINE_CHECK(lat->is_number() && std::fabs(lat->get<double>()) <= 90, "lat range");
      }
      if (auto lon = loc->find("lon"); lon != loc->end()) {
        LIFELINE_CHECK(lon->is_number() && std::fabs(lon->get<double>()) <= 180, "lon range");
      }
    }
    if (auto f = row.record.find("fatalities"); f != row.record.end()) {
      for (const char* k : {"low", "best", "high"}) {
        if (auto v = f->find(k); v != f->end()) {
          LIFELINE_CHECK(v->is_number_integer() && v->get<int64_t>() >= 0, "fatalities");
        }
      }
    }
  }
}

// A target's fixed mapping; aborts when it does not parse (a bug in the
// target, not a finding).
inline Mapping MustParseMapping(std::string_view toml) {
  Result<Mapping> m = ParseMapping(toml, "fuzz.toml");
  LIFELINE_CHECK(m.ok(), "the fuzz mapping does not parse");
  return *m;
}

}  // namespace lifeline::ingest::fuzz

#endif  // LIFELINE_FUZZ_INGEST_CHECK_RESULT_H_
