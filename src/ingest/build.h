// Pieces of records that several readers build the same way. Internal to
// src/ingest.
#ifndef LIFELINE_INGEST_BUILD_H_
#define LIFELINE_INGEST_BUILD_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ingest/reader.h"

namespace lifeline::ingest {

// {"kind": kind, "id": id, "case": options.case_id (when set)}.
nlohmann::json NewRecord(std::string_view kind, std::string_view id, const ImportOptions& options);

// Errors and warnings in line order (stable: same-line ones keep their
// order), so that a submitter reads them top to bottom.
void SortDiagnostics(ReadResult& result);

// Puts `record` before all rows (the file's `source` record, which the rows
// cite); line 1 is where the file starts.
void PrependRecord(ReadResult& result, nlohmann::json record);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_BUILD_H_
