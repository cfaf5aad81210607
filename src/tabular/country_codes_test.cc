#include "tabular/country_codes.h"

#include <gtest/gtest.h>

namespace lifeline::tabular {
namespace {

TEST(CountryCodesTest, NumericAndNames) {
  EXPECT_EQ(Alpha3FromNumeric("50"), "BGD");
  EXPECT_EQ(Alpha3FromNumeric("050"), "BGD");
  EXPECT_EQ(Alpha3FromNumeric("104"), "MMR");
  EXPECT_EQ(Alpha3FromNumeric("275"), "PSE");
  EXPECT_EQ(Alpha3FromNumeric("51"), "ARM");
  EXPECT_EQ(Alpha3FromNumeric("0"), std::nullopt);
  EXPECT_EQ(Alpha3FromNumeric("abc"), std::nullopt);
  EXPECT_EQ(Alpha3FromName("Bangladesh"), "BGD");
  EXPECT_EQ(Alpha3FromName("Myanmar (Burma)"), "MMR");
  EXPECT_EQ(Alpha3FromName("DR Congo (Zaire)"), "COD");
  EXPECT_EQ(Alpha3FromName("Democratic Republic of Congo"), "COD");
  EXPECT_EQ(Alpha3FromName("Panamá"), "PAN");
  EXPECT_EQ(Alpha3FromName("  syria "), "SYR");
  EXPECT_EQ(Alpha3FromName("Russia (Soviet Union)"), "RUS");
  EXPECT_EQ(Alpha3FromName("Cote d'Ivoire"), "CIV");
  EXPECT_EQ(Alpha3FromName("Côte d’Ivoire"), "CIV");  // typographic apostrophe
  EXPECT_EQ(Alpha3FromName("Atlantis"), std::nullopt);
  EXPECT_TRUE(IsAlpha3("BGD"));
  EXPECT_FALSE(IsAlpha3("bgd"));
  EXPECT_FALSE(IsAlpha3("XYZ"));
}

TEST(CountryCodesTest, FromAlpha3) {
  std::optional<CountryInfo> bgd = CountryFromAlpha3("BGD");
  ASSERT_TRUE(bgd.has_value());
  EXPECT_EQ(bgd->numeric, 50);
  EXPECT_EQ(bgd->name, "Bangladesh");
  EXPECT_FALSE(CountryFromAlpha3("XYZ").has_value());
}

}  // namespace
}  // namespace lifeline::tabular
