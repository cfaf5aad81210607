#include "ingest/odk_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "base/status_testing.h"
#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using nlohmann::json;
using testing::HasError;
using testing::ReadFile;
using testing::ReadOk;

constexpr const char* kKinds[] = {"movement", "route_status", "outage", "incident",
                                  "stock",    "source",       "evidence"};
constexpr const char* kFormats[] = {"kobo.csv", "kobo.json", "central.csv", "central.json"};

std::string Fixture(const std::string& kind, const std::string& format) {
  return testing::TestData("odk/" + kind + "." + format);
}

Mapping ShippedMapping(const std::string& server, const std::string& kind) {
  std::string path = std::string(LIFELINE_SOURCE_DIR) + "/data/mappings/" + server + "/" + kind + ".toml";
  Result<Mapping> m = ParseMapping(ReadFile(path), kind + ".toml");
  EXPECT_OK(m) << path;
  return m.ok() ? *m : Mapping{};
}

// Reads one fixture the way `lifeline import --mapping data/mappings/...` does.
ReadResult ReadExport(const std::string& kind, const std::string& format) {
  const bool kobo = format.starts_with("kobo");
  Mapping mapping = ShippedMapping(kobo ? "kobo" : "central", kind);
  ImportOptions options{"lachin-2022-23", kind + "." + format};
  std::string data = ReadFile(Fixture(kind, format));
  if (format.ends_with(".csv")) return ReadCsvWithMapping(data, mapping, options);
  return ReadOdkJsonWithMapping(data, kobo ? OdkServer::kKobo : OdkServer::kCentral, mapping, options);
}

// The 1-based line of the first line of `text` holding `needle`; 0 if none.
uint64_t LineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return 0;
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
}

TEST(OdkExportTest, EachSubmissionIsTheSameRecordInAllFourExports) {
  // Spoiled in two exports with a value that only the schema refuses (a
  // date-time "yesterday"), so its records differ before validation.
  const std::string schema_refuses = "odk-7b8c9d0e-1f2a-4b3c-8d4e-6f7a8b9c0d1e";
  for (const char* kind : kKinds) {
    std::map<std::string, json> first;  // id -> record, from the first export that has it
    std::map<std::string, int> seen;
    for (const char* format : kFormats) {
      ReadResult r = ReadExport(kind, format);
      for (const Row& row : r.rows) {
        const std::string id = row.record["id"];
        ++seen[id];
        auto [it, fresh] = first.emplace(id, row.record);
        if (!fresh && id != schema_refuses) {
          EXPECT_EQ(row.record, it->second) << kind << "." << format << " " << id;
        }
      }
    }
    // Each fixture submission is good in at least two of the four exports
    // (make_fixtures.py spoils it in at most two), so each is compared.
    ASSERT_FALSE(seen.empty()) << kind;
    for (const auto& [id, n] : seen) EXPECT_GE(n, 2) << kind << " " << id;
  }
}

TEST(OdkExportTest, CountsRecordsAndRejectionsPerExport) {
  // kind, format, records, errors: from make_fixtures.py's SUBMISSIONS. The
  // outage "from": "yesterday" is text to the mapping (a date-time is a
  // string column): the schema refuses it on import (cli_odk_exports).
  struct Want {
    const char* kind;
    const char* format;
    size_t records, errors;
  };
  const Want wants[] = {
      {"movement", "kobo.csv", 4, 1},     {"movement", "kobo.json", 4, 1},
      {"movement", "central.csv", 4, 1},  {"movement", "central.json", 4, 1},
      {"route_status", "kobo.csv", 3, 0}, {"route_status", "kobo.json", 2, 1},
      {"outage", "kobo.csv", 3, 0},       {"outage", "central.json", 3, 0},
      {"incident", "kobo.csv", 2, 1},     {"incident", "central.csv", 2, 1},
      {"stock", "kobo.csv", 3, 0},        {"stock", "central.csv", 2, 1},
      {"source", "central.csv", 2, 1},    {"source", "kobo.json", 3, 0},
      {"evidence", "kobo.csv", 2, 0},     {"evidence", "central.json", 1, 1},
  };
  for (const Want& w : wants) {
    ReadResult r = ReadExport(w.kind, w.format);
    EXPECT_EQ(r.rows.size(), w.records) << w.kind << "." << w.format;
    EXPECT_EQ(r.errors.size(), w.errors) << w.kind << "." << w.format << "\n" << testing::Dump(r.errors);
  }
}

TEST(OdkExportTest, MovementRecordFieldForField) {
  const json want = {
      {"kind", "movement"},
      {"id", "odk-6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b"},
      {"case", "lachin-2022-23"},
      {"route", "rt-lachin-road"},
      {"date", "2023-01-18"},
      {"direction", "in"},
      {"operator", "ICRC"},
      {"outcome", "completed"},
      {"vehicles", 4},
      {"persons", 0},
      {"patients", 0},
      {"reported_by", "ICRC"},
      {"sources", {"src-icrc-2023-01-18", "src-monitor-log"}},
      {"note", "Four trucks of food and medicine; escorted by peacekeepers."},
  };
  for (const char* format : kFormats) {
    ReadResult r = ReadExport("movement", format);
    ASSERT_FALSE(r.rows.empty()) << format;
    EXPECT_EQ(r.rows.front().record, want) << format;
  }
}

