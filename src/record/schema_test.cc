#include "record/schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "base/bytes.h"
#include "base/kinds.h"
#include "base/status_testing.h"
#include "crypto/sha256.h"
#include "record/canonical.h"
#include "record/values.h"

namespace lifeline::record {
namespace {

class MapResolver : public Resolver {
 public:
  std::map<std::string, std::string> kinds;
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = kinds.find(id);
    if (it == kinds.end()) return std::nullopt;
    return it->second;
  }
};

MapResolver Fixture() {
  MapResolver r;
  r.kinds = {{"c1", "case"}, {"s1", "source"}, {"r1", "route"}};
  return r;
}

// The schema's kinds are exactly the named constants code compares against
// (base/kinds.h), in the same order: a kind added to one list only fails here.
TEST(SchemaTest, KindsAreTheNamedConstants) {
  std::vector<std::string> named(kinds::kAll.begin(), kinds::kAll.end());
  EXPECT_EQ(Kinds(), named);
}

TEST(SchemaTest, EveryMalformedRecordIsRejectedAtItsField) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/src/record/testdata/malformed.jsonl");
  ASSERT_TRUE(in) << "corpus missing";
  MapResolver r = Fixture();
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto j = ParseJson(line);
    ASSERT_OK(j) << "corpus line " << n;
    std::string want = (*j)["expect"];
    auto errors = Validate((*j)["record"], &r);
    ASSERT_FALSE(errors.empty()) << "corpus line " << n << " was accepted: " << line;
    bool found = false;
    for (const auto& e : errors) found |= e.field == want;
    std::string got;
    for (const auto& e : errors) got += "[" + e.field + ": " + e.message + "] ";
    EXPECT_TRUE(found) << "corpus line " << n << ": expected an error at \"" << want << "\", got " << got;
    for (const auto& e : errors) EXPECT_FALSE(e.message.empty()) << "line " << n;
  }
  EXPECT_GE(n, 50);
}

TEST(SchemaTest, AcceptsWellFormedRecordsOfEveryKind) {
  MapResolver r = Fixture();
  const char* kGood[] = {
      R"({"kind":"case","id":"c2","title":"Blockade","region":"Karabakh","started":"2022-12-12","sources":["s1"],
          "population":[{"date":"2022-12-01","count":120000,"sources":["s1"]}]})",
      R"({"kind":"source","id":"s2","case":"c1","publisher":"ICJ","title":"Order","url":"https://www.icj-cij.org/",
          "published":"2023-02-22","publisher_type":"court","reliability":"A","credibility":1})",
      R"({"kind":"evidence","id":"e1","case":"c1","sources":["s1"],"media_type":"image/jpeg","size":1234,
          "sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "custody":[{"at":"2023-01-01T10:00:00Z","by":"monitor-3","action":"captured"}]})",
      R"({"kind":"route","id":"r2","case":"c1","name":"Lachin road","type":"road","sources":["s1"],
          "path":[[39.815,46.752],[39.6,46.5]]})",
      R"({"kind":"route_status","id":"rs1","case":"c1","route":"r1","from":"2022-12-12T10:30:00+04:00",
          "status":"restricted","restricted":["cargo","commercial"],"imposed_by":"X","sources":["s1"]})",
      R"({"kind":"baseline","id":"b1","case":"c1","route":"r1","period":{"from":"2022-01-01","to":"2022-11-30"},
          "per_day":{"cargo":[{"commodity":"goods","quantity":400,"unit":"t"}]},"sources":["s1"]})",
      R"({"kind":"movement","id":"m1","case":"c1","route":"r1","date":"2023-01-05","direction":"out",
          "operator":"ICRC","patients":12,"cargo":[{"commodity":"flour","quantity":1.5,"unit":"t"}],"sources":["s1"]})",
      R"({"kind":"incident","id":"i1","case":"c1","date":"2023-06-28","event_type":"Battles",
          "location":{"name":"Martakert","country":"AZE","lat":40.2,"lon":46.8,"geo_precision":2},
          "fatalities":{"low":4,"best":4,"high":4},"actors":["A","B"],"sources":["s1"]})",
      R"({"kind":"outage","id":"o1","case":"c1","utility":"electricity","from":"2023-01-09","sources":["s1"]})",
      R"({"kind":"obligation","id":"ob1","case":"c1","instrument":"court_order","title":"ICJ order",
          "issued":"2023-02-22","rule":{"type":"route_open","route":"r1","for":["persons","vehicles","cargo"],
          "directions":["in","out"],"from":"2023-02-22"},"sources":["s1"]})",
      R"({"kind":"need_standard","id":"n1","case":"c1","commodity":"food","quantity":2100,"unit":"kcal",
          "basis":"Sphere","sources":["s1"]})",
      R"({"kind":"stock","id":"st1","case":"c1","commodity":"flour","date":"2023-01-01","quantity":500,"unit":"t",
          "sources":["s1"]})",
      R"({"kind":"claim","id":"cl1","case":"c1","about":"r1","stance":"disputes","party":"P","text":"No.",
          "sources":["s1"]})",
      R"({"kind":"retraction","id":"rt1","case":"c1","retracts":"r1","reason":"duplicate"})",
      R"({"kind":"tag","id":"tg1","case":"c1","targets":["r1"],"framework":"un-foa-2014","factor":"RF13",
          "indicator":"13.8","author":"A monitor","text":"Why.","sources":["s1"]})",
  };
  for (const char* text : kGood) {
    auto j = ParseJson(text);
    ASSERT_TRUE(j.ok()) << text;
    auto errors = Validate(*j, &r);
    std::string got;
    for (const auto& e : errors) got += "[" + e.field + ": " + e.message + "] ";
    EXPECT_TRUE(errors.empty()) << text << "\n" << got;
  }
}

