#include "intake/instance.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <tuple>

#include "base/kinds.h"
#include "intake/form_layout.h"
#include "intake/xform.h"

namespace lifeline::intake {
namespace {

using nlohmann::json;
using record::FieldInfo;
using record::FieldType;

constexpr const char* kMovement = R"(<?xml version="1.0"?>
<data id="lifeline-movement" version="2-abc" xmlns:orx="http://openrosa.org/xforms">
  <case>nk</case>
  <route>lachin</route>
  <date>2023-01-15</date>
  <date_precision/>
  <direction>in</direction>
  <operator>ICRC</operator>
  <persons>12</persons>
  <patients></patients>
  <cargo><commodity>flour</commodity><quantity>20.5</quantity><unit>t</unit></cargo>
  <cargo><commodity>fuel</commodity><quantity>3</quantity><unit>l</unit><note/></cargo>
  <period><from/><to/></period>
  <sources>src-1 src-2</sources>
  <note>seen &amp; counted
at the checkpoint</note>
  <orx:meta><orx:instanceID>uuid:3F2A0C1E-1111-4AAA-8BBB-0123456789AB</orx:instanceID></orx:meta>
</data>)";

TEST(ParseInstanceTest, ReadsAMovement) {
  auto inst = ParseInstance(kMovement);
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  EXPECT_EQ(inst->form_id, "lifeline-movement");
  EXPECT_EQ(inst->form_version, "2-abc");
  EXPECT_EQ(inst->instance_id, "uuid:3F2A0C1E-1111-4AAA-8BBB-0123456789AB");
  const json want = {
      {"kind", "movement"},
      {"id", "odk-3f2a0c1e-1111-4aaa-8bbb-0123456789ab"},
      {"case", "nk"},
      {"route", "lachin"},
      {"date", "2023-01-15"},
      {"direction", "in"},
      {"operator", "ICRC"},
      {"persons", 12},
      {"cargo", {{{"commodity", "flour"}, {"quantity", 20.5}, {"unit", "t"}}, {{"commodity", "fuel"}, {"quantity", 3}, {"unit", "l"}}}},
      {"sources", {"src-1", "src-2"}},
      {"note", "seen & counted\nat the checkpoint"}};
  EXPECT_EQ(inst->record, want) << inst->record.dump(1);
  EXPECT_TRUE(inst->attachments.empty());
}

TEST(ParseInstanceTest, EvidenceFileIsAnAttachment) {
  auto inst = ParseInstance(R"(<data id="lifeline-evidence" version="v"><case>nk</case><file>IMG_0042.jpg</file>
    <description>the bridge</description><sources>s</sources><meta><instanceID>uuid:ab-12</instanceID></meta></data>)");
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  EXPECT_EQ(inst->attachments, (std::map<std::string, std::string>{{"file", "IMG_0042.jpg"}}));
  EXPECT_FALSE(inst->record.contains("file"));
  EXPECT_EQ(inst->record.at("id"), "odk-ab-12");
}

// Each refusal names the element path and what is wrong.
void ExpectRefused(std::string_view xml, const std::string& says) {
  auto inst = ParseInstance(xml);
  ASSERT_FALSE(inst.ok()) << xml;
  EXPECT_EQ(inst.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(inst.status().message().find(says), std::string::npos) << inst.status().message();
}

constexpr const char* kMeta = "<meta><instanceID>uuid:0a1b</instanceID></meta>";

TEST(ParseInstanceTest, RefusesWhatIsNotAnInstanceOfALifelineForm) {
  ExpectRefused("<data id=\"lifeline-movement\"><case>nk</case", "not well-formed XML");
  ExpectRefused("", "not well-formed XML");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><case>nk</case><weather>rain</weather>") + kMeta + "</data>",
                "data/weather: is not a field of the lifeline-movement form");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><period><form>2023-01-01</form></period>") + kMeta + "</data>",
                "data/period/form: is not a field");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><cargo><unit>t</unit></cargo><cargo><qty>1</qty></cargo>") +
                    kMeta + "</data>",
                "data/cargo[2]/qty: is not a field");
  ExpectRefused("<data id=\"lifeline-movement\"><case>nk</case></data>", "data/meta/instanceID: is required");
  ExpectRefused("<data id=\"lifeline-movement\"><meta><instanceID/></meta></data>", "data/meta/instanceID: \"\" is not an instance id");
  ExpectRefused("<data id=\"lifeline-movement\"><meta><instanceID>3f2a</instanceID></meta></data>",
                "data/meta/instanceID: \"3f2a\" is not an instance id");
  ExpectRefused("<data id=\"lifeline-movement\"><meta><instanceID>uuid:../x</instanceID></meta></data>", "is not an instance id");
  ExpectRefused("<data id=\"lifeline-movement\"><meta><instanceID>uuid:1</instanceID><phone>1</phone></meta></data>",
                "data/meta/phone: is not an OpenRosa meta element");
  ExpectRefused(std::string("<data id=\"lifeline-route\">") + kMeta + "</data>", "data/@id: \"lifeline-route\" is not a Lifeline form");
  ExpectRefused(std::string("<data>") + kMeta + "</data>", "data/@id");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><persons>twelve</persons>") + kMeta + "</data>",
                "data/persons: \"twelve\" is not a whole number");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><persons>1.5</persons>") + kMeta + "</data>",
                "data/persons: \"1.5\" is not a whole number");
  ExpectRefused(std::string("<data id=\"lifeline-stock\"><quantity>lots</quantity>") + kMeta + "</data>",
                "data/quantity: \"lots\" is not a number");
  ExpectRefused(std::string("<data id=\"lifeline-stock\"><quantity>1e400</quantity>") + kMeta + "</data>",
                "data/quantity: \"1e400\" is not a number");
  ExpectRefused(std::string("<data id=\"lifeline-stock\"><quantity>NaN</quantity>") + kMeta + "</data>",
                "data/quantity: \"NaN\" is not a number");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><persons>99999999999999999999</persons>") + kMeta + "</data>",
                "is not a whole number");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><date>2023-01-15</date><date>2023-01-16</date>") + kMeta + "</data>",
                "data/date: appears twice");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><date><day>15</day></date>") + kMeta + "</data>",
                "data/date: holds elements");
  ExpectRefused(std::string("<data id=\"lifeline-movement\"><period>2023<from>2023-01-01</from></period>") + kMeta + "</data>",
                "data/period: holds text outside");
}

