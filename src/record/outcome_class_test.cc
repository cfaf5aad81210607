// Outcome terms a case defines carry their class (docs/records.md,
// "Vocabularies"): the object form is accepted, a bare definition or a
// class outside the core refused with the form in the message, and the
// classes read back as the analyses read them.
#include "record/outcome_class.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "record/schema.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

json CaseWith(json outcome) {
  return {{"kind", "case"},    {"id", "c9"},     {"sources", {"s1"}},
          {"title", "T"},      {"region", "R"}, {"started", "2023-01-01"},
          {"vocabulary", {{"outcome", std::move(outcome)}}}};
}

std::string At(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return e.message;
  }
  return "";
}

TEST(OutcomeClassTest, AnOutcomeTermWithItsClassIsAccepted) {
  json c = CaseWith({{"diverted", {{"definition", "sent to another crossing"}, {"counts_as", "turned_back"}}},
                     {"handed_over", {{"definition", "handed to another operator"}, {"counts_as", "completed"}}}});
  EXPECT_TRUE(Validate(c, nullptr).empty());
  OutcomeClasses classes = OutcomeClassesOf(&c);
  EXPECT_EQ(classes, (OutcomeClasses{{"diverted", "turned_back"}, {"handed_over", "completed"}}));
  EXPECT_EQ(OutcomeClassOf(classes, "diverted"), "turned_back");
  EXPECT_EQ(OutcomeClassOf(classes, "handed_over"), "completed");
  CaseVocabulary v = VocabularyOf(&c);
  ASSERT_NE(TermDefinition(v, "outcome", "diverted"), nullptr);
  EXPECT_EQ(*TermDefinition(v, "outcome", "diverted"), "sent to another crossing");
}

TEST(OutcomeClassTest, TheCoreTermsAreTheirOwnClass) {
  const OutcomeClasses none;
  EXPECT_EQ(OutcomeClassOf(none, ""), "completed");
  EXPECT_EQ(OutcomeClassOf(none, "completed"), "completed");
  EXPECT_EQ(OutcomeClassOf(none, "departed"), "completed");
  EXPECT_EQ(OutcomeClassOf(none, "stopped"), "stopped");
  EXPECT_EQ(OutcomeClassOf(none, "turned_back"), "turned_back");
  EXPECT_EQ(OutcomeClassOf(none, "diverted"), std::nullopt);
}

TEST(OutcomeClassTest, ABareDefinitionIsRefusedWithTheObjectForm) {
  json c = CaseWith({{"diverted", "sent to another crossing"}});
  const std::string e = At(Validate(c, nullptr), "vocabulary.outcome.diverted");
  EXPECT_NE(e.find("must be an object, not \"sent to another crossing\""), std::string::npos) << e;
  EXPECT_NE(e.find(R"({"definition": "<one line>", "counts_as": "completed" | "stopped" | "turned_back"})"),
            std::string::npos)
      << e;
  EXPECT_TRUE(OutcomeClassesOf(&c).empty());
  EXPECT_EQ(TermDefinition(VocabularyOf(&c), "outcome", "diverted"), nullptr);
}

TEST(OutcomeClassTest, AClassOutsideTheCoreOrAMissingPartIsRefused) {
  for (const json& entry : {json{{"definition", "x"}, {"counts_as", "departed"}}, json{{"definition", "x"}},
                            json{{"counts_as", "stopped"}}, json{{"definition", ""}, {"counts_as", "stopped"}},
                            json{{"definition", "x"}, {"counts_as", "stopped"}, {"note", "y"}}}) {
    json c = CaseWith({{"lost", entry}});
    EXPECT_NE(At(Validate(c, nullptr), "vocabulary.outcome.lost"), "") << entry.dump();
    EXPECT_TRUE(OutcomeClassesOf(&c).empty()) << entry.dump();
  }
  // Other vocabularies keep the bare definition.
  json fuel = {{"kind", "case"},   {"id", "c9"},     {"sources", {"s1"}}, {"title", "T"},
               {"region", "R"},    {"started", "2023-01-01"},
               {"vocabulary", {{"utility", {{"fuel", {{"definition", "x"}, {"counts_as", "completed"}}}}}}}};
  EXPECT_NE(At(Validate(fuel, nullptr), "vocabulary.utility.fuel"), "");
}

}  // namespace
}  // namespace lifeline::record
