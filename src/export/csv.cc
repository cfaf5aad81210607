// WriteCsv: one kind's records as a flat table.
//
// The kinds' fields are listed here in the order of the schema tables in
// src/record/schema.cc, which keeps that order private; export_test checks
// this list against record::JsonSchema() so that the two cannot drift apart
// unnoticed.
#include <vector>

#include "export/export.h"
#include "export/internal.h"
#include "record/canonical.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

enum class Shape {
  kScalar,  // one cell
  kList,    // array of scalars: one cell, joined with ';'
  kJson,    // array of objects or arrays: one cell of canonical JSON
  kObject,  // one column per sub-field, named "field.sub"
};

struct Field {
  std::string_view name;
  Shape shape = Shape::kScalar;
  std::vector<Field> sub = {};  // kObject only
};

struct KindFields {
  std::string_view kind;
  std::vector<Field> fields;
};

const std::vector<Field>& LocationFields() {
  static const std::vector<Field> fields = {{"name"}, {"admin1"}, {"admin2"}, {"admin3"},
                                            {"country"}, {"lat"}, {"lon"}, {"geo_precision"}};
  return fields;
}

const std::vector<KindFields>& KindTable() {
  static const std::vector<KindFields> kinds = {
      {"case",
       {{"title"}, {"region"}, {"country"}, {"started"}, {"ended"}, {"population", Shape::kJson},
        {"displaced", Shape::kJson}, {"public"}}},
      {"source",
       {{"publisher"}, {"title"}, {"url"}, {"published"}, {"language"}, {"publisher_type"}, {"party"},
        {"reliability"}, {"credibility"}, {"archived_sha256"}}},
      {"evidence",
       {{"sha256"}, {"media_type"}, {"size"}, {"captured_at"},
        {"location", Shape::kObject, LocationFields()}, {"description"}, {"file_name"},
        {"custody", Shape::kJson}}},
      {"route",
       {{"name"}, {"type"}, {"from"}, {"to"}, {"path", Shape::kJson}, {"description"}}},
      {"route_status",
       {{"route"}, {"from"}, {"until"}, {"status"}, {"restricted", Shape::kList}, {"imposed_by"}}},
      {"baseline",
       {{"route"},
        {"period", Shape::kObject, {{"from"}, {"to"}}},
        {"per_day", Shape::kObject,
         {{"vehicles"}, {"persons"}, {"patients"}, {"cargo", Shape::kJson}}}}},
      {"movement",
       {{"route"}, {"date"}, {"date_precision"}, {"direction"}, {"operator"}, {"outcome"},
        {"vehicles"}, {"persons"}, {"patients"}, {"cargo", Shape::kJson},
        {"period", Shape::kObject, {{"from"}, {"to"}}}}},
      {"incident",
       {{"date"}, {"date_precision"}, {"location", Shape::kObject, LocationFields()},
        {"event_type"}, {"sub_event_type"}, {"access_constraint"}, {"actors", Shape::kList},
        {"fatalities", Shape::kObject, {{"low"}, {"best"}, {"high"}}}, {"injuries"},
        {"description"}}},
      {"outage", {{"utility"}, {"from"}, {"until"}, {"area"}, {"cause"}, {"attributed_to"}}},
      {"obligation",
       {{"instrument"}, {"title"}, {"issued"}, {"issuer"}, {"binding_on", Shape::kList}, {"text"},
        {"rule", Shape::kObject,
         {{"type"}, {"route"}, {"for", Shape::kList}, {"directions", Shape::kList}, {"from"},
          {"until"}}}}},
      {"need_standard", {{"commodity"}, {"quantity"}, {"unit"}, {"basis"}}},
      {"stock", {{"commodity"}, {"date"}, {"quantity"}, {"unit"}, {"area"}}},
      {"claim", {{"about"}, {"stance"}, {"party"}, {"text"}}},
      {"retraction", {{"retracts"}, {"reason"}}},
  };
  return kinds;
}

// The envelope columns, then `confidential` and `kind`, which have none.
const std::vector<Field>& EnvelopeFields() {
  static const std::vector<Field> fields = {{"id"},   {"case"},     {"sources", Shape::kList},
                                            {"supersedes"}, {"note"}, {"recorded"},
                                            {"by"}};
  return fields;
}

