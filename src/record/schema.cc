#include "record/schema.h"

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <algorithm>
#include <iterator>
#include <limits>
#include <charconv>
#include <set>
#include <string_view>

#include "base/kinds.h"
#include "record/framework.h"
#include "record/hints.h"
#include "record/outcome_class.h"
#include "record/seal.h"
#include "record/values.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

using Type = FieldType;

struct Ctx;
using Custom = std::function<void(const json&, const std::string&, Ctx&)>;
struct Field;

// A kObject or kArray field's check, and, when it is an object (or a list
// of objects) of known members, those members: what DescribeKind tells
// generators such as the XForms (intake/xform.h).
struct Check {
  Check() = default;
  Check(std::nullptr_t) {}  // NOLINT: the tables' "no check"
  Check(void (*fn)(const json&, const std::string&, Ctx&)) : fn(fn) {}  // NOLINT: a table entry
  Check(Custom fn, std::vector<Field> members);
  Custom fn;
  std::shared_ptr<const std::vector<Field>> members;  // null: none known
};

struct Field {
  std::string name;
  Type type;
  bool required = false;
  std::vector<std::string> values = {};  // kEnum / kEnumList
  std::string ref_kind = {};             // kRef / kRefList ("" = any kind)
  Check custom = nullptr;                // kObject / kArray
  std::string doc = {};
  // kEnum / kEnumList: the case vocabulary (kVocabularyNames) a case may
  // extend `values` with; "" for a closed list.
  std::string vocabulary = {};
};

Check::Check(Custom fn, std::vector<Field> members)
    : fn(std::move(fn)), members(std::make_shared<const std::vector<Field>>(std::move(members))) {}

// A field whose values are vocabulary `name`'s core terms, and the case's.
Field VocabularyField(std::string field, std::string_view name, Type type, bool required = false) {
  Field f{std::move(field), type, required, CoreVocabulary(name)};
  f.vocabulary = std::string(name);
  return f;
}

// --- hints (docs/records.md, "Refusals and hints") ---------------------

// A date outside the window: correct it, or widen the case's window.
std::string DateWindowHint(Day day, const DateWindow& w) {
  const bool early = day < w.from;
  return "correct the date, or, if it is right, widen the case's window: a correction of the case record with "
         "\"date_window\": {\"" + std::string(early ? "from" : "until") + "\": \"" + FormatDate(day) +
         "\"} (docs/records.md, \"Plausible dates\" under \"Input rules\")";
}

// The last name of `path`, without indices: "casualties[0].fatalities" -> "fatalities".
std::string LastName(const std::string& path) {
  std::string name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  return name.substr(0, name.find('['));
}

// An example value of an object or array field, by name.
std::string ObjectExample(const std::string& name) {
  static const std::map<std::string, std::string, std::less<>> kExamples = {
      {"population", R"([{"date": "2023-01-15", "count": 120000}])"},
      {"displaced", R"([{"date": "2023-01-15", "count": 3000}])"},
      {"dependency", R"([{"commodity": "wheat flour", "share": 0.9}])"},
      {"date_window", R"({"from": "2022-12-01", "until": "2023-12-31"})"},
      {"vocabulary", R"({"utility": {"fuel": "diesel and petrol for generators"}})"},
      {"custody", R"([{"at": "2023-01-15T08:30:00Z", "by": "field team", "action": "captured"}])"},
      {"path", "[[39.6, 46.5], [39.7, 46.6]]"},
      {"period", R"({"from": "2023-01-01", "to": "2023-01-31"})"},
      {"per_day", R"({"vehicles": 60, "cargo": [{"commodity": "flour", "quantity": 20, "unit": "t"}]})"},
      {"fatalities", R"({"low": 2, "best": 3, "high": 5})"},
      {"casualties", R"([{"party": "civilians of the area", "category": "civilian", "fatalities": {"best": 3}}])"},
      {"rule", R"({"type": "route_open", "route": "<route id>", "for": ["persons"], "directions": ["in", "out"], "from": "2023-01-15"})"},
      {"equivalents", R"([{"commodity": "wheat flour", "quantity": 3640, "unit": "kg"}])"},
      {"unit", R"("t")"},
  };
  auto it = kExamples.find(name);
  return it == kExamples.end() ? "{...}" : it->second;
}

// An example value of field `f`'s type, as JSON text.
std::string ExampleValue(const Field& f) {
  const std::string first = f.values.empty() ? "" : "\"" + f.values[0] + "\"";
  switch (f.type) {
    case Type::kText: return "\"as the source words it\"";
    case Type::kUrl: return "\"https://example.org/report\"";
    case Type::kId: return "\"mv-2023-01-15-1\"";
    case Type::kRef: return "\"<" + (f.ref_kind.empty() ? std::string("record") : f.ref_kind) + " id>\"";
    case Type::kRefList: return "[\"<" + (f.ref_kind.empty() ? std::string("record") : f.ref_kind) + " id>\"]";
    case Type::kEnum: return first;
    case Type::kEnumList: return "[" + first + "]";
    case Type::kTextList: return "[\"as the source words it\"]";
    case Type::kDate: return "\"2023-01-15\"";
    case Type::kDateTime: return "\"2023-01-15T08:30:00Z\"";
    case Type::kCount: return "12";
    case Type::kNumber: return "40.5";
    case Type::kNonNegNumber: return "12.5";
    case Type::kBool: return "true";
    case Type::kSha256: return "\"<64 lowercase hex digits, as sha256sum prints them>\"";
    case Type::kLocation: return R"({"name": "Checkpoint A", "country": "ARM", "lat": 39.6, "lon": 46.5})";
    case Type::kQuantityList: return R"([{"commodity": "flour", "quantity": 20, "unit": "t"}])";
    case Type::kObject:
    case Type::kArray: return ObjectExample(f.name);
    case Type::kIntRange: return f.values[0];
    case Type::kFraction: return "0.25";
    case Type::kHours: return "8";
    case Type::kAny: return "120";
  }
  return "";
}

// What field `f` holds, in words.
std::string Describe(const Field& f) {
  const std::string kind = f.ref_kind.empty() ? std::string("any") : f.ref_kind;
  switch (f.type) {
    case Type::kText: return "a non-empty string";
    case Type::kUrl: return "an http(s) URL";
    case Type::kId: return "an id (lowercase letters, digits, '.', '_', ':', '-'; at most 128)";
    case Type::kRef: return "the id of a record of " + kind + " kind";
    case Type::kRefList: return "an array of ids of records of " + kind + " kind";
    case Type::kEnum:
      return f.vocabulary.empty() ? "one of " + JoinNames(f.values) : "a term of the " + f.vocabulary + " vocabulary";
    case Type::kEnumList: return "an array of distinct values of " + JoinNames(f.values);
    case Type::kTextList: return "an array of non-empty strings";
    case Type::kDate: return "a date YYYY-MM-DD";
    case Type::kDateTime: return "an RFC 3339 date-time with its offset, or a date";
    case Type::kCount: return "a whole number >= 0";
    case Type::kNumber: return "a number";
    case Type::kNonNegNumber: return "a number >= 0";
    case Type::kBool: return "true or false";
    case Type::kSha256: return "the file's SHA-256, 64 lowercase hex digits";
    case Type::kLocation: return "a location {name, admin1, admin2, admin3, country, lat, lon, geo_precision}";
    case Type::kQuantityList: return "an array of quantities {commodity, quantity, unit}";
    case Type::kObject: return f.name == "unit" ? "a unit (" + KnownUnits() + ")" : "an object";
    case Type::kArray: return "an array";
    case Type::kIntRange: return "a whole number from " + f.values[0] + " to " + f.values[1];
    case Type::kFraction: return "a number from 0 to 1";
    case Type::kHours: return "a number of hours from 0 to 24";
    case Type::kAny: return "any JSON value but null";
  }
  return "";
}

// The section of docs/records.md that explains the field at `path`.
std::string SectionFor(const std::string& path, Type type) {
  if (path.rfind("rule", 0) == 0) return "Obligation rules";
  if (path.rfind("vocabulary", 0) == 0) return "Vocabularies";
  if (path.rfind("date_window", 0) == 0) return "The case profile (on the `case` record)";
  if (type == Type::kDate || type == Type::kDateTime || type == Type::kLocation || type == Type::kQuantityList ||
      path.find(".unit") != std::string::npos) {
    return "Common value types";
  }
  return "Kinds";
}

// What to give field `f` (at `path`): what it holds, an example, and the
// doc section: `give date as a date YYYY-MM-DD, e.g. "date": "2023-01-15"
// (docs/records.md, "Common value types")`.
std::string FieldHint(const Field& f, const std::string& path) {
  std::string hint = "give " + f.name + " as " + Describe(f) + ", e.g. \"" + f.name + "\": " + ExampleValue(f);
  if (!f.vocabulary.empty()) {
    hint += "; or add the term to the case record's vocabulary." + f.vocabulary + " with a definition";
    return hint + " (" + RecordsDoc("Vocabularies") + ")";
  }
  return hint + " (" + RecordsDoc(SectionFor(path, f.type)) + ")";
}

// "did you mean `X`? " when `name` looks like a misspelling of one of
// `known`, else "".
std::string NearHint(const std::string& name, const std::vector<std::string>& known) {
  auto near = NearestName(name, known);
  return near ? "did you mean `" + *near + "`? " : "";
}

// A member of an object that is none of `names` (the fields of `what`):
// the nearest name if it looks misspelt, and the fields there are.
std::string UnknownFieldHint(const std::string& key, const std::vector<std::string>& names, const std::string& what,
                             const std::string& section) {
  return NearHint(key, names) + "the fields of " + what + " are " + JoinNames(names) + " (" + RecordsDoc(section) + ")";
}

struct Ctx {
  const Resolver* resolver;
  std::vector<FieldError>* errors;
  std::string case_id;  // the record's case (RecordCase)
  const DateWindow* dates = nullptr;
  const CaseVocabulary* vocabulary = nullptr;  // the case's additions; null: none
  // A refusal of `field`: `msg` says what is wrong, `hint` (never empty)
  // what to do instead and where the docs explain it.
  void Error(const std::string& field, const std::string& msg, std::string hint) {
    errors->push_back({field, msg, std::move(hint)});
  }
  // A valid date or date-time's day, checked against the window if any.
  void CheckDay(const std::string& path, Day day) {
    if (dates == nullptr || path.rfind("date_window.", 0) == 0) return;
    const DateWindow& w = *dates;
    if (day < w.from || w.until < day) {
      Error(path, FormatDate(day) + " is outside the case's plausible dates, " + FormatDate(w.from) + " to " +
                      FormatDate(w.until),
            DateWindowHint(day, w));
    }
  }
};

// ^[a-z0-9][a-z0-9._:-]{0,127}$ without std::regex (a hot path: every
// record and every reference).
bool IsId(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != ':' && c != '-'))) return false;
  }
  return true;
}

bool IsUpperAlpha3(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsSha256Hex(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The member `key` of the object `rec`, or null (also when `rec` is not an object).
const json* Member(const json& rec, std::string_view key) {
  auto it = rec.find(key);
  return it == rec.end() ? nullptr : &*it;
}

// Appends "[i]" to a path.
void AppendIndex(std::string& path, size_t i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), i);
  path += '[';
  path.append(buf, r.ptr);
  path += ']';
}

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a number";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    default: return "an unknown value";
  }
}

