// The reader of Lifeline's own flat CSV (src/export WriteCsv: one table per
// record kind), so that `export --format csv --kind K` comes back in with
// `import --format csv` (no mapping) field for field. The layout, which the
// writer shares, and the kinds of cell are in tabular/lifeline_csv.h.
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
// canonical bytes (tests/export_roundtrip_test.cc round-trips every kind).
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_LIFELINE_CSV_H_
#define LIFELINE_INGEST_LIFELINE_CSV_H_

#include <string_view>

#include "ingest/reader.h"

namespace lifeline::ingest {

struct LifelineCsvOptions {
  bool keep_stamps = false;  // read `recorded` and `by` (import --preserve-stamps)
};

ReadResult ReadLifelineCsv(std::string_view data, const ImportOptions& options,
                           const LifelineCsvOptions& csv_options = {});

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_LIFELINE_CSV_H_
