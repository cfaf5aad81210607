#include "base/bytes.h"

#include <gtest/gtest.h>

namespace lifeline {
namespace {

TEST(Base64Test, RoundTripsRfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : kVectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), enc);
    auto dec = Base64Decode(enc);
    ASSERT_TRUE(dec.ok()) << enc;
    EXPECT_EQ(*dec, plain);
  }
}

TEST(Base64Test, RejectsNonCanonicalForms) {
  for (const char* bad : {"Zh==", "Zm9=", "Zg=", "Zg", "Z===", "Zm9v\n", "Zm 9v", "=Zm9", "Zg==Zg=="}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
}

TEST(HexTest, RoundTrips) {
  EXPECT_EQ(HexEncode(AsBytes("\x01\xab")), "01ab");
  EXPECT_EQ(*HexDecode("01AB"), "\x01\xab");
  EXPECT_FALSE(HexDecode("0").ok());
  EXPECT_FALSE(HexDecode("0g").ok());
}

TEST(ParseDecimalTest, IsStrict) {
  EXPECT_EQ(*ParseDecimal("0", "n"), 0u);
  EXPECT_EQ(*ParseDecimal("18446744073709551615", "n"), UINT64_MAX);
  EXPECT_FALSE(ParseDecimal("18446744073709551616", "n").ok());
  EXPECT_FALSE(ParseDecimal("01", "n").ok());
  EXPECT_FALSE(ParseDecimal("", "n").ok());
  EXPECT_FALSE(ParseDecimal("+1", "n").ok());
  EXPECT_FALSE(ParseDecimal("1 ", "n").ok());
  EXPECT_FALSE(ParseDecimal("11", "n", 10).ok());
}

}  // namespace
}  // namespace lifeline
