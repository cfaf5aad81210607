// Pieces the writers share: CSV fields, cell text of JSON values, record
// names for messages. Internal to src/export.
#ifndef LIFELINE_EXPORT_INTERNAL_H_
#define LIFELINE_EXPORT_INTERNAL_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "export/export.h"

namespace lifeline::exports::internal {

// Appends the fields (tabular::AppendCsvField) separated by commas and a
// CRLF. Unless `options.raw`, each field is first made spreadsheet-safe
// (tabular::NeutraliseCsvCell): this is the one place every CSV-shaped
// writer neutralises its cells.
void AppendCsvRow(std::string& out, std::span<const std::string> fields,
                  const CsvExportOptions& options);

// "record \"inc-1\"" or "record 3" (0-based index) when the id is missing.
std::string RecordName(const nlohmann::json& record, size_t index);

// InvalidArgument unless `record` is an object with a string `kind`.
Status CheckRecord(const nlohmann::json& record, size_t index);

// The text of a scalar for a cell: strings as they are, numbers as JCS
// writes them, true/false, "" for null. InvalidArgument for objects and
// arrays, and for numbers JCS refuses.
Result<std::string> ScalarText(const nlohmann::json& value);

// An array of scalars joined with ';', or its canonical JSON text when it
// is empty, an element is an empty string, holds ';', or is not a scalar, or
// the first element starts with '[' (a kList cell starting with '[' is JSON:
// tabular/lifeline_csv.h).
Result<std::string> ListText(const nlohmann::json& array);

// `record[key]` when present, else null (records are objects).
const nlohmann::json& Member(const nlohmann::json& object, std::string_view key);

// ScalarText(Member(object, key)) annotated with `key`.
Result<std::string> MemberText(const nlohmann::json& object, std::string_view key);

}  // namespace lifeline::exports::internal

#endif  // LIFELINE_EXPORT_INTERNAL_H_
