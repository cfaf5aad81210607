// Pushing checkpoints to witnesses end to end on loopback: a real store,
// two or three test witnesses (witness_server.h) speaking C2SP tlog-witness,
// the cosigned checkpoint on disk and the quorum of the policy. Also the
// cosigned checkpoint checked by the independent Go verifier
// (../shared/tools/tlog-verify `cosig`).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "log/log.h"
#include "note/checkpoint.h"
#include "note/cosignature.h"
#include "store/sqlite/sqlite_store.h"
#include "subprocess.h"
#include "witness/witness.h"
#include "witness_server.h"

namespace lifeline::witness {
namespace {

using testing::TestWitness;
using namespace std::chrono_literals;

constexpr char kOrigin[] = "example.org/witness-test";

class WitnessPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<lifeline::testing::TempDir>("witness-test");
    dir_ = tmp_->path() + "/store";
    std::filesystem::create_directories(dir_);
    crypto::Ed25519Seed seed;
    seed.fill(7);
    signer_ = std::make_unique<note::Signer>(kOrigin, seed);
    log_key_ = std::make_unique<note::Verifier>(signer_->verifier());
    auto st = store::SqliteStore::Create(db(), kOrigin);
    ASSERT_OK(st);
    auto lg = log::Log::Open(std::move(*st), *signer_);  // commits the empty tree's checkpoint
    ASSERT_OK(lg);
  }

  std::string db() const { return dir_ + "/lifeline.db"; }

  Result<std::unique_ptr<store::SqliteStore>> Reader() {
    return store::SqliteStore::Open(db(), store::SqliteStore::Mode::kReadOnly);
  }

  // Starts n witnesses trusting the log and configures them with `quorum`.
  void StartWitnesses(int n, const std::string& quorum) {
    Policy p;
    ASSERT_TRUE(EnsureLog(p, *log_key_).ok());
    for (int i = 0; i < n; ++i) {
      std::string name = "w" + std::to_string(i + 1);
      witnesses_.push_back(std::make_unique<TestWitness>("witness.example/" + name, static_cast<uint8_t>(40 + i),
                                                         std::vector<note::Verifier>{*log_key_}));
      ASSERT_TRUE(witnesses_.back()->Start().ok());
      ASSERT_TRUE(AddWitness(p, {name, witnesses_.back()->vkey(), witnesses_.back()->url()}).ok());
    }
    ASSERT_TRUE(SetQuorum(p, quorum).ok());
    ASSERT_TRUE(SavePolicy(dir_, p).ok());
  }

  void Append(int n) {
    auto st = store::SqliteStore::Open(db(), store::SqliteStore::Mode::kReadWrite);
    ASSERT_OK(st);
    auto lg = log::Log::Open(std::move(*st), *signer_);
    ASSERT_OK(lg);
    std::vector<std::future<Result<uint64_t>>> fs;
    for (int i = 0; i < n; ++i) fs.push_back((*lg)->Append("entry " + std::to_string(next_++)));
    for (auto& f : fs) ASSERT_TRUE(f.get().ok());
  }

  Result<PushReport> Push(std::chrono::milliseconds timeout = 5s) {
    auto rs = Reader();
    if (!rs.ok()) return rs.status();
    return PushToWitnesses(dir_, **rs, *log_key_, timeout);
  }

  std::string LatestNote() {
    auto rs = Reader();
    EXPECT_TRUE(rs.ok());
    auto cp = (*rs)->LatestCheckpoint();
    EXPECT_TRUE(cp.ok());
    return cp->note;
  }

