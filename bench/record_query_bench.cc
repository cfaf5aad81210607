// Record queries (LogStore::ForEachRecord) on a SQLite store of 200,000
// records, the shapes the CLI and the API ask for: a first page of 50, a
// page of one case or kind, a text search, the case records (the server's
// visibility) and a whole case.
//
//   record_query_bench [--benchmark_min_time=0.5]
//
// The store is built once per run in $BENCH_DIR (default /var/tmp), with
// deterministic rows: 4 cases, 2 % corrections (each of an earlier record
// of its case), 0.5 % retractions, 5 % claims, the rest movements with a
// 300-byte body; the first 200 movements of case c0 are all corrected, so a
// current page of c0 starts with replaced rows.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/store_testing.h"

namespace {

using lifeline::Status;
using lifeline::store::RecordQuery;
using lifeline::store::RecordRow;
using lifeline::store::SqliteStore;

constexpr uint64_t kRecords = 200000;
constexpr int kCases = 4;

uint64_t Next(uint64_t* x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

std::vector<RecordRow> Rows() {
  std::vector<RecordRow> rows;
  rows.reserve(kRecords);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  std::vector<std::vector<std::string>> ids(kCases);
  for (uint64_t i = 0; i < kRecords; ++i) {
    RecordRow r;
    r.index = i;
    int c = static_cast<int>(i % kCases);
    r.case_id = "c" + std::to_string(c);
    r.id = "r-" + std::to_string(i);
    uint64_t roll = Next(&x) % 1000;
    if (i < kCases) {
      r.kind = "case";
      r.id = r.case_id;
    } else if (c == 0 && i >= 1000 && i < 1000 + 4 * 200) {
      r.kind = "movement";  // corrects one of c0's first movements
      r.supersedes = ids[0][(i - 1000) / 4 + 1];
    } else if (roll < 20 && ids[c].size() > 10) {
      r.kind = "movement";
      r.supersedes = ids[c][Next(&x) % ids[c].size()];
    } else if (roll < 25 && ids[c].size() > 10) {
      r.kind = "retraction";
      r.target = ids[c][Next(&x) % ids[c].size()];
    } else if (roll < 75 && ids[c].size() > 10) {
      r.kind = "claim";
      r.target = ids[c][Next(&x) % ids[c].size()];
    } else {
      r.kind = "movement";
      r.route = "road";
      int day = static_cast<int>(i % 3650);
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2000 + day / 365, day % 365 / 31 % 12 + 1, day % 28 + 1);
      r.date_from = date;
    }
    r.body = "{\"id\":\"" + r.id + "\",\"kind\":\"" + r.kind + "\",\"case\":\"" + r.case_id + "\",\"note\":\"" +
             std::string(240, 'a' + static_cast<char>(i % 26)) + "\"}";
    ids[c].push_back(r.id);
    rows.push_back(std::move(r));
  }
  return rows;
}

SqliteStore& Store() {
  static std::unique_ptr<SqliteStore> store = [] {
    const char* dir = std::getenv("BENCH_DIR");
    std::string path = std::string(dir ? dir : "/var/tmp") + "/record_query_bench-" + std::to_string(getpid()) + ".db";
    auto s = SqliteStore::Create(path, "bench");
    if (!s.ok()) std::abort();
    // The log's entries are the rows' bodies: the store reads a row's body
    // from its entry's bundle.
    const std::vector<RecordRow> rows = Rows();
    std::vector<std::string> bodies;
    for (const RecordRow& r : rows) bodies.push_back(r.body);
    lifeline::store::Commit log{0, rows.size(), lifeline::store::testing::BundlesFor(bodies, 0, rows.size()), "cp", {}};
    if (!(*s)->Apply(log).ok() || !(*s)->ReplaceRecords(rows).ok()) std::abort();
    static const std::string kPath = path;
    std::atexit([] {
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((kPath + suffix).c_str());
    });
    return std::move(*s);
  }();
  return *store;
}

void Run(benchmark::State& state, const RecordQuery& q) {
  SqliteStore& st = Store();
  uint64_t n = 0;
  for (auto _ : state) {
    n = 0;
    Status s = st.ForEachRecord(q, [&](const RecordRow&) {
      ++n;
      return Status::Ok();
    });
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  state.counters["rows"] = static_cast<double>(n);
}

RecordQuery Query(std::string kind, std::string case_id, std::string text, uint64_t limit) {
  RecordQuery q;
  q.kind = std::move(kind);
  q.case_id = std::move(case_id);
  q.text = std::move(text);
  q.limit = limit;
  return q;
}

void BM_FirstPage(benchmark::State& state) { Run(state, Query("", "", "", 50)); }
void BM_FirstPageAllVersions(benchmark::State& state) {
  RecordQuery q = Query("", "", "", 50);
  q.current_only = false;
  Run(state, q);
}
void BM_FirstPageOfCase(benchmark::State& state) { Run(state, Query("", "c0", "", 50)); }
void BM_PageOfKind(benchmark::State& state) { Run(state, Query("movement", "c1", "", 50)); }
void BM_TextSearch(benchmark::State& state) { Run(state, Query("", "", "zzzz", 50)); }
void BM_CaseRecords(benchmark::State& state) { Run(state, Query("case", "", "", 0)); }
void BM_WholeCase(benchmark::State& state) { Run(state, Query("", "c1", "", 0)); }

BENCHMARK(BM_FirstPage)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FirstPageAllVersions)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FirstPageOfCase)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PageOfKind)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TextSearch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CaseRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WholeCase)->Unit(benchmark::kMillisecond);

}  // namespace