// --- round trip: random records of each form's kind -----------------------

rc::Gen<std::string> Text(bool lines) {
  std::vector<std::string> pieces = {"flour", "Lachin", "ICRC", "a & b", "<tag>", "\"quoted\"", "Ստեփանակերտ", "Ağdam", "x y"};
  if (lines) pieces.push_back("\nnext line");
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces))),
                      [](const std::vector<std::string>& parts) {
                        std::string s;
                        for (const auto& p : parts) s += p;
                        return s;
                      });
}

json Subset(const std::vector<std::string>& values) {
  auto picks = *rc::gen::nonEmpty(rc::gen::container<std::set<size_t>>(rc::gen::inRange<size_t>(0, values.size())));
  json list = json::array();
  for (size_t i : picks) list.push_back(values[i]);
  return list;
}

json Leaf(const FieldInfo& f) {
  switch (f.type) {
    case FieldType::kCount: return *rc::gen::inRange<int64_t>(0, 1000000);
    case FieldType::kIntRange: return *rc::gen::inRange<int64_t>(std::stoll(f.values[0]), std::stoll(f.values[1]) + 1);
    case FieldType::kNumber: return *rc::gen::inRange<int64_t>(-100000, 100000) / 64.0;
    case FieldType::kNonNegNumber:
    case FieldType::kHours:
    case FieldType::kFraction: return *rc::gen::inRange<int64_t>(0, 25) / 25.0;
    case FieldType::kEnum: return *rc::gen::elementOf(f.values);
    case FieldType::kEnumList: return Subset(f.values);
    case FieldType::kRef: return *rc::gen::elementOf(std::vector<std::string>{"src-1", "lachin", "r.2", "a:b_c-d"});
    case FieldType::kRefList: return Subset({"src-1", "src-2", "lachin", "r.2"});
    case FieldType::kTextList: return *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(Text(false)));
    case FieldType::kDate: return *rc::gen::elementOf(std::vector<std::string>{"2023-01-15", "1999-12-31"});
    case FieldType::kDateTime:
      return *rc::gen::elementOf(std::vector<std::string>{"2023-01-15T08:30:00Z", "2023-01-15", "2023-01-15T08:30:00.000+04:00"});
    case FieldType::kUrl: return "https://example.org/r?a=1&b=2";
    case FieldType::kSha256: return std::string(64, 'a');
    case FieldType::kBool: return *rc::gen::arbitrary<bool>();
    default: return *Text(f.name == "note" || f.name == "description");
  }
}

json Members(const std::vector<FieldInfo>& fields, const FormLayout* top, std::map<std::string, std::string>* files);

json Value(const FieldInfo& f) {
  if (IsGroup(f)) return Members(f.fields, nullptr, nullptr);
  if (!IsRepeat(f)) return Leaf(f);
  json list = json::array();
  const int n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n; ++i) list.push_back(Members(f.fields, nullptr, nullptr));
  return list;
}

json Members(const std::vector<FieldInfo>& fields, const FormLayout* top, std::map<std::string, std::string>* files) {
  json obj = json::object();
  for (const FieldInfo& f : fields) {
    if (!f.required && !*rc::gen::arbitrary<bool>()) continue;
    if (top != nullptr && IsUpload(*top, f)) {
      (*files)[f.name] = "IMG_" + std::to_string(*rc::gen::inRange(0, 9999)) + ".jpg";
      continue;
    }
    json v = Value(f);
    if (!v.empty() || !(v.is_object() || v.is_array())) obj[f.name] = v;
  }
  return obj;
}

