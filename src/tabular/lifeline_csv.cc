#include "tabular/lifeline_csv.h"

#include <utility>

#include "base/kinds.h"

namespace lifeline::tabular {
namespace {

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
  // The last layout that has the field in this form (a field whose members
  // changed appears once per form).
  int until = 99;
};

using C = CsvCell;

constexpr int kDateWindowLayout = 3;
// Version 2 with case vocabularies, outage/schedule date_precision, claims
// about one field, movements via several routes and the rule types besides
// route_open (issue #15).
constexpr int kVocabularyLayout = 4;

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
        {"date_window", C::kText, {{"from", C::kText}, {"until", C::kText}}, false, kDateWindowLayout},
        {"vocabulary", C::kJsonValue, {}, false, kVocabularyLayout}}},
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
        {"qualifier", C::kText, {}, false, 2}, {"reported_by", C::kText, {}, false, 2},
        {"via", C::kList, {}, false, kVocabularyLayout}}},
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
        {"confirmed_until", C::kText, {}, false, 2}, {"date_precision", C::kText, {}, false, kVocabularyLayout}}},
      {"schedule",
       {{"utility"}, {"from"}, {"until"}, {"hours_off_per_day", C::kNumber}, {"area"}, {"confirmed_until"},
        {"date_precision", C::kText, {}, false, kVocabularyLayout}}},
      {"obligation",
       {{"instrument"}, {"title"}, {"issued"}, {"issuer"}, {"binding_on", C::kList}, {"text"},
        {"rule", C::kText,
         {{"type", C::kText}, {"route", C::kText}, {"for", C::kList}, {"directions", C::kList},
          {"from", C::kText}, {"until", C::kText}},
         true, 1, kVocabularyLayout - 1},
        {"rule", C::kText,
         {{"type", C::kText}, {"route", C::kText}, {"for", C::kList}, {"directions", C::kList},
          {"from", C::kText}, {"until", C::kText}, {"utility", C::kText}, {"area", C::kText},
          {"commodity", C::kText}, {"routes", C::kList}, {"measure", C::kText}, {"unit", C::kText},
          {"quantity", C::kNumber}, {"per", C::kText}, {"reason", C::kText}},
         true, kVocabularyLayout}}},
      {"need_standard", {{"commodity"}, {"quantity", C::kNumber}, {"unit"}, {"basis"}, {"equivalents", C::kJson}}},
      {"stock", {{"commodity"}, {"date"}, {"quantity", C::kNumber}, {"unit"}, {"area"}}},
      {"watch", {{"route"}, {"from"}, {"to"}, {"directions", C::kList}, {"measures", C::kList}}},
      {"requirement",
       {{"measure"}, {"commodity"}, {"quantity", C::kNumber}, {"unit"}, {"per"}, {"routes", C::kList},
        {"from"}, {"until"}, {"basis"}}},
      {"claim",
       {{"about"}, {"stance"}, {"party"}, {"text"}, {"field", C::kText, {}, false, kVocabularyLayout},
        {"value", C::kJsonValue, {}, false, kVocabularyLayout}}},
      {"retraction", {{"retracts"}, {"reason"}}},
      {"tag", {{"targets", C::kList}, {"framework"}, {"factor"}, {"indicator"}, {"author"}, {"text"}}},
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
    if (f.since > version || f.until < version) continue;
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

// The layouts of every kind in schema version `version` (a kind added later
// has none in an earlier version).
LifelineCsvLayouts MakeLayouts(int version) {
  LifelineCsvLayouts m;
  for (const auto& [kind, fields] : KindTable()) {
    if (version < 2 && (kind == kinds::kSchedule || kind == kinds::kWatch || kind == kinds::kRequirement)) continue;  // added in v2
    if (version < kDateWindowLayout && kind == kinds::kTag) continue;  // added with the tag kind
    std::vector<CsvColumn>& columns = m[std::string(kind)];
    AppendColumns(Envelope(), version, columns);
    AppendColumns(fields, version, columns);
  }
  return m;
}

// Today's layouts (what the export writes).
const LifelineCsvLayouts& Layouts() {
  static const LifelineCsvLayouts layouts = MakeLayouts(kVocabularyLayout);
  return layouts;
}

// The layouts of version 2 exports written before the vocabularies.
const LifelineCsvLayouts& LayoutsDateWindow() {
  static const LifelineCsvLayouts layouts = MakeLayouts(kDateWindowLayout);
  return layouts;
}

// The layouts of version 2 exports written before date_window existed.
const LifelineCsvLayouts& LayoutsV2() {
  static const LifelineCsvLayouts layouts = MakeLayouts(2);
  return layouts;
}

// The layouts of version 1 exports, which still read back.
const LifelineCsvLayouts& LayoutsV1() {
  static const LifelineCsvLayouts layouts = MakeLayouts(1);
  return layouts;
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

const std::vector<const LifelineCsvLayouts*>& LifelineCsvLayoutHistory() {
  static const std::vector<const LifelineCsvLayouts*> history = {&Layouts(), &LayoutsDateWindow(), &LayoutsV2(),
                                                                 &LayoutsV1()};
  return history;
}

}  // namespace lifeline::tabular
