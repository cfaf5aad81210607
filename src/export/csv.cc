// WriteCsv: one kind's records as a flat table.
//
// The columns and the kind of cell each holds are tabular's
// LifelineCsvLayout, which ReadLifelineCsv (src/ingest) reads back with: one
// table for both directions, so that an export always re-imports.
// tests/export_roundtrip_test.cc checks that table against
// record::JsonSchema().
#include <set>
#include <vector>

#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"
#include "tabular/lifeline_csv.h"

namespace lifeline::exports {
namespace {

using tabular::CsvCell;
using tabular::CsvColumn;
using nlohmann::json;

// InvalidArgument for a member of `record` (or of one of its objects) that
// no column holds: the table would silently drop it. `kind` and
// `confidential` have no column by design and must be removed first.
Status CheckEveryMemberHasAColumn(const json& record, const std::vector<CsvColumn>& layout) {
  std::set<std::string, std::less<>> fields, objects;
  for (const CsvColumn& c : layout) (c.object.empty() ? fields : objects).insert(
      c.object.empty() ? c.member : c.object);
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (fields.count(it.key())) continue;
    if (!objects.count(it.key())) {
      return InvalidArgumentError(it.key() + ": not a field of the record schema (v2), so no column holds it");
    }
    if (!it->is_object()) return InvalidArgumentError(it.key() + ": wanted an object");
    for (auto m = it->begin(); m != it->end(); ++m) {
      bool known = false;
      for (const CsvColumn& c : layout) known |= c.object == it.key() && c.member == m.key();
      if (!known) {
        return InvalidArgumentError(it.key() + "." + m.key() +
                                    ": not a field of the record schema (v2), so no column holds it");
      }
    }
  }
  return Status::Ok();
}

Result<std::string> CellText(const json& value, const CsvColumn& c) {
  switch (c.cell) {
    case CsvCell::kText:
    case CsvCell::kInteger:
    case CsvCell::kNumber:
    case CsvCell::kBoolean:
      return internal::ScalarText(value);
    case CsvCell::kList:
      if (value.is_null()) return std::string();
      if (!value.is_array()) return InvalidArgumentError("wanted an array");
      return internal::ListText(value);
    case CsvCell::kJson:
    case CsvCell::kJsonValue:
      if (value.is_null()) return std::string();
      return record::Canonicalize(value);
  }
  return InternalError("unknown cell type");
}

}  // namespace

std::vector<std::string> CsvColumns(std::string_view kind) {
  std::vector<std::string> names;
  for (const CsvColumn& c : tabular::LifelineCsvLayout(kind)) names.push_back(c.name);
  return names;
}

Result<std::string> WriteCsv(std::span<const json> records, std::string_view kind,
                             const CsvExportOptions& options) {
  const std::vector<CsvColumn>& layout = tabular::LifelineCsvLayout(kind);
  if (layout.empty()) {
    std::string all;
    for (const std::string& each : tabular::LifelineCsvKinds()) all += (all.empty() ? "" : ", ") + each;
    return InvalidArgumentError("\"" + std::string(kind) + "\" is not a record kind (" + all + ")");
  }
  std::string out;
  const std::vector<std::string> header = CsvColumns(kind);
  internal::AppendCsvRow(out, header, options);
  for (size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(r, i));
    if (r.at("kind") != kind) continue;
    json columns_only = r;
    columns_only.erase("kind");
    columns_only.erase("confidential");
    Status known = CheckEveryMemberHasAColumn(columns_only, layout);
    if (!known.ok()) return known.Annotate(internal::RecordName(r, i));
    std::vector<std::string> cells;
    cells.reserve(layout.size());
    for (const CsvColumn& c : layout) {
      const json& value = c.object.empty()
                              ? internal::Member(columns_only, c.member)
                              : internal::Member(internal::Member(columns_only, c.object), c.member);
      Result<std::string> text = CellText(value, c);
      if (!text.ok()) return text.status().Annotate(c.name).Annotate(internal::RecordName(r, i));
      cells.push_back(std::move(*text));
    }
    internal::AppendCsvRow(out, cells, options);
  }
  return out;
}

}  // namespace lifeline::exports
