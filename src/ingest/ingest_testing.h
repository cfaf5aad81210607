// Helpers for the ingest tests (test-only; not part of lifeline_ingest).
#ifndef LIFELINE_INGEST_INGEST_TESTING_H_
#define LIFELINE_INGEST_INGEST_TESTING_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/reader.h"
#include "tabular/tabular_testing.h"

namespace lifeline::ingest::testing {

inline std::string TestData(const std::string& rel) {
  return std::string(LIFELINE_SOURCE_DIR) + "/src/ingest/testdata/" + rel;
}

using tabular::testing::NaiveCsv;
using tabular::testing::ReadFile;
using tabular::testing::SharedData;

inline std::string Dump(const std::vector<RowError>& errors) {
  std::string s;
  for (const RowError& e : errors) s += "  " + FormatRowError(e, "") + "\n";
  return s;
}

// Success when the reader reported no error; else every error, one a line:
//   ASSERT_TRUE(ReadOk(r));
inline ::testing::AssertionResult ReadOk(const ReadResult& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.errors.size() << " error(s):\n" << Dump(r.errors);
}

// Asserts that `errors` holds an error at `line` for `field` whose message
// contains `part`.
inline ::testing::AssertionResult HasError(const std::vector<RowError>& errors, uint64_t line,
                                           const std::string& field, const std::string& part = "") {
  for (const RowError& e : errors) {
    if (e.line == line && e.field == field && e.message.find(part) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at line " << line << " for " << field
                                       << " containing '" << part << "'; errors:\n"
                                       << Dump(errors);
}

}  // namespace lifeline::ingest::testing

#endif  // LIFELINE_INGEST_INGEST_TESTING_H_
