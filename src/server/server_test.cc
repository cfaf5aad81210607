// The HTTP API end to end on loopback: a real store (the bundled Lachin case
// plus a private case holding a confidential field), a real server on a free
// port, and cpp-httplib's client.
#include "server/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "base/status_testing.h"
#include "store_dir/store_dir.h"
#include "log/log.h"
#include "log/reader.h"
#include "merkle/proof.h"
#include "record/canonical.h"
#include "record/seal.h"
#include "record/submit.h"
#include "server/openapi.h"
#include "server/rate_limit.h"
#include "server/server_testing.h"
#include "server/tokens.h"
#include "tabular/csv.h"
#include "store/sqlite/sqlite_store.h"

namespace lifeline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kMarker[] = "CONFIDENTIAL-MARKER-7f3a9c";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint64_t LogSize(const std::string& dir) {
  auto st = store::SqliteStore::Open(dir + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
  EXPECT_TRUE(st.ok());
  auto cp = (*st)->LatestCheckpoint();
  EXPECT_TRUE(cp.ok());
  return cp->size;
}

// A private case with one incident whose confidential member holds kMarker.
std::vector<std::string> PrivateCase() {
  return {
      R"({"kind":"case","id":"priv-case","title":"A private case","region":"Nowhere","started":"2024-01-01","sources":["src-priv"]})",
      R"({"kind":"source","id":"src-priv","case":"priv-case","publisher":"A monitor","title":"Field note","published":"2024-01-02"})",
      std::string(R"({"kind":"incident","id":"inc-priv","case":"priv-case","date":"2024-01-02","event_type":"Violence against civilians","description":"An incident","sources":["src-priv"],"location":{"name":"Somewhere","country":"AZE","lat":40.1,"lon":46.2},"confidential":{"witness":")") +
          kMarker + R"("}})",
  };
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<std::string>((fs::temp_directory_path() / ("lifeline-server-test-" + std::to_string(getpid()))).string());
    fs::remove_all(*dir_);
    ASSERT_TRUE(store_dir::InitStore(*dir_, "test.invalid/server").ok());
    std::vector<record::Candidate> cands;
    std::istringstream lines(ReadAll(std::string(LIFELINE_SOURCE_DIR) + "/data/cases/lachin-2022-23/records.jsonl"));
    std::string line;
    size_t n = 0;
    while (std::getline(lines, line)) {
      auto j = record::ParseJson(line);
      ASSERT_OK(j);
      cands.push_back({"lachin:" + std::to_string(++n), std::move(*j)});
    }
    for (const auto& text : PrivateCase()) {
      auto j = record::ParseJson(text);
      ASSERT_OK(j);
      cands.push_back({"private", std::move(*j)});
    }
    {
      auto ws = store_dir::OpenWritable(*dir_);
      ASSERT_OK(ws);
      auto lg = log::Log::Open(std::move(ws->store), ws->signer);
      ASSERT_TRUE(lg.ok());
      auto reader = store::SqliteStore::Open(*dir_ + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
      ASSERT_TRUE(reader.ok());
      auto key = record::LoadSealKey(*dir_);
      ASSERT_OK(key);
      record::SubmitOptions so;
      so.seal_key = std::make_shared<const record::SealKey>(std::move(*key));
      auto rep = record::Submit(std::move(cands), **reader, lg->get(), so);
      ASSERT_OK(rep);
      ASSERT_EQ(rep->rejected, 0u) << (rep->rejections.empty() ? "" : rep->rejections[0].ToString());
    }
    TokenStore ts(*dir_ + "/tokens.json");
    tokens_ = std::make_unique<std::map<std::string, std::string>>();
    for (const char* r : {"viewer", "verifier", "monitor", "admin"}) {
      auto t = ts.Create(*ParseRole(r), std::string("test ") + r);
      ASSERT_TRUE(t.ok());
      (*tokens_)[r] = *t;
    }
    auto revoked = ts.Create(Role::kAdmin, "revoked");
    ASSERT_TRUE(revoked.ok());
    ASSERT_TRUE(ts.Revoke(revoked->substr(4, 8)).ok());
    (*tokens_)["revoked"] = *revoked;

    ServerOptions o;
    o.store_dir = *dir_;
    o.cases_dir = std::string(LIFELINE_SOURCE_DIR) + "/data/cases";
    o.rate_per_minute = 0;
    o.access_log = false;
    o.max_body_bytes = 64 * 1024;
    o.verifier_page = [] { return Result<std::string>("<!DOCTYPE html><title>verifier</title><script>1</script>"); };
    auto s = RunningServer::Start(o);
    ASSERT_OK(s);
    server_ = std::move(*s);
    port_ = server_->port();
  }

  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(*dir_);
    dir_.reset();
    tokens_.reset();
  }

  // A failed suite set-up fails every test (it must never pass by skipping).
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the suite's set-up failed"; }

  static httplib::Headers Auth(const std::string& who) {
    if (who == "anonymous") return {};
    if (who == "garbage") return {{"Authorization", "Bearer llt_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}};
    return {{"Authorization", "Bearer " + tokens_->at(who)}};
  }

  static httplib::Result Get(const std::string& path, const std::string& who = "anonymous") {
    httplib::Client c("127.0.0.1", port_);
    return c.Get(path.c_str(), Auth(who));
  }

  static httplib::Result Post(const std::string& path, const std::string& body, const std::string& type,
                              const std::string& who) {
    httplib::Client c("127.0.0.1", port_);
    return c.Post(path.c_str(), Auth(who), body, type.c_str());
  }

  inline static std::unique_ptr<std::string> dir_;
  inline static std::unique_ptr<std::map<std::string, std::string>> tokens_;
  inline static std::unique_ptr<RunningServer> server_;
  inline static int port_ = 0;
};

// A new claim about a Lachin record, unique per call.
std::string NewClaim(const std::string& tag) {
  return R"({"kind":"claim","id":"cl-test-)" + tag +
         R"(","case":"lachin-2022-23","about":"rs-2022-12-12-closure","party":"A test party","stance":"confirms","text":"Seen.","sources":["src-ombudsmen-2023-01-13-joint-report"]})";
}

