// The reader of Lifeline's own flat CSV on hand-written files: what it
// refuses and where. The round trip of every kind through the writer is in
// tests/export_roundtrip_test.cc.
#include "ingest/lifeline_csv.h"

#include <gtest/gtest.h>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;

constexpr char kMovementHeader[] =
    "id,case,sources,supersedes,note,recorded,by,route,date,date_precision,direction,operator,"
    "outcome,vehicles,persons,patients,cargo,period.from,period.to\r\n";

std::string MovementRow(const std::string& id, const std::string& vehicles,
                        const std::string& cargo) {
  return id + ",c1,s1,,,2023-01-01T00:00:00Z,me,r1,2023-01-02,,in,ICRC,," + vehicles + ",,," +
         cargo + ",,\r\n";
}

TEST(LifelineCsvTest, ReadsAMovementWithTypedCells) {
  std::string csv = std::string(kMovementHeader) +
                    MovementRow("mv-1", "12",
                                "\"[{\"\"commodity\"\":\"\"flour\"\",\"\"quantity\"\":1.5,"
                                "\"\"unit\"\":\"\"t\"\"}]\"");
  ReadResult rr = ReadLifelineCsv(csv, {});
  ASSERT_TRUE(testing::ReadOk(rr));
  ASSERT_EQ(rr.rows.size(), 1u);
  EXPECT_EQ(rr.rows[0].line, 2u);
  const json& r = rr.rows[0].record;
  EXPECT_EQ(r, json::parse(R"({"kind":"movement","id":"mv-1","case":"c1","sources":["s1"],
      "route":"r1","date":"2023-01-02","direction":"in","operator":"ICRC","vehicles":12,
      "cargo":[{"commodity":"flour","quantity":1.5,"unit":"t"}]})"));
  EXPECT_TRUE(r["vehicles"].is_number_integer());
  // Stamps only when asked for.
  EXPECT_FALSE(r.contains("recorded"));
  rr = ReadLifelineCsv(csv, {}, {.keep_stamps = true});
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr.rows[0].record["recorded"], "2023-01-01T00:00:00Z");
  EXPECT_EQ(rr.rows[0].record["by"], "me");
}

// Schema v2 added columns: an export written before them (kMovementHeader
// is version 1's movement layout) reads back, and so does today's layout
// with the new cells.
TEST(LifelineCsvTest, VersionOneAndVersionTwoLayoutsBothRead) {
  ReadResult v1 = ReadLifelineCsv(std::string(kMovementHeader) + MovementRow("mv-1", "3", ""), {});
  ASSERT_TRUE(testing::ReadOk(v1));
  EXPECT_FALSE(v1.rows[0].record.contains("qualifier"));
  std::string v2 = std::string(kMovementHeader).substr(0, std::string(kMovementHeader).size() - 2) +
                   ",qualifier,reported_by\r\n" +
                   "mv-2,c1,s1,,,2023-01-01T00:00:00Z,me,r1,2023-01-02,,in,ICRC,,3,,,,,,at_least,Party A\r\n";
  ReadResult rr = ReadLifelineCsv(v2, {});
  ASSERT_TRUE(testing::ReadOk(rr));
  EXPECT_EQ(rr.rows[0].record["qualifier"], "at_least");
  EXPECT_EQ(rr.rows[0].record["reported_by"], "Party A");
  // A kind added in version 2 has no version 1 layout, and a version 1
  // header with one new column is neither layout.
  ReadResult mixed = ReadLifelineCsv(std::string(kMovementHeader).substr(0, std::string(kMovementHeader).size() - 2) +
                                         ",qualifier\r\n",
                                     {});
  EXPECT_FALSE(mixed.ok());
}

TEST(LifelineCsvTest, MalformedCellsAreErrorsWithLineAndColumnAndNoRecord) {
  std::string csv = std::string(kMovementHeader) + MovementRow("mv-1", "12", "") +
                    MovementRow("mv-2", "3.0", "") +                      // line 3
                    MovementRow("mv-3", "twelve", "") +                   // line 4
                    MovementRow("mv-4", " 12", "") +                      // line 5
                    MovementRow("mv-5", "", "\"[{\"\"commodity\"\":}]\"") +  // line 6
                    MovementRow("mv-6", "", "\"{\"\"a\"\":1}\"") +           // line 7
                    MovementRow("mv-7", "", "\"[{\"\"a\"\":1,\"\"a\"\":2}]\"") +  // line 8
                    MovementRow("mv-1", "1", "") +                        // line 9: repeated id
                    MovementRow("", "1", "");                             // line 10
  ReadResult rr = ReadLifelineCsv(csv, {});
  ASSERT_EQ(rr.rows.size(), 1u) << testing::Dump(rr.errors);
  EXPECT_EQ(rr.rows[0].record["id"], "mv-1");
  EXPECT_TRUE(HasError(rr.errors, 3, "vehicles", "not an integer: '3.0'"));
  EXPECT_TRUE(HasError(rr.errors, 4, "vehicles", "not an integer: 'twelve'"));
  EXPECT_TRUE(HasError(rr.errors, 5, "vehicles", "whitespace"));
  EXPECT_TRUE(HasError(rr.errors, 6, "cargo", "not valid JSON at byte"));
  EXPECT_TRUE(HasError(rr.errors, 7, "cargo", "wanted a JSON array"));
  EXPECT_TRUE(HasError(rr.errors, 8, "cargo", "appears twice"));
  EXPECT_TRUE(HasError(rr.errors, 9, "id", "also at line 2"));
  EXPECT_TRUE(HasError(rr.errors, 10, "id", "empty"));
  EXPECT_EQ(rr.errors.size(), 8u) << testing::Dump(rr.errors);
}

