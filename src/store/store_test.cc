#include <sys/wait.h>
// Contract tests run against every LogStore implementation that can write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "store/lock.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_testing.h"

namespace lifeline::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("lifeline-store-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

Commit MakeCommit(uint64_t base, uint64_t size, uint32_t width, const std::string& note) {
  Commit c;
  c.base_size = base;
  c.new_size = size;
  c.tiles.push_back(TileData{merkle::TileId{0, 0, width}, std::string(width * 32, 'h')});
  c.tiles.push_back(TileData{merkle::TileId{merkle::kEntriesLevel, 0, width}, std::string(width, 'e')});
  c.checkpoint = note;
  return c;
}

// The contract suite: every test runs once per backend of
// store_testing.h Backends(), named StoreContractTest.<Test>/<backend>.
class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto s = testing::FactoryFor(GetParam())(scratch_.path(), "example.org/log");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { store_.reset(); }  // close before scratch_ is removed

  testing::ScratchDir scratch_;
  std::unique_ptr<LogStore> store_;
};

TEST_P(StoreContractTest, EmptyStoreHasNoCheckpoint) {
  EXPECT_EQ(store_->LatestCheckpoint().status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadTile(0, 0).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*store_->GetMeta("origin"), "example.org/log");
}

TEST_P(StoreContractTest, AppliesAndReadsBack) {
  ASSERT_TRUE(store_->Apply(MakeCommit(0, 3, 3, "cp3")).ok());
  ASSERT_TRUE(store_->Apply(MakeCommit(3, 5, 5, "cp5")).ok());
  auto latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 5u);
  EXPECT_EQ(latest->note, "cp5");
  auto t = store_->ReadTile(0, 0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->id.width, 5u);  // the partial tile was widened in place
  EXPECT_EQ(t->data.size(), 5u * 32);
  auto b = store_->ReadTile(merkle::kEntriesLevel, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->data, "eeeee");
  EXPECT_EQ(store_->CheckpointAt(3)->note, "cp3");
  EXPECT_EQ(store_->CheckpointAt(4).status().code(), ErrorCode::kNotFound);
  std::vector<uint64_t> sizes;
  ASSERT_TRUE(store_->ForEachCheckpoint([&](const StoredCheckpoint& cp) {
    sizes.push_back(cp.size);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(sizes, (std::vector<uint64_t>{3, 5}));
}

TEST_P(StoreContractTest, RefusesACommitBuiltOnAnotherSize) {
  ASSERT_TRUE(store_->Apply(MakeCommit(0, 3, 3, "cp3")).ok());
  Status s = store_->Apply(MakeCommit(0, 4, 4, "cp4"));
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << s.ToString();
  // Nothing of the refused commit is visible.
  EXPECT_EQ(store_->LatestCheckpoint()->note, "cp3");
  EXPECT_EQ(store_->ReadTile(0, 0)->id.width, 3u);
}

// The current view (store.h Replaces): a correction or retraction takes a
// record out only from within its own case, and ForEachIdAndKind names
// each record's case.
TEST_P(StoreContractTest, OnlyTheSameCaseReplacesARecord) {
  auto row = [](uint64_t i, std::string id, std::string kind, std::string case_id, std::string supersedes = "",
                std::string target = "") {
    return RecordRow{i, id, kind, case_id, supersedes, target, "", "", "", "{}"};
  };
  Commit c = MakeCommit(0, 7, 7, "cp7");
  c.records = {row(0, "a", "incident", "c1"),
               row(1, "b", "incident", "c1"),
               row(2, "x-fix-a", "incident", "c2", "a"),         // another case's correction: inert
               row(3, "x-retract-b", "retraction", "c2", "", "b"),  // another case's retraction: inert
               row(4, "a-v2", "incident", "c1", "a"),
               row(5, "c", "incident", "c1"),
               row(6, "retract-c", "retraction", "c1", "", "c")};
  ASSERT_TRUE(store_->Apply(c).ok());
  RecordQuery q;
  q.case_id = "c1";
  q.kind = "incident";
  std::vector<std::string> ids;
  ASSERT_TRUE(store_->ForEachRecord(q, [&](const RecordRow& r) {
    ids.push_back(r.id);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "a-v2"}));
  std::map<std::string, std::string> cases;
  ASSERT_TRUE(store_->ForEachIdAndKind([&](const std::string& id, const std::string&, const std::string& case_id) {
    cases[id] = case_id;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(cases.size(), 7u);
  EXPECT_EQ(cases["x-fix-a"], "c2");
  EXPECT_EQ(cases["a"], "c1");
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreContractTest, ::testing::ValuesIn(testing::BackendNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(MemoryStoreTest, InjectedFailureLeavesStoreUnchanged) {
  MemoryStore st("o");
  ASSERT_TRUE(st.Apply(MakeCommit(0, 1, 1, "cp1")).ok());
  st.InjectFailure(MemoryStore::Op::kApply, IoError("disk full"), 0, /*sticky=*/true);
  EXPECT_EQ(st.Apply(MakeCommit(1, 2, 2, "cp2")).code(), ErrorCode::kIo);
  EXPECT_EQ(st.Apply(MakeCommit(1, 2, 2, "cp2")).code(), ErrorCode::kIo);
  EXPECT_EQ(st.LatestCheckpoint()->size, 1u);
  EXPECT_EQ(st.ReadTile(0, 0)->id.width, 1u);
  st.ClearFailures();
  EXPECT_TRUE(st.Apply(MakeCommit(1, 2, 2, "cp2")).ok());
}

TEST(MemoryStoreTest, FailureAfterNCalls) {
  MemoryStore st("o");
  st.InjectFailure(MemoryStore::Op::kApply, IoError("boom"), /*after=*/1);
  EXPECT_TRUE(st.Apply(MakeCommit(0, 1, 1, "a")).ok());
  EXPECT_FALSE(st.Apply(MakeCommit(1, 2, 2, "b")).ok());
  EXPECT_TRUE(st.Apply(MakeCommit(1, 2, 2, "b")).ok());  // not sticky
}

TEST(SqliteStoreTest, CreateRefusesExistingFileAndOpenNamesMissingOne) {
  std::string p = TempPath("exists.db");
  std::filesystem::remove(p);
  ASSERT_TRUE(SqliteStore::Create(p, "o").ok());
  EXPECT_EQ(SqliteStore::Create(p, "o").status().code(), ErrorCode::kAlreadyExists);
  auto missing = SqliteStore::Open(TempPath("missing.db"), SqliteStore::Mode::kReadOnly);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.db"), std::string::npos);
}

TEST(SqliteStoreTest, RejectsAFileThatIsNotAStore) {
  std::string p = TempPath("garbage.db");
  {
    FILE* f = std::fopen(p.c_str(), "wb");
    std::fputs("this is not a database, just some text that is long enough to look like a header", f);
    std::fclose(f);
  }
  auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption) << s.status().ToString();
}

TEST(SqliteStoreTest, SurvivesReopen) {
  std::string p = TempPath("reopen.db");
  std::filesystem::remove(p);
  {
    auto s = SqliteStore::Create(p, "o");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Apply(MakeCommit(0, 2, 2, "cp2")).ok());
  }
  auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->LatestCheckpoint()->note, "cp2");
  EXPECT_TRUE((*s)->QuickCheck().ok());
  // A read-only handle cannot write.
  EXPECT_FALSE((*s)->Apply(MakeCommit(2, 3, 3, "cp3")).ok());
}

TEST(FileLockTest, SecondLockInAnotherProcessFailsWithPid) {
  std::string p = TempPath("LOCK");
  auto l = FileLock::Acquire(p);
  ASSERT_TRUE(l.ok());
  pid_t child = fork();
  if (child == 0) {
    auto l2 = FileLock::Acquire(p);
    bool ok = !l2.ok() && l2.status().code() == ErrorCode::kFailedPrecondition &&
              l2.status().message().find(std::to_string(getppid())) != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace lifeline::store
