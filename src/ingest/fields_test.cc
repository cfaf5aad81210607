#include "ingest/fields.h"

#include <gtest/gtest.h>

#include "base/status_testing.h"
#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

TEST(FieldsTest, Slug) {
  EXPECT_EQ(Slug("07 October 2023"), "07-october-2023");
  EXPECT_EQ(Slug("  Panamá / Los Santos!! "), "panama-los-santos");
  EXPECT_EQ(Slug("a..b__c::d"), "a..b__c::d");
  EXPECT_EQ(Slug("---"), "");
}

TEST(FieldsTest, RecordIds) {
  EXPECT_TRUE(IsValidRecordId("acled-syr123"));
  EXPECT_TRUE(IsValidRecordId("a"));
  EXPECT_TRUE(IsValidRecordId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidRecordId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRecordId(""));
  EXPECT_FALSE(IsValidRecordId("-a"));
  EXPECT_FALSE(IsValidRecordId("Acled"));
  EXPECT_FALSE(IsValidRecordId("a b"));
  EXPECT_EQ(SourceIdForFile("acled", "data/ACLED Export 2024.csv"), "src-acled-acled-export-2024");
  EXPECT_EQ(SourceIdForFile("ucdp", ""), "src-ucdp-unnamed");
  EXPECT_EQ(SourceIdForFile("hxl", ".csv"), "src-hxl-csv");
  EXPECT_TRUE(IsValidRecordId(SourceIdForFile("x", std::string(300, 'b') + ".csv")));
}

TEST(FieldsTest, Integers) {
  EXPECT_EQ(*ParseInteger("42"), 42);
  EXPECT_EQ(*ParseInteger(" -7 "), -7);
  EXPECT_EQ(*ParseInteger("+5"), 5);
  EXPECT_EQ(*ParseInteger("007"), 7);
  EXPECT_EQ(*ParseInteger("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", " ", "1.0", "1e3", "0x10", "1,000", "--1", "+-1", "-", "12a",
                          "9223372036854775808"}) {
    EXPECT_FALSE(ParseInteger(bad).ok()) << bad;
  }
}

