// Records end to end through the `lifeline` binary: the bundled case, the
// malformed corpus, idempotent re-import, reindex, and real external files.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "subprocess.h"

namespace lifeline {
namespace {

using nlohmann::json;
using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

const std::string kBin = LIFELINE_BIN;
const std::string kSource = LIFELINE_SOURCE_DIR;
const std::string kShared = LIFELINE_SHARED_DIR;

ProcessResult RunCli(const std::string& store, std::vector<std::string> args, const std::string& input = "") {
  std::vector<std::string> argv = {kBin, "--store", store};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, input, std::chrono::seconds(300));
}

json RunJson(const std::string& store, std::vector<std::string> args, int want_exit = 0) {
  args.insert(args.begin(), "--json");
  auto r = RunCli(store, args);
  EXPECT_EQ(r.exit_code, want_exit) << r.Describe();
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.Describe();
  return j;
}

uint64_t LogSize(const std::string& store) { return RunJson(store, {"log", "checkpoint"})["size"].get<uint64_t>(); }

std::string Init(const TempDir& dir, const std::string& name) {
  std::string store = dir.path() + "/" + name;
  auto r = RunProcess({kBin, "init", "--origin", "test.lifeline.invalid/" + name, store});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return store;
}

const std::string kLachin = kSource + "/data/cases/lachin-2022-23/records.jsonl";

TEST(ImportTest, TheBundledCaseImportsCompletelyAndIdempotently) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "lachin");
  json rep = RunJson(store, {"import", kLachin});
  EXPECT_EQ(rep["rejected"], 0) << rep.dump(2);
  uint64_t n = rep["accepted"].get<uint64_t>();
  EXPECT_GE(n, 150u);
  EXPECT_EQ(LogSize(store), n);
  // Again: nothing new, nothing appended.
  json again = RunJson(store, {"import", kLachin});
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["unchanged"], n);
  EXPECT_EQ(LogSize(store), n);
  // The log verifies and the tables equal the log's projection.
  EXPECT_EQ(RunCli(store, {"verify"}).exit_code, 0);
  json re = RunJson(store, {"reindex"});
  EXPECT_EQ(re["differences"], 0);
  EXPECT_EQ(re["records"], n);
  // Every factual record in the case cites a source (the schema demands it):
  // list shows each with a computed status. The current view leaves out the
  // records a correction supersedes or a retraction withdraws; `--all`
  // lists every entry.
  json all = RunJson(store, {"list", "--all"});
  EXPECT_EQ(all["records"].size(), n);
  json listed = RunJson(store, {"list"});
  std::set<std::string> gone;  // superseded or retracted, from the file itself
  std::ifstream in(kLachin);
  for (std::string line; std::getline(in, line);) {
    json r = json::parse(line);
    if (r.contains("supersedes")) gone.insert(r["supersedes"].get<std::string>());
    if (r["kind"] == "retraction") gone.insert(r["retracts"].get<std::string>());
  }
  EXPECT_GT(gone.size(), 0u);  // the bundled case carries corrections
  EXPECT_EQ(listed["records"].size(), n - gone.size());
  for (const auto& r : listed["records"]) {
    std::string s = r["status"];
    EXPECT_TRUE(s == "single-source" || s == "corroborated" || s == "disputed" || s == "retracted") << r.dump();
  }
}

// reindex reads the log a batch of 4,096 entries at a time and projects
// each batch on every core: with raw entries (not records) before the
// records, and the records across the end of the first batch, every record
// is still found at its own index (a row projected at the wrong index
// would count as a difference), and the raw entries are counted apart.
TEST(ImportTest, ReindexOverSeveralBatchesWithRawEntriesFindsTheTablesEqual) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "raw-then-records");
  std::string raw;
  for (int i = 0; i < 4000; ++i) raw += "raw entry " + std::to_string(i) + "\n";
  auto appended = RunCli(store, {"-q", "log", "append"}, raw);
  ASSERT_EQ(appended.exit_code, 0) << appended.Describe();
  json rep = RunJson(store, {"import", kLachin});
  ASSERT_EQ(rep["rejected"], 0) << rep.dump(2);
  const uint64_t n = rep["accepted"].get<uint64_t>();
  json re = RunJson(store, {"reindex"});
  EXPECT_EQ(re["differences"], 0) << re.dump();
  EXPECT_EQ(re["records"], n);
  EXPECT_EQ(re["not_records"], 4000);
  EXPECT_EQ(re["entries"], 4000 + n);
}

