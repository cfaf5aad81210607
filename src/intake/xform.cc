#include "intake/xform.h"

#include <algorithm>
#include <sstream>
#include <pugixml.hpp>

#include "base/bytes.h"
#include "base/kinds.h"
#include "crypto/sha256.h"
#include "intake/form_layout.h"

namespace lifeline::intake {
namespace {

using nlohmann::json;
using record::FieldInfo;
using record::FieldType;

constexpr const char* kIdPattern = "^[a-z0-9][a-z0-9._:-]{0,127}$";

// The rules one bind carries (XForms 1.0 bind attributes and ODK's
// jr:requiredMsg, jr:constraintMsg).
struct BindRules {
  std::string type = "xsd:string";
  std::string required, required_msg, constraint, constraint_msg, relevant;
};

// Where a field sits: its XPath in the primary instance, the XPath of the
// nearest optional group around it ("" when none: every enclosing group is
// required, or a repeat's instance, which exists only when filled), and the
// field's record path for messages ("period.from").
struct Place {
  std::string xpath;
  std::string optional_group;
  std::string record_path;
  // A leaf's: the group it is a member of; a group's: the group itself;
  // null at the top.
  const FieldInfo* group = nullptr;
};

// "event_type" -> "Event type".
std::string Label(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '_', ' ');
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool IsProse(std::string_view name) {
  static constexpr std::string_view kProse[] = {"note", "description", "text", "reason", "basis", "controls"};
  return std::find(std::begin(kProse), std::end(kProse), name) != std::end(kProse);
}

// The choices a reference field offers, or null for a reference the store
// offers none for.
const std::vector<std::pair<std::string, std::string>>* RefChoices(const FieldInfo& f, const FormChoices& choices) {
  if (f.ref_kind == kinds::kCase) return &choices.cases;
  if (f.ref_kind == kinds::kSource) return &choices.sources;
  if (f.ref_kind == kinds::kRoute) return &choices.routes;
  return nullptr;
}

// The items of a select1 or select over field `f`: its values (a vocabulary
// with the case's terms, labelled with their definitions), or the store's
// records it may refer to. Empty: the field is typed in.
std::vector<std::pair<std::string, std::string>> Items(const FieldInfo& f, const FormChoices& choices) {
  std::vector<std::pair<std::string, std::string>> items;
  if (f.type == FieldType::kRef || f.type == FieldType::kRefList) {
    if (const auto* refs = RefChoices(f, choices)) items = *refs;
    return items;
  }
  if (f.type == FieldType::kBool) return {{"true", "yes"}, {"false", "no"}};
  if (f.type != FieldType::kEnum && f.type != FieldType::kEnumList) return items;
  for (const std::string& v : f.values) items.emplace_back(v, v);
  if (auto added = choices.vocabulary.find(f.vocabulary); !f.vocabulary.empty() && added != choices.vocabulary.end()) {
    for (const auto& [term, definition] : added->second) items.emplace_back(term, term + ": " + definition);
  }
  return items;
}

// A constraint from the field's type, as Validate checks it, and the
// message Validate gives.
std::pair<std::string, std::string> TypeConstraint(const FieldInfo& f, bool typed_ref) {
  const std::string lo = f.values.empty() ? "" : f.values[0], hi = f.values.size() < 2 ? "" : f.values[1];
  switch (f.type) {
    case FieldType::kCount: return {". >= 0", "must be a whole number >= 0"};
    case FieldType::kNonNegNumber: return {". >= 0", "must be a number >= 0"};
    case FieldType::kIntRange: return {". >= " + lo + " and . <= " + hi, "must be a whole number from " + lo + " to " + hi};
    case FieldType::kFraction: return {". >= 0 and . <= 1", "must be a number from 0 to 1"};
    case FieldType::kHours: return {". >= 0 and . <= 24", "must be a number of hours from 0 to 24"};
    case FieldType::kUrl: return {"regex(., '^https?://')", "must be an http(s) URL"};
    case FieldType::kSha256: return {"regex(., '^[0-9a-f]{64}$')", "must be a SHA-256 as 64 lowercase hex digits"};
    case FieldType::kId:
    case FieldType::kRef:
      if (f.type == FieldType::kId || typed_ref) {
        return {std::string("regex(., '") + kIdPattern + "')", "must be a record id (lowercase letters, digits, '.', '_', ':', '-')"};
      }
      return {};
    case FieldType::kRefList:
      if (typed_ref) return {"regex(., '^[a-z0-9][a-z0-9._:-]{0,127}( [a-z0-9][a-z0-9._:-]{0,127})*$')", "must be record ids, separated by spaces"};
      return {};
    default: return {};
  }
}

std::string XsdType(const FieldInfo& f) {
  switch (f.type) {
    case FieldType::kCount:
    case FieldType::kIntRange: return "xsd:int";
    case FieldType::kNumber:
    case FieldType::kNonNegNumber:
    case FieldType::kFraction:
    case FieldType::kHours: return "xsd:decimal";
    case FieldType::kDate: return "xsd:date";
    case FieldType::kDateTime: return "xsd:dateTime";
    default: return "xsd:string";
  }
}

// Two fields Validate keeps in order (CheckRecordCrossFields): the second
// not before the first.
constexpr std::pair<std::string_view, std::string_view> kOrdered[] = {
    {"from", "until"}, {"started", "ended"}, {"from", "to"}, {"from", "confirmed_until"}};

// A rule Validate checks beyond a field's type, mirrored on the bind of
// `field` in forms of `kind` ("" any) inside a group of type `group`
// (kAny: at the top level). Each message is Validate's.
struct CrossRule {
  std::string_view kind;
  FieldType group;
  std::string_view field;
  std::string_view required, relevant, constraint, message;
};

constexpr CrossRule kCrossRules[] = {
    // CheckLocation: lat and lon within range and given together; country's form.
    {"", FieldType::kLocation, "lat", "../lon != ''", "", ". >= -90 and . <= 90",
     "lat must be between -90 and 90; lat and lon must be given together"},
    {"", FieldType::kLocation, "lon", "../lat != ''", "", ". >= -180 and . <= 180",
     "lon must be between -180 and 180; lat and lon must be given together"},
    {"", FieldType::kLocation, "country", "", "", "regex(., '^[A-Z]{3}$')",
     "country must be an ISO 3166-1 alpha-3 code such as ARM or AZE"},
    // route_status: restricted is required when status is restricted, absent when open.
    {kinds::kRouteStatus, FieldType::kAny, "restricted", "/data/status = 'restricted'", "/data/status != 'open'", "",
     "restricted is required when status is restricted: what is blocked"},
    // movement: "both" only for a total over a period; via of two routes or more.
    {kinds::kMovement, FieldType::kAny, "direction", "", "", ". != 'both' or /data/period != ''",
     "direction is \"both\" only for a total over a period (with period): a crossing has one direction"},
    {kinds::kMovement, FieldType::kAny, "via", "", "", "count-selected(.) >= 2",
     "via names the routes of a movement over several, in order: at least two (one route: leave via out)"},
    // claim: value is what the party says one field is, so it needs field.
    {kinds::kClaim, FieldType::kAny, "value", "", "", "/data/field != ''",
     "value is what the party says one field is: give that field's name in field"},
};

std::string And(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return "(" + a + ") and (" + b + ")";
}

std::string Join(const std::string& a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + "; " + b; }

// The order a field keeps with a sibling (kOrdered): at the top level, and
// in a period group (as Validate checks them).
void AddOrder(const FieldInfo& f, const Place& at, const std::vector<FieldInfo>& siblings, BindRules* rules) {
  if (at.group != nullptr && at.group->name != "period") return;
  const std::string base = at.xpath.substr(0, at.xpath.rfind('/') + 1);
  for (const auto& [first, second] : kOrdered) {
    if (f.name != second) continue;
    if (std::none_of(siblings.begin(), siblings.end(), [&](const FieldInfo& s) { return s.name == first; })) continue;
    const std::string other = base + std::string(first);
    rules->constraint = And(rules->constraint, other + " = '' or . >= " + other);
    const std::string prefix = at.group == nullptr ? "" : at.group->name + ".";
    rules->constraint_msg = Join(rules->constraint_msg, at.record_path + " is before " + prefix + std::string(first));
  }
}

// The bind rules of leaf field `f` at `at` in a form of `kind`.
BindRules RulesOf(std::string_view kind, const FieldInfo& f, const Place& at, const std::vector<FieldInfo>& siblings,
                  const FormChoices& choices) {
  BindRules rules;
  rules.type = XsdType(f);
  if (f.required) {
    rules.required = at.optional_group.empty() ? "true()" : at.optional_group + " != ''";
    rules.required_msg = at.record_path + " is required";
  }
  const bool typed_ref = (f.type == FieldType::kRef || f.type == FieldType::kRefList) && Items(f, choices).empty();
  auto [constraint, message] = TypeConstraint(f, typed_ref);
  if (!constraint.empty()) {
    rules.constraint = constraint;
    rules.constraint_msg = at.record_path + " " + message;
  }
  AddOrder(f, at, siblings, &rules);
  const FieldType group = at.group == nullptr ? FieldType::kAny : at.group->type;
  for (const CrossRule& r : kCrossRules) {
    if ((!r.kind.empty() && r.kind != kind) || r.group != group || r.field != f.name) continue;
    if (!r.required.empty()) {
      rules.required = std::string(r.required);
      rules.required_msg = std::string(r.message);
    }
    rules.relevant = std::string(r.relevant);
    if (!r.constraint.empty()) {
      rules.constraint = And(std::string(r.constraint), rules.constraint);
      rules.constraint_msg = Join(std::string(r.message), rules.constraint_msg);
    }
  }
  return rules;
}

// Writes the form's parts: instance nodes, binds (appended to `model`) and
// body controls. `layout` and `choices` must outlive the writer.
class FormWriter {
 public:
  FormWriter(const FormLayout& layout, const FormChoices& choices, pugi::xml_node model)
      : layout_(layout), choices_(choices), model_(model) {}