void CheckValue(const Field& f, const json& v, const std::string& path, Ctx& ctx);

// A reference to a record neither in the store nor earlier in the batch.
std::string MissingRefHint(const std::string& id, const std::string& path, const std::string& ref_kind) {
  if (path == "case") {
    return "the case \"" + id + "\" is not in the store: `lifeline case new " + id +
           "` creates it with its first source and routes (it asks for what it needs; docs/new-case.md), or "
           "import its case record first (a record of kind \"case\", " +
           RecordsDoc("Kinds") + "), or name the file that holds it in the same import";
  }
  return "check the id for a typing error, or add the record it names first (earlier in the same import will do): " +
         ListRecordsHint(ref_kind) + " (" + RecordsDoc("How records enter") + ")";
}

void CheckRef(const json& v, const std::string& path, const std::string& ref_kind, Ctx& ctx) {
  if (!v.is_string() || !IsId(v.get_ref<const std::string&>())) {
    ctx.Error(path, "must be a record id (lowercase letters, digits, '.', '_', ':', '-'), not " + v.dump(),
              "give the id of a record, not its title or a number: " + ListRecordsHint(ref_kind) + " (" +
                  RecordsDoc("Envelope (every record)") + ")");
    return;
  }
  if (ctx.resolver == nullptr) return;
  const std::string& id = v.get_ref<const std::string&>();
  auto kind = ctx.resolver->KindOf(id);
  if (!kind) {
    ctx.Error(path, "refers to \"" + id + "\", which is not in the store or earlier in the batch", MissingRefHint(id, path, ref_kind));
  } else if (!ref_kind.empty() && *kind != ref_kind) {
    ctx.Error(path, "refers to \"" + id + "\", a " + *kind + " record; it must be a " + ref_kind,
              "name a " + ref_kind + " record instead: " + ListRecordsHint(ref_kind) + " (" + RecordsDoc("Kinds") + ")");
  } else if (path == "case") {
    return;  // the record's own case: nothing to compare it with
  } else if (auto other = ctx.resolver->CaseOf(id); other && *other != ctx.case_id) {
    ctx.Error(path, "refers to \"" + id + "\", a record of case \"" + *other +
                        "\"; a record refers only to records of its own case (\"" + ctx.case_id + "\")",
              "name a record of case \"" + ctx.case_id + "\": `lifeline list --case " + ctx.case_id +
                  (ref_kind.empty() ? "" : " --kind " + ref_kind) + "` lists them; or record this one in case \"" + *other +
                  "\" (" + RecordsDoc("Envelope (every record)") + ")");
  }
}

// A location's members. CheckLocation checks geo_precision (an integer
// 1..3), the ranges of lat and lon and country's form itself.
const std::vector<Field>& LocationFields() {
  static const std::vector<Field> kFields = {
      {"name", Type::kText, true},       {"admin1", Type::kText},  {"admin2", Type::kText},
      {"admin3", Type::kText},           {"country", Type::kText}, {"lat", Type::kNumber},
      {"lon", Type::kNumber},            {"geo_precision", Type::kIntRange, false, {"1", "3"}},
  };
  return kFields;
}

void CheckLocation(const json& v, const std::string& path, Ctx& ctx) {
  const std::vector<Field>& kFields = LocationFields();
  if (!v.is_object()) {
    ctx.Error(path, "must be an object {name, admin1, admin2, country, lat, lon, geo_precision}, not " + TypeName(v),
              FieldHint(Field{"location", Type::kLocation}, path));
    return;
  }
  const json* lat = Member(v, "lat");
  const json* lon = Member(v, "lon");
  const json* country = nullptr;
  for (const auto& f : kFields) {
    const json* value = Member(v, f.name);
    if (value == nullptr) {
      if (f.required) ctx.Error(path + "." + f.name, "is required", FieldHint(f, path + "." + f.name));
      continue;
    }
    if (f.name == "country") country = value;
    if (f.name == "geo_precision") {
      if (!value->is_number_integer() || value->get<int64_t>() < 1 || value->get<int64_t>() > 3) {
        ctx.Error(path + ".geo_precision", "must be 1 (exact), 2 (near) or 3 (region), not " + value->dump(),
                  "give geo_precision as the number 1, 2 or 3, e.g. \"geo_precision\": 2, as ACLED codes it (" +
                      RecordsDoc("Common value types") + ")");
      }
      continue;
    }
    CheckValue(f, *value, path + "." + f.name, ctx);
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = false;
    for (const auto& f : kFields) known |= f.name == it.key();
    if (!known) {
      std::vector<std::string> names;
      for (const auto& f : kFields) names.push_back(f.name);
      ctx.Error(path + "." + it.key(), "is not a location field",
                UnknownFieldHint(it.key(), names, "a location", "Common value types"));
    }
  }
  if (lat != nullptr && lat->is_number() && std::abs(lat->get<double>()) > 90) {
    ctx.Error(path + ".lat", "must be between -90 and 90",
              "give lat as decimal degrees north (negative: south), e.g. \"lat\": 39.6; a value beyond 90 is often "
              "lon given as lat (" + RecordsDoc("Common value types") + ")");
  }
  if (lon != nullptr && lon->is_number() && std::abs(lon->get<double>()) > 180) {
    ctx.Error(path + ".lon", "must be between -180 and 180",
              "give lon as decimal degrees east (negative: west), e.g. \"lon\": 46.5 (" +
                  RecordsDoc("Common value types") + ")");
  }
  if ((lat != nullptr) != (lon != nullptr)) {
    ctx.Error(path, "lat and lon must be given together",
              "give both, e.g. \"lat\": 39.6, \"lon\": 46.5, or neither and let name (and admin1, admin2) place it (" +
                  RecordsDoc("Common value types") + ")");
  }
  if (country != nullptr && country->is_string()) {
    const std::string& c = country->get_ref<const std::string&>();
    if (!IsUpperAlpha3(c)) {
      ctx.Error(path + ".country", "must be an ISO 3166-1 alpha-3 code such as ARM or AZE, not \"" + c + "\"",
                "give the three capital letters of ISO 3166-1 alpha-3, e.g. \"country\": \"ARM\" (not \"AM\" or "
                "\"Armenia\") (" + RecordsDoc("Common value types") + ")");
    }
  }
}

void CheckUnit(const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_string() || !LookupUnit(v.get_ref<const std::string&>())) {
    ctx.Error(path, "unknown unit " + v.dump() + " (known: " + KnownUnits() + ")",
              "give one of the known units as written, e.g. \"unit\": \"t\"; convert a figure in another unit, and say "
              "so in note (" + RecordsDoc("Common value types") + ")");
  }
}

// A quantity's members, as CheckQuantity checks them.
const std::vector<Field>& QuantityFields() {
  static const std::vector<Field> kFields = {{"commodity", Type::kText, true},
                                             {"quantity", Type::kNonNegNumber, true},
                                             {"unit", Type::kObject, true, {}, {}, CheckUnit},
                                             {"note", Type::kText}};
  return kFields;
}

void CheckQuantity(const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_object()) {
    ctx.Error(path, "must be an object {commodity, quantity, unit}, not " + TypeName(v),
              "give each quantity as an object, e.g. {\"commodity\": \"flour\", \"quantity\": 20, \"unit\": \"t\"} (" +
                  RecordsDoc("Common value types") + ")");
    return;
  }
  std::vector<std::string> names;
  for (const Field& f : QuantityFields()) {
    names.push_back(f.name);
    if (f.required && !v.contains(f.name)) {
      ctx.Error(path + "." + f.name, "is required",
                std::string("a quantity has commodity, quantity and unit, e.g. {\"commodity\": \"flour\", \"quantity\": "
                            "20, \"unit\": \"t\"} (") + RecordsDoc("Common value types") + ")");
    }
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& k = it.key();
    auto f = std::find_if(QuantityFields().begin(), QuantityFields().end(), [&k](const Field& f) { return f.name == k; });
    if (f != QuantityFields().end()) {
      CheckValue(*f, it.value(), path + "." + k, ctx);
    } else {
      ctx.Error(path + "." + k, "is not a field of a quantity (commodity, quantity, unit, note)",
                UnknownFieldHint(k, names, "a quantity", "Common value types"));
    }
  }
}

// An object with known fields, each a Field.
void CheckObject(const json& v, const std::string& path, const std::vector<Field>& fields, Ctx& ctx,
                 const std::string& what) {
  if (!v.is_object()) {
    ctx.Error(path, "must be " + what + ", not " + TypeName(v),
              "give " + what + ", e.g. " + ObjectExample(LastName(path)) + " (" + RecordsDoc(SectionFor(path, Type::kObject)) + ")");
    return;
  }
  for (const auto& f : fields) {
    if (!v.contains(f.name)) {
      if (f.required) ctx.Error(path + "." + f.name, "is required", FieldHint(f, path + "." + f.name));
    } else {
      CheckValue(f, v.at(f.name), path + "." + f.name, ctx);
    }
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = false;
    for (const auto& f : fields) known |= f.name == it.key();
    if (!known) {
      std::vector<std::string> names;
      for (const auto& f : fields) names.push_back(f.name);
      ctx.Error(path + "." + it.key(), "is not a field of " + what,
                UnknownFieldHint(it.key(), names, what, SectionFor(path, Type::kObject)));
    }
  }
}

Check ArrayOf(std::vector<Field> fields, std::string what) {
  auto fn = [fields, what = std::move(what)](const json& v, const std::string& path, Ctx& ctx) {
    if (!v.is_array()) {
      ctx.Error(path, "must be an array of " + what + ", not " + TypeName(v),
                "give an array even for one, e.g. " + ObjectExample(LastName(path)) + " (" + RecordsDoc("Kinds") + ")");
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) CheckObject(v[i], path + "[" + std::to_string(i) + "]", fields, ctx, what);
  };
  return Check(std::move(fn), std::move(fields));
}

Check ObjectOf(std::vector<Field> fields, std::string what) {
  auto fn = [fields, what = std::move(what)](const json& v, const std::string& path, Ctx& ctx) {
    CheckObject(v, path, fields, ctx, what);
  };
  return Check(std::move(fn), std::move(fields));
}

const std::vector<std::string> kMeasureValues = {"vehicles", "persons", "patients", "cargo"};

const std::vector<std::string> kRuleTypes = {"route_open", "service_restored", "commodity_allowed", "flow_at_least",
                                             "not_evaluable"};

