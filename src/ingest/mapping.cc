#include "ingest/mapping.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "base/kinds.h"
#include "config/toml_fields.h"
#include "ingest/build.h"
#include "ingest/fields.h"
#include "ingest/sheet.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;

// Fields a mapping may not set: the envelope that the mapping's own keys or
// Lifeline set.
constexpr std::string_view kReservedFields[] = {"kind", "id", "case", "recorded", "by"};

// Errors name the mapping file, the line and the key: "map.toml:14:
// columns[2].type: ...", or no line for the file as a whole (line 0).
using config::LineOf;
using config::TomlErrors;

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

Result<json> TomlToJson(const toml::node& node) {
  if (const auto* s = node.as_string()) return json(s->get());
  if (const auto* i = node.as_integer()) return json(i->get());
  if (const auto* f = node.as_floating_point()) {
    if (!std::isfinite(f->get())) return InvalidArgumentError("nan and inf are not JSON numbers");
    return json(f->get());
  }
  if (const auto* b = node.as_boolean()) return json(b->get());
  if (const auto* d = node.as_date()) {
    const toml::date& v = d->get();
    if (!IsValidDate(v.year, v.month, v.day)) return InvalidArgumentError("invalid date");
    return json(FormatDate({v.year, v.month, v.day}));
  }
  if (const auto* dt = node.as_date_time()) {
    const toml::date_time& v = dt->get();
    if (!v.offset) {
      return InvalidArgumentError("a date-time needs an offset (e.g. Z or +02:00)");
    }
    std::string s = FormatDate({v.date.year, v.date.month, v.date.day}) + "T" +
                    TwoDigits(v.time.hour) + ":" + TwoDigits(v.time.minute) + ":" +
                    TwoDigits(v.time.second);
    int off = v.offset->minutes;
    if (off == 0) {
      s += "Z";
    } else {
      s += off < 0 ? "-" : "+";
      off = std::abs(off);
      s += TwoDigits(off / 60) + ":" + TwoDigits(off % 60);
    }
    return json(s);
  }
  if (node.is_time()) return InvalidArgumentError("a time of day alone is not a record value");
  if (const auto* a = node.as_array()) {
    json out = json::array();
    for (const toml::node& e : *a) {
      auto v = TomlToJson(e);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return out;
  }
  if (const auto* t = node.as_table()) {
    json out = json::object();
    for (auto&& [k, v] : *t) {
      auto j = TomlToJson(v);
      if (!j.ok()) return j.status();
      out[std::string(k.str())] = std::move(*j);
    }
    return out;
  }
  return InvalidArgumentError("unsupported TOML value");
}

bool IsPrefix(const FieldPath& a, const FieldPath& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The path up to and including its last array index; empty when none.
FieldPath ElementPrefix(const FieldPath& p) {
  for (size_t i = p.size(); i > 0; --i) {
    if (std::holds_alternative<size_t>(p[i - 1])) return FieldPath(p.begin(), p.begin() + i);
  }
  return {};
}

Result<ValueType> ParseType(std::string_view t) {
  if (t == "string") return ValueType::kString;
  if (t == "integer") return ValueType::kInteger;
  if (t == "number") return ValueType::kNumber;
  if (t == "date") return ValueType::kDate;
  if (t == "boolean") return ValueType::kBoolean;
  if (t == "list") return ValueType::kList;
  if (t == "lines") return ValueType::kLines;
  return InvalidArgumentError("unknown type " + Quote(t) +
                              " (string, integer, number, date, boolean, list, lines)");
}

constexpr std::string_view kFilters[] = {"slug", "lower", "upper", "trim", "uuid"};

template <size_t N>
bool OneOf(std::string_view s, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

Result<std::vector<IdPart>> ParseIdTemplate(std::string_view t) {
  std::vector<IdPart> parts;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) {
      parts.push_back({IdPart::Kind::kText, text, {}, {}});
      text.clear();
    }
  };
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '{' && i + 1 < t.size() && t[i + 1] == '{') {
      text.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < t.size() && t[i + 1] == '}') {
      text.push_back('}');
      ++i;
    } else if (c == '}') {
      return InvalidArgumentError("'}' without '{' (write '}}' for a brace)");
    } else if (c == '{') {
      size_t close = t.find('}', i);
      if (close == std::string_view::npos) return InvalidArgumentError("'{' is never closed");
      std::string_view inner = t.substr(i + 1, close - i - 1);
      i = close;
      flush();
      IdPart part;
      std::vector<std::string> pieces;
      size_t start = 0;
      for (size_t k = 0; k <= inner.size(); ++k) {
        if (k == inner.size() || inner[k] == '|') {
          pieces.emplace_back(tabular::Trim(inner.substr(start, k - start)));
          start = k + 1;
        }
      }
      std::string_view ref = pieces.front();
      if (ref.empty()) return InvalidArgumentError("empty placeholder {}");
      if (ref == "$line") {
        part.kind = IdPart::Kind::kLine;
      } else if (ref.front() == '$') {
        return InvalidArgumentError("unknown placeholder " + Quote(ref) + " (only {$line})");
      } else if (ref.front() == '@') {
        part.kind = IdPart::Kind::kField;
        auto p = ParseFieldPath(ref.substr(1));
        if (!p.ok()) return p.status();
        part.field = *p;
      } else {
        part.kind = IdPart::Kind::kColumn;
      }
      part.text = std::string(part.kind == IdPart::Kind::kField ? ref.substr(1) : ref);
      for (size_t k = 1; k < pieces.size(); ++k) {
        if (!OneOf(pieces[k], kFilters)) {
          return InvalidArgumentError("unknown filter " + Quote(pieces[k]) +
                                      " (slug, lower, upper, trim, uuid)");
        }
        part.filters.push_back(pieces[k]);
      }
      parts.push_back(std::move(part));
    } else {
      text.push_back(c);
    }
  }
  flush();
  if (parts.empty()) return InvalidArgumentError("empty id template");
  return parts;
}