  // Writes the members `fields` of the group at `parent` (the root at the
  // top): their nodes under `instance`, their controls under `controls`.
  void Fields(const std::vector<FieldInfo>& fields, pugi::xml_node instance, pugi::xml_node controls,
              const Place& parent);

 private:
  void Leaf(const FieldInfo& f, const Place& at, const std::vector<FieldInfo>& siblings, pugi::xml_node controls);
  void Bind(const std::string& xpath, const BindRules& rules);

  const FormLayout& layout_;
  const FormChoices& choices_;
  pugi::xml_node model_;
};

void FormWriter::Bind(const std::string& xpath, const BindRules& rules) {
  pugi::xml_node bind = model_.append_child("bind");
  bind.append_attribute("nodeset").set_value(xpath.c_str());
  bind.append_attribute("type").set_value(rules.type.c_str());
  auto set = [&bind](const char* name, const std::string& value) {
    if (!value.empty()) bind.append_attribute(name).set_value(value.c_str());
  };
  set("required", rules.required);
  set("jr:requiredMsg", rules.required_msg);
  set("relevant", rules.relevant);
  set("constraint", rules.constraint);
  set("jr:constraintMsg", rules.constraint_msg);
}

void AddLabel(pugi::xml_node control, const FieldInfo& f) {
  control.append_child("label").text().set(Label(f.name).c_str());
  if (!f.description.empty()) control.append_child("hint").text().set(f.description.c_str());
}

void FormWriter::Leaf(const FieldInfo& f, const Place& at, const std::vector<FieldInfo>& siblings,
                      pugi::xml_node controls) {
  BindRules rules = RulesOf(layout_.kind, f, at, siblings, choices_);
  const auto items = Items(f, choices_);
  pugi::xml_node control;
  if (at.group == nullptr && IsUpload(layout_, f)) {
    rules.type = "binary";
    control = controls.append_child("upload");
    control.append_attribute("mediatype").set_value("application/*");
  } else if (!items.empty()) {
    control = controls.append_child(IsSelectMultiple(f) ? "select" : "select1");
  } else {
    control = controls.append_child("input");
    if (IsProse(f.name) || f.type == FieldType::kTextList) control.append_attribute("appearance").set_value("multiline");
  }
  control.prepend_attribute("ref").set_value(at.xpath.c_str());
  AddLabel(control, f);
  for (const auto& [value, label] : items) {
    pugi::xml_node item = control.append_child("item");
    item.append_child("label").text().set(label.c_str());
    item.append_child("value").text().set(value.c_str());
  }
  Bind(at.xpath, rules);
}

void FormWriter::Fields(const std::vector<FieldInfo>& fields, pugi::xml_node instance, pugi::xml_node controls,
                        const Place& parent) {
  for (const FieldInfo& f : fields) {
    pugi::xml_node node = instance.append_child(f.name.c_str());
    Place at{parent.xpath + "/" + f.name, parent.optional_group,
             parent.record_path.empty() ? f.name : parent.record_path + "." + f.name, &f};
    if (IsRepeat(f)) {
      node.append_attribute("jr:template").set_value("");
      pugi::xml_node group = controls.append_child("group");
      group.append_attribute("ref").set_value(at.xpath.c_str());
      AddLabel(group, f);
      pugi::xml_node repeat = group.append_child("repeat");
      repeat.append_attribute("nodeset").set_value(at.xpath.c_str());
      at.optional_group.clear();  // a repeat's instance exists only when filled
      Fields(f.fields, node, repeat, at);
    } else if (IsGroup(f)) {
      pugi::xml_node group = controls.append_child("group");
      group.append_attribute("ref").set_value(at.xpath.c_str());
      AddLabel(group, f);
      if (!f.required && at.optional_group.empty()) at.optional_group = at.xpath;
      Fields(f.fields, node, group, at);
    } else {
      at.group = parent.group;
      Leaf(f, at, fields, controls);
      if (f.name == "case" && parent.group == nullptr && choices_.cases.size() == 1) {
        node.text().set(choices_.cases[0].first.c_str());
      }
    }
  }
}

constexpr std::pair<const char*, const char*> kNamespaces[] = {
    {"xmlns", "http://www.w3.org/2002/xforms"},        {"xmlns:h", "http://www.w3.org/1999/xhtml"},
    {"xmlns:ev", "http://www.w3.org/2001/xml-events"}, {"xmlns:xsd", "http://www.w3.org/2001/XMLSchema"},
    {"xmlns:jr", "http://openrosa.org/javarosa"},      {"xmlns:odk", "http://www.opendatakit.org/xforms"},
    {"xmlns:orx", "http://openrosa.org/xforms"}};

std::string Save(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent);
  return out.str();
}

}  // namespace