std::string NewIncident(const std::string& tag) {
  return R"({"kind":"incident","id":"inc-test-)" + tag +
         R"(","case":"lachin-2022-23","date":"2023-01-05","event_type":"Protests","description":"A test incident","sources":["src-ombudsmen-2023-01-13-joint-report"],"location":{"name":"Somewhere","country":"AZE"}})";
}

// Each role x each endpoint: 2xx, 401 or 403 as the roles say.
TEST_F(ServerTest, AuthorizationMatrix) {
  const std::vector<std::string> callers = {"anonymous", "garbage", "revoked", "viewer", "verifier", "monitor", "admin"};
  struct Row {
    std::string method, path;
    std::vector<int> expect;  // per caller, in the order above
    std::string body = "";    // POST: a function of the caller (unique ids)
  };
  const std::string L = "/api/v1/cases/lachin-2022-23", P = "/api/v1/cases/priv-case";
  std::vector<Row> rows = {
      // public reads: anyone with no token or a valid one; a bad token is always 401
      {"GET", "/api/v1/cases", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/api/v1/records?case=lachin-2022-23&limit=5", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/api/v1/records/rs-2022-12-12-closure", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/indicators?from=2023-01-01&to=2023-01-07", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/compliance", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/severity?by=week", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/risk", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/scenarios", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/forecast?scenario=airlift", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/export?format=jsonl", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", L + "/report?lang=hy&from=2023-06-01&to=2023-06-30", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/api/v1/checkpoint", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/checkpoint", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/witness-policy", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/api/v1/consistency?from=3&to=9", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/tile/0/000", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/openapi.json", {200, 200, 200, 200, 200, 200, 200}},
      // a private case: a token of any role; to anonymous callers it answers
      // as a missing case does (an empty list, 404), its entry bundles too
      {"GET", "/api/v1/records?case=priv-case", {200, 401, 401, 200, 200, 200, 200}},
      {"GET", "/api/v1/records/inc-priv", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/indicators", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/compliance", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/severity", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/risk", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/export?format=hxl", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", P + "/report", {404, 401, 401, 200, 200, 200, 200}},
      {"GET", "/tile/entries/000", {401, 401, 401, 200, 200, 200, 200}},
      // admin only
      {"GET", "/api/v1/tokens", {401, 401, 401, 403, 403, 403, 200}},
      // writes: claims from verifiers up, other kinds from monitors up
      {"POST", "/api/v1/records", {401, 401, 401, 403, 201, 201, 201}, "claim"},
      {"POST", "/api/v1/records", {401, 401, 401, 403, 403, 201, 201}, "incident"},
      // OpenRosa: the forms for any token (their choices name every case);
      // HEAD /submission (answered by its GET route) from verifiers up
      {"GET", "/formList", {401, 401, 401, 200, 200, 200, 200}},
      // a form only for the roles that submit it: the movement form a monitor's, the claim form a verifier's too
      {"GET", "/forms/lifeline-movement.xml", {401, 401, 401, 403, 403, 200, 200}},
      {"GET", "/forms/lifeline-claim.xml", {401, 401, 401, 403, 200, 200, 200}},
      {"GET", "/submission", {401, 401, 401, 403, 204, 204, 204}},
  };
  int n = 0;
  for (const auto& row : rows) {
    for (size_t i = 0; i < callers.size(); ++i) {
      const std::string& who = callers[i];
      std::string tag = who + "-" + std::to_string(++n);
      httplib::Result r =
          row.method == "GET"
              ? Get(row.path, who)
              : Post(row.path, row.body == "claim" ? NewClaim(tag) : NewIncident(tag), "application/json", who);
      ASSERT_TRUE(r) << row.method << " " << row.path << " as " << who << ": no response";
      EXPECT_EQ(r->status, row.expect[i]) << row.method << " " << row.path << " as " << who << ": " << r->body;
      if (r->status == 401) {  // ODK Collect can send no Bearer token: Basic on its routes
        const bool openrosa = row.path.rfind("/form", 0) == 0 || row.path.rfind("/submission", 0) == 0;
        EXPECT_EQ(r->get_header_value("WWW-Authenticate").substr(0, 6), openrosa ? "Basic " : "Bearer");
      }
    }
  }
}