TEST(ImportTest, EveryMalformedRecordIsRejectedWithLineAndFieldAndNothingIsWritten) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "corpus");
  // What the corpus refers to: a case c1, a source s1, a route r1.
  std::string base = dir.path() + "/base.jsonl";
  std::ofstream(base) << R"({"kind":"source","id":"s1","case":"c1","publisher":"P","title":"T"})" << "\n"
                      << R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2022-01-01","sources":["s1"]})"
                      << "\n"
                      << R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})"
                      << "\n";
  ASSERT_EQ(RunJson(store, {"import", base})["accepted"], 3);
  std::ifstream corpus(kSource + "/src/record/testdata/malformed.jsonl");
  std::string line, records;
  std::vector<std::string> expect;
  while (std::getline(corpus, line)) {
    json j = json::parse(line);
    expect.push_back(j["expect"]);
    records += j["record"].dump() + "\n";
  }
  ASSERT_GE(expect.size(), 50u);
  std::string file = dir.path() + "/malformed.jsonl";
  std::ofstream(file) << records;
  json rep = RunJson(store, {"import", file}, /*want_exit=*/2);
  EXPECT_EQ(rep["rejected"].get<size_t>() + rep["reader_errors"].size(), expect.size()) << rep.dump(2);
  EXPECT_FALSE(rep["written"].get<bool>());
  EXPECT_EQ(LogSize(store), 3u);
  // Each line is named, with the field it breaks.
  std::map<std::string, std::vector<std::string>> fields_at;
  for (const auto& r : rep["rejections"]) fields_at[r["where"]].push_back(r["field"]);
  // Reader errors read "file:line: field: message".
  for (const auto& e : rep["reader_errors"]) {
    std::string text = e.get<std::string>();
    size_t a = text.find(": "), b = text.find(": ", a + 2);
    fields_at[text.substr(0, a)].push_back(text.substr(a + 2, b - a - 2));
  }
  for (size_t i = 0; i < expect.size(); ++i) {
    std::string where = "malformed.jsonl:" + std::to_string(i + 1);
    auto it = fields_at.find(where);
    ASSERT_NE(it, fields_at.end()) << where << " was not rejected";
    if (expect[i].empty()) continue;  // a line that is not an object: the reader names the line
    bool found = std::find(it->second.begin(), it->second.end(), expect[i]) != it->second.end();
    EXPECT_TRUE(found) << where << ": expected field " << expect[i];
  }
}

TEST(ImportTest, DryRunAndPartial) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "partial");
  std::string file = dir.path() + "/mixed.jsonl";
  std::ofstream(file) << R"({"kind":"source","id":"s1","case":"c1","publisher":"P","title":"T"})" << "\n"
                      << R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2022-01-01","sources":["s1"]})"
                      << "\n"
                      << R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"hovercraft","sources":["s1"]})"
                      << "\n";
  json dry = RunJson(store, {"import", "--dry-run", file}, 2);
  EXPECT_EQ(dry["accepted"], 2);
  EXPECT_EQ(dry["rejected"], 1);
  EXPECT_EQ(LogSize(store), 0u);
  json partial = RunJson(store, {"import", "--partial", file}, 2);
  EXPECT_TRUE(partial["written"].get<bool>());
  EXPECT_EQ(LogSize(store), 2u);
  EXPECT_EQ(partial["rejections"][0]["where"], "mixed.jsonl:3");
  EXPECT_EQ(partial["rejections"][0]["field"], "type");
}

