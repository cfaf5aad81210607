#include "ingest/sheet.h"

#include <map>

#include "ingest/fields.h"
#include "tabular/text.h"

namespace lifeline::ingest {

std::optional<size_t> Sheet::Find(std::string_view name) const {
  if (!indexed_) {
    for (size_t i = 0; i < header.size(); ++i) index_.emplace(header[i], i);  // keeps the first
    indexed_ = true;
  }
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool IsBlankRow(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!tabular::Trim(f).empty()) return false;
  }
  return true;
}

Sheet ReadSheet(std::string_view data, ReadResult& out, size_t header_record, char delimiter) {
  Sheet sheet;
  tabular::CsvTable table = tabular::ParseCsv(data, {.delimiter = delimiter});
  if (table.records.size() > header_record) {
    const tabular::CsvRecord& h = table.records[header_record];
    sheet.has_header = true;
    sheet.header_line = h.line;
    for (const std::string& name : h.fields) sheet.header.emplace_back(tabular::Trim(name));
    // Excel leaves empty cells at the right of a header: not columns.
    while (!sheet.header.empty() && sheet.header.back().empty()) sheet.header.pop_back();
  }
  // CSV errors first, in line order with the rest of this file's errors.
  AppendCsvDiagnostics(table, sheet.has_header ? &sheet.header : nullptr, out);
  if (!sheet.has_header) {
    if (table.errors.empty()) {
      out.errors.push_back({1, "(file)", "no header row: the file is empty"});
    }
    return sheet;
  }
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < sheet.header.size(); ++i) {
    const std::string& name = sheet.header[i];
    if (name.empty()) {
      out.errors.push_back({sheet.header_line, "column " + std::to_string(i + 1),
                            "the header names no column here, but columns to its right"});
      continue;
    }
    auto [it, fresh] = seen.emplace(name, i);
    if (!fresh) {
      out.errors.push_back({sheet.header_line, name,
                            "column name used twice (columns " + std::to_string(it->second + 1) +
                                " and " + std::to_string(i + 1) + ")"});
    }
  }
  const size_t width = sheet.header.size();
  for (size_t r = header_record + 1; r < table.records.size(); ++r) {
    tabular::CsvRecord& rec = table.records[r];
    if (IsBlankRow(rec.fields)) {
      ++out.skipped_rows;
      continue;
    }
    while (rec.fields.size() > width && tabular::Trim(rec.fields.back()).empty()) rec.fields.pop_back();
    if (rec.fields.size() != width) {
      std::string field = rec.fields.size() < width ? sheet.header[rec.fields.size()]
                                                    : "column " + std::to_string(width + 1);
      if (field.empty()) field = "column " + std::to_string(rec.fields.size() + 1);
      out.errors.push_back({rec.line, field,
                            "row has " + std::to_string(rec.fields.size()) +
                                " fields, the header has " + std::to_string(width)});
      continue;
    }
    sheet.rows.push_back(std::move(rec));
  }
  return sheet;
}

bool RequireColumns(const Sheet& sheet, std::initializer_list<std::string_view> names,
                    std::string_view what, ReadResult& out) {
  bool all = true;
  for (std::string_view name : names) {
    if (!sheet.Find(name)) {
      out.errors.push_back({sheet.header_line, std::string(name),
                            "missing column: " + std::string(what) + " needs '" +
                                std::string(name) + "' in the header row"});
      all = false;
    }
  }
  return all;
}

std::string_view RowCells::Get(std::string_view column) const {
  std::optional<size_t> i = sheet_.Find(column);
  if (!i || *i >= row_.fields.size()) return {};
  return tabular::Trim(row_.fields[*i]);
}

std::string_view RowCells::Required(std::string_view column) {
  std::string_view v = Get(column);
  if (v.empty()) Error(column, "empty: a value is required");
  return v;
}

std::optional<int64_t> RowCells::Integer(std::string_view column) {
  std::string_view v = Get(column);
  if (v.empty()) return std::nullopt;
  auto n = ParseInteger(v);
  if (!n.ok()) {
    Error(column, n.status().message());
    return std::nullopt;
  }
  return *n;
}

std::optional<int64_t> RowCells::Count(std::string_view column) {
  std::optional<int64_t> n = Integer(column);
  if (n && *n < 0) {
    Error(column, "a count cannot be negative: " + Quote(Get(column)));
    return std::nullopt;
  }
  return n;
}

std::optional<double> RowCells::Latitude(std::string_view column) {
  std::string_view v = Get(column);
  if (v.empty()) return std::nullopt;
  auto d = ParseLatitude(v);
  if (!d.ok()) {
    Error(column, d.status().message());
    return std::nullopt;
  }
  return *d;
}

std::optional<double> RowCells::Longitude(std::string_view column) {
  std::string_view v = Get(column);
  if (v.empty()) return std::nullopt;
  auto d = ParseLongitude(v);
  if (!d.ok()) {
    Error(column, d.status().message());
    return std::nullopt;
  }
  return *d;
}

void RowCells::Error(std::string_view column, std::string message) {
  out_.errors.push_back({row_.line, std::string(column), std::move(message)});
  ++errors_;
}

void RowCells::Warn(std::string_view column, std::string message) {
  out_.warnings.push_back({row_.line, std::string(column), std::move(message)});
}

}  // namespace lifeline::ingest
