#include "ingest/lifeline_csv.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/jsonl.h"
#include "ingest/sheet.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

// One field of a kind: a column, or an object with a column per member.
struct FieldSpec {
  std::string_view name;
  CsvCell cell = CsvCell::kText;
  std::vector<std::pair<std::string_view, CsvCell>> members = {};  // an object when not empty
  bool required_object = false;
  // The layout that added the field: 1 and 2 are schema versions 1 and 2,
  // kDateWindowLayout is version 2 with the case's date_window (added later
  // to version 2; exports written before it still read back).
  int since = 1;
};

using C = CsvCell;

constexpr int kDateWindowLayout = 3;

const std::vector<std::pair<std::string_view, CsvCell>>& LocationMembers() {
  static const std::vector<std::pair<std::string_view, CsvCell>> members = {
      {"name", C::kText},    {"admin1", C::kText}, {"admin2", C::kText},
      {"admin3", C::kText},  {"country", C::kText}, {"lat", C::kNumber},
      {"lon", C::kNumber},   {"geo_precision", C::kInteger}};
  return members;
}

// The kinds' fields in the order of the schema tables in
// src/record/schema.cc, which keeps them private; export_test checks this
// table against record::JsonSchema() (names and types), so that a schema
// change cannot be missed.
const std::vector<std::pair<std::string_view, std::vector<FieldSpec>>>& KindTable() {
  static const std::vector<std::pair<std::string_view, std::vector<FieldSpec>>> kinds = {
      {"case",
       {{"title"}, {"region"}, {"country"}, {"started"}, {"ended"}, {"population", C::kJson},
        {"displaced", C::kJson}, {"public", C::kBoolean}, {"lifeline_routes", C::kList, {}, false, 2},
        {"parties", C::kList, {}, false, 2}, {"dependency", C::kJson, {}, false, 2},
        {"discrepancy_tolerance", C::kNumber, {}, false, 2},
        {"date_window", C::kText, {{"from", C::kText}, {"until", C::kText}}, false, kDateWindowLayout}}},
      {"source",
       {{"publisher"}, {"title"}, {"url"}, {"published"}, {"language"}, {"publisher_type"},
        {"party"}, {"reliability"}, {"credibility", C::kInteger}, {"archived_sha256"}}},
      {"evidence",
       {{"sha256"}, {"media_type"}, {"size", C::kInteger}, {"captured_at"},
        {"location", C::kText, LocationMembers()}, {"description"}, {"file_name"},
        {"custody", C::kJson}}},
      {"route", {{"name"}, {"type"}, {"from"}, {"to"}, {"path", C::kJson}, {"description"}}},
      {"route_status",
       {{"route"}, {"from"}, {"until"}, {"status"}, {"restricted", C::kList}, {"imposed_by"},
        {"directions", C::kList, {}, false, 2}, {"controls", C::kText, {}, false, 2}}},
      {"baseline",
       {{"route"},
        {"period", C::kText, {{"from", C::kText}, {"to", C::kText}}, true},
        {"per_day", C::kText,
         {{"vehicles", C::kNumber}, {"persons", C::kNumber}, {"patients", C::kNumber},
          {"cargo", C::kJson}},
         true},
        {"directions", C::kList, {}, false, 2}}},
      {"movement",
       {{"route"}, {"date"}, {"date_precision"}, {"direction"}, {"operator"}, {"outcome"},
        {"vehicles", C::kInteger}, {"persons", C::kInteger}, {"patients", C::kInteger},
        {"cargo", C::kJson}, {"period", C::kText, {{"from", C::kText}, {"to", C::kText}}},
        {"qualifier", C::kText, {}, false, 2}, {"reported_by", C::kText, {}, false, 2}}},
      {"incident",
       {{"date"}, {"date_precision"}, {"location", C::kText, LocationMembers(), true},
        {"event_type"}, {"sub_event_type"}, {"access_constraint", C::kInteger},
        {"actors", C::kList},
        {"fatalities", C::kText,
         {{"low", C::kInteger}, {"best", C::kInteger}, {"high", C::kInteger}}},
        {"injuries", C::kInteger}, {"description"}, {"cause", C::kText, {}, false, 2},
        {"casualties", C::kJson, {}, false, 2}}},
      {"outage",
       {{"utility"}, {"from"}, {"until"}, {"area"}, {"cause"}, {"attributed_to"}, {"scope", C::kText, {}, false, 2},
        {"confirmed_until", C::kText, {}, false, 2}}},
      {"schedule",
       {{"utility"}, {"from"}, {"until"}, {"hours_off_per_day", C::kNumber}, {"area"}, {"confirmed_until"}}},
      {"obligation",
       {{"instrument"}, {"title"}, {"issued"}, {"issuer"}, {"binding_on", C::kList}, {"text"},
        {"rule", C::kText,
         {{"type", C::kText}, {"route", C::kText}, {"for", C::kList}, {"directions", C::kList},
          {"from", C::kText}, {"until", C::kText}},
         true}}},
      {"need_standard", {{"commodity"}, {"quantity", C::kNumber}, {"unit"}, {"basis"}, {"equivalents", C::kJson}}},
      {"stock", {{"commodity"}, {"date"}, {"quantity", C::kNumber}, {"unit"}, {"area"}}},
      {"watch", {{"route"}, {"from"}, {"to"}, {"directions", C::kList}, {"measures", C::kList}}},
      {"requirement",
       {{"measure"}, {"commodity"}, {"quantity", C::kNumber}, {"unit"}, {"per"}, {"routes", C::kList},
        {"from"}, {"until"}, {"basis"}}},
      {"claim", {{"about"}, {"stance"}, {"party"}, {"text"}}},
      {"retraction", {{"retracts"}, {"reason"}}},
  };
  return kinds;
}

