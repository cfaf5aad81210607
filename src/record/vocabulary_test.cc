// Case vocabularies, the v2 additions of issue #15 (date_precision on
// outages and schedules, claims about one field, movements via several
// routes, outcome `departed`) and the rule types: each accepted, each
// refusal at its field with its hint.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "record/schema.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

class KindsResolver : public Resolver {
 public:
  std::map<std::string, std::string> kinds = {{"c1", "case"}, {"s1", "source"}, {"r1", "route"},
                                              {"r2", "route"}, {"rs1", "route_status"}};
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = kinds.find(id);
    return it == kinds.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

json Outage(const std::string& utility) {
  return {{"kind", "outage"}, {"id", "o1"},  {"case", "c1"},       {"sources", {"s1"}},
          {"utility", utility}, {"from", "2023-01-10"}};
}

const CaseVocabulary kFuel = {{"utility", {{"fuel", "diesel and petrol for generators and vehicles"}}},
                              {"restricted", {{"fuel", "fuel as cargo"}}},
                              {"outcome", {{"diverted", "sent to another crossing"}}},
                              {"route_type", {{"sea", "a sea corridor"}}}};

std::string Errors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
  return out;
}

// The hint at `field`, or "" when there is none.
std::string HintAt(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return e.hint;
  }
  return "";
}

// The message at `field`, or "" when there is none.
std::string At(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return e.message;
  }
  return "";
}

TEST(VocabularyTest, CoreTermsNeedNoCaseVocabulary) {
  KindsResolver r;
  for (const std::string& u : CoreVocabulary("utility")) EXPECT_TRUE(Validate(Outage(u), &r).empty()) << u;
  EXPECT_EQ(CoreVocabulary("outcome"), (std::vector<std::string>{"completed", "departed", "stopped", "turned_back"}));
  EXPECT_TRUE(CoreVocabulary("severity").empty());
}

TEST(VocabularyTest, ATermOutsideTheCoreIsRefusedWithTheHint) {
  KindsResolver r;
  auto errors = Validate(Outage("fuel"), &r);
  ASSERT_EQ(errors.size(), 1u) << Errors(errors);
  EXPECT_EQ(errors[0].field, "utility");
  EXPECT_EQ(errors[0].message, "must be one of gas, electricity, water, internet, telephone, not \"fuel\"");
  EXPECT_EQ(errors[0].hint,
            "use one of these, or add it to the case record's vocabulary.utility with a definition (docs/records.md, "
            "\"Vocabularies\")");
}

TEST(VocabularyTest, TheCaseVocabularyExtendsEachField) {
  KindsResolver r;
  EXPECT_TRUE(Validate(Outage("fuel"), &r, {}, nullptr, &kFuel).empty());
  json schedule = Outage("fuel");
  schedule["kind"] = "schedule";
  schedule["hours_off_per_day"] = 6;
  EXPECT_TRUE(Validate(schedule, &r, {}, nullptr, &kFuel).empty()) << Errors(Validate(schedule, &r, {}, nullptr, &kFuel));
  json status = {{"kind", "route_status"}, {"id", "rs2"}, {"case", "c1"}, {"sources", {"s1"}}, {"route", "r1"},
                 {"from", "2023-01-10"}, {"status", "restricted"}, {"restricted", {"cargo", "fuel"}}};
  EXPECT_TRUE(Validate(status, &r, {}, nullptr, &kFuel).empty()) << Errors(Validate(status, &r, {}, nullptr, &kFuel));
  EXPECT_NE(HintAt(Validate(status, &r), "restricted[1]").find("vocabulary.restricted"), std::string::npos);
  json movement = {{"kind", "movement"}, {"id", "m1"}, {"case", "c1"},         {"sources", {"s1"}},
                   {"route", "r1"},      {"date", "2023-01-10"}, {"direction", "in"}, {"operator", "ICRC"},
                   {"outcome", "diverted"}};
  EXPECT_TRUE(Validate(movement, &r, {}, nullptr, &kFuel).empty());
  EXPECT_NE(HintAt(Validate(movement, &r), "outcome").find("vocabulary.outcome"), std::string::npos);
  json route = {{"kind", "route"}, {"id", "r3"}, {"case", "c1"}, {"sources", {"s1"}}, {"name", "Sea"}, {"type", "sea"}};
  EXPECT_TRUE(Validate(route, &r, {}, nullptr, &kFuel).empty());
  EXPECT_NE(HintAt(Validate(route, &r), "type").find("vocabulary.route_type"), std::string::npos);
  // A term of another vocabulary does not leak: "sea" is a route type only.
  EXPECT_NE(At(Validate(Outage("sea"), &r, {}, nullptr, &kFuel), "utility").find(", fuel, not \"sea\""),
            std::string::npos);
}

