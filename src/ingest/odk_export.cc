#include "ingest/odk_export.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/sheet.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

std::string_view ArrayKey(OdkServer server) { return server == OdkServer::kKobo ? "results" : "value"; }

std::string_view ServerName(OdkServer server) {
  return server == OdkServer::kKobo ? "KoBoToolbox data.json" : "ODK Central OData";
}

// The lines (1-based) where the elements of the top-level object's array
// `key` start. `text` must be valid JSON (it was parsed before): the scan
// only tracks strings, nesting and line ends.
std::vector<uint64_t> ElementLines(std::string_view text, std::string_view key) {
  std::vector<uint64_t> lines;
  uint64_t line = 1;
  int depth = 0;
  bool in_array = false, expect = false;
  std::string_view last_string;
  auto element_starts = [&] {
    if (in_array && depth == 2 && expect) {
      lines.push_back(line);
      expect = false;
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') {
      element_starts();
      size_t start = ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (depth == 1) last_string = text.substr(start, i - start);
    } else if (c == '{' || c == '[') {
      element_starts();
      if (c == '[' && depth == 1 && last_string == key) {
        lines.clear();  // a key given twice: the parser keeps the last one
        in_array = expect = true;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 1) in_array = false;
    } else if (c == ',') {
      if (in_array && depth == 2) expect = true;
    } else if (c != ' ' && c != '\t' && c != '\r' && c != ':') {
      element_starts();
    }
  }
  return lines;
}

// A JSON value as the CSV export writes it; nullopt for an object or an
// array holding anything but scalars.
std::optional<std::string> Cell(const json& v) {
  if (v.is_null()) return std::string();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean() || v.is_number()) return v.dump();
  if (!v.is_array()) return std::nullopt;
  std::string joined;
  for (const json& e : v) {
    if (e.is_structured()) return std::nullopt;
    std::optional<std::string> s = Cell(e);
    joined += (joined.empty() ? "" : " ") + *s;
  }
  return joined;
}

bool IsRepeat(const json& v) {
  if (!v.is_array() || v.empty()) return false;
  for (const json& e : v) {
    if (!e.is_object()) return false;
  }
  return true;
}

// A GeoJSON Point, as Central's OData gives a geopoint.
bool IsGeoPoint(const json& v) {
  auto type = v.find("type");
  auto coordinates = v.find("coordinates");
  return type != v.end() && *type == "Point" && coordinates != v.end() && coordinates->is_array() &&
         coordinates->size() >= 2;
}

// ODK Central's `__system` members and the CSV columns that hold them.
constexpr std::pair<std::string_view, std::string_view> kCentralSystem[] = {
    {"submissionDate", "SubmissionDate"},
    {"submitterId", "SubmitterID"},
    {"submitterName", "SubmitterName"},
    {"attachmentsPresent", "AttachmentsPresent"},
    {"attachmentsExpected", "AttachmentsExpected"},
    {"status", "Status"},
    {"reviewState", "ReviewState"},
    {"deviceId", "DeviceID"},
    {"edits", "Edits"},
    {"formVersion", "FormVersion"},
};

// One submission flattened into (column, cell) pairs in the order of its
// keys; errors and warnings go to `out` under the submission's line.
class Flattener {
 public:
  Flattener(uint64_t line, ReadResult& out, std::set<std::string>& repeats_warned)
      : line_(line), out_(out), repeats_warned_(repeats_warned) {}

  void Kobo(const json& row);
  void Central(const json& object, const std::string& prefix);
  bool failed() const { return failed_; }
  std::vector<std::pair<std::string, std::string>>& cells() { return cells_; }

 private:
  void Add(std::string column, std::string cell);
  void Repeat(const std::string& name);
  void Error(const std::string& column, std::string message) {
    out_.errors.push_back({line_, column, std::move(message)});
    failed_ = true;
  }

  uint64_t line_;
  ReadResult& out_;
  std::set<std::string>& repeats_warned_;
  std::vector<std::pair<std::string, std::string>> cells_;
  std::set<std::string> columns_;
  bool failed_ = false;
};

void Flattener::Add(std::string column, std::string cell) {
  if (!columns_.insert(column).second) {
    Error(column, "two keys of this submission make the same CSV column");
    return;
  }
  cells_.emplace_back(std::move(column), std::move(cell));
}

void Flattener::Repeat(const std::string& name) {
  if (repeats_warned_.insert(name).second) {
    out_.warnings.push_back({line_, name,
                             "repeat group left out: the server exports it as a table of its own, "
                             "and a mapping reads the main table"});
  }
}

void Flattener::Kobo(const json& row) {
  for (const auto& [key, value] : row.items()) {
    if (std::optional<std::string> cell = Cell(value)) {
      Add(key, std::move(*cell));
    } else if (key.starts_with('_')) {
      continue;  // structured metadata (_attachments, _validation_status, ...)
    } else if (IsRepeat(value)) {
      Repeat(key);
    } else {
      Error(key, "not a value of a KoBoToolbox export (a string, number or list of them), but " +
                     std::string(value.type_name()));
    }
  }
}