TEST_F(ServerTest, EveryWriteIsALogRecordByItsToken) {
  uint64_t before = LogSize(*dir_);
  auto r = Post("/api/v1/records", NewIncident("by-check"), "application/json", "monitor");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(LogSize(*dir_), before + 1);
  auto show = Get("/api/v1/records/inc-test-by-check", "viewer");
  ASSERT_TRUE(show);
  ASSERT_EQ(show->status, 200);
  json j = json::parse(show->body);
  EXPECT_EQ(j["record"]["by"], "api:" + tokens_->at("monitor").substr(4, 8));
  // The same record again is unchanged: 200, nothing appended.
  r = Post("/api/v1/records", NewIncident("by-check"), "application/json", "monitor");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(LogSize(*dir_), before + 1);
}

TEST_F(ServerTest, ConfidentialFieldsOfAWriteAreSealedBeforeTheLog) {
  const std::string marker = "API-CONFIDENTIAL-5e1b";
  std::string rec = NewIncident("sealed");
  rec.insert(rec.size() - 1, R"(,"confidential":{"source_name":")" + marker + R"("})");
  auto r = Post("/api/v1/records", rec, "application/json", "monitor");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  for (const char* f : {"/lifeline.db", "/lifeline.db-wal"}) {
    EXPECT_EQ(ReadAll(*dir_ + f).find(marker), std::string::npos) << f << " holds the plaintext";
  }
  auto bundle = Get("/tile/entries/001.p/" + std::to_string(LogSize(*dir_) - 256), "viewer");
  ASSERT_TRUE(bundle);
  ASSERT_EQ(bundle->status, 200);
  EXPECT_NE(bundle->body.find("inc-test-sealed"), std::string::npos);
  EXPECT_EQ(bundle->body.find(marker), std::string::npos);
  auto view = Get("/api/v1/records/inc-test-sealed", "verifier");
  ASSERT_TRUE(view);
  EXPECT_EQ(json::parse(view->body)["record"]["confidential"]["source_name"], marker);
}