// Every error, in order: unknown members are found among known ones that
// sort before, between and after them (the envelope's and the kind's), and
// paths of nested values are exact after the walk leaves a sibling.
TEST(SchemaTest, UnknownMembersAndNestedPathsAreReportedInMemberOrder) {
  MapResolver r = Fixture();
  auto rec = ParseJson(R"({"": 1, "aaa": 1, "kind": "incident", "id": "i1", "case": "c1",
    "sources": ["s1"], "date": "2023-01-05", "event_type": "Battles", "mmm": 2,
    "location": {"name": "X", "zz": 1, "admin1": "a\u0001"}, "zzz": 3,
    "actors": ["ok", "b\u0002", "ok"],
    "casualties": [{"party": "p", "category": "civilian", "fatalities": {"best": 0}},
                   {"party": "q\u0003", "category": "civilian", "fatalities": {"best": 0}, "note": "n\u0004"}]})");
  ASSERT_OK(rec);
  std::vector<std::pair<std::string, std::string>> want = {
      {"location.zz", "is not a location field"},
      {"", "is not a field of a incident record"},
      {"aaa", "is not a field of a incident record"},
      {"mmm", "is not a field of a incident record"},
      {"zzz", "is not a field of a incident record"},
      {"actors[1]", "holds U+0002 (a control character) at byte 1; this field may hold no control character, "
                    "not even tab or newline"},
      {"casualties[1].note", "holds U+0004 (a control character) at byte 1; free text may hold tab and line "
                             "breaks (CR, LF) but no other control character"},
      {"casualties[1].party", "holds U+0003 (a control character) at byte 1; this field may hold no control "
                              "character, not even tab or newline"},
      {"location.admin1", "holds U+0001 (a control character) at byte 1; this field may hold no control "
                          "character, not even tab or newline"},
  };
  std::vector<std::pair<std::string, std::string>> got;
  for (const FieldError& e : Validate(*rec, &r)) {
    EXPECT_FALSE(e.hint.empty()) << e.field;
    got.emplace_back(e.field, e.message);
  }
  EXPECT_EQ(got, want);
}