TEST(OdkExportTest, GroupsBecomeObjects) {
  ReadResult r = ReadExport("incident", "central.json");
  ASSERT_FALSE(r.rows.empty());
  const json& rec = r.rows.front().record;
  EXPECT_EQ(rec["id"], "odk-8c9d0e1f-2a3b-4c4d-9e5f-7a8b9c0d1e2f");
  EXPECT_EQ(rec["location"], json({{"name", "Lachin corridor near Shushi"},
                                   {"admin1", "Shusha"},
                                   {"country", "AZE"},
                                   {"lat", 39.7581},
                                   {"lon", 46.7489},
                                   {"geo_precision", 2}}));
  EXPECT_EQ(rec["fatalities"], json({{"best", 0}}));
  EXPECT_EQ(rec["access_constraint"], 2);
  // A multiline question (type "lines"): an actor a line, in every format.
  for (const char* format : kFormats) {
    ReadResult each = ReadExport("incident", format);
    ASSERT_FALSE(each.rows.empty()) << format;
    EXPECT_EQ(each.rows.front().record["actors"], json({"Protesters at the road block", "ICRC"})) << format;
  }
  ReadResult status = ReadExport("route_status", "kobo.csv");
  ASSERT_EQ(status.rows.size(), 3u);
  EXPECT_EQ(status.rows[1].record["restricted"], json({"persons", "commercial"}));
  EXPECT_EQ(status.rows[1].record["directions"], json({"in", "out"}));
  EXPECT_EQ(status.rows[1].record["from"], "2023-01-18T08:00:00.000+04:00");
}

TEST(OdkExportTest, RejectionsNameLineAndColumn) {
  // CSV: the physical line (header is line 1).
  ReadResult kobo_csv = ReadExport("movement", "kobo.csv");
  EXPECT_TRUE(HasError(kobo_csv.errors, 4, "vehicles", "'two'"));
  // The second incident starts on line 4: the first's `actors` cell holds
  // two lines.
  ReadResult central_csv = ReadExport("incident", "central.csv");
  EXPECT_TRUE(HasError(central_csv.errors, 4, "location-lat", "39,81"));
  // JSON: the line where the submission's object starts (the line before its
  // first key, as these files are indented).
  std::string kobo_text = ReadFile(Fixture("movement", "kobo.json"));
  ReadResult kobo_json = ReadExport("movement", "kobo.json");
  EXPECT_TRUE(HasError(kobo_json.errors, LineOf(kobo_text, "\"_id\": 25417003") - 1, "date", "20/01/2023"));
  std::string central_text = ReadFile(Fixture("movement", "central.json"));
  ReadResult central_json = ReadExport("movement", "central.json");
  EXPECT_TRUE(HasError(central_json.errors,
                       LineOf(central_text, "\"__id\": \"uuid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d\"") - 1,
                       "vehicles", "'two'"));
  std::string status_text = ReadFile(Fixture("route_status", "kobo.json"));
  ReadResult status = ReadExport("route_status", "kobo.json");
  EXPECT_TRUE(HasError(status.errors, LineOf(status_text, "\"uuid:4e5f6a7b"), "(row)",
                       "submission 3 is not a JSON object but string"));
  std::string evidence_text = ReadFile(Fixture("evidence", "central.json"));
  ReadResult evidence = ReadExport("evidence", "central.json");
  EXPECT_TRUE(HasError(evidence.errors, LineOf(evidence_text, "\"uuid:8a9b0c1d") - 1, "(row)", "but array"));
  // FormatRowError puts the file first, as `lifeline import` prints it.
  EXPECT_EQ(FormatRowError(kobo_csv.errors.front(), "movement.kobo.csv").substr(0, 30),
            "movement.kobo.csv:4: vehicles:");
}

TEST(OdkExportTest, RepeatGroupsAreLeftOutWithAWarning) {
  for (const char* format : {"kobo.json", "central.json"}) {
    ReadResult r = ReadExport("movement", format);
    ASSERT_EQ(r.warnings.size(), 1u) << format;
    EXPECT_EQ(r.warnings[0].field, "cargo") << format;
    EXPECT_NE(r.warnings[0].message.find("repeat group"), std::string::npos);
    for (const Row& row : r.rows) EXPECT_FALSE(row.record.contains("cargo"));
  }
}

