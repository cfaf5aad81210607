// A CSV file whose header row names its columns: the shared first step of the
// ACLED, UCDP and mapping readers. Internal to src/ingest.
#ifndef LIFELINE_INGEST_SHEET_H_
#define LIFELINE_INGEST_SHEET_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/csv.h"
#include "ingest/reader.h"
#include "tabular/csv.h"

namespace lifeline::ingest {

struct Sheet {
  bool has_header = false;     // false: no header row (an error is in the result)
  uint64_t header_line = 0;
  std::vector<std::string> header;  // trimmed column names
  // Data rows, each exactly as wide as the header (extra empty trailing
  // fields dropped); rows whose cells are all blank are left out.
  std::vector<tabular::CsvRecord> rows;

  // Index of the column named `name` (exact match after trimming; the
  // first of equal names). Readers ask for a dozen columns per row, so the
  // names are indexed on the first call: `header` must not change after it.
  std::optional<size_t> Find(std::string_view name) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
  mutable bool indexed_ = false;
};

// Parses `data`; the record at index `header_record` (0-based, counting
// records, not lines) is the header, the records before it are ignored.
// CSV errors, rows of the wrong width and duplicate or empty column names go
// to out.errors (named by column), the encoding to out, blank rows to
// out.skipped_rows. `delimiter` separates fields (',' or, e.g. in
// KoBoToolbox's CSV exports, ';').
Sheet ReadSheet(std::string_view data, ReadResult& out, size_t header_record = 0, char delimiter = ',');

// Adds an error at the header line for each column in `names` that the sheet
// lacks; returns false when any is missing.
bool RequireColumns(const Sheet& sheet, std::initializer_list<std::string_view> names,
                    std::string_view what, ReadResult& out);

// True when every cell of the row is blank.
bool IsBlankRow(const std::vector<std::string>& fields);

// The cells of one data row, read by column name; problems are recorded in
// the ReadResult under the row's line and the column's name. The sheet, row
// and result must outlive the RowCells.
class RowCells {
 public:
  RowCells(const Sheet& sheet, const tabular::CsvRecord& row, ReadResult& out)
      : sheet_(sheet), row_(row), out_(out) {}

  uint64_t line() const { return row_.line; }
  bool failed() const { return errors_ > 0; }

  // The trimmed cell; "" when empty or when the file has no such column.
  std::string_view Get(std::string_view column) const;
  // As Get, with an error when empty.
  std::string_view Required(std::string_view column);
  // Empty cells give nullopt; malformed ones an error and nullopt.
  std::optional<int64_t> Integer(std::string_view column);
  std::optional<int64_t> Count(std::string_view column);  // an integer >= 0
  std::optional<double> Latitude(std::string_view column);
  std::optional<double> Longitude(std::string_view column);

  void Error(std::string_view column, std::string message);
  void Warn(std::string_view column, std::string message);

 private:
  const Sheet& sheet_;
  const tabular::CsvRecord& row_;
  ReadResult& out_;
  size_t errors_ = 0;
};

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_SHEET_H_