const std::vector<FieldSpec>& Envelope() {
  static const std::vector<FieldSpec> fields = {{"id"},   {"case"},     {"sources", C::kList},
                                                {"supersedes"}, {"note"}, {"recorded"},
                                                {"by"}};
  return fields;
}

// The columns of `fields` that exist in schema version `version`.
void AppendColumns(const std::vector<FieldSpec>& fields, int version, std::vector<CsvColumn>& out) {
  for (const FieldSpec& f : fields) {
    if (f.since > version) continue;
    if (f.members.empty()) {
      out.push_back({std::string(f.name), "", std::string(f.name), f.cell, false});
      continue;
    }
    for (const auto& [member, cell] : f.members) {
      out.push_back({std::string(f.name) + "." + std::string(member), std::string(f.name),
                     std::string(member), cell, f.required_object});
    }
  }
}

using LayoutMap = std::map<std::string, std::vector<CsvColumn>, std::less<>>;

// The layouts of every kind in schema version `version` (a kind added later
// has none in an earlier version).
LayoutMap MakeLayouts(int version) {
  LayoutMap m;
  for (const auto& [kind, fields] : KindTable()) {
    if (version < 2 && (kind == "schedule" || kind == "watch" || kind == "requirement")) continue;  // added in v2
    std::vector<CsvColumn>& columns = m[std::string(kind)];
    AppendColumns(Envelope(), version, columns);
    AppendColumns(fields, version, columns);
  }
  return m;
}

// Today's layouts (what the export writes).
const LayoutMap& Layouts() {
  static const LayoutMap layouts = MakeLayouts(kDateWindowLayout);
  return layouts;
}

// The layouts of version 2 exports written before date_window existed.
const LayoutMap& LayoutsV2() {
  static const LayoutMap layouts = MakeLayouts(2);
  return layouts;
}

// The layouts of version 1 exports, which still read back.
const LayoutMap& LayoutsV1() {
  static const LayoutMap layouts = MakeLayouts(1);
  return layouts;
}

struct Recognised {
  std::string kind;
  const std::vector<CsvColumn>* layout;
};

