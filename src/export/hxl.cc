// WriteHxlCsv. The columns are tabular::LifelineHxlLayout(), the table
// ReadHxlCsv (src/ingest/hxl.h) reads an export back with, field for field;
// README.md gives the table and the reasons. Two constraints from that
// reader shaped the hashtags:
//   - it checks every non-empty #date cell as a date, so date-times
//     (`recorded`) are tagged #meta, never #date;
//   - it reads each #org/#group cell as one actor, so actors get one column
//     each rather than a joined cell.
#include <algorithm>
#include <vector>

#include "base/kinds.h"
#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"
#include "tabular/lifeline_hxl.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

enum class Cell {
  kScalar,  // the value as text
  kList,    // array of scalars joined with ';'
  kJson,    // canonical JSON text
  kActor,   // actors[actor]
};

struct Column {
  std::string header;   // the Lifeline field, for people
  std::string hashtag;  // for machines
  unsigned kinds = 0;   // tabular::kHxlIncident/kHxlMovement bits that fill it
  bool envelope = false;  // filled for records of every kind
  std::vector<std::string> path;  // members from the record down
  Cell cell = Cell::kScalar;
  size_t actor = 0;
};

unsigned KindBit(const json& kind) {
  if (kind == kinds::kIncident) return tabular::kHxlIncident;
  if (kind == kinds::kMovement) return tabular::kHxlMovement;
  return 0;
}

Cell CellOf(tabular::HxlValue value) {
  switch (value) {
    case tabular::HxlValue::kIdList:
      return Cell::kList;
    case tabular::HxlValue::kCargo:
      return Cell::kJson;
    case tabular::HxlValue::kActor:
      return Cell::kActor;
    default:
      return Cell::kScalar;
  }
}

// "location.admin1" -> {"location", "admin1"}.
std::vector<std::string> PathOf(std::string_view field) {
  std::vector<std::string> path;
  for (size_t dot; (dot = field.find('.')) != std::string_view::npos; field.remove_prefix(dot + 1)) {
    path.emplace_back(field.substr(0, dot));
  }
  path.emplace_back(field);
  return path;
}

// The columns of tabular::LifelineHxlLayout() for these records: the
// envelope always; a kind's columns when a record of that kind is present;
// one #group+name column per actor of the incident that names most (at least
// one when there are incidents: the table says where actors go even when
// none is named).
std::vector<Column> Plan(std::span<const json> records) {
  unsigned present = 0;
  size_t actors = 0;
  for (const json& r : records) {
    const unsigned bit = KindBit(r.at("kind"));
    present |= bit;
    if (bit == tabular::kHxlIncident) {
      const json& a = internal::Member(r, "actors");
      if (a.is_array()) actors = std::max(actors, a.size());
    }
  }
  if (present & tabular::kHxlIncident) actors = std::max<size_t>(actors, 1);

  std::vector<Column> cols;
  for (const tabular::LifelineHxlColumn& c : tabular::LifelineHxlLayout()) {
    if (!c.envelope && (c.kinds & present) == 0) continue;
    Column col{std::string(c.field), std::string(c.hashtag), c.kinds, c.envelope,
               PathOf(c.field), CellOf(c.value)};
    if (col.cell != Cell::kActor) {
      cols.push_back(std::move(col));
      continue;
    }
    for (size_t i = 0; i < actors; ++i) {
      col.header = std::string(c.field) + "[" + std::to_string(i) + "]";
      col.actor = i;
      cols.push_back(col);
    }
  }
  return cols;
}

Result<std::string> CellText(const json& record, const Column& c) {
  if (!c.envelope && (c.kinds & KindBit(record.at("kind"))) == 0) return std::string();
  const json* v = &record;
  for (const std::string& member : c.path) v = &internal::Member(*v, member);
  Result<std::string> text = std::string();
  switch (c.cell) {
    case Cell::kScalar:
      text = internal::ScalarText(*v);
      break;
    case Cell::kList:
      text = internal::ListText(*v);
      break;
    case Cell::kJson:
      if (!v->is_null()) text = record::Canonicalize(*v);
      break;
    case Cell::kActor:
      if (v->is_array() && c.actor < v->size()) text = internal::ScalarText((*v)[c.actor]);
      break;
  }
  if (!text.ok()) return text.status().Annotate(c.header);
  return text;
}

}  // namespace

Result<std::string> WriteHxlCsv(std::span<const json> records, const CsvExportOptions& options) {
  for (size_t i = 0; i < records.size(); ++i) {
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(records[i], i));
  }
  const std::vector<Column> cols = Plan(records);
  std::vector<std::string> headers, hashtags;
  for (const Column& c : cols) {
    headers.push_back(c.header);
    hashtags.push_back(c.hashtag);
  }
  std::string out;
  internal::AppendCsvRow(out, headers, options);
  internal::AppendCsvRow(out, hashtags, options);
  std::vector<std::string> cells;
  for (size_t i = 0; i < records.size(); ++i) {
    cells.clear();
    for (const Column& c : cols) {
      Result<std::string> text = CellText(records[i], c);
      if (!text.ok()) return text.status().Annotate(internal::RecordName(records[i], i));
      cells.push_back(std::move(*text));
    }
    internal::AppendCsvRow(out, cells, options);
  }
  return out;
}

}  // namespace lifeline::exports
