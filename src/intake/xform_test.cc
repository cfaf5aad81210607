// The generated XForms checked against the ODK XForms specification's
// structure, and against the schema's tables: a field added to the schema
// without its bind, or a rule Validate checks that the form claims to
// mirror but does not, fails here.
#include "intake/xform.h"

#include <gtest/gtest.h>

#include <map>
#include <pugixml.hpp>
#include <set>

#include "base/kinds.h"
#include "intake/form_layout.h"
#include "record/schema.h"

namespace lifeline::intake {
namespace {

using nlohmann::json;
using record::FieldInfo;
using record::FieldType;

FormChoices SomeChoices() {
  FormChoices c;
  c.cases = {{"nk", "Nagorno-Karabakh blockade"}};
  c.sources = {{"src-1", "ICRC: press release"}, {"src-2", "OCHA: flash update"}};
  c.routes = {{"lachin", "Lachin corridor"}};
  c.vocabulary["utility"]["fuel"] = "diesel and petrol for generators";
  return c;
}

struct Form {
  pugi::xml_document doc;
  std::set<std::string> instance_paths;        // every element of the primary instance
  std::set<std::string> leaves;                // those without children
  std::map<std::string, pugi::xml_node> binds;  // by nodeset
  std::map<std::string, pugi::xml_node> controls;  // body controls by ref
};

void CollectInstance(const pugi::xml_node& node, const std::string& path, Form* form) {
  form->instance_paths.insert(path);
  bool leaf = true;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    leaf = false;
    CollectInstance(child, path + "/" + child.name(), form);
  }
  if (leaf) form->leaves.insert(path);
}

void CollectControls(const pugi::xml_node& node, Form* form) {
  for (pugi::xml_node child : node.children()) {
    const std::string name = child.name();
    if (name == "input" || name == "select1" || name == "select" || name == "upload") {
      EXPECT_TRUE(form->controls.emplace(child.attribute("ref").value(), child).second) << child.attribute("ref").value();
    } else if (name == "group" || name == "repeat") {
      CollectControls(child, form);
    }
  }
}

// Parses the form of `kind` and checks the structure the ODK XForms
// specification asks for.
void ReadForm(const std::string& kind, const FormChoices& choices, Form* form) {
  auto x = BuildXForm(kind, choices);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->form_id, "lifeline-" + kind);
  ASSERT_TRUE(form->doc.load_string(x->xml.c_str())) << x->xml;
  pugi::xml_node html = form->doc.child("h:html");
  ASSERT_TRUE(html);
  const std::map<std::string, std::string> ns = {
      {"xmlns", "http://www.w3.org/2002/xforms"},      {"xmlns:h", "http://www.w3.org/1999/xhtml"},
      {"xmlns:jr", "http://openrosa.org/javarosa"},    {"xmlns:odk", "http://www.opendatakit.org/xforms"},
      {"xmlns:orx", "http://openrosa.org/xforms"},     {"xmlns:xsd", "http://www.w3.org/2001/XMLSchema"},
      {"xmlns:ev", "http://www.w3.org/2001/xml-events"}};
  for (const auto& [attr, uri] : ns) EXPECT_EQ(std::string(html.attribute(attr.c_str()).value()), uri) << attr;
  pugi::xml_node model = html.child("h:head").child("model");
  ASSERT_TRUE(model);
  EXPECT_FALSE(std::string(html.child("h:head").child_value("h:title")).empty());
  EXPECT_STREQ(model.attribute("odk:xforms-version").value(), "1.0.0");
  pugi::xml_node data = model.child("instance").first_child();
  ASSERT_STREQ(data.name(), "data");
  EXPECT_EQ(std::string(data.attribute("id").value()), "lifeline-" + kind);
  EXPECT_EQ(std::string(data.attribute("version").value()), x->version);
  CollectInstance(data, "/data", form);
  for (pugi::xml_node bind : model.children("bind")) {
    const std::string nodeset = bind.attribute("nodeset").value();
    EXPECT_TRUE(form->instance_paths.count(nodeset)) << kind << ": bind of " << nodeset << " has no instance node";
    EXPECT_TRUE(form->binds.emplace(nodeset, bind).second) << "two binds of " << nodeset;
  }
  CollectControls(html.child("h:body"), form);
  for (const auto& [ref, control] : form->controls) {
    EXPECT_TRUE(form->binds.count(ref)) << kind << ": control " << ref << " has no bind";
    EXPECT_TRUE(control.child("label")) << ref;
    if (std::string(control.name()).rfind("select", 0) == 0) {
      EXPECT_TRUE(control.child("item")) << kind << ": " << ref << " offers no choice";
      for (pugi::xml_node item : control.children("item")) {
        const std::string value = item.child_value("value");
        EXPECT_FALSE(value.empty()) << ref;
        EXPECT_TRUE(item.child("label")) << ref;
        if (std::string(control.name()) == "select") { EXPECT_EQ(value.find(' '), std::string::npos) << ref << ": " << value; }
      }
    }
  }
  for (const std::string& leaf : form->leaves) {
    if (leaf == "/data/meta/instanceID") continue;
    EXPECT_TRUE(form->controls.count(leaf)) << kind << ": " << leaf << " has no control";
  }
  pugi::xml_node id_bind = form->binds["/data/meta/instanceID"];
  EXPECT_STREQ(id_bind.attribute("jr:preload").value(), "uid");
  EXPECT_STREQ(id_bind.attribute("readonly").value(), "true()");
}

