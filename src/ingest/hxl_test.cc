#include "ingest/hxl.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;
using testing::ReadFile;
using testing::SharedData;

ReadResult ReadShared(const std::string& name, const HxlOptions& hxl = {}) {
  return ReadHxlCsv(ReadFile(SharedData("hxl/" + name)), {"c", name}, hxl);
}

TEST(HashtagTest, ParsesHxl11Syntax) {
  auto h = ParseHashtag("#affected+killed");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->tag, "affected");
  EXPECT_EQ(h->attributes, (std::vector<std::string>{"killed"}));
  EXPECT_EQ(ParseHashtag("  #Affected +Killed  +F "), (Hashtag{"affected", {"killed", "f"}}));
  EXPECT_EQ(ParseHashtag("#adm1+name+name")->ToString(), "#adm1+name");
  EXPECT_EQ(ParseHashtag("#geo+LAT")->ToString(), "#geo+lat");
  EXPECT_EQ(ParseHashtag("#x_1+a_2")->ToString(), "#x_1+a_2");
  for (const char* bad : {"", "#", "adm1", "#1abc", "#adm1+", "#adm1++name", "#adm 1",
                          "#adm1+name x", "#adm1-name", "# adm1", "#adm1+_x", "##adm1"}) {
    EXPECT_FALSE(ParseHashtag(bad)) << bad;
  }
  EXPECT_TRUE(ParseHashtag("#adm1+name")->Has("name"));
  EXPECT_FALSE(ParseHashtag("#adm1+name")->Has("code"));
}

TEST(HashtagTest, HashtagRowRule) {
  EXPECT_TRUE(ParseHashtagRow({"", "#org", "", "#adm1"}));
  EXPECT_FALSE(ParseHashtagRow({"", "", ""}));
  EXPECT_FALSE(ParseHashtagRow({"Org", "#adm1"}));  // half is not more than half
  auto fuzzy = ParseHashtagRow({"#org", "#adm1", "country"});
  ASSERT_TRUE(fuzzy);
  EXPECT_EQ(fuzzy->invalid, (std::vector<size_t>{2}));
  EXPECT_FALSE(fuzzy->columns[2]);
}

// The numeric hashtags in code are those of hxl-default-schema.json.
TEST(HashtagTest, NumericListMatchesTheDefaultSchema) {
  json schema = json::parse(ReadFile(SharedData("hxl/hxl-default-schema.json")));
  std::set<std::string> from_schema;
  for (const json& rule : schema) {
    if (rule.value("#valid_datatype", "") != "number") continue;
    std::stringstream ss(rule["#valid_tag"].get<std::string>());
    std::string tag;
    while (std::getline(ss, tag, ',')) from_schema.insert(tag);
  }
  ASSERT_EQ(from_schema.size(), 8u);
  for (const std::string& spec : from_schema) {
    auto h = ParseHashtag(spec);
    ASSERT_TRUE(h) << spec;
    EXPECT_TRUE(IsNumericHashtag(*h)) << spec;
    Hashtag more = *h;
    more.attributes.push_back("f");
    EXPECT_TRUE(IsNumericHashtag(more)) << spec << "+f";
  }
  for (const char* other : {"#indicator", "#indicator+name", "#output", "#org", "#date",
                            "#adm1", "#geo+lat"}) {
    EXPECT_FALSE(IsNumericHashtag(*ParseHashtag(other))) << other;
  }
}

TEST(HxlTest, ValidFile) {
  ReadResult r = ReadShared("input-valid.csv");
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 5u);  // source + 4 data rows
  EXPECT_EQ(r.rows[0].record["id"], "src-hxl-input-valid");
  EXPECT_EQ(r.rows[0].record["publisher"], "unstated");
  const json& first = r.rows[1].record;
  EXPECT_EQ(r.rows[1].line, 4u);
  EXPECT_EQ(first, json::parse(R"js({
    "kind": "incident", "id": "hxl-input-valid-l4", "case": "c",
    "sources": ["src-hxl-input-valid"], "date": "2015-03-01",
    "location": {"name": "Los Santos", "admin1": "Los Santos", "country": "PAN"},
    "event_type": "Unspecified", "actors": ["ACNUR"]})js"));
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(r.rows[i].line, i + 3);
    EXPECT_FALSE(r.rows[i].record.contains("date"));
    EXPECT_TRUE(HasError(r.warnings, i + 3, "#date+reported", "no date"));
  }
  EXPECT_EQ(r.rows[2].record["location"]["name"], "Cauca");
  EXPECT_EQ(r.rows[2].record["location"]["country"], "COL");
  EXPECT_EQ(r.rows[4].record["location"]["country"], "VEN");
  EXPECT_TRUE(HasError(r.warnings, 3, "#event+type", "Unspecified"));
  EXPECT_TRUE(HasError(r.warnings, 1, "(file)", "publisher"));
}