TEST(SchemaTest, ServerFieldsAllowedWhenReadingBack) {
  MapResolver r = Fixture();
  auto j = *ParseJson(R"({"kind":"source","id":"s2","case":"c1","publisher":"P","title":"T",
                          "recorded":"2023-01-01T00:00:00Z","by":"cli:root"})");
  EXPECT_FALSE(Validate(j, &r).empty());
  EXPECT_TRUE(Validate(j, &r, ValidateOptions{true}).empty());
}

// Schema v2 (docs/records.md, "Version 2: credible figures").
TEST(SchemaV2Test, CasualtiesMustAddUpToTheIncidentsFatalities) {
  MapResolver r = Fixture();
  auto base = [](const std::string& casualties) {
    return *ParseJson(R"({"kind":"incident","id":"i1","case":"c1","sources":["s1"],"date":"2023-09-19",
      "location":{"name":"X"},"event_type":"Battles","fatalities":{"low":5,"best":7,"high":9},
      "casualties":)" + casualties + "}");
  };
  EXPECT_TRUE(Validate(base(R"([{"party":"A","category":"combatant","fatalities":{"low":4,"best":5,"high":6}},
                                {"party":"B","category":"civilian","fatalities":{"best":2,"low":1,"high":3}}])"),
                       &r)
                  .empty());
  auto e = Validate(base(R"([{"party":"A","category":"combatant","fatalities":{"best":5}}])"), &r);
  ASSERT_EQ(e.size(), 2u);  // best and high differ; low (5, the best figure) matches
  EXPECT_EQ(e[0].field, "casualties");
  EXPECT_NE(e[0].message.find("best add up to 5, but fatalities.best is 7"), std::string::npos);
  e = Validate(base(R"([{"party":"A","category":"soldier","fatalities":{"best":7}}])"), &r);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].field, "casualties[0].category");
}

TEST(SchemaV2Test, ACaseRecordNamesTheCaseItCorrects) {
  MapResolver r = Fixture();
  r.kinds["rt"] = "route";
  auto rec = [](const std::string& extra) {
    return *ParseJson(R"({"kind":"case","id":"c1.v2","title":"T","region":"R","started":"2022-12-12",
                           "sources":["s1"])" + extra + "}");
  };
  EXPECT_TRUE(Validate(rec(R"(,"supersedes":"c1","case":"c1","lifeline_routes":["r1"],"parties":["A","B"],
                             "dependency":[{"commodity":"food energy","share":0.9,"sources":["s1"]}])"),
                       &r)
                  .empty());
  auto e = Validate(rec(R"(,"supersedes":"c1")"), &r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "case");
  e = Validate(rec(R"(,"case":"c1")"), &r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "case");
  e = Validate(rec(R"(,"dependency":[{"commodity":"food","share":1.5}],"lifeline_routes":["s1"])"), &r);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].field, "lifeline_routes[0]");
  EXPECT_EQ(e[1].field, "dependency[0].share");
}

