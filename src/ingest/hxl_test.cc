#include "ingest/hxl.h"

#include <algorithm>
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
  ASSERT_TRUE(testing::ReadOk(r));
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
  ASSERT_TRUE(testing::ReadOk(latin));
  EXPECT_EQ(latin.encoding, tabular::TextEncoding::kWindows1252);
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
  ASSERT_TRUE(testing::ReadOk(r));
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
  ASSERT_TRUE(testing::ReadOk(r));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[1].record["description"], "Line 1\nLine 2\nLine 3");
}

TEST(HxlTest, FuzzyHashtagRowIgnoresItsBadCells) {
  ReadResult r = ReadShared("input-fuzzy.csv");
  ASSERT_TRUE(testing::ReadOk(r));
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
  ASSERT_TRUE(testing::ReadOk(r));
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

TEST(HxlTest, AcledStyleColumnsForSubEventAdmin3AndPrecisions) {
  ReadResult r = ReadHxlCsv(
      "#date,#meta+date_precision,#loc+name,#adm3+name,#geo+lat,#geo+lon,#meta+geo_precision,"
      "#event+type,#event+type+sub,#access+code\n"
      "2023-09-19,week,Northtown,Ward 3,39.8,46.7,2,Battles,Armed clash,4\n"
      "2023-09,,Southvale,,,,,,Attack,\n"
      "2023,year,Westfield,,,,,,,\n",
      {"c", "acled-like.csv"});
  ASSERT_TRUE(testing::ReadOk(r));
  ASSERT_EQ(r.rows.size(), 4u);
  const json& a = r.rows[1].record;
  EXPECT_EQ(a["date_precision"], "week");
  EXPECT_EQ(a["location"], json::parse(R"js({"name": "Northtown", "admin3": "Ward 3",
                                             "lat": 39.8, "lon": 46.7, "geo_precision": 2})js"));
  EXPECT_EQ(a["event_type"], "Battles");
  EXPECT_EQ(a["sub_event_type"], "Armed clash");
  EXPECT_EQ(a["access_constraint"], 4);
  const json& b = r.rows[2].record;
  EXPECT_EQ(b["date_precision"], "month");  // from the partial date
  // #event+type+sub is never read as the event type.
  EXPECT_EQ(b["event_type"], "Unspecified");
  EXPECT_EQ(b["sub_event_type"], "Attack");
  EXPECT_EQ(r.rows[3].record["date_precision"], "year");
}

TEST(HxlTest, MalformedPrecisionAndAccessValuesNameLineAndHashtag) {
  ReadResult r = ReadHxlCsv(
      "#date,#meta+date_precision,#loc+name,#meta+geo_precision,#access+code\n"
      "2023-09-19,fortnight,A,1,1\n"
      "2023-09,day,A,1,1\n"
      "2023-09-19,day,A,4,1\n"
      "2023-09-19,day,A,1.0,1\n"
      "2023-09-19,day,A,1,10\n"
      "2023-09-19,day,A,1,0\n"
      "2023-09-19,Day,A,1,one\n"
      "2023-09-19,day,A,3,9\n",
      {"c", "bad.csv"});
  EXPECT_TRUE(HasError(r.errors, 2, "#meta+date_precision", "not 'fortnight' (column 2)"));
  EXPECT_TRUE(HasError(r.errors, 3, "#meta+date_precision", "gives only the month"));
  EXPECT_TRUE(HasError(r.errors, 4, "#meta+geo_precision", "1 (exact place), 2 (near it) or 3"));
  EXPECT_TRUE(HasError(r.errors, 5, "#meta+geo_precision", "not '1.0'"));
  EXPECT_TRUE(HasError(r.errors, 6, "#access+code", "from 1 to 9, not '10'"));
  EXPECT_TRUE(HasError(r.errors, 7, "#access+code", "not '0'"));
  EXPECT_TRUE(HasError(r.errors, 8, "#meta+date_precision", "not 'Day'"));
  EXPECT_TRUE(HasError(r.errors, 8, "#access+code", "not 'one'"));
  EXPECT_EQ(r.errors.size(), 8u) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 2u);  // source, line 9
  EXPECT_EQ(r.rows[1].line, 9u);
  EXPECT_EQ(r.rows[1].record["location"]["geo_precision"], 3);
}

// --- Lifeline's own export (a hashtag row with #meta+kind) -----------------