TEST(HxlTest, Latin1FileReadsLikeTheUtf8One) {
  ReadResult latin = ReadShared("input-valid-latin1.csv");
  ReadResult utf8 = ReadShared("input-valid.csv");
  ASSERT_TRUE(latin.ok()) << testing::Dump(latin.errors);
  EXPECT_EQ(latin.encoding, TextEncoding::kWindows1252);
  EXPECT_TRUE(HasError(latin.warnings, 1, "(file)", "Windows-1252"));
  ASSERT_EQ(latin.rows.size(), utf8.rows.size());
  for (size_t i = 1; i < latin.rows.size(); ++i) {
    json a = latin.rows[i].record, b = utf8.rows[i].record;
    a.erase("id");
    a.erase("sources");
    b.erase("id");
    b.erase("sources");
    EXPECT_EQ(a, b) << i;
  }
}

TEST(HxlTest, HashtagRowBelowSeveralHeaderRows) {
  ReadResult r = ReadShared("input-multiple-headers.csv", {.publisher = "Example Org"});
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].record["publisher"], "Example Org");
  EXPECT_EQ(r.rows[1].line, 4u);
  EXPECT_EQ(r.rows[1].record["actors"], json::array({"Org X"}));
  EXPECT_EQ(r.rows[1].record["location"], json({{"name", "Coast"}, {"admin1", "Coast"}}));
  EXPECT_EQ(r.rows[2].record["location"]["name"], "Mountains");
  EXPECT_TRUE(HasError(r.warnings, 3, "#date", "no #date column"));
}

TEST(HxlTest, MultilineValues) {
  ReadResult r = ReadShared("input-multiline.csv");
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[1].record["description"], "Line 1\nLine 2\nLine 3");
}

TEST(HxlTest, FuzzyHashtagRowIgnoresItsBadCells) {
  ReadResult r = ReadShared("input-fuzzy.csv");
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_TRUE(HasError(r.warnings, 3, "country", "not an HXL hashtag: column 7"));
  EXPECT_TRUE(HasError(r.warnings, 3, "adm1", "not an HXL hashtag: column 8"));
  EXPECT_EQ(r.rows[1].record["actors"], json::array({"ACNUR"}));
  EXPECT_FALSE(r.rows[1].record.contains("location"));  // its place columns are untagged
}

TEST(HxlTest, InvalidFileSaysWhichRowLacksItsHashes) {
  ReadResult r = ReadShared("input-invalid.csv");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 1u) << testing::Dump(r.errors);
  EXPECT_TRUE(HasError(r.errors, 3, "(hashtag row)", "'sector+es' should be '#sector+es'"));
}

TEST(HxlTest, UntaggedFileHasNoHashtagRow) {
  ReadResult r = ReadShared("input-untagged.csv");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(HasError(r.errors, 1, "(hashtag row)", "no HXL hashtag row in the first 25 rows"));
  ReadResult empty = ReadHxlCsv("", {});
  EXPECT_TRUE(HasError(empty.errors, 1, "(hashtag row)", "no HXL hashtag row"));
}

TEST(HxlTest, EveryCsvInTheSharedFolderIsHandled) {
  struct Want {
    const char* file;
    bool ok;
    size_t rows;
  };
  for (const Want& w : {Want{"input-valid.csv", true, 5}, Want{"input-valid-latin1.csv", true, 5},
                        Want{"input-multiple-headers.csv", true, 3},
                        Want{"input-multiline.csv", true, 2}, Want{"input-fuzzy.csv", true, 5},
                        Want{"input-invalid.csv", false, 0},
                        Want{"input-untagged.csv", false, 0}}) {
    ReadResult r = ReadShared(w.file);
    EXPECT_EQ(r.ok(), w.ok) << w.file << testing::Dump(r.errors);
    EXPECT_EQ(r.rows.size(), w.rows) << w.file;
  }
}

