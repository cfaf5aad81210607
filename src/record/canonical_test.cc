#include "base/status_testing.h"
#include "record/canonical.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cstring>

namespace lifeline::record {
namespace {

double FromBits(uint64_t bits) { return std::bit_cast<double>(bits); }

// RFC 8785 Appendix B: IEEE 754 bit patterns and their JCS serialisation.
TEST(CanonicalTest, Rfc8785AppendixBNumbers) {
  const std::pair<uint64_t, const char*> kCases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (auto [bits, want] : kCases) {
    EXPECT_EQ(FormatNumber(FromBits(bits)), want) << std::hex << bits;
  }
}

TEST(CanonicalTest, RejectsNonFiniteNumbers) {
  EXPECT_FALSE(Canonicalize(nlohmann::json(FromBits(0x7fffffffffffffff))).ok());  // NaN
  EXPECT_FALSE(Canonicalize(nlohmann::json(FromBits(0x7ff0000000000000))).ok());  // Infinity
  EXPECT_FALSE(CanonicalizeText("1e400").ok());
}

// RFC 8785 §3.2.2: the example with numbers, a string and literals.
TEST(CanonicalTest, Rfc8785Example) {
  const char* input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  auto out = CanonicalizeText(input);
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 §3.2.3: sorting by UTF-16 code units, not UTF-8 bytes.
TEST(CanonicalTest, Rfc8785SortingExample) {
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  auto out = CanonicalizeText(input);
  ASSERT_OK(out);
  std::string want =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
      "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
      "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(*out, want);
}

TEST(CanonicalTest, NestedObjectsAndArraysAndIdempotence) {
  auto out = CanonicalizeText(R"( { "b" : [ 1 , {"z":1,"a":2} ], "a" : { } } )");
  ASSERT_OK(out);
  EXPECT_EQ(*out, R"({"a":{},"b":[1,{"a":2,"z":1}]})");
  EXPECT_EQ(*CanonicalizeText(*out), *out);
}

TEST(CanonicalTest, StrictParsing) {
  EXPECT_FALSE(ParseJson(R"({"a":1,"a":2})").ok());  // duplicate names
  EXPECT_NE(ParseJson(R"({"a":1,"a":2})").status().message().find("duplicate member name \"a\""), std::string::npos);
  EXPECT_TRUE(ParseJson(R"({"a":{"x":1},"b":{"x":1}})").ok());  // same name in different objects
  EXPECT_FALSE(ParseJson("{\"a\":\"\xff\"}").ok());              // invalid UTF-8
  EXPECT_FALSE(ParseJson("{\"a\":1} x").ok());                   // trailing garbage
  EXPECT_FALSE(ParseJson("9007199254740993").ok());              // not exactly representable
  EXPECT_TRUE(ParseJson("9007199254740992").ok());
  EXPECT_FALSE(ParseJson(std::string(100, '[') + std::string(100, ']')).ok());  // too deep
  auto err = ParseJson("{\"a\": tru}");
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("column"), std::string::npos) << err.status().message();
}

TEST(CanonicalTest, IntegersAndFloatsCanonicaliseAlike) {
  EXPECT_EQ(*CanonicalizeText("[1.0, 1, 10e0, 100, 1e2, -0.0]"), "[1,1,10,100,100,0]");
}

// JCS string escaping (RFC 8785 3.2.2.2) is what nlohmann's dump does for a
// string: \b \f \n \r \t \" \\, other controls as \u00xx, all else
// raw. Random strings with many escapable bytes, and integers of every size.
RC_GTEST_PROP(CanonicalProperty, StringsEscapeLikeTheReference, ()) {
  const std::string alphabet = std::string("ab\"\\/\x7f ") + '\0' + "\x01\x1f\b\f\n\r\t" + "\xc3\xa9";
  auto picks = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 18));
  std::string s;
  for (size_t p : picks) s += p < 15 ? std::string(1, alphabet[p]) : std::string("\xc3\xa9");
  auto c = Canonicalize(nlohmann::json(s));
  RC_ASSERT(c.ok());
  RC_ASSERT(*c == nlohmann::json(s).dump());
}

RC_GTEST_PROP(CanonicalProperty, IntegersFormatAsTheirDoubles, (int64_t i)) {
  auto c = Canonicalize(nlohmann::json(i));
  double d = static_cast<double>(i);
  if (static_cast<int64_t>(d) == i && d < 9223372036854775808.0) {
    RC_ASSERT(c.ok());
    RC_ASSERT(*c == FormatNumber(d));
  } else {
    RC_ASSERT(!c.ok());
  }
}

}  // namespace
}  // namespace lifeline::record