// 10,001 valid records and one too large for the log: the import used to
// append the first batch of 10,000, then fail without file, line, record
// or field. Now the dry run and the import say where, and nothing is
// appended. A BOM at the start of the file's 10,001st line (the first of
// its second chunk) used to be dropped silently: now it is an error.
TEST(ImportTest, AnOversizedRecordAfterTenThousandAppendsNothingAndIsNamed) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "oversized");
  std::string file = dir.path() + "/big.jsonl";
  {
    std::ofstream out(file);
    out << R"({"kind":"source","id":"s1","case":"c1","publisher":"P","title":"T"})" << "\n"
        << R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2022-01-01","sources":["s1"]})" << "\n"
        << R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})" << "\n";
    for (int i = 0; i < 9998; ++i) {
      out << R"({"kind":"movement","id":"m)" << i
          << R"(","case":"c1","route":"r1","date":"2022-02-01","direction":"in","operator":"O","sources":["s1"]})"
          << "\n";
    }
    out << R"({"kind":"movement","id":"big","case":"c1","route":"r1","date":"2022-02-01","direction":"in",)"
        << R"("operator":"O","sources":["s1"],"note":")" << std::string(70000, 'x') << "\"}\n";
  }
  for (bool dry : {true, false}) {
    std::vector<std::string> args = {"import", file};
    if (dry) args.insert(args.begin() + 1, "--dry-run");
    json j = RunJson(store, args, 2);
    EXPECT_FALSE(j["written"].get<bool>());
    ASSERT_EQ(j["rejections"].size(), 1u) << j.dump();
    EXPECT_EQ(j["rejections"][0]["where"], "big.jsonl:10002");
    EXPECT_EQ(j["rejections"][0]["id"], "big");
    EXPECT_EQ(j["rejections"][0]["field"], "note");
    EXPECT_EQ(LogSize(store), 0u);
  }
  std::string bom = dir.path() + "/bom.jsonl";
  {
    std::ifstream in(file);
    std::ofstream out(bom);
    std::string line;
    for (int n = 1; std::getline(in, line) && n <= 10001; ++n) out << (n == 10001 ? "\xEF\xBB\xBF" : "") << line << "\n";
  }
  json j = RunJson(store, {"import", bom}, 2);
  ASSERT_EQ(j["reader_errors"].size(), 1u) << j.dump();
  EXPECT_NE(j["reader_errors"][0].get<std::string>().find("bom.jsonl:10001"), std::string::npos) << j.dump();
  EXPECT_EQ(LogSize(store), 0u);
}

// ACLED files are read in chunks of 10,000 rows (behind a copy of the
// header): a row with a newline inside quotes stays whole, and the lines of
// rejected rows are the file's own, in the first chunk, across a chunk's
// edge and far into the file.
TEST(ImportTest, ChunkedAcledReadKeepsFileLines) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "acled-chunks");
  std::string base = dir.path() + "/case.jsonl";
  std::ofstream(base) << R"({"kind":"source","id":"s-case","case":"syn","publisher":"P","title":"T"})" << "\n"
                      << R"({"kind":"case","id":"syn","title":"T","region":"R","started":"2000-01-01","sources":["s-case"]})"
                      << "\n";
  ASSERT_EQ(RunJson(store, {"import", base})["accepted"], 2);
  const std::string file = dir.path() + "/acled.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "event_id_cnty,event_date,time_precision,event_type,location,latitude,longitude,fatalities,notes\n";
    uint64_t line = 2;
    for (int i = 0; i < 25000; ++i) {
      std::string date = "2020-01-01", notes = "plain";
      if (i == 5) notes = "\"two\nlines\"";  // rows after this one are a line further on
      if (line == 10002 || line == 10003 || line == 23457) date = "2020-02-30";
      out << "SYN" << i << "," << date << ",1,Protests,Town,1.5,2.5,0," << notes << "\n";
      line += i == 5 ? 2 : 1;
    }
  }
  json rep = RunJson(store, {"import", "--format", "acled", "--case", "syn", file}, 2);
  std::vector<std::string> errors = rep["reader_errors"].get<std::vector<std::string>>();
  const std::string bad = ": event_date: no such date: '2020-02-30'";
  EXPECT_EQ(errors, (std::vector<std::string>{"acled.csv:10002" + bad, "acled.csv:10003" + bad,
                                              "acled.csv:23457" + bad}))
      << rep.dump(2).substr(0, 3000);
  EXPECT_FALSE(rep["written"].get<bool>());
  EXPECT_EQ(rep["accepted"], 25000 - 3 + 1);  // the file's source record too
  EXPECT_EQ(LogSize(store), 2u);
}

