#include "log/log.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "base/status_testing.h"
#include "base/file.h"
#include "log/export.h"
#include "log/verify.h"
#include "merkle/proof.h"
#include "note/receipt.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

namespace lifeline::log {
namespace {

note::Signer TestSigner() {
  crypto::Ed25519Seed seed{};
  seed[0] = 7;
  return note::Signer("example.org/log", seed);
}

struct Fixture {
  store::MemoryStore* mem = nullptr;
  std::unique_ptr<Log> log;
};

Fixture OpenMemoryLog(LogOptions opts = {}) {
  auto mem = std::make_unique<store::MemoryStore>("example.org/log");
  Fixture f;
  f.mem = mem.get();
  auto l = Log::Open(std::move(mem), TestSigner(), opts);
  EXPECT_OK(l);
  f.log = std::move(*l);
  return f;
}

TEST(LogTest, NewLogHasSignedEmptyCheckpoint) {
  auto f = OpenMemoryLog();
  auto cp = note::OpenCheckpoint(f.log->checkpoint(), TestSigner().verifier());
  ASSERT_OK(cp);
  EXPECT_EQ(cp->checkpoint.size, 0u);
  EXPECT_EQ(cp->checkpoint.root, merkle::EmptyRoot());
}

TEST(LogTest, ConcurrentAppendersGetUniqueContiguousIndices) {
  LogOptions opts;
  opts.max_batch_entries = 100;
  auto f = OpenMemoryLog(opts);
  constexpr int kThreads = 4, kPerThread = 500;
  std::vector<std::vector<std::pair<uint64_t, std::string>>> got(kThreads);
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      std::vector<std::pair<std::future<Result<uint64_t>>, std::string>> futs;
      for (int i = 0; i < kPerThread; ++i) {
        std::string e = "t" + std::to_string(t) + " e" + std::to_string(i);
        futs.emplace_back(f.log->Append(e), e);
      }
      for (auto& [fut, e] : futs) {
        auto r = fut.get();
        ASSERT_OK(r);
        got[t].emplace_back(*r, e);
      }
    });
  }
  for (auto& t : ts) t.join();
  std::set<uint64_t> seen;
  for (auto& v : got) {
    for (auto& [i, e] : v) {
      EXPECT_TRUE(seen.insert(i).second) << "index " << i << " given twice";
    }
  }
  EXPECT_EQ(seen.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(*seen.rbegin(), uint64_t{kThreads * kPerThread - 1});
  EXPECT_EQ(f.log->size(), uint64_t{kThreads * kPerThread});
  EXPECT_GT(f.log->stats().commits, 1u);
  // Every acknowledged entry is where its index says, with a valid proof.
  LogReader reader(f.mem);
  auto cp = note::OpenCheckpoint(f.log->checkpoint(), TestSigner().verifier());
  ASSERT_TRUE(cp.ok());
  for (auto& v : got) {
    for (size_t k = 0; k < v.size(); k += 97) {
      auto [i, e] = v[k];
      EXPECT_EQ(*reader.Entry(i), e);
      auto proof = reader.InclusionProof(i, cp->checkpoint.size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(merkle::VerifyInclusion(i, cp->checkpoint.size, merkle::LeafHash(AsBytes(e)), *proof,
                                          cp->checkpoint.root)
                      .ok());
    }
  }
  auto rep = VerifyLog(*f.mem, TestSigner().verifier());
  EXPECT_OK(rep);
}

TEST(LogTest, AppendManyIsContiguousAndInOrder) {
  auto f = OpenMemoryLog();
  auto a = f.log->AppendMany({"a0", "a1", "a2"}).get();
  auto b = f.log->AppendMany({"b0", "b1"}).get();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, 0u);
  EXPECT_EQ(*b, 3u);
  LogReader reader(f.mem);
  EXPECT_EQ(*reader.Entry(4), "b1");
}

TEST(LogTest, RejectsOversizedEntryWithoutWriting) {
  auto f = OpenMemoryLog();
  int before = f.mem->apply_calls();
  auto r = f.log->AppendMany({"ok", std::string(merkle::kMaxEntrySize + 1, 'x')}).get();
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("65535"), std::string::npos) << r.status().message();
  EXPECT_EQ(f.mem->apply_calls(), before);
  EXPECT_EQ(f.log->size(), 0u);
  // The largest allowed entry goes in.
  EXPECT_TRUE(f.log->Append(std::string(merkle::kMaxEntrySize, 'y')).get().ok());
}

