// The layout of Lifeline's own flat CSV: one table per record kind, written
// by src/export (WriteCsv) and read by src/ingest (ReadLifelineCsv, in
// ingest/lifeline_csv.h), so that `export --format csv --kind K` comes back
// in with `import --format csv` (no mapping) field for field.
//
// The layout lives here, below both, so that the writer and the reader share
// one table and cannot drift apart.
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
// writer may have put in front (tabular/csv.h, RestoreCsvCell), whatever its
// type.
// An empty cell is an absent field; an object whose columns are all empty is
// absent, except a required one (location of an incident, period, per_day,
// rule), which reads as {} so that the validator names what it lacks.
//
// Pure; thread-safe.
#ifndef LIFELINE_TABULAR_LIFELINE_CSV_H_
#define LIFELINE_TABULAR_LIFELINE_CSV_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline::tabular {

// kJson: a JSON array (cargo lines, casualties); kJsonValue: any JSON value
// but null (a case's vocabulary object, what a claim says a field is).
enum class CsvCell { kText, kInteger, kNumber, kBoolean, kList, kJson, kJsonValue };

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

// The columns of `kind` in order (envelope first), as written today; empty
// for an unknown kind.
const std::vector<CsvColumn>& LifelineCsvLayout(std::string_view kind);

// The kinds that have a layout, in schema order.
const std::vector<std::string>& LifelineCsvKinds();

// Every kind's columns in one version of the layout.
using LifelineCsvLayouts = std::map<std::string, std::vector<CsvColumn>, std::less<>>;

// The layouts a reader recognises, newest first: today's (LifelineCsvLayout),
// version 2's before the vocabularies (issue #15), before the case's
// date_window columns, version 1's (a kind
// added later has none in an earlier version). The pointers are to static
// tables, valid for the life of the program.
const std::vector<const LifelineCsvLayouts*>& LifelineCsvLayoutHistory();

}  // namespace lifeline::tabular

#endif  // LIFELINE_TABULAR_LIFELINE_CSV_H_