Result<std::vector<std::string>> StringList(const toml::node& node) {
  std::vector<std::string> out;
  if (const auto* s = node.as_string()) {
    out.push_back(s->get());
    return out;
  }
  const auto* a = node.as_array();
  if (a == nullptr) return InvalidArgumentError("wanted a string or an array of strings");
  for (const toml::node& e : *a) {
    const auto* s = e.as_string();
    if (s == nullptr) return InvalidArgumentError("wanted an array of strings");
    out.push_back(s->get());
  }
  return out;
}

Status CheckFieldPath(const FieldPath& p) {
  const auto* first = std::get_if<std::string>(&p.front());
  if (first == nullptr) return InvalidArgumentError("a field path starts with a name");
  for (std::string_view r : kReservedFields) {
    if (*first == r) {
      return InvalidArgumentError(Quote(r) +
                                  " cannot be set here (kind and id have their own keys; "
                                  "case, recorded and by are not the submitter's)");
    }
  }
  return Status::Ok();
}

Result<ColumnRule> ParseColumnRule(const toml::table& t, const TomlErrors& err,
                                   const std::string& where) {
  ColumnRule rule;
  rule.mapping_line = LineOf(t);
  static constexpr std::string_view kKeys[] = {"column",   "field",   "type",   "format",
                                               "required", "default", "values", "scale"};
  for (auto&& [k, v] : t) {
    if (!OneOf(k.str(), kKeys)) {
      return err.At(LineOf(v), where + "." + std::string(k.str()),
                    "unknown key (column, field, type, format, required, default, values, "
                    "scale)");
    }
  }
  const auto* column = t["column"].as_string();
  if (column == nullptr || tabular::Trim(column->get()).empty()) {
    return err.At(rule.mapping_line, where + ".column", "required: the header name to read");
  }
  rule.column = std::string(tabular::Trim(column->get()));
  const auto* field = t["field"].as_string();
  if (field == nullptr) {
    return err.At(rule.mapping_line, where + ".field", "required: the field path to fill");
  }
  auto path = ParseFieldPath(field->get());
  if (!path.ok()) return err.At(LineOf(*field), where + ".field", path.status().message());
  if (Status s = CheckFieldPath(*path); !s.ok()) {
    return err.At(LineOf(*field), where + ".field", s.message());
  }
  rule.field = *path;
  if (auto type = t["type"]; type) {
    const auto* s = type.as_string();
    if (s == nullptr) return err.At(LineOf(*type.node()), where + ".type", "wanted a string");
    auto vt = ParseType(s->get());
    if (!vt.ok()) return err.At(LineOf(*s), where + ".type", vt.status().message());
    rule.type = *vt;
  }
  if (auto format = t["format"]; format) {
    if (rule.type != ValueType::kDate) {
      return err.At(LineOf(*format.node()), where + ".format", "only for type = \"date\"");
    }
    auto list = StringList(*format.node());
    if (!list.ok() || list->empty()) {
      return err.At(LineOf(*format.node()), where + ".format",
                    "wanted a date format string or an array of them");
    }
    for (const std::string& f : *list) {
      // Each format must pin down a whole date.
      bool has_year = f.find("%Y") != std::string::npos || f.find("%y") != std::string::npos;
      bool has_month = f.find("%m") != std::string::npos || f.find("%B") != std::string::npos ||
                       f.find("%b") != std::string::npos;
      bool has_day = f.find("%d") != std::string::npos || f.find("%e") != std::string::npos;
      if (!has_year || !has_month || !has_day) {
        return err.At(LineOf(*format.node()), where + ".format",
                      "date format " + Quote(f) + " lacks a year, month or day directive");
      }
    }
    rule.date_formats = *list;
  } else if (rule.type == ValueType::kDate) {
    rule.date_formats = {"%Y-%m-%d"};
  }
  if (auto required = t["required"]; required) {
    const auto* b = required.as_boolean();
    if (b == nullptr) return err.At(LineOf(*required.node()), where + ".required", "wanted true or false");
    rule.required = b->get();
  }
  if (auto def = t["default"]; def) {
    auto j = TomlToJson(*def.node());
    if (!j.ok()) return err.At(LineOf(*def.node()), where + ".default", j.status().message());
    rule.default_value = *j;
  }
  if (auto values = t["values"]; values) {
    const auto* table = values.as_table();
    if (table == nullptr || table->empty()) {
      return err.At(LineOf(*values.node()), where + ".values",
                    "wanted a table of cell value = field value");
    }
    if (t.contains("type") && rule.type != ValueType::kString) {
      return err.At(LineOf(*values.node()), where + ".values",
                    "a value table gives the field's values itself: leave out type");
    }
    for (auto&& [k, v] : *table) {
      auto j = TomlToJson(v);
      if (!j.ok()) return err.At(LineOf(v), where + ".values", j.status().message());
      rule.values.emplace_back(std::string(k.str()), std::move(*j));
    }
  }
  if (auto scale = t["scale"]; scale) {
    if (rule.type != ValueType::kNumber) {
      return err.At(LineOf(*scale.node()), where + ".scale", "only for type = \"number\"");
    }
    std::optional<double> s = scale.value<double>();
    if (!s || !std::isfinite(*s) || *s == 0) {
      return err.At(LineOf(*scale.node()), where + ".scale", "wanted a non-zero number");
    }
    rule.scale = *s;
  }
  return rule;
}

