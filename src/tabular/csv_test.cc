#include "tabular/csv.h"

#include <gtest/gtest.h>

#include "tabular/tabular_testing.h"

namespace lifeline::tabular {
namespace {

using testing::ReadFile;
using testing::SharedData;
using Fields = std::vector<std::string>;

TEST(CsvTest, PlainAndQuotedFields) {
  CsvTable t = ParseCsv("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[0], (CsvRecord{1, {"a", "b", "c"}}));
  EXPECT_EQ(t.records[1], (CsvRecord{2, {"1", "x, y", "say \"hi\""}}));
  EXPECT_EQ(t.physical_lines, 2u);
  EXPECT_EQ(t.encoding, TextEncoding::kUtf8);
}

TEST(CsvTest, EmbeddedNewlinesKeepPhysicalLines) {
  CsvTable t = ParseCsv("h1,h2\n\"two\nlines\",x\n\"three\r\nlines\rhere\",y\nlast,z");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 4u);
  EXPECT_EQ(t.records[1], (CsvRecord{2, {"two\nlines", "x"}}));
  EXPECT_EQ(t.records[2], (CsvRecord{4, {"three\r\nlines\rhere", "y"}}));
  EXPECT_EQ(t.records[3], (CsvRecord{7, {"last", "z"}}));
  EXPECT_EQ(t.physical_lines, 7u);
}

TEST(CsvTest, AByteOrderMarkOnALaterLineIsAnError) {
  CsvTable t = ParseCsv("\xEF\xBB\xBFid,name\r\n1,a\r\n\xEF\xBB\xBF" "2,b\r\n3,\"x\n\xEF\xBB\xBFy\"\n");
  ASSERT_EQ(t.errors.size(), 2u);
  EXPECT_EQ(t.errors[0].line, 3u);
  EXPECT_NE(t.errors[0].message.find("byte order mark"), std::string::npos);
  EXPECT_EQ(t.errors[1].line, 5u);  // inside a quoted cell: still not data
}

TEST(CsvTest, LineEndingsBomBlankLinesAndEmptyFields) {
  CsvTable t = ParseCsv("\xEF\xBB\xBFid,name\r\n\r\n1,\r\n2,b\r3,c\n,\n4,\"\"");
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 6u);
  EXPECT_EQ(t.records[0], (CsvRecord{1, {"id", "name"}}));  // BOM dropped
  EXPECT_EQ(t.records[1], (CsvRecord{3, {"1", ""}}));       // line 2 blank
  EXPECT_EQ(t.records[2], (CsvRecord{4, {"2", "b"}}));
  EXPECT_EQ(t.records[3], (CsvRecord{5, {"3", "c"}}));      // lone CR ended line 4
  EXPECT_EQ(t.records[4], (CsvRecord{6, {"", ""}}));
  EXPECT_EQ(t.records[5], (CsvRecord{7, {"4", ""}}));
}

TEST(CsvTest, EmptyInputAndTrailingDelimiter) {
  EXPECT_TRUE(ParseCsv("").records.empty());
  EXPECT_TRUE(ParseCsv("\n\n").records.empty());
  CsvTable t = ParseCsv("a,");
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_EQ(t.records[0].fields, (Fields{"a", ""}));
  CsvTable semi = ParseCsv("a;\"b;c\"", {.delimiter = ';'});
  ASSERT_EQ(semi.records.size(), 1u);
  EXPECT_EQ(semi.records[0].fields, (Fields{"a", "b;c"}));
}

TEST(CsvTest, StrayQuoteInUnquotedFieldIsAnErrorAndReadingResumes) {
  CsvTable t = ParseCsv("a,b\n1,ab\"c\n2,ok\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_EQ(t.errors[0].column, 2u);
  EXPECT_NE(t.errors[0].message.find("quote inside an unquoted field"), std::string::npos);
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1], (CsvRecord{3, {"2", "ok"}}));
}

TEST(CsvTest, SpaceBeforeOpeningQuoteIsAStrayQuote) {
  CsvTable t = ParseCsv("a,b\n1, \"x\"\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_EQ(t.errors[0].column, 2u);
}

TEST(CsvTest, TextAfterClosingQuoteIsAnError) {
  CsvTable t = ParseCsv("a,b\n\"x\"y,2\n3,4\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_EQ(t.errors[0].column, 1u);
  EXPECT_NE(t.errors[0].message.find("after the closing quote"), std::string::npos);
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].line, 3u);
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  CsvTable t = ParseCsv("a,b\n1,2\n3,\"never\nclosed\n4,5\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 3u);
  EXPECT_EQ(t.errors[0].column, 2u);
  EXPECT_NE(t.errors[0].message.find("never closed"), std::string::npos);
  EXPECT_NE(t.errors[0].message.find("line 6"), std::string::npos) << t.errors[0].message;
  EXPECT_EQ(t.records.size(), 2u);
}

TEST(CsvTest, NulByteIsAnError) {
  CsvTable t = ParseCsv(std::string("a,b\n1,x\0y\n2,z\n", 14));
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_EQ(t.errors[0].column, 2u);
  EXPECT_EQ(t.records.size(), 2u);
}

// The spreadsheet-safe rule of csv.h, case by case: each formula character
// gets a "'", so does a "'" the reader would remove; numbers, quotations and
// everything else do not.
TEST(CsvTest, NeutraliseEscapesFormulaStartsAndQuotesButNotNumbers) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"=1+1", "'=1+1"},
      {"+7 cmd", "'+7 cmd"},
      {"-abc", "'-abc"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tindented", "'\tindented"},
      {"\rline", "'\rline"},
      {"-", "'-"},
      {"'", "'"},
      {"'quoted'", "'quoted'"},  // a quotation, as the Lachin case holds
      {"''", "'''"},
      {"'=1", "''=1"},
      {"'-", "''-"},
      {"'\t", "''\t"},
      {"-45.2", "-45.2"},  // a number is not a formula
      {"+3", "+3"},
      {"-1e-07", "-1e-07"},
      {"-1E+21", "-1E+21"},
      {"-45.", "'-45."},  // not a whole number
      {"-1e", "'-1e"},
      {"-2+3", "'-2+3"},
      {"-0x10", "'-0x10"},
      {"", ""},
      {"plain", "plain"},
      {" =x", " =x"},  // only the first character counts
      {"a'b", "a'b"},
      {"\n=x", "\n=x"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(NeutraliseCsvCell(text), want) << ::testing::PrintToString(text);
    EXPECT_EQ(RestoreCsvCell(want), text) << ::testing::PrintToString(want);
  }
  EXPECT_EQ(RestoreCsvCell("'Ayn 'Isa"), "'Ayn 'Isa");
}

