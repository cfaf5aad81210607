#include "ingest/acled.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;

const ImportOptions kOptions{"test-case", "acled_sample.csv"};

const char kHeader[] =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp\n";

// A synthetic row in codebook order with the given overrides.
std::string AcledRow(std::map<std::string, std::string> set) {
  std::map<std::string, std::string> v = {
      {"event_id_cnty", "TST1"}, {"event_date", "2023-01-05"}, {"year", "2023"},
      {"time_precision", "1"}, {"disorder_type", "Political violence"},
      {"event_type", "Battles"}, {"sub_event_type", "Armed clash"}, {"actor1", "Group A"},
      {"inter1", "1"}, {"actor2", "Group B"}, {"inter2", "2"}, {"interaction", "12"},
      {"iso", "51"}, {"region", "Caucasus and Central Asia"}, {"country", "Armenia"},
      {"admin1", "North Synth"}, {"location", "Synthville"}, {"latitude", "40.1"},
      {"longitude", "44.5"}, {"geo_precision", "1"}, {"source", "Synthetic Daily"},
      {"source_scale", "National"}, {"notes", "SYNTHETIC"}, {"fatalities", "0"},
      {"timestamp", "1700000000"}};
  for (auto& [k, val] : set) v[k] = val;
  std::string columns = kHeader;
  columns.pop_back();
  std::stringstream ss(columns);
  std::string col, row;
  bool first = true;
  while (std::getline(ss, col, ',')) {
    if (!first) row += ",";
    first = false;
    row += v[col];
  }
  return row + "\n";
}

TEST(AcledTest, SampleImportsEveryRowAndField) {
  const std::string data = testing::ReadFile(testing::TestData("acled_sample.csv"));
  ReadResult r = ReadAcledCsv(data, kOptions);
  ASSERT_TRUE(testing::ReadOk(r));
  EXPECT_TRUE(r.warnings.empty()) << testing::Dump(r.warnings);
  auto naive = testing::NaiveCsv(data);
  ASSERT_EQ(naive.size(), 21u);
  ASSERT_EQ(r.rows.size(), 21u);

  // The source record first.
  const json& src = r.rows[0].record;
  EXPECT_EQ(src, (json{{"kind", "source"},
                       {"id", "src-acled-acled_sample"},
                       {"case", "test-case"},
                       {"publisher", "ACLED"},
                       {"title", "ACLED data export acled_sample.csv"},
                       {"publisher_type", "ngo"},
                       {"url", "https://acleddata.com"},
                       {"language", "en"}}));

  // Row 1, every field.
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[1].record,
            json::parse(R"js({
    "kind": "incident", "id": "acled-arm9000001", "case": "test-case",
    "sources": ["src-acled-acled_sample"],
    "date": "2023-01-05", "date_precision": "day",
    "location": {"name": "Synthville", "admin1": "North Synth", "admin2": "Alpha District",
                 "country": "ARM", "lat": 40.1234, "lon": 44.5678, "geo_precision": 1},
    "event_type": "Battles", "sub_event_type": "Armed clash",
    "actors": ["Military Forces of Synthland (2018-)", "Rebel Group Alpha"],
    "fatalities": {"best": 2},
    "description": "SYNTHETIC TEST ROW: On 5 January 2023, forces clashed near Synthville. 2 fatalities.",
    "note": "Synthetic Daily"})js"));

  // Week and month precision, geo_precision 2 and 3, an empty actor2, quotes.
  const json& week = r.rows[2].record;
  EXPECT_EQ(week["date_precision"], "week");
  EXPECT_EQ(week["location"]["geo_precision"], 2);
  EXPECT_EQ(week["location"]["admin2"], "Alpha District");
  EXPECT_EQ(week["actors"], json::array({"Protesters (Synthland)"}));
  EXPECT_EQ(week["note"], "Synthetic Daily; Example Radio");
  EXPECT_NE(week["description"].get<std::string>().find("demanding \"fair pay\", in"),
            std::string::npos);
  const json& month = r.rows[3].record;
  EXPECT_EQ(month["date_precision"], "month");
  EXPECT_EQ(month["location"]["geo_precision"], 3);
  EXPECT_EQ(month["location"]["country"], "AZE");
  EXPECT_EQ(month["location"]["admin1"], "East Example");
  EXPECT_FALSE(month["location"].contains("admin2"));

  // A note with a newline: the row starts at line 5, the next one at line 7.
  EXPECT_EQ(r.rows[4].line, 5u);
  EXPECT_EQ(r.rows[4].record["description"],
            "SYNTHETIC TEST ROW: Line one of the notes,\nline two after a newline, with a comma.");
  EXPECT_EQ(r.rows[5].line, 7u);
  EXPECT_EQ(r.rows[7].record["location"]["name"], "\xc3\x91" "and\xc3\xba Village");
  EXPECT_EQ(r.rows[7].record["location"]["country"], "MMR");
  EXPECT_EQ(r.rows[9].record["location"]["country"], "PSE");
  EXPECT_EQ(r.rows[15].record["location"]["lat"], -0.5);
  EXPECT_EQ(r.rows[15].record["location"]["lon"], -0.75);
  EXPECT_EQ(r.rows[17].record["location"]["country"], "COD");
  EXPECT_EQ(r.rows[20].line, 24u);  // the last line of the file

  // Every row against an independent reading of the file.
  const auto& h = naive[0];
  auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(h.begin(), h.end(), name) - h.begin());
  };
  int64_t deaths = 0, recount = 0;
  for (size_t i = 1; i < naive.size(); ++i) {
    const auto& c = naive[i];
    const json& e = r.rows[i].record;
    std::string id = c[col("event_id_cnty")];
    for (char& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(e["id"], "acled-" + id);
    EXPECT_EQ(e["date"], c[col("event_date")]);
    EXPECT_EQ(e["event_type"], c[col("event_type")]);
    EXPECT_EQ(e["sub_event_type"], c[col("sub_event_type")]);
    EXPECT_EQ(e["location"]["name"], c[col("location")]);
    EXPECT_DOUBLE_EQ(e["location"]["lat"].get<double>(), std::stod(c[col("latitude")]));
    EXPECT_DOUBLE_EQ(e["location"]["lon"].get<double>(), std::stod(c[col("longitude")]));
    EXPECT_EQ(e["location"]["geo_precision"], std::stoi(c[col("geo_precision")]));
    EXPECT_EQ(e["description"], c[col("notes")]);
    EXPECT_EQ(e["note"], c[col("source")]);
    EXPECT_EQ(e["actors"][0], c[col("actor1")]);
    EXPECT_EQ(e["actors"].size(), c[col("actor2")].empty() ? 1u : 2u);
    EXPECT_EQ(e["sources"], json::array({"src-acled-acled_sample"}));
    deaths += e["fatalities"]["best"].get<int64_t>();
    recount += std::stoll(c[col("fatalities")]);
  }
  EXPECT_EQ(deaths, recount);
}

