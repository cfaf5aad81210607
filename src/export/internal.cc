#include "export/internal.h"

#include "record/canonical.h"
#include "tabular/csv.h"

namespace lifeline::exports::internal {

using nlohmann::json;

void AppendCsvRow(std::string& out, std::span<const std::string> fields,
                  const CsvExportOptions& options) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (options.raw) {
      tabular::AppendCsvField(out, fields[i]);
    } else {
      tabular::AppendCsvField(out, tabular::NeutraliseCsvCell(fields[i]));
    }
  }
  out += "\r\n";
}

std::string RecordName(const json& record, size_t index) {
  if (record.is_object()) {
    auto id = record.find("id");
    if (id != record.end() && id->is_string()) return "record \"" + id->get<std::string>() + "\"";
  }
  return "record " + std::to_string(index);
}

Status CheckRecord(const json& record, size_t index) {
  if (!record.is_object()) {
    return InvalidArgumentError(RecordName(record, index) + ": not a JSON object");
  }
  auto kind = record.find("kind");
  if (kind == record.end() || !kind->is_string()) {
    return InvalidArgumentError(RecordName(record, index) + ": kind: missing or not a string");
  }
  return Status::Ok();
}

Result<std::string> ScalarText(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return std::string();
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return std::string(value.get<bool>() ? "true" : "false");
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      // The log's own spelling of the number, so that a cell and the entry
      // agree digit for digit.
      return record::Canonicalize(value);
    default:
      return InvalidArgumentError("wanted a single value, found " +
                                  std::string(value.is_array() ? "an array" : "an object"));
  }
}

Result<std::string> ListText(const json& array) {
  if (!array.is_array()) return ScalarText(array);
  // A join of no elements is an empty cell, which reads as an absent field;
  // a join starting with '[' would read as JSON.
  bool joinable = !array.empty() && !(array[0].is_string() &&
                                      array[0].get_ref<const std::string&>().starts_with('['));
  for (const json& e : array) {
    if (e.is_object() || e.is_array() || e.is_null()) joinable = false;
    if (e.is_string()) {
      const std::string& s = e.get_ref<const std::string&>();
      if (s.empty() || s.find(';') != std::string::npos) joinable = false;
    }
  }
  if (!joinable) return record::Canonicalize(array);
  std::string out;
  for (size_t i = 0; i < array.size(); ++i) {
    if (i > 0) out.push_back(';');
    LIFELINE_ASSIGN_OR_RETURN(std::string text, ScalarText(array[i]));
    out += text;
  }
  return out;
}

const json& Member(const json& object, std::string_view key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

Result<std::string> MemberText(const json& object, std::string_view key) {
  Result<std::string> text = ScalarText(Member(object, key));
  if (!text.ok()) return text.status().Annotate(key);
  return text;
}

}  // namespace lifeline::exports::internal