TEST(CsvTest, ParsingRestoresNeutralisedCellsUnlessAskedNotTo) {
  const std::string file = "a,b,c\n'=1+1,\"'\r\",''x\n'y,-4.5,'-\n";
  CsvTable t = ParseCsv(file);
  ASSERT_TRUE(t.errors.empty());
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[1].fields, (Fields{"=1+1", "\r", "'x"}));
  EXPECT_EQ(t.records[2].fields, (Fields{"'y", "-4.5", "-"}));
  CsvTable raw = ParseCsv(file, {.restore_neutralised = false});
  ASSERT_EQ(raw.records.size(), 3u);
  EXPECT_EQ(raw.records[1].fields, (Fields{"'=1+1", "'\r", "''x"}));
  EXPECT_EQ(raw.records[2].fields, (Fields{"'y", "-4.5", "'-"}));
}

TEST(CsvTest, Utf16IsRejected) {
  CsvTable t = ParseCsv(std::string("\xFF\xFE" "a\0,\0b\0", 8));
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 1u);
  EXPECT_NE(t.errors[0].message.find("UTF-16"), std::string::npos);
}

TEST(CsvTest, Latin1IsTranscodedAndSaidSo) {
  CsvTable t = ParseCsv(ReadFile(SharedData("hxl/input-valid-latin1.csv")));
  ASSERT_TRUE(t.errors.empty());
  EXPECT_EQ(t.encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(t.first_non_utf8_line, 1u);  // "Qu\xe9?" on the first line
  ASSERT_EQ(t.records.size(), 7u);
  EXPECT_EQ(t.records[3].fields[6], "Panam\xc3\xa1");
  EXPECT_EQ(t.records[5].fields[2], "Formaci\xc3\xb3n de ense\xc3\xb1" "adores");
  // The same rows as the UTF-8 file, apart from the first header row, which differs in the
  // originals.
  CsvTable utf8 = ParseCsv(ReadFile(SharedData("hxl/input-valid.csv")));
  ASSERT_EQ(utf8.encoding, TextEncoding::kUtf8);
  for (size_t r = 1; r < 7; ++r) EXPECT_EQ(t.records[r], utf8.records[r]) << r;
}

TEST(CsvTest, NonUtf8IsAnErrorWhenTranscodingIsOff) {
  CsvTable t = ParseCsv("a\nb\nPanam\xe1\n", {.transcode_non_utf8 = false});
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 3u);
  EXPECT_NE(t.errors[0].message.find("0xE1"), std::string::npos);
  EXPECT_TRUE(t.records.empty());
}

TEST(CsvTest, MixedEncodingsAreAnError) {
  CsvTable t = ParseCsv("Panam\xc3\xa1\nChoc\xf3\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_NE(t.errors[0].message.find("mixed"), std::string::npos);
}

TEST(CsvTest, BomThenNonUtf8IsAnError) {
  CsvTable t = ParseCsv("\xEF\xBB\xBF" "a\nChoc\xf3\n");
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].line, 2u);
  EXPECT_NE(t.errors[0].message.find("byte order mark"), std::string::npos);
}

TEST(CsvTest, ManyErrorsStopReading) {
  std::string junk;
  for (int i = 0; i < 3000; ++i) junk += "a\"b\n";
  CsvTable t = ParseCsv(junk);
  EXPECT_EQ(t.errors.size(), 1001u);
  EXPECT_NE(t.errors.back().message.find("stopped reading"), std::string::npos);
}

TEST(CsvTest, RealFilesParseWithoutErrors) {
  for (const char* f : {"ucdp/conflict_data_BGD.csv", "ucdp/ged191-myanmar-bangladesh.csv",
                        "sieges/gaza_food_trucks.csv", "hxl/input-valid.csv",
                        "hxl/input-multiline.csv", "hxl/input-fuzzy.csv"}) {
    std::string data = ReadFile(SharedData(f));
    CsvTable t = ParseCsv(data);
    EXPECT_TRUE(t.errors.empty()) << f << ": " << t.errors.front().message;
    EXPECT_EQ(t.records.size(), testing::NaiveCsv(data).size()) << f;
  }
}

}  // namespace
}  // namespace lifeline::tabular