void Flattener::Central(const json& object, const std::string& prefix) {
  for (const auto& [key, value] : object.items()) {
    const std::string column = prefix + key;
    if (prefix.empty() && key == "__id") {
      Add("KEY", Cell(value).value_or(""));
    } else if (prefix.empty() && key == "__system" && value.is_object()) {
      for (const auto& [member, csv_name] : kCentralSystem) {
        auto it = value.find(member);
        if (it != value.end()) Add(std::string(csv_name), Cell(*it).value_or(""));
      }
    } else if (size_t at = key.find("@odata.navigationLink"); at != std::string::npos) {
      Repeat(prefix + key.substr(0, at));
    } else if (std::optional<std::string> cell = Cell(value)) {
      Add(column, std::move(*cell));
    } else if (value.is_object() && IsGeoPoint(value)) {
      const json& c = value["coordinates"];
      Add(column + "-Latitude", c[1].dump());
      Add(column + "-Longitude", c[0].dump());
      Add(column + "-Altitude", c.size() > 2 ? c[2].dump() : "");
      const json* accuracy = value.contains("properties") ? &value["properties"] : nullptr;
      Add(column + "-Accuracy",
          accuracy && accuracy->contains("accuracy") ? Cell((*accuracy)["accuracy"]).value_or("") : "");
    } else if (value.is_object()) {
      Central(value, column + "-");
    } else if (IsRepeat(value)) {
      Repeat(column);
    } else {
      Error(column, "not a value of an ODK Central export, but an array of " +
                        std::string(value.empty() ? "nothing" : value.front().type_name()));
    }
  }
}

// The export's submissions as a Sheet: the header is every column in the
// order first seen; a submission without a column has an empty cell there.
Sheet Flatten(const json& rows, const std::vector<uint64_t>& lines, OdkServer server, ReadResult& out) {
  Sheet sheet;
  sheet.has_header = true;
  sheet.header_line = 1;
  std::map<std::string, size_t> index;
  std::vector<std::pair<uint64_t, std::vector<std::pair<std::string, std::string>>>> flat;
  std::set<std::string> repeats_warned;
  for (size_t i = 0; i < rows.size(); ++i) {
    uint64_t line = i < lines.size() ? lines[i] : 1;
    if (!rows[i].is_object()) {
      out.errors.push_back({line, "(row)", "submission " + std::to_string(i + 1) +
                                               " is not a JSON object but " + rows[i].type_name()});
      continue;
    }
    Flattener f(line, out, repeats_warned);
    if (server == OdkServer::kKobo) {
      f.Kobo(rows[i]);
    } else {
      f.Central(rows[i], "");
    }
    if (f.failed()) continue;
    for (const auto& [column, cell] : f.cells()) {
      if (index.emplace(column, sheet.header.size()).second) sheet.header.push_back(column);
    }
    flat.emplace_back(line, std::move(f.cells()));
  }
  for (auto& [line, cells] : flat) {
    tabular::CsvRecord record{line, std::vector<std::string>(sheet.header.size())};
    for (auto& [column, cell] : cells) record.fields[index[column]] = std::move(cell);
    sheet.rows.push_back(std::move(record));
  }
  return sheet;
}

std::string_view DropBom(std::string_view data) {
  return data.starts_with("\xEF\xBB\xBF") ? data.substr(3) : data;
}

}  // namespace

std::string_view OdkJsonFormatName(OdkServer server) {
  return server == OdkServer::kKobo ? "kobo-json" : "central-json";
}

std::optional<OdkServer> DetectOdkJson(std::string_view data) {
  json doc = json::parse(DropBom(data), nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  for (OdkServer s : {OdkServer::kKobo, OdkServer::kCentral}) {
    auto it = doc.find(ArrayKey(s));
    if (it != doc.end() && it->is_array()) return s;
  }
  return std::nullopt;
}

ReadResult ReadOdkJsonWithMapping(std::string_view data, OdkServer server, const Mapping& mapping,
                                  const ImportOptions& options) {
  ReadResult out;
  data = DropBom(data);
  json doc = json::parse(data, nullptr, false);
  const std::string key(ArrayKey(server));
  if (doc.is_discarded()) {
    out.errors.push_back({1, "(file)", "not JSON, so not a " + std::string(ServerName(server)) + " export"});
    return out;
  }
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array()) {
    out.errors.push_back({1, "(file)", "not a " + std::string(ServerName(server)) +
                                           " export: wanted an object with a \"" + key + "\" array"});
    return out;
  }
  Sheet sheet = Flatten(doc[key], ElementLines(data, key), server, out);
  MapSheet(sheet, mapping, options, /*require_columns=*/false, out);
  SortDiagnostics(out);
  return out;
}

}  // namespace lifeline::ingest