// Each real UCDP file imports completely into a store of its own (the two
// files share event ids from different GED versions, which one store would
// rightly refuse as the same id with other content).
TEST(ImportTest, UcdpFilesImportCompletelyWithDeathsKept) {
  TempDir dir("lifeline-import");
  const std::pair<const char*, size_t> kFiles[] = {{"conflict_data_BGD.csv", 601},
                                                   {"ged191-myanmar-bangladesh.csv", 3194}};
  for (auto [f, events] : kFiles) {
    std::string store = Init(dir, std::string("ucdp-") + std::to_string(events));
    std::string base = dir.path() + "/case.jsonl";
    std::ofstream(base) << R"({"kind":"source","id":"s-case","case":"bgd","publisher":"UCDP","title":"GED"})" << "\n"
                        << R"({"kind":"case","id":"bgd","title":"Bangladesh and Myanmar events","region":"South Asia","started":"1989-01-01","sources":["s-case"]})"
                        << "\n";
    ASSERT_EQ(RunJson(store, {"import", base})["accepted"], 2);
    json rep = RunJson(store, {"import", "--format", "ucdp", "--case", "bgd", kShared + "/data/ucdp/" + f});
    EXPECT_EQ(rep["rejected"], 0) << f << rep.dump(2).substr(0, 2000);
    EXPECT_EQ(rep["reader_errors"].size(), 0u) << f;
    EXPECT_EQ(rep["accepted"].get<size_t>(), events + 1) << f;  // + the file's source record
    json incidents = RunJson(store, {"list", "--kind", "incident"});
    EXPECT_EQ(incidents["records"].size(), events) << f;
    EXPECT_EQ(RunCli(store, {"verify"}).exit_code, 0);
  }
}

// An export in JSON Lines, re-imported (keeping its stamps) into a store
// with the same key, gives the same entries byte for byte: the tiles and
// the signed checkpoint come out identical.
TEST(ImportTest, JsonLinesExportReimportsToIdenticalEntries) {
  TempDir dir("lifeline-import");
  std::string a = Init(dir, "a");
  ASSERT_EQ(RunJson(a, {"import", kLachin})["rejected"], 0);
  std::string exported = dir.path() + "/export.jsonl";
  ASSERT_EQ(RunCli(a, {"-q", "export", "--format", "jsonl", "-o", exported}).exit_code, 0);
  std::string b = dir.path() + "/b";
  auto init = RunProcess({kBin, "init", "--key", a + "/log.key", b});
  ASSERT_EQ(init.exit_code, 0) << init.Describe();
  // Without --preserve-stamps the stamps are refused: only Lifeline sets them.
  EXPECT_EQ(RunCli(b, {"import", exported}).exit_code, 2);
  EXPECT_EQ(LogSize(b), 0u);
  json rep = RunJson(b, {"import", "--preserve-stamps", exported});
  EXPECT_EQ(rep["rejected"], 0);
  for (const auto& s : {a, b}) ASSERT_EQ(RunCli(s, {"-q", "log", "export-tiles", s + "-tiles"}).exit_code, 0);
  auto read = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(read(a + "-tiles/checkpoint"), read(b + "-tiles/checkpoint"));
  for (const auto& e : std::filesystem::recursive_directory_iterator(a + "-tiles/tile")) {
    if (!e.is_regular_file()) continue;
    std::string rel = std::filesystem::relative(e.path(), a + "-tiles").string();
    EXPECT_EQ(read(e.path().string()), read(b + "-tiles/" + rel)) << rel;
  }
}