TEST_F(ServerTest, BadRequestsAre4xxAndWriteNothing) {
  const uint64_t before = LogSize(*dir_);
  struct Case {
    std::string body, type;
    int status;
  };
  std::string big(70 * 1024, ' ');  // over the 64 KiB limit of this server
  big = NewIncident("big") + big;
  std::vector<Case> cases = {
      {big, "application/json", 413},
      {"{\"kind\": \"incident\",", "application/json", 400},                           // truncated JSON
      {"{\"a\":1,\"a\":2}", "application/json", 400},                                 // duplicate key
      {"[]", "application/json", 400},                                                 // nothing
      {NewIncident("x"), "text/plain", 415},                                           // wrong type
      {R"({"kind":"incident","id":"inc-bad","case":"lachin-2022-23"})", "application/json", 422},  // invalid record
      {"[" + NewIncident("ok-1") + R"(,{"kind":"incident","id":"BAD ID"}])", "application/json", 422},  // one bad: none written
      {NewIncident("nd-1") + "\n{not json}\n", "application/x-ndjson", 400},
  };
  for (const auto& c : cases) {
    auto r = Post("/api/v1/records", c.body, c.type, "monitor");
    ASSERT_TRUE(r) << c.body.substr(0, 80);
    EXPECT_EQ(r->status, c.status) << c.body.substr(0, 80) << " -> " << r->body.substr(0, 300);
    EXPECT_FALSE(r->body.empty());
    if (!r->body.empty()) {
      json j = json::parse(r->body, nullptr, false);
      EXPECT_TRUE(j.is_object() && j.value("ok", true) == false) << r->body.substr(0, 200);
    }
  }
  // A 422 names the record and field.
  auto r = Post("/api/v1/records", R"({"kind":"incident","id":"inc-bad","case":"lachin-2022-23"})", "application/json",
                "monitor");
  ASSERT_TRUE(r);
  json j = json::parse(r->body);
  ASSERT_FALSE(j["rejections"].empty());
  EXPECT_EQ(j["rejections"][0]["id"], "inc-bad");
  EXPECT_FALSE(j["rejections"][0]["field"].get<std::string>().empty());
  // ... and says what to do instead (docs/records.md, "Refusals and hints").
  for (const auto& rejection : j["rejections"]) {
    EXPECT_FALSE(rejection.value("hint", "").empty()) << rejection.dump();
  }
  auto typo = Post("/api/v1/records",
                   R"({"kind":"source","id":"src-typo","case":"lachin-2022-23","publisher":"P","title":"T","pubished":"2023-01-01"})",
                   "application/json", "monitor");
  ASSERT_TRUE(typo);
  EXPECT_EQ(typo->status, 422);
  json t = json::parse(typo->body);
  ASSERT_EQ(t["rejections"].size(), 1u) << typo->body;
  EXPECT_EQ(t["rejections"][0]["field"], "pubished");
  EXPECT_EQ(t["rejections"][0]["hint"].get<std::string>().rfind("did you mean `published`? ", 0), 0u) << typo->body;
  // Bad parameters and paths.
  for (std::string p : {"/api/v1/records?limit=0", "/api/v1/records?limit=abc", "/api/v1/records?from=2023-13-45",
                               "/api/v1/records?nope=1", "/api/v1/cases/lachin-2022-23/forecast?scenario=../../etc",
                               "/api/v1/cases/lachin-2022-23/export?format=xml",
                               "/api/v1/cases/lachin-2022-23/export?format=csv"}) {
    auto g = Get(p, "viewer");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->status, 400) << p << ": " << g->body.substr(0, 300);
  }
  for (std::string p : {"/api/v1/records/no-such-record", "/api/v1/cases/lachin-2022-23/forecast?scenario=nope",
                               "/api/v1/cases/no-such-case/indicators", "/tile/0/x999/000", "/tile/entries/005",
                               "/tile/0/000.p/300", "/api/v1/nothing"}) {
    auto g = Get(p, "viewer");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->status, 404) << p << ": " << g->body.substr(0, 300);
  }
  EXPECT_EQ(LogSize(*dir_), before);
}

