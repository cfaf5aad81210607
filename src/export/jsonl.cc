#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

namespace lifeline::exports {

Result<std::string> WriteJsonLines(std::span<const nlohmann::json> records) {
  std::string out;
  for (size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& r = records[i];
    if (!r.is_object()) {
      return InvalidArgumentError(internal::RecordName(r, i) + ": not a JSON object");
    }
    nlohmann::json published = r;
    published.erase("confidential");
    Result<std::string> line = record::Canonicalize(published);
    if (!line.ok()) return line.status().Annotate(internal::RecordName(r, i));
    out += *line;
    out.push_back('\n');
  }
  return out;
}

}  // namespace lifeline::exports
