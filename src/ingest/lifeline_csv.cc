#include "ingest/lifeline_csv.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/kinds.h"
#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/jsonl.h"
#include "ingest/sheet.h"
#include "tabular/lifeline_csv.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using tabular::CsvCell;
using tabular::CsvColumn;

struct Recognised {
  std::string kind;
  const std::vector<CsvColumn>* layout;
};

// The kind whose columns the header holds exactly (any order), in today's
// layout, version 2's before date_window or version 1's, or an error that names the nearest kind's missing
// and unknown columns.
Result<Recognised> RecogniseKind(const std::vector<std::string>& header) {
  const std::set<std::string> have(header.begin(), header.end());
  for (const tabular::LifelineCsvLayouts* layouts : tabular::LifelineCsvLayoutHistory()) {
    for (const auto& [kind, layout] : *layouts) {
      std::set<std::string> want;
      for (const CsvColumn& c : layout) want.insert(c.name);
      if (want == have) return Recognised{kind, &layout};
    }
  }
  std::string nearest;
  size_t nearest_common = 0;
  for (const std::string& kind : tabular::LifelineCsvKinds()) {
    std::set<std::string> want;
    for (const CsvColumn& c : tabular::LifelineCsvLayout(kind)) want.insert(c.name);
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
  for (const CsvColumn& c : tabular::LifelineCsvLayout(nearest)) {
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
    case CsvCell::kJsonValue: return ParseJsonStrictly(cell);
  }
  return InternalError("unknown cell type");
}

}  // namespace

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
    if (*kind != kinds::kCase && !options.case_id.empty()) {
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