TEST_F(ServerTest, ConfidentialNeverReachesViewersOrExports) {
  // Sanity: the marker is in the store's record, so its absence below means something.
  {
    auto st = store::SqliteStore::Open(*dir_ + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
    ASSERT_TRUE(st.ok());
    auto row = (*st)->FindRecord("inc-priv");
    ASSERT_TRUE(row.ok());
    ASSERT_NE(row->body.find("\"sealed\""), std::string::npos);
    ASSERT_EQ(row->body.find(kMarker), std::string::npos) << "sealed before it reached the log";
  }
  std::vector<std::string> paths = {"/api/v1/cases", "/api/v1/records?case=priv-case", "/api/v1/records?text=witness",
                                    "/api/v1/records/inc-priv", "/api/v1/records?all=true&limit=1000"};
  for (const char* f : {"jsonl", "hxl", "acled", "geojson"}) paths.push_back(std::string("/api/v1/cases/priv-case/export?format=") + f);
  paths.push_back("/api/v1/cases/priv-case/export?format=csv&kind=incident");
  paths.push_back("/api/v1/cases/priv-case/report");
  for (std::string who : {"viewer", "admin"}) {
    for (const auto& p : paths) {
      // The record page opens the field for admins (below); lists and exports never do.
      if (who == "admin" && p == "/api/v1/records/inc-priv") continue;
      auto r = Get(p, who);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << p << " as " << who << ": " << r->body.substr(0, 200);
      EXPECT_EQ(r->body.find(kMarker), std::string::npos) << p << " as " << who << " leaks the confidential field";
    }
  }
  auto show = Get("/api/v1/records/inc-priv", "viewer");
  ASSERT_TRUE(show);
  json j = json::parse(show->body);
  EXPECT_EQ(j["record"]["confidential"], "(withheld)");
  // The log entry itself holds only the sealed form, so it is served to
  // anyone (the browser checks its inclusion proof).
  ASSERT_TRUE(j.contains("entry"));
  // Verifiers, monitors and admins read the field on the record page.
  for (std::string who : {"verifier", "monitor", "admin"}) {
    auto r = Get("/api/v1/records/inc-priv", who);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << who;
    EXPECT_EQ(json::parse(r->body)["record"]["confidential"]["witness"], kMarker) << who;
  }
}

TEST_F(ServerTest, RecordViewCarriesAProofThatVerifies) {
  auto r = Get("/api/v1/records/rs-2022-12-12-closure");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json j = json::parse(r->body);
  for (const char* k : {"entry", "proof", "leaf_index", "tree_size", "root", "checkpoint_note", "receipt", "sources"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_FALSE(j["sources"].empty());
  EXPECT_EQ(j["status"], "disputed");  // the parties' claims about the closure differ
}

// The risk view over HTTP: the bundled case's tags counted as the file has
// them (recounted here from records.jsonl), the statement of no verdict,
// at= and a bad framework.
TEST_F(ServerTest, RiskCountsTheBundledCasesTagsAndStatesNoVerdict) {
  std::istringstream lines(ReadAll(std::string(LIFELINE_SOURCE_DIR) + "/data/cases/lachin-2022-23/records.jsonl"));
  std::map<std::string, int64_t> want;  // factor -> tags
  int64_t total = 0;
  for (std::string line; std::getline(lines, line);) {
    json r = json::parse(line);
    if (r["kind"] != "tag") continue;
    ++want[r["factor"].get<std::string>()];
    ++total;
  }
  ASSERT_GT(total, 0);
  auto r = Get("/api/v1/cases/lachin-2022-23/risk");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_NE(j["statement"].get<std::string>().find("states no verdict"), std::string::npos);
  EXPECT_EQ(j["totals"]["tags"], total);
  ASSERT_EQ(j["factors"].size(), 14u);
  for (const json& f : j["factors"]) {
    const std::string id = f["factor"];
    EXPECT_EQ(f["counts"]["tags"], want.count(id) ? want[id] : 0) << id;
  }
  auto at = Get("/api/v1/cases/lachin-2022-23/risk?at=" + j["checkpoint"]["size"].dump());
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200);
  EXPECT_EQ(json::parse(at->body)["totals"], j["totals"]);
  auto bad = Get("/api/v1/cases/lachin-2022-23/risk?framework=nope");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("un-foa-2014"), std::string::npos) << bad->body;
}

TEST_F(ServerTest, TilesAndCheckpointForWitnesses) {
  auto cp = Get("/checkpoint");
  ASSERT_TRUE(cp);
  ASSERT_EQ(cp->status, 200);
  EXPECT_EQ(cp->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(cp->body.rfind("test.invalid/server\n", 0), 0u) << cp->body;
  auto full = Get("/tile/0/000");
  ASSERT_TRUE(full);
  ASSERT_EQ(full->status, 200);
  EXPECT_EQ(full->body.size(), 256u * 32);
  EXPECT_EQ(full->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  auto part = Get("/tile/0/000.p/7");
  ASSERT_TRUE(part);
  ASSERT_EQ(part->status, 200);
  EXPECT_EQ(part->body, full->body.substr(0, 7 * 32));  // a prefix of the full tile
  EXPECT_NE(part->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  // The log holds a private case: its entry bundles need a token (the hash
  // tiles and the checkpoint above do not: they show no record).
  auto bundle = Get("/tile/entries/000");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 401);
  bundle = Get("/tile/entries/000", "viewer");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 200);
  // Now in the tile cache, whose answers skip the worker: still refused.
  bundle = Get("/tile/entries/000");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 401);
}

// A full tile is read by a worker once, answered from the cache on the event
// thread the second time, and from then on sent as the answer made then
// (http::Prepared): every one the same, headers and all.
TEST_F(ServerTest, CachedTileAnswersAreTheSameAsTheFirst) {
  auto headers = [](const httplib::Result& r) {
    httplib::Headers h = r->headers;
    h.erase("Date");
    h.erase("Keep-Alive");
    return h;
  };
  auto first = Get("/tile/0/000");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("X-Content-Type-Options"), "nosniff");
  for (int i = 0; i < 4; ++i) {
    auto again = Get("/tile/0/000");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << i;
    EXPECT_EQ(again->body, first->body) << i;
    EXPECT_EQ(headers(again), headers(first)) << i;
  }
  httplib::Client c("127.0.0.1", port_);
  auto head = c.Head("/tile/0/000");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(first->body.size()));
  EXPECT_EQ(head->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
}