  std::string ReadFile(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Which of the witnesses' keys have a valid cosignature in `text`.
  int ValidCosignatures(const std::string& text) {
    auto cp = note::OpenCheckpoint(text, *log_key_);  // the log's signature still verifies
    EXPECT_OK(cp);
    if (!cp.ok()) return -1;
    int n = 0;
    for (const auto& w : witnesses_) {
      auto v = note::CosignatureVerifier::Parse(w->vkey());
      for (const note::Signature& sig : cp->note.signatures) {
        if (v->Verify(cp->note.text, sig).ok()) ++n;
      }
    }
    return n;
  }

  const WitnessResult& ResultFor(const PushReport& r, const std::string& name) {
    for (const WitnessResult& w : r.witnesses) {
      if (w.name == name) return w;
    }
    ADD_FAILURE() << "no result for " << name;
    return r.witnesses.front();
  }

  std::unique_ptr<lifeline::testing::TempDir> tmp_;
  std::string dir_;
  std::unique_ptr<note::Signer> signer_;
  std::unique_ptr<note::Verifier> log_key_;
  std::vector<std::unique_ptr<TestWitness>> witnesses_;
  int next_ = 0;
};

TEST_F(WitnessPushTest, ThreeWitnessesCosignAndTheQuorumIsMet) {
  StartWitnesses(3, "2");
  Append(10);
  auto r = Push();
  ASSERT_OK(r);
  EXPECT_EQ(r->origin, kOrigin);
  EXPECT_EQ(r->size, 10u);
  EXPECT_TRUE(r->quorum_met);
  EXPECT_EQ(r->quorum, "2 of 3 (w1, w2, w3)");
  ASSERT_EQ(r->witnesses.size(), 3u);
  for (const WitnessResult& w : r->witnesses) {
    EXPECT_EQ(w.outcome, Outcome::kCosigned) << w.name << ": " << w.error;
    EXPECT_EQ(w.http_status, 200);
    EXPECT_EQ(w.old_size, 0u);
    EXPECT_GT(w.timestamp, 1700000000u);
  }
  EXPECT_EQ(r->cosigners, (std::vector<std::string>{"w1", "w2", "w3"}));
  // The file is the report's text: the stored note plus three cosignatures.
  const std::string latest = LatestNote();
  EXPECT_EQ(ReadFile("checkpoint.cosigned"), r->cosigned_checkpoint);
  EXPECT_EQ(r->cosigned_checkpoint.rfind(latest, 0), 0u);
  EXPECT_EQ(ValidCosignatures(r->cosigned_checkpoint), 3);
  for (const auto& w : witnesses_) EXPECT_EQ(w->size(kOrigin), 10u);

  // Served while current; the plain note once the log has grown.
  auto pub = PublishedCheckpoint(dir_, latest);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, r->cosigned_checkpoint);
  Append(1);
  pub = PublishedCheckpoint(dir_, LatestNote());
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, LatestNote());
  EXPECT_NE(*pub, r->cosigned_checkpoint);
}

TEST_F(WitnessPushTest, QuorumNotMetWhenAWitnessIsDown) {
  StartWitnesses(3, "all");
  Append(5);
  witnesses_[1]->Stop();
  auto r = Push(2s);
  ASSERT_OK(r);
  EXPECT_FALSE(r->quorum_met);
  EXPECT_EQ(r->cosigners, (std::vector<std::string>{"w1", "w3"}));
  const WitnessResult& down = ResultFor(*r, "w2");
  EXPECT_EQ(down.outcome, Outcome::kFailed);
  EXPECT_EQ(down.http_status, 0);
  EXPECT_NE(down.error.find("could not connect"), std::string::npos) << down.error;
  EXPECT_EQ(ValidCosignatures(ReadFile("checkpoint.cosigned")), 2);

  // With a quorum of 2 the same outcome passes.
  Policy p = *LoadPolicy(dir_);
  ASSERT_TRUE(SetQuorum(p, "2").ok());
  ASSERT_TRUE(SavePolicy(dir_, p).ok());
  r = Push(2s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->quorum_met);
}

TEST_F(WitnessPushTest, CosignaturesOfTheSameCheckpointAreKeptAcrossPushes) {
  StartWitnesses(3, "all");
  Append(4);
  ASSERT_TRUE(Push().ok());
  // w3 goes away; pushing the same checkpoint again keeps its cosignature.
  witnesses_[2]->Stop();
  auto r = Push(2s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ResultFor(*r, "w3").outcome, Outcome::kFailed);
  EXPECT_TRUE(r->quorum_met);
  EXPECT_EQ(ValidCosignatures(r->cosigned_checkpoint), 3);
  // Once the log grows, the old one does not count.
  Append(1);
  r = Push(2s);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->quorum_met);
  EXPECT_EQ(ValidCosignatures(r->cosigned_checkpoint), 2);
}

