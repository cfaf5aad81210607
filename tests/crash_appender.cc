// crash_appender: the victim of crash_test. Appends to a store from several
// threads until it is killed, and reports every acknowledged entry.
//
//   crash_appender DIR RUN THREADS MAX_BATCH SEED
//
// Opens DIR for writing (OpenWritable, synchronous=FULL; WAL checkpoints
// every 8 pages instead of 1000, so that kills land in them) and the log with
// max_batch_entries = MAX_BATCH, prints "ready <size>\n" once it holds the
// writer lock and the log is open, then each of THREADS threads appends
// entries "crash r<RUN> t<thread> s<seq> <padding>" (padding: 0..400 random
// letters and digits, so every entry is unique and says who wrote it) with
// Append or AppendMany, keeping a window of appends in flight. One group in
// two is of records instead: each entry the record
// {"case":"crash","date":"2024-01-02","id":"<that text>","kind":"incident"},
// appended with its projection row, so the kills also land inside commits
// that write the query tables. When a future
// yields an index (the entry is covered by a durable signed checkpoint), it
// writes "ack <index> <entry>\n" to stdout with one write(2): the line is
// shorter than PIPE_BUF, so lines never interleave and a kill never leaves
// half a line. An append that fails prints "error <message>\n" and exits 3.
//
// Exits by itself after 60 s, or when its parent dies, so a crashed test
// never leaves it running.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <nlohmann/json.hpp>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "record/projection.h"
#include "store/sqlite/sqlite_store.h"
#include "store_dir/store_dir.h"
#include "log/log.h"

namespace {

using lifeline::Result;

void WriteLine(const std::string& line) {
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = write(1, line.data() + off, line.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(4);  // the parent is gone
    }
    off += static_cast<size_t>(n);
  }
}

[[noreturn]] void Die(const std::string& what, const lifeline::Status& s) {
  std::string line = "error " + what + ": " + s.ToString() + "\n";
  WriteLine(line);
  std::fprintf(stderr, "crash_appender: %s", line.c_str());
  _exit(3);
}

// The record whose id is `text` (letters, digits and spaces: no escaping).
std::string RecordEntry(const std::string& text) {
  return R"({"case":"crash","date":"2024-01-02","id":")" + text + R"(","kind":"incident"})";
}

struct Pending {
  std::vector<std::string> entries;
  std::future<Result<uint64_t>> index;
};

void AppendLoop(lifeline::log::Log* log, const std::string& run, int thread, uint64_t seed, pid_t parent) {
  std::mt19937_64 rng(seed);
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  auto pad = [&] {
    std::string p(std::uniform_int_distribution<size_t>(0, 400)(rng), ' ');
    for (char& c : p) c = kAlphabet[std::uniform_int_distribution<size_t>(0, sizeof(kAlphabet) - 2)(rng)];
    return p;
  };
  const size_t window = std::uniform_int_distribution<size_t>(1, 48)(rng);
  std::deque<Pending> inflight;
  uint64_t seq = 0;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    while (inflight.size() < window) {
      Pending p;
      // One append in four is a group of 2..8 entries committed together.
      size_t n = std::uniform_int_distribution<int>(0, 3)(rng) == 0
                     ? std::uniform_int_distribution<size_t>(2, 8)(rng)
                     : 1;
      const bool records = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
      std::vector<lifeline::store::RecordRow> rows;
      for (size_t i = 0; i < n; ++i) {
        std::string text = "crash r" + run + " t" + std::to_string(thread) + " s" + std::to_string(seq++) + " " + pad();
        if (records) {
          text = RecordEntry(text);
          auto row = lifeline::record::ProjectRecord(nlohmann::json::parse(text), text);
          if (!row.ok()) Die("projecting", row.status());
          rows.push_back(std::move(*row));
        }
        p.entries.push_back(std::move(text));
      }
      p.index = n == 1 && !records ? log->Append(p.entries[0]) : log->AppendMany(p.entries, std::move(rows));
      inflight.push_back(std::move(p));
    }
    Pending p = std::move(inflight.front());
    inflight.pop_front();
    Result<uint64_t> first = p.index.get();
    if (!first.ok()) Die("appending", first.status());
    for (size_t i = 0; i < p.entries.size(); ++i) {
      std::string line = "ack " + std::to_string(*first + i) + " " + p.entries[i] + "\n";
      WriteLine(line);
    }
    if (getppid() != parent || std::chrono::steady_clock::now() - start > std::chrono::seconds(60)) _exit(0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: crash_appender DIR RUN THREADS MAX_BATCH SEED\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string run = argv[2];
  const int threads = std::atoi(argv[3]);
  const size_t max_batch = std::strtoull(argv[4], nullptr, 10);
  const uint64_t seed = std::strtoull(argv[5], nullptr, 10);
  if (threads < 1 || max_batch < 1) {
    std::fprintf(stderr, "crash_appender: THREADS and MAX_BATCH must be positive\n");
    return 2;
  }
  const pid_t parent = getppid();
  // WAL checkpoints every few commits (normally every 16 MB), so that the
  // kills also land inside background and bounding checkpoints.
  lifeline::store::SqliteStore::SetWalPolicyForTesting({.checkpoint_pages = 8, .max_pages = 48});
  auto ws = lifeline::store_dir::OpenWritable(dir);
  if (!ws.ok()) {
    std::fprintf(stderr, "crash_appender: %s\n", ws.status().ToString().c_str());
    return lifeline::ExitCodeFor(ws.status());
  }
  lifeline::log::LogOptions options;
  options.max_batch_entries = max_batch;
  auto log = lifeline::log::Log::Open(std::move(ws->store), ws->signer, options);
  if (!log.ok()) {
    std::fprintf(stderr, "crash_appender: opening the log: %s\n", log.status().ToString().c_str());
    return lifeline::ExitCodeFor(log.status());
  }
  WriteLine("ready " + std::to_string((*log)->size()) + "\n");
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(AppendLoop, log->get(), run, t, seed * 1000003 + static_cast<uint64_t>(t), parent);
  }
  for (auto& w : workers) w.join();  // never: the threads run until killed
  return 0;
}