TEST(AcledTest, ColumnOrderIsFreeAndExtraColumnsAreIgnored) {
  ReadResult r = ReadAcledCsv(
      "fatalities,location,Extra,event_type,event_date,event_id_cnty\n"
      "3,Somewhere,x,Riots,2020-03-15,ABC77\n"
      "0,Elsewhere,y,Protests,15 March 2020,ABC78\n",
      {});
  ASSERT_TRUE(testing::ReadOk(r));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].record["id"], "src-acled-unnamed");
  EXPECT_FALSE(r.rows[0].record.contains("case"));
  const json& e = r.rows[1].record;
  EXPECT_EQ(e["id"], "acled-abc77");
  EXPECT_EQ(e["fatalities"]["best"], 3);
  EXPECT_EQ(e["location"], (json{{"name", "Somewhere"}}));
  EXPECT_FALSE(e.contains("actors"));
  EXPECT_FALSE(e.contains("date_precision"));
  EXPECT_EQ(r.rows[2].record["date"], "2020-03-15");  // the older export form
}

TEST(AcledTest, MissingRequiredColumns) {
  ReadResult r = ReadAcledCsv("event_id_cnty,event_date,location\nX1,2020-01-01,Here\n", {});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "event_type", "missing column"));
  EXPECT_TRUE(HasError(r.errors, 1, "fatalities", "missing column"));
  ReadResult empty = ReadAcledCsv("", {});
  EXPECT_TRUE(HasError(empty.errors, 1, "(file)", "empty"));
}