TEST(SchemaV2Test, DirectionsWatchesSchedulesAndRequirements) {
  MapResolver r = Fixture();
  auto v = [&](const std::string& s) { return Validate(*ParseJson(s), &r); };
  EXPECT_TRUE(v(R"({"kind":"route_status","id":"a","case":"c1","sources":["s1"],"route":"r1","from":"2023-09-24",
                    "status":"open","directions":["out"],"controls":"document checks"})")
                  .empty());
  auto e = v(R"({"kind":"route_status","id":"a","case":"c1","sources":["s1"],"route":"r1","from":"2023-09-24",
                 "status":"open","directions":[]})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "directions");
  EXPECT_TRUE(v(R"({"kind":"watch","id":"w","case":"c1","sources":["s1"],"route":"r1","from":"2023-01-01"})").empty());
  e = v(R"({"kind":"watch","id":"w","case":"c1","sources":["s1"],"route":"r1","from":"2023-01-02","to":"2023-01-01",
            "measures":["tanks"]})");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].field, "measures[0]");
  EXPECT_EQ(e[1].field, "to");
  e = v(R"({"kind":"schedule","id":"s","case":"c1","sources":["s1"],"utility":"electricity","from":"2023-01-10",
            "hours_off_per_day":25})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "hours_off_per_day");
  EXPECT_TRUE(v(R"({"kind":"requirement","id":"q","case":"c1","sources":["s1"],"measure":"vehicles","quantity":500,
                    "per":"day","basis":"UN"})")
                  .empty());
  e = v(R"({"kind":"requirement","id":"q","case":"c1","sources":["s1"],"measure":"cargo","quantity":5,
            "per":"week","basis":"UN"})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "unit");
  e = v(R"({"kind":"outage","id":"o","case":"c1","sources":["s1"],"utility":"gas","from":"2023-02-15",
            "confirmed_until":"2023-02-01","scope":"pipe"})");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].field, "scope");
  EXPECT_EQ(e[1].field, "confirmed_until");
}

// Version 2 only adds: every record of the bundled case as first published
// (schema version 1) is valid under version 2.
TEST(SchemaV2Test, VersionOneRecordsStayValid) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  int n = 0;
  while (std::getline(in, line) && n < 271) {  // the first 271 lines are the version 1 release
    ++n;
    auto j = ParseJson(line);
    ASSERT_OK(j);
    auto e = Validate(*j, nullptr);
    EXPECT_TRUE(e.empty()) << "line " << n << ": " << e[0].field << " " << e[0].message;
  }
  EXPECT_EQ(n, 271);
}

// The bundled case is append-only like the log it is imported into:
// corrections are new records at the end of the file, never edits. The first
// 271 lines are the version 1 release (commit 3d01056); their bytes, newlines
// included, must not change.
TEST(SchemaV2Test, FirstReleaseOfTheBundledCaseIsUnchanged) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl", std::ios::binary);
  ASSERT_TRUE(in);
  std::string first;
  std::string line;
  int n = 0;
  while (n < 271 && std::getline(in, line)) {
    ASSERT_FALSE(in.eof()) << "line " << n + 1 << " has no newline";
    first += line;
    first += '\n';
    ++n;
  }
  ASSERT_EQ(n, 271);
  // sha256 of `git show 3d01056:data/cases/lachin-2022-23/records.jsonl | head -n 271`.
  EXPECT_EQ(HexEncode(crypto::Sha256(first)),
            "8c5035b7cac85beb7b2233691785a98067f6d911b423c68ea926c2355243cc71")
      << "the first 271 lines of records.jsonl were edited: append a correction (supersedes) instead";
}

TEST(SchemaTest, DatesOutsideTheWindowAreRejectedOnlyWhenAWindowIsGiven) {
  MapResolver r = Fixture();
  auto j = ParseJson(R"({"kind":"movement","id":"m9","case":"c1","route":"r1","date":"9999-12-31",
      "period":{"from":"2023-01-01","to":"9999-12-31"},"direction":"both","operator":"O","sources":["s1"]})");
  ASSERT_OK(j);
  EXPECT_TRUE(Validate(*j, &r).empty());  // pure: no clock, no window
  const Day today = *ParseDate("2023-07-10");
  const DateWindow window = PlausibleDates(nullptr, today);
  auto errors = Validate(*j, &r, {}, &window);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "date");
  EXPECT_EQ(errors[1].field, "period.to");
  // The default window and a case's own.
  DateWindow w = PlausibleDates(nullptr, today);
  EXPECT_EQ(FormatDate(w.from), "1900-01-01");
  EXPECT_EQ(FormatDate(w.until), "2024-07-10");
  nlohmann::json c = {{"date_window", {{"from", "1990-01-01"}}}};
  w = PlausibleDates(&c, today);
  EXPECT_EQ(FormatDate(w.from), "1990-01-01");
  EXPECT_EQ(FormatDate(w.until), "2024-07-10");
  // Readers of the log use DatesOutside, which ignores free text.
  auto far = DatesOutside(*j, w);
  ASSERT_EQ(far.size(), 2u);
  EXPECT_EQ(far[1].field, "period.to");
  (*j)["note"] = "9999-12-31";
  EXPECT_EQ(DatesOutside(*j, w).size(), 2u);
}

