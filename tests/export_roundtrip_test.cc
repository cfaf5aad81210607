// Exports read back with the import readers (src/ingest): the round trips
// that src/export/export.h promises, for every format that has a reader.
// Cross-module (export writes, ingest reads), hence here rather than beside
// either; the writers alone are tested in src/export/export_test.cc.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "export/export.h"
#include "export/export_testing.h"
#include "ingest/acled.h"
#include "ingest/hxl.h"
#include "ingest/ingest_testing.h"
#include "ingest/jsonl.h"
#include "ingest/lifeline_csv.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "tabular/csv.h"
#include "tabular/lifeline_csv.h"

namespace lifeline::exports {
namespace {

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

TEST(CsvRoundTripTest, FullRecordsAreValidAndCoverEveryKindAndColumn) {
  const std::vector<json> records = FullRecords();
  std::set<std::string> kinds;
  for (const json& r : records) {
    kinds.insert(r["kind"]);
    std::vector<record::FieldError> errors = record::Validate(r, nullptr, {.allow_server_fields = true});
    EXPECT_TRUE(errors.empty()) << r["id"] << ": " << (errors.empty() ? "" : errors[0].field + " " + errors[0].message);
  }
  // Every column of a kind has a value in some record of the kind: no field
  // is left untested (one rule cannot have every rule type's fields).
  for (const std::string& kind : kinds) {
    auto csv = WriteCsv(records, kind);
    ASSERT_OK(csv);
    tabular::CsvTable table = tabular::ParseCsv(*csv);
    ASSERT_GE(table.records.size(), 2u);
    for (size_t i = 0; i < table.records[0].fields.size(); ++i) {
      bool filled = false;
      for (size_t row = 1; row < table.records.size(); ++row) filled |= !table.records[row].fields[i].empty();
      EXPECT_TRUE(filled) << kind << ": " << table.records[0].fields[i];
    }
  }
  EXPECT_EQ(kinds, std::set<std::string>(record::Kinds().begin(), record::Kinds().end()));
}

TEST(CsvRoundTripTest, EveryKindComesBackFieldForField) {
  const std::vector<json> records = FullRecords();
  for (const std::string& kind : record::Kinds()) {
    auto csv = WriteCsv(records, kind);
    ASSERT_OK(csv) << kind;
    for (bool stamps : {false, true}) {
      ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {}, {.keep_stamps = stamps});
      ASSERT_TRUE(ingest::testing::ReadOk(back)) << kind;
      std::vector<json> want;
      for (const json& r : records) {
        if (r["kind"] != kind) continue;
        want.push_back(stamps ? Entry(r, {"confidential"}) : Entry(r, {"confidential", "recorded", "by"}));
      }
      ASSERT_EQ(back.rows.size(), want.size()) << kind;
      for (size_t i = 0; i < want.size(); ++i) {
        // Rows in order, from line 2 (a cell with line breaks spans several lines).
        EXPECT_EQ(back.rows[i].line > (i == 0 ? 1 : back.rows[i - 1].line), true) << kind;
        if (i == 0) {
          EXPECT_EQ(back.rows[i].line, 2u) << kind;
        }
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
    if (p.contains("not")) return tabular::CsvCell::kJsonValue;  // any value but null
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
                     (items.contains("enum") && items["enum"][0].is_string()) ||
                     items.contains("anyOf");  // vocabulary terms: strings
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
        // An object in one column (a case's vocabulary) is a JSON value.
        auto want = p.value("type", "") == "object" ? std::optional(tabular::CsvCell::kJsonValue) : expected(p);
        EXPECT_EQ(want, c.cell) << k["title"] << "." << c.name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100u);
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

TEST(HxlTest, RoundTripsIncidentsAndMovementsFieldForField) {
  const std::vector<json> records = {Incident1(),          Incident2(), Incident3(),
                                     IncidentEveryField(), Movement(),  MovementEveryField()};
  auto out = WriteHxlCsv(records);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadHxlCsv(*out, {"case-x", "export.csv"}, {"Lifeline"});
  ASSERT_TRUE(ingest::testing::ReadOk(back));
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
        ASSERT_TRUE(ingest::testing::ReadOk(back));
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

TEST(AcledTest, RoundTripsThroughReadAcledCsv) {
  const std::vector<json> incidents = Incidents();
  auto out = WriteAcledCsv(incidents);
  ASSERT_OK(out);
  ingest::ReadResult back = ingest::ReadAcledCsv(*out, {"case-x", "export.csv"});
  ASSERT_TRUE(ingest::testing::ReadOk(back));
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
      ASSERT_OK(csv) << kind;
      ingest::ReadResult back = ingest::ReadLifelineCsv(*csv, {}, {.keep_stamps = true});
      ASSERT_TRUE(ingest::testing::ReadOk(back)) << kind;
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
    ASSERT_TRUE(ingest::testing::ReadOk(back));
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
    ASSERT_TRUE(ingest::testing::ReadOk(back));
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