// The kind whose columns the header holds exactly (any order), in today's
// layout, version 2's before date_window or version 1's, or an error that names the nearest kind's missing
// and unknown columns.
Result<Recognised> RecogniseKind(const std::vector<std::string>& header) {
  const std::set<std::string> have(header.begin(), header.end());
  for (const LayoutMap* layouts : {&Layouts(), &LayoutsV2(), &LayoutsV1()}) {
    for (const auto& [kind, layout] : *layouts) {
      std::set<std::string> want;
      for (const CsvColumn& c : layout) want.insert(c.name);
      if (want == have) return Recognised{kind, &layout};
    }
  }
  std::string nearest;
  size_t nearest_common = 0;
  for (const std::string& kind : LifelineCsvKinds()) {
    std::set<std::string> want;
    for (const CsvColumn& c : LifelineCsvLayout(kind)) want.insert(c.name);
    size_t common = 0;
    for (const std::string& h : have) common += want.count(h);
    // Only kind columns tell kinds apart: the envelope is common to all.
    if (common > nearest_common) {
      nearest_common = common;
      nearest = kind;
    }
  }
  const size_t envelope = 7;
  if (nearest_common <= envelope) {
    return InvalidArgumentError(
        "not the header of a Lifeline CSV export (lifeline export --format csv --kind K): its "
        "columns are those of no record kind; for other CSV layouts give --mapping FILE.toml");
  }
  std::string missing, unknown;
  std::set<std::string> want;
  for (const CsvColumn& c : LifelineCsvLayout(nearest)) {
    want.insert(c.name);
    if (!have.count(c.name)) missing += (missing.empty() ? "" : ", ") + c.name;
  }
  for (const std::string& h : header) {
    if (!want.count(h)) unknown += (unknown.empty() ? "" : ", ") + Quote(h);
  }
  std::string m = "the columns are nearly those of a Lifeline CSV export of " + nearest +
                  " records, but";
  if (!missing.empty()) m += " lack " + missing;
  if (!missing.empty() && !unknown.empty()) m += " and";
  if (!unknown.empty()) m += " have unknown columns " + unknown;
  return InvalidArgumentError(m + " (every column of the export is needed to read it back)");
}

bool IsJsonInteger(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The value of one non-empty cell, or an error message.
Result<json> ReadCell(const CsvColumn& column, std::string_view cell) {
  if (column.cell != CsvCell::kText && column.cell != CsvCell::kList && tabular::Trim(cell) != cell) {
    return InvalidArgumentError("whitespace around the value: " + Quote(cell));
  }
  switch (column.cell) {
    case CsvCell::kText:
      return json(cell);
    case CsvCell::kInteger: {
      // Digits only: "3.0" or "3e0" would be a float in the record, and a
      // count that came back as 3.0 would change the record's bytes.
      if (!IsJsonInteger(cell)) return InvalidArgumentError("not an integer: " + Quote(cell));
      Result<json> n = ParseJsonStrictly(cell);
      if (!n.ok() || !(n->is_number_integer() || n->is_number_unsigned())) {
        return InvalidArgumentError("integer out of range: " + Quote(cell));
      }
      return n;
    }
    case CsvCell::kNumber: {
      // JSON's number grammar, parsed as the log parses its entries, so that
      // the value (and whether it is integral) is the one the writer wrote.
      Result<json> n = ParseJsonStrictly(cell);
      if (!n.ok() || !n->is_number()) return InvalidArgumentError("not a number: " + Quote(cell));
      if (n->is_number_float() && !std::isfinite(n->get<double>())) {
        return InvalidArgumentError("number out of range: " + Quote(cell));
      }
      return n;
    }
    case CsvCell::kBoolean:
      if (cell == "true") return json(true);
      if (cell == "false") return json(false);
      return InvalidArgumentError("not true or false: " + Quote(cell));
    case CsvCell::kList: {
      if (cell.starts_with('[')) {
        Result<json> a = ParseJsonStrictly(cell);
        if (!a.ok()) {
          return InvalidArgumentError("a cell starting with '[' is a JSON array of strings: " +
                                      a.status().message());
        }
        if (!a->is_array() ||
            !std::all_of(a->begin(), a->end(), [](const json& e) { return e.is_string(); })) {
          return InvalidArgumentError("wanted a JSON array of strings, not " + Quote(cell));
        }
        return a;
      }
      json list = json::array();
      size_t start = 0;
      for (size_t i = 0; i <= cell.size(); ++i) {
        if (i == cell.size() || cell[i] == ';') {
          list.push_back(std::string(cell.substr(start, i - start)));
          start = i + 1;
        }
      }
      return list;
    }
    case CsvCell::kJson: {
      Result<json> a = ParseJsonStrictly(cell);
      if (!a.ok()) return a.status();
      if (!a->is_array()) return InvalidArgumentError("wanted a JSON array, not " + Quote(cell));
      return a;
    }
  }
  return InternalError("unknown cell type");
}

}  // namespace

