#include "ingest/mapping.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "base/status_testing.h"
#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;
using testing::ReadFile;

const ImportOptions kCsvOptions{"gaza-2023", "gaza_food_trucks.csv"};

Mapping MustParse(std::string_view toml, std::string_view name = "test.toml") {
  Result<Mapping> m = ParseMapping(toml, name);
  EXPECT_OK(m);
  return m.ok() ? *m : Mapping{};
}

Mapping GazaMapping() {
  return MustParse(ReadFile(testing::TestData("gaza_food_trucks.toml")), "gaza_food_trucks.toml");
}

// "07 October 2023" -> "2023-10-07", written independently of fields.cc.
std::string IndependentDate(const std::string& s) {
  static const char* kMonths[] = {"January", "February", "March",     "April",
                                  "May",     "June",     "July",      "August",
                                  "September", "October", "November", "December"};
  int day = 0, year = 0;
  char month[16] = {};
  EXPECT_EQ(std::sscanf(s.c_str(), "%d %15s %d", &day, month, &year), 3) << s;
  for (int m = 0; m < 12; ++m) {
    if (std::string(month) == kMonths[m]) {
      char buf[40];  // room for any int year, month and day (GCC checks)
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, m + 1, day);
      return buf;
    }
  }
  ADD_FAILURE() << "month " << month;
  return "";
}

TEST(FieldPathTest, ParsesAndFormats) {
  auto p = ParseFieldPath("cargo[0].quantity");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (FieldPath{std::string("cargo"), size_t{0}, std::string("quantity")}));
  EXPECT_EQ(FormatFieldPath(*p), "cargo[0].quantity");
  EXPECT_EQ(FormatFieldPath(*ParseFieldPath("per_day.cargo[1][2]")), "per_day.cargo[1][2]");
  for (const char* bad : {"", ".a", "a.", "a..b", "a[", "a[x]", "a[]", "a b", "a[1]b", "[0]",
                          "a[12345]"}) {
    EXPECT_FALSE(ParseFieldPath(bad).ok()) << bad;
  }
}

