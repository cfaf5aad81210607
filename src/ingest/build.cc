#include "ingest/build.h"

#include <algorithm>

#include "base/kinds.h"

namespace lifeline::ingest {

nlohmann::json NewRecord(std::string_view kind, std::string_view id,
                         const ImportOptions& options) {
  nlohmann::json r = nlohmann::json::object();
  r["kind"] = kind;
  r["id"] = id;
  if (!options.case_id.empty() && kind != kinds::kCase) r["case"] = options.case_id;
  return r;
}

void SortDiagnostics(ReadResult& result) {
  auto by_line = [](const RowError& a, const RowError& b) { return a.line < b.line; };
  std::stable_sort(result.errors.begin(), result.errors.end(), by_line);
  std::stable_sort(result.warnings.begin(), result.warnings.end(), by_line);
}

void PrependRecord(ReadResult& result, nlohmann::json record) {
  result.rows.insert(result.rows.begin(), Row{1, std::move(record)});
}

}  // namespace lifeline::ingest
