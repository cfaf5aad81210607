// Every refusal carries a hint (docs/records.md, "Refusals and hints"): a
// table of bad records reaching each refusal site of record::Validate, and
// of submissions reaching each of record::Submit's own; each refusal named
// must be there with a non-empty hint, and a sample of hints is exact.
#include "record/hints.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/status_testing.h"
#include "record/canonical.h"
#include "record/schema.h"
#include "record/submit_testing.h"
#include "record/values.h"

namespace lifeline::record {
namespace {

using nlohmann::json;

class CaseResolver : public Resolver {
 public:
  // id -> {kind, case}
  std::map<std::string, std::pair<std::string, std::string>> records = {
      {"c1", {"case", "c1"}},         {"s1", {"source", "c1"}},       {"r1", {"route", "c1"}},
      {"r2", {"route", "c1"}},        {"rs1", {"route_status", "c1"}}, {"x1", {"retraction", "c1"}},
      {"t1", {"tag", "c1"}},          {"c2", {"case", "c2"}},         {"r-other", {"route", "c2"}},
      {"s3", {"source", "c3"}}};
  std::optional<std::string> KindOf(const std::string& id) const override {
    auto it = records.find(id);
    return it == records.end() ? std::nullopt : std::optional<std::string>(it->second.first);
  }
  std::optional<std::string> CaseOf(const std::string& id) const override {
    auto it = records.find(id);
    return it == records.end() ? std::nullopt : std::optional<std::string>(it->second.second);
  }
};

// A valid record of each kind the table starts from.
json Base(const std::string& kind) {
  static const std::map<std::string, std::string> kBase = {
      {"case", R"({"kind":"case","id":"c3","sources":["s3"],"title":"T","region":"R","started":"2023-01-01"})"},
      {"source", R"({"kind":"source","id":"s2","case":"c1","publisher":"P","title":"T"})"},
      {"route", R"({"kind":"route","id":"r3","case":"c1","sources":["s1"],"name":"N","type":"road"})"},
      {"route_status",
       R"({"kind":"route_status","id":"rs2","case":"c1","sources":["s1"],"route":"r1","from":"2023-01-02","status":"closed"})"},
      {"movement",
       R"({"kind":"movement","id":"m1","case":"c1","sources":["s1"],"route":"r1","date":"2023-01-05","direction":"in","operator":"ICRC"})"},
      {"incident",
       R"({"kind":"incident","id":"i1","case":"c1","sources":["s1"],"date":"2023-01-05","location":{"name":"X"},"event_type":"Battles"})"},
      {"outage", R"({"kind":"outage","id":"o1","case":"c1","sources":["s1"],"utility":"gas","from":"2023-01-10"})"},
      {"schedule",
       R"({"kind":"schedule","id":"sc1","case":"c1","sources":["s1"],"utility":"electricity","from":"2023-01-10","hours_off_per_day":6})"},
      {"obligation",
       R"({"kind":"obligation","id":"ob1","case":"c1","sources":["s1"],"instrument":"court_order","title":"T","issued":"2023-02-22","rule":{"type":"not_evaluable","reason":"vague"}})"},
      {"stock",
       R"({"kind":"stock","id":"st1","case":"c1","sources":["s1"],"commodity":"flour","date":"2023-01-05","quantity":3,"unit":"t"})"},
      {"evidence",
       R"({"kind":"evidence","id":"e1","case":"c1","sources":["s1"],"sha256":"0000000000000000000000000000000000000000000000000000000000000000","media_type":"image/jpeg","size":10})"},
      {"watch", R"({"kind":"watch","id":"w1","case":"c1","sources":["s1"],"route":"r1","from":"2023-01-05"})"},
      {"requirement",
       R"({"kind":"requirement","id":"rq1","case":"c1","sources":["s1"],"measure":"vehicles","quantity":100,"per":"day","basis":"B"})"},
      {"claim",
       R"({"kind":"claim","id":"cl1","case":"c1","sources":["s1"],"about":"rs1","stance":"disputes","party":"P","text":"T"})"},
      {"retraction", R"({"kind":"retraction","id":"x2","case":"c1","retracts":"rs1","reason":"wrong"})"},
      {"tag",
       R"({"kind":"tag","id":"t2","case":"c1","sources":["s1"],"targets":["rs1"],"framework":"un-foa-2014","factor":"RF7","author":"A","text":"T"})"},
      {"need_standard",
       R"({"kind":"need_standard","id":"n1","case":"c1","sources":["s1"],"commodity":"food","quantity":2100,"unit":"kcal","basis":"Sphere"})"},
  };
  return json::parse(kBase.at(kind));
}

struct Bad {
  std::string kind;  // the base record's
  std::string patch;  // a JSON merge patch (RFC 7396) applied to it
  std::string field;  // a refusal expected at this field
  std::string hint = {};  // when given, the exact hint of that refusal
  std::string set_null = {};  // a member set to null after the patch (which would remove it)
  bool server_fields = false;  // ValidateOptions::allow_server_fields
};

// One bad record per refusal site of Validate (but those of the sealed
// confidential shape, which seal_test covers with their own field names).
const std::vector<Bad>& Table() {
  static const std::vector<Bad> kTable = {
      {"movement", R"({"route": "R 1"})", "route"},
      {"movement", R"({"route": "r9"})", "route",
       "check the id for a typing error, or add the record it names first (earlier in the same import will do): "
       "`lifeline list --kind route` (or GET /api/v1/records?kind=route) lists the route records in the store "
       "(docs/records.md, \"How records enter\")"},
      {"movement", R"({"route": "s1"})", "route"},
      {"movement", R"({"route": "r-other"})", "route"},
      {"incident", R"({"location": "X"})", "location"},
      {"incident", R"({"location": {"name": null, "admin1": "A"}})", "location.name"},
      {"incident", R"({"location": {"name": "X", "geo_precision": 5}})", "location.geo_precision"},
      {"incident", R"({"location": {"name": "X", "contry": "ARM"}})", "location.contry"},
      {"incident", R"({"location": {"name": "X", "lat": 95, "lon": 40}})", "location.lat"},
      {"incident", R"({"location": {"name": "X", "lat": 40, "lon": 190}})", "location.lon"},
      {"incident", R"({"location": {"name": "X", "lat": 40}})", "location"},
      {"incident", R"({"location": {"name": "X", "country": "AM"}})", "location.country"},
      {"incident", R"({"location": {"name": "X", "lat": "north"}})", "location.lat"},
      {"stock", R"({"unit": "sacks"})", "unit"},
      {"movement", R"({"cargo": ["flour"]})", "cargo[0]"},
      {"movement", R"({"cargo": [{"commodity": "flour", "quantity": 2}]})", "cargo[0].unit"},
      {"movement", R"({"cargo": [{"commodity": "flour", "quantity": 2, "unit": "t", "notes": "x"}]})", "cargo[0].notes"},
      {"movement", R"({"cargo": "flour"})", "cargo"},
      {"movement", R"({"period": "January"})", "period"},
      {"movement", R"({"period": {"from": "2023-01-01"}})", "period.to"},
      {"movement", R"({"period": {"from": "2023-01-01", "to": "2023-01-05", "until": "x"}})", "period.until"},
      {"case", R"({"population": 120000})", "population"},
      {"obligation", R"({"rule": {"type": "route_open", "route": "r1", "for": [], "directions": ["in"], "from": "2023-02-22"}})",
       "rule.for"},
      {"obligation",
       R"({"rule": {"type": "flow_at_least", "measure": "cargo", "quantity": 1, "per": "day", "from": "2023-02-22"}})",
       "rule.unit"},
      {"obligation",
       R"({"rule": {"type": "flow_at_least", "measure": "persons", "unit": "t", "quantity": 1, "per": "day", "from": "2023-02-22"}})",
       "rule.unit"},
      {"obligation", R"({"rule": "open the corridor"})", "rule"},
      {"obligation", R"({"rule": {"type": "route_opne"}})", "rule.type",
       "did you mean `route_open`? give \"type\" as one of route_open, service_restored, commodity_allowed, "
       "flow_at_least, not_evaluable, with that type's members, e.g. {\"type\": \"route_open\", \"route\": \"<route "
       "id>\", \"for\": [\"persons\"], \"directions\": [\"in\", \"out\"], \"from\": \"2023-01-15\"} (docs/records.md, "
       "\"Obligation rules\")"},
      {"route", R"({"path": "a line"})", "path"},
      {"route", R"({"path": [[95, 46.5]]})", "path[0]"},
      {"source", R"({"title": ""})", "title"},
      {"source", R"({"url": "example.org"})", "url"},
      {"route_status", R"({"status": "half-open"})", "status"},
      {"route_status", R"({"status": "restricted", "restricted": "cargo"})", "restricted"},
      {"route_status", R"({"status": "restricted", "restricted": ["cargo", "cargo"]})", "restricted[1]"},
      {"movement", R"({"date": 20230105})", "date",
       "give date as a date YYYY-MM-DD, e.g. \"date\": \"2023-01-15\" (docs/records.md, \"Common value types\")"},
      {"movement", R"({"date": "05/01/2023"})", "date"},
      {"outage", R"({"from": 1673308800})", "from"},
      {"outage", R"({"from": "yesterday"})", "from"},
      {"movement", R"({"id": "M 1"})", "id"},
      {"movement", R"({"via": "r1"})", "via"},
      {"incident", R"({"actors": "A and B"})", "actors"},
      {"movement", R"({"vehicles": -3})", "vehicles"},
      {"stock", R"({"quantity": -3})", "quantity"},
      {"case", R"({"public": "yes"})", "public"},
      {"evidence", R"({"sha256": "ABC"})", "sha256"},
      {"claim", R"({"field": "status"})", "value", {}, "value"},
      {"movement", R"({"recorded": 5})", "recorded", {}, {}, true},
      {"case", R"({"discrepancy_tolerance": 10})", "discrepancy_tolerance"},
      {"schedule", R"({"hours_off_per_day": 25})", "hours_off_per_day"},
      {"source", R"({"credibility": 7})", "credibility"},
      {"case", R"({"vocabulary": ["fuel"]})", "vocabulary"},
      {"case", R"({"vocabulary": {"utilty": {"fuel": "x"}}})", "vocabulary.utilty"},
      {"case", R"({"vocabulary": {"utility": {}}})", "vocabulary.utility"},
      {"case", R"({"vocabulary": {"utility": {"Fuel Oil": "x"}}})", "vocabulary.utility.Fuel Oil"},
      {"case", R"({"vocabulary": {"utility": {"gas": "x"}}})", "vocabulary.utility.gas"},
      {"case", R"({"vocabulary": {"utility": {"fuel": 1}}})", "vocabulary.utility.fuel"},
      {"incident",
       R"({"fatalities": {"best": 3}, "casualties": [{"party": "P", "category": "civilian", "fatalities": {"best": 2}}]})",
       "casualties"},
      {"claim", R"({"value": "closed"})", "value"},
      {"claim", R"({"field": "stauts"})", "field"},
      {"watch", R"({"directions": []})", "directions"},
      {"movement", R"({"via": ["r1"]})", "via"},
      {"case", R"({"date_window": {"from": "2023-01-01", "until": "2022-01-01"}})", "date_window.until"},
      {"movement", R"({"direction": "both"})", "direction"},
      {"requirement", R"({"measure": "cargo"})", "unit"},
      {"requirement", R"({"commodity": "flour"})", "commodity"},
      {"movement", R"({"operator": "IC\u0001RC"})", "operator"},
      {"movement", R"({"note": "a\u0001b"})", "note"},
      {"movement", R"({"a\u0001": 1})", "(key)"},
      {"retraction", R"({"retracts": "x2"})", "retracts"},
      {"retraction", R"({"retracts": "x1"})", "retracts"},
      {"tag", R"({"framework": "un-foa-2041"})", "framework"},
      {"tag", R"({"factor": "RF77"})", "factor"},
      {"tag", R"({"indicator": "99.9"})", "indicator"},
      {"tag", R"({"targets": []})", "targets"},
      {"tag", R"({"targets": ["t1"]})", "targets[0]"},
      {"movement", R"({"sources": ["s1", "s1"]})", "sources[1]"},
      {"movement", R"({"id": null})", "id"},
      {"case", R"({"case": "c1"})", "case"},
      {"case", R"({"supersedes": "c1"})", "case"},
      {"movement", R"({"case": null})", "case"},
      {"movement", R"({"sources": null})", "sources"},
      {"movement", R"({"supersedes": "m1"})", "supersedes"},
      {"movement", R"({"confidential": "the driver's name"})", "confidential"},
      {"movement", R"({"confidential": {"sealed": "x"}})", "confidential.alg"},
      {"movement", R"({"recorded": "2023-01-05T00:00:00Z"})", "recorded"},
      {"movement", R"({"operator": null})", "operator"},
      {"movement", R"({"opertor": "ICRC"})", "opertor",
       "did you mean `operator`? the fields of a movement record are cargo, case, confidential, date, "
       "date_precision, direction, id, kind, note, operator, outcome, patients, period, persons, qualifier, "
       "reported_by, route, sources, supersedes, vehicles, via (docs/records.md, \"Kinds\"); what fits "
       "no field goes in note"},
      {"route_status", R"({"status": "restricted"})", "restricted"},
      {"route_status", R"({"status": "open", "restricted": ["cargo"]})", "restricted"},
      {"movement", R"({"period": {"from": "2023-01-05", "to": "2023-01-01"}})", "period.to"},
      {"outage", R"({"until": "2023-01-01"})", "until"},
      {"movement", R"({"kind": null})", "kind"},
      {"movement", R"({"kind": "movment"})", "kind"},
      {"movement", R"({"date": "2031-01-05"})", "date",
       "correct the date, or, if it is right, widen the case's window: a correction of the case record with "
       "\"date_window\": {\"until\": \"2031-01-05\"} (docs/records.md, \"Plausible dates\" under \"Input rules\")"},
      {"outage", R"({"utility": "fuel"})", "utility",
       "use one of these, or add it to the case record's vocabulary.utility with a definition (docs/records.md, "
       "\"Vocabularies\")"},
      {"route_status", R"({"status": "opne"})", "status",
       "did you mean `open`? give status as one of open, restricted, closed, e.g. \"status\": \"open\" "
       "(docs/records.md, \"Kinds\")"},
  };
  return kTable;
}

std::string Dump(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + " (hint: " + e.hint + ")\n";
  return out;
}

TEST(HintsTest, EveryRefusalOfTheTableHasAHint) {
  CaseResolver r;
  const DateWindow window{*ParseDate("1900-01-01"), *ParseDate("2024-12-31")};
  for (const Bad& bad : Table()) {
    json rec = Base(bad.kind);
    rec.merge_patch(json::parse(bad.patch));
    if (!bad.set_null.empty()) rec[bad.set_null] = nullptr;
    auto errors = Validate(rec, &r, ValidateOptions{bad.server_fields}, &window);
    SCOPED_TRACE(bad.kind + " " + bad.patch + "\n" + Dump(errors));
    const FieldError* at = nullptr;
    for (const auto& e : errors) {
      EXPECT_FALSE(e.hint.empty()) << e.field << ": " << e.message;
      if (e.field == bad.field && at == nullptr) at = &e;
    }
    ASSERT_NE(at, nullptr) << "no refusal at " << bad.field;
    if (!bad.hint.empty()) {
      EXPECT_EQ(at->hint, bad.hint);
    }
  }
}

TEST(HintsTest, TheBaseRecordsAreValid) {
  CaseResolver r;
  for (const Bad& bad : Table()) {
    auto errors = Validate(Base(bad.kind), &r);
    EXPECT_TRUE(errors.empty()) << bad.kind << "\n" << Dump(errors);
  }
}

TEST(HintsTest, NearestNameFindsMisspellings) {
  const std::vector<std::string> fields = {"operator", "outcome", "date", "direction"};
  EXPECT_EQ(NearestName("opertor", fields), "operator");
  EXPECT_EQ(NearestName("outcmoe", fields), "outcome");  // a transposition is one edit
  EXPECT_EQ(NearestName("dat", fields), "date");
  EXPECT_EQ(NearestName("quantity", fields), std::nullopt);
  EXPECT_EQ(NearestName("x", fields), std::nullopt);
  EXPECT_EQ(NearestName("", fields), std::nullopt);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(HintsTest, DatesOutsideCarryTheWindowHint) {
  const DateWindow window{*ParseDate("2022-01-01"), *ParseDate("2024-12-31")};
  json rec = Base("movement");
  rec["date"] = "2021-06-01";
  auto far = DatesOutside(rec, window);
  ASSERT_EQ(far.size(), 1u);
  EXPECT_NE(far[0].hint.find("\"date_window\": {\"from\": \"2021-06-01\"}"), std::string::npos) << far[0].hint;
}

// Submit's own refusals, beyond the schema's: each with a hint.
class SubmitHintsTest : public SubmitFixture {};

const std::string kCase =
    R"({"kind":"case","id":"c1","title":"T","region":"R","started":"2023-01-01","sources":["s1"]})";
const std::string kSource = R"({"kind":"source","id":"s1","case":"c1","publisher":"P","title":"T"})";

void ExpectHinted(const SubmitReport& rep, const std::string& field, const std::string& part) {
  bool found = false;
  for (const auto& r : rep.rejections) {
    EXPECT_FALSE(r.hint.empty()) << r.ToString();
    EXPECT_NE(r.ToString().find(" (hint: " + r.hint + ")"), std::string::npos);
    EXPECT_EQ(r.ToJson().at("hint"), r.hint);
    found |= r.field == field && r.message.find(part) != std::string::npos;
  }
  EXPECT_TRUE(found) << field << ": " << part;
}

TEST_F(SubmitHintsTest, SubmitRefusalsHaveHints) {
  MustSubmit({kCase, kSource, R"({"kind":"source","id":"s2","case":"c1","publisher":"P","title":"T"})"});
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s2","case":"c1","publisher":"Q","title":"T"})"}), "id",
               "already in the log");
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s3","case":"c1","publisher":"P","title":"T"})",
                           R"({"kind":"source","id":"s3","case":"c1","publisher":"Q","title":"T"})"}),
               "id", "is also the id of");
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s5","case":"c1","publisher":"P","title":"T","supersedes":"s4"})",
                           R"({"kind":"source","id":"s4","case":"c1","publisher":"P","title":"T"})"}),
               "supersedes", "comes later in this submission");
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s6","case":"c1","publisher":"P","title":"T","supersedes":"s7"})",
                           R"({"kind":"source","id":"s7","case":"c1","publisher":"P","title":"T","supersedes":"s6"})"}),
               "supersedes", "forms a cycle");
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s8","case":"c1","publisher":"P","title":"T","note":")" +
                           std::string(70000, 'x') + "\"}"}),
               "note", "bytes as the log would store it");
  ExpectHinted(MustSubmit({R"({"kind":"movement","id":"m1","case":"c1","sources":["s1"],"route":"r1","date":"2023-01-05","direction":"in","operator":"O"})"}),
               "route", "not in the store");
  ExpectHinted(MustSubmit({R"({"kind":"source","id":"s10","case":"c1","publisher":"P","title":"T","confidential":{"name":"W"}})"}),
               "confidential", "no confidential key");
  ExpectHinted(MustSubmit({R"({"kind":"case","id":"c2","title":"T","region":"R","started":"2023-01-01","sources":["s9"]})",
                           R"({"kind":"source","id":"s9","case":"c2","publisher":"P","title":"T"})",
                           R"({"kind":"case","id":"c2b","case":"c2","supersedes":"c1","title":"T","region":"R","started":"2023-01-01","sources":["s9"]})"}),
               "supersedes", "a record of case \"c1\"");
}

// The JSON readers refuse a number canonical JSON cannot hold, so only a
// candidate built in memory reaches the projection's refusal.
TEST_F(SubmitHintsTest, AnUnrepresentableNumberIsRefusedWithAHint) {
  MustSubmit({kCase, kSource});
  auto claim = *ParseJson(R"({"kind":"claim","id":"cl1","case":"c1","sources":["s1"],"about":"s1",
                              "stance":"disputes","party":"P","text":"T","field":"title"})");
  claim["value"] = uint64_t{18014398509481985};
  SubmitOptions opts;
  opts.recorded = "2023-07-10T12:00:00Z";
  auto rep = Submit({Candidate{"memory", claim}}, *mem_, log_.get(), opts);
  ASSERT_OK(rep);
  ExpectHinted(*rep, "", "not exactly representable");
}

}  // namespace
}  // namespace lifeline::record
