#include "tabular/text.h"

#include <gtest/gtest.h>

namespace lifeline::tabular {
namespace {

TEST(TextTest, TrimAndFold) {
  EXPECT_EQ(Trim("  a b\t\r\n"), "a b");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(FoldLatinAccents("Chocó, Straße, Ñandú"), "Choco, Strasse, Nandu");
}

TEST(TextTest, Utf8) {
  EXPECT_FALSE(FirstInvalidUtf8("plain ascii"));
  EXPECT_FALSE(FirstInvalidUtf8("Panam\xc3\xa1 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_EQ(FirstInvalidUtf8("Panam\xe1"), 5u);           // Latin-1 á
  EXPECT_EQ(FirstInvalidUtf8("a\xc0\xaf"), 1u);           // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("a\xed\xa0\x80"), 1u);       // surrogate U+D800
  EXPECT_EQ(FirstInvalidUtf8("a\xf4\x90\x80\x80"), 1u);   // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("ab\xe2\x82"), 2u);          // truncated
  EXPECT_TRUE(HasUtf8MultiByte("x\xc3\xa1"));
  EXPECT_FALSE(HasUtf8MultiByte("Panam\xe1 Choc\xf3"));
  EXPECT_EQ(Windows1252ToUtf8("Panam\xe1 \x80 \x93q\x94 \x81"),
            "Panam\xc3\xa1 \xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d \xc2\x81");
}

}  // namespace
}  // namespace lifeline::tabular