json CaseWith(json vocabulary) {
  return {{"kind", "case"},         {"id", "c9"},         {"sources", {"s1"}}, {"title", "T"},
          {"region", "R"},          {"started", "2023-01-01"}, {"vocabulary", std::move(vocabulary)}};
}

TEST(VocabularyTest, ACaseRecordDeclaresItsVocabulary) {
  KindsResolver r;
  json c = CaseWith({{"utility", {{"fuel", "diesel"}, {"banking", "card payments and cash"}}}});
  EXPECT_TRUE(Validate(c, &r).empty()) << Errors(Validate(c, &r));
  CaseVocabulary v = VocabularyOf(&c);
  ASSERT_NE(TermDefinition(v, "utility", "banking"), nullptr);
  EXPECT_EQ(*TermDefinition(v, "utility", "banking"), "card payments and cash");
  EXPECT_EQ(TermDefinition(v, "utility", "gas"), nullptr);
  EXPECT_EQ(TermDefinition(v, "outcome", "fuel"), nullptr);
}

TEST(VocabularyTest, AMalformedVocabularyIsRefusedAtItsTerm) {
  KindsResolver r;
  EXPECT_EQ(At(Validate(CaseWith({{"severity", {{"high", "x"}}}}), &r), "vocabulary.severity"),
            "is not a vocabulary a case extends (utility, restricted, outcome, route_type)");
  EXPECT_EQ(At(Validate(CaseWith({{"utility", {{"gas", "x"}}}}), &r), "vocabulary.utility.gas"),
            "is already a core term of utility: use it without defining it");
  EXPECT_NE(At(Validate(CaseWith({{"utility", {{"Fuel Oil", "x"}}}}), &r), "vocabulary.utility.Fuel Oil"), "");
  EXPECT_NE(At(Validate(CaseWith({{"utility", {{"fuel", ""}}}}), &r), "vocabulary.utility.fuel"), "");
  EXPECT_NE(At(Validate(CaseWith({{"utility", json::object()}}), &r), "vocabulary.utility"), "");
  EXPECT_NE(At(Validate(CaseWith(json::array()), &r), "vocabulary"), "");
  // What VocabularyOf keeps of a malformed one: only the well-formed new terms.
  json c = CaseWith({{"utility", {{"gas", "x"}, {"fuel", "diesel"}, {"Bad", "y"}}}, {"severity", {{"a", "b"}}}});
  CaseVocabulary v = VocabularyOf(&c);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.at("utility").size(), 1u);
}

TEST(VocabularyTest, OutagesAndSchedulesTakeADatePrecision) {
  KindsResolver r;
  json o = Outage("gas");
  o["date_precision"] = "month";
  EXPECT_TRUE(Validate(o, &r).empty());
  o["date_precision"] = "decade";
  EXPECT_EQ(At(Validate(o, &r), "date_precision"), "must be one of day, week, month, year, not \"decade\"");
}

json Claim() {
  return {{"kind", "claim"}, {"id", "cl1"}, {"case", "c1"}, {"sources", {"s1"}}, {"about", "rs1"},
          {"stance", "disputes"}, {"party", "A"}, {"text", "it was not them"}};
}

TEST(VocabularyTest, AClaimMayBeAboutOneFieldOfItsRecord) {
  KindsResolver r;
  json c = Claim();
  c["field"] = "imposed_by";
  c["value"] = "unidentified persons";
  EXPECT_TRUE(Validate(c, &r).empty()) << Errors(Validate(c, &r));
  c["field"] = "utility";
  EXPECT_EQ(At(Validate(c, &r), "field").rfind("\"utility\" is not a field of a route_status record (route, from,", 0),
            0u)
      << Errors(Validate(c, &r));
  c.erase("field");
  EXPECT_EQ(At(Validate(c, &r), "value"), "is what the party says one field is: give that field's name in field");
  c["field"] = "imposed_by";
  c["value"] = nullptr;
  EXPECT_NE(At(Validate(c, &r), "value"), "");
}

TEST(VocabularyTest, AMovementMayGoViaSeveralRoutes) {
  KindsResolver r;
  json m = {{"kind", "movement"}, {"id", "m1"},   {"case", "c1"},          {"sources", {"s1"}}, {"route", "r1"},
            {"date", "2023-01-10"}, {"direction", "in"}, {"operator", "UN"}, {"outcome", "departed"},
            {"via", {"r2", "r1"}}};
  EXPECT_TRUE(Validate(m, &r).empty()) << Errors(Validate(m, &r));
  m["via"] = {"r2", "s1"};
  EXPECT_EQ(At(Validate(m, &r), "via[1]"), "refers to \"s1\", a source record; it must be a route");
  m["via"] = {"r2"};
  EXPECT_NE(At(Validate(m, &r), "via").find("at least two"), std::string::npos);
}

