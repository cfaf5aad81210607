// The privacy model of docs/api.md ("Who sees what") against a real server
// on loopback: a public case and a private one, with the references across
// the two that an older log may hold (written to the log directly, as
// submission now refuses them), the withdrawal of a case from the public,
// the verifier's scope, and bodies that must never cause a 5xx.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "base/status_testing.h"
#include "store_dir/store_dir.h"
#include "log/log.h"
#include "record/canonical.h"
#include "record/projection.h"
#include "record/seal.h"
#include "record/submit.h"
#include "server/server.h"
#include "server/server_testing.h"
#include "server/tokens.h"
#include "store/sqlite/sqlite_store.h"

namespace lifeline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Every private record's content carries kSecret and its id starts with
// "zz-": neither may appear in any answer to an anonymous caller.
constexpr char kSecret[] = "ZZSECRET";

const std::vector<std::string> kValid = {
    R"({"kind":"source","id":"src-pub","case":"pub","publisher":"Open Monitor","title":"Public note"})",
    R"({"kind":"case","id":"pub","title":"Public case","region":"R","started":"2024-01-01","public":true,"sources":["src-pub"]})",
    R"({"kind":"incident","id":"inc-pub","case":"pub","date":"2024-01-02","event_type":"Protests","description":"Public incident","sources":["src-pub"],"location":{"name":"Town","country":"AZE"}})",
    R"({"kind":"source","id":"zz-src","case":"zz-case","publisher":"ZZSECRET publisher","title":"ZZSECRET title","url":"https://zzsecret.invalid/"})",
    R"({"kind":"case","id":"zz-case","title":"ZZSECRET case","region":"R","started":"2024-01-01","sources":["zz-src"]})",
    R"({"kind":"incident","id":"zz-inc","case":"zz-case","date":"2024-01-02","event_type":"Protests","description":"ZZSECRET incident","sources":["zz-src"],"location":{"name":"Town","country":"AZE"}})",
};

// References across the two cases, as a log written before they were
// refused may hold them.
const std::vector<std::string> kAcross = {
    R"({"kind":"claim","id":"zz-claim","case":"zz-case","about":"inc-pub","party":"ZZSECRET party","stance":"disputes","text":"ZZSECRET text","sources":["zz-src"],"recorded":"2024-02-01T00:00:00Z","by":"cli:test"})",
    R"({"kind":"incident","id":"zz-fix","case":"zz-case","supersedes":"inc-pub","date":"2024-01-02","event_type":"Protests","description":"ZZSECRET correction","sources":["zz-src"],"location":{"name":"Town","country":"AZE"},"recorded":"2024-02-01T00:00:00Z","by":"cli:test"})",
    R"({"kind":"retraction","id":"zz-retract","case":"zz-case","retracts":"inc-pub","reason":"ZZSECRET reason","recorded":"2024-02-01T00:00:00Z","by":"cli:test"})",
    R"({"kind":"incident","id":"inc-pub-cites-zz","case":"pub","date":"2024-01-03","event_type":"Protests","description":"Public incident citing a private source","sources":["zz-src"],"location":{"name":"Town","country":"AZE"},"recorded":"2024-02-01T00:00:00Z","by":"cli:test"})",
};

class PrivacyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<std::string>((fs::temp_directory_path() / ("lifeline-privacy-test-" + std::to_string(getpid()))).string());
    fs::remove_all(*dir_);
    ASSERT_TRUE(store_dir::InitStore(*dir_, "test.invalid/privacy").ok());
    {
      auto ws = store_dir::OpenWritable(*dir_);
      ASSERT_OK(ws);
      auto lg = log::Log::Open(std::move(ws->store), ws->signer);
      ASSERT_OK(lg);
      auto reader = store::SqliteStore::Open(*dir_ + "/lifeline.db", store::SqliteStore::Mode::kReadOnly);
      ASSERT_OK(reader);
      auto key = record::LoadSealKey(*dir_);
      ASSERT_OK(key);
      record::SubmitOptions so;
      so.seal_key = std::make_shared<const record::SealKey>(std::move(*key));
      std::vector<record::Candidate> cands;
      for (const auto& t : kValid) cands.push_back({"valid", *record::ParseJson(t)});
      auto rep = record::Submit(std::move(cands), **reader, lg->get(), so);
      ASSERT_OK(rep);
      ASSERT_EQ(rep->rejected, 0u) << rep->rejections[0].ToString();
      // Around validation, straight into the log.
      std::vector<std::string> entries;
      std::vector<store::RecordRow> rows;
      for (const auto& t : kAcross) {
        auto j = record::ParseJson(t);
        ASSERT_OK(j);
        auto text = record::Canonicalize(*j);
        ASSERT_OK(text);
        auto row = record::ProjectRecord(*j, *text);
        ASSERT_OK(row);
        entries.push_back(*text);
        rows.push_back(*row);
      }
      record::SubmitReport appended;
      ASSERT_TRUE(record::AppendRecords(lg->get(), entries, rows, so, &appended, std::nullopt).ok());
    }
    TokenStore ts(*dir_ + "/tokens.json");
    tokens_ = std::make_unique<std::map<std::string, std::string>>();
    for (const char* who : {"viewer", "verifier", "verifier2", "monitor"}) {
      auto role = ParseRole(std::string(who) == "verifier2" ? "verifier" : who);
      auto t = ts.Create(*role, who);
      ASSERT_OK(t);
      (*tokens_)[who] = *t;
    }
    ServerOptions o;
    o.store_dir = *dir_;
    o.rate_per_minute = 0;
    o.access_log = false;
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

  void SetUp() override { ASSERT_NE(server_, nullptr) << "the suite's set-up failed"; }

  static httplib::Headers Auth(const std::string& who) {
    if (who == "anonymous") return {};
    return {{"Authorization", "Bearer " + tokens_->at(who)}};
  }
  static httplib::Result Get(const std::string& path, const std::string& who = "anonymous") {
    httplib::Client c("127.0.0.1", port_);
    return c.Get(path.c_str(), Auth(who));
  }
  static httplib::Result Post(const std::string& body, const std::string& who) {
    httplib::Client c("127.0.0.1", port_);
    return c.Post("/api/v1/records", Auth(who), body, "application/json");
  }
  // The answer to an anonymous GET, which must hold nothing private.
  static httplib::Result Public(const std::string& path) {
    auto r = Get(path);
    EXPECT_TRUE(r) << path;
    if (r) {
      EXPECT_EQ(r->body.find(kSecret), std::string::npos) << path << ": " << r->body.substr(0, 400);
      EXPECT_EQ(r->body.find("zz-claim"), std::string::npos) << path;
      EXPECT_EQ(r->body.find("zz-fix"), std::string::npos) << path;
      EXPECT_EQ(r->body.find("zz-retract"), std::string::npos) << path;
    }
    return r;
  }
  // Submits a case record for "pub" correcting `supersedes`.
  static void CorrectCase(const std::string& id, const std::string& supersedes, bool is_public) {
    json c = {{"kind", "case"}, {"id", id},           {"case", "pub"},      {"supersedes", supersedes},
              {"title", "Public case"}, {"region", "R"}, {"started", "2024-01-01"}, {"public", is_public},
              {"sources", {"src-pub"}}};
    auto r = Post(c.dump(), "monitor");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }

  inline static std::unique_ptr<std::string> dir_;
  inline static std::unique_ptr<std::map<std::string, std::string>> tokens_;
  inline static std::unique_ptr<RunningServer> server_;
  inline static int port_ = 0;
};