TEST(SchemaTest, ARetractionOfARetractionIsRejected) {
  MapResolver r = Fixture();
  r.kinds["rt1"] = "retraction";
  auto j = ParseJson(R"({"kind":"retraction","id":"rt2","case":"c1","retracts":"rt1","reason":"undo"})");
  auto errors = Validate(*j, &r);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "retracts");
}

// A tag names a factor and indicator of a framework file; anything else is
// refused with the list of what exists and the file.
TEST(SchemaTest, ATagOfAnUnknownFrameworkFactorOrIndicatorIsRefusedWithTheList) {
  MapResolver r = Fixture();
  auto errors_of = [&](const std::string& fields) {
    auto j = ParseJson(R"({"kind":"tag","id":"tg1","case":"c1","targets":["r1"],"author":"A","text":"t",)"
                       R"("sources":["s1"],)" + fields + "}");
    EXPECT_TRUE(j.ok()) << fields;
    return Validate(*j, &r);
  };
  auto one = [&](const std::string& fields, const std::string& field, const std::string& says) {
    auto errors = errors_of(fields);
    ASSERT_EQ(errors.size(), 1u) << fields;
    EXPECT_EQ(errors[0].field, field);
    EXPECT_NE(errors[0].message.find(says), std::string::npos) << errors[0].message;
  };
  one(R"("framework":"un-foa-2015","factor":"RF1")", "framework", "known: un-foa-2014");
  one(R"("framework":"un-foa-2014","factor":"RF15")", "factor", "RF1, RF2, RF3");
  one(R"("framework":"un-foa-2014","factor":"RF15")", "factor", "data/frameworks/un-foa-2014.json");
  one(R"("framework":"un-foa-2014","factor":"RF13","indicator":"7.10")", "indicator", "13.1, 13.2");
  one(R"("framework":"un-foa-2014","factor":"RF13","indicator":"7.10")", "indicator", "un-foa-2014.json");
  EXPECT_TRUE(errors_of(R"("framework":"un-foa-2014","factor":"RF13")").empty());
}

TEST(SchemaTest, ATagsTargetsMustResolveAndSourcesAreRequired) {
  MapResolver r = Fixture();
  r.kinds["tg0"] = "tag";
  auto errors_of = [&](const std::string& text) {
    auto j = ParseJson(text);
    EXPECT_TRUE(j.ok()) << text;
    return Validate(*j, &r);
  };
  auto fields = [](const std::vector<FieldError>& errors) {
    std::vector<std::string> f;
    for (const auto& e : errors) f.push_back(e.field);
    return f;
  };
  const std::string head = R"({"kind":"tag","id":"tg1","case":"c1","framework":"un-foa-2014","factor":"RF7",)"
                           R"("author":"A","text":"t",)";
  EXPECT_EQ(fields(errors_of(head + R"("targets":["r1","nowhere"],"sources":["s1"]})")),
            (std::vector<std::string>{"targets[1]"}));
  EXPECT_EQ(fields(errors_of(head + R"("targets":["tg0"],"sources":["s1"]})")),
            (std::vector<std::string>{"targets[0]"}));
  EXPECT_EQ(fields(errors_of(head + R"("targets":[],"sources":["s1"]})")), (std::vector<std::string>{"targets"}));
  auto no_sources = fields(errors_of(head + R"("targets":["r1"]})"));
  ASSERT_EQ(no_sources.size(), 1u);
  EXPECT_EQ(no_sources[0], "sources");
  auto no_author = errors_of(R"({"kind":"tag","id":"tg1","case":"c1","framework":"un-foa-2014","factor":"RF7",)"
                             R"("text":"t","targets":["r1"],"sources":["s1"]})");
  ASSERT_EQ(fields(no_author), (std::vector<std::string>{"author"}));
}