// Each kind's CSV export, imported into a fresh store, gives the same
// records: the content of every record (its canonical bytes without
// `recorded` and `by`, which the second store stamps anew) and the same
// current view. The files go in together because the case cites its sources
// and every source names the case.
TEST(ImportTest, CsvExportOfEveryKindReimportsToTheSameRecords) {
  TempDir dir("lifeline-import");
  std::string a = Init(dir, "a");
  ASSERT_EQ(RunJson(a, {"import", kLachin})["rejected"], 0);
  std::vector<std::string> args = {"import"};
  for (const char* kind : {"case", "source", "evidence", "route", "route_status", "baseline", "movement",
                           "incident", "outage", "schedule", "obligation", "need_standard", "stock", "watch",
                           "requirement", "claim", "retraction", "tag"}) {
    std::string file = dir.path() + "/" + kind + ".csv";
    auto r = RunCli(a, {"-q", "export", "--format", "csv", "--kind", kind, "--all", "-o", file});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    args.push_back(file);
  }
  std::string b = Init(dir, "b");
  json rep = RunJson(b, args);
  EXPECT_EQ(rep["rejected"], 0) << rep.dump(2).substr(0, 3000);
  EXPECT_EQ(rep["reader_errors"].size(), 0u) << rep.dump(2).substr(0, 3000);
  EXPECT_EQ(LogSize(b), LogSize(a));
  // Content, record by record.
  auto contents = [](const std::string& store) {
    auto out = RunCli(store, {"export", "--format", "jsonl"});
    EXPECT_EQ(out.exit_code, 0) << out.Describe();
    std::map<std::string, std::string> by_id;
    std::istringstream lines(out.out);
    std::string line;
    while (std::getline(lines, line)) {
      json r = json::parse(line);
      EXPECT_TRUE(r.contains("recorded") && r.contains("by"));
      r.erase("recorded");
      r.erase("by");
      by_id[r["id"]] = r.dump();  // keys sorted; the entries were canonical
    }
    return by_id;
  };
  std::map<std::string, std::string> want = contents(a), got = contents(b);
  ASSERT_GE(want.size(), 150u);
  EXPECT_EQ(got.size(), want.size());
  for (const auto& [id, body] : want) EXPECT_EQ(got[id], body) << id;
  // The same current view.
  auto current = [](const json& listed) {
    std::set<std::string> ids;
    for (const auto& r : listed["records"]) ids.insert(r["id"].get<std::string>());
    return ids;
  };
  EXPECT_EQ(current(RunJson(b, {"list"})), current(RunJson(a, {"list"})));
  // Importing the files again adds nothing.
  EXPECT_EQ(RunJson(b, args)["accepted"], 0);
}

// Malformed cells in CSV export files: each error names the file, the line
// and the column, and nothing of any of the files is written.
TEST(ImportTest, MalformedCsvExportCellsAreRejectedWithLineAndColumn) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "a");
  ASSERT_EQ(RunJson(store, {"import", kLachin})["rejected"], 0);
  const uint64_t size = LogSize(store);
  const std::string header =
      "id,case,sources,supersedes,note,recorded,by,route,date,date_precision,direction,operator,"
      "outcome,vehicles,persons,patients,cargo,period.from,period.to\r\n";
  const std::string row = "lachin-2022-23,src-armenpress-2023-07-10-open-letter,,,,,rt-aghdam-road,2023-01-02,,in,ICRC,,";
  std::string movements = dir.path() + "/movement.csv";
  std::ofstream(movements, std::ios::binary)
      << header << "mv-new-1," << row << "2.5,,,,,\r\n"                                     // line 2
      << "mv-new-2," << row << "1,,,\"[{\"\"commodity\"\":\"\"flour\"\",]\",,\r\n"  // line 3
      << "mv-new-3," << row << "1,,,\"{\"\"commodity\"\":\"\"flour\"\"}\",,\r\n"    // line 4
      << "mv-new-4," << row << "1,,,,,\r\n";                                               // line 5: fine
  std::string claims = dir.path() + "/claim.csv";
  std::ofstream(claims, std::ios::binary)
      << "id,case,sources,supersedes,note,recorded,by,about,stance,party,text\r\n"
      << "cl-new-1,lachin-2022-23,src-armenpress-2023-07-10-open-letter,,,,,mv-new-4,confirms,ICRC,\"Да, \"\"yes\"\"\"\r\n";
  json rep = RunJson(store, {"import", claims, movements}, /*want_exit=*/2);
  EXPECT_FALSE(rep["written"].get<bool>()) << rep.dump(2);
  EXPECT_EQ(LogSize(store), size);
  std::vector<std::string> errors;
  for (const auto& e : rep["reader_errors"]) errors.push_back(e.get<std::string>());
  ASSERT_EQ(errors.size(), 3u) << rep.dump(2);
  EXPECT_EQ(errors[0].rfind("movement.csv:2: vehicles: not an integer: '2.5'", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].rfind("movement.csv:3: cargo: not valid JSON", 0), 0u) << errors[1];
  EXPECT_EQ(errors[2].rfind("movement.csv:4: cargo: wanted a JSON array", 0), 0u) << errors[2];
  // Without the bad rows the same files go in, the claim on a movement of
  // the other file included.
  std::ofstream(movements, std::ios::binary | std::ios::trunc) << header << "mv-new-4," << row << "1,,,,,\r\n";
  json ok = RunJson(store, {"import", claims, movements});
  EXPECT_EQ(ok["accepted"], 2) << ok.dump(2);
  EXPECT_EQ(LogSize(store), size + 2);
}