TEST(LogTest, DiskFullFailsTheBatchAndWritesNothing) {
  auto f = OpenMemoryLog();
  ASSERT_TRUE(f.log->AppendMany({"a", "b"}).get().ok());
  std::string cp_before = f.log->checkpoint();
  size_t tiles_before = f.mem->tile_count();
  f.mem->InjectFailure(store::MemoryStore::Op::kApply, IoError("No space left on device"), 0, /*sticky=*/true);
  auto r = f.log->AppendMany({"c", "d"}).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_NE(r.status().message().find("No space left on device"), std::string::npos);
  EXPECT_NE(r.status().message().find("log stands at size 2"), std::string::npos) << r.status().message();
  EXPECT_EQ(f.log->checkpoint(), cp_before);
  EXPECT_EQ(f.log->size(), 2u);
  EXPECT_EQ(f.mem->tile_count(), tiles_before);
  // Space is freed: the log carries on from where it was.
  f.mem->ClearFailures();
  auto r2 = f.log->AppendMany({"c", "d"}).get();
  ASSERT_OK(r2);
  EXPECT_EQ(*r2, 2u);
  EXPECT_TRUE(VerifyLog(*f.mem, TestSigner().verifier()).ok());
}

// A commit refused because another writer moved the head, when the store
// is gone by the time the log reloads (PostgreSQL restarting): the batch
// fails as Unavailable (a server's 503, "try again"), not as the refusal.
TEST(LogTest, ARefusedCommitWhoseReloadFailsIsUnavailable) {
  auto f = OpenMemoryLog();
  ASSERT_TRUE(f.log->AppendMany({"a"}).get().ok());
  f.mem->InjectFailure(store::MemoryStore::Op::kApply, FailedPreconditionError("commit built on size 1 but at size 2"));
  f.mem->InjectFailure(store::MemoryStore::Op::kLatestCheckpoint, UnavailableError("the database went away"), 0,
                       /*sticky=*/true);
  auto r = f.log->AppendMany({"b"}).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().message();
  EXPECT_NE(r.status().message().find("the database went away"), std::string::npos) << r.status().message();
}

// Closing the log and opening it again on the same SQLite file continues
// the same tree: indices carry on, and the whole history verifies.
TEST(LogTest, ReopenContinuesTheSameTree) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("lifeline-log-reopen-" + std::to_string(getpid()) + ".db"))
                         .string();
  std::filesystem::remove(path);
  std::string first_cp;
  {
    auto st = store::SqliteStore::Create(path, "example.org/log");
    ASSERT_OK(st);
    auto l = Log::Open(std::move(*st), TestSigner());
    ASSERT_TRUE(l.ok());
    for (int i = 0; i < 600; ++i) ASSERT_TRUE((*l)->Append("e" + std::to_string(i)).get().ok());
    first_cp = (*l)->checkpoint();
  }
  {
    auto st = store::SqliteStore::Open(path, store::SqliteStore::Mode::kReadWrite);
    ASSERT_OK(st);
    auto l = Log::Open(std::move(*st), TestSigner());
    ASSERT_OK(l);
    EXPECT_EQ((*l)->size(), 600u);
    EXPECT_EQ((*l)->checkpoint(), first_cp);
    auto next = (*l)->AppendMany({"after-0", "after-1"}).get();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, 600u);
  }
  auto st = store::SqliteStore::Open(path, store::SqliteStore::Mode::kReadOnly);
  ASSERT_TRUE(st.ok());
  auto rep = VerifyLog(**st, TestSigner().verifier());
  ASSERT_OK(rep);
  EXPECT_EQ(rep->size, 602u);
  EXPECT_EQ(rep->checkpoints, 602u);  // the empty tree, 600 single appends, one pair
  LogReader reader(st->get());
  EXPECT_EQ(*reader.Entry(599), "e599");
  EXPECT_EQ(*reader.Entry(601), "after-1");
  std::filesystem::remove(path);
}

TEST(LogTest, RefusesAKeyForAnotherOrigin) {
  auto mem = std::make_unique<store::MemoryStore>("example.org/other");
  auto l = Log::Open(std::move(mem), TestSigner());
  EXPECT_EQ(l.status().code(), ErrorCode::kFailedPrecondition);
}