TEST(SchemaTest, JsonSchemaCoversEveryKind) {
  auto s = JsonSchema();
  EXPECT_EQ(s["oneOf"].size(), Kinds().size());
  EXPECT_TRUE(Canonicalize(s).ok());
}

// docs/schema/records-v2.json is generated (`lifeline schema`); it must not
// drift from the tables the validator uses.
TEST(SchemaTest, PublishedJsonSchemaIsCurrent) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/docs/schema/records-v2.json");
  ASSERT_TRUE(in) << "docs/schema/records-v2.json is missing";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto published = ParseJson(text);
  ASSERT_OK(published);
  EXPECT_EQ(*published, JsonSchema())
      << "regenerate with: build/cmd/lifeline/lifeline schema > docs/schema/records-v2.json";
}

// src/record/testdata/rule_samples.json: Validate accepts exactly the rules
// labelled valid (tests/schema/check_rule_schema.py checks that the JSON
// Schema does too), and refuses each other one at the rule, with a hint.
TEST(SchemaTest, RuleSamplesAreJudgedAsTheyAreLabelled) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/src/record/testdata/rule_samples.json");
  ASSERT_TRUE(in);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto samples = ParseJson(text);
  ASSERT_OK(samples);
  MapResolver r = Fixture();
  for (const auto& sample : samples->at("samples")) {
    auto rec = *ParseJson(R"({"kind":"obligation","id":"ob1","case":"c1","sources":["s1"],
        "instrument":"court_order","title":"T","issued":"2023-02-22"})");
    rec["rule"] = sample.at("rule");
    auto errors = Validate(rec, &r);
    SCOPED_TRACE(sample.at("name").get<std::string>());
    EXPECT_EQ(errors.empty(), sample.at("valid").get<bool>()) << (errors.empty() ? "" : errors[0].field + ": " + errors[0].message);
    for (const auto& e : errors) {
      EXPECT_EQ(e.field.rfind("rule", 0), 0u) << e.field;
      EXPECT_FALSE(e.hint.empty()) << e.field;
    }
  }
}

TEST(ValuesTest, DatesAndTimes) {
  EXPECT_EQ(FormatDate(*ParseDate("2023-02-22")), "2023-02-22");
  EXPECT_EQ(ParseDate("1970-01-01")->days, 0);
  EXPECT_EQ(ParseDate("2024-02-29")->days - ParseDate("2024-02-28")->days, 1);
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_FALSE(ParseDate("2023-2-1").ok());
  EXPECT_EQ(*ParseDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseDateTime("1970-01-01T04:00:00+04:00"), 0);
  EXPECT_EQ(*ParseDateTime("2022-12-12"), *ParseDateTime("2022-12-12T00:00:00Z"));
  EXPECT_TRUE(ParseDateTime("2022-12-12T10:30:00.250Z").ok());
  EXPECT_FALSE(ParseDateTime("2022-12-12T10:30:00").ok());
  EXPECT_EQ(*FromUcdpDatePrecision(4), DatePrecision::kMonth);
  EXPECT_EQ(*FromAcledTimePrecision(2), DatePrecision::kWeek);
  EXPECT_FALSE(FromAcledTimePrecision(4).ok());
}

TEST(ValuesTest, Units) {
  EXPECT_EQ(LookupUnit("t")->canonical, "kg");
  EXPECT_EQ(LookupUnit("t")->factor, 1000);
  EXPECT_EQ(LookupUnit("m3")->canonical, "l");
  EXPECT_FALSE(LookupUnit("tons"));
}

}  // namespace
}  // namespace lifeline::record