TEST(HxlTest, IncidentMappingFromCommonHashtags) {
  ReadResult r = ReadHxlCsv(
      "Event,Date,Place,District,Province,Country,ISO,Lat,Lon,Type,Party 1,Party 2,Killed,"
      "Killed min,Killed max,Injured,What,Source\n"
      "#Event +ID, #date+occurred ,#loc+name,#adm2+name,#adm1+name,#country+name,#country+code,"
      "#geo+lat,#geo+lon,#event+type,#org+perp,#group+name,#affected+killed,"
      "#affected+killed+min,#affected+killed+max,#affected+injured,#description,#meta+source\n"
      "EV-1,2022-12-12,Lachin corridor,Lachin,Syunik,Armenia,,39.6,46.5,Blockade,Party A,"
      "Party A,\"1,200\",1000,1500,3,A road blocked,Report 1\n"
      "EV-2,March 2023,Stepanakert,,,,aze,39.8,46.7,,Party B,,0,,,,,\n",
      {"lachin", "events.csv"}, {.publisher = "Example NGO"});
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].record, json::parse(R"js({
    "kind": "incident", "id": "hxl-ev-1", "case": "lachin", "sources": ["src-hxl-events"],
    "date": "2022-12-12",
    "location": {"name": "Lachin corridor", "admin1": "Syunik", "admin2": "Lachin",
                 "country": "ARM", "lat": 39.6, "lon": 46.5},
    "event_type": "Blockade", "actors": ["Party A"],
    "fatalities": {"best": 1200, "low": 1000, "high": 1500}, "injuries": 3,
    "description": "A road blocked", "note": "Report 1"})js"));
  const json& e2 = r.rows[2].record;
  EXPECT_EQ(e2["id"], "hxl-ev-2");
  EXPECT_EQ(e2["date"], "2023-03-01");
  EXPECT_EQ(e2["date_precision"], "month");
  EXPECT_EQ(e2["location"]["country"], "AZE");  // the code, upper-cased
  EXPECT_EQ(e2["event_type"], "Unspecified");
  EXPECT_EQ(e2["fatalities"], json({{"best", 0}}));
}

TEST(HxlTest, MalformedValuesNameLineAndHashtag) {
  ReadResult r = ReadHxlCsv(
      "#event+id,#date,#adm1,#affected+killed,#targeted+f,#geo+lat,#geo+lon,#population\n"
      "a,2020-01-01,X,1,10,1,1,100\n"
      "b,2020-02-30,X,1,10,1,1,100\n"
      "c,2020-01-01,X,many,10,1,1,100\n"
      "d,2020-01-01,X,1,ten,1,1,100\n"
      "e,2020-01-01,X,1,10,95,1,100\n"
      "f,2020-01-01,X,1,10,1,200,100\n"
      "g,2020-01-01,X,2.5,10,1,1,100\n"
      "h,2020-01-01,X,-3,10,1,1,100\n"
      "a,2020-01-01,X,1,10,1,1,100\n"
      "i,2020-01-01,X,1,10,1,1,\"1,00\"\n"
      "j,01/02/2020,X,1,10,1,1,100\n"
      "k,2020-01-01,X,1,10,1,1,1e3\n",
      {"c", "bad.csv"});
  EXPECT_TRUE(HasError(r.errors, 3, "#date", "no such date"));
  EXPECT_TRUE(HasError(r.errors, 4, "#affected+killed", "not a number: 'many' (column 4)"));
  EXPECT_TRUE(HasError(r.errors, 5, "#targeted+f", "not a number: 'ten' (column 5)"));
  EXPECT_TRUE(HasError(r.errors, 6, "#geo+lat", "outside [-90, 90]"));
  EXPECT_TRUE(HasError(r.errors, 7, "#geo+lon", "outside [-180, 180]"));
  EXPECT_TRUE(HasError(r.errors, 8, "#affected+killed", "whole number"));
  EXPECT_TRUE(HasError(r.errors, 9, "#affected+killed", "whole number"));
  EXPECT_TRUE(HasError(r.errors, 10, "#event+id", "also used at line 2"));
  EXPECT_TRUE(HasError(r.errors, 11, "#population", "not a number: '1,00'"));
  EXPECT_TRUE(HasError(r.errors, 12, "#date", "not a date"));
  EXPECT_EQ(r.errors.size(), 10u) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 3u);  // source, line 2, line 13
  EXPECT_EQ(r.rows[2].line, 13u);
}

TEST(HxlTest, CsvErrorsAreNamedByHashtag) {
  ReadResult r = ReadHxlCsv("#adm1,#description\nX,bad\"quote\nY,ok\n", {"c", "q.csv"});
  EXPECT_TRUE(HasError(r.errors, 2, "#description", "quote inside an unquoted field"));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST(HxlTest, UcdpFileReadAsHxl) {
  // HDX's UCDP file carries an HXL row: read as HXL it gives one incident per
  // event, dated from #date+start, with #group+name actors and #affected+killed.
  const std::string data = ReadFile(SharedData("ucdp/conflict_data_BGD.csv"));
  ReadResult r = ReadHxlCsv(data, {"bgd", "conflict_data_BGD.csv"});
  ASSERT_TRUE(r.ok()) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), testing::NaiveCsv(data).size() - 2 + 1);
  const json& e = r.rows[1].record;
  EXPECT_EQ(e["date"], "2013-12-13");
  EXPECT_EQ(e["fatalities"]["best"], 1);
  EXPECT_EQ(e["actors"], json::array({"Supporters of Awami League", "Supporters of BNP"}));
  EXPECT_EQ(e["location"]["name"], "Bh\xc4\x81nd\xc4\x81ria town");
  EXPECT_EQ(e["location"]["country"], "BGD");
}

}  // namespace
}  // namespace lifeline::ingest