TEST(LifelineCsvTest, ListsBooleansAndNumbers) {
  const std::string header =
      "id,case,sources,supersedes,note,recorded,by,title,region,country,started,ended,population,"
      "displaced,public\r\n";
  ReadResult rr = ReadLifelineCsv(
      header + "c1,,s1;s2,,,,,T,R,,2022-12-12,,,,yes\r\n" +  // line 2
          "c2,,\"[\"\"s1\"\",2]\",,,,,T,R,,2022-12-12,,,,true\r\n" +  // line 3
          "c3,,\"[\"\"a;b\"\",\"\" c \"\"]\",,,,,T,R,,2022-12-12,,[],,false\r\n",
      {});
  EXPECT_TRUE(HasError(rr.errors, 2, "public", "not true or false: 'yes'"));
  EXPECT_TRUE(HasError(rr.errors, 3, "sources", "wanted a JSON array of strings"));
  ASSERT_EQ(rr.rows.size(), 1u) << testing::Dump(rr.errors);
  EXPECT_EQ(rr.rows[0].record["sources"], json({"a;b", " c "}));
  EXPECT_EQ(rr.rows[0].record["population"], json::array());
  EXPECT_EQ(rr.rows[0].record["public"], false);
  EXPECT_FALSE(rr.rows[0].record.contains("case"));  // a case record belongs to no case

  // Numbers keep the writer's value; integral ones are integers.
  const std::string stock = "id,case,sources,supersedes,note,recorded,by,commodity,date,quantity,unit,area\r\n";
  rr = ReadLifelineCsv(stock + "s-1,c,s,,,,,flour,2023-01-01,0.1,kg,\r\n" +
                           "s-2,c,s,,,,,flour,2023-01-01,400,kg,\r\n" +
                           "s-3,c,s,,,,,flour,2023-01-01,1e+21,kg,\r\n" +
                           "s-4,c,s,,,,,flour,2023-01-01,1e999,kg,\r\n" +
                           "s-5,c,s,,,,,flour,2023-01-01,0x10,kg,\r\n",
                       {});
  ASSERT_EQ(rr.rows.size(), 3u) << testing::Dump(rr.errors);
  EXPECT_EQ(rr.rows[0].record["quantity"].get<double>(), 0.1);
  EXPECT_TRUE(rr.rows[1].record["quantity"].is_number_integer());
  EXPECT_EQ(rr.rows[2].record["quantity"].get<double>(), 1e21);
  EXPECT_TRUE(HasError(rr.errors, 5, "quantity", "1e999"));
  EXPECT_TRUE(HasError(rr.errors, 6, "quantity", "not a number: '0x10'"));
}

TEST(LifelineCsvTest, TextKeepsWhitespaceAndCaseIsCheckedAgainstTheImport) {
  const std::string header = "id,case,sources,supersedes,note,recorded,by,about,stance,party,text\r\n";
  ReadResult rr = ReadLifelineCsv(header + "cl-1,,s1, , x ,,,inc-1,disputes,P,\" two\nlines \"\r\n" +
                                      "cl-2,other,s1,,,,,inc-1,disputes,P,T\r\n",
                                  {"lachin", "claims.csv"});
  EXPECT_TRUE(HasError(rr.errors, 4, "case", "'other'"));
  ASSERT_EQ(rr.rows.size(), 1u) << testing::Dump(rr.errors);
  const json& r = rr.rows[0].record;
  EXPECT_EQ(r["case"], "lachin");
  EXPECT_EQ(r["supersedes"], " ");  // kept; the validator says it is no id
  EXPECT_EQ(r["note"], " x ");
  EXPECT_EQ(r["text"], " two\nlines ");
}

TEST(LifelineCsvTest, RequiredObjectsReadAsEmptyObjects) {
  const std::string header =
      "id,case,sources,supersedes,note,recorded,by,route,period.from,period.to,per_day.vehicles,"
      "per_day.persons,per_day.patients,per_day.cargo\r\n";
  ReadResult rr = ReadLifelineCsv(header + "bl-1,c,s,,,,,r,2022-01-01,2022-06-30,,,,\r\n", {});
  ASSERT_EQ(rr.rows.size(), 1u) << testing::Dump(rr.errors);
  EXPECT_EQ(rr.rows[0].record["per_day"], json::object());
}

TEST(LifelineCsvTest, HeadersOfOtherLayoutsAreRefusedAtTheHeader) {
  ReadResult rr = ReadLifelineCsv("date,total_truck\r\n2023-01-01,3\r\n", {});
  EXPECT_TRUE(rr.rows.empty());
  EXPECT_TRUE(HasError(rr.errors, 1, "(header)", "--mapping"));
  // One column short of a claim export: named.
  rr = ReadLifelineCsv("id,case,sources,supersedes,note,recorded,by,about,stance,party,txt,field,value\r\n", {});
  EXPECT_TRUE(HasError(rr.errors, 1, "(header)", "claim records, but lack text and have unknown columns 'txt'"));
  // Columns in another order are the same layout.
  rr = ReadLifelineCsv("text,party,stance,about,by,recorded,note,supersedes,sources,case,id\r\n"
                       "T,P,confirms,inc-1,,,,,s1,c,cl-1\r\n",
                       {});
  ASSERT_TRUE(testing::ReadOk(rr));
  EXPECT_EQ(rr.rows[0].record["kind"], "claim");
  EXPECT_EQ(rr.rows[0].record["text"], "T");
}

}  // namespace
}  // namespace lifeline::ingest