const std::vector<CsvColumn>& LifelineCsvLayout(std::string_view kind) {
  static const std::vector<CsvColumn> kNone;
  auto it = Layouts().find(kind);
  return it == Layouts().end() ? kNone : it->second;
}

const std::vector<std::string>& LifelineCsvKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (const auto& [kind, fields] : KindTable()) k.emplace_back(kind);
    return k;
  }();
  return kinds;
}

ReadResult ReadLifelineCsv(std::string_view data, const ImportOptions& options,
                           const LifelineCsvOptions& csv_options) {
  ReadResult out;
  Sheet sheet = ReadSheet(data, out);
  if (!sheet.has_header) {
    SortDiagnostics(out);
    return out;
  }
  Result<Recognised> recognised = RecogniseKind(sheet.header);
  if (!recognised.ok()) {
    out.errors.push_back({sheet.header_line, "(header)", recognised.status().message()});
    SortDiagnostics(out);
    return out;
  }
  const std::string* kind = &recognised->kind;
  const std::vector<CsvColumn>& layout = *recognised->layout;
  std::vector<size_t> index;  // layout position -> sheet column
  for (const CsvColumn& c : layout) index.push_back(*sheet.Find(c.name));

  std::map<std::string, uint64_t, std::less<>> ids;
  for (const tabular::CsvRecord& row : sheet.rows) {
    RowCells cells(sheet, row, out);
    json r = {{"kind", *kind}};
    for (size_t i = 0; i < layout.size(); ++i) {
      const CsvColumn& c = layout[i];
      // Raw, not RowCells::Get: text keeps its surrounding whitespace.
      const std::string_view cell = row.fields[index[i]];
      if (c.object_required && !r.contains(c.object)) r[c.object] = json::object();
      if (cell.empty()) continue;
      if ((c.name == "recorded" || c.name == "by") && !csv_options.keep_stamps) continue;
      Result<json> value = ReadCell(c, cell);
      if (!value.ok()) {
        cells.Error(c.name, value.status().message());
        continue;
      }
      if (c.object.empty()) {
        r[c.member] = std::move(*value);
      } else {
        r[c.object][c.member] = std::move(*value);
      }
    }
    const std::string_view id = row.fields[index[0]];
    if (id.empty()) {
      cells.Error("id", "empty: every row of a Lifeline CSV export has its record's id");
    } else if (auto [it, fresh] = ids.emplace(std::string(id), row.line); !fresh) {
      cells.Error("id", "the id " + Quote(id) + " is also at line " + std::to_string(it->second) +
                            ": ids are unique in a log");
    }
    if (*kind != "case" && !options.case_id.empty()) {
      auto c = r.find("case");
      if (c == r.end()) {
        r["case"] = options.case_id;
      } else if (*c != options.case_id) {
        cells.Error("case", "the record belongs to case " + Quote(c->get<std::string>()) +
                                ", the import is into case " + Quote(options.case_id));
      }
    }
    if (!cells.failed()) out.rows.push_back({row.line, std::move(r)});
  }
  SortDiagnostics(out);
  return out;
}

}  // namespace lifeline::ingest
