#include "ingest/reader.h"

namespace lifeline::ingest {

std::string FormatRowError(const RowError& error, std::string_view file_name) {
  std::string out;
  if (!file_name.empty()) {
    out += file_name;
    out += ':';
  }
  out += std::to_string(error.line);
  out += ": ";
  out += error.field;
  out += ": ";
  out += error.message;
  return out;
}

}  // namespace lifeline::ingest
