// The common surface of Lifeline's import readers.
//
// A reader is PURE: it turns the bytes of one file into candidate records
// (JSON objects following docs/records.md, schema v2), each tagged with the
// physical line where its row starts, plus errors that name a line and a
// field. It touches no store, no log, no clock and no file system; validating
// the records against the schema and appending them happen elsewhere.
//
// Invariants every reader keeps:
//   - a row with any error yields no record (never half a record);
//   - every RowError has a line >= 1 and a non-empty field: the column name,
//     hashtag or record field concerned ("(file)" / "(row)" when a whole file
//     or row is wrong);
//   - rows come out in file order, and records derived from one file (e.g. the
//     file's `source` record) come before the rows that cite them;
//   - `case` is set on every record when ImportOptions::case_id is not empty;
//     `recorded` and `by` are never set (Lifeline sets them).
//
// Thread safety: readers share no state; distinct calls may run concurrently.
#ifndef LIFELINE_INGEST_READER_H_
#define LIFELINE_INGEST_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tabular/text.h"

namespace lifeline::ingest {

// One candidate record and the 1-based physical line where its row starts
// (a quoted field with newlines spans several lines: the first one counts).
struct Row {
  uint64_t line = 0;
  nlohmann::json record;
};

// `field` is the column name (CSV header or HXL hashtag), or the record field
// for record-level problems (JSON Lines), so that a person can find the cell.
struct RowError {
  uint64_t line = 0;
  std::string field;
  std::string message;
  friend bool operator==(const RowError&, const RowError&) = default;
};

struct ReadResult {
  std::vector<Row> rows;
  std::vector<RowError> errors;
  // Things the reader did that the submitter should know about but that do
  // not make the import wrong: transcoding, ignored columns, values kept as
  // the source gives them although they look inconsistent.
  std::vector<RowError> warnings;
  // How the bytes were decoded; see warnings when kWindows1252.
  tabular::TextEncoding encoding = tabular::TextEncoding::kUtf8;
  // Data rows deliberately produced no record (mapping `skip` rules, rows
  // whose cells are all empty).
  uint64_t skipped_rows = 0;

  bool ok() const { return errors.empty(); }
};

struct ImportOptions {
  std::string case_id;    // `case` of every record; omitted when empty
  std::string file_name;  // base name used in messages, source ids and titles
  // The data continues a file read in chunks (JSON Lines): its first line
  // is not the file's, so a byte order mark there is an error, not the
  // file's BOM to drop.
  bool continues_file = false;
};

// "gaza.csv:12: total_truck: not an integer: '1O'" (file name omitted when
// empty).
std::string FormatRowError(const RowError& error, std::string_view file_name);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_READER_H_