Result<XForm> BuildXForm(std::string_view kind, const FormChoices& choices) {
  LIFELINE_ASSIGN_OR_RETURN(FormLayout layout, LayoutOf(kind));
  pugi::xml_document doc;
  pugi::xml_node html = doc.append_child("h:html");
  for (const auto& [name, uri] : kNamespaces) html.append_attribute(name).set_value(uri);
  pugi::xml_node head = html.append_child("h:head");
  head.append_child("h:title").text().set(("Lifeline: " + std::string(kind)).c_str());
  pugi::xml_node model = head.append_child("model");
  model.append_attribute("odk:xforms-version").set_value("1.0.0");
  pugi::xml_node data = model.append_child("instance").append_child(std::string(kRootElement).c_str());
  const std::string form_id = FormId(kind);
  data.append_attribute("id").set_value(form_id.c_str());
  pugi::xml_attribute version = data.append_attribute("version");
  pugi::xml_node body = html.append_child("h:body");
  FormWriter writer(layout, choices, model);
  writer.Fields(layout.fields, data, body, Place{"/" + std::string(kRootElement), "", "", nullptr});
  data.append_child("meta").append_child("instanceID");
  pugi::xml_node bind = model.append_child("bind");
  for (const auto& [name, value] : {std::pair{"nodeset", "/data/meta/instanceID"}, std::pair{"type", "xsd:string"},
                                    std::pair{"readonly", "true()"}, std::pair{"jr:preload", "uid"}}) {
    bind.append_attribute(name).set_value(value);
  }
  const std::string text = Save(doc);  // with an empty version: what the version hashes
  const std::string v = std::to_string(record::kSchemaVersion) + "-" + HexEncode(crypto::Sha256(text)).substr(0, 10);
  version.set_value(v.c_str());
  return XForm{form_id, v, Save(doc)};
}

}  // namespace lifeline::intake