TEST(FieldsTest, Numbers) {
  EXPECT_DOUBLE_EQ(*ParseNumber("43.6800003051758"), 43.6800003051758);
  EXPECT_DOUBLE_EQ(*ParseNumber("-0.5"), -0.5);
  EXPECT_DOUBLE_EQ(*ParseNumber(".5"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("1e3"), 1000);
  EXPECT_DOUBLE_EQ(*ParseNumber("+2"), 2);
  for (const char* bad : {"", "nan", "inf", "-inf", "1,5", "0x1p3", "1.", "e5", "1e", "1e999",
                          "1 2", "abc"}) {
    EXPECT_FALSE(ParseNumber(bad).ok()) << bad;
  }
  EXPECT_DOUBLE_EQ(*ParseNumberWithThousands("12,345"), 12345);
  EXPECT_DOUBLE_EQ(*ParseNumberWithThousands("-1,234.5"), -1234.5);
  EXPECT_DOUBLE_EQ(*ParseNumberWithThousands(" 100"), 100);
  for (const char* bad : {"1,5", "12,34", "1234,567", ",123", "1,,234", "1,234,"}) {
    EXPECT_FALSE(ParseNumberWithThousands(bad).ok()) << bad;
  }
}

TEST(FieldsTest, DatesWithFormat) {
  EXPECT_EQ(*ParseDateWithFormat("07 October 2023", "%d %B %Y"), (Date{2023, 10, 7}));
  EXPECT_EQ(*ParseDateWithFormat("7  october 2023", "%d %B %Y"), (Date{2023, 10, 7}));
  EXPECT_EQ(*ParseDateWithFormat("07-Oct-23", "%d-%b-%y"), (Date{2023, 10, 7}));
  EXPECT_EQ(*ParseDateWithFormat("01-Jan-69", "%d-%b-%y"), (Date{1969, 1, 1}));
  EXPECT_EQ(*ParseDateWithFormat("5 Sept 2001", "%d %b %Y"), (Date{2001, 9, 5}));
  EXPECT_EQ(*ParseDateWithFormat("2024-02-29", "%Y-%m-%d"), (Date{2024, 2, 29}));
  EXPECT_EQ(*ParseDateWithFormat("31/12/1999", "%d/%m/%Y"), (Date{1999, 12, 31}));
  EXPECT_EQ(*ParseDateWithFormat("100%2020-01-01", "100%%%Y-%m-%d"), (Date{2020, 1, 1}));
  auto no_such = ParseDateWithFormat("2023-02-29", "%Y-%m-%d");
  ASSERT_FALSE(no_such.ok());
  EXPECT_NE(no_such.status().message().find("no such date"), std::string::npos);
  EXPECT_FALSE(ParseDateWithFormat("07 Octobre 2023", "%d %B %Y").ok());
  EXPECT_FALSE(ParseDateWithFormat("07 Oct 2023", "%d %B %Y").ok());  // %B wants the full name
  EXPECT_FALSE(ParseDateWithFormat("2023-10-07 extra", "%Y-%m-%d").ok());
  EXPECT_FALSE(ParseDateWithFormat("23-10-07", "%Y-%m-%d").ok());
  EXPECT_FALSE(ParseDateWithFormat("2023-13-01", "%Y-%m-%d").ok());
  EXPECT_FALSE(ParseDateWithFormat("2023-10", "%Y-%m").ok());  // no day
  EXPECT_FALSE(ParseDateWithFormat("2023-10-07", "%Y-%m-%d %H").ok());
  EXPECT_EQ(FormatDate({987, 3, 4}), "0987-03-04");
}

TEST(FieldsTest, LooseDates) {
  struct Case {
    const char* in;
    Date want;
    DatePrecision precision;
  };
  for (const Case& c : {Case{"2015-03-01", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"1 March 2015", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"01-Mar-2015", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"March 1, 2015", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"2015/03/01", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"2015-03-01T10:00:00Z", {2015, 3, 1}, DatePrecision::kDay},
                        Case{"2015-03", {2015, 3, 1}, DatePrecision::kMonth},
                        Case{"March 2015", {2015, 3, 1}, DatePrecision::kMonth},
                        Case{"2013", {2013, 1, 1}, DatePrecision::kYear}}) {
    auto d = ParseLooseDate(c.in);
    ASSERT_OK(d) << c.in;
    EXPECT_EQ(d->date, c.want) << c.in;
    EXPECT_EQ(d->precision, c.precision) << c.in;
  }
  for (const char* bad : {"01/03/2015", "3/1/2015", "2015-02-30", "yesterday", "", "20155"}) {
    EXPECT_FALSE(ParseLooseDate(bad).ok()) << bad;
  }
}

TEST(FieldsTest, Quote) {
  EXPECT_EQ(Quote("a\nb"), "'a\\nb'");
  EXPECT_EQ(Quote(std::string(100, 'x')), "'" + std::string(60, 'x') + "'...");
  std::string accented;
  for (int i = 0; i < 40; ++i) accented += "\xc3\xa9";  // 80 bytes of é
  std::string q = Quote(accented);
  EXPECT_FALSE(tabular::FirstInvalidUtf8(q)) << "cut inside a UTF-8 sequence";
}

TEST(FieldsTest, Coordinates) {
  EXPECT_DOUBLE_EQ(*ParseLatitude("-90"), -90);
  EXPECT_DOUBLE_EQ(*ParseLongitude("180"), 180);
  EXPECT_FALSE(ParseLatitude("90.0001").ok());
  EXPECT_FALSE(ParseLongitude("-181").ok());
  EXPECT_FALSE(ParseLatitude("N 12").ok());
}

}  // namespace
}  // namespace lifeline::ingest