TEST(LogTest, ReceiptVerifies) {
  auto f = OpenMemoryLog();
  std::vector<std::string> es;
  for (int i = 0; i < 1000; ++i) es.push_back("entry " + std::to_string(i));
  ASSERT_TRUE(f.log->AppendMany(es).get().ok());
  LogReader reader(f.mem);
  auto text = MakeReceipt(reader, 517, 1000, f.log->checkpoint());
  ASSERT_TRUE(text.ok());
  auto r = note::ParseReceipt(*text);
  ASSERT_OK(r);
  auto cp = note::OpenCheckpoint(r->checkpoint, TestSigner().verifier());
  ASSERT_TRUE(cp.ok());
  EXPECT_TRUE(merkle::VerifyInclusion(517, 1000, merkle::LeafHash(AsBytes(es[517])), r->proof, cp->checkpoint.root)
                  .ok());
  EXPECT_FALSE(MakeReceipt(reader, 1000, 1000, f.log->checkpoint()).ok());
}

}  // namespace
}  // namespace lifeline::log

namespace lifeline::log {
namespace {

// A stored tile that no longer matches the signed tree makes the next
// checkpoint unprovable: the log aborts rather than sign it.
TEST(LogDeathTest, RefusesToSignACheckpointInconsistentWithTheLast) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto f = OpenMemoryLog();
        std::vector<std::string> es;
        for (int i = 0; i < 600; ++i) es.push_back("e" + std::to_string(i));
        if (!f.log->AppendMany(es).get().ok()) std::abort();
        // Tile 1/000.p/2 is not rewritten by a batch that stays below 768
        // entries, so the proof from 600 reads this damaged copy.
        if (!f.mem->CorruptTile(1, 0, 0, 0x01).ok()) std::abort();
        (void)f.log->AppendMany(std::vector<std::string>(100, "x")).get();
      },
      "not consistent with the last checkpoint");
}

// Re-exporting into the same directory (as `lifeline publish` does) keeps
// each full tile as it is, writes the partial ones and the new checkpoint,
// and refuses to replace a full tile that differs; without bundles, none.
TEST(ExportTest, KeepsFullTilesAndRefusesChangedOnes) {
  auto f = OpenMemoryLog();
  std::vector<std::string> first;
  for (int i = 0; i < 300; ++i) first.push_back("e" + std::to_string(i));
  ASSERT_OK(f.log->AppendMany(first).get());
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("lifeline-export-keep-" + std::to_string(getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  ExportOptions keep;
  keep.keep_full_tiles = true;
  auto one = ExportTiles(*f.mem, dir, keep);
  ASSERT_OK(one);
  EXPECT_EQ(one->kept, 0u);
  const auto written = std::filesystem::last_write_time(dir + "/tile/0/000");
  std::vector<std::string> more;
  for (int i = 300; i < 600; ++i) more.push_back("e" + std::to_string(i));
  ASSERT_OK(f.log->AppendMany(more).get());
  auto two = ExportTiles(*f.mem, dir, keep);
  ASSERT_OK(two);
  EXPECT_EQ(two->size, 600u);
  EXPECT_EQ(two->kept, 2u);  // tile/0/000 and tile/entries/000
  EXPECT_EQ(std::filesystem::last_write_time(dir + "/tile/0/000"), written);
  EXPECT_TRUE(std::filesystem::exists(dir + "/tile/0/002.p/88"));
  EXPECT_TRUE(VerifyLog(*f.mem, TestSigner().verifier()).ok());
  ASSERT_OK(WriteFileAtomically(dir + "/tile/0/001", std::string(8192, 'x')));
  auto refused = ExportTiles(*f.mem, dir, keep);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("tile/0/001"), std::string::npos) << refused.status().ToString();
  ExportOptions hashes_only;
  hashes_only.entry_bundles = false;
  hashes_only.write_checkpoint = false;
  const std::string dir2 = dir + "-hashes";
  std::filesystem::remove_all(dir2);
  auto three = ExportTiles(*f.mem, dir2, hashes_only);
  ASSERT_OK(three);
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/tile/entries"));
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/checkpoint"));
  EXPECT_EQ(three->note, f.log->checkpoint());
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir2);
}

}  // namespace
}  // namespace lifeline::log