json Obligation(json rule) {
  return {{"kind", "obligation"}, {"id", "ob1"}, {"case", "c1"}, {"sources", {"s1"}}, {"instrument", "agreement"},
          {"title", "T"},         {"issued", "2023-01-01"}, {"rule", std::move(rule)}};
}

TEST(VocabularyTest, EachRuleTypeIsAccepted) {
  KindsResolver r;
  for (const json& rule : {
           json{{"type", "route_open"}, {"route", "r1"}, {"for", {"persons"}}, {"directions", {"in"}}, {"from", "2023-01-01"}},
           json{{"type", "service_restored"}, {"utility", "gas"}, {"area", "Stepanakert"}, {"from", "2023-01-01"}},
           json{{"type", "commodity_allowed"}, {"commodity", "medical"}, {"routes", {"r1"}}, {"from", "2023-01-01"}},
           json{{"type", "flow_at_least"}, {"measure", "cargo"}, {"commodity", "flour"}, {"unit", "t"},
                {"quantity", 100}, {"per", "week"}, {"from", "2023-01-01"}, {"until", "2023-03-01"}},
           json{{"type", "flow_at_least"}, {"measure", "vehicles"}, {"quantity", 500}, {"per", "day"},
                {"directions", {"in"}}, {"from", "2023-01-01"}},
           json{{"type", "not_evaluable"}, {"reason", "\"at scale\" names no quantity"}},
       }) {
    EXPECT_TRUE(Validate(Obligation(rule), &r).empty()) << rule.dump() << "\n" << Errors(Validate(Obligation(rule), &r));
  }
  json fuel = {{"type", "service_restored"}, {"utility", "fuel"}, {"from", "2023-01-01"}};
  EXPECT_TRUE(Validate(Obligation(fuel), &r, {}, nullptr, &kFuel).empty());
  EXPECT_NE(HintAt(Validate(Obligation(fuel), &r), "rule.utility").find("vocabulary.utility"), std::string::npos);
}

TEST(VocabularyTest, EachRuleRefusalNamesItsField) {
  KindsResolver r;
  EXPECT_EQ(At(Validate(Obligation({{"type", "route_closed"}}), &r), "rule.type"),
            "must be one of route_open, service_restored, commodity_allowed, flow_at_least, not_evaluable, not "
            "\"route_closed\" (an obligation no rule can check takes not_evaluable with its reason)");
  EXPECT_EQ(At(Validate(Obligation({{"type", "not_evaluable"}}), &r), "rule.reason"), "is required");
  EXPECT_EQ(At(Validate(Obligation({{"type", "service_restored"}, {"utility", "gas"}, {"from", "2023-01-01"},
                                    {"route", "r1"}}),
                        &r),
               "rule.route"),
            "is not a field of a service_restored rule {type, utility, area, from, until}");
  json flow = {{"type", "flow_at_least"}, {"measure", "cargo"}, {"quantity", 1}, {"per", "day"}, {"from", "2023-01-01"}};
  EXPECT_EQ(At(Validate(Obligation(flow), &r), "rule.unit"), "is required for a cargo flow: the unit of quantity");
  flow["measure"] = "persons";
  flow["commodity"] = "flour";
  EXPECT_EQ(At(Validate(Obligation(flow), &r), "rule.commodity"), "is given only for a cargo flow (measure cargo)");
  flow.erase("commodity");
  flow["per"] = "year";
  EXPECT_EQ(At(Validate(Obligation(flow), &r), "rule.per"), "must be one of day, week, month, not \"year\"");
  json allowed = {{"type", "commodity_allowed"}, {"commodity", "fuel"}, {"routes", json::array()}, {"from", "2023-01-01"}};
  auto errors = Validate(Obligation(allowed), &r);
  EXPECT_NE(HintAt(errors, "rule.commodity").find("vocabulary.restricted"), std::string::npos) << Errors(errors);
  EXPECT_NE(At(errors, "rule.routes"), "") << Errors(errors);
  EXPECT_NE(At(Validate(Obligation(json::array()), &r), "rule"), "");
}

TEST(VocabularyTest, TheJsonSchemaLeavesVocabulariesOpen) {
  json s = JsonSchema();
  for (const json& k : s["oneOf"]) {
    if (k["title"] != "outage") continue;
    const json& u = k["properties"]["utility"];
    ASSERT_TRUE(u.contains("anyOf")) << u.dump();
    EXPECT_EQ(u["anyOf"][0]["enum"], json(CoreVocabulary("utility")));
    EXPECT_TRUE(k["properties"].contains("date_precision"));
  }
}

}  // namespace
}  // namespace lifeline::record