// The columns WriteHxlCsv writes for incidents and movements together.
constexpr char kExportHeader[] =
    "id,kind,date,date_precision,location.admin1,location.admin2,location.admin3,location.name,"
    "location.country,location.lat,location.lon,location.geo_precision,event_type,"
    "sub_event_type,access_constraint,actors[0],actors[1],fatalities.best,fatalities.low,"
    "fatalities.high,injuries,description,route,direction,operator,outcome,vehicles,persons,"
    "patients,cargo,sources,case,supersedes,note,recorded,by\r\n"
    "#meta+id,#meta+kind,#date+occurred,#meta+date_precision,#adm1+name,#adm2+name,#adm3+name,"
    "#loc+name,#country+code,#geo+lat,#geo+lon,#meta+geo_precision,#event+type,"
    "#event+type+sub,#access+code,#group+name,#group+name,#affected+killed,"
    "#affected+killed+min,#affected+killed+max,#affected+injured,#description,#meta+route,"
    "#indicator+direction,#org+operator,#status+outcome,#indicator+vehicles+num,"
    "#indicator+persons+num,#indicator+patients+num,#item+cargo,#meta+source,#meta+case,"
    "#meta+supersedes,#meta+note,#meta+recorded,#meta+by\r\n";

TEST(HxlExportLayoutTest, ReadsEveryColumnBackOntoItsField) {
  const std::string data =
      std::string(kExportHeader) +
      "inc-1,incident,2023-09-19,week,East,Hill,Ward 3, Northtown ,XKX,39.815,46.75,2,Battles,"
      "Armed clash,4,Party A,Party A,3,2,5,11,\"Two\nlines \",,,,,,,,,src-a;src-b,case-x,"
      "inc-0,a note,2023-09-20T08:15:00Z,editor@example.org\r\n"
      "mv-1,movement,2023-09-30,,,,,,,,,,,,,,,,,,,,route-road,in,ICRC,turned_back,12,3,0,"
      "\"[{\"\"commodity\"\":\"\"flour\"\",\"\"quantity\"\":20000,\"\"unit\"\":\"\"kg\"\"}]\","
      "\"[\"\"src-a\"\"]\",case-x,,,2023-10-01T00:00:00Z,editor@example.org\r\n";
  ReadResult r = ReadHxlCsv(data, {"case-x", "export.csv"});
  ASSERT_TRUE(testing::ReadOk(r));
  EXPECT_TRUE(r.warnings.empty()) << testing::Dump(r.warnings);
  ASSERT_EQ(r.rows.size(), 2u);  // every row names its sources: no file source record
  EXPECT_EQ(r.rows[0].line, 3u);
  EXPECT_EQ(r.rows[0].record, json::parse(R"js({
    "kind": "incident", "id": "inc-1", "case": "case-x", "sources": ["src-a", "src-b"],
    "supersedes": "inc-0", "note": "a note", "date": "2023-09-19", "date_precision": "week",
    "location": {"name": " Northtown ", "admin1": "East", "admin2": "Hill", "admin3": "Ward 3",
                 "country": "XKX", "lat": 39.815, "lon": 46.75, "geo_precision": 2},
    "event_type": "Battles", "sub_event_type": "Armed clash", "access_constraint": 4,
    "actors": ["Party A", "Party A"], "fatalities": {"best": 3, "low": 2, "high": 5},
    "injuries": 11, "description": "Two\nlines "})js"));
  EXPECT_EQ(r.rows[1].record, json::parse(R"js({
    "kind": "movement", "id": "mv-1", "case": "case-x", "sources": ["src-a"],
    "date": "2023-09-30", "route": "route-road", "direction": "in", "operator": "ICRC",
    "outcome": "turned_back", "vehicles": 12, "persons": 3, "patients": 0,
    "cargo": [{"commodity": "flour", "quantity": 20000, "unit": "kg"}]})js"));
}

TEST(HxlExportLayoutTest, RowWithoutSourcesCitesTheFile) {
  ReadResult r = ReadHxlCsv(
      "#meta+id,#meta+kind,#date+occurred,#loc+name,#event+type,#meta+source\n"
      "inc-1,incident,2023-09-19,A,Battles,\n",
      {"", "hand.csv"}, {.publisher = "Monitor"});
  ASSERT_TRUE(testing::ReadOk(r));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].record["id"], "src-hxl-hand");
  EXPECT_EQ(r.rows[1].record["sources"], json::array({"src-hxl-hand"}));
  EXPECT_FALSE(r.rows[1].record.contains("case"));
}

