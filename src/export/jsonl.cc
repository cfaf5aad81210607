#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

namespace lifeline::exports {

Result<std::string> WriteJsonLines(std::span<const nlohmann::json> records) {
  std::string out;
  for (size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& r = records[i];
    // ReadJsonLines needs a string `kind`; refusing here keeps the round trip.
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(r, i));
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
