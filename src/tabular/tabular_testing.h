// Helpers for the tabular tests and those above them (test-only; not part
// of lifeline_tabular): the shared data files and an independent CSV reader.
#ifndef LIFELINE_TABULAR_TABULAR_TESTING_H_
#define LIFELINE_TABULAR_TABULAR_TESTING_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lifeline::tabular::testing {

inline std::string SharedData(const std::string& rel) {
  return std::string(LIFELINE_SHARED_DIR) + "/data/" + rel;
}
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An independent, deliberately naive CSV reader for recounting in tests: a
// character loop over quotes, with no error handling and no line tracking.
// Empty lines produce no row.
inline std::vector<std::vector<std::string>> NaiveCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        row.push_back(cell);
        rows.push_back(row);
      }
      row.clear();
      cell.clear();
      any = false;
    } else {
      cell += c;
      any = true;
    }
  }
  if (any || !cell.empty()) {
    row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace lifeline::tabular::testing

#endif  // LIFELINE_TABULAR_TABULAR_TESTING_H_
