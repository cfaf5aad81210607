#include "ingest/ucdp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;

struct Expected {
  size_t events = 0;
  int64_t low = 0, best = 0, high = 0;
  size_t out_of_order = 0;
};

// Counts the events and deaths of a GED file with the naive CSV reader; the
// rows whose id is empty are not events (the HXL row).
Expected Recount(const std::string& data) {
  auto rows = testing::NaiveCsv(data);
  const auto& h = rows.at(0);
  auto col = [&](const char* name) {
    return static_cast<size_t>(std::find(h.begin(), h.end(), name) - h.begin());
  };
  Expected e;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][col("id")].empty()) continue;
    ++e.events;
    int64_t low = std::stoll(rows[i][col("low")]);
    int64_t best = std::stoll(rows[i][col("best")]);
    int64_t high = std::stoll(rows[i][col("high")]);
    e.low += low;
    e.best += best;
    e.high += high;
    if (!(low <= best && best <= high)) ++e.out_of_order;
  }
  return e;
}

void ExpectCompleteImport(const std::string& file, bool has_hxl_row) {
  const std::string data = testing::ReadFile(testing::SharedData("ucdp/" + file));
  ReadResult r = ReadUcdpCsv(data, {"bgd", file});
  ASSERT_TRUE(testing::ReadOk(r)) << file;
  Expected want = Recount(data);
  ASSERT_GT(want.events, 500u);
  ASSERT_EQ(r.rows.size(), want.events + 1) << file;  // + the source record
  EXPECT_EQ(r.rows[0].record["kind"], "source");
  EXPECT_EQ(r.rows[0].record["publisher"], "Uppsala Conflict Data Program");
  Expected got;
  std::set<std::string> ids;
  for (size_t i = 1; i < r.rows.size(); ++i) {
    const json& e = r.rows[i].record;
    ++got.events;
    got.low += e["fatalities"]["low"].get<int64_t>();
    got.best += e["fatalities"]["best"].get<int64_t>();
    got.high += e["fatalities"]["high"].get<int64_t>();
    EXPECT_TRUE(ids.insert(e["id"].get<std::string>()).second);
    EXPECT_EQ(e["sources"], json::array({r.rows[0].record["id"]}));
    EXPECT_TRUE(e["location"].contains("country")) << e.dump();
    EXPECT_TRUE(e["location"].contains("geo_precision"));
  }
  EXPECT_EQ(got.low, want.low) << file;
  EXPECT_EQ(got.best, want.best) << file;
  EXPECT_EQ(got.high, want.high) << file;
  size_t order_warnings = std::count_if(r.warnings.begin(), r.warnings.end(), [](const RowError& w) {
    return w.message.find("not in order") != std::string::npos;
  });
  EXPECT_EQ(order_warnings, want.out_of_order);
  EXPECT_EQ(r.warnings.size(), want.out_of_order + (has_hxl_row ? 1 : 0))
      << testing::Dump(r.warnings);
  if (has_hxl_row) {
    EXPECT_TRUE(HasError(r.warnings, 2, "(row)", "HXL hashtag row"));
  }
}

TEST(UcdpTest, BangladeshFileWithHxlRowImportsCompletely) {
  ExpectCompleteImport("conflict_data_BGD.csv", true);
}

TEST(UcdpTest, Ged191ExtractImportsCompletely) {
  ExpectCompleteImport("ged191-myanmar-bangladesh.csv", false);
}