TEST_F(WitnessPushTest, ABadCosignatureIsRejected) {
  StartWitnesses(3, "all");
  witnesses_[0]->set_mode(TestWitness::Mode::kBadCosignature);
  Append(3);
  auto r = Push();
  ASSERT_TRUE(r.ok());
  const WitnessResult& bad = ResultFor(*r, "w1");
  EXPECT_EQ(bad.outcome, Outcome::kFailed);
  EXPECT_EQ(bad.http_status, 200);
  EXPECT_NE(bad.error.find("bad cosignature rejected"), std::string::npos) << bad.error;
  EXPECT_FALSE(r->quorum_met);
  EXPECT_EQ(r->cosigners, (std::vector<std::string>{"w2", "w3"}));
  EXPECT_EQ(ValidCosignatures(r->cosigned_checkpoint), 2);
  // Exactly the log's signature and two cosignature lines, nothing from w1.
  auto n = note::ParseNote(r->cosigned_checkpoint);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->signatures.size(), 3u);
  for (const auto& s : n->signatures) EXPECT_NE(s.name, "witness.example/w1");
}

TEST_F(WitnessPushTest, ConsistencyAcrossSeveralAppendsStartsFromTheAcknowledgedSize) {
  StartWitnesses(2, "all");
  uint64_t expected_old = 0;
  for (int round = 1; round <= 4; ++round) {
    Append(round * 37);  // sizes 37, 111, 222, 370: odd sizes, several proof shapes
    auto r = Push();
    ASSERT_OK(r);
    EXPECT_TRUE(r->quorum_met) << "round " << round;
    for (const WitnessResult& w : r->witnesses) {
      EXPECT_EQ(w.outcome, Outcome::kCosigned) << w.error;
      EXPECT_EQ(w.old_size, expected_old);
      EXPECT_FALSE(w.conflict_retried);
    }
    expected_old = r->size;
    auto acked = LoadAcknowledged(dir_);
    ASSERT_TRUE(acked.ok());
    for (const auto& w : witnesses_) EXPECT_EQ(acked->at(w->vkey()), r->size);
  }
  for (const auto& w : witnesses_) EXPECT_EQ(w->size(kOrigin), 370u);
  // Pushing the same checkpoint again: old = size, an empty proof.
  auto r = Push();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->quorum_met);
  EXPECT_EQ(r->witnesses[0].old_size, 370u);
}

TEST_F(WitnessPushTest, ConflictIsRecoveredFromTheWitnessSize) {
  StartWitnesses(2, "all");
  Append(20);
  ASSERT_TRUE(Push().ok());
  // The acknowledged sizes are lost (a restored backup, a new machine).
  std::filesystem::remove(dir_ + "/witness-state.json");
  Append(13);
  auto r = Push();
  ASSERT_OK(r);
  EXPECT_TRUE(r->quorum_met);
  for (const WitnessResult& w : r->witnesses) {
    EXPECT_EQ(w.outcome, Outcome::kCosigned) << w.error;
    EXPECT_TRUE(w.conflict_retried);
    EXPECT_EQ(w.old_size, 20u);  // the retry's old size: the witness's
  }
  for (const auto& w : witnesses_) EXPECT_EQ(w->size(kOrigin), 33u);
}

TEST_F(WitnessPushTest, WitnessRefusalsAreReportedPerWitness) {
  StartWitnesses(2, "any");
  Append(8);
  ASSERT_TRUE(Push().ok());
  Append(8);
  // w1 believes another root at size 8: our proof from 8 does not verify.
  crypto::Hash wrong{};
  wrong[0] = 1;
  witnesses_[0]->SetState(kOrigin, 8, wrong);
  auto r = Push();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ResultFor(*r, "w1").http_status, 422);
  EXPECT_NE(ResultFor(*r, "w1").error.find("consistency proof"), std::string::npos);
  EXPECT_EQ(ResultFor(*r, "w2").outcome, Outcome::kCosigned);
  EXPECT_TRUE(r->quorum_met);  // any
  EXPECT_EQ(witnesses_[0]->size(kOrigin), 8u);  // it did not cosign

  // A witness with a larger tree for this origin: a different history.
  witnesses_[0]->SetState(kOrigin, 1000, wrong);
  r = Push();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ResultFor(*r, "w1").http_status, 409);
  EXPECT_NE(ResultFor(*r, "w1").error.find("larger than this log's 16"), std::string::npos)
      << ResultFor(*r, "w1").error;
}

