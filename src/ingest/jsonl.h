// JSON Lines (https://jsonlines.org): one record per line, each a JSON object
// already in the shape of docs/records.md.
//
// - Lines end in LF or CRLF; a UTF-8 BOM at the start of the file is
//   dropped (not when ImportOptions::continues_file: a later chunk), a BOM
//   at the start of any other line is an error (field "(line)"); lines that
//   are empty or only whitespace are skipped.
// - Each other line must be exactly one JSON object (RFC 8259): otherwise a
//   RowError names the line and says what is wrong with the byte position
//   nlohmann::json reports (field "(line)"), or that the value is an array,
//   string, ... instead of an object.
// - An object with a key twice is rejected (field: the key): JSON leaves its
//   meaning open, and a verifiable log must not pick one silently. Nesting
//   deeper than 64 levels is rejected.
// - `kind` must be a string (field "kind"); when ImportOptions::case_id is set
//   a missing `case` is filled in and a different one is an error (field
//   "case"). Everything else is left to the schema validator.
//
// Pure; thread-safe.
#ifndef LIFELINE_INGEST_JSONL_H_
#define LIFELINE_INGEST_JSONL_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "ingest/reader.h"

namespace lifeline::ingest {

ReadResult ReadJsonLines(std::string_view data, const ImportOptions& options);

// One JSON value (RFC 8259) under the rules above: a key twice in one
// object, nesting deeper than 64 levels and anything after the value are
// InvalidArgument, the message naming the byte or the key. For JSON held in
// other formats' cells (the flat CSV's cargo, path, ... columns).
Result<nlohmann::json> ParseJsonStrictly(std::string_view text);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_JSONL_H_