TEST(ImportTest, GeoJsonAndAcledExportsOfTheCase) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "geo");
  ASSERT_EQ(RunJson(store, {"import", kLachin})["rejected"], 0);
  auto geo = RunCli(store, {"export", "--format", "geojson"});
  ASSERT_EQ(geo.exit_code, 0) << geo.Describe();
  json fc = json::parse(geo.out, nullptr, false);
  ASSERT_FALSE(fc.is_discarded());
  EXPECT_EQ(fc["type"], "FeatureCollection");
  ASSERT_GT(fc["features"].size(), 5u);
  for (const auto& f : fc["features"]) {
    const json& g = f["geometry"];
    // Positions are [lon, lat]: the case lies near 39-40 N, 45-47 E.
    const json& p = g["type"] == "Point" ? g["coordinates"] : g["coordinates"][0];
    EXPECT_GT(p[0].get<double>(), 44.0) << f["id"];
    EXPECT_LT(p[1].get<double>(), 41.5) << f["id"];
  }
  auto acled = RunCli(store, {"export", "--format", "acled"});
  ASSERT_EQ(acled.exit_code, 0);
  EXPECT_EQ(acled.out.rfind("event_id_cnty,event_date,year,time_precision,", 0), 0u);
}

// A daily aid-truck CSV becomes movement records through a TOML mapping,
// without new code; the daily sums in the store equal the file's.
TEST(ImportTest, CsvWithAMappingBecomesMovements) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "gaza");
  std::string base = dir.path() + "/case.jsonl";
  std::ofstream(base) << R"({"kind":"source","id":"s-gaza","case":"gaza","publisher":"Test","title":"Case frame"})" << "\n"
                      << R"({"kind":"case","id":"gaza","title":"Gaza 2023-24","region":"Gaza Strip","started":"2023-10-07","sources":["s-gaza"]})"
                      << "\n"
                      << R"({"kind":"route","id":"gaza-crossings","case":"gaza","name":"Crossings into Gaza","type":"crossing","sources":["s-gaza"]})"
                      << "\n";
  ASSERT_EQ(RunJson(store, {"import", base})["accepted"], 3);
  std::string csv = kShared + "/data/sieges/gaza_food_trucks.csv";
  json rep = RunJson(store, {"import", "--case", "gaza", "--mapping",
                             kSource + "/src/ingest/testdata/gaza_food_trucks.toml", csv});
  EXPECT_EQ(rep["rejected"], 0) << rep.dump(2).substr(0, 2000);
  // Independent recount of the file: data rows and the total_truck sum.
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  uint64_t rows = 0;
  double trucks = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++rows;
    // "07 October 2023","07-Oct-23",0,0 -> the third field
    size_t a = line.find("\",\""), b = line.find(',', line.find("\",", a + 3) + 1);
    trucks += std::stod(line.substr(b + 1, line.find(',', b + 1) - b - 1));
  }
  auto out = RunCli(store, {"export", "--format", "jsonl", "--kind", "movement"});
  ASSERT_EQ(out.exit_code, 0);
  std::istringstream records(out.out);
  uint64_t n = 0;
  double vehicles = 0;
  while (std::getline(records, line)) {
    json r = json::parse(line);
    ++n;
    vehicles += r.value("vehicles", 0.0);
  }
  EXPECT_EQ(n, rows);
  EXPECT_DOUBLE_EQ(vehicles, trucks);
  EXPECT_EQ(RunJson(store, {"import", "--case", "gaza", "--mapping",
                            kSource + "/src/ingest/testdata/gaza_food_trucks.toml", csv})["unchanged"],
            rows + 1);  // and the file's source record
}

