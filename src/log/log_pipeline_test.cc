// The pipelined integrator: the hasher hashes batch N+1 while the committer
// commits batch N. A failed commit must fail every batch hashed on top of
// it, and nothing after a failed batch may be committed out of order.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "base/status_testing.h"
#include "log/log.h"
#include "log/verify.h"
#include "store/memory/memory_store.h"

namespace lifeline::log {
namespace {

using store::MemoryStore;

note::Signer PipelineSigner() {
  crypto::Ed25519Seed seed{};
  seed[0] = 9;
  return note::Signer("example.org/pipeline", seed);
}

struct PipelineLog {
  MemoryStore* mem = nullptr;
  std::unique_ptr<Log> log;
};

PipelineLog OpenPipelineLog(size_t max_batch) {
  auto mem = std::make_unique<MemoryStore>("example.org/pipeline");
  PipelineLog p;
  p.mem = mem.get();
  LogOptions opts;
  opts.max_batch_entries = max_batch;
  auto l = Log::Open(std::move(mem), PipelineSigner(), opts);
  EXPECT_OK(l);
  if (l.ok()) p.log = std::move(*l);
  return p;
}

// Waits until the hasher has hashed `n` batches (at most 10 s).
void WaitHashed(const Log& log, uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (log.stats().hashed_batches < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(log.stats().hashed_batches, n) << "the hasher did not get to batch " << n;
}

std::vector<std::string> Entries(const std::string& prefix, int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(prefix + std::to_string(i));
  return v;
}

// Appends each group once the one before it is hashed, so that each is a
// batch of its own; `hashed` batches were hashed before.
std::vector<std::future<Result<uint64_t>>> AppendOneBatchEach(Log& log, std::vector<std::vector<std::string>> groups,
                                                              uint64_t hashed) {
  std::vector<std::future<Result<uint64_t>>> futs;
  for (auto& g : groups) {
    futs.push_back(log.AppendMany(std::move(g)));
    WaitHashed(log, ++hashed);
  }
  return futs;
}

// Batch A fails in the store while B and C, hashed on top of A, wait: B and
// C fail too, naming A's failure, and the store never sees them.
TEST(LogPipelineTest, AFailedCommitFailsTheBatchesHashedOnIt) {
  auto p = OpenPipelineLog(4);
  ASSERT_TRUE(p.log->AppendMany(Entries("x", 3)).get().ok());
  const int applies = p.mem->apply_calls();
  const size_t tiles = p.mem->tile_count();
  p.mem->HoldApply(true);
  p.mem->InjectFailure(MemoryStore::Op::kApply, IoError("No space left on device"));
  auto futs = AppendOneBatchEach(*p.log, {Entries("a", 2), Entries("b", 4), Entries("c", 1)}, 1);
  p.mem->HoldApply(false);
  auto ra = futs[0].get(), rb = futs[1].get(), rc = futs[2].get();
  ASSERT_FALSE(ra.ok());
  EXPECT_EQ(ra.status().code(), ErrorCode::kIo);
  EXPECT_NE(ra.status().message().find("log stands at size 3"), std::string::npos) << ra.status().message();
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), ErrorCode::kIo);
  EXPECT_NE(rb.status().message().find("entries 5..8 were not committed"), std::string::npos)
      << rb.status().message();
  EXPECT_NE(rb.status().message().find("No space left on device"), std::string::npos) << rb.status().message();
  ASSERT_FALSE(rc.ok());
  EXPECT_NE(rc.status().message().find("entries 9..9 were not committed"), std::string::npos)
      << rc.status().message();
  EXPECT_EQ(p.mem->apply_calls(), applies + 1) << "only A reached the store";
  EXPECT_EQ(p.mem->tile_count(), tiles);
  EXPECT_EQ(p.log->size(), 3u);
  // The hasher starts again from the tree the store holds.
  auto d = p.log->AppendMany(Entries("d", 2)).get();
  ASSERT_OK(d);
  EXPECT_EQ(*d, 3u);
  LogReader reader(p.mem);
  EXPECT_EQ(*reader.Entry(3), "d0");
  EXPECT_EQ(*reader.Entry(4), "d1");
  EXPECT_OK(VerifyLog(*p.mem, PipelineSigner().verifier()));
}

// The ambiguous case: the store made A's commit but reported an error. A's
// caller gets the error, B (hashed on A) is not committed, and the log
// carries on from the size the store holds (A included).
TEST(LogPipelineTest, AnAmbiguousFailureReloadsAndFailsTheNextBatch) {
  auto p = OpenPipelineLog(4);
  p.mem->HoldApply(true);
  p.mem->InjectFailure(MemoryStore::Op::kApplyCommitted, IoError("fsync failed"));
  auto futs = AppendOneBatchEach(*p.log, {Entries("a", 3), Entries("b", 2)}, 0);
  p.mem->HoldApply(false);
  auto ra = futs[0].get(), rb = futs[1].get();
  ASSERT_FALSE(ra.ok());
  EXPECT_NE(ra.status().message().find("log stands at size 3"), std::string::npos) << ra.status().message();
  ASSERT_FALSE(rb.ok());
  EXPECT_NE(rb.status().message().find("entries 3..4 were not committed"), std::string::npos)
      << rb.status().message();
  EXPECT_EQ(p.log->size(), 3u);
  auto c = p.log->AppendMany(Entries("c", 1)).get();
  ASSERT_OK(c);
  EXPECT_EQ(*c, 3u);
  auto rep = VerifyLog(*p.mem, PipelineSigner().verifier());
  ASSERT_OK(rep);
  EXPECT_EQ(rep->size, 4u);
}

// Against a naive model: groups appended in order, some commits failing (at
// random, plainly or after committing) and a tile read failing (a proof, or
// a reload). Whatever the
// timing, the store holds exactly the groups whose futures succeeded plus
// those of ambiguous failures, in submission order, each at the index its
// future says; a group after a failed one never lands before it.
RC_GTEST_PROP(LogPipelineTest, CommitsMatchTheFuturesInOrder, ()) {
  const auto sizes = *rc::gen::container<std::vector<int>>(rc::gen::inRange(1, 40));
  const auto fail_at = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 12));
  const bool ambiguous = *rc::gen::arbitrary<bool>();
  const size_t max_batch = *rc::gen::inRange<size_t>(1, 64);
  const int read_fails_after = *rc::gen::inRange(0, 40);
  auto p = OpenPipelineLog(max_batch);
  RC_ASSERT(p.log != nullptr);
  // A tile read failing: a consistency proof, or the reload after a failure.
  p.mem->InjectFailure(MemoryStore::Op::kReadTile, IoError("injected read error"), read_fails_after);
  std::vector<std::future<Result<uint64_t>>> futs;
  std::vector<std::vector<std::string>> groups;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i < fail_at.size() && fail_at[i] < 3) {
      p.mem->InjectFailure(ambiguous ? MemoryStore::Op::kApplyCommitted : MemoryStore::Op::kApply,
                           IoError("injected"), fail_at[i]);
    }
    groups.push_back(Entries("g" + std::to_string(i) + "-", sizes[i]));
    futs.push_back(p.log->AppendMany(groups.back()));
  }
  // A group that succeeded starts where the last success ended, or (after
  // ambiguous failures) after entries of the groups that failed between.
  std::vector<Result<uint64_t>> results;
  for (auto& f : futs) results.push_back(f.get());
  p.mem->ClearFailures();
  uint64_t last_end = 0;
  size_t last_ok = 0;
  LogReader reader(p.mem);
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (!r.ok()) continue;
    if (!ambiguous) RC_ASSERT(*r == last_end);
    RC_ASSERT(*r >= last_end);
    size_t from = last_ok;
    for (uint64_t k = last_end; k < *r; ++k) {
      auto e = reader.Entry(k);
      RC_ASSERT(e.ok());
      size_t g = std::stoul(e->substr(1));  // "g<group>-<entry>"
      RC_ASSERT(g >= from && g < i);
      from = g;
    }
    for (size_t k = 0; k < groups[i].size(); ++k) RC_ASSERT(*reader.Entry(*r + k) == groups[i][k]);
    last_end = *r + groups[i].size();
    last_ok = i + 1;
  }
  // Every future is fulfilled, so every commit is in the store.
  auto rep = VerifyLog(*p.mem, PipelineSigner().verifier());
  RC_ASSERT(rep.ok());
  RC_ASSERT(rep->size >= last_end);
  if (!ambiguous) RC_ASSERT(rep->size == last_end);
}

}  // namespace
}  // namespace lifeline::log