// What a public record shows comes from its own case only: a claim, a
// correction and a retraction filed in the private case neither show nor
// act, and a private source cited across cases is not listed.
TEST_F(PrivacyTest, ReferencesAcrossCasesNeitherShowNorAct) {
  auto r = Public("/api/v1/records/inc-pub");
  ASSERT_EQ(r->status, 200) << r->body;
  json v = json::parse(r->body);
  EXPECT_EQ(v["status"], "single-source");
  EXPECT_TRUE(v["claims"].empty());
  EXPECT_TRUE(v["newer_versions"].empty());
  EXPECT_TRUE(v["retracted_by"].empty());
  EXPECT_TRUE(v["disputed_by"].empty());
  r = Public("/api/v1/records/inc-pub-cites-zz");
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(json::parse(r->body)["sources"].empty());
  // Still current in its case, for every reader.
  for (const std::string who : {"anonymous", "viewer"}) {
    auto list = Get("/api/v1/records?case=pub&kind=incident", who);
    ASSERT_TRUE(list);
    EXPECT_NE(list->body.find("\"inc-pub\""), std::string::npos) << who << ": " << list->body;
  }
  for (const std::string path : {"/api/v1/cases", "/api/v1/records?limit=1000", "/api/v1/records?all=true&limit=1000",
                                 "/api/v1/records?text=ZZSECRET", "/api/v1/cases/pub/indicators",
                                 "/api/v1/cases/pub/compliance", "/api/v1/cases/pub/headline", "/api/v1/cases/pub/severity",
                                 "/api/v1/cases/pub/risk",
                                 "/api/v1/cases/pub/export?format=jsonl", "/api/v1/cases/pub/export?format=hxl",
                                 "/api/v1/cases/pub/export?format=acled", "/api/v1/cases/pub/export?format=geojson",
                                 "/api/v1/cases/pub/export?format=csv&kind=incident", "/api/v1/cases/pub/report"}) {
    auto a = Public(path);
    EXPECT_EQ(a->status, 200) << path << ": " << a->body.substr(0, 300);
  }
}

// An anonymous caller cannot tell a private record or case from a missing
// one: the same status and the same words, the id aside.
TEST_F(PrivacyTest, ExistenceNeverLeaks) {
  auto same = [](const std::string& a_path, const std::string& a_id, const std::string& b_path,
                 const std::string& b_id) {
    auto a = Public(a_path);
    auto b = Public(b_path);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->status, b->status) << a_path << " vs " << b_path;
    EXPECT_EQ(std::regex_replace(a->body, std::regex(a_id), "X"), std::regex_replace(b->body, std::regex(b_id), "X"));
    EXPECT_EQ(a->get_header_value("WWW-Authenticate"), b->get_header_value("WWW-Authenticate"));
  };
  same("/api/v1/records/zz-inc", "zz-inc", "/api/v1/records/no-such-record", "no-such-record");
  same("/api/v1/records?case=zz-case", "zz-case", "/api/v1/records?case=no-such-case", "no-such-case");
  for (const std::string tail : {"/indicators", "/compliance", "/severity", "/headline", "/risk", "/scenarios",
                                 "/forecast?scenario=any",
                                 "/export?format=jsonl", "/report"}) {
    same("/api/v1/cases/zz-case" + tail, "zz-case", "/api/v1/cases/no-such-case" + tail, "no-such-case");
  }
  // A token reads it.
  auto r = Get("/api/v1/records/zz-inc", "viewer");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// The log holds a private case: its entry bundles need a token; the hash
// tiles and the checkpoint, which show no record, do not.
TEST_F(PrivacyTest, EntryBundlesOfALogWithPrivateCasesNeedAToken) {
  auto cp = Get("/checkpoint");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->status, 200);
  auto tile = Get("/tile/0/000.p/3");
  ASSERT_TRUE(tile);
  EXPECT_EQ(tile->status, 200);
  auto bundle = Get("/tile/entries/000.p/3");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 401);
  bundle = Get("/tile/entries/000.p/3", "viewer");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 200);
}

// Submission keeps references within a case.
TEST_F(PrivacyTest, SubmissionRefusesReferencesAcrossCases) {
  auto r = Post(R"({"kind":"claim","id":"cl-across","case":"zz-case","about":"inc-pub","party":"P","stance":"disputes","text":"t","sources":["zz-src"]})",
                "verifier");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find("\"field\":\"about\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("its own case"), std::string::npos) << r->body;
  r = Post(R"({"kind":"incident","id":"inc-across","case":"pub","date":"2024-01-05","event_type":"Protests","description":"d","sources":["zz-src"],"location":{"name":"Town","country":"AZE"}})",
           "monitor");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find("sources[0]"), std::string::npos) << r->body;
}