TEST(MappingTest, GazaFoodTrucksImportsEveryRow) {
  const std::string path = testing::SharedData("sieges/gaza_food_trucks.csv");
  const std::string data = ReadFile(path);
  ReadResult r = ReadCsvWithMapping(data, GazaMapping(), kCsvOptions);
  ASSERT_TRUE(testing::ReadOk(r));
  EXPECT_TRUE(r.warnings.empty()) << testing::Dump(r.warnings);

  // Independent recount: a naive CSV split of the same file.
  std::vector<std::vector<std::string>> naive = testing::NaiveCsv(data);
  ASSERT_GT(naive.size(), 100u);
  const size_t data_rows = naive.size() - 1;
  ASSERT_EQ(r.rows.size(), data_rows + 1);  // + the source record
  EXPECT_EQ(r.skipped_rows, 0u);

  const json& source = r.rows[0].record;
  EXPECT_EQ(source["kind"], "source");
  EXPECT_EQ(source["id"], "src-gaza-projections-trucks");
  EXPECT_EQ(source["case"], "gaza-2023");
  EXPECT_EQ(source["publisher_type"], "academic");

  int64_t total = 0, recount = 0;
  double food = 0, food_recount = 0;
  using std::chrono::sys_days;
  sys_days expected_day = std::chrono::year{2023} / std::chrono::October / 7;
  for (size_t i = 0; i < data_rows; ++i) {
    const std::vector<std::string>& cells = naive[i + 1];
    const Row& row = r.rows[i + 1];
    const json& m = row.record;
    EXPECT_EQ(row.line, i + 2);  // one physical line per row in this file
    EXPECT_EQ(m["kind"], "movement");
    EXPECT_EQ(m["case"], "gaza-2023");
    std::string date = IndependentDate(cells[0]);
    EXPECT_EQ(m["date"], date);
    // The file has one row per day, without gaps.
    std::chrono::year_month_day ymd{expected_day};
    char want[16];
    std::snprintf(want, sizeof want, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    EXPECT_EQ(date, want);
    expected_day += std::chrono::days{1};
    EXPECT_EQ(m["id"], "gaza-trucks-" + date);
    EXPECT_EQ(m["route"], "gaza-crossings");
    EXPECT_EQ(m["direction"], "in");
    EXPECT_EQ(m["operator"], "unstated (all aid trucks counted)");
    EXPECT_EQ(m["sources"], json::array({"src-gaza-projections-trucks"}));
    ASSERT_TRUE(m["vehicles"].is_number_integer());
    EXPECT_EQ(m["vehicles"].get<int64_t>(), std::stoll(cells[2]));
    ASSERT_EQ(m["cargo"].size(), 1u);
    EXPECT_EQ(m["cargo"][0]["commodity"], "food");
    EXPECT_EQ(m["cargo"][0]["unit"], "trucks");
    EXPECT_DOUBLE_EQ(m["cargo"][0]["quantity"].get<double>(), std::stod(cells[3]));
    total += m["vehicles"].get<int64_t>();
    recount += std::stoll(cells[2]);
    food += m["cargo"][0]["quantity"].get<double>();
    food_recount += std::stod(cells[3]);
  }
  EXPECT_EQ(expected_day, sys_days{std::chrono::year{2024} / std::chrono::January / 31});
  EXPECT_EQ(total, recount);
  EXPECT_GT(total, 0);
  EXPECT_DOUBLE_EQ(food, food_recount);
  EXPECT_EQ(r.rows[1].record["date"], "2023-10-07");
  EXPECT_EQ(r.rows.back().record["date"], "2024-01-30");
  EXPECT_EQ(r.rows.back().record["vehicles"], 134);
}

TEST(MappingTest, FuelExampleScalesSkipsAndSlugs) {
  Mapping m = MustParse(ReadFile(testing::TestData("fuel_stock.toml")), "fuel_stock.toml");
  ReadResult r = ReadCsvWithMapping(
      "Report date,Area,Diesel (tonnes),Petrol (litres),Status\n"
      "2023-11-02,North Gaza,12.5,3000,ok\n"
      "02/11/2023,Rafah,0,100,ok\n"
      "2023-11-03,Rafah,,100,ok\n"
      "04/11/2023,Khan Younis,1.25,,ok\n",
      m, {"gaza-2023", "fuel.csv"});
  ASSERT_TRUE(testing::ReadOk(r));
  EXPECT_EQ(r.skipped_rows, 2u);
  ASSERT_EQ(r.rows.size(), 2u);
  const json& a = r.rows[0].record;
  EXPECT_EQ(r.rows[0].line, 2u);
  EXPECT_EQ(a["id"], "fuel-north-gaza-2023-11-02");
  EXPECT_EQ(a["kind"], "stock");
  EXPECT_EQ(a["commodity"], "diesel");
  EXPECT_EQ(a["unit"], "kg");
  EXPECT_DOUBLE_EQ(a["quantity"].get<double>(), 12500.0);
  EXPECT_EQ(a["area"], "North Gaza");
  EXPECT_EQ(a["sources"], json::array({"src-fuel-report"}));
  const json& b = r.rows[1].record;
  EXPECT_EQ(r.rows[1].line, 5u);
  EXPECT_EQ(b["date"], "2023-11-04");  // second date format
  EXPECT_EQ(b["id"], "fuel-khan-younis-2023-11-04");
  EXPECT_DOUBLE_EQ(b["quantity"].get<double>(), 1250.0);
}

TEST(MappingTest, MalformedRowsNameLineAndColumn) {
  ReadResult r = ReadCsvWithMapping(
      "\"date\",\"date_1\",\"total_truck\",\"food_truck\"\n"
      "\"07 October 2023\",\"07-Oct-23\",12,6.2\n"
      "\"08 Octobre 2023\",\"08-Oct-23\",3,1\n"
      "\"09 October 2023\",\"09-Oct-23\",1O,1\n"
      "\"10 October 2023\",\"10-Oct-23\",,1\n"
      "\"11 October 2023\",\"11-Oct-23\",4,many\n"
      "\"07 October 2023\",\"07-Oct-23\",5,2\n"
      "\"31 September 2023\",\"x\",1,1\n"
      "\"12 October 2023\",\"12-Oct-23\",7\n"
      "\"13 October 2023\",\"13-Oct-23\",7,\n"
      "\"14 October 2023\",\"14-Oct-23\",2.5,1\n",
      GazaMapping(), kCsvOptions);
  EXPECT_TRUE(HasError(r.errors, 3, "date", "not a date"));
  EXPECT_TRUE(HasError(r.errors, 4, "total_truck", "not an integer: '1O'"));
  EXPECT_TRUE(HasError(r.errors, 5, "total_truck", "empty"));
  EXPECT_TRUE(HasError(r.errors, 6, "food_truck", "not a number: 'many'"));
  EXPECT_TRUE(HasError(r.errors, 7, "id", "line 2"));
  EXPECT_TRUE(HasError(r.errors, 8, "date", "no such date"));
  EXPECT_TRUE(HasError(r.errors, 9, "food_truck", "3 fields"));
  EXPECT_TRUE(HasError(r.errors, 11, "total_truck", "not an integer: '2.5'"));
  EXPECT_EQ(r.errors.size(), 8u) << testing::Dump(r.errors);
  // Line 2 and line 10 make records; line 10 has no food figure, so no cargo line.
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].line, 2u);
  EXPECT_EQ(r.rows[2].line, 10u);
  EXPECT_FALSE(r.rows[2].record.contains("cargo")) << r.rows[2].record.dump();
  EXPECT_EQ(r.rows[2].record["vehicles"], 7);
}