// The bind type a field of type `t` must have.
std::string WantType(FieldType t) {
  switch (t) {
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

// The fields no form holds (xform.h), by kind.
bool LeftOut(const std::string& kind, const std::string& name) {
  return kind == kinds::kEvidence && (name == "sha256" || name == "size" || name == "media_type" || name == "file_name");
}

// Checks every field of the table (at `xpath`) has its node, bind, type,
// required flag, choices and type constraint; counts the leaves seen.
void CheckFields(const std::vector<FieldInfo>& fields, const std::string& xpath, bool required_context, Form& form,
                 const std::string& kind, size_t* leaves) {
  for (const FieldInfo& f : fields) {
    if (xpath == "/data" && LeftOut(kind, f.name)) continue;
    const std::string path = xpath + "/" + f.name;
    SCOPED_TRACE(kind + " " + path);
    ASSERT_TRUE(form.instance_paths.count(path)) << "no instance node";
    if (!f.fields.empty()) {
      const bool repeat = f.type == FieldType::kArray || f.type == FieldType::kQuantityList;
      if (repeat) { EXPECT_TRUE(form.doc.select_node(("//data" + path.substr(5) + "[@jr:template]").c_str())) << "repeat template"; }
      CheckFields(f.fields, path, repeat || (required_context && f.required), form, kind, leaves);
      continue;
    }
    ++*leaves;
    ASSERT_TRUE(form.binds.count(path)) << "no bind";
    pugi::xml_node bind = form.binds[path];
    EXPECT_EQ(std::string(bind.attribute("type").value()), WantType(f.type));
    const std::string required = bind.attribute("required").value();
    if (f.required && required_context) { EXPECT_EQ(required, "true()"); }
    if (f.required) { EXPECT_FALSE(required.empty()); }
    if (!f.required && f.name != "lat" && f.name != "lon" && f.name != "restricted") { EXPECT_TRUE(required.empty()) << required; }
    if (f.required) { EXPECT_NE(std::string(bind.attribute("jr:requiredMsg").value()).find("required"), std::string::npos); }
    const std::string constraint = bind.attribute("constraint").value();
    const std::string message = bind.attribute("jr:constraintMsg").value();
    if (!constraint.empty()) { EXPECT_FALSE(message.empty()); }
    pugi::xml_node control = form.controls[path];
    if (f.type == FieldType::kEnum || f.type == FieldType::kEnumList) {
      EXPECT_STREQ(control.name(), f.type == FieldType::kEnum ? "select1" : "select");
      for (const std::string& v : f.values) {
        EXPECT_TRUE(control.select_node(("item[value='" + v + "']").c_str())) << "choice " << v;
      }
    }
    switch (f.type) {
      case FieldType::kCount:
      case FieldType::kNonNegNumber: EXPECT_NE(constraint.find(". >= 0"), std::string::npos); break;
      case FieldType::kIntRange:
        EXPECT_NE(constraint.find(". >= " + f.values[0] + " and . <= " + f.values[1]), std::string::npos);
        break;
      case FieldType::kFraction: EXPECT_NE(constraint.find(". <= 1"), std::string::npos); break;
      case FieldType::kHours: EXPECT_NE(constraint.find(". <= 24"), std::string::npos); break;
      case FieldType::kUrl: EXPECT_NE(constraint.find("^https?://"), std::string::npos); break;
      case FieldType::kSha256: EXPECT_NE(constraint.find("[0-9a-f]{64}"), std::string::npos); break;
      default: break;
    }
  }
}

TEST(XFormTest, EveryFormFollowsTheSpecificationAndTheTables) {
  ASSERT_EQ(FormKinds(), (std::vector<std::string>{"movement", "route_status", "outage", "incident", "stock", "source",
                                                   "evidence"}));
  std::vector<std::string> all = FormKinds();
  all.push_back("claim");
  ASSERT_EQ(FormKindsFor(FormRole::kMonitor), all);
  ASSERT_EQ(FormKindsFor(FormRole::kVerifier), std::vector<std::string>{"claim"});
  for (const std::string& kind : FormKindsFor(FormRole::kMonitor)) {
    Form form;
    ReadForm(kind, SomeChoices(), &form);
    auto info = record::DescribeKind(kind);
    ASSERT_TRUE(info);
    size_t leaves = 0;
    CheckFields(info->fields, "/data", true, form, kind, &leaves);
    // The envelope: case and (factual kinds) sources required, from the
    // store's choices; note; evidence's upload.
    EXPECT_STREQ(form.controls["/data/case"].name(), "select1");
    EXPECT_STREQ(form.binds["/data/case"].attribute("required").value(), "true()");
    EXPECT_STREQ(form.doc.select_node("//data/case").node().child_value(), "nk") << "the one case is the default";
    size_t envelope = 2;  // case, note
    if (info->factual) {
      ++envelope;
      EXPECT_STREQ(form.controls["/data/sources"].name(), "select");
      EXPECT_STREQ(form.binds["/data/sources"].attribute("required").value(), "true()");
    }
    if (kind == kinds::kEvidence) {
      ++envelope;
      EXPECT_STREQ(form.binds["/data/file"].attribute("type").value(), "binary");
      EXPECT_STREQ(form.controls["/data/file"].name(), "upload");
    }
    // Every leaf of the instance is a field of the table, the envelope's or meta.
    EXPECT_EQ(form.leaves.size(), leaves + envelope + 1) << kind;
  }
}

TEST(XFormTest, VersionChangesWithTheFormsText) {
  auto a = BuildXForm("movement", SomeChoices());
  FormChoices more = SomeChoices();
  more.routes.emplace_back("goris", "Goris road");
  auto b = BuildXForm("movement", more);
  auto c = BuildXForm("movement", SomeChoices());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(a->version, b->version);
  EXPECT_EQ(a->version, c->version);
  EXPECT_EQ(a->xml, c->xml);
  EXPECT_EQ(a->version.rfind(std::to_string(record::kSchemaVersion) + "-", 0), 0u);
}

TEST(XFormTest, ChoicesComeFromTheStoreAndTheCaseVocabulary) {
  Form form;
  ReadForm("outage", SomeChoices(), &form);
  EXPECT_TRUE(form.controls["/data/utility"].select_node("item[value='fuel']")) << "the case's own utility term";
  EXPECT_TRUE(form.controls["/data/sources"].select_node("item[value='src-2']"));
  Form movement;
  ReadForm("movement", SomeChoices(), &movement);
  EXPECT_TRUE(movement.controls["/data/route"].select_node("item[value='lachin']"));
  // Without choices, references are typed in and checked for an id's form.
  Form typed;
  ReadForm("movement", FormChoices{}, &typed);
  EXPECT_STREQ(typed.controls["/data/route"].name(), "input");
  EXPECT_NE(std::string(typed.binds["/data/route"].attribute("constraint").value()).find("regex("), std::string::npos);
  EXPECT_STREQ(typed.doc.select_node("//data/case").node().child_value(), "");
}

// The claim form: about is a plain text input (the dashboard fills it in
// with the record's id after the form loads), checked for an id's form;
// value is text; field and value are optional, stance a choice.
TEST(XFormTest, ClaimFormTypesInItsAboutAndValue) {
  Form form;
  ReadForm("claim", SomeChoices(), &form);
  EXPECT_STREQ(form.controls["/data/about"].name(), "input");
  EXPECT_FALSE(form.controls["/data/about"].child("item"));
  EXPECT_STREQ(form.binds["/data/about"].attribute("required").value(), "true()");
  EXPECT_FALSE(form.binds["/data/about"].attribute("readonly")) << "the dashboard sets about after the form loads";
  EXPECT_STREQ(form.binds["/data/value"].attribute("type").value(), "xsd:string");
  EXPECT_STREQ(form.controls["/data/value"].name(), "input");
  EXPECT_STREQ(form.binds["/data/value"].attribute("required").value(), "");
  EXPECT_STREQ(form.controls["/data/stance"].name(), "select1");
  EXPECT_EQ(std::string(form.binds["/data/value"].attribute("jr:constraintMsg").value()),
            "value is what the party says one field is: give that field's name in field");
  // Validate says the same of a value without field.
  json rec = {{"kind", "claim"}, {"id", "odk-1"}, {"value", 3}};
  bool said = false;
  for (const auto& e : record::Validate(rec, nullptr)) {
    said |= e.field == "value" && e.message == "is what the party says one field is: give that field's name in field";
  }
  EXPECT_TRUE(said);
}

TEST(XFormTest, UnknownKindIsRefused) {
  EXPECT_EQ(BuildXForm("route", {}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(BuildXForm("nonsense", {}).status().code(), ErrorCode::kInvalidArgument);
}

// A rule the forms claim to mirror (xform.h, docs/intake.md): the bind of
// `nodeset` in the form of `kind` has `attribute` holding `xpath`.
struct Mirrored {
  std::string kind, nodeset, attribute, xpath;
};

TEST(XFormTest, CrossFieldRulesAreMirrored) {
  const std::vector<Mirrored> rules = {
      {"route_status", "/data/restricted", "required", "/data/status = 'restricted'"},
      {"route_status", "/data/restricted", "relevant", "/data/status != 'open'"},
      {"route_status", "/data/until", "constraint", "/data/from = '' or . >= /data/from"},
      {"outage", "/data/until", "constraint", "/data/from = '' or . >= /data/from"},
      {"outage", "/data/confirmed_until", "constraint", "/data/from = '' or . >= /data/from"},
      {"movement", "/data/period/to", "constraint", "/data/period/from = '' or . >= /data/period/from"},
      {"movement", "/data/period/from", "required", "/data/period != ''"},
      {"movement", "/data/direction", "constraint", ". != 'both' or /data/period != ''"},
      {"movement", "/data/via", "constraint", "count-selected(.) >= 2"},
      {"incident", "/data/location/lat", "constraint", ". >= -90 and . <= 90"},
      {"incident", "/data/location/lon", "constraint", ". >= -180 and . <= 180"},
      {"incident", "/data/location/lat", "required", "../lon != ''"},
      {"incident", "/data/location/lon", "required", "../lat != ''"},
      {"incident", "/data/location/country", "constraint", "regex(., '^[A-Z]{3}$')"},
      {"incident", "/data/location/name", "required", "true()"},
      {"incident", "/data/fatalities/best", "required", "/data/fatalities != ''"},
      {"incident", "/data/casualties/fatalities/best", "required", "true()"},
      {"incident", "/data/location/geo_precision", "constraint", ". >= 1 and . <= 3"},
      {"claim", "/data/value", "constraint", "/data/field != ''"},
      {"claim", "/data/about", "constraint", "regex(., '^[a-z0-9][a-z0-9._:-]{0,127}$')"},
  };
  for (const Mirrored& r : rules) {
    Form form;
    ReadForm(r.kind, SomeChoices(), &form);
    ASSERT_TRUE(form.binds.count(r.nodeset)) << r.kind << " " << r.nodeset;
    const std::string got = form.binds[r.nodeset].attribute(r.attribute.c_str()).value();
    EXPECT_NE(got.find(r.xpath), std::string::npos) << r.kind << " " << r.nodeset << " " << r.attribute << ": " << got;
  }
}

// A value of `f`'s type that Validate refuses for the rule its form's
// constraint mirrors; null when the type has no such rule.
json Violating(const FieldInfo& f) {
  switch (f.type) {
    case FieldType::kCount: return -1;
    case FieldType::kNonNegNumber: return -0.5;
    case FieldType::kIntRange: return std::stoll(f.values[1]) + 1;
    case FieldType::kFraction: return 1.5;
    case FieldType::kHours: return 25;
    case FieldType::kUrl: return "ftp://example.org";
    case FieldType::kSha256: return "ABC";
    default: return nullptr;
  }
}

// Each type constraint's message is what Validate says of a value that
// breaks it (its message up to ", not <value>"), and so is each date order's.
TEST(XFormTest, ConstraintMessagesSayWhatValidateSays) {
  size_t checked = 0;
  for (const std::string& kind : FormKindsFor(FormRole::kMonitor)) {
    Form form;
    ReadForm(kind, SomeChoices(), &form);
    auto info = record::DescribeKind(kind);
    for (const FieldInfo& f : info->fields) {
      json bad = Violating(f);
      json rec = {{"kind", kind}, {"id", "odk-1"}, {"case", "nk"}};
      if (bad.is_null()) {
        if (f.name != "until" && f.name != "confirmed_until") continue;
        rec["from"] = "2023-01-02";
        bad = "2023-01-01";
      }
      if (LeftOut(kind, f.name)) continue;
      rec[f.name] = bad;
      std::string validate;
      for (const auto& e : record::Validate(rec, nullptr)) {
        if (e.field == f.name) validate = e.message.substr(0, e.message.find(", not "));
      }
      ASSERT_FALSE(validate.empty()) << kind << "." << f.name << " " << bad.dump();
      const std::string msg = form.binds["/data/" + f.name].attribute("jr:constraintMsg").value();
      EXPECT_NE(msg.find(f.name + " " + validate), std::string::npos) << kind << "." << f.name << ": " << msg;
      ++checked;
    }
  }
  EXPECT_GE(checked, 8u);
}

}  // namespace
}  // namespace lifeline::intake