RC_GTEST_PROP(InstanceProperty, RecordsRoundTripThroughTheirForms, ()) {
  const std::string kind = *rc::gen::elementOf(FormKindsFor(FormRole::kMonitor));
  auto layout = LayoutOf(kind);
  RC_ASSERT(layout.ok());
  std::map<std::string, std::string> files;
  json rec = Members(layout->fields, &*layout, &files);
  rec["kind"] = kind;
  rec["id"] = "odk-" + *rc::gen::elementOf(std::vector<std::string>{"3f2a0c1e-1111-4aaa-8bbb-0123456789ab", "0", "ab-cd"});
  auto xml = RecordToInstance(rec, "2-x", files);
  RC_ASSERT(xml.ok());
  auto inst = ParseInstance(*xml);
  RC_ASSERT(inst.ok());
  RC_ASSERT(inst->record == rec);
  RC_ASSERT(inst->attachments == files);
  RC_ASSERT(inst->form_version == "2-x");
  RC_ASSERT(inst->form_id == FormId(kind));
}

json Claim(std::string field, json value) {
  return {{"kind", "claim"}, {"id", "odk-1"}, {"about", "st-1"}, {"field", std::move(field)}, {"value", std::move(value)}};
}

TEST(TypeClaimValueTest, NumbersAndBooleansOfTheClaimedFieldAreTyped) {
  json rec = Claim("quantity", "12.5");
  ASSERT_TRUE(TypeClaimValue("stock", rec).ok());
  EXPECT_EQ(rec["value"], json(12.5));
  rec = Claim("persons", "40");
  ASSERT_TRUE(TypeClaimValue("movement", rec).ok());
  EXPECT_EQ(rec["value"], json(40));
  rec = Claim("public", "false");
  ASSERT_TRUE(TypeClaimValue("case", rec).ok());
  EXPECT_EQ(rec["value"], json(false));
  // Text fields, fields the kind does not have and unknown kinds keep text.
  for (const auto& [kind, field] : {std::pair{"movement", "operator"}, std::pair{"stock", "nonsense"},
                                    std::pair{"nonsense", "quantity"}}) {
    rec = Claim(field, "12");
    ASSERT_TRUE(TypeClaimValue(kind, rec).ok());
    EXPECT_EQ(rec["value"], json("12")) << kind << "." << field;
  }
  // Other kinds are not touched.
  json movement = {{"kind", "movement"}, {"field", "persons"}, {"value", "12"}};
  ASSERT_TRUE(TypeClaimValue("movement", movement).ok());
  EXPECT_EQ(movement["value"], json("12"));
}

TEST(TypeClaimValueTest, TextThatIsNotOfTheClaimedTypeIsRefused) {
  for (const auto& [kind, field, text] : {std::tuple{"stock", "quantity", "12a"}, std::tuple{"movement", "persons", "12.5"},
                                          std::tuple{"movement", "persons", "twelve"}, std::tuple{"case", "public", "yes"},
                                          std::tuple{"stock", "quantity", "1e999"}}) {
    json rec = Claim(field, text);
    Status s = TypeClaimValue(kind, rec);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << kind << "." << field << " " << text;
    EXPECT_EQ(s.message().rfind("value: \"" + std::string(text) + "\"", 0), 0u) << s.message();
    EXPECT_NE(s.message().find(std::string(field) + " of a " + kind + " record"), std::string::npos) << s.message();
    EXPECT_EQ(rec["value"], json(text)) << "left as it was";
  }
}

TEST(RecordToInstanceTest, AClaimsValueIsWrittenAsTextAndTypedBack) {
  json rec = Claim("quantity", 7.25);
  auto xml = RecordToInstance(rec, "v");
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  auto inst = ParseInstance(*xml);
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  EXPECT_EQ(inst->record["value"], json("7.25"));
  ASSERT_TRUE(TypeClaimValue("stock", inst->record).ok());
  EXPECT_EQ(inst->record, rec);
}

TEST(RecordToInstanceTest, RefusesWhatNoFormHolds) {
  json rec = {{"kind", "movement"}, {"id", "odk-1"}, {"supersedes", "mv-1"}};
  EXPECT_EQ(RecordToInstance(rec, "v").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(RecordToInstance({{"kind", "route"}, {"id", "odk-1"}}, "v").ok());
  EXPECT_FALSE(RecordToInstance({{"kind", "movement"}, {"id", "mv-1"}}, "v").ok());
  EXPECT_FALSE(RecordToInstance({{"kind", "movement"}, {"id", "odk-1"}, {"persons", "12"}}, "v").ok());
  EXPECT_FALSE(RecordToInstance({{"kind", "movement"}, {"id", "odk-1"}, {"sources", {"a b"}}}, "v").ok());
}

}  // namespace
}  // namespace lifeline::intake