// Withdrawing a case from the public (a correction saying public: false, or
// a retraction of its case record) takes effect on every route at once.
TEST_F(PrivacyTest, WithdrawingACaseHidesItEverywhere) {
  const std::vector<std::string> routes = {"/api/v1/records/inc-pub", "/api/v1/cases/pub/indicators",
                                           "/api/v1/cases/pub/export?format=jsonl", "/api/v1/cases/pub/report",
                                           "/api/v1/cases/pub/headline"};
  auto hidden = [&](const std::string& when) {
    for (const auto& p : routes) {
      auto r = Public(p);
      EXPECT_EQ(r->status, 404) << when << ": " << p << ": " << r->body.substr(0, 200);
      EXPECT_EQ(r->body.find("Public incident"), std::string::npos) << when << ": " << p;
    }
    auto cases = Public("/api/v1/cases");
    EXPECT_EQ(cases->body.find("\"pub\""), std::string::npos) << when << ": " << cases->body;
    auto list = Public("/api/v1/records?case=pub");
    EXPECT_EQ(json::parse(list->body)["total"], 0) << when;
    auto viewer = Get("/api/v1/records/inc-pub", "viewer");
    EXPECT_EQ(viewer->status, 200) << when;
  };
  CorrectCase("pub-v2", "pub", false);
  hidden("corrected to public: false");
  CorrectCase("pub-v3", "pub-v2", true);
  EXPECT_EQ(Public("/api/v1/records/inc-pub")->status, 200);
  auto r = Post(R"({"kind":"retraction","id":"pub-gone","case":"pub","retracts":"pub-v3","reason":"withdrawn"})", "monitor");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  hidden("case record retracted");
}

// A verifier corrects only its own claims; a monitor may correct anyone's,
// and the record view says so.
TEST_F(PrivacyTest, AVerifierCorrectsOnlyItsOwnClaims) {
  auto claim = [](const std::string& id, const std::string& supersedes, const std::string& stance) {
    json c = {{"kind", "claim"}, {"id", id},         {"case", "pub"},          {"about", "inc-pub"},
              {"party", "P"},    {"stance", stance}, {"text", "seen " + id}, {"sources", {"src-pub"}}};
    if (!supersedes.empty()) c["supersedes"] = supersedes;
    return c.dump();
  };
  auto r = Post(claim("cl-v1", "", "confirms"), "verifier");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  r = Post(claim("cl-v1-other", "cl-v1", "disputes"), "verifier2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_NE(r->body.find("another principal"), std::string::npos) << r->body;
  r = Post(claim("cl-v2", "cl-v1", "confirms"), "verifier");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  auto own = Get("/api/v1/records/cl-v2", "viewer");
  EXPECT_EQ(json::parse(own->body)["corrects_another_author"], false);
  r = Post(claim("cl-v3", "cl-v2", "confirms"), "monitor");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  auto other = Get("/api/v1/records/cl-v3", "viewer");
  EXPECT_EQ(json::parse(other->body)["corrects_another_author"], true);
}

// No body, however malformed, gets a 5xx or a library's words.
TEST_F(PrivacyTest, MalformedBodiesAreClientErrors) {
  const std::vector<std::string> bodies = {
      R"({"kind":5})",  R"({"kind":null})", R"({"kind":["claim"]})", R"([1,2])", R"({})", R"("x")", R"(null)",
      R"({"kind":"claim","id":5})", R"({"kind":"claim","id":"c","case":7,"about":{},"supersedes":[1]})",
      R"({"kind":"claim","supersedes":5})", R"({"kind":"incident","id":"i","case":"pub","date":20240101})",
      R"({"kind":"case","id":"c","public":"yes"})"};
  for (const std::string who : {"verifier", "monitor"}) {
    for (const auto& b : bodies) {
      auto r = Post(b, who);
      ASSERT_TRUE(r) << b;
      EXPECT_GE(r->status, 400) << who << " " << b;
      EXPECT_LT(r->status, 500) << who << " " << b << ": " << r->body;
      EXPECT_EQ(r->body.find("json.exception"), std::string::npos) << r->body;
      EXPECT_EQ(r->body.find("type_error"), std::string::npos) << r->body;
    }
  }
}

}  // namespace
}  // namespace lifeline::server