// The fields of a rule of type `type` (docs/analysis.md, "Compliance"), and
// how an error names them; nullptr for an unknown type.
const std::pair<std::vector<Field>, std::string>* RuleFields(const std::string& type) {
  using Fields = std::pair<std::vector<Field>, std::string>;
  static const std::map<std::string, Fields, std::less<>> kRules = {
      {"route_open",
       {{{"type", Type::kText, true},
         {"route", Type::kRef, true, {}, "route"},
         VocabularyField("for", "restricted", Type::kEnumList, true),
         {"directions", Type::kEnumList, true, {"in", "out"}},
         {"from", Type::kDate, true},
         {"until", Type::kDate}},
        "a route_open rule {type, route, for, directions, from, until}"}},
      {"service_restored",
       {{{"type", Type::kText, true},
         VocabularyField("utility", "utility", Type::kEnum, true),
         {"area", Type::kText},
         {"from", Type::kDate, true},
         {"until", Type::kDate}},
        "a service_restored rule {type, utility, area, from, until}"}},
      {"commodity_allowed",
       {{{"type", Type::kText, true},
         VocabularyField("commodity", "restricted", Type::kEnum, true),
         {"routes", Type::kRefList, false, {}, "route"},
         {"directions", Type::kEnumList, false, {"in", "out"}},
         {"from", Type::kDate, true},
         {"until", Type::kDate}},
        "a commodity_allowed rule {type, commodity, routes, directions, from, until}"}},
      {"flow_at_least",
       {{{"type", Type::kText, true},
         {"measure", Type::kEnum, true, kMeasureValues},
         {"commodity", Type::kText},
         {"unit", Type::kObject, false, {}, {}, CheckUnit},
         {"quantity", Type::kNonNegNumber, true},
         {"per", Type::kEnum, true, {"day", "week", "month"}},
         {"routes", Type::kRefList, false, {}, "route"},
         {"directions", Type::kEnumList, false, {"in", "out"}},
         {"from", Type::kDate, true},
         {"until", Type::kDate}},
        "a flow_at_least rule {type, measure, commodity, unit, quantity, per, routes, directions, from, until}"}},
      {"not_evaluable", {{{"type", Type::kText, true}, {"reason", Type::kText, true}}, "a not_evaluable rule {type, reason}"}},
  };
  auto it = kRules.find(type);
  return it == kRules.end() ? nullptr : &it->second;
}

// A flow_at_least rule's measure and its cargo fields agree; lists given
// name something.
void CheckRuleCrossFields(const json& v, const std::string& path, Ctx& ctx) {
  for (const char* list : {"for", "routes", "directions"}) {
    if (v.contains(list) && v.at(list).is_array() && v.at(list).empty()) {
      ctx.Error(path + "." + list, "must name at least one value (leave it out for all, where it may be left out)",
                std::string("name the values it covers, e.g. \"") + list + "\": " +
                    (std::string_view(list) == "directions" ? "[\"in\"]" : std::string_view(list) == "for" ? "[\"persons\"]" : "[\"<route id>\"]") +
                    ", or leave it out for all where the rule allows (" + RecordsDoc("Obligation rules") + ")");
    }
  }
  if (v.value("type", "") != "flow_at_least" || !v.contains("measure") || !v.at("measure").is_string()) return;
  const bool cargo = v.at("measure") == "cargo";
  if (cargo && !v.contains("unit")) {
    ctx.Error(path + ".unit", "is required for a cargo flow: the unit of quantity",
              "give the unit quantity is counted in, e.g. \"unit\": \"t\" (" + RecordsDoc("Obligation rules") + ")");
  }
  for (const char* k : {"commodity", "unit"}) {
    if (!cargo && v.contains(k)) {
      ctx.Error(path + "." + k, "is given only for a cargo flow (measure cargo)",
                std::string("leave ") + k + " out, or make the rule's measure \"cargo\" if it counts goods (" +
                    RecordsDoc("Obligation rules") + ")");
    }
  }
}

// What to give a rule whose type is missing or unknown.
std::string RuleTypeHint(const json* type) {
  const std::string near = type != nullptr && type->is_string() ? NearHint(type->get<std::string>(), kRuleTypes) : "";
  return near + "give \"type\" as one of " + JoinNames(kRuleTypes) + ", with that type's members, e.g. " +
         ObjectExample("rule") + " (" + RecordsDoc("Obligation rules") + ")";
}

void CheckRule(const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_object()) {
    ctx.Error(path, "must be a rule object {type, ...} (docs/analysis.md, \"Compliance\"), not " + TypeName(v),
              "give an object, e.g. \"rule\": " + ObjectExample("rule") + "; an obligation no rule can check takes "
              "{\"type\": \"not_evaluable\", \"reason\": \"...\"} (" + RecordsDoc("Obligation rules") + ")");
    return;
  }
  const json* type = Member(v, "type");
  const auto* rule = type != nullptr && type->is_string() ? RuleFields(type->get<std::string>()) : nullptr;
  if (rule == nullptr) {
    std::string all;
    for (const auto& t : kRuleTypes) all += (all.empty() ? "" : ", ") + t;
    ctx.Error(path + ".type", type == nullptr ? "is required: one of " + all
                                              : "must be one of " + all + ", not " + type->dump() +
                                                    " (an obligation no rule can check takes not_evaluable with "
                                                    "its reason)",
              RuleTypeHint(type));
    return;
  }
  CheckObject(v, path, rule->first, ctx, rule->second);
  CheckRuleCrossFields(v, path, ctx);
}

// low <= best <= high is not required: real datasets (UCDP GED among them)
// carry estimates out of that order, and Lifeline keeps what sources say.
Check Fatalities() {
  return ObjectOf({{"low", Type::kCount}, {"best", Type::kCount, true}, {"high", Type::kCount}},
                  "fatalities {low, best, high}");
}

void CheckPath(const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_array()) {
    ctx.Error(path, "must be an array of [lat, lon] points",
              "give the route's line as points in order, e.g. \"path\": " + ObjectExample("path") + " (" + RecordsDoc("Kinds") + ")");
    return;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const json& p = v[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number() ||
        std::abs(p[0].get<double>()) > 90 || std::abs(p[1].get<double>()) > 180) {
      ctx.Error(path + "[" + std::to_string(i) + "]", "must be [lat, lon] with -90..90 and -180..180",
                "give each point as two numbers, latitude first, e.g. [39.6, 46.5]; GeoJSON's [lon, lat] order is the "
                "usual mistake (" + RecordsDoc("Kinds") + ")");
    }
  }
}

// A kText or kUrl value: a non-empty string; a URL is http(s).
void CheckTextValue(const Field& f, const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
    ctx.Error(path, "must be a non-empty string, not " + TypeName(v), FieldHint(f, path));
  } else if (f.type == Type::kUrl) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.rfind("https://", 0) != 0 && s.rfind("http://", 0) != 0) {
      ctx.Error(path, "must be an http(s) URL, not \"" + s + "\"", FieldHint(f, path));
    }
  }
}

// What to give an enum field `f` (at `path`) whose value `v` is none of
// `allowed`: the value it looks like a misspelling of, or the vocabulary to
// add it to.
std::string EnumHint(const Field& f, const json& v, const std::string& path, const std::vector<std::string>& allowed) {
  const std::string near = v.is_string() ? NearHint(v.get<std::string>(), allowed) : "";
  if (f.vocabulary.empty()) return near + FieldHint(f, path);
  return near + "use one of these, or add it to the case record's vocabulary." + f.vocabulary +
         " with a definition (" + RecordsDoc("Vocabularies") + ")";
}

// A kEnum value: one of the field's values or, for a vocabulary field, of
// the terms the case adds to it.
void CheckEnumValue(const Field& f, const json& v, const std::string& path, Ctx& ctx) {
  const std::map<std::string, std::string, std::less<>>* added = nullptr;
  if (!f.vocabulary.empty() && ctx.vocabulary != nullptr) {
    if (auto it = ctx.vocabulary->find(f.vocabulary); it != ctx.vocabulary->end()) added = &it->second;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (std::find(f.values.begin(), f.values.end(), s) != f.values.end()) return;
    if (added != nullptr && added->count(s) != 0) return;
  }
  std::vector<std::string> allowed = f.values;
  if (added != nullptr) {
    for (const auto& [term, definition] : *added) allowed.push_back(term);
  }
  ctx.Error(path, "must be one of " + JoinNames(allowed) + ", not " + v.dump(), EnumHint(f, v, path, allowed));
}

// A kEnumList value: an array of the field's values, none repeated.
void CheckEnumListValue(const Field& f, const json& v, const std::string& path, Ctx& ctx) {
  if (!v.is_array()) {
    ctx.Error(path, "must be an array, not " + TypeName(v), FieldHint(f, path));
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    Field one = f;
    one.type = Type::kEnum;
    CheckValue(one, v[i], path + "[" + std::to_string(i) + "]", ctx);
    if (v[i].is_string() && !seen.insert(v[i].get<std::string>()).second) {
      ctx.Error(path + "[" + std::to_string(i) + "]", "repeats " + v[i].dump(),
                "list each value once (" + RecordsDoc(SectionFor(path, f.type)) + ")");
    }
  }
}

// A kDate (YYYY-MM-DD) or kDateTime (RFC 3339, or a date) value, within the
// plausible dates.
void CheckDateValue(const Field& f, const json& v, const std::string& path, Ctx& ctx) {
  if (f.type == Type::kDate) {
    if (!v.is_string()) {
      ctx.Error(path, "must be a date YYYY-MM-DD, not " + TypeName(v), FieldHint(f, path));
    } else if (auto d = ParseDate(v.get_ref<const std::string&>()); !d.ok()) {
      ctx.Error(path, d.status().message(), FieldHint(f, path));
    } else {
      ctx.CheckDay(path, *d);
    }
    return;
  }
  if (!v.is_string()) {
    ctx.Error(path, "must be an RFC 3339 date-time or a date, not " + TypeName(v), FieldHint(f, path));
  } else if (auto d = ParseDateTime(v.get_ref<const std::string&>()); !d.ok()) {
    ctx.Error(path, d.status().message(), FieldHint(f, path));
  } else {
    // The UTC day (floor division: before 1970 too).
    ctx.CheckDay(path, Day{*d >= 0 ? *d / 86400 : -((-*d + 86399) / 86400)});
  }
}

