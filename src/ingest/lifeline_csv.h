// Lifeline's own flat CSV (src/export WriteCsv: one table per record kind)
// and its reader, so that `export --format csv --kind K` comes back in with
// `import --format csv` (no mapping) field for field.
//
// The layout lives here, below src/export, so that the writer and the
// reader share one table and cannot drift apart: export links ingest, not
// the other way round.
//
// Layout of kind K (LifelineCsvLayout(K)): a header row naming the columns
// id, case, sources, supersedes, note, recorded, by, then K's fields in the
// order of the schema tables (src/record/schema.cc); `kind` has no column
// (one kind per file) and `confidential` none (never exported). Nested
// objects have one column per member, named with a dot (location.lat,
// fatalities.best, period.from, per_day.cargo, rule.for). Each column holds
// one kind of cell (CsvCell):
//   kText     the string exactly, whitespace included; never empty (the schema
//             has no empty strings), so an empty cell is an absent field
//   kInteger  a JSON integer as RFC 8785 writes it: -?(0|[1-9][0-9]*)
//   kNumber   a JSON number as RFC 8785 writes it (1.5, 400, 1e+21): integral
//             values read back as integers, others as the same double
//   kBoolean  true / false
//   kList     an array of strings: the elements joined with ';', or — when
//             the array is empty, an element is empty or holds ';', or the
//             first element starts with '[' — the array as canonical JSON
//             text. A cell that starts with '[' is JSON; any other is split
//             on every ';' (no trimming).
//   kJson     an array of objects or arrays (cargo, population, custody,
//             path) as canonical JSON text.
// Every cell is read after ParseCsv has removed the spreadsheet-safe "'" the
// writer may have put in front (csv.h, RestoreCsvCell), whatever its type.
// An empty cell is an absent field; an object whose columns are all empty is
// absent, except a required one (location of an incident, period, per_day,
// rule), which reads as {} so that the validator names what it lacks.
//
// Reader rules (ReadLifelineCsv):
//   - The header is recognised, in any column order, as exactly the columns
//     of one kind; anything else is an error at the header line (field
//     "(header)") saying which columns are missing or unknown for the
//     nearest kind, or to use --mapping for other layouts.
//   - Each data row becomes one record of that kind; cells are read as their
//     column's CsvCell says, strictly: a cell that is not of its type
//     (3.5 in an integer column, "yes" in a boolean one, JSON that does not
//     parse, has a key twice, or is not an array) is an error naming the
//     row's line and the column, and the row yields no record.
//   - id must be non-empty and unique in the file. `case` must agree with
//     ImportOptions::case_id when both are set, and is filled from it when
//     the cell is empty (but for `case` records).
//   - recorded and by are read only with LifelineCsvOptions::keep_stamps
//     (`import --preserve-stamps`); otherwise they are ignored, since
//     Lifeline stamps the records it appends.
// What does not come back: `confidential` (never written), and `recorded`
// and `by` without keep_stamps. Everything else comes back with the same
// canonical bytes (export_test round-trips every kind).
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_LIFELINE_CSV_H_
#define LIFELINE_INGEST_LIFELINE_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "ingest/reader.h"

namespace lifeline::ingest {

enum class CsvCell { kText, kInteger, kNumber, kBoolean, kList, kJson };

struct CsvColumn {
  std::string name;    // "location.lat": the field, or object.member
  std::string object;  // "location"; empty for a top-level field
  std::string member;  // "lat"; the field itself when `object` is empty
  CsvCell cell = CsvCell::kText;
  // The enclosing object is required by the schema: read as {} when all its
  // columns are empty.
  bool object_required = false;
};

// The schema version of the layouts below. Version 1 exports (without the
// columns version 2 added), and version 2 exports written before the case's
// date_window columns, still read back.
inline constexpr int kCsvSchemaVersion = 2;

// The columns of `kind` in order (envelope first); empty for an unknown kind.
const std::vector<CsvColumn>& LifelineCsvLayout(std::string_view kind);

// The kinds that have a layout, in schema order.
const std::vector<std::string>& LifelineCsvKinds();

struct LifelineCsvOptions {
  bool keep_stamps = false;  // read `recorded` and `by` (import --preserve-stamps)
};

ReadResult ReadLifelineCsv(std::string_view data, const ImportOptions& options,
                           const LifelineCsvOptions& csv_options = {});

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_LIFELINE_CSV_H_
