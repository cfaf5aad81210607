#include "record/framework.h"

#include <gtest/gtest.h>

namespace lifeline::record {
namespace {

TEST(FrameworkTest, TheUnFrameworkHasFourteenFactorsEightCommon) {
  const Framework* fw = FindFramework("un-foa-2014");
  ASSERT_NE(fw, nullptr);
  EXPECT_EQ(fw->file, "data/frameworks/un-foa-2014.json");
  ASSERT_EQ(fw->factors.size(), 14u);
  int common = 0;
  for (size_t i = 0; i < fw->factors.size(); ++i) {
    EXPECT_EQ(fw->factors[i].id, "RF" + std::to_string(i + 1));
    // Only the indicator lists checked against the document are listed
    // (the file's note): RF7, RF8, RF9 and RF13.
    const bool checked = i == 6 || i == 7 || i == 8 || i == 12;
    EXPECT_EQ(fw->factors[i].indicators.empty(), !checked) << fw->factors[i].id;
    common += fw->factors[i].group == "common";
  }
  EXPECT_EQ(common, 8);
  // The counts checked against the per-factor transcriptions (the note):
  // 7.1-7.11, 8.1-8.12, 9.1-9.6, 13.1-13.10, each numbered in order.
  for (const auto& [id, count] : {std::pair{"RF7", 11}, {"RF8", 12}, {"RF9", 6}, {"RF13", 10}}) {
    const FrameworkFactor* f = fw->Factor(id);
    ASSERT_NE(f, nullptr) << id;
    ASSERT_EQ(f->indicators.size(), static_cast<size_t>(count)) << id;
    for (int n = 1; n <= count; ++n) {
      EXPECT_EQ(f->indicators[static_cast<size_t>(n - 1)].id, std::string(id).substr(2) + "." + std::to_string(n)) << id;
    }
  }
  ASSERT_NE(fw->Factor("RF13"), nullptr);
  EXPECT_NE(fw->Factor("RF13")->Indicator("13.8"), nullptr);
  EXPECT_EQ(fw->Factor("RF13")->Indicator("7.1"), nullptr);
  EXPECT_EQ(fw->url.rfind("https://www.un.org/", 0), 0u);
}

TEST(FrameworkTest, RefusesABadFileNamingIt) {
  auto bad = [](const std::string& text) { return ParseFramework(text, "x.json").status(); };
  EXPECT_NE(bad("[]").message().find("x.json"), std::string::npos);
  Status dup = bad(R"({"id":"x","title":"t","url":"u","factors":[{"id":"RF1","name":"n","group":"g",
      "indicators":[{"id":"1.1","label":"a"},{"id":"1.1","label":"b"}]}]})");
  EXPECT_NE(dup.message().find("indicator 1.1 appears twice"), std::string::npos) << dup.ToString();
  Status misnumbered = bad(R"({"id":"x","title":"t","url":"u","factors":[{"id":"RF2","name":"n","group":"g",
      "indicators":[{"id":"3.1","label":"a"}]}]})");
  EXPECT_NE(misnumbered.message().find("must be numbered 2.N"), std::string::npos) << misnumbered.ToString();
  EXPECT_FALSE(bad(R"({"id":"x","title":"t","url":"u","factors":[]})").ok());
}

}  // namespace
}  // namespace lifeline::record