TEST(MappingTest, MissingColumnIsAnErrorAtTheHeader) {
  ReadResult r = ReadCsvWithMapping("date,total_truck\n07 October 2023,5\n", GazaMapping(),
                                    kCsvOptions);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "food_truck", "missing column"));
}

TEST(MappingTest, ValueTablesDefaultsAndFieldPlaceholders) {
  Mapping m = MustParse(R"(
kind = "incident"
id = "ev-{code|lower}-{$line}"
header_row = 2
[constants]
sources = ["src-x"]
"location.country" = "ARM"
[[columns]]
column = "Code"
field = "location.name"
[[columns]]
column = "code"
field = "description"
[[columns]]
column = "when"
field = "date"
type = "date"
required = true
[[columns]]
column = "precision"
field = "date_precision"
values = { "D" = "day", "W" = "week" }
[[columns]]
column = "killed"
field = "fatalities.best"
type = "integer"
default = 0
[[columns]]
column = "who"
field = "actors[0]"
[[columns]]
column = "whom"
field = "actors[1]"
[[columns]]
column = "verified"
field = "confidential.verified"
type = "boolean"
)");
  ReadResult r = ReadCsvWithMapping(
      "a title row to ignore\n"
      "Code,code,when,precision,killed,who,whom,verified\n"
      "Town A,AB-1,2022-12-12,W,,Party A,,yes\n"
      "Town B,AB-2,2022-12-13,M,3,,,no\n"
      "Town C,AB-3,2022-12-14,D,1,Party A,Party B,maybe\n",
      m, {"c", "f.csv"});
  ASSERT_EQ(r.rows.size(), 1u) << testing::Dump(r.errors);
  const json& e = r.rows[0].record;
  EXPECT_EQ(r.rows[0].line, 3u);
  EXPECT_EQ(e["id"], "ev-ab-1-3");
  EXPECT_EQ(e["date_precision"], "week");
  EXPECT_EQ(e["fatalities"]["best"], 0);  // the default
  EXPECT_EQ(e["actors"], json::array({"Party A"}));
  EXPECT_EQ(e["location"], (json{{"name", "Town A"}, {"country", "ARM"}}));
  EXPECT_EQ(e["confidential"]["verified"], true);
  EXPECT_TRUE(HasError(r.errors, 4, "precision", "not one of the mapped values"));
  EXPECT_TRUE(HasError(r.errors, 5, "verified", "not a boolean"));
}

TEST(MappingTest, IdTemplateMayNotUseConfidentialFields) {
  // Ids are published; a confidential field is sealed in the log.
  for (const char* id : {"w-{@confidential.witness|slug}", "w-{who|slug}"}) {
    std::string toml = std::string("kind = \"route\"\nid = \"") + id + R"("
[[columns]]
column = "name"
field = "name"
[[columns]]
column = "who"
field = "confidential.witness"
)";
    auto m = ParseMapping(toml, "m.toml");
    ASSERT_FALSE(m.ok()) << id;
    EXPECT_NE(m.status().message().find("confidential"), std::string::npos) << m.status().message();
    EXPECT_NE(m.status().message().find("id"), std::string::npos) << m.status().message();
  }
}

