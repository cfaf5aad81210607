#include <gtest/gtest.h>

#include "intake/xform.h"
#include "record/submit_testing.h"

namespace lifeline::intake {
namespace {

class ReadFormChoicesTest : public record::SubmitFixture {
 protected:
  void SetUp() override {
    record::SubmitFixture::SetUp();
    MustSubmit({
        R"({"id":"nk","kind":"case","region":"NK","sources":["src-nk-1"],"started":"2022-12-12","title":"NK blockade",)"
        R"("vocabulary":{"utility":{"fuel":"diesel and petrol for generators"}}})",
        R"({"case":"nk","id":"src-nk-1","kind":"source","publisher":"ICRC","title":"Press release"})",
        R"({"case":"nk","id":"src-nk-2","kind":"source","publisher":"OCHA","title":"Flash update"})",
        R"({"case":"nk","id":"rt-lachin","kind":"route","name":"Lachin corridor","sources":["src-nk-1"],"type":"road"})",
        R"({"case":"nk","id":"ret-1","kind":"retraction","retracts":"src-nk-2","reason":"duplicate"})",
        R"({"id":"gz","kind":"case","region":"Gaza","sources":["src-gz-1"],"started":"2023-10-09","title":"Gaza access"})",
        R"({"case":"gz","id":"src-gz-1","kind":"source","publisher":"UNRWA","title":"Situation report"})",
    });
  }
};

TEST_F(ReadFormChoicesTest, OneCaseGivesItsCurrentRecordsAndVocabulary) {
  auto c = ReadFormChoices(*mem_, "nk");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  using Choices = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->cases, (Choices{{"nk", "NK blockade"}}));
  EXPECT_EQ(c->sources, (Choices{{"src-nk-1", "ICRC: Press release"}})) << "the retracted source is not offered";
  EXPECT_EQ(c->routes, (Choices{{"rt-lachin", "Lachin corridor"}}));
  ASSERT_EQ(c->vocabulary.count("utility"), 1u);
  EXPECT_EQ(c->vocabulary.at("utility").at("fuel"), "diesel and petrol for generators");
}

TEST_F(ReadFormChoicesTest, NoCaseGivesEveryCase) {
  auto c = ReadFormChoices(*mem_, "");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->cases.size(), 2u);
  EXPECT_EQ(c->sources.size(), 2u);
  EXPECT_TRUE(c->vocabulary.empty());
}

// The bundled Lachin case is corrected ("lachin-2022-23.c1" supersedes
// "lachin-2022-23"): the form must offer the case id, which records name,
// not the correction's id (a record of case "nk.c1" is refused).
TEST_F(ReadFormChoicesTest, CorrectedCaseIsOfferedByItsCaseId) {
  MustSubmit({
      R"({"case":"nk","id":"nk.c1","kind":"case","region":"NK","sources":["src-nk-1"],"started":"2022-12-12",)"
      R"("supersedes":"nk","title":"NK blockade, corrected"})",
  });
  auto c = ReadFormChoices(*mem_, "nk");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  using Choices = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->cases, (Choices{{"nk", "NK blockade, corrected"}}));
}

TEST_F(ReadFormChoicesTest, UnknownCaseIsNotFound) {
  auto c = ReadFormChoices(*mem_, "zz");
  EXPECT_EQ(c.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(c.status().message().find("\"zz\""), std::string::npos);
}

}  // namespace
}  // namespace lifeline::intake
