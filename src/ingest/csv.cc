#include "ingest/csv.h"

#include "tabular/text.h"

namespace lifeline::ingest {

std::string CsvFieldName(size_t column, const std::vector<std::string>* header) {
  if (column == 0) return "(file)";
  if (header != nullptr && column <= header->size()) {
    std::string_view name = tabular::Trim((*header)[column - 1]);
    if (!name.empty()) return std::string(name);
  }
  return "column " + std::to_string(column);
}

void AppendCsvDiagnostics(const tabular::CsvTable& table, const std::vector<std::string>* header,
                          ReadResult& out) {
  for (const tabular::CsvError& e : table.errors) {
    out.errors.push_back({e.line, CsvFieldName(e.column, header), e.message});
  }
  out.encoding = table.encoding;
  if (table.encoding == tabular::TextEncoding::kWindows1252) {
    out.warnings.push_back(
        {table.first_non_utf8_line, "(file)",
         "the file is not UTF-8 (first at this line): read as Windows-1252/Latin-1 and "
         "transcoded to UTF-8; check that accented letters read right"});
  }
}

}  // namespace lifeline::ingest
