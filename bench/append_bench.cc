// Durable append throughput and checkpoint latency of the log on SQLite, or
// on PostgreSQL.
//
//   append_bench --dir DIR --entries N --batch B [--writers W] [--entry-size S] [--sync full|normal|off]
//                [--records 1] [--pg CONNINFO]
//
// --pg CONNINFO: the log on a PostgresStore created in that (empty) database,
// with a fresh key, instead of an SQLite store directory in DIR (a COMMIT
// returns once the server has flushed its WAL; --sync does not apply).
//
// W writer threads each submit groups of B entries of S bytes (default 300)
// with two groups in flight; the log commits up to B entries per signed
// checkpoint (synchronous=FULL: every commit is fsynced). Reports entries/s
// from the first submission to the last acknowledgement, the latency from a
// group's submission to its durable signed checkpoint (p50/p99/max), and the
// process's peak RSS. Prints one JSON line for bench/run.sh.
//
// --records 1 also projects every entry into the records table, as an
// import does (a movement-shaped row: id, kind, case, route, dates and the
// entry as body): the floor for "logged, signed and projected" with no JSON
// work at all (BENCHMARKS.md, import).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "log/log.h"
#include "store/postgres/postgres_store.h"
#include "store_dir/store_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

uint64_t Flag(int argc, char** argv, const char* name, uint64_t def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return def;
}
std::string FlagS(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) return argv[i + 1];
  }
  return def;
}

// A deterministic, distinct entry: a header naming it, padded with bytes cut
// from a fixed pseudo-random pool (so the benchmark spends its CPU on the
// log, not on making entries).
const std::string& Pool() {
  static const std::string pool = [] {
    std::string p(1 << 16, ' ');
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (char& c : p) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/"[x & 63];
    }
    return p;
  }();
  return pool;
}

std::string MakeEntry(uint64_t writer, uint64_t seq, size_t size) {
  std::string e = "{\"w\":" + std::to_string(writer) + ",\"n\":" + std::to_string(seq) + ",\"p\":\"";
  size_t pad = size > e.size() + 2 ? size - e.size() - 2 : 0;
  e.append(Pool(), (seq * 131) % (Pool().size() - pad), pad);
  e += "\"}";
  return e;
}

// The projection of entry `seq` as gen_records' movements would have it.
lifeline::store::RecordRow MakeRow(uint64_t seq, const std::string& entry) {
  lifeline::store::RecordRow r;
  r.id = "mv-" + std::to_string(seq);
  r.kind = "movement";
  r.case_id = "bench";
  r.route = "road";
  char date[16];
  std::snprintf(date, sizeof(date), "%04u-%02u-%02u", 2000 + static_cast<unsigned>(seq / 3000 % 30),
                1 + static_cast<unsigned>(seq / 250 % 12), 1 + static_cast<unsigned>(seq % 28));
  r.date_from = r.date_to = date;
  r.body = entry;
  return r;
}

struct Opened {
  std::unique_ptr<lifeline::store::FileLock> lock;  // SQLite: the store directory's
  std::unique_ptr<lifeline::store::LogStore> store;
  lifeline::note::Signer signer;
};

// The store under test: a new PostgresStore in the database `pg` names, or
// a new SQLite store directory `dir` opened with `sync`.
lifeline::Result<Opened> OpenStore(const std::string& dir, const std::string& pg, const std::string& sync) {
  using namespace lifeline;
  const std::string origin = "bench.example/log";
  if (!pg.empty()) {
    auto st = store::PostgresStore::Create(pg, origin);
    if (!st.ok()) return st.status();
    return Opened{nullptr, std::move(*st), note::Signer::Generate(origin)};
  }
  std::filesystem::remove_all(dir);
  auto vkey = store_dir::InitStore(dir, origin);
  if (!vkey.ok()) return vkey.status();
  auto ws = store_dir::OpenWritable(dir, sync == "off"      ? store::SqliteStore::Sync::kOff
                                   : sync == "normal" ? store::SqliteStore::Sync::kNormal
                                                      : store::SqliteStore::Sync::kFull);
  if (!ws.ok()) return ws.status();
  return Opened{std::move(ws->lock), std::move(ws->store), ws->signer};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lifeline;
  const std::string dir = FlagS(argc, argv, "--dir", "");
  const uint64_t total = Flag(argc, argv, "--entries", 1000000);
  const uint64_t batch = Flag(argc, argv, "--batch", 1000);
  const uint64_t writers = Flag(argc, argv, "--writers", 2);
  const uint64_t entry_size = Flag(argc, argv, "--entry-size", 300);
  const bool records = Flag(argc, argv, "--records", 0) != 0;
  const std::string pg = FlagS(argc, argv, "--pg", "");
  if (dir.empty() && pg.empty()) {
    std::fprintf(stderr, "usage: append_bench --dir DIR | --pg CONNINFO --entries N --batch B [--writers W] [--entry-size S]\n");
    return 2;
  }
  const std::string sync = FlagS(argc, argv, "--sync", "full");  // full | normal | off (to find the CPU limit)
  auto ws = OpenStore(dir, pg, sync);
  if (!ws.ok()) {
    std::fprintf(stderr, "%s\n", ws.status().ToString().c_str());
    return 1;
  }
  log::LogOptions opts;
  opts.max_batch_entries = batch;
  auto lg = log::Log::Open(std::move(ws->store), ws->signer, opts);
  if (!lg.ok()) {
    std::fprintf(stderr, "%s\n", lg.status().ToString().c_str());
    return 1;
  }
  log::Log& l = **lg;

  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<uint64_t> next_group{0};
  std::atomic<bool> failed{false};
  const uint64_t groups = (total + batch - 1) / batch;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (uint64_t w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::deque<std::pair<std::future<Result<uint64_t>>, Clock::time_point>> inflight;
      std::vector<double> mine;
      auto wait_one = [&] {
        auto r = inflight.front().first.get();
        if (!r.ok()) {
          std::fprintf(stderr, "append failed: %s\n", r.status().ToString().c_str());
          failed = true;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - inflight.front().second).count());
        inflight.pop_front();
      };
      for (;;) {
        uint64_t g = next_group.fetch_add(1);
        if (g >= groups || failed) break;
        uint64_t n = std::min(batch, total - g * batch);
        std::vector<std::string> es;
        std::vector<store::RecordRow> rows;
        es.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
          es.push_back(MakeEntry(w, g * batch + i, entry_size));
          if (records) rows.push_back(MakeRow(g * batch + i, es.back()));
        }
        inflight.emplace_back(l.AppendMany(std::move(es), std::move(rows)), Clock::now());
        if (inflight.size() >= 2) wait_one();
      }
      while (!inflight.empty()) wait_one();
      std::lock_guard<std::mutex> lk(mu);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return 1;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms[std::min(latencies_ms.size() - 1, static_cast<size_t>(p * latencies_ms.size()))];
  };
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  auto stats = l.stats();
  std::printf(
      "{\"entries\":%llu,\"batch\":%llu,\"writers\":%llu,\"entry_size\":%llu,\"seconds\":%.3f,"
      "\"entries_per_s\":%.0f,\"commits\":%llu,\"latency_ms_p50\":%.2f,\"latency_ms_p99\":%.2f,"
      "\"latency_ms_max\":%.2f,\"peak_rss_mib\":%.1f}\n",
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(batch),
      static_cast<unsigned long long>(writers), static_cast<unsigned long long>(entry_size), secs, total / secs,
      static_cast<unsigned long long>(stats.commits), pct(0.5), pct(0.99), latencies_ms.back(),
      ru.ru_maxrss / 1024.0);
  return 0;
}