// --- Reading rows -----------------------------------------------------------

void SetPath(json& root, const FieldPath& path, json value) {
  json* cur = &root;
  for (const auto& seg : path) {
    if (const auto* key = std::get_if<std::string>(&seg)) {
      if (!cur->is_object()) *cur = json::object();
      cur = &(*cur)[*key];
    } else {
      size_t index = std::get<size_t>(seg);
      if (!cur->is_array()) *cur = json::array();
      while (cur->size() <= index) cur->push_back(nullptr);
      cur = &(*cur)[index];
    }
  }
  *cur = std::move(value);
}

const json* GetPath(const json& root, const FieldPath& path) {
  const json* cur = &root;
  for (const auto& seg : path) {
    if (const auto* key = std::get_if<std::string>(&seg)) {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(*key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      size_t index = std::get<size_t>(seg);
      if (!cur->is_array() || index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    }
  }
  return cur;
}

// Array elements that no rule filled are left as null by SetPath: drop them.
void DropNullElements(json& v) {
  if (v.is_array()) {
    json kept = json::array();
    for (json& e : v) {
      if (e.is_null()) continue;
      DropNullElements(e);
      kept.push_back(std::move(e));
    }
    v = std::move(kept);
  } else if (v.is_object()) {
    for (auto& [k, e] : v.items()) DropNullElements(e);
  }
}

std::string ApplyFilters(std::string s, const std::vector<std::string>& filters) {
  for (const std::string& f : filters) {
    if (f == "slug") {
      s = Slug(s);
    } else if (f == "lower") {
      s = AsciiLower(s);
    } else if (f == "upper") {
      for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    } else if (f == "trim") {
      s = std::string(tabular::Trim(s));
    } else if (f == "uuid") {
      if (s.size() >= 5 && AsciiLower(s.substr(0, 5)) == "uuid:") s.erase(0, 5);
      s = AsciiLower(s);
    }
  }
  return s;
}

// XML whitespace, which separates the terms of an ODK select_multiple.
bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The cell converted for the rule; nullopt (with an error) when it cannot be.
std::optional<json> Convert(const ColumnRule& rule, std::string_view cell, RowCells& cells) {
  if (!rule.values.empty()) {
    for (const auto& [k, v] : rule.values) {
      if (k == cell) return v;
    }
    std::string known;
    for (const auto& [k, v] : rule.values) known += (known.empty() ? "" : ", ") + Quote(k);
    cells.Error(rule.column, "not one of the mapped values (" + known + "): " + Quote(cell));
    return std::nullopt;
  }
  switch (rule.type) {
    case ValueType::kString:
      return json(cell);
    case ValueType::kInteger: {
      auto n = ParseInteger(cell);
      if (!n.ok()) {
        cells.Error(rule.column, n.status().message());
        return std::nullopt;
      }
      return json(*n);
    }
    case ValueType::kNumber: {
      auto n = ParseNumber(cell);
      if (!n.ok()) {
        cells.Error(rule.column, n.status().message());
        return std::nullopt;
      }
      double v = *n * rule.scale.value_or(1.0);
      if (!std::isfinite(v)) {
        cells.Error(rule.column, "number out of range after scaling: " + Quote(cell));
        return std::nullopt;
      }
      return json(v);
    }
    case ValueType::kDate: {
      std::string last;
      for (const std::string& f : rule.date_formats) {
        auto d = ParseDateWithFormat(cell, f);
        if (d.ok()) return json(FormatDate(*d));
        last = d.status().message();
        if (last.starts_with("no such date")) break;
      }
      if (rule.date_formats.size() > 1 && !last.starts_with("no such date")) {
        std::string forms;
        for (const std::string& f : rule.date_formats) forms += (forms.empty() ? "" : ", ") + Quote(f);
        last = "not a date in any of the forms " + forms + ": " + Quote(cell);
      }
      cells.Error(rule.column, last);
      return std::nullopt;
    }
    case ValueType::kList: {
      json terms = json::array();
      size_t i = 0;
      while (i < cell.size()) {
        while (i < cell.size() && IsJsonSpace(cell[i])) ++i;
        size_t start = i;
        while (i < cell.size() && !IsJsonSpace(cell[i])) ++i;
        if (i > start) terms.push_back(std::string(cell.substr(start, i - start)));
      }
      return terms;
    }
    case ValueType::kLines: {  // an ODK multiline text list: one item a line
      json items = json::array();
      for (size_t start = 0; start <= cell.size();) {
        size_t end = std::min(cell.find_first_of("\r\n", start), cell.size());
        std::string_view line = cell.substr(start, end - start);
        if (line.find_first_not_of(" \t") != std::string_view::npos) items.push_back(std::string(line));
        start = end + 1;
      }
      return items;
    }
    case ValueType::kBoolean: {
      std::string l = AsciiLower(cell);
      if (l == "true" || l == "yes" || l == "1") return json(true);
      if (l == "false" || l == "no" || l == "0") return json(false);
      cells.Error(rule.column, "not a boolean (true/false, yes/no, 1/0): " + Quote(cell));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<FieldPath> ParseFieldPath(std::string_view text) {
  FieldPath path;
  size_t i = 0;
  const size_t n = text.size();
  if (n == 0) return InvalidArgumentError("empty field path");
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("bad field path " + Quote(text) + ": " + std::string(why));
  };
  while (i < n) {
    size_t start = i;
    while (i < n && text[i] != '.' && text[i] != '[') {
      char c = text[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_';
      if (!ok) return bad("names are letters, digits and '_'");
      ++i;
    }
    if (i == start) return bad("a name is missing");
    path.emplace_back(std::string(text.substr(start, i - start)));
    while (i < n && text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return bad("'[' is never closed");
      std::string_view digits = text.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 4 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return bad("an index is 0 to 9999");
      }
      path.emplace_back(static_cast<size_t>(std::stoul(std::string(digits))));
      i = close + 1;
    }
    if (i < n) {
      if (text[i] != '.') return bad("wanted '.' or '[' after ']'");
      ++i;
      if (i == n) return bad("ends with '.'");
    }
  }
  return path;
}

std::string FormatFieldPath(const FieldPath& path) {
  std::string out;
  for (const auto& seg : path) {
    if (const auto* key = std::get_if<std::string>(&seg)) {
      if (!out.empty()) out += ".";
      out += *key;
    } else {
      out += "[" + std::to_string(std::get<size_t>(seg)) + "]";
    }
  }
  return out;
}

namespace {

using Targets = std::vector<std::pair<FieldPath, std::string>>;  // field set, by which rule

// version, kind, id, header_row and source.
Status ParseMappingHead(const toml::table& root, const TomlErrors& err, Mapping* m) {
  static constexpr std::string_view kTopKeys[] = {
      "version", "kind", "id", "header_row", "delimiter", "source", "constants", "columns", "skip"};
  for (auto&& [k, v] : root) {
    if (!OneOf(k.str(), kTopKeys)) {
      return err.At(LineOf(v), k.str(),
                    "unknown key (version, kind, id, header_row, delimiter, source, constants, "
                    "columns, skip)");
    }
  }
  if (auto version = root["version"]; version) {
    if (version.value<int64_t>() != 1) {
      return err.At(LineOf(*version.node()), "version", "only version 1 exists");
    }
  }
  const auto* kind = root["kind"].as_string();
  if (kind == nullptr) return err.At(0, "kind", "required: the kind of record each row becomes");
  m->kind = kind->get();
  if (std::find(kinds::kAll.begin(), kinds::kAll.end(), m->kind) == kinds::kAll.end()) {
    return err.At(LineOf(*kind), "kind", "not a record kind of docs/records.md: " + Quote(m->kind));
  }
  const auto* id = root["id"].as_string();
  if (id == nullptr) return err.At(0, "id", "required: the id template, e.g. \"x-{date|slug}\"");
  m->id_template = id->get();
  auto parts = ParseIdTemplate(m->id_template);
  if (!parts.ok()) return err.At(LineOf(*id), "id", parts.status().message());
  m->id_parts = std::move(*parts);
  if (auto header = root["header_row"]; header) {
    std::optional<int64_t> h = header.value<int64_t>();
    if (!header.is_integer() || !h || *h < 1 || *h > 1000) {
      return err.At(LineOf(*header.node()), "header_row", "wanted an integer from 1 to 1000");
    }
    m->header_row = static_cast<size_t>(*h);
  }
  if (auto delimiter = root["delimiter"]; delimiter) {
    const auto* d = delimiter.as_string();
    if (d == nullptr || (d->get() != "," && d->get() != ";" && d->get() != "\t")) {
      return err.At(LineOf(*delimiter.node()), "delimiter", "wanted \",\", \";\" or \"\\t\"");
    }
    m->delimiter = d->get()[0];
  }
  if (auto source = root["source"]; source) {
    const auto* t = source.as_table();
    if (t == nullptr) return err.At(LineOf(*source.node()), "source", "wanted a table");
    auto j = TomlToJson(*t);
    if (!j.ok()) return err.At(LineOf(*t), "source", j.status().message());
    auto sid = j->find("id");
    if (sid == j->end() || !sid->is_string() || !IsValidRecordId(sid->get<std::string>())) {
      return err.At(LineOf(*t), "source.id", "required: a valid record id");
    }
    for (std::string_view r : {"kind", "case", "recorded", "by"}) {
      if (j->contains(r)) {
        return err.At(LineOf(*t), "source." + std::string(r), "cannot be set here");
      }
    }
    m->source = std::move(*j);
  }
  return Status::Ok();
}

// [[columns]]: at least one.
Status ParseMappingColumns(const toml::table& root, const TomlErrors& err, Mapping* m, Targets* targets) {
  if (auto columns = root["columns"]; columns) {
    const auto* a = columns.as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return err.At(LineOf(*columns.node()), "columns",
                    "wanted [[columns]] tables (an array of tables)");
    }
    for (size_t i = 0; i < a->size(); ++i) {
      std::string where = "columns[" + std::to_string(i) + "]";
      auto rule = ParseColumnRule(*a->get(i)->as_table(), err, where);
      if (!rule.ok()) return rule.status();
      targets->emplace_back(rule->field, where);
      m->columns.push_back(std::move(*rule));
    }
  }
  if (m->columns.empty()) {
    return err.At(0, "columns", "required: at least one [[columns]] rule");
  }
  return Status::Ok();
}

// [constants], after the columns (an element constant applies to the
// columns that fill the same array element).
Status ParseMappingConstants(const toml::table& root, const TomlErrors& err, Mapping* m, Targets* targets) {
  auto constants = root["constants"];
  if (!constants) return Status::Ok();
  const auto* t = constants.as_table();
  if (t == nullptr) return err.At(LineOf(*constants.node()), "constants", "wanted a table");
  for (auto&& [k, v] : *t) {
    std::string key(k.str());
    auto path = ParseFieldPath(key);
    if (!path.ok()) return err.At(LineOf(v), "constants." + key, path.status().message());
    if (Status s = CheckFieldPath(*path); !s.ok()) {
      return err.At(LineOf(v), "constants." + key, s.message());
    }
    auto j = TomlToJson(v);
    if (!j.ok()) return err.At(LineOf(v), "constants." + key, j.status().message());
    ConstantRule c{*path, std::move(*j), {}};
    FieldPath element = ElementPrefix(c.field);
    if (!element.empty()) {
      for (size_t r = 0; r < m->columns.size(); ++r) {
        if (IsPrefix(element, m->columns[r].field)) c.element_columns.push_back(r);
      }
    }
    targets->emplace_back(c.field, "constants." + key);
    m->constants.push_back(std::move(c));
  }
  return Status::Ok();
}

// No field set twice; array indices without gaps.
Status CheckMappingTargets(const Targets& targets, const TomlErrors& err) {
  for (size_t a = 0; a < targets.size(); ++a) {
    for (size_t b = a + 1; b < targets.size(); ++b) {
      if (IsPrefix(targets[a].first, targets[b].first) ||
          IsPrefix(targets[b].first, targets[a].first)) {
        return err.At(0, targets[b].second,
                      "sets " + FormatFieldPath(targets[b].first) + ", which " +
                          targets[a].second + " sets too (" +
                          FormatFieldPath(targets[a].first) + ")");
      }
    }
  }
  std::map<FieldPath, std::set<size_t>> indices;  // array path -> indices used
  for (const auto& [path, where] : targets) {
    for (size_t i = 0; i < path.size(); ++i) {
      if (const auto* idx = std::get_if<size_t>(&path[i])) {
        indices[FieldPath(path.begin(), path.begin() + i)].insert(*idx);
      }
    }
  }
  for (const auto& [array, used] : indices) {
    if (*used.rbegin() + 1 != used.size()) {
      return err.At(0, FormatFieldPath(array),
                    "array indices must run 0, 1, 2, ... without gaps");
    }
  }
  return Status::Ok();
}

// [skip]: when_empty, when_zero.
Status ParseMappingSkip(const toml::table& root, const TomlErrors& err, Mapping* m) {
  auto skip = root["skip"];
  if (!skip) return Status::Ok();
  const auto* t = skip.as_table();
  if (t == nullptr) return err.At(LineOf(*skip.node()), "skip", "wanted a table");
  for (auto&& [k, v] : *t) {
    std::string key(k.str());
    auto list = StringList(v);
    if (!list.ok()) return err.At(LineOf(v), "skip." + key, list.status().message());
    if (key == "when_empty") {
      m->skip_when_empty = *list;
    } else if (key == "when_zero") {
      m->skip_when_zero = *list;
    } else {
      return err.At(LineOf(v), "skip." + key, "unknown key (when_empty, when_zero)");
    }
  }
  return Status::Ok();
}

// Ids are public (log entries, exports): none may be made from what the
// record keeps confidential (sealed in the log, record/seal.h).
Status CheckIdNotConfidential(const toml::table& root, const TomlErrors& err, const Mapping& m) {
  auto confidential = [](const FieldPath& f) {
    return !f.empty() && std::holds_alternative<std::string>(f[0]) && std::get<std::string>(f[0]) == "confidential";
  };
  for (const IdPart& p : m.id_parts) {
    bool secret = p.kind == IdPart::Kind::kField && confidential(p.field);
    for (const ColumnRule& r : m.columns) secret |= p.kind == IdPart::Kind::kColumn && r.column == p.text && confidential(r.field);
    if (secret) {
      return err.At(LineOf(*root["id"].node()), "id",
                    "the id template uses {" + std::string(p.kind == IdPart::Kind::kField ? "@" : "") + p.text +
                        "}, which is confidential: ids are published, confidential fields never are");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Mapping> ParseMapping(std::string_view toml_text, std::string_view name) {
  TomlErrors err(name);
  LIFELINE_ASSIGN_OR_RETURN(toml::table root, config::ParseToml(toml_text, name, err));
  Mapping m;
  m.name = std::string(name);
  Targets targets;
  LIFELINE_RETURN_IF_ERROR(ParseMappingHead(root, err, &m));
  LIFELINE_RETURN_IF_ERROR(ParseMappingColumns(root, err, &m, &targets));
  LIFELINE_RETURN_IF_ERROR(ParseMappingConstants(root, err, &m, &targets));
  LIFELINE_RETURN_IF_ERROR(CheckMappingTargets(targets, err));
  LIFELINE_RETURN_IF_ERROR(ParseMappingSkip(root, err, &m));
  LIFELINE_RETURN_IF_ERROR(CheckIdNotConfidential(root, err, m));
  return m;
}

namespace {

// Every column the mapping names must be in the header: an error for each
// one missing. True when none is.
bool HasMappedColumns(const Sheet& sheet, const Mapping& mapping, ReadResult& out) {
  std::set<std::string> missing;
  auto need = [&](const std::string& column, std::string_view use) {
    if (!sheet.Find(column) && missing.insert(column).second) {
      out.errors.push_back({sheet.header_line, column,
                            "missing column: mapping " + Quote(mapping.name) + " reads it for " +
                                std::string(use)});
    }
  };
  for (const ColumnRule& r : mapping.columns) need(r.column, FormatFieldPath(r.field));
  for (const IdPart& p : mapping.id_parts) {
    if (p.kind == IdPart::Kind::kColumn) need(p.text, "the id");
  }
  for (const std::string& c : mapping.skip_when_empty) need(c, "skip.when_empty");
  for (const std::string& c : mapping.skip_when_zero) need(c, "skip.when_zero");
  return missing.empty();
}

// A row skipped by the mapping's skip.when_empty or skip.when_zero.
bool SkipRow(const Mapping& mapping, RowCells& cells) {
  bool skip = false;
  for (const std::string& c : mapping.skip_when_empty) skip = skip || cells.Get(c).empty();
  for (const std::string& c : mapping.skip_when_zero) {
    auto n = ParseNumber(cells.Get(c));
    skip = skip || (n.ok() && *n == 0);
  }
  return skip;
}

// Sets the fields of `r` from the row's cells (or the columns' defaults),
// then the constants that apply.
void FillFields(const Mapping& mapping, RowCells& cells, json& r) {
  std::vector<bool> filled(mapping.columns.size(), false);
  for (size_t i = 0; i < mapping.columns.size(); ++i) {
    const ColumnRule& rule = mapping.columns[i];
    std::string_view cell = cells.Get(rule.column);
    std::optional<json> value;
    if (cell.empty()) {
      if (rule.default_value) {
        value = *rule.default_value;
      } else if (rule.required) {
        cells.Error(rule.column, "empty: mapping " + Quote(mapping.name) + " requires it (" +
                                     FormatFieldPath(rule.field) + ")");
      }
    } else {
      value = Convert(rule, cell, cells);
    }
    if (value) {
      SetPath(r, rule.field, std::move(*value));
      filled[i] = true;
    }
  }
  for (const ConstantRule& c : mapping.constants) {
    bool apply = c.element_columns.empty() ||
                 std::any_of(c.element_columns.begin(), c.element_columns.end(),
                             [&](size_t i) { return filled[i]; });
    if (apply) SetPath(r, c.field, c.value);
  }
}

// The record id from the mapping's id template; false (with an error on the
// row unless it has one already) when a field it uses has no value.
bool MakeId(const Mapping& mapping, const tabular::CsvRecord& row, RowCells& cells, const json& r, std::string* id_out) {
  std::string& id = *id_out;
  bool id_ok = true;
  for (const IdPart& p : mapping.id_parts) {
    switch (p.kind) {
      case IdPart::Kind::kText:
        id += p.text;
        break;
      case IdPart::Kind::kLine:
        id += ApplyFilters(std::to_string(row.line), p.filters);
        break;
      case IdPart::Kind::kColumn:
        id += ApplyFilters(std::string(cells.Get(p.text)), p.filters);
        break;
      case IdPart::Kind::kField: {
        const json* v = GetPath(r, p.field);
        if (v == nullptr || v->is_null() || v->is_structured()) {
          if (!cells.failed()) {
            cells.Error("id", "the id template uses {@" + p.text +
                                  "}, which this row leaves without a value");
          }
          id_ok = false;
          break;
        }
        id += ApplyFilters(v->is_string() ? v->get<std::string>() : v->dump(), p.filters);
        break;
      }
    }
  }
  return id_ok;
}

}  // namespace

ReadResult ReadCsvWithMapping(std::string_view data, const Mapping& mapping,
                              const ImportOptions& options) {
  ReadResult out;
  Sheet sheet = ReadSheet(data, out, mapping.header_row - 1, mapping.delimiter);
  if (sheet.has_header) MapSheet(sheet, mapping, options, /*require_columns=*/true, out);
  SortDiagnostics(out);
  return out;
}

void MapSheet(const Sheet& sheet, const Mapping& mapping, const ImportOptions& options,
              bool require_columns, ReadResult& out) {
  if (require_columns && !HasMappedColumns(sheet, mapping, out)) return;
  std::optional<std::string> source_id;
  if (mapping.source) source_id = mapping.source->at("id").get<std::string>();
  std::map<std::string, uint64_t> ids;
  for (const tabular::CsvRecord& row : sheet.rows) {
    RowCells cells(sheet, row, out);
    bool skip = SkipRow(mapping, cells);
    if (skip) {
      ++out.skipped_rows;
      continue;
    }
    json r = NewRecord(mapping.kind, "", options);
    FillFields(mapping, cells, r);
    DropNullElements(r);
    if (source_id && !r.contains("sources")) r["sources"] = json::array({*source_id});

    std::string id;
    bool id_ok = MakeId(mapping, row, cells, r, &id);
    if (id_ok && !cells.failed()) {
      if (!IsValidRecordId(id)) {
        cells.Error("id", "the id template " + Quote(mapping.id_template) + " gives " + Quote(id) +
                              ", not a valid record id (lower-case letters, digits, '.', '_', "
                              "':', '-'; use the |slug filter)");
      } else if (auto [it, fresh] = ids.emplace(id, row.line); !fresh) {
        cells.Error("id", "the id template gives " + Quote(id) + " here and at line " +
                              std::to_string(it->second) + ": ids must be unique");
      }
    }
    r["id"] = id;
    if (!cells.failed()) out.rows.push_back({row.line, std::move(r)});
  }
  if (mapping.source && !out.rows.empty()) {
    json source = *mapping.source;
    json head = NewRecord("source", source.at("id").get<std::string>(), options);
    for (auto& [k, v] : head.items()) source[k] = v;
    PrependRecord(out, std::move(source));
  }
}

}  // namespace lifeline::ingest