// Evidence: the file into the blob store, its hash into the log; a changed
// file is caught by `evidence verify`.
TEST(ImportTest, EvidenceAddAndVerify) {
  TempDir dir("lifeline-import");
  std::string store = Init(dir, "evidence");
  ASSERT_EQ(RunJson(store, {"import", kLachin})["rejected"], 0);
  std::string photo = dir.path() + "/checkpoint.jpg";
  std::ofstream(photo, std::ios::binary) << std::string(100000, '\xAB') << "end";
  json rep = RunJson(store, {"evidence", "add", photo, "--case", "lachin-2022-23", "--source",
                             "src-armenpress-2023-07-10-open-letter", "--description", "test photo"});
  EXPECT_EQ(rep["accepted"], 1) << rep.dump(2);
  json list = RunJson(store, {"list", "--kind", "evidence"});
  ASSERT_EQ(list["records"].size(), 1u);
  std::string id = list["records"][0]["id"];
  json shown = RunJson(store, {"show", id});
  EXPECT_EQ(shown["record"]["size"], 100003);
  EXPECT_EQ(shown["record"]["media_type"], "image/jpeg");
  EXPECT_EQ(RunCli(store, {"evidence", "verify"}).exit_code, 0);
  // Adding the same file again adds nothing, also in a later second (the
  // custody step's time is the first addition's).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(RunJson(store, {"evidence", "add", photo, "--case", "lachin-2022-23", "--source",
                            "src-armenpress-2023-07-10-open-letter", "--description", "test photo"})["unchanged"],
            1);
  // Alter the stored blob: verify names it and fails.
  std::string sha = shown["record"]["sha256"];
  std::string blob = store + "/blobs/sha256/" + sha.substr(0, 2) + "/" + sha;
  std::filesystem::permissions(blob, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('X');
  }
  auto bad = RunCli(store, {"evidence", "verify"});
  EXPECT_EQ(bad.exit_code, 1) << bad.Describe();
  EXPECT_NE(bad.out.find(sha + ": content hashes to"), std::string::npos) << bad.out;
}