TEST(AcledTest, MalformedRowsNameLineAndColumn) {
  std::string data = kHeader;
  data += AcledRow({{"event_id_cnty", "OK1"}});                          // line 2
  data += AcledRow({{"event_id_cnty", "B2"}, {"event_date", "05/01/2023"}});  // 3
  data += AcledRow({{"event_id_cnty", "B3"}, {"time_precision", "4"}});  // 4
  data += AcledRow({{"event_id_cnty", "B4"}, {"fatalities", "-1"}});     // 5
  data += AcledRow({{"event_id_cnty", "B5"}, {"fatalities", "two"}});    // 6
  data += AcledRow({{"event_id_cnty", "B6"}, {"latitude", "91"}});       // 7
  data += AcledRow({{"event_id_cnty", "OK1"}});                          // 8: duplicate
  data += AcledRow({{"event_id_cnty", "B8"}, {"geo_precision", "0"}});   // 9
  data += AcledRow({{"event_id_cnty", "B9"}, {"location", ""}});         // 10
  data += AcledRow({{"event_id_cnty", "B 10"}});                         // 11
  data += AcledRow({{"event_id_cnty", "B11"}, {"iso", "fifty"}});        // 12
  data += AcledRow({{"event_id_cnty", "B12"}, {"event_date", "2023-02-30"}});  // 13
  data += AcledRow({{"event_id_cnty", "B13"}, {"longitude", ""}});       // 14
  data += AcledRow({{"event_id_cnty", "B14"}, {"fatalities", ""}});      // 15
  data += "B15,2023-01-05,2023\n";                                       // 16: too short
  data += AcledRow({{"event_id_cnty", "W16"}, {"iso", "999"}, {"country", "Atlantis"}});  // 17
  ReadResult r = ReadAcledCsv(data, kOptions);
  EXPECT_TRUE(HasError(r.errors, 3, "event_date", "not a date: '05/01/2023'"));
  EXPECT_TRUE(HasError(r.errors, 4, "time_precision", "not 1, 2 or 3"));
  EXPECT_TRUE(HasError(r.errors, 5, "fatalities", "negative"));
  EXPECT_TRUE(HasError(r.errors, 6, "fatalities", "not an integer"));
  EXPECT_TRUE(HasError(r.errors, 7, "latitude", "outside [-90, 90]"));
  EXPECT_TRUE(HasError(r.errors, 8, "event_id_cnty", "also at line 2"));
  EXPECT_TRUE(HasError(r.errors, 9, "geo_precision", "not 1, 2 or 3"));
  EXPECT_TRUE(HasError(r.errors, 10, "location", "empty"));
  EXPECT_TRUE(HasError(r.errors, 11, "event_id_cnty", "cannot make a record id"));
  EXPECT_TRUE(HasError(r.errors, 12, "iso", "not a numeric ISO"));
  EXPECT_TRUE(HasError(r.errors, 13, "event_date", "no such date"));
  EXPECT_TRUE(HasError(r.errors, 14, "longitude", "other coordinate"));
  EXPECT_TRUE(HasError(r.errors, 15, "fatalities", "empty"));
  EXPECT_TRUE(HasError(r.errors, 16, "time_precision", "3 fields"));
  EXPECT_EQ(r.errors.size(), 14u) << testing::Dump(r.errors);
  // Line 2 and the unknown-country row import; the latter with warnings.
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[2].line, 17u);
  EXPECT_FALSE(r.rows[2].record["location"].contains("country"));
  EXPECT_TRUE(HasError(r.warnings, 17, "iso", "assigns no country"));
  EXPECT_TRUE(HasError(r.warnings, 17, "country", "Atlantis"));
}

TEST(AcledTest, ContradictingCountryNameIsAWarning) {
  std::string data = kHeader + AcledRow({{"iso", "31"}, {"country", "Armenia"}});
  ReadResult r = ReadAcledCsv(data, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows[1].record["location"]["country"], "AZE");
  EXPECT_TRUE(HasError(r.warnings, 2, "country", "using the code"));
}

// Each (iso, country) pair is resolved once per file: rows that repeat a
// pair still get its messages, and a pair that differs in either cell is
// resolved on its own.
TEST(AcledTest, RepeatedCountryCellsGiveTheSameResultOnEveryRow) {
  std::string data = kHeader + AcledRow({{"event_id_cnty", "A1"}, {"iso", "31"}, {"country", "Armenia"}}) +
                     AcledRow({{"event_id_cnty", "A2"}, {"iso", "31"}, {"country", "Armenia"}}) +
                     AcledRow({{"event_id_cnty", "A3"}, {"iso", "51"}, {"country", "Armenia"}}) +
                     AcledRow({{"event_id_cnty", "A4"}, {"iso", "999"}, {"country", "Atlantis"}}) +
                     AcledRow({{"event_id_cnty", "A5"}, {"iso", "999"}, {"country", "Atlantis"}}) +
                     AcledRow({{"event_id_cnty", "A6"}, {"iso", "x"}, {"country", "Atlantis"}}) +
                     AcledRow({{"event_id_cnty", "A7"}, {"iso", "x"}, {"country", "Atlantis"}});
  ReadResult r = ReadAcledCsv(data, {});
  ASSERT_EQ(r.rows.size(), 6u) << testing::Dump(r.errors);  // the source record, rows 2-6
  EXPECT_EQ(r.rows[1].record["location"]["country"], "AZE");
  EXPECT_EQ(r.rows[2].record["location"]["country"], "AZE");
  EXPECT_EQ(r.rows[3].record["location"]["country"], "ARM");
  EXPECT_FALSE(r.rows[4].record["location"].contains("country"));
  EXPECT_FALSE(r.rows[5].record["location"].contains("country"));
  for (uint64_t line : {2, 3}) EXPECT_TRUE(HasError(r.warnings, line, "country", "using the code"));
  for (uint64_t line : {5, 6}) {
    EXPECT_TRUE(HasError(r.warnings, line, "iso", "assigns no country"));
    EXPECT_TRUE(HasError(r.warnings, line, "country", "Atlantis"));
  }
  EXPECT_EQ(r.warnings.size(), 6u) << testing::Dump(r.warnings);
  for (uint64_t line : {7, 8}) EXPECT_TRUE(HasError(r.errors, line, "iso", "not a numeric ISO"));
  EXPECT_EQ(r.errors.size(), 2u) << testing::Dump(r.errors);
}

}  // namespace
}  // namespace lifeline::ingest