// What the dashboard checks a larger checkpoint against the one it saw
// before with (web/js/trust.js).
TEST_F(ServerTest, ConsistencyProofsVerifyAgainstTheTreesRoots) {
  auto st = store::SqliteStore::Open(*dir_ + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
  ASSERT_TRUE(st.ok());
  log::LogReader reader(st->get());
  const uint64_t n = LogSize(*dir_);
  for (uint64_t from : {uint64_t{1}, uint64_t{7}, n / 2, n}) {
    auto r = Get("/api/v1/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(n));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    json j = json::parse(r->body);
    EXPECT_EQ(j["from"], from);
    EXPECT_EQ(j["to"], n);
    std::vector<merkle::Hash> proof;
    for (const auto& b : j["proof"]) {
      auto raw = Base64Decode(b.get<std::string>());
      ASSERT_OK(raw);
      ASSERT_EQ(raw->size(), 32u);
      merkle::Hash h;
      std::copy(raw->begin(), raw->end(), h.begin());
      proof.push_back(h);
    }
    auto root1 = reader.Root(from);
    auto root2 = reader.Root(n);
    ASSERT_OK(root1);
    ASSERT_OK(root2);
    EXPECT_OK(merkle::VerifyConsistency(from, n, proof, *root1, *root2)) << from;
  }
  for (const std::string& bad : std::vector<std::string>{"from=0&to=3", "from=4&to=3", "from=1&to=" + std::to_string(n + 1), "from=1", "to=3",
                          "from=x&to=3", "from=1&to=3&extra=1"}) {
    auto r = Get("/api/v1/consistency?" + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << ": " << r->body;
  }
}

// Without DIR/witness-policy the server serves the log alone, quorum none;
// `lifeline serve` passes the store's policy (tests/web/trust_test.sh).
TEST_F(ServerTest, WitnessPolicyDefaultsToTheLogAloneWithNoQuorum) {
  auto r = Get("/witness-policy");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  auto st = store::SqliteStore::Open(*dir_ + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
  ASSERT_TRUE(st.ok());
  auto cp = (*st)->LatestCheckpoint();
  ASSERT_TRUE(cp.ok());
  auto vkey = ReadAll(*dir_ + "/log.vkey");
  while (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
  EXPECT_EQ(r->body, "log " + vkey + "\nquorum none\n");
}

// verify.html runs its inline script under its own policy, and under no
// other: a second Content-Security-Policy header would be enforced too.
TEST_F(ServerTest, VerifierPageHasItsOwnPolicyOnly) {
  auto r = Get("/verify.html");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!DOCTYPE html><title>verifier</title><script>1</script>");
  EXPECT_EQ(r->get_header_value_count("Content-Security-Policy"), 1u);
  EXPECT_EQ(r->get_header_value("Content-Security-Policy").rfind("default-src 'none'; script-src 'unsafe-inline';", 0), 0u);
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
  auto rep = Get("/api/v1/cases/lachin-2022-23/report?from=2023-06-01&to=2023-06-02");
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->get_header_value_count("Content-Security-Policy"), 1u);
}

TEST_F(ServerTest, SecurityHeadersAndNoCors) {
  for (std::string p : {"/api/v1/cases", "/openapi.json", "/tile/0/000", "/api/v1/records/nope"}) {
    auto r = Get(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << p;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << p;
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos) << p;
    EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin")) << p;
  }
  httplib::Client c("127.0.0.1", port_);
  auto pre = c.Options("/api/v1/records", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 403);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
}

// Siege severity over HTTP: the same document as the CLI's, each day's
// criteria decided by the records in force (the closure of 15 June 2023
// stops food), weeks on request, a bad `by` refused by name.
TEST_F(ServerTest, SeverityNamesTheRecordsThatDecideEachDay) {
  auto r = Get("/api/v1/cases/lachin-2022-23/severity?from=2023-06-15&to=2023-06-15");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json doc = json::parse(r->body);
  EXPECT_EQ(doc["rule"].size(), 6u);
  EXPECT_EQ(doc["criteria"].size(), 6u);
  const json& day = doc["periods"].at(0);
  EXPECT_EQ(day["from"], "2023-06-15");
  EXPECT_EQ(day["criteria"]["food"]["answer"], "no");
  EXPECT_EQ(day["criteria"]["food"]["records"], json::array({"rs-2023-06-15-full-closure"}));
  auto w = Get("/api/v1/cases/lachin-2022-23/severity?by=week&from=2023-06-12&to=2023-06-25");
  ASSERT_TRUE(w);
  ASSERT_EQ(w->status, 200) << w->body;
  json weeks = json::parse(w->body);
  EXPECT_EQ(weeks["by"], "week");
  ASSERT_EQ(weeks["periods"].size(), 2u);
  EXPECT_EQ(weeks["periods"][1]["from"], "2023-06-19");
  auto bad = Get("/api/v1/cases/lachin-2022-23/severity?by=month");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("parameter by must be day or week"), std::string::npos) << bad->body;
}

TEST_F(ServerTest, OpenApiDescribesEveryRoute) {
  auto r = Get("/openapi.json");
  ASSERT_TRUE(r);
  json doc = json::parse(r->body);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* p : {"/api/v1/cases", "/api/v1/records", "/api/v1/records/{id}", "/api/v1/cases/{case}/indicators",
                        "/api/v1/cases/{case}/compliance", "/api/v1/cases/{case}/severity", "/api/v1/cases/{case}/risk",
                        "/api/v1/cases/{case}/scenarios",
                        "/api/v1/cases/{case}/forecast", "/api/v1/cases/{case}/export", "/api/v1/cases/{case}/report", "/api/v1/checkpoint",
                        "/api/v1/tokens", "/checkpoint", "/tile/{path}", "/openapi.json", "/verify.html",
                        "/formList", "/forms/{formID}.xml", "/submission"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
  EXPECT_TRUE(doc["paths"]["/api/v1/records"].contains("post"));
  // Nothing described that the server does not answer.
  for (const auto& [path, ops] : doc["paths"].items()) {
    std::string concrete = path;
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{id}", "rs-2022-12-12-closure"}, {"{case}", "lachin-2022-23"}, {"{path}", "0/000"},
             {"{formID}", "lifeline-movement"}}) {
      if (auto at = concrete.find(from); at != std::string::npos) concrete.replace(at, from.size(), to);
    }
    if (ops.contains("get")) {
      auto g = Get(concrete + (path.find("forecast") != std::string::npos ? "?scenario=airlift" : ""), "admin");
      ASSERT_TRUE(g);
      EXPECT_NE(g->status, 404) << concrete;
    }
  }
}

// Export cells that a spreadsheet would run as formulas get a leading "'",
// in every CSV-shaped format; raw=true writes them as they are
// (src/export/README.md, "Spreadsheet-safe cells").
TEST_F(ServerTest, CsvExportsAreSpreadsheetSafeUnlessRaw) {
  const std::vector<std::string> starts = {"=", "+", "-", "@", "\t", "\r"};
  json batch = json::array();
  batch.push_back(json::parse(R"({"kind":"case","id":"formula-case","title":"Formulas","region":"Nowhere","started":"2024-01-01","sources":["src-formula"]})"));
  batch.push_back(json::parse(R"({"kind":"source","id":"src-formula","case":"formula-case","publisher":"A monitor","title":"Field note","published":"2024-01-02"})"));
  for (size_t i = 0; i < starts.size(); ++i) {
    const std::string& s = starts[i];
    const std::string n = s == "\t" || s == "\r" ? "" : s;  // names hold no tab or CR; prose may
    batch.push_back({{"kind", "incident"}, {"id", "inc-formula-" + std::to_string(i)}, {"case", "formula-case"},
                     {"date", "2024-01-03"}, {"event_type", "Protests"}, {"sources", json::array({"src-formula"})},
                     {"description", s + "HYPERLINK(\"http://example.org\",\"x\")"}, {"note", s + "note"},
                     {"actors", json::array({n + "Party"})},
                     {"location", {{"name", n + "cmd|' /C calc'!A0"}, {"country", "AZE"}, {"lat", -40.5}, {"lon", -45.2}}}});
  }
  auto posted = Post("/api/v1/records", batch.dump(), "application/json", "admin");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201) << posted->body;

  const std::string base = "/api/v1/cases/formula-case/export?";
  for (const std::string format : {"format=csv&kind=incident", "format=hxl", "format=acled"}) {
    SCOPED_TRACE(format);
    auto safe = Get(base + format, "viewer");
    auto raw = Get(base + format + "&raw=true", "viewer");
    ASSERT_TRUE(safe && raw);
    ASSERT_EQ(safe->status, 200) << safe->body;
    ASSERT_EQ(raw->status, 200) << raw->body;
    std::vector<std::string> safe_cells, raw_cells;
    for (auto [body, cells] : {std::pair{&safe->body, &safe_cells}, std::pair{&raw->body, &raw_cells}}) {
      tabular::CsvTable t = tabular::ParseCsv(*body, {.restore_neutralised = false});
      ASSERT_TRUE(t.errors.empty());
      for (const auto& rec : t.records) cells->insert(cells->end(), rec.fields.begin(), rec.fields.end());
    }
    for (const std::string& s : starts) {
      const std::string description = s + "HYPERLINK(\"http://example.org\",\"x\")";
      auto count = [](const std::vector<std::string>& cells, const std::string& cell) {
        return std::count(cells.begin(), cells.end(), cell);
      };
      EXPECT_EQ(count(safe_cells, "'" + description), 1) << "neutralised: " << s;
      EXPECT_EQ(count(safe_cells, description), 0) << "verbatim: " << s;
      EXPECT_EQ(count(raw_cells, description), 1) << "raw: " << s;
      for (const std::string& cell : safe_cells) {
        EXPECT_FALSE(cell.starts_with(s) && cell != "-45.2" && cell != "-40.5") << "a formula cell: " << cell;
      }
    }
    // The same reading back: the readers drop the "'" again.
    tabular::CsvTable back = tabular::ParseCsv(safe->body);
    std::vector<std::string> back_cells;
    for (const auto& rec : back.records) back_cells.insert(back_cells.end(), rec.fields.begin(), rec.fields.end());
    EXPECT_EQ(back_cells, raw_cells);
  }
  auto bad = Get(base + "format=hxl&raw=yes", "viewer");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST(RateLimiterTest, BucketRefillsAtItsRate) {
  RateLimiter rl(60, 3);  // one a second, bursts of three
  auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  EXPECT_TRUE(rl.Allow("a", &retry, t0));
  EXPECT_TRUE(rl.Allow("a", &retry, t0));
  EXPECT_TRUE(rl.Allow("a", &retry, t0));
  EXPECT_FALSE(rl.Allow("a", &retry, t0));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(rl.Allow("b", &retry, t0));  // callers are apart
  EXPECT_TRUE(rl.Allow("a", &retry, t0 + std::chrono::milliseconds(1001)));
  EXPECT_FALSE(rl.Allow("a", &retry, t0 + std::chrono::milliseconds(1002)));
  RateLimiter off(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.Allow("a", &retry, t0));
}

TEST(TokenStoreTest, HashedOnlyAndRevocable) {
  std::string dir = (fs::temp_directory_path() / ("lifeline-token-test-" + std::to_string(getpid()))).string();
  fs::create_directories(dir);
  TokenStore ts(dir + "/tokens.json");
  auto t = ts.Create(Role::kMonitor, "field team");
  ASSERT_TRUE(t.ok());
  std::string file = ReadAll(dir + "/tokens.json");
  EXPECT_EQ(file.find(t->substr(13)), std::string::npos) << "the secret must not be stored";
  EXPECT_EQ(fs::status(dir + "/tokens.json").permissions() & fs::perms::others_read, fs::perms::none);
  auto a = ts.Authenticate(*t);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->role, Role::kMonitor);
  std::string wrong = *t;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ts.Authenticate(wrong).ok());
  EXPECT_FALSE(ts.Authenticate("llt_short").ok());
  // Another process's revocation is seen (the file is re-read when it changes).
  TokenStore other(dir + "/tokens.json");
  ASSERT_TRUE(other.Revoke(a->id).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(ts.Authenticate(*t).ok());
  EXPECT_FALSE(ParseRole("root").ok());
  fs::remove_all(dir);
}

// An empty store in a temporary directory and a server on it with the
// options a test sets; stopped and removed at the end of the test.
class EmptyStoreServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("lifeline-server-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(getpid())))
               .string();
    fs::remove_all(dir_);
    ASSERT_TRUE(store_dir::InitStore(dir_, "test.invalid/empty").ok());
  }

  // Starts the server; returns a client of it.
  std::unique_ptr<httplib::Client> Start(ServerOptions o) {
    o.store_dir = dir_;
    o.access_log = false;
    auto s = RunningServer::Start(o);
    EXPECT_OK(s);
    if (!s.ok()) return nullptr;
    server_ = std::move(*s);
    return std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(EmptyStoreServer, TilesAndCheckpointNeedATokenWithPrivateLog) {
  auto token = TokenStore(dir_ + "/tokens.json").Create(Role::kViewer, "");
  ASSERT_TRUE(token.ok());
  ServerOptions o;
  o.private_log = true;
  auto c = Start(o);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->Get("/checkpoint")->status, 401);
  EXPECT_EQ(c->Get("/api/v1/checkpoint")->status, 401);
  EXPECT_EQ(c->Get("/checkpoint", {{"Authorization", "Bearer " + *token}})->status, 200);
  EXPECT_EQ(c->Get("/witness-policy")->status, 401);
  EXPECT_EQ(c->Get("/witness-policy", {{"Authorization", "Bearer " + *token}})->status, 200);
}

TEST_F(EmptyStoreServer, RateLimitAnswers429WithRetryAfter) {
  ServerOptions o;
  o.rate_per_minute = 6;
  o.rate_burst = 3;
  auto c = Start(o);
  ASSERT_NE(c, nullptr);
  std::vector<int> codes;
  for (int i = 0; i < 5; ++i) codes.push_back(c->Get("/checkpoint")->status);
  EXPECT_EQ(codes, (std::vector<int>{200, 200, 200, 429, 429}));
  EXPECT_FALSE(c->Get("/checkpoint")->get_header_value("Retry-After").empty());
  // Tiles are not limited (mirrors fetch them in bulk; they are immutable).
  for (int i = 0; i < 10; ++i) EXPECT_EQ(c->Get("/tile/entries/000.p/1")->status, 404);
}

}  // namespace
}  // namespace lifeline::server