TEST(OdkExportTest, RefusesWhatIsNotAnExport) {
  Mapping m = ShippedMapping("kobo", "stock");
  ImportOptions options{"c", "x.json"};
  auto file_error = [&](std::string_view data, OdkServer server, const std::string& part) {
    ReadResult r = ReadOdkJsonWithMapping(data, server, m, options);
    EXPECT_TRUE(r.rows.empty());
    return HasError(r.errors, 1, "(file)", part);
  };
  EXPECT_TRUE(file_error("{\"count\": 1,", OdkServer::kKobo, "not JSON"));
  EXPECT_TRUE(file_error("[{\"a\": 1}]", OdkServer::kKobo, "wanted an object with a \"results\" array"));
  EXPECT_TRUE(file_error("{\"results\": [{}]}", OdkServer::kCentral, "\"value\" array"));
  ReadResult nested = ReadOdkJsonWithMapping("{\"results\": [\n{\"_uuid\": \"x\", \"quantity\": {\"a\": 1}}]}",
                                             OdkServer::kKobo, m, options);
  EXPECT_TRUE(HasError(nested.errors, 2, "quantity", "but object"));
  ReadResult twice = ReadOdkJsonWithMapping(
      "{\"value\": [{\"__id\": \"uuid:1\", \"a\": {\"b\": \"1\"}, \"a-b\": \"2\"}]}", OdkServer::kCentral,
      ShippedMapping("central", "stock"), options);
  EXPECT_TRUE(HasError(twice.errors, 1, "a-b", "same CSV column"));
}

TEST(OdkExportTest, DetectsTheServer) {
  for (const char* kind : kKinds) {
    EXPECT_EQ(DetectOdkJson(ReadFile(Fixture(kind, "kobo.json"))), OdkServer::kKobo) << kind;
    EXPECT_EQ(DetectOdkJson(ReadFile(Fixture(kind, "central.json"))), OdkServer::kCentral) << kind;
  }
  EXPECT_EQ(DetectOdkJson("{\"kind\":\"stock\"}\n{\"kind\":\"stock\"}\n"), std::nullopt);  // JSON Lines
  EXPECT_EQ(DetectOdkJson("{\"value\": 3}"), std::nullopt);
}

TEST(OdkExportTest, CentralGeopointIsFourColumns) {
  Result<Mapping> m = ParseMapping(R"(kind = "incident"
id = "odk-{KEY|uuid}"
[[columns]]
column = "where-Latitude"
field = "location.lat"
type = "number"
[[columns]]
column = "where-Longitude"
field = "location.lon"
type = "number"
[[columns]]
column = "where-Accuracy"
field = "note"
)");
  ASSERT_OK(m);
  ReadResult r = ReadOdkJsonWithMapping(
      R"({"value": [{"__id": "uuid:AB", "where": {"type": "Point", "coordinates": [46.75, 39.81, 1200],
          "properties": {"accuracy": 4.5}}}]})",
      OdkServer::kCentral, *m, {});
  ASSERT_TRUE(ReadOk(r));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].record["location"], json({{"lat", 39.81}, {"lon", 46.75}}));
  EXPECT_EQ(r.rows[0].record["note"], "4.5");
  EXPECT_EQ(r.rows[0].record["id"], "odk-ab");
}

// The KoBo and Central mapping of a kind read the same fields with the same
// types; only the group separator, the id column and the delimiter differ.
TEST(OdkExportTest, KoboAndCentralMappingsAgree) {
  for (const char* kind : kKinds) {
    Mapping kobo = ShippedMapping("kobo", kind), central = ShippedMapping("central", kind);
    EXPECT_EQ(kobo.kind, kind);
    EXPECT_EQ(kobo.id_template, "odk-{_uuid|uuid}");
    EXPECT_EQ(central.id_template, "odk-{KEY|uuid}");
    EXPECT_EQ(kobo.delimiter, ';');
    EXPECT_EQ(central.delimiter, ',');
    ASSERT_EQ(kobo.columns.size(), central.columns.size()) << kind;
    for (size_t i = 0; i < kobo.columns.size(); ++i) {
      std::string dashed = kobo.columns[i].column;
      std::replace(dashed.begin(), dashed.end(), '/', '-');
      EXPECT_EQ(dashed, central.columns[i].column) << kind;
      EXPECT_EQ(kobo.columns[i].field, central.columns[i].field) << kind;
      EXPECT_EQ(kobo.columns[i].type, central.columns[i].type) << kind;
    }
  }
}

// Mapping features the ODK mappings use (mapping.h).
TEST(OdkMappingTest, ListTypeUuidFilterAndDelimiter) {
  Result<Mapping> m = ParseMapping(R"(kind = "route_status"
id = "odk-{meta/instanceID|uuid}"
delimiter = ";"
[[columns]]
column = "restricted"
field = "restricted"
type = "list"
)");
  ASSERT_OK(m);
  ReadResult r = ReadCsvWithMapping(
      "meta/instanceID;restricted\nuuid:3F2A-BC;\"persons  cargo\tmedical \"\nUUID:77;\n", *m, {});
  ASSERT_TRUE(ReadOk(r));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].record["id"], "odk-3f2a-bc");
  EXPECT_EQ(r.rows[0].record["restricted"], json({"persons", "cargo", "medical"}));
  EXPECT_EQ(r.rows[1].record["id"], "odk-77");
  EXPECT_FALSE(r.rows[1].record.contains("restricted"));  // empty cell: absent
  EXPECT_FALSE(ParseMapping("kind = \"stock\"\nid = \"x\"\ndelimiter = \"|\"\n[[columns]]\ncolumn = \"a\"\n"
                            "field = \"area\"\n",
                            "m.toml")
                   .ok());
}

}  // namespace
}  // namespace lifeline::ingest
