#include "log/verify.h"

#include <gtest/gtest.h>

#include "base/status_testing.h"
#include "log/log.h"
#include "note/checkpoint.h"
#include "store/memory/memory_store.h"

namespace lifeline::log {
namespace {

note::Signer VerifySigner() {
  crypto::Ed25519Seed seed{};
  seed[0] = 9;
  return note::Signer("example.org/v", seed);
}

// A store with 70,000 entries in a few commits, built without a Log so the
// test keeps the store.
class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TreeState t;
    uint64_t done = 0;
    for (uint64_t n : {0u, 1000u, 30000u, 39000u}) {
      std::vector<std::string> es;
      for (uint64_t i = done; i < done + n; ++i) es.push_back("entry " + std::to_string(i));
      std::vector<store::TileData> changed;
      t.Append(es, &changed);
      auto note = note::SignNote(CheckpointBody("example.org/v", t.size(), t.Root()), VerifySigner());
      ASSERT_TRUE(note.ok());
      ASSERT_TRUE(st_.Apply(store::Commit{done, t.size(), changed, *note, {}}).ok());
      done += n;
    }
  }
  store::MemoryStore st_{"example.org/v"};
};

TEST_F(VerifyTest, IntactLogVerifies) {
  uint64_t last = 0;
  auto rep = VerifyLog(st_, VerifySigner().verifier(), [&](uint64_t d, uint64_t) { last = d; });
  ASSERT_OK(rep);
  EXPECT_EQ(rep->size, 70000u);
  EXPECT_EQ(rep->entries, 70000u);
  EXPECT_EQ(rep->checkpoints, 4u);
  EXPECT_EQ(last, 70000u);
}

TEST_F(VerifyTest, NamesAnAlteredEntry) {
  // Bundle 3 holds entries 768..1023; byte 2 is inside entry 768's text.
  ASSERT_TRUE(st_.CorruptTile(merkle::kEntriesLevel, 3, 2, 0x01).ok());
  auto rep = VerifyLog(st_, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(rep.status().message().find("entry 768"), std::string::npos) << rep.status().message();
  EXPECT_NE(rep.status().message().find("tile/0/003"), std::string::npos) << rep.status().message();
}

TEST_F(VerifyTest, NamesAnAlteredHashTile) {
  ASSERT_TRUE(st_.CorruptTile(1, 0, 32 * 5 + 7, 0x80).ok());
  auto rep = VerifyLog(st_, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("tile/1/000: hash 5"), std::string::npos) << rep.status().message();
}

TEST_F(VerifyTest, NamesABrokenBundleLength) {
  ASSERT_TRUE(st_.CorruptTile(merkle::kEntriesLevel, 10, 0, 0x40).ok());
  auto rep = VerifyLog(st_, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("tile/entries/010"), std::string::npos) << rep.status().message();
}

TEST(VerifyHistoryTest, NamesACheckpointWhoseRootDiffers) {
  store::MemoryStore st("example.org/v");
  TreeState t;
  std::vector<store::TileData> changed;
  t.Append(std::vector<std::string>{"a", "b", "c"}, &changed);
  // Signed, but over a root that is not the tree's.
  merkle::Hash wrong = t.Root();
  wrong[0] ^= 1;
  auto bad = note::SignNote(CheckpointBody("example.org/v", 3, wrong), VerifySigner());
  ASSERT_TRUE(st.Apply(store::Commit{0, 3, changed, *bad, {}}).ok());
  auto rep = VerifyLog(st, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.status().code(), ErrorCode::kVerificationFailed);
  EXPECT_NE(rep.status().message().find("checkpoint #1 (size 3)"), std::string::npos) << rep.status().message();
}

TEST(VerifyHistoryTest, NamesACheckpointSignedByAnotherKey) {
  store::MemoryStore st("example.org/v");
  crypto::Ed25519Seed seed{};
  seed[0] = 1;
  note::Signer other("example.org/v", seed);
  auto n = note::SignNote(CheckpointBody("example.org/v", 0, merkle::EmptyRoot()), other);
  ASSERT_TRUE(st.Apply(store::Commit{0, 0, {}, *n, {}}).ok());
  auto rep = VerifyLog(st, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("checkpoint #1"), std::string::npos) << rep.status().message();
}

TEST(VerifyHistoryTest, NamesAShrinkingCheckpoint) {
  store::MemoryStore st("example.org/v");
  TreeState t;
  std::vector<store::TileData> changed;
  t.Append(std::vector<std::string>{"a", "b"}, &changed);
  auto n2 = note::SignNote(CheckpointBody("example.org/v", 2, t.Root()), VerifySigner());
  ASSERT_TRUE(st.Apply(store::Commit{0, 2, changed, *n2, {}}).ok());
  TreeState one;
  std::vector<store::TileData> c1;
  one.Append(std::vector<std::string>{"a"}, &c1);
  auto n1 = note::SignNote(CheckpointBody("example.org/v", 1, one.Root()), VerifySigner());
  ASSERT_TRUE(st.Apply(store::Commit{2, 1, {}, *n1, {}}).ok());
  auto rep = VerifyLog(st, VerifySigner().verifier());
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.status().message().find("checkpoint #2 (size 1): smaller than checkpoint #1"), std::string::npos)
      << rep.status().message();
}

}  // namespace
}  // namespace lifeline::log
