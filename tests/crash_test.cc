// Crash tests: a writer killed (SIGKILL) at random moments never loses an
// acknowledged entry and never leaves a store that fails verification or
// cannot be opened again.
//
// Each iteration runs crash_appender (tests/crash_appender.cc) on the same
// store, which keeps growing, for a random 20..300 ms (from its start, or
// from its "ready" line), kills it, and then
// checks (a) VerifyLog passes on a read-only open, (b) the latest checkpoint
// covers every acknowledged index and holds the acknowledged bytes there,
// (c) `lifeline verify` exits 0, (d) the store opens for writing again:
// the next iteration's appender does so, and the test itself after the last,
// and (e) the query tables hold exactly the projection of the log's record
// entries (the appender writes one group in two as records): a kill inside
// a commit leaves log and projection consistent, neither ahead.
//
// Randomized from one seed, printed at the start; rerun a failure with
// LIFELINE_TEST_SEED=<seed>.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status_testing.h"
#include "store_dir/store_dir.h"
#include "log/log.h"
#include "log/reader.h"
#include "log/verify.h"
#include "subprocess.h"

namespace lifeline {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Child;
using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

constexpr int kIterations = 24;
constexpr int kKilledExit = 128 + SIGKILL;
constexpr const char* kOrigin = "example.org/lifeline-crash-test";

struct Acks {
  std::map<uint64_t, std::string> entries;  // index -> entry
  std::vector<std::string> errors;          // "error ..." lines and bad lines
  bool ready = false;
  uint64_t ready_size = 0;
};

// Parses the appender's stdout: "ready N", "ack I ENTRY", "error ...". A
// trailing incomplete line is reported as an error (writes are atomic, so
// there must be none).
Acks ParseOutput(const std::string& out) {
  Acks a;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) {
      a.errors.push_back("incomplete last line: " + out.substr(start, 200));
      break;
    }
    std::string line = out.substr(start, nl - start);
    start = nl + 1;
    if (line.rfind("ready ", 0) == 0) {
      a.ready = true;
      a.ready_size = std::stoull(line.substr(6));
    } else if (line.rfind("ack ", 0) == 0) {
      size_t sp = line.find(' ', 4);
      if (sp == std::string::npos) {
        a.errors.push_back("bad ack line: " + line);
        continue;
      }
      uint64_t index = std::stoull(line.substr(4, sp - 4));
      if (!a.entries.emplace(index, line.substr(sp + 1)).second) {
        a.errors.push_back("index " + std::to_string(index) + " acknowledged twice");
      }
    } else {
      a.errors.push_back(line.substr(0, 500));
    }
  }
  return a;
}

// The record entries' text: "crash r<run> t<thread> s<seq> <pad>" as the
// appender wrote it, whether plain or as a record's id.
constexpr std::string_view kRecordPrefix = R"({"case":"crash","date":"2024-01-02","id":")";

std::string EntryText(const std::string& entry) {
  if (entry.rfind(kRecordPrefix, 0) != 0) return entry;
  return entry.substr(kRecordPrefix.size(), entry.find('"', kRecordPrefix.size()) - kRecordPrefix.size());
}

// (e): every record entry below `size` has its row, with its id, and no row
// stands for anything else.
void CheckProjection(store::LogStore& st, log::LogReader& reader, uint64_t size) {
  std::map<uint64_t, std::string> rows;  // index -> id
  store::RecordQuery every;
  every.current_only = false;
  EXPECT_OK(st.ForEachRecord(every, [&](const store::RecordRow& r) {
    rows.emplace(r.index, r.id);
    return Status::Ok();
  }));
  uint64_t records = 0;
  for (uint64_t i = 0; i < size; ++i) {
    auto e = reader.Entry(i);
    ASSERT_OK(e) << "entry " << i;
    if (e->rfind(kRecordPrefix, 0) != 0) {
      EXPECT_EQ(rows.count(i), 0u) << "entry " << i << " is not a record but has a row";
      continue;
    }
    ++records;
    auto row = rows.find(i);
    ASSERT_NE(row, rows.end()) << "record entry " << i << " has no row";
    EXPECT_EQ(row->second, EntryText(*e)) << "entry " << i;
  }
  EXPECT_EQ(rows.size(), records) << "rows beyond the log's records (size " << size << ")";
}

