// CSV + a TOML mapping file -> records, without new code.
//
// A mapping says which record kind each data row becomes, how to build its
// id, which fields are the same on every record, and which column fills
// which field with which type. Format (version 1; README.md has a worked
// example):
//
//   version = 1                        # optional; only 1 exists
//   kind = "movement"                  # required: a kind of docs/records.md
//   id = "gaza-trucks-{@date}"         # required: id template (below)
//   header_row = 1                     # optional: CSV record (1-based) that
//                                      # names the columns; records above it
//                                      # are ignored
//   delimiter = ";"                    # optional: the CSV field separator,
//                                      # one of "," (default), ";", "\t"
//
//   [source]                           # optional: one `source` record,
//   id = "src-gaza-projections"        # emitted before the rows; every
//   publisher = "..."                  # record cites it unless `sources` is
//   title = "..."                      # set by a constant or column. Any
//                                      # source fields; `id` required.
//
//   [constants]                        # optional: fields set on every record;
//   route = "gaza-crossings"           # keys are field paths (quote them
//   direction = "in"                   # when they hold '.' or '['), values
//   "cargo[0].unit" = "trucks"         # any TOML value (tables -> objects,
//   sources = ["src-other"]            # arrays -> arrays, dates -> strings)
//
//   [[columns]]                        # one per column read
//   column = "date"                    # required: header name
//   field = "date"                     # required: field path
//   type = "date"                      # string (default), integer, number,
//                                      # date, boolean, list (terms separated
//                                      # by whitespace, as an ODK
//                                      # select_multiple: "a b" -> ["a","b"]),
//                                      # lines (one item per non-blank line,
//                                      # as an ODK multiline text list)
//   format = "%d %B %Y"                # date only: strftime-like, or an array
//                                      # of them tried in order (default
//                                      # "%Y-%m-%d"); output is YYYY-MM-DD
//   required = true                    # empty cell -> error (default false:
//                                      # the field is left out)
//   default = 0                        # value used when the cell is empty
//   values = { "1" = "day" }           # optional: the cell must be one of
//                                      # the keys; the field gets the value
//   scale = 1000.0                     # number only: multiply (t -> kg)
//
//   [skip]                             # optional: rows that make no record
//   when_empty = ["total_truck"]       # ... when any of these cells is empty
//   when_zero = ["total_truck"]        # ... when any of these is a number 0
//
// Field paths: names joined by '.', with [N] for array elements:
// "vehicles", "location.lat", "cargo[0].quantity", "actors[1]". Indices of
// one array must be 0, 1, ... without gaps. A constant inside an array
// element (e.g. "cargo[0].unit") is set only when a column fills that element
// in the row, so that an empty cell leaves no half-made cargo line; array
// elements left with nothing are dropped. No field may be set twice (by two
// rules, or as a path and a path inside it). `kind`, `id`, `case`,
// `recorded` and `by` cannot be set by constants or columns.
//
// Id template: text with placeholders. {name} is the trimmed value of column
// `name`; {@path} is the value the row's record has at `path` after mapping
// (a date as YYYY-MM-DD, a number in decimal); {$line} is the row's line.
// Filters follow '|': slug (lower case, anything outside [a-z0-9._:-] -> '-'),
// lower, upper, trim, uuid (an ODK instanceID "uuid:3F2A..." -> "3f2a...":
// drops a leading "uuid:" in any case and lower-cases, so that
// "odk-{meta/instanceID|uuid}" is the id the OpenRosa intake gives the same
// submission): "{location|slug}". "{{" and "}}" are literal braces.
// The result must be a valid record id (^[a-z0-9][a-z0-9._:-]{0,127}$) and
// unique in the file. Ids are published, so the template may not use a
// confidential field ({@confidential...}, or a column mapped into one):
// ParseMapping refuses it.
//
// Pure once parsed; a Mapping is immutable and may be shared between threads.
#ifndef LIFELINE_INGEST_MAPPING_H_
#define LIFELINE_INGEST_MAPPING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "ingest/reader.h"

namespace lifeline::ingest {

// A field path: object keys (string) and array indices (size_t).
using FieldPath = std::vector<std::variant<std::string, size_t>>;

// "cargo[0].quantity" -> {"cargo", 0, "quantity"}.
Result<FieldPath> ParseFieldPath(std::string_view text);
std::string FormatFieldPath(const FieldPath& path);

enum class ValueType { kString, kInteger, kNumber, kDate, kBoolean, kList, kLines };

struct ColumnRule {
  std::string column;
  FieldPath field;
  ValueType type = ValueType::kString;
  std::vector<std::string> date_formats;  // kDate only
  bool required = false;
  std::optional<nlohmann::json> default_value;
  std::vector<std::pair<std::string, nlohmann::json>> values;  // empty: no table
  std::optional<double> scale;                                // kNumber only
  uint64_t mapping_line = 0;  // where the rule is in the TOML file
};

struct ConstantRule {
  FieldPath field;
  nlohmann::json value;
  // Indices into Mapping::columns of the rules that fill the same array
  // element; when not empty the constant is set only if one of them did.
  std::vector<size_t> element_columns;
};

// One piece of an id template.
struct IdPart {
  enum class Kind { kText, kColumn, kField, kLine } kind = Kind::kText;
  std::string text;  // literal text, column name, or field path text
  FieldPath field;   // kField
  std::vector<std::string> filters;
};

struct Mapping {
  std::string name;  // for messages, e.g. the mapping's file name
  std::string kind;
  std::string id_template;
  std::vector<IdPart> id_parts;
  size_t header_row = 1;
  char delimiter = ',';
  std::optional<nlohmann::json> source;
  std::vector<ConstantRule> constants;
  std::vector<ColumnRule> columns;
  std::vector<std::string> skip_when_empty;
  std::vector<std::string> skip_when_zero;
};

// Parses and checks a mapping file. Errors name the file (`name`), the TOML
// line and the key: "gaza.toml:14: columns[2].type: unknown type 'int'
// (string, integer, number, date, boolean)".
Result<Mapping> ParseMapping(std::string_view toml_text, std::string_view name = "mapping");

// Applies `mapping` to CSV `data`. Errors name the row's line and the column
// (or "id" for the id template's result).
ReadResult ReadCsvWithMapping(std::string_view data, const Mapping& mapping,
                              const ImportOptions& options);

struct Sheet;  // ingest/sheet.h

// Applies `mapping` to the rows of `sheet` (read from a CSV file, or
// flattened from a JSON export by odk_export.h), adding records, errors and
// warnings to `out`. With `require_columns`, every column the mapping reads
// must be in the header (CSV); without, a column nobody answered is an empty
// cell (JSON exports leave out unanswered questions). `out` is not sorted.
void MapSheet(const Sheet& sheet, const Mapping& mapping, const ImportOptions& options,
              bool require_columns, ReadResult& out);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_MAPPING_H_