void CheckValue(const Field& f, const json& v, const std::string& path, Ctx& ctx) {
  switch (f.type) {
    case Type::kText:
    case Type::kUrl: CheckTextValue(f, v, path, ctx); return;
    case Type::kId:
      if (!v.is_string() || !IsId(v.get_ref<const std::string&>())) {
        ctx.Error(path, "must match ^[a-z0-9][a-z0-9._:-]{0,127}$, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kRef: CheckRef(v, path, f.ref_kind, ctx); return;
    case Type::kRefList:
      if (!v.is_array()) {
        ctx.Error(path, "must be an array of record ids, not " + TypeName(v), FieldHint(f, path));
        return;
      }
      for (size_t i = 0; i < v.size(); ++i) CheckRef(v[i], path + "[" + std::to_string(i) + "]", f.ref_kind, ctx);
      return;
    case Type::kEnum: CheckEnumValue(f, v, path, ctx); return;
    case Type::kEnumList: CheckEnumListValue(f, v, path, ctx); return;
    case Type::kTextList:
      if (!v.is_array()) {
        ctx.Error(path, "must be an array of strings, not " + TypeName(v), FieldHint(f, path));
        return;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        CheckValue(Field{f.name, Type::kText}, v[i], path + "[" + std::to_string(i) + "]", ctx);
      }
      return;
    case Type::kDate:
    case Type::kDateTime: CheckDateValue(f, v, path, ctx); return;
    case Type::kCount:
      if (!v.is_number_integer() || v.get<int64_t>() < 0) {
        ctx.Error(path, "must be a whole number >= 0, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kNumber:
      if (!v.is_number()) ctx.Error(path, "must be a number, not " + TypeName(v), FieldHint(f, path));
      return;
    case Type::kNonNegNumber:
      if (!v.is_number() || v.get<double>() < 0) {
        ctx.Error(path, "must be a number >= 0, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kBool:
      if (!v.is_boolean()) ctx.Error(path, "must be true or false, not " + v.dump(), FieldHint(f, path));
      return;
    case Type::kSha256:
      if (!v.is_string() || !IsSha256Hex(v.get_ref<const std::string&>())) {
        ctx.Error(path, "must be a SHA-256 as 64 lowercase hex digits, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kLocation: CheckLocation(v, path, ctx); return;
    case Type::kAny:
      if (v.is_null()) {
        ctx.Error(path, "must be a value (a string, number, boolean, array or object), not null", FieldHint(f, path));
      }
      return;
    case Type::kQuantityList:
      if (!v.is_array()) {
        ctx.Error(path, "must be an array of {commodity, quantity, unit}, not " + TypeName(v), FieldHint(f, path));
        return;
      }
      for (size_t i = 0; i < v.size(); ++i) CheckQuantity(v[i], path + "[" + std::to_string(i) + "]", ctx);
      return;
    case Type::kObject:
    case Type::kArray: f.custom.fn(v, path, ctx); return;
    case Type::kFraction:
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
        ctx.Error(path, "must be a number from 0 to 1, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kHours:
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 24) {
        ctx.Error(path, "must be a number of hours from 0 to 24, not " + v.dump(), FieldHint(f, path));
      }
      return;
    case Type::kIntRange: {
      int64_t lo = std::stoll(f.values[0]), hi = std::stoll(f.values[1]);
      if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
        ctx.Error(path, "must be a whole number from " + f.values[0] + " to " + f.values[1] + ", not " + v.dump(), FieldHint(f, path));
      }
      return;
    }
  }
}

// --- case vocabularies ---------------------------------------------------

constexpr const char* kTermPattern = "^[a-z][a-z0-9_]{0,63}$";

bool IsTerm(const std::string& s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A case record's `vocabulary`: {name: {term: definition}}, each name one of
// kVocabularyNames, each term new to its core; an outcome term is
// {definition, counts_as} (record/outcome_class.h).
void CheckVocabulary(const json& v, const std::string& path, Ctx& ctx) {
  const std::string doc = " (" + RecordsDoc("Vocabularies") + ")";
  const std::string example = "e.g. \"vocabulary\": " + ObjectExample("vocabulary") + doc;
  if (!v.is_object()) {
    ctx.Error(path, "must be an object {vocabulary name: {term: definition}}, not " + TypeName(v),
              "give each vocabulary the case extends with its new terms and their definitions, " + example);
    return;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string name_path = path + "." + it.key();
    const std::vector<std::string>& core = CoreVocabulary(it.key());
    if (core.empty()) {
      std::vector<std::string> names(std::begin(kVocabularyNames), std::end(kVocabularyNames));
      ctx.Error(name_path, "is not a vocabulary a case extends (utility, restricted, outcome, route_type)",
                UnknownFieldHint(it.key(), names, "a case's vocabulary", "Vocabularies"));
      continue;
    }
    if (!it.value().is_object() || it.value().empty()) {
      ctx.Error(name_path, "must be an object of at least one {term: one-line definition}, not " + it.value().dump(),
                "give the terms the case adds and what each means, " + example + "; a vocabulary the case does not "
                "extend is left out");
      continue;
    }
    for (auto t = it.value().begin(); t != it.value().end(); ++t) {
      const std::string term_path = name_path + "." + t.key();
      if (!IsTerm(t.key())) {
        ctx.Error(term_path, "is not a term: lowercase letters, digits and '_', starting with a letter, at most 64",
                  "write the term as a short name such as \"cooking_fuel\", and its wording in the definition" + doc);
      } else if (std::find(core.begin(), core.end(), t.key()) != core.end()) {
        ctx.Error(term_path, "is already a core term of " + it.key() + ": use it without defining it",
                  "remove it from vocabulary." + it.key() + "; records may use it as it is" + doc);
      }
      if (it.key() == "outcome") {
        // An outcome term carries its class (record/outcome_class.h).
        if (std::string e = OutcomeTermError(t.value()); !e.empty()) {
          ctx.Error(term_path, e,
                    "say which core outcome the analyses count it as, e.g. \"diverted\": {\"definition\": \"sent to "
                    "another crossing\", \"counts_as\": \"turned_back\"}" + doc);
        }
      } else if (!t.value().is_string() || t.value().get_ref<const std::string&>().empty()) {
        ctx.Error(term_path, "must be the term's one-line definition, a non-empty string, not " + TypeName(t.value()),
                  "say in one line what the term covers, " + example);
      }
    }
  }
}

// --- the kinds -----------------------------------------------------------

struct Kind {
  std::string name;
  bool factual;
  std::vector<Field> fields;
  std::string doc;
  // The envelope's and the fields' names, sorted as a record's members are
  // (WithKnownNames): CheckKindFields merges the two lists.
  std::vector<std::string> known = {};
};

// The members every kind shares (CheckEnvelope).
constexpr std::string_view kEnvelopeFields[] = {"kind", "id",           "case",     "sources", "supersedes",
                                                 "note", "confidential", "recorded", "by"};

std::vector<Kind> WithKnownNames(std::vector<Kind> kinds) {
  for (Kind& k : kinds) {
    k.known.assign(std::begin(kEnvelopeFields), std::end(kEnvelopeFields));
    for (const Field& f : k.fields) k.known.push_back(f.name);
    std::sort(k.known.begin(), k.known.end());
  }
  return kinds;
}

const std::vector<std::string>& kUtilities = CoreVocabulary("utility");
const std::vector<std::string> kCauses = {"hostilities", "deprivation", "accident", "undetermined"};
const std::vector<std::string> kEventTypes = {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                              "Protests", "Riots", "Strategic developments", "Unspecified"};

const std::vector<Kind>& KindTable() {
  static const std::vector<Kind> kinds = WithKnownNames({
      {std::string(kinds::kCase), true,
       {{"title", Type::kText, true},
        {"region", Type::kText, true},
        {"country", Type::kText},
        {"started", Type::kDate, true},
        {"ended", Type::kDate},
        {"population", Type::kArray, false, {}, {},
         ArrayOf({{"date", Type::kDate, true}, {"count", Type::kCount, true}, {"sources", Type::kRefList, false, {}, "source"},
                  {"note", Type::kText}},
                 "population estimates {date, count, sources, note}")},
        {"displaced", Type::kArray, false, {}, {},
         ArrayOf({{"date", Type::kDate, true}, {"count", Type::kCount, true}, {"sources", Type::kRefList, false, {}, "source"},
                  {"note", Type::kText}},
                 "displacement figures {date, count, sources, note}")},
        {"public", Type::kBool},
        // v2: the case profile (docs/records.md, "The case profile").
        {"lifeline_routes", Type::kRefList, false, {}, "route"},
        {"parties", Type::kTextList},
        {"dependency", Type::kArray, false, {}, {},
         ArrayOf({{"commodity", Type::kText, true},
                  {"share", Type::kFraction},
                  {"sources", Type::kRefList, false, {}, "source"},
                  {"note", Type::kText}},
                 "import dependency {commodity, share, sources, note}")},
        {"discrepancy_tolerance", Type::kFraction},
        // v2: the days the case's records may be dated (Plausible dates).
        {"date_window", Type::kObject, false, {}, {},
         ObjectOf({{"from", Type::kDate}, {"until", Type::kDate}}, "plausible dates {from, until}")},
        // The case's additions to the controlled vocabularies (Vocabularies).
        {"vocabulary", Type::kObject, false, {}, {}, CheckVocabulary}},
       "the case: a population cut off, and when"},
      {std::string(kinds::kSource), false,
       {{"publisher", Type::kText, true},
        {"title", Type::kText, true},
        {"url", Type::kUrl},
        {"published", Type::kDate},
        {"language", Type::kText},
        {"publisher_type", Type::kEnum, false,
         {"official", "court", "intergovernmental", "ngo", "media", "party", "academic", "other"}},
        {"party", Type::kText},
        {"reliability", Type::kEnum, false, {"A", "B", "C", "D", "E", "F"}},
        {"credibility", Type::kIntRange, false, {"1", "6"}},
        {"archived_sha256", Type::kSha256}},
       "a publication records cite"},
      {std::string(kinds::kEvidence), true,
       {{"sha256", Type::kSha256, true},
        {"media_type", Type::kText, true},
        {"size", Type::kCount, true},
        {"captured_at", Type::kDateTime},
        {"location", Type::kLocation},
        {"description", Type::kText},
        {"file_name", Type::kText},
        {"custody", Type::kArray, false, {}, {},
         ArrayOf({{"at", Type::kDateTime, true}, {"by", Type::kText, true}, {"action", Type::kText, true}},
                 "custody steps {at, by, action}")}},
       "a file kept in the blob store; only its hash enters the log"},
      {std::string(kinds::kRoute), true,
       {{"name", Type::kText, true},
        VocabularyField("type", "route_type", Type::kEnum, true),
        {"from", Type::kText},
        {"to", Type::kText},
        {"path", Type::kArray, false, {}, {}, CheckPath},
        {"description", Type::kText}},
       "a lifeline into the area"},
      {std::string(kinds::kRouteStatus), true,
       {{"route", Type::kRef, true, {}, "route"},
        {"from", Type::kDateTime, true},
        {"until", Type::kDateTime},
        {"status", Type::kEnum, true, {"open", "restricted", "closed"}},
        VocabularyField("restricted", "restricted", Type::kEnumList),
        {"imposed_by", Type::kText},
        {"directions", Type::kEnumList, false, {"in", "out"}},  // v2; absent: both
        {"controls", Type::kText}},                              // v2
       "a change of a route's status"},
      {std::string(kinds::kBaseline), true,
       {{"route", Type::kRef, true, {}, "route"},
        {"period", Type::kObject, true, {}, {},
         ObjectOf({{"from", Type::kDate, true}, {"to", Type::kDate, true}}, "a period {from, to}")},
        {"per_day", Type::kObject, true, {}, {},
         ObjectOf({{"vehicles", Type::kNonNegNumber}, {"persons", Type::kNonNegNumber},
                   {"patients", Type::kNonNegNumber}, {"cargo", Type::kQuantityList}},
                  "daily flows {vehicles, persons, patients, cargo}")},
        {"directions", Type::kEnumList, false, {"in", "out"}}},  // v2
       "the flow along a route before the crisis"},
      {std::string(kinds::kMovement), true,
       {{"route", Type::kRef, true, {}, "route"},
        {"date", Type::kDate, true},
        {"date_precision", Type::kEnum, false, {"day", "week", "month", "year"}},
        // v2: "both" for a period total of both directions together.
        {"direction", Type::kEnum, true, {"in", "out", "both"}},
        {"operator", Type::kText, true},
        VocabularyField("outcome", "outcome", Type::kEnum),
        {"vehicles", Type::kCount},
        {"persons", Type::kCount},
        {"patients", Type::kCount},
        {"cargo", Type::kQuantityList},
        // A total over several days (a source's cumulative figure): analysis
        // reports it apart and never adds it to daily values.
        {"period", Type::kObject, false, {}, {},
         ObjectOf({{"from", Type::kDate, true}, {"to", Type::kDate, true}}, "a period {from, to}")},
        // v2: "at least 680" is a lower bound; whose count it is.
        {"qualifier", Type::kEnum, false, {"at_least", "about", "at_most"}},
        {"reported_by", Type::kText},
        // The routes the movement took, in order, when more than one; it is
        // counted on `route`.
        {"via", Type::kRefList, false, {}, "route"}},
       "a crossing (or an attempt) along a route, or a total over a period"},
      {std::string(kinds::kIncident), true,
       {{"date", Type::kDate, true},
        {"date_precision", Type::kEnum, false, {"day", "week", "month", "year"}},
        {"location", Type::kLocation, true},
        {"event_type", Type::kEnum, true, kEventTypes},
        {"sub_event_type", Type::kText},
        {"access_constraint", Type::kIntRange, false, {"1", "9"}},
        {"actors", Type::kTextList},
        {"fatalities", Type::kObject, false, {}, {}, Fatalities()},
        {"injuries", Type::kCount},
        {"description", Type::kText},
        // v2: casualties as UCDP codes them, by party and category.
        {"cause", Type::kEnum, false, kCauses},
        {"casualties", Type::kArray, false, {}, {},
         ArrayOf({{"party", Type::kText, true},
                  {"category", Type::kEnum, true, {"combatant", "civilian", "unknown"}},
                  {"fatalities", Type::kObject, true, {}, {}, Fatalities()},
                  {"injuries", Type::kCount},
                  {"reported_by", Type::kText},
                  {"note", Type::kText}},
                 "casualties {party, category, fatalities, injuries, reported_by, note}")}},
       "an event: attack, clash, protest, strategic development"},
      {std::string(kinds::kOutage), true,
       {VocabularyField("utility", "utility", Type::kEnum, true),
        {"from", Type::kDateTime, true},
        {"until", Type::kDateTime},
        {"date_precision", Type::kEnum, false, {"day", "week", "month", "year"}},
        {"area", Type::kText},
        {"cause", Type::kText},
        {"attributed_to", Type::kText},
        {"scope", Type::kEnum, false, {"service", "supply_line"}},  // v2; absent: service
        {"confirmed_until", Type::kDateTime}},                      // v2
       "a cut of gas, power, water or communications"},
      {std::string(kinds::kSchedule), true,
       {VocabularyField("utility", "utility", Type::kEnum, true),
        {"from", Type::kDateTime, true},
        {"until", Type::kDateTime},
        {"date_precision", Type::kEnum, false, {"day", "week", "month", "year"}},
        {"hours_off_per_day", Type::kHours, true},
        {"area", Type::kText},
        {"confirmed_until", Type::kDateTime}},
       "a rationing or blackout schedule: hours a day without a utility"},
      {std::string(kinds::kObligation), true,
       {{"instrument", Type::kEnum, true,
         {"court_order", "interim_measure", "agreement", "resolution", "statement"}},
        {"title", Type::kText, true},
        {"issued", Type::kDate, true},
        {"issuer", Type::kText},
        {"binding_on", Type::kTextList},
        {"text", Type::kText},
        {"rule", Type::kObject, true, {}, {}, CheckRule}},
       "a court order, agreement or resolution, with a machine-checkable rule"},
      {std::string(kinds::kNeedStandard), true,
       {{"commodity", Type::kText, true},
        {"quantity", Type::kNonNegNumber, true},
        {"unit", Type::kObject, true, {}, {}, CheckUnit},
        {"basis", Type::kText, true},
        {"equivalents", Type::kArray, false, {}, {},
         ArrayOf({{"commodity", Type::kText, true},
                  {"quantity", Type::kNonNegNumber, true},
                  {"unit", Type::kObject, true, {}, {}, CheckUnit},
                  {"note", Type::kText}},
                 "equivalents {commodity, quantity, unit}: one `unit` of `commodity` counts as `quantity` of the "
                 "standard's unit")}},
       "what one person needs per day of a commodity"},
      {std::string(kinds::kStock), true,
       {{"commodity", Type::kText, true},
        {"date", Type::kDate, true},
        {"quantity", Type::kNonNegNumber, true},
        {"unit", Type::kObject, true, {}, {}, CheckUnit},
        {"area", Type::kText}},
       "a reported stock on hand"},
      {std::string(kinds::kWatch), true,
       {{"route", Type::kRef, true, {}, "route"},
        {"from", Type::kDate, true},
        {"to", Type::kDate},
        {"directions", Type::kEnumList, false, {"in", "out"}},
        {"measures", Type::kEnumList, false, kMeasureValues}},
       "a route watched on these days: every crossing is recorded, so a day without one is a recorded zero"},
      {std::string(kinds::kRequirement), true,
       {{"measure", Type::kEnum, true, {"vehicles", "persons", "cargo"}},
        {"commodity", Type::kText},
        {"quantity", Type::kNonNegNumber, true},
        {"unit", Type::kObject, false, {}, {}, CheckUnit},
        {"per", Type::kEnum, true, {"day", "week"}},
        {"routes", Type::kRefList, false, {}, "route"},
        {"from", Type::kDate},
        {"until", Type::kDate},
        {"basis", Type::kText, true}},
       "a stated requirement: a flow (vehicles, persons or cargo a day or a week) the population needs"},
      {std::string(kinds::kClaim), true,
       {{"about", Type::kRef, true},
        {"stance", Type::kEnum, true, {"confirms", "disputes"}},
        {"party", Type::kText, true},
        {"text", Type::kText, true},
        // A position on one field of the record: its name, and what the
        // party says it is.
        {"field", Type::kText},
        {"value", Type::kAny}},
       "a party's position on another record, or on one of its fields"},
      {std::string(kinds::kRetraction), false,
       {{"retracts", Type::kRef, true}, {"reason", Type::kText, true}},
       "withdraws a record"},
      {std::string(kinds::kTag), true,
       {{"targets", Type::kRefList, true},
        {"framework", Type::kText, true},
        {"factor", Type::kText, true},
        {"indicator", Type::kText},
        {"author", Type::kText, true},
        {"text", Type::kText, true}},
       "a monitor's tag of records against a risk factor (and indicator) of an analysis framework; it never "
       "changes the tagged records"},
  });
  return kinds;
}

// Two dates out of order: `later` before `earlier`.
std::string OrderHint(const std::string& earlier, const std::string& later) {
  return "give " + later + " on or after " + earlier + " (swap them if they were entered the wrong way round; " +
         later + " is the last day or time, not a length) (" + RecordsDoc("Kinds") + ")";
}

int64_t CountOr(const json& obj, const char* key, int64_t fallback) {
  return obj.is_object() && obj.contains(key) && obj.at(key).is_number_integer() ? obj.at(key).get<int64_t>()
                                                                                  : fallback;
}

// An incident's casualties, when given with its fatalities, must add up to
// them (low, best and high; a missing low or high is the best figure).
void CheckCasualtySums(const json& rec, Ctx& ctx) {
  if (!rec.contains("casualties") || !rec.at("casualties").is_array() || !rec.contains("fatalities")) return;
  const json& f = rec.at("fatalities");
  if (!f.is_object() || !f.contains("best") || !f.at("best").is_number_integer()) return;
  int64_t best = f.at("best").get<int64_t>();
  int64_t want[3] = {CountOr(f, "low", best), best, CountOr(f, "high", best)};
  int64_t sum[3] = {0, 0, 0};
  for (const json& c : rec.at("casualties")) {
    if (!c.is_object() || !c.contains("fatalities")) return;  // reported above
    const json& cf = c.at("fatalities");
    int64_t b = CountOr(cf, "best", 0);
    sum[0] += CountOr(cf, "low", b);
    sum[1] += b;
    sum[2] += CountOr(cf, "high", b);
  }
  const char* names[3] = {"low", "best", "high"};
  for (int i = 0; i < 3; ++i) {
    if (sum[i] != want[i]) {
      ctx.Error("casualties", "the casualties' fatalities " + std::string(names[i]) + " add up to " +
                                  std::to_string(sum[i]) + ", but fatalities." + names[i] + " is " +
                                  std::to_string(want[i]),
                "make each party's and category's figures add up to the incident's fatalities, or leave fatalities out "
                "and let the casualties say it; an unassigned remainder goes in a casualty of category \"unknown\" (" +
                    RecordsDoc("Casualties by party, category and cause") + ")");
    }
  }
}

const Kind* FindKind(const std::string& name);

// A claim about one field names a field the record it is about can hold;
// `value` says what the party says that field is, so it needs `field`.
void CheckClaimField(const json& rec, Ctx& ctx) {
  if (rec.contains("value") && !rec.contains("field")) {
    ctx.Error("value", "is what the party says one field is: give that field's name in field",
              "add \"field\": the name of the field it is about (e.g. \"field\": \"imposed_by\"), or leave value out for a "
              "claim about the whole record (" + RecordsDoc("Kinds") + ", claim)");
  }
  const json* field = Member(rec, "field");
  const json* about = Member(rec, "about");
  if (field == nullptr || !field->is_string() || about == nullptr || !about->is_string() || ctx.resolver == nullptr) return;
  auto kind_name = ctx.resolver->KindOf(about->get<std::string>());
  const Kind* kind = kind_name ? FindKind(*kind_name) : nullptr;
  if (kind == nullptr) return;  // an unresolved `about` is reported there
  const std::string& name = field->get_ref<const std::string&>();
  for (const Field& f : kind->fields) {
    if (f.name == name) return;
  }
  std::vector<std::string> names;
  for (const Field& f : kind->fields) names.push_back(f.name);
  ctx.Error("field", "\"" + name + "\" is not a field of a " + *kind_name + " record (" + JoinNames(names) +
                         "); a claim about the whole record leaves field out",
            UnknownFieldHint(name, names, "a " + *kind_name + " record", "Kinds"));
}

void CheckCrossFields(const std::string& kind, const json& rec, Ctx& ctx) {
  for (const char* list : {"directions", "measures"}) {
    if (rec.contains(list) && rec.at(list).is_array() && rec.at(list).empty()) {
      ctx.Error(list, "must name at least one value (leave it out for all)",
                std::string("name the values it covers, e.g. \"") + list + "\": " +
                    (std::string_view(list) == "directions" ? "[\"in\"]" : "[\"vehicles\"]") + ", or leave " + list +
                    " out for all (" + RecordsDoc("Kinds") + ")");
    }
  }
  if (kind == kinds::kIncident) CheckCasualtySums(rec, ctx);
  if (kind == kinds::kClaim) CheckClaimField(rec, ctx);
  if (kind == kinds::kMovement && rec.contains("via") && rec.at("via").is_array() && rec.at("via").size() < 2) {
    ctx.Error("via", "names the routes of a movement over several, in order: at least two (one route: leave via out)",
              "give every route taken, in order, e.g. \"via\": [\"<first route id>\", \"<second route id>\"], or leave "
              "via out when the movement used route alone (" + RecordsDoc("Kinds") + ", movement)");
  }
  if (kind == kinds::kCase && rec.contains("date_window") && rec.at("date_window").is_object()) {
    const json& w = rec.at("date_window");
    if (w.contains("from") && w.contains("until") && w.at("from").is_string() && w.at("until").is_string()) {
      auto f = ParseDate(w.at("from").get<std::string>()), u = ParseDate(w.at("until").get<std::string>());
      if (f.ok() && u.ok() && *u < *f) {
        ctx.Error("date_window.until", "is before date_window.from", OrderHint("date_window.from", "date_window.until"));
      }
    }
  }
  if (kind == kinds::kMovement && rec.contains("direction") && rec.at("direction") == "both" && !rec.contains("period")) {
    ctx.Error("direction", "is \"both\" only for a total over a period (with period): a crossing has one direction",
              "give \"in\" or \"out\" for a crossing (two records if it went both ways), or add \"period\": " +
                  ObjectExample("period") + " for a total a source does not split (" +
                  RecordsDoc("Movements over a period") + ")");
  }
  if (kind == kinds::kRequirement && rec.contains("measure") && rec.at("measure").is_string()) {
    const std::string& m = rec.at("measure").get_ref<const std::string&>();
    const std::string doc = " (" + RecordsDoc("Requirements: `requirement`") + ")";
    if (m == "cargo" && !rec.contains("unit")) {
      ctx.Error("unit", "is required for a cargo requirement", "give the unit quantity is counted in, e.g. \"unit\": \"t\"" + doc);
    }
    for (const char* k : {"commodity", "unit"}) {
      if (m != "cargo" && rec.contains(k)) {
        ctx.Error(k, "is given only for a cargo requirement",
                  std::string("leave ") + k + " out, or make measure \"cargo\" if the requirement counts goods" + doc);
      }
    }
  }
}

// Fields of free text, which may hold tab and line breaks (CR, LF: prose
// over several lines); every other string (ids, dates, enums, names, units,
// URLs, object keys) holds no control character at all.
bool IsProse(std::string_view key) {
  // Checked for every member of every record: a few comparisons, no lookup.
  static constexpr std::string_view kProse[] = {"note", "description", "text", "reason", "basis", "controls"};
  return std::find(std::begin(kProse), std::end(kProse), key) != std::end(kProse);
}

// The first character of `s` a record must not hold, as "U+XXXX (what) at
// byte N", or "" when there is none: C0 controls (but tab, CR and LF in prose), DEL,
// C1 controls (U+0080..U+009F) and the byte order mark U+FEFF, which is
// invisible and marks a file's start, never text. `s` is UTF-8 (the JSON
// reader and the CSV reader ensure it).
std::string ForbiddenCharacter(const std::string& s, bool prose) {
  char buf[64];
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Line breaks in prose: LF, CR LF (a multi-line cell saved on Windows),
    // CR (old Mac files); the CSV round trip keeps each as written.
    if ((c < 0x20 && !(prose && (c == '\t' || c == '\n' || c == '\r'))) || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "U+%04X (a control character) at byte %zu", c, i);
      return buf;
    }
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      std::snprintf(buf, sizeof buf, "U+%04X (a C1 control character) at byte %zu",
                    static_cast<unsigned char>(s[i + 1]), i);
      return buf;
    }
    if (c == 0xef && s.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      std::snprintf(buf, sizeof buf, "U+FEFF (a byte order mark) at byte %zu", i);
      return buf;
    }
  }
  return "";
}

// Every string and key in `v`, at `path`; `prose` when free text. `path`
// is a buffer that each level extends and restores, so that the walk builds
// no string per member (it runs over every value of every record).
void CheckCharacters(const json& v, std::string& path, bool prose, Ctx& ctx) {
  const size_t len = path.size();
  if (v.is_string()) {
    std::string bad = ForbiddenCharacter(v.get_ref<const std::string&>(), prose);
    if (!bad.empty()) {
      ctx.Error(path, std::string("holds ") + bad +
                          (prose ? "; free text may hold tab and line breaks (CR, LF) but no other control character"
                                 : "; this field may hold no control character, not even tab or newline"),
                "remove the character (often pasted along with the text from a PDF or spreadsheet)" +
                    std::string(prose ? "" : "; text that needs line breaks belongs in note or description") + " (" +
                    RecordsDoc("Input rules (checked at submission)") + ")");
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      AppendIndex(path, i);
      CheckCharacters(v[i], path, prose, ctx);
      path.resize(len);
    }
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      std::string bad = ForbiddenCharacter(key, false);
      if (!bad.empty()) {
        ctx.Error(len == 0 ? "(key)" : path, "a key holds " + bad + ": " + json(key).dump(),
                  "remove the character from the member's name; a field's name is as docs/records.md spells it (" +
                      RecordsDoc("Input rules (checked at submission)") + ")");
        continue;
      }
      if (len != 0) path += '.';
      path += key;
      // Inside `confidential` every value is free text (its fields are the submitter's).
      CheckCharacters(it.value(), path, prose || IsProse(key) || (len == 0 && key == "confidential"), ctx);
      path.resize(len);
    }
  }
}

// A retraction withdraws a record: never itself, never another retraction
// (retracting a retraction would bring a withdrawn record back by a second
// withdrawal, and two retracting each other would hide each other).
void CheckRetraction(const json& rec, Ctx& ctx) {
  if (!rec.contains("retracts") || !rec.at("retracts").is_string()) return;
  const std::string& target = rec.at("retracts").get_ref<const std::string&>();
  if (rec.contains("id") && rec.at("id") == target) {
    ctx.Error("retracts", "a record cannot retract itself",
              "give retracts the id of the record to withdraw, and the retraction an id of its own (" +
                  RecordsDoc("How records enter") + ")");
    return;
  }
  if (ctx.resolver == nullptr) return;
  if (auto kind = ctx.resolver->KindOf(target); kind && *kind == kinds::kRetraction) {
    ctx.Error("retracts", "refers to \"" + target + "\", a retraction: a retraction cannot be retracted",
              "retract the record itself, not its retraction; to put withdrawn content back, submit it again under a new id (" +
                  RecordsDoc("How records enter") + ")");
  }
}

// A tag names a framework of data/frameworks/ (record/framework.h), one of
// its factors and, if given, one of that factor's indicators; it tags
// records, never another tag or a retraction.
void CheckTag(const json& rec, Ctx& ctx) {
  auto str = [&](const char* k) -> std::string {
    const json* v = Member(rec, k);
    return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
  };
  const std::string name = str("framework"), factor_id = str("factor");
  if (name.empty()) return;  // reported by the field checks
  const Framework* fw = FindFramework(name);
  if (fw == nullptr) {
    std::vector<std::string> ids;
    for (const Framework& known : Frameworks()) ids.push_back(known.id);
    ctx.Error("framework", "\"" + name + "\" is not a known framework (known: " + JoinNames(ids) +
                               "; each is a file data/frameworks/<id>.json)",
              NearHint(name, ids) + "name one of the known frameworks, or add its file (" +
                  RecordsDoc("Tags against an analysis framework: `tag`") + ")");
    return;
  }
  if (factor_id.empty()) return;
  const FrameworkFactor* factor = fw->Factor(factor_id);
  if (factor == nullptr) {
    std::vector<std::string> ids;
    for (const auto& f : fw->factors) ids.push_back(f.id);
    ctx.Error("factor", "\"" + factor_id + "\" is not a factor of " + name + " (" + JoinNames(ids) + "; " + fw->file + ")",
              NearHint(factor_id, ids) + "give a factor id as " + fw->file + " spells it (" +
                  RecordsDoc("Tags against an analysis framework: `tag`") + ")");
    return;
  }
  const std::string indicator = str("indicator");
  if (!indicator.empty() && factor->Indicator(indicator) == nullptr) {
    std::vector<std::string> ids;
    for (const auto& i : factor->indicators) ids.push_back(i.id);
    ctx.Error("indicator", "\"" + indicator + "\" is not an indicator of " + factor_id + " (" + JoinNames(ids) + "; " +
                               fw->file + ")",
              NearHint(indicator, ids) + "give one of " + factor_id + "'s indicators, or leave indicator out to tag the "
              "factor as a whole (" + RecordsDoc("Tags against an analysis framework: `tag`") + ")");
  }
  const json* targets = Member(rec, "targets");
  if (targets == nullptr || !targets->is_array()) return;
  if (targets->empty()) {
    ctx.Error("targets", "must name at least one record",
              "give the ids of the records the tag is about, e.g. \"targets\": [\"<record id>\"]; " + ListRecordsHint("") +
                  " (" + RecordsDoc("Tags against an analysis framework: `tag`") + ")");
  }
  if (ctx.resolver == nullptr) return;
  for (size_t i = 0; i < targets->size(); ++i) {
    const json& t = (*targets)[i];
    if (!t.is_string()) continue;
    auto kind = ctx.resolver->KindOf(t.get<std::string>());
    if (kind && (*kind == kinds::kTag || *kind == kinds::kRetraction)) {
      std::string path = "targets";
      AppendIndex(path, i);
      ctx.Error(path, "refers to \"" + t.get<std::string>() + "\", a " + *kind + ": a tag tags records of the case, not " +
                          (*kind == kinds::kTag ? "other tags" : "retractions"),
                "tag the records the " + *kind + " is about instead (" +
                    RecordsDoc("Tags against an analysis framework: `tag`") + ")");
    }
  }
}

const Kind* FindKind(const std::string& name) {
  for (const auto& k : KindTable()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& Kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& k : KindTable()) v.push_back(k.name);
    return v;
  }();
  return names;
}

bool IsFactualKind(const std::string& kind) {
  const Kind* k = FindKind(kind);
  return k != nullptr && k->factual;
}

const std::vector<std::string>& CoreVocabulary(std::string_view name) {
  static const std::vector<std::string> kUtility = {"gas", "electricity", "water", "internet", "telephone"};
  static const std::vector<std::string> kRestricted = {"persons",      "vehicles", "cargo",
                                                       "humanitarian", "medical",  "commercial"};
  static const std::vector<std::string> kOutcome = {"completed", "departed", "stopped", "turned_back"};
  static const std::vector<std::string> kRouteType = {"road", "bridge",   "crossing",   "checkpoint", "air",
                                                      "rail", "pipeline", "power_line", "cable"};
  static const std::vector<std::string> kNone;
  if (name == "utility") return kUtility;
  if (name == "restricted") return kRestricted;
  if (name == "outcome") return kOutcome;
  if (name == "route_type") return kRouteType;
  return kNone;
}

CaseVocabulary VocabularyOf(const json* case_record) {
  CaseVocabulary out;
  if (case_record == nullptr || !case_record->is_object()) return out;
  const json* v = Member(*case_record, "vocabulary");
  if (v == nullptr || !v->is_object()) return out;
  for (auto it = v->begin(); it != v->end(); ++it) {
    const std::vector<std::string>& core = CoreVocabulary(it.key());
    if (core.empty() || !it.value().is_object()) continue;
    for (auto t = it.value().begin(); t != it.value().end(); ++t) {
      if (!IsTerm(t.key()) || std::find(core.begin(), core.end(), t.key()) != core.end()) continue;
      if (t.value().is_string() && it.key() != "outcome") out[it.key()][t.key()] = t.value().get<std::string>();
      if (const std::string* d = OutcomeTermDefinition(t.value()); d != nullptr && it.key() == "outcome") {
        out[it.key()][t.key()] = *d;
      }
    }
  }
  return out;
}

const std::string* TermDefinition(const CaseVocabulary& vocabulary, std::string_view name, std::string_view term) {
  auto v = vocabulary.find(name);
  if (v == vocabulary.end()) return nullptr;
  auto t = v->second.find(term);
  return t == v->second.end() ? nullptr : &t->second;
}

std::string RecordCase(const json& rec) {
  if (!rec.is_object()) return "";
  auto str = [&](const char* k) -> std::string {
    auto it = rec.find(k);
    return it != rec.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::string c = str("case");
  if (c.empty() && str("kind") == kinds::kCase) c = str("id");
  return c;
}

std::optional<Day> DateLikeDay(std::string_view s) {
  if (s.size() < 10 || s.size() > 40 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto secs = ParseDateTime(s);
  if (!secs.ok()) return std::nullopt;
  return Day{*secs >= 0 ? *secs / 86400 : -((-*secs + 86399) / 86400)};
}

namespace {

void CollectDatesOutside(const json& v, const std::string& path, const DateWindow& w, std::vector<FieldError>* out) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::optional<Day> day = DateLikeDay(s);
    if (!day) return;
    if (*day < w.from || w.until < *day) {
      out->push_back({path, s + " is outside the plausible dates " + FormatDate(w.from) + " to " + FormatDate(w.until),
                       DateWindowHint(*day, w)});
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) CollectDatesOutside(v[i], path + "[" + std::to_string(i) + "]", w, out);
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& k = it.key();
      if (IsProse(k) || (path.empty() && (k == "confidential" || k == "recorded" || k == "date_window"))) continue;
      CollectDatesOutside(it.value(), path.empty() ? k : path + "." + k, w, out);
    }
  }
}

}  // namespace

std::vector<FieldError> DatesOutside(const json& rec, const DateWindow& window) {
  std::vector<FieldError> out;
  CollectDatesOutside(rec, "", window, &out);
  return out;
}

Day ReferenceDay(std::optional<int64_t> recorded) {
  if (!recorded) return Day{std::numeric_limits<int32_t>::max() / 2};
  return Day{*recorded / 86400};
}

Day ReferenceDay(const json& rec) {
  if (!rec.is_object()) return ReferenceDay(std::nullopt);
  auto it = rec.find("recorded");
  if (it == rec.end() || !it->is_string()) return ReferenceDay(std::nullopt);
  auto secs = ParseDateTime(it->get_ref<const std::string&>());
  return ReferenceDay(secs.ok() ? std::optional<int64_t>(*secs) : std::nullopt);
}

DateWindow PlausibleDates(const json* case_record, Day reference) {
  DateWindow w{*ParseDate(kEarliestPlausibleDate), Day{reference.days + kPlausibleDaysAhead}};
  if (case_record == nullptr || !case_record->is_object() || !case_record->contains("date_window")) return w;
  const json& dw = case_record->at("date_window");
  if (!dw.is_object()) return w;
  for (auto [key, bound] : {std::pair{"from", &w.from}, std::pair{"until", &w.until}}) {
    if (!dw.contains(key) || !dw.at(key).is_string()) continue;
    if (auto d = ParseDate(dw.at(key).get_ref<const std::string&>()); d.ok()) *bound = *d;
  }
  return w;
}

namespace {

// The envelope's `sources`: record ids of sources, none repeated.
void CheckSources(const json& sources, Ctx& ctx) {
  CheckValue(Field{"sources", Type::kRefList, false, {}, "source"}, sources, "sources", ctx);
  if (!sources.is_array() || sources.size() < 2) return;  // nothing can repeat
  std::set<std::string_view> seen;
  for (size_t i = 0; i < sources.size(); ++i) {
    const json& s = sources[i];
    if (s.is_string() && !seen.insert(s.get_ref<const std::string&>()).second) {
      ctx.Error("sources[" + std::to_string(i) + "]", "repeats " + s.dump(),
                "cite each source once; several passages of one source are one citation (" + RecordsDoc("Envelope (every record)") + ")");
    }
  }
}

// Validate's envelope: the fields every kind shares (id, case, sources,
// supersedes, note, confidential, and the server's recorded and by). Each
// member is looked up once.
void CheckEnvelope(const json& rec, const std::string& kind_name, const Kind& kind, ValidateOptions options,
                   Ctx& ctx) {
  const json* id = Member(rec, "id");
  const json* case_ref = Member(rec, "case");
  const json* supersedes = Member(rec, "supersedes");
  const json* sources = Member(rec, "sources");
  if (id == nullptr) {
    ctx.Error("id", "is required",
              "give the record an id of your choosing, unique in the case, e.g. \"id\": \"mv-2023-01-15-1\" (" + RecordsDoc("Envelope (every record)") + ")");
  } else {
    CheckValue(Field{"id", Type::kId}, *id, "id", ctx);
  }
  if (kind_name == kinds::kCase) {
    // A correction of a case record stays in its case (schema v2): it names
    // the case it corrects, so the case keeps its id.
    if (case_ref != nullptr && supersedes == nullptr) {
      ctx.Error("case", "is set on a case record only when it corrects another (with supersedes)",
                "leave case out of a new case record (its id is the case's id), or add \"supersedes\" if it corrects one (" +
                    RecordsDoc("Envelope (every record)") + ")");
    } else if (supersedes != nullptr && case_ref == nullptr) {
      ctx.Error("case", "is required on a case record that corrects another: the id of the case it corrects",
                "add \"case\": the id of the case being corrected, which stays the case's id (" + RecordsDoc("Envelope (every record)") + ")");
    } else if (case_ref != nullptr) {
      CheckRef(*case_ref, "case", "case", ctx);
    }
  } else if (case_ref == nullptr) {
    ctx.Error("case", "is required: the id of the case record",
              "add \"case\": \"<case id>\"; " + ListRecordsHint("case") + " (" + RecordsDoc("Envelope (every record)") + ")");
  } else {
    CheckRef(*case_ref, "case", "case", ctx);
  }
  if (sources != nullptr) CheckSources(*sources, ctx);
  if (kind.factual && (sources == nullptr || !sources->is_array() || sources->empty())) {
    ctx.Error("sources", "a " + kind_name + " record must cite at least one source record",
              "add \"sources\": [\"<source id>\"], adding a source record first if the publication is new; " +
                  ListRecordsHint("source") + " (" + RecordsDoc("Envelope (every record)") + ")");
  }
  if (supersedes != nullptr) {
    CheckRef(*supersedes, "supersedes", kind_name, ctx);
    if (id != nullptr && *supersedes == *id) {
      ctx.Error("supersedes", "a record cannot supersede itself",
                "give the correction a new id, and supersedes the id of the record it corrects (" + RecordsDoc("Envelope (every record)") + ")");
    }
  }
  if (const json* note = Member(rec, "note")) CheckValue(Field{"note", Type::kText}, *note, "note", ctx);
  if (const json* c = Member(rec, "confidential")) {
    if (!c->is_object()) {
      ctx.Error("confidential", "must be an object of fields never published",
                "give an object of the fields to keep out of publication, e.g. \"confidential\": {\"witness\": \"...\"} (" +
                    RecordsDoc("Confidential fields: sealed in the log") + ")");
    } else if (IsSealedShape(*c)) {
      // As stored in the log (record/seal.h); whether it opens needs the key.
      if (auto e = CheckSealedShape(*c)) {
        ctx.Error(e->field, e->message,
                  "submit the confidential fields in plain text (Lifeline seals them), or the sealed object exactly as "
                  "`lifeline export --format jsonl` wrote it (" + RecordsDoc("Confidential fields: sealed in the log") + ")");
      }
    }
  }
  for (const char* server : {"recorded", "by"}) {
    if (const json* v = Member(rec, server)) {
      if (!options.allow_server_fields) {
        ctx.Error(server, "is set by Lifeline when the record is appended; do not submit it",
                  std::string("remove ") + server + "; to re-import another Lifeline log's export with its stamps, use "
                  "`lifeline import --preserve-stamps` (" + RecordsDoc("How records enter") + ")");
      } else if (!v->is_string()) {
        ctx.Error(server, "must be a string",
                  std::string("give ") + server + " as the export wrote it: " +
                      (std::string_view(server) == "recorded" ? "an RFC 3339 UTC date-time" : "the principal's name") +
                      " (" + RecordsDoc("Envelope (every record)") + ")");
      }
    }
  }
}

// Validate's kind fields: each present one checked, required ones present,
// no field that is neither the envelope's nor the kind's. One lookup per
// field, and the unknown members found by merging the record's sorted
// member names with the kind's.
void CheckKindFields(const json& rec, const std::string& kind_name, const Kind& kind, Ctx& ctx) {
  for (const auto& f : kind.fields) {
    auto it = rec.find(f.name);
    if (it == rec.end()) {
      if (f.required) ctx.Error(f.name, "is required for a " + kind_name + " record", FieldHint(f, f.name));
      continue;
    }
    CheckValue(f, *it, f.name, ctx);
  }
  auto known = kind.known.begin();
  for (auto it = rec.begin(); it != rec.end(); ++it) {
    const std::string& key = it.key();
    while (known != kind.known.end() && *known < key) ++known;
    if (known == kind.known.end() || *known != key) {
      // The fields a submitter may give: not those Lifeline sets.
      std::vector<std::string> submittable;
      std::copy_if(kind.known.begin(), kind.known.end(), std::back_inserter(submittable),
                   [](const std::string& f) { return f != "recorded" && f != "by"; });
      ctx.Error(key, "is not a field of a " + kind_name + " record",
                UnknownFieldHint(key, submittable, "a " + kind_name + " record", "Kinds") +
                    "; what fits no field goes in note");
    }
  }
}

// Validate's cross-field rules: between fields of one record.
void CheckRecordCrossFields(const json& rec, const std::string& kind_name, Ctx& ctx) {
  auto str = [&](const char* k) -> std::string_view {
    const json* v = Member(rec, k);
    return v != nullptr && v->is_string() ? std::string_view(v->get_ref<const std::string&>()) : std::string_view();
  };
  if (kind_name == kinds::kRouteStatus) {
    bool has_list = rec.contains("restricted");
    if (str("status") == "restricted" && !has_list) {
      ctx.Error("restricted", "is required when status is restricted: what is blocked",
                "add what is blocked, e.g. \"restricted\": [\"cargo\"] (terms of the restricted vocabulary), or give "
                "status \"closed\" if nothing passes (" + RecordsDoc("Kinds") + ", route_status)");
    }
    if (str("status") == "open" && has_list) {
      ctx.Error("restricted", "must be absent when status is open",
                "leave restricted out, or give status \"restricted\" if something is blocked (" + RecordsDoc("Kinds") +
                    ", route_status)");
    }
  }
  if (kind_name == kinds::kMovement && rec.contains("period") && rec.at("period").is_object()) {
    const json& p = rec.at("period");
    if (p.contains("from") && p.contains("to") && p.at("from").is_string() && p.at("to").is_string()) {
      auto pf = ParseDate(p.at("from").get<std::string>()), pt = ParseDate(p.at("to").get<std::string>());
      if (pf.ok() && pt.ok() && *pt < *pf) ctx.Error("period.to", "is before period.from", OrderHint("period.from", "period.to"));
    }
  }
  CheckCrossFields(kind_name, rec, ctx);
  if (kind_name == kinds::kRetraction) CheckRetraction(rec, ctx);
  if (kind_name == kinds::kTag) CheckTag(rec, ctx);
  std::string path;
  CheckCharacters(rec, path, false, ctx);
  for (const auto& [a, b] : {std::pair{"from", "until"}, std::pair{"started", "ended"}, std::pair{"from", "to"},
                             std::pair{"from", "confirmed_until"}}) {
    std::string_view x = str(a), y = str(b);
    if (!x.empty() && !y.empty()) {
      auto tx = ParseDateTime(x), ty = ParseDateTime(y);
      if (tx.ok() && ty.ok() && *ty < *tx) ctx.Error(b, "is before " + std::string(a), OrderHint(a, b));
    }
  }
}

}  // namespace

std::vector<FieldError> Validate(const json& rec, const Resolver* resolver, ValidateOptions options,
                                 const DateWindow* dates, const CaseVocabulary* vocabulary) {
  std::vector<FieldError> errors;
  Ctx ctx{resolver, &errors, RecordCase(rec), dates, vocabulary};
  if (!rec.is_object()) {
    ctx.Error("", "a record must be a JSON object, not " + TypeName(rec),
              "give each record as one JSON object on its own line, e.g. {\"kind\": \"source\", \"id\": \"src-1\", ...} (" +
                  RecordsDoc("Envelope (every record)") + ")");
    return errors;
  }
  const json* kind_value = Member(rec, "kind");
  if (kind_value == nullptr || !kind_value->is_string()) {
    ctx.Error("kind", "is required: one of " + JoinNames(Kinds()),
              "add \"kind\" naming what the record is, e.g. \"kind\": \"movement\" (" + RecordsDoc("Kinds") + ")");
    return errors;
  }
  const std::string& kind_name = kind_value->get_ref<const std::string&>();
  const Kind* kind = FindKind(kind_name);
  if (kind == nullptr) {
    ctx.Error("kind", "\"" + kind_name + "\" is not a record kind (" + JoinNames(Kinds()) + ")",
              NearHint(kind_name, Kinds()) + "give one of the kinds as written, in lowercase (" + RecordsDoc("Kinds") + ")");
    return errors;
  }
  CheckEnvelope(rec, kind_name, *kind, options, ctx);
  CheckKindFields(rec, kind_name, *kind, ctx);
  CheckRecordCrossFields(rec, kind_name, ctx);
  return errors;
}

namespace {

// A vocabulary field's schema: a core term, or a term the case's
// `vocabulary` member defines (which JSON Schema cannot look up).
json VocabularySchema(const Field& f) {
  return {{"anyOf", {{{"enum", f.values}}, {{"type", "string"}, {"pattern", kTermPattern}}}},
          {"description", "a term of the " + f.vocabulary + " vocabulary: the core terms, or one the case record defines in "
                          "vocabulary." + f.vocabulary}};
}

// An obligation's `rule` as CheckRule enforces it: one branch per type
// (RuleFields), each with its required and optional members and no other;
// lists given name at least one value; a flow_at_least of cargo needs
// `unit`, and only a cargo flow takes `commodity` and `unit`.
json RuleSchema(const std::function<json(const Field&)>& type_schema) {
  json branches = json::array();
  for (const std::string& type : kRuleTypes) {
    const auto& [fields, what] = *RuleFields(type);
    json props = json::object(), required = json::array();
    for (const Field& f : fields) {
      props[f.name] = f.name == "type" ? json{{"const", type}} : type_schema(f);
      if (f.type == Type::kEnumList || f.type == Type::kRefList) props[f.name]["minItems"] = 1;
      if (f.required) required.push_back(f.name);
    }
    json branch = {{"title", type}, {"description", what}, {"type", "object"}, {"required", required},
                   {"additionalProperties", false}, {"properties", props}};
    if (type == "flow_at_least") {
      branch["if"] = {{"properties", {{"measure", {{"const", "cargo"}}}}}};
      branch["then"] = {{"required", {"unit"}}};
      branch["else"] = {{"not", {{"anyOf", {{{"required", {"commodity"}}}, {{"required", {"unit"}}}}}}}};
    }
    branches.push_back(branch);
  }
  return {{"description", "a machine-checkable rule, by its type (docs/records.md, \"Obligation rules\")"},
          {"type", "object"},
          {"required", {"type"}},
          {"properties", {{"type", {{"enum", kRuleTypes}}}}},
          {"oneOf", branches}};
}

}  // namespace

namespace {

FieldInfo DescribeField(const Field& f) {
  FieldInfo info{f.name, f.type, f.required, f.values, f.ref_kind, f.vocabulary, Describe(f), {}};
  if (f.type == Type::kObject && f.name == "unit") {  // CheckUnit's, as Describe and JsonSchema read it
    info.type = Type::kEnum;
    info.values = UnitNames();
    return info;
  }
  const std::vector<Field>* members = f.type == Type::kLocation        ? &LocationFields()
                                      : f.type == Type::kQuantityList  ? &QuantityFields()
                                      : f.custom.members != nullptr    ? f.custom.members.get()
                                                                       : nullptr;
  if (members != nullptr) {
    for (const Field& m : *members) info.fields.push_back(DescribeField(m));
  }
  return info;
}

}  // namespace

std::optional<KindInfo> DescribeKind(std::string_view kind) {
  const Kind* k = FindKind(std::string(kind));
  if (k == nullptr) return std::nullopt;
  KindInfo info{k->name, k->factual, k->doc, {}};
  for (const Field& f : k->fields) info.fields.push_back(DescribeField(f));
  return info;
}

json JsonSchema() {
  json units = json::array();
  for (const char* u : {"t", "kg", "g", "m3", "l", "kcal", "kj", "doses", "persons", "vehicles", "trucks", "pallets",
                        "items", "mwh"}) {
    units.push_back(u);
  }
  auto type_schema = [&units](const Field& f) -> json {
    switch (f.type) {
      case Type::kText: return {{"type", "string"}, {"minLength", 1}};
      case Type::kUrl: return {{"type", "string"}, {"pattern", "^https?://"}};
      case Type::kId:
      case Type::kRef: return {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._:-]{0,127}$"}};
      case Type::kRefList:
        return {{"type", "array"}, {"items", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._:-]{0,127}$"}}}};
      case Type::kEnum: return f.vocabulary.empty() ? json{{"enum", f.values}} : VocabularySchema(f);
      case Type::kEnumList:
        return {{"type", "array"},
                {"uniqueItems", true},
                {"items", f.vocabulary.empty() ? json{{"enum", f.values}} : VocabularySchema(f)}};
      case Type::kTextList: return {{"type", "array"}, {"items", {{"type", "string"}, {"minLength", 1}}}};
      case Type::kDate: return {{"type", "string"}, {"format", "date"}};
      case Type::kDateTime: return {{"type", "string"}, {"anyOf", {{{"format", "date-time"}}, {{"format", "date"}}}}};
      case Type::kCount: return {{"type", "integer"}, {"minimum", 0}};
      case Type::kNumber: return {{"type", "number"}};
      case Type::kNonNegNumber: return {{"type", "number"}, {"minimum", 0}};
      case Type::kBool: return {{"type", "boolean"}};
      case Type::kSha256: return {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}};
      case Type::kLocation: return {{"$ref", "#/$defs/location"}};
      case Type::kQuantityList: return {{"type", "array"}, {"items", {{"$ref", "#/$defs/quantity"}}}};
      case Type::kObject: return f.name == "unit" ? json{{"enum", units}} : json{{"type", "object"}};
      case Type::kArray: return {{"type", "array"}};
      case Type::kIntRange:
        return {{"type", "integer"}, {"minimum", std::stoll(f.values[0])}, {"maximum", std::stoll(f.values[1])}};
      case Type::kFraction: return {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
      case Type::kHours: return {{"type", "number"}, {"minimum", 0}, {"maximum", 24}};
      case Type::kAny: return {{"not", {{"type", "null"}}}};
    }
    return json::object();
  };
  json schema = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://lifeline.invalid/schema/records-v" + std::to_string(kSchemaVersion) + ".json"},
      {"title", "Lifeline record, schema version " + std::to_string(kSchemaVersion)},
      {"description", "Generated by `lifeline schema` from src/record/schema.cc; docs/records.md explains it."},
      {"$defs",
       {{"location",
         {{"type", "object"},
          {"required", {"name"}},
          {"additionalProperties", false},
          {"properties",
           {{"name", {{"type", "string"}}},
            {"admin1", {{"type", "string"}}},
            {"admin2", {{"type", "string"}}},
            {"admin3", {{"type", "string"}}},
            {"country", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}},
            {"lat", {{"type", "number"}, {"minimum", -90}, {"maximum", 90}}},
            {"lon", {{"type", "number"}, {"minimum", -180}, {"maximum", 180}}},
            {"geo_precision", {{"enum", {1, 2, 3}}}}}}}},
        {"quantity",
         {{"type", "object"},
          {"required", {"commodity", "quantity", "unit"}},
          {"additionalProperties", false},
          {"properties",
           {{"commodity", {{"type", "string"}}},
            {"quantity", {{"type", "number"}, {"minimum", 0}}},
            {"unit", {{"enum", units}}},
            {"note", {{"type", "string"}}}}}}}}},
  };
  json one_of = json::array();
  for (const auto& k : KindTable()) {
    json props = {{"kind", {{"const", k.name}}},
                  {"id", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._:-]{0,127}$"}}},
                  {"case", {{"type", "string"}}},
                  {"sources", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                  {"supersedes", {{"type", "string"}}},
                  {"note", {{"type", "string"}}},
                  {"confidential", {{"type", "object"}}},
                  {"recorded", {{"type", "string"}, {"format", "date-time"}}},
                  {"by", {{"type", "string"}}}};
    json required = {"kind", "id"};
    if (k.name != kinds::kCase) required.push_back("case");
    if (k.factual) {
      required.push_back("sources");
      props["sources"]["minItems"] = 1;
    }
    for (const auto& f : k.fields) {
      props[f.name] = f.name == "rule" ? RuleSchema(type_schema) : type_schema(f);
      if (f.required) required.push_back(f.name);
    }
    one_of.push_back({{"title", k.name},
                      {"description", k.doc},
                      {"type", "object"},
                      {"required", required},
                      {"additionalProperties", false},
                      {"properties", props}});
  }
  schema["oneOf"] = one_of;
  return schema;
}

}  // namespace lifeline::record