TEST(HxlExportLayoutTest, MalformedValuesNameLineAndHashtag) {
  const std::string data =
      "#meta+id,#meta+kind,#date+occurred,#meta+date_precision,#loc+name,#geo+lat,"
      "#meta+geo_precision,#access+code,#affected+killed,#affected+injured,#indicator+direction,"
      "#status+outcome,#indicator+vehicles+num,#item+cargo,#meta+source,#meta+case,"
      "#meta+supersedes,#affected+displaced\n"
      "i2,incident,2023-02-30,,A,,,,,,,,,,s,c,,\n"           // 2: no such date
      "i3,incident,2023-01-01,hourly,A,,,,,,,,,,s,c,,\n"     // 3
      "i4,incident,2023-01,day,A,,,,,,,,,,s,c,,\n"           // 4: disagrees
      "i5,incident,2023-01-01,,A,91,,,,,,,,,s,c,,\n"         // 5
      "i6,incident,2023-01-01,,A,,0,,,,,,,,s,c,,\n"          // 6
      "i7,incident,2023-01-01,,A,,,12,,,,,,,s,c,,\n"         // 7
      "i8,incident,2023-01-01,,A,,,,-1,,,,,,s,c,,\n"         // 8
      "i9,incident,2023-01-01,,A,,,,,a few,,,,,s,c,,\n"      // 9
      "m10,movement,2023-01-01,,,,,,,,inward,,,,s,c,,\n"     // 10
      "m11,movement,2023-01-01,,,,,,,,in,done,,,s,c,,\n"     // 11: the schema judges it
      "m12,movement,2023-01-01,,,,,,,,in,,2.5,,s,c,,\n"      // 12
      "m13,movement,2023-01-01,,,,,,,,in,,,{},s,c,,\n"       // 13
      "m14,movement,2023-01-01,,,,,,,,in,,,[oops,s,c,,\n"    // 14
      "i15,incident,2023-01-01,,A,,,,,,,,,,s;Bad Id,c,,\n"   // 15
      "i16,incident,2023-01-01,,A,,,,,,,,,,s;,c,,\n"         // 16
      "i17,incident,2023-01-01,,A,,,,,,,,,,\"[1]\",c,,\n"    // 17
      "i18,incident,2023-01-01,,A,,,,,,,,,,s,other,,\n"      // 18
      "i19,incident,2023-01-01,,A,,,,,,,,,,s,c,X!,\n"        // 19
      "i20,incident,2023-01-01,,A,,,,,,,,,,s,c,,many\n"      // 20
      "m21,movement,2023-01-01,,Place,,,,,,in,,,,s,c,,\n"    // 21: not a movement field
      "i22,incident,2023-01-01,,A,,,,,,in,,,,s,c,,\n"        // 22: not an incident field
      "r23,route_status,,,,,,,,,,,,,s,c,,\n"                 // 23
      "i24,,2023-01-01,,A,,,,,,,,,,s,c,,\n"                  // 24
      ",incident,2023-01-01,,A,,,,,,,,,,s,c,,\n"             // 25
      "Bad Id,incident,2023-01-01,,A,,,,,,,,,,s,c,,\n"       // 26
      "i2,incident,2023-01-01,,A,,,,,,,,,,s,c,,\n"           // 27: id of line 2
      "ok,incident,2023-01-01,week,A,1,1,1,1,1,,,,,s,c,,1\n";  // 28
  ReadResult r = ReadHxlCsv(data, {"c", "bad.csv"});
  EXPECT_TRUE(HasError(r.errors, 2, "#date+occurred", "no such date: '2023-02-30' (column 3)"));
  EXPECT_TRUE(HasError(r.errors, 3, "#meta+date_precision", "day, week, month or year"));
  EXPECT_TRUE(HasError(r.errors, 4, "#meta+date_precision", "gives only the month"));
  EXPECT_TRUE(HasError(r.errors, 5, "#geo+lat", "outside [-90, 90]"));
  EXPECT_TRUE(HasError(r.errors, 6, "#meta+geo_precision", "not '0'"));
  EXPECT_TRUE(HasError(r.errors, 7, "#access+code", "not '12'"));
  EXPECT_TRUE(HasError(r.errors, 8, "#affected+killed", "whole number >= 0: '-1'"));
  EXPECT_TRUE(HasError(r.errors, 9, "#affected+injured", "not a number: 'a few'"));
  EXPECT_TRUE(HasError(r.errors, 10, "#indicator+direction", "one of in, out, not 'inward'"));
  // An outcome is a term of a vocabulary the case may extend: the reader
  // passes it on and the schema, which knows the case's terms, judges it.
  EXPECT_FALSE(HasError(r.errors, 11, "#status+outcome", ""));
  const auto m11 = std::find_if(r.rows.begin(), r.rows.end(), [](const auto& row) { return row.record.value("id", "") == "m11"; });
  ASSERT_NE(m11, r.rows.end());
  EXPECT_EQ(m11->record["outcome"], "done");
  EXPECT_TRUE(HasError(r.errors, 12, "#indicator+vehicles+num", "whole number >= 0: '2.5'"));
  EXPECT_TRUE(HasError(r.errors, 13, "#item+cargo", "JSON array of quantities, not '{}'"));
  EXPECT_TRUE(HasError(r.errors, 14, "#item+cargo", "not '[oops'"));
  EXPECT_TRUE(HasError(r.errors, 15, "#meta+source", "not a record id: 'Bad Id'"));
  EXPECT_TRUE(HasError(r.errors, 16, "#meta+source", "not a record id: ''"));
  EXPECT_TRUE(HasError(r.errors, 17, "#meta+source", "not a JSON array of record ids"));
  EXPECT_TRUE(HasError(r.errors, 18, "#meta+case", "belongs to case 'other'"));
  EXPECT_TRUE(HasError(r.errors, 19, "#meta+supersedes", "not a record id: 'X!'"));
  EXPECT_TRUE(HasError(r.errors, 20, "#affected+displaced", "not a number: 'many'"));
  EXPECT_TRUE(HasError(r.errors, 21, "#loc+name", "movement records have no location.name"));
  EXPECT_TRUE(HasError(r.errors, 22, "#indicator+direction", "incident records have no direction"));
  EXPECT_TRUE(HasError(r.errors, 23, "#meta+kind", "only the envelope of 'route_status'"));
  EXPECT_TRUE(HasError(r.errors, 24, "#meta+kind", "empty"));
  EXPECT_TRUE(HasError(r.errors, 25, "#meta+id", "empty"));
  EXPECT_TRUE(HasError(r.errors, 26, "#meta+id", "not a record id: 'Bad Id'"));
  EXPECT_TRUE(HasError(r.errors, 27, "#meta+id", "'i2' is also used at line 2"));
  EXPECT_EQ(r.errors.size(), 25u) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 2u) << "only lines 11 and 28, and no file source record";
  EXPECT_EQ(r.rows[0].line, 11u);
  EXPECT_EQ(r.rows[1].line, 28u);
  EXPECT_EQ(r.rows[1].record["date_precision"], "week");
  // The unknown column is checked, not read.
  EXPECT_TRUE(HasError(r.warnings, 1, "#affected+displaced", "not a column of Lifeline's HXL export"));
}

