// A case's dataset after a write, loaded afresh against extended from the
// previous checkpoint (analysis::ExtendDataset, what the server's
// DatasetCache does), on a store an import made:
//
//   extend_bench STORE_DIR CASE BACK [--reps R]
//
// Takes the latest checkpoint (size S) and the newest stored one of size at
// most S - BACK (an import commits every 10,000 records), loads the dataset
// there once, then times, R times each (median
// quoted): LoadDataset at S; ExtendDataset from S - BACK to S; and
// ComputeIndicators on the result. Prints one JSON line. The two datasets'
// indicators are compared and the program fails if they differ.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/format.h"
#include "analysis/indicators.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using lifeline::analysis::CheckpointRef;
using lifeline::analysis::Dataset;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "extend_bench: %s\n", what.c_str());
  std::exit(1);
}

// The median of `reps` timings of fn, in seconds.
double Median(int reps, const std::function<void()>& fn) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::string Indicators(const Dataset& ds, const CheckpointRef& cp) {
  auto ind = lifeline::analysis::ComputeIndicators(ds, cp, lifeline::analysis::IndicatorOptions{});
  if (!ind.ok()) Die(ind.status().ToString());
  return lifeline::analysis::IndicatorsJsonText(*ind);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) Die("usage: extend_bench STORE_DIR CASE BACK [--reps R]");
  const std::string case_id = argv[2];
  const uint64_t back = std::strtoull(argv[3], nullptr, 10);
  const int reps = argc == 6 ? std::atoi(argv[5]) : 3;
  auto st = lifeline::store::SqliteStore::Open(std::string(argv[1]) + "/lifeline.db",
                                               lifeline::store::SqliteStore::Mode::kReadOnly);
  if (!st.ok()) Die(st.status().ToString());
  auto to = lifeline::analysis::ResolveCheckpoint(**st, std::nullopt);
  if (!to.ok() || to->size < back) Die("no checkpoint BACK entries before the latest");
  uint64_t from_size = 0;
  lifeline::Status walked = (*st)->ForEachCheckpoint([&](const lifeline::store::StoredCheckpoint& cp) {
    if (cp.size + back <= to->size) from_size = std::max(from_size, cp.size);
    return lifeline::Status::Ok();
  });
  if (!walked.ok() || from_size == 0) Die("no stored checkpoint BACK entries before the latest");
  auto from = lifeline::analysis::ResolveCheckpoint(**st, from_size);
  if (!from.ok()) Die(from.status().ToString());
  auto base = lifeline::analysis::LoadDataset(**st, case_id, *from);
  if (!base.ok()) Die(base.status().ToString());
  Dataset fresh, extended;
  const double load_s = Median(reps, [&] {
    auto ds = lifeline::analysis::LoadDataset(**st, case_id, *to);
    if (!ds.ok()) Die(ds.status().ToString());
    fresh = std::move(*ds);
  });
  const double extend_s = Median(reps, [&] {
    auto ds = lifeline::analysis::ExtendDataset(**st, *base, from->size, *to);
    if (!ds.ok()) Die(ds.status().ToString());
    if (!ds->has_value()) Die("the new entries cannot extend the dataset (a correction, retraction or case record)");
    extended = std::move(**ds);
  });
  std::string a, b;
  const double indicators_s = Median(reps, [&] { a = Indicators(extended, *to); });
  b = Indicators(fresh, *to);
  if (a != b) Die("the extended dataset's indicators differ from a fresh load's");
  std::printf("{\"size\":%llu,\"from\":%llu,\"load_s\":%.4f,\"extend_s\":%.4f,\"indicators_s\":%.4f}\n",
              static_cast<unsigned long long>(to->size), static_cast<unsigned long long>(from->size), load_s, extend_s,
              indicators_s);
  return 0;
}