// (a), (b), (c) and (e) for a store the appender no longer writes to; returns
// the latest checkpoint's size (0 after a failure).
uint64_t CheckStore(const std::string& dir, const std::map<uint64_t, std::string>& acked) {
  auto rs = store_dir::OpenReadable(dir);
  EXPECT_OK(rs);
  if (!rs.ok()) return 0;
  auto rep = log::VerifyLog(*rs->store, rs->verifier);
  EXPECT_OK(rep) << "VerifyLog";
  auto latest = rs->store->LatestCheckpoint();
  EXPECT_OK(latest);
  if (!rep.ok() || !latest.ok()) return 0;
  EXPECT_EQ(rep->size, latest->size);
  if (!acked.empty()) {
    EXPECT_GT(latest->size, acked.rbegin()->first)
        << "entry " << acked.rbegin()->first << " was acknowledged but the latest checkpoint has size "
        << latest->size;
  }
  log::LogReader reader(rs->store.get());
  int mismatches = 0;
  for (const auto& [index, entry] : acked) {
    if (index >= latest->size) break;
    auto got = reader.Entry(index);
    if (!got.ok() || *got != entry) {
      ADD_FAILURE() << "entry " << index << ": acknowledged \"" << entry.substr(0, 80) << "\", stored "
                    << (got.ok() ? "\"" + got->substr(0, 80) + "\"" : got.status().ToString());
      if (++mismatches >= 10) break;
    }
  }
  CheckProjection(*rs->store, reader, latest->size);
  ProcessResult v = RunProcess({LIFELINE_BIN, "--store", dir, "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.Describe();
  EXPECT_EQ(v.out.rfind("OK size " + std::to_string(latest->size) + " ", 0), 0u) << v.Describe();
  return latest->size;
}

// The entries a run added, [from, to): every one must be the run's own,
// and since each thread queues its appends in order and the log commits
// queued groups whole and in order, each thread's entries must be a prefix
// s0, s1, s2, ... of what it queued: no gap, no reordering, no duplicate.
void CheckRunEntries(const std::string& dir, int run, uint64_t from, uint64_t to) {
  auto rs = store_dir::OpenReadable(dir);
  ASSERT_OK(rs);
  log::LogReader reader(rs->store.get());
  std::map<int, uint64_t> next_seq;  // thread -> the seq its next entry must have
  const std::string prefix = "crash r" + std::to_string(run) + " t";
  for (uint64_t i = from; i < to; ++i) {
    auto entry = reader.Entry(i);
    ASSERT_OK(entry) << "entry " << i;
    const std::string text = EntryText(*entry);
    const std::string* e = &text;
    int thread = -1;
    unsigned long long seq = 0;
    ASSERT_TRUE(e->rfind(prefix, 0) == 0 &&
                std::sscanf(e->c_str() + prefix.size(), "%d s%llu ", &thread, &seq) == 2)
        << "entry " << i << " is not run " << run << "'s: \"" << e->substr(0, 80) << "\"";
    ASSERT_EQ(seq, next_seq[thread]) << "entry " << i << " (\"" << e->substr(0, 40) << "\"): thread " << thread
                                     << "'s entries are not committed in order";
    ++next_seq[thread];
  }
}

std::vector<std::string> AppenderArgs(const std::string& dir, const std::string& run, int threads, size_t batch,
                                      uint64_t seed) {
  return {CRASH_APPENDER_BIN, dir, run, std::to_string(threads), std::to_string(batch), std::to_string(seed)};
}

TEST(CrashTest, KilledWriterLosesNoAcknowledgedEntry) {
  const auto began = Clock::now();
  std::mt19937_64 rng(testing::TestSeed("CrashTest.KilledWriterLosesNoAcknowledgedEntry"));
  TempDir tmp("lifeline-crash");
  const std::string dir = tmp.path() + "/store";
  auto init = store_dir::InitStore(dir, kOrigin);
  ASSERT_OK(init);

  std::map<uint64_t, std::string> acked;  // across all iterations
  uint64_t size = 0;
  int iterations_with_acks = 0;
  for (int it = 0; it < kIterations; ++it) {
    const int threads = std::uniform_int_distribution<int>(2, 4)(rng);
    const size_t batch = std::uniform_int_distribution<size_t>(64, 1000)(rng);
    const int run_ms = std::uniform_int_distribution<int>(20, 300)(rng);
    Child child;
    ASSERT_TRUE(child.Start(AppenderArgs(dir, std::to_string(it), threads, batch, rng())));
    // Even iterations count the run time from the start, so some kills
    // land while the store is being opened and recovered; odd ones from
    // "ready", so that they always land among appends.
    std::string out;
    const bool from_ready = it % 2 == 1;
    if (from_ready) {
      ASSERT_TRUE(child.WaitForLine("ready ", Clock::now() + std::chrono::seconds(30), &out))
          << "iteration " << it << ": the appender did not open the store; stderr:\n" << child.err();
    }
    child.ReadUntil(Clock::now() + std::chrono::milliseconds(run_ms), &out);
    const int code = child.KillAndReap(&out);
    Acks acks = ParseOutput(out);
    ASSERT_EQ(code, kKilledExit) << "iteration " << it << ": the appender ended by itself; stderr:\n"
                                 << child.err() << "\nstdout tail:\n"
                                 << out.substr(out.size() > 2000 ? out.size() - 2000 : 0);
    EXPECT_TRUE(acks.errors.empty()) << "iteration " << it << ": " << acks.errors.front();
    // Recovery after the previous kill: the new writer starts exactly where
    // the last verified checkpoint stood.
    if (acks.ready) {
      EXPECT_EQ(acks.ready_size, size) << "iteration " << it;
    }
    for (const auto& [index, entry] : acks.entries) {
      EXPECT_GE(index, size) << "iteration " << it << " acknowledged index " << index
                             << " below the size it started from";
      auto [pos, fresh] = acked.emplace(index, entry);
      EXPECT_TRUE(fresh) << "index " << index << " acknowledged in two iterations: \"" << pos->second.substr(0, 60)
                         << "\" and \"" << entry.substr(0, 60) << "\"";
    }
    if (!acks.entries.empty()) ++iterations_with_acks;
    const uint64_t new_size = CheckStore(dir, acked);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "iteration " << it << " (threads " << threads << ", batch "
                                                << batch << ", " << run_ms << " ms)";
    ASSERT_GE(new_size, size) << "the log shrank";
    CheckRunEntries(dir, it, size, new_size);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "iteration " << it;
    std::printf("iteration %2d: %d threads, batch %4zu, killed %3d ms after %-5s: %5zu acks%s, size %llu -> %llu\n",
                it, threads, batch, run_ms, from_ready ? "ready" : "start", acks.entries.size(),
                acks.ready ? "" : " (killed before ready)", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(new_size));
    size = new_size;
  }
  EXPECT_GE(iterations_with_acks, kIterations / 4) << "too few iterations got far enough to append";

  // (d) for the last kill: the store opens for writing and takes an entry.
  auto ws = store_dir::OpenWritable(dir);
  ASSERT_OK(ws);
  auto lg = log::Log::Open(std::move(ws->store), ws->signer);
  ASSERT_OK(lg);
  EXPECT_EQ((*lg)->size(), size);
  auto idx = (*lg)->Append("after the last crash").get();
  ASSERT_OK(idx);
  EXPECT_EQ(*idx, size);
  lg->reset();
  ws->lock.reset();
  acked.emplace(size, "after the last crash");
  EXPECT_EQ(CheckStore(dir, acked), size + 1);
  std::printf("%zu acknowledged entries over %d kills, %.1f s\n", acked.size(), kIterations,
              std::chrono::duration<double>(Clock::now() - began).count());
}

TEST(CrashTest, SecondWriterIsRefusedWhileFirstHoldsTheLock) {
  std::mt19937_64 rng(testing::TestSeed("CrashTest.SecondWriterIsRefusedWhileFirstHoldsTheLock"));
  TempDir tmp("lifeline-lock");
  const std::string dir = tmp.path() + "/store";
  auto init = store_dir::InitStore(dir, kOrigin);
  ASSERT_OK(init);

  Child first;
  ASSERT_TRUE(first.Start(AppenderArgs(dir, "lock", 2, 64, rng())));
  std::string out;
  ASSERT_TRUE(first.WaitForLine("ready ", Clock::now() + std::chrono::seconds(30), &out))
      << "the appender did not open the store; stderr:\n"
      << first.err();

  // While the first writer is alive and appending, a second one is refused
  // both through the CLI (exit code 4) and through the library.
  ProcessResult second = RunProcess({LIFELINE_BIN, "--store", dir, "log", "append"}, "second writer\n");
  EXPECT_EQ(second.exit_code, 4) << second.Describe();
  EXPECT_NE(second.err.find("locked by another writer"), std::string::npos) << second.Describe();
  EXPECT_NE(second.err.find("pid " + std::to_string(first.pid())), std::string::npos) << second.Describe();
  auto ws = store_dir::OpenWritable(dir);
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), ErrorCode::kFailedPrecondition) << ws.status().ToString();

  // Kill the holder mid-append; the kernel drops its lock.
  first.ReadUntil(Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution<int>(10, 100)(rng)), &out);
  ASSERT_EQ(first.KillAndReap(&out), kKilledExit) << first.err();
  Acks acks = ParseOutput(out);
  EXPECT_TRUE(acks.errors.empty()) << acks.errors.front();
  const uint64_t size = CheckStore(dir, acks.entries);
  ASSERT_FALSE(::testing::Test::HasFailure());

  ProcessResult third = RunProcess({LIFELINE_BIN, "--store", dir, "log", "append"}, "third writer\n");
  EXPECT_EQ(third.exit_code, 0) << third.Describe();
  acks.entries.emplace(size, "third writer");
  EXPECT_EQ(CheckStore(dir, acks.entries), size + 1);
  std::printf("the killed writer had %zu acknowledged entries\n", acks.entries.size() - 1);
}

}  // namespace
}  // namespace lifeline
