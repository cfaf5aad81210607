#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

namespace lifeline::exports {
namespace {

Result<std::string> CanonicalPublished(const nlohmann::json& r) {
  nlohmann::json published = r;
  published.erase("confidential");
  return record::Canonicalize(published);
}

}  // namespace

Status AppendJsonLine(const nlohmann::json& r, size_t position, std::string* out) {
  // ReadJsonLines needs a string `kind`; refusing here keeps the round trip.
  LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(r, position));
  // Copied only when there is something to leave out.
  Result<std::string> line = r.contains("confidential") ? CanonicalPublished(r) : record::Canonicalize(r);
  if (!line.ok()) return line.status().Annotate(internal::RecordName(r, position));
  *out += *line;
  out->push_back('\n');
  return Status::Ok();
}

Result<std::string> WriteJsonLines(std::span<const nlohmann::json> records) {
  std::string out;
  for (size_t i = 0; i < records.size(); ++i) LIFELINE_RETURN_IF_ERROR(AppendJsonLine(records[i], i, &out));
  return out;
}

}  // namespace lifeline::exports