TEST(UcdpTest, EveryMappedField) {
  const std::string data =
      testing::ReadFile(testing::SharedData("ucdp/conflict_data_BGD.csv"));
  ReadResult r = ReadUcdpCsv(data, {"bgd", "conflict_data_BGD.csv"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows[0].record,
            (json{{"kind", "source"},
                  {"id", "src-ucdp-conflict_data_bgd"},
                  {"case", "bgd"},
                  {"publisher", "Uppsala Conflict Data Program"},
                  {"title", "UCDP Georeferenced Event Dataset: conflict_data_BGD.csv"},
                  {"publisher_type", "academic"},
                  {"url", "https://ucdp.uu.se"},
                  {"language", "en"}}));
  EXPECT_EQ(r.rows[1].line, 3u);
  EXPECT_EQ(r.rows[1].record, json::parse(R"js({
    "kind": "incident", "id": "ucdp-71663", "case": "bgd",
    "sources": ["src-ucdp-conflict_data_bgd"],
    "date": "2013-12-13", "date_precision": "day",
    "location": {"name": "Bh\u0101nd\u0101ria town", "admin1": "Baris\u0101l Division",
                 "admin2": "Pirojpur District", "country": "BGD",
                 "lat": 22.488976, "lon": 90.062732, "geo_precision": 1},
    "event_type": "Battles",
    "actors": ["Supporters of Awami League", "Supporters of BNP"],
    "fatalities": {"low": 1, "best": 1, "high": 1},
    "description": "Seven killed in clashes following Bangladesh Islamist party leader's execution",
    "note": "UCDP: non-state conflict (type_of_violence 2); from 2013-12-13 to 2013-12-14\n\"BBC Monitoring Newsfile,2013-12-14,Seven killed in clashes following Bangladesh Islamist party leader's execution\""
  })js"));
  // One-sided violence; where_prec 2; no headline; same start and end.
  const json& e = r.rows[2].record;
  EXPECT_EQ(e["id"], "ucdp-73855");
  EXPECT_EQ(e["event_type"], "Violence against civilians");
  EXPECT_EQ(e["location"]["geo_precision"], 2);
  EXPECT_FALSE(e.contains("description"));
  EXPECT_EQ(e["note"].get<std::string>().substr(0, 50),
            "UCDP: one-sided violence (type_of_violence 3)\nReut");
  // where_prec 6 -> 3, and country from the name in the file without iso3.
  EXPECT_EQ(r.rows[3].record["location"]["geo_precision"], 3);
  ReadResult ged = ReadUcdpCsv(
      testing::ReadFile(testing::SharedData("ucdp/ged191-myanmar-bangladesh.csv")), {});
  ASSERT_TRUE(ged.ok());
  EXPECT_EQ(ged.rows[1].record["location"]["country"], "MMR");
  EXPECT_EQ(ged.rows[1].record["date_precision"], "day");
  std::set<std::string> precisions, event_types;
  for (size_t i = 1; i < ged.rows.size(); ++i) {
    const json& g = ged.rows[i].record;
    precisions.insert(g["date_precision"].get<std::string>());
    event_types.insert(g["event_type"].get<std::string>());
  }
  EXPECT_EQ(precisions, (std::set<std::string>{"day", "week", "month", "year"}));
  EXPECT_EQ(event_types, (std::set<std::string>{"Battles", "Violence against civilians"}));
}

TEST(UcdpTest, MalformedRowsNameLineAndColumn) {
  const std::string header =
      "id,date_start,date_end,date_prec,type_of_violence,where_coordinates,where_prec,latitude,"
      "longitude,side_a,side_b,low,best,high,country,iso3\n";
  ReadResult r = ReadUcdpCsv(header +
                                 "1,2013-12-13,2013-12-13,1,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "2,2013-12-13,2013-12-13,1,4,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "3,2013-12-13,2013-12-13,6,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "4,2013-12-13,2013-12-13,1,1,Town,9,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "5,13/12/2013,2013-12-13,1,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "6,2013-12-13,2013-12-13,1,1,Town,1,22.5,90.1,A,B,0,,2,Bangladesh,BGD\n"
                                 "7,2013-12-13,2013-12-13,1,1,Town,1,22.5,90.1,A,B,-1,1,2,Bangladesh,BGD\n"
                                 "8,2013-12-13,2013-13-01,1,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "1,2013-12-13,2013-12-13,1,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "10,2013-12-13,2013-12-13,1,1,Town,1,22.5,90.1,A,B,0,1,2,Bangladesh,bgd\n"
                                 "11,2013-12-13,2013-12-13,1,1,,1,22.5,90.1,A,B,0,1,2,Bangladesh,BGD\n"
                                 "12,2013-12-13,2013-12-13,1,1,Town,1,22.5,190.1,A,B,0,1,2,Bangladesh,BGD\n",
                             {});
  EXPECT_TRUE(HasError(r.errors, 3, "type_of_violence", "not 1, 2 or 3"));
  EXPECT_TRUE(HasError(r.errors, 4, "date_prec", "not 1 to 5"));
  EXPECT_TRUE(HasError(r.errors, 5, "where_prec", "not 1 to 7"));
  EXPECT_TRUE(HasError(r.errors, 6, "date_start", "not a date"));
  EXPECT_TRUE(HasError(r.errors, 7, "best", "empty"));
  EXPECT_TRUE(HasError(r.errors, 8, "low", "negative"));
  EXPECT_TRUE(HasError(r.errors, 9, "date_end", "no such date"));
  EXPECT_TRUE(HasError(r.errors, 10, "id", "also at line 2"));
  EXPECT_TRUE(HasError(r.errors, 11, "iso3", "not an ISO 3166-1 alpha-3"));
  EXPECT_TRUE(HasError(r.errors, 12, "where_coordinates", "empty"));
  EXPECT_TRUE(HasError(r.errors, 13, "longitude", "outside"));
  EXPECT_EQ(r.errors.size(), 11u) << testing::Dump(r.errors);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].line, 2u);
}

TEST(UcdpTest, MissingColumns) {
  ReadResult r = ReadUcdpCsv("id,date_start,type_of_violence,low,high\n1,2013-01-01,1,0,0\n", {});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "where_coordinates", "missing column"));
  EXPECT_TRUE(HasError(r.errors, 1, "best", "missing column"));
}

}  // namespace
}  // namespace lifeline::ingest
