// CSV errors as reader diagnostics. The CSV grammar, the writer's quoting
// and the spreadsheet-safe cell rule are in tabular/csv.h, below both the
// readers here and the writers in src/export.
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_CSV_H_
#define LIFELINE_INGEST_CSV_H_

#include <cstddef>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "tabular/csv.h"

namespace lifeline::ingest {

// The field name for a CSV error: header[column-1] when the header has it,
// else "column N", or "(file)" for column 0.
std::string CsvFieldName(size_t column, const std::vector<std::string>* header);

// Moves CSV errors into `out.errors` (with header names where known) and
// states the encoding in `out` (a warning when the input was transcoded).
void AppendCsvDiagnostics(const tabular::CsvTable& table, const std::vector<std::string>* header,
                          ReadResult& out);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_CSV_H_