TEST_F(WitnessPushTest, UnknownLogAndUntrustedKey) {
  // Witnesses that do not know the log (404) or trust another key for its
  // origin (403).
  crypto::Ed25519Seed other_seed;
  other_seed.fill(99);
  note::Verifier other = note::Signer(kOrigin, other_seed).verifier();
  TestWitness unknown("witness.example/u", 60, {});
  TestWitness untrusting("witness.example/t", 61, {other});
  ASSERT_TRUE(unknown.Start().ok());
  ASSERT_TRUE(untrusting.Start().ok());
  Policy p;
  ASSERT_TRUE(AddWitness(p, {"u", unknown.vkey(), unknown.url()}).ok());
  ASSERT_TRUE(AddWitness(p, {"t", untrusting.vkey(), untrusting.url() + "/"}).ok());
  ASSERT_TRUE(AddWitness(p, {"offline", note::CosignatureSigner("witness.example/o", other_seed).verifier().ToString(), ""}).ok());
  ASSERT_TRUE(SavePolicy(dir_, p).ok());
  Append(2);
  auto r = Push();
  ASSERT_OK(r);
  EXPECT_FALSE(r->quorum_met);
  EXPECT_EQ(r->witnesses[0].http_status, 404);
  EXPECT_NE(r->witnesses[0].error.find("does not know this log"), std::string::npos);
  EXPECT_EQ(r->witnesses[1].http_status, 403);
  EXPECT_EQ(r->witnesses[2].outcome, Outcome::kSkipped);
  EXPECT_TRUE(r->cosigners.empty());
}

TEST_F(WitnessPushTest, PolicyErrors) {
  auto r = Push();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("lifeline witness add"), std::string::npos);
  {
    std::ofstream(dir_ + "/witness-policy") << "quorum none\nwitness w1\n";
  }
  r = Push();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("witness-policy line 2: witness:"), std::string::npos) << r.status().ToString();
  // A policy for another log.
  crypto::Ed25519Seed s;
  s.fill(3);
  Policy p;
  ASSERT_TRUE(EnsureLog(p, note::Signer("example.org/other", s).verifier()).ok());
  ASSERT_TRUE(SavePolicy(dir_, p).ok());
  r = Push();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(WitnessPushTest, PublishedCheckpointWithoutAPushIsTheLatestNote) {
  const std::string latest = LatestNote();
  auto pub = PublishedCheckpoint(dir_, latest);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, latest);
}

// The independent verifier (Go, ../shared/tools/tlog-verify) accepts each
// cosignature of the cosigned checkpoint with the witness's vkey.
TEST_F(WitnessPushTest, TlogVerifyAcceptsTheCosignatures) {
  const std::string tv = std::string(LIFELINE_SHARED_DIR) + "/tools/tlog-verify/run.sh";
  if (std::system("command -v go >/dev/null 2>&1") != 0) GTEST_SKIP() << "Go is not installed";
  StartWitnesses(2, "all");
  Append(300);
  auto r = Push();
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->quorum_met);
  const std::string file = dir_ + "/checkpoint.cosigned";
  for (const auto& w : witnesses_) {
    auto res = lifeline::testing::RunProcess({tv, "cosig", w->vkey(), file}, "", std::chrono::minutes(5));
    ASSERT_EQ(res.exit_code, 0) << res.Describe();
    EXPECT_EQ(res.out.rfind("OK cosigner=" + w->vkey().substr(0, w->vkey().find('+')), 0), 0u) << res.out;
  }
  // A key that did not cosign is refused.
  crypto::Ed25519Seed s;
  s.fill(1);
  auto res = lifeline::testing::RunProcess(
      {tv, "cosig", note::CosignatureSigner("witness.example/nobody", s).verifier().ToString(), file});
  EXPECT_NE(res.exit_code, 0);
}

}  // namespace
}  // namespace lifeline::witness