TEST(MappingTest, IdTemplateMustGiveValidUniqueIds) {
  Mapping m = MustParse(R"(
kind = "route"
id = "{name}"
[[columns]]
column = "name"
field = "name"
[[columns]]
column = "type"
field = "type"
)");
  ReadResult r = ReadCsvWithMapping("name,type\nlachin-road,road\nLachin Road,road\n", m, {});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].record["id"], "lachin-road");
  EXPECT_TRUE(HasError(r.errors, 3, "id", "use the |slug filter"));

  Mapping by_field = MustParse(R"(
kind = "route"
id = "r-{@description}"
[[columns]]
column = "name"
field = "name"
[[columns]]
column = "d"
field = "description"
)");
  ReadResult r2 = ReadCsvWithMapping("name,d\nx,\n", by_field, {});
  EXPECT_TRUE(HasError(r2.errors, 2, "id", "{@description}"));
}

TEST(MappingTest, BadMappingsAreRejectedWithLineAndKey) {
  struct Case {
    const char* toml;
    const char* want;
  };
  const char* kBase = "kind = \"movement\"\nid = \"m-{d}\"\n";
  const Case cases[] = {
      {"kind = \"movement\"\nid = \"x\"\n[[columns]\n", "test.toml:3: (toml)"},
      {"kinds = \"movement\"\n", "test.toml:1: kinds: unknown key"},
      {"version = 2\nkind = \"movement\"\n", "test.toml:1: version: only version 1"},
      {"kind = \"movements\"\nid = \"x\"\n", "test.toml:1: kind: not a record kind"},
      {"kind = \"movement\"\n", "kind = \"movement\"\n"},  // replaced below: no id
      {"[[columns]]\ncolumn = \"d\"\nfield = \"date\"\ntype = \"int\"\n",
       "test.toml:6: columns[0].type: unknown type 'int'"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"id\"\n", "columns[0].field: 'id' cannot be set"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"vehicles\"\n[constants]\nvehicles = 3\n",
       "constants.vehicles: sets vehicles, which columns[0] sets too"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"cargo[1].quantity\"\n",
       "cargo: array indices must run 0, 1, 2"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"vehicles\"\ntype = \"integer\"\nformat = \"%Y\"\n",
       "test.toml:7: columns[0].format: only for type = \"date\""},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"date\"\ntype = \"date\"\nformat = \"%Y-%m\"\n",
       "lacks a year, month or day"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"cargo[x]\"\n", "columns[0].field: bad field path"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"date\"\nwhen = 1\n",
       "test.toml:6: columns[0].when: unknown key"},
      {"[constants]\nroute = \"r\"\n", "columns: required"},
      {"[source]\ntitle = \"t\"\n[[columns]]\ncolumn = \"d\"\nfield = \"date\"\n",
       "source.id: required"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"date\"\n[skip]\nwhen_negative = [\"d\"]\n",
       "skip.when_negative: unknown key"},
      {"[[columns]]\ncolumn = \"d\"\nfield = \"recorded\"\n", "'recorded' cannot be set"},
  };
  for (const Case& c : cases) {
    std::string toml = c.toml;
    if (!toml.starts_with("kind") && !toml.starts_with("version")) toml = kBase + toml;
    std::string want = c.want;
    if (toml == "kind = \"movement\"\n") want = "id: required";
    Result<Mapping> m = ParseMapping(toml, "test.toml");
    ASSERT_FALSE(m.ok()) << toml;
    EXPECT_NE(m.status().message().find(want), std::string::npos)
        << "toml:\n" << toml << "\nmessage: " << m.status().message() << "\nwant: " << want;
  }
  Result<Mapping> filter = ParseMapping("kind = \"route\"\nid = \"{a|shout}\"\n", "t.toml");
  ASSERT_FALSE(filter.ok());
  EXPECT_NE(filter.status().message().find("t.toml:2: id: unknown filter 'shout'"),
            std::string::npos)
      << filter.status().message();
}

}  // namespace
}  // namespace lifeline::ingest
