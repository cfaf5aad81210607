// WriteHxlCsv. The hashtags are chosen so that ReadHxlCsv (src/ingest/hxl.h)
// reads an incident back field for field; README.md gives the table and the
// reasons. Two constraints from that reader shape the choice:
//   - it checks every non-empty #date cell as a date, so date-times
//     (`recorded`) are tagged #meta, never #date;
//   - it reads each #org/#group cell as one actor, so actors get one column
//     each rather than a joined cell.
#include <algorithm>
#include <vector>

#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

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
  std::vector<std::string_view> kinds;  // kinds that fill it; empty: every kind
  std::vector<std::string_view> path;   // members from the record down
  Cell cell = Cell::kScalar;
  size_t actor = 0;
};

constexpr std::string_view kIncident = "incident";
constexpr std::string_view kMovement = "movement";

// The column set for these records: the envelope always; a kind's group when
// a record of that kind is present.
std::vector<Column> Plan(std::span<const json> records) {
  bool incidents = false, movements = false;
  size_t actors = 0;
  for (const json& r : records) {
    const json& kind = r.at("kind");
    if (kind == kIncident) {
      incidents = true;
      const json& a = internal::Member(r, "actors");
      if (a.is_array()) actors = std::max(actors, a.size());
    } else if (kind == kMovement) {
      movements = true;
    }
  }
  // At least one actor column when there are incidents: the table says where
  // actors go even when none is named.
  if (incidents) actors = std::max<size_t>(actors, 1);

  std::vector<Column> cols;
  cols.push_back({"id", "#meta+id", {}, {"id"}});
  cols.push_back({"kind", "#meta+kind", {}, {"kind"}});
  std::vector<std::string_view> dated;
  if (incidents) dated.push_back(kIncident);
  if (movements) dated.push_back(kMovement);
  if (!dated.empty()) {
    cols.push_back({"date", "#date+occurred", dated, {"date"}});
    cols.push_back({"date_precision", "#meta+date_precision", dated, {"date_precision"}});
  }
  if (incidents) {
    const std::vector<std::string_view> in = {kIncident};
    cols.push_back({"location.admin1", "#adm1+name", in, {"location", "admin1"}});
    cols.push_back({"location.admin2", "#adm2+name", in, {"location", "admin2"}});
    cols.push_back({"location.admin3", "#adm3+name", in, {"location", "admin3"}});
    cols.push_back({"location.name", "#loc+name", in, {"location", "name"}});
    cols.push_back({"location.country", "#country+code", in, {"location", "country"}});
    cols.push_back({"location.lat", "#geo+lat", in, {"location", "lat"}});
    cols.push_back({"location.lon", "#geo+lon", in, {"location", "lon"}});
    cols.push_back(
        {"location.geo_precision", "#meta+geo_precision", in, {"location", "geo_precision"}});
    cols.push_back({"event_type", "#event+type", in, {"event_type"}});
    cols.push_back({"sub_event_type", "#event+type+sub", in, {"sub_event_type"}});
    cols.push_back({"access_constraint", "#access+code", in, {"access_constraint"}});
    for (size_t i = 0; i < actors; ++i) {
      cols.push_back({"actors[" + std::to_string(i) + "]", "#group+name", in, {"actors"},
                      Cell::kActor, i});
    }
    cols.push_back({"fatalities.best", "#affected+killed", in, {"fatalities", "best"}});
    cols.push_back({"fatalities.low", "#affected+killed+min", in, {"fatalities", "low"}});
    cols.push_back({"fatalities.high", "#affected+killed+max", in, {"fatalities", "high"}});
    cols.push_back({"injuries", "#affected+injured", in, {"injuries"}});
    cols.push_back({"description", "#description", in, {"description"}});
  }
  if (movements) {
    const std::vector<std::string_view> mv = {kMovement};
    cols.push_back({"route", "#meta+route", mv, {"route"}});
    cols.push_back({"direction", "#indicator+direction", mv, {"direction"}});
    cols.push_back({"operator", "#org+operator", mv, {"operator"}});
    cols.push_back({"outcome", "#status+outcome", mv, {"outcome"}});
    cols.push_back({"vehicles", "#indicator+vehicles+num", mv, {"vehicles"}});
    cols.push_back({"persons", "#indicator+persons+num", mv, {"persons"}});
    cols.push_back({"patients", "#indicator+patients+num", mv, {"patients"}});
    cols.push_back({"cargo", "#item+cargo", mv, {"cargo"}, Cell::kJson});
    cols.push_back({"period.from", "#date+start", mv, {"period", "from"}});
    cols.push_back({"period.to", "#date+end", mv, {"period", "to"}});
  }
  cols.push_back({"sources", "#meta+source", {}, {"sources"}, Cell::kList});
  cols.push_back({"case", "#meta+case", {}, {"case"}});
  cols.push_back({"supersedes", "#meta+supersedes", {}, {"supersedes"}});
  cols.push_back({"note", "#meta+note", {}, {"note"}});
  cols.push_back({"recorded", "#meta+recorded", {}, {"recorded"}});
  cols.push_back({"by", "#meta+by", {}, {"by"}});
  return cols;
}

Result<std::string> CellText(const json& record, const Column& c) {
  if (!c.kinds.empty() &&
      std::find(c.kinds.begin(), c.kinds.end(), record.at("kind").get<std::string>()) ==
          c.kinds.end()) {
    return std::string();
  }
  const json* v = &record;
  for (std::string_view member : c.path) v = &internal::Member(*v, member);
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