// Every byte of every regular file under `root`, for leak checks.
std::string AllBytesUnder(const std::string& root) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST(SealedConfidentialTest, SealedInTheStoreTilesAndExportsAndOpenedOnlyByShowConfidential) {
  TempDir dir("lifeline-confidential");
  std::string store = Init(dir, "sealed");
  ASSERT_TRUE(std::filesystem::exists(store + "/confidential.key"));
  EXPECT_EQ(std::filesystem::status(store + "/confidential.key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string kMarker = "MARKER-c0nf-7d41e9";
  // The bundled case, and an incident and a source of it with confidential fields.
  ASSERT_EQ(RunJson(store, {"import", kLachin})["rejected"], 0);
  std::string file = dir.path() + "/secret.jsonl";
  {
    std::ofstream out(file);
    out << R"({"kind":"source","id":"src-secret-witness","case":"lachin-2022-23","publisher":"Field notes","title":"Interview","confidential":{"name":")"
        << kMarker << R"(","phone":"+374 10 000000"}})" << "\n";
    out << R"({"kind":"incident","id":"inc-secret","case":"lachin-2022-23","date":"2023-01-05","event_type":"Protests","sub_event_type":"Peaceful protest","location":{"name":"Road","country":"AZE","lat":39.75,"lon":46.74},"fatalities":{"best":0},"sources":["src-secret-witness"],"confidential":{"witness":")"
        << kMarker << R"("}})" << "\n";
  }
  json rep = RunJson(store, {"import", file});
  ASSERT_EQ(rep["accepted"], 2) << rep.dump(2);
  // Importing the same file again: the sealing is deterministic, so both are unchanged.
  json again = RunJson(store, {"import", file});
  EXPECT_EQ(again["unchanged"], 2) << again.dump(2);
  EXPECT_EQ(again["accepted"], 0);
  // The store's files (database, WAL, everything else) never hold the marker.
  EXPECT_EQ(AllBytesUnder(store).find(kMarker), std::string::npos) << "the store holds the plaintext";
  EXPECT_EQ(AllBytesUnder(store).find("+374 10 000000"), std::string::npos);
  // Nor the published tiles.
  std::string tiles = dir.path() + "/tiles";
  auto t = RunCli(store, {"log", "export-tiles", tiles});
  ASSERT_EQ(t.exit_code, 0) << t.Describe();
  std::string tile_bytes = AllBytesUnder(tiles);
  EXPECT_NE(tile_bytes.find("xchacha20poly1305"), std::string::npos) << "the tiles do not hold the entries";
  EXPECT_EQ(tile_bytes.find(kMarker), std::string::npos) << "the tiles hold the plaintext";
  // Nor any export format, which also leaves the sealed object out.
  std::vector<std::vector<std::string>> exports = {{"--format", "jsonl"},  {"--format", "csv", "--kind", "source"},
                                                   {"--format", "csv", "--kind", "incident"},
                                                   {"--format", "hxl"},    {"--format", "acled"},
                                                   {"--format", "geojson"}};
  std::string jsonl_export;
  for (auto args : exports) {
    args.insert(args.begin(), "export");
    auto r = RunCli(store, args);
    ASSERT_EQ(r.exit_code, 0) << args[2] << ": " << r.Describe();
    EXPECT_FALSE(r.out.empty()) << args[2];
    EXPECT_EQ(r.out.find(kMarker), std::string::npos) << args[2] << " leaks the plaintext";
    EXPECT_EQ(r.out.find("confidential"), std::string::npos) << args[2] << " carries confidential";
    EXPECT_EQ(r.out.find("xchacha20poly1305"), std::string::npos) << args[2] << " carries the sealed object";
    if (args[2] == "jsonl") jsonl_export = r.out;
  }
  // Re-importing the store's own JSON Lines export: every record unchanged.
  std::string exported = dir.path() + "/export.jsonl";
  std::ofstream(exported) << jsonl_export;
  json back = RunJson(store, {"import", "--preserve-stamps", exported});
  EXPECT_EQ(back["accepted"], 0) << back.dump(2);
  EXPECT_EQ(back["rejected"], 0) << back.dump(2);
  // show withholds; show --confidential opens it with the key.
  json shown = RunJson(store, {"show", "inc-secret"});
  EXPECT_EQ(shown["record"]["confidential"], "(withheld)");
  json opened = RunJson(store, {"show", "inc-secret", "--confidential"});
  EXPECT_EQ(opened["record"]["confidential"], (json{{"witness", kMarker}})) << opened.dump(2);
  auto text = RunCli(store, {"show", "src-secret-witness", "--confidential"});
  EXPECT_EQ(text.exit_code, 0) << text.Describe();
  EXPECT_NE(text.out.find(kMarker), std::string::npos) << text.Describe();
  EXPECT_EQ(RunCli(store, {"verify"}).exit_code, 0);
  // Without the key the fields are lost: show --confidential says so.
  std::filesystem::rename(store + "/confidential.key", dir.path() + "/confidential.key.bak");
  auto lost = RunCli(store, {"show", "inc-secret", "--confidential"});
  EXPECT_NE(lost.exit_code, 0);
  EXPECT_NE(lost.err.find("confidential.key"), std::string::npos) << lost.Describe();
}

// A store made before sealing existed has no key: the first write creates it.
TEST(SealedConfidentialTest, TheFirstWriteOfAnOlderStoreCreatesItsKey) {
  TempDir dir("lifeline-confidential-old");
  std::string store = Init(dir, "old");
  std::filesystem::remove(store + "/confidential.key");
  std::string file = dir.path() + "/one.jsonl";
  std::ofstream(file)
      << R"({"kind":"source","id":"s1","case":"c1","publisher":"P","title":"T","confidential":{"k":"MARKER-old-2b"}})"
      << "\n"
      << R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2022-12-12","sources":["s1"]})" << "\n";
  // A dry run checks without creating it.
  EXPECT_EQ(RunJson(store, {"import", "--dry-run", file})["accepted"], 2);
  EXPECT_FALSE(std::filesystem::exists(store + "/confidential.key"));
  EXPECT_EQ(RunJson(store, {"import", file})["accepted"], 2);
  EXPECT_TRUE(std::filesystem::exists(store + "/confidential.key"));
  EXPECT_EQ(AllBytesUnder(store).find("MARKER-old-2b"), std::string::npos);
  EXPECT_EQ(RunJson(store, {"show", "s1", "--confidential"})["record"]["confidential"]["k"], "MARKER-old-2b");
}

}  // namespace
}  // namespace lifeline