const KindFields* FindKind(std::string_view kind) {
  for (const KindFields& k : KindTable()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

void AppendNames(const std::vector<Field>& fields, std::vector<std::string>& out) {
  for (const Field& f : fields) {
    if (f.shape == Shape::kObject) {
      for (const Field& s : f.sub) out.push_back(std::string(f.name) + "." + std::string(s.name));
    } else {
      out.emplace_back(f.name);
    }
  }
}

Status AppendCells(const json& object, const std::vector<Field>& fields, const std::string& prefix,
                   std::vector<std::string>& out);

Status AppendCell(const json& value, const Field& f, const std::string& path,
                  std::vector<std::string>& out) {
  switch (f.shape) {
    case Shape::kScalar: {
      Result<std::string> text = internal::ScalarText(value);
      if (!text.ok()) return text.status().Annotate(path);
      out.push_back(std::move(*text));
      return Status::Ok();
    }
    case Shape::kList: {
      if (!value.is_null() && !value.is_array()) {
        return InvalidArgumentError(path + ": wanted an array");
      }
      Result<std::string> text =
          value.is_null() ? Result<std::string>(std::string()) : internal::ListText(value);
      if (!text.ok()) return text.status().Annotate(path);
      out.push_back(std::move(*text));
      return Status::Ok();
    }
    case Shape::kJson: {
      if (value.is_null()) {
        out.emplace_back();
        return Status::Ok();
      }
      Result<std::string> text = record::Canonicalize(value);
      if (!text.ok()) return text.status().Annotate(path);
      out.push_back(std::move(*text));
      return Status::Ok();
    }
    case Shape::kObject:
      if (!value.is_null() && !value.is_object()) {
        return InvalidArgumentError(path + ": wanted an object");
      }
      return AppendCells(value, f.sub, path + ".", out);
  }
  return InternalError("unknown column shape");
}

// Cells of `fields` from `object` (null: all empty). A member of `object`
// that `fields` does not name is an error: the table would drop it.
Status AppendCells(const json& object, const std::vector<Field>& fields, const std::string& prefix,
                   std::vector<std::string>& out) {
  if (object.is_object()) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      bool known = false;
      for (const Field& f : fields) known |= f.name == it.key();
      if (!known) {
        return InvalidArgumentError(prefix + it.key() +
                                    ": not a field of schema v1, so no column holds it");
      }
    }
  }
  for (const Field& f : fields) {
    LIFELINE_RETURN_IF_ERROR(
        AppendCell(internal::Member(object, f.name), f, prefix + std::string(f.name), out));
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> CsvColumns(std::string_view kind) {
  const KindFields* k = FindKind(kind);
  if (k == nullptr) return {};
  std::vector<std::string> names;
  AppendNames(EnvelopeFields(), names);
  AppendNames(k->fields, names);
  return names;
}

Result<std::string> WriteCsv(std::span<const json> records, std::string_view kind) {
  const KindFields* k = FindKind(kind);
  if (k == nullptr) {
    std::string all;
    for (const KindFields& each : KindTable()) all += (all.empty() ? "" : ", ") + std::string(each.kind);
    return InvalidArgumentError("\"" + std::string(kind) + "\" is not a record kind (" + all + ")");
  }
  std::string out;
  const std::vector<std::string> header = CsvColumns(kind);
  internal::AppendCsvRow(out, header);

  // Envelope and kind fields together, so that an unknown member is caught
  // once; `kind` and `confidential` are known but have no column.
  std::vector<Field> all_fields = EnvelopeFields();
  all_fields.insert(all_fields.end(), k->fields.begin(), k->fields.end());
  for (size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    LIFELINE_RETURN_IF_ERROR(internal::CheckRecord(r, i));
    if (r.at("kind") != kind) continue;
    json columns_only = r;
    columns_only.erase("kind");
    columns_only.erase("confidential");
    std::vector<std::string> cells;
    cells.reserve(header.size());
    Status s = AppendCells(columns_only, all_fields, "", cells);
    if (!s.ok()) return s.Annotate(internal::RecordName(r, i));
    internal::AppendCsvRow(out, cells);
  }
  return out;
}

}  // namespace lifeline::exports