TEST(HxlExportLayoutTest, MovementPeriodIsReadStrictly) {
  const std::string data =
      "#meta+id,#meta+kind,#date+occurred,#indicator+direction,#date+start,#date+end,#meta+source,"
      "#meta+case\n"
      "m2,movement,2023-06-11,in,2022-12-12,2023-06-11,s,c\n"  // 2: fine
      "m3,movement,2023-06-11,in,2023-13-01,2023-06-11,s,c\n"  // 3: no such month
      "m4,movement,2023-06-11,in,2022-12-12,11 June 2023,s,c\n"  // 4: not YYYY-MM-DD
      "m5,movement,2023-06-11,in,,,s,c\n";                      // 5: no period
  ReadResult r = ReadHxlCsv(data, {"c", "p.csv"});
  EXPECT_TRUE(HasError(r.errors, 3, "#date+start", "must be a date YYYY-MM-DD, not '2023-13-01'"));
  EXPECT_TRUE(HasError(r.errors, 4, "#date+end", "must be a date YYYY-MM-DD, not '11 June 2023'"));
  EXPECT_EQ(r.errors.size(), 2u) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].record["period"], (json{{"from", "2022-12-12"}, {"to", "2023-06-11"}}));
  EXPECT_FALSE(r.rows[1].record.contains("period"));
}

TEST(HxlExportLayoutTest, HashtagRowProblems) {
  ReadResult twice = ReadHxlCsv("#meta+id,#meta+kind,#loc+name,#loc +name\ni,incident,A,B\n",
                                {"c", "twice.csv"});
  EXPECT_TRUE(HasError(twice.errors, 1, "#loc+name", "a second #loc+name column (column 4"));
  EXPECT_TRUE(twice.rows.empty());
  ReadResult no_id = ReadHxlCsv("#meta+kind,#loc+name\nincident,A\n", {"c", "noid.csv"});
  EXPECT_TRUE(HasError(no_id.errors, 1, "#meta+id", "needs the #meta+id column"));
  EXPECT_TRUE(no_id.rows.empty());
  // Attribute order does not matter; #group+name may repeat.
  ReadResult ok = ReadHxlCsv(
      "#meta+id,#meta+kind,#affected+max+killed,#group +name,#group+name,#meta+source\n"
      "i,incident,2,A,B,s\n",
      {"c", "ok.csv"});
  ASSERT_TRUE(testing::ReadOk(ok));
  ASSERT_EQ(ok.rows.size(), 1u);
  EXPECT_EQ(ok.rows[0].record["actors"], json::array({"A", "B"}));
  EXPECT_EQ(ok.rows[0].record["fatalities"], json({{"high", 2}}));
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
  ASSERT_TRUE(testing::ReadOk(r));
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
