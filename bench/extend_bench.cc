// A case's dataset after a write, loaded afresh against extended from the
// previous checkpoint (analysis::ExtendDataset, what the server's
// DatasetCache does), and its indicators computed whole against updated
// from the previous checkpoint's (analysis::UpdateIndicators), on a store
// an import made:
//
//   extend_bench STORE_DIR CASE BACK [--reps R]
//
// Takes the latest checkpoint (size S) and the newest stored one of size at
// most S - BACK (an import commits every 10,000 records; a second import of
// BACK records makes a checkpoint BACK back), loads the dataset there once
// with its indicators, then times, R times each (median quoted):
// LoadDataset at S; copying the earlier dataset (what ExtendDataset starts
// with); ExtendDataset from S - BACK to S, and ExtendDatasetInPlace;
// ComputeIndicators on the result;
// UpdateIndicators from the earlier indicators (and, to see where its
// time goes, the figures alone computed whole, and the figures with only
// the new records' lists continued from the earlier result's sums, as the
// update does before it merges the lists); and the JSON text of the
// result. Prints one JSON line. Fails if the extended dataset's indicators
// differ from a fresh load's, or the updated ones from those.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/format.h"
#include "analysis/indicators.h"
#include "analysis/indicators_update.h"
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

lifeline::analysis::Indicators ComputeWith(const Dataset& ds, const CheckpointRef& cp,
                                           const lifeline::analysis::IndicatorOptions& o) {
  auto ind = lifeline::analysis::ComputeIndicators(ds, cp, o);
  if (!ind.ok()) Die(ind.status().ToString());
  return std::move(*ind);
}

lifeline::analysis::Indicators Compute(const Dataset& ds, const CheckpointRef& cp) {
  return ComputeWith(ds, cp, lifeline::analysis::IndicatorOptions{});
}

std::string Json(const lifeline::analysis::Indicators& ind) { return lifeline::analysis::IndicatorsJsonText(ind); }

// The median of `reps` updates of the earlier indicators to `ds`. Each
// update gets its own earlier result, computed afresh outside the timing
// (a copy would share its lists with the original, and destroying it would
// cost less than destroying the server's, which it moves in as the only
// owner); destroying it is timed, as it is part of what the server's update
// costs. `out` is the last result, `incremental` whether every one merged,
// `continued` whether every one read only the new rows for its figures.
double TimeUpdate(int reps, const Dataset& base, const CheckpointRef& base_cp, const Dataset& ds,
                  const CheckpointRef& cp, const lifeline::analysis::DatasetMark& mark,
                  lifeline::analysis::Indicators& out, bool& incremental, bool& continued) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    lifeline::analysis::Indicators previous = Compute(base, base_cp);
    std::optional<lifeline::analysis::IndicatorsUpdate> update;
    const auto start = std::chrono::steady_clock::now();
    {
      auto u = lifeline::analysis::UpdateIndicators(ds, cp, {}, mark, std::move(previous));
      if (!u.ok()) Die(u.status().ToString());
      update.emplace(std::move(*u));
    }
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    incremental &= update->incremental;
    continued &= update->continued;
    out = std::move(update->indicators);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// The size of the newest stored checkpoint at least `back` entries before `to`.
uint64_t SizeBack(lifeline::store::LogStore& st, uint64_t to, uint64_t back) {
  uint64_t from_size = 0;
  lifeline::Status walked = st.ForEachCheckpoint([&](const lifeline::store::StoredCheckpoint& cp) {
    if (cp.size + back <= to) from_size = std::max(from_size, cp.size);
    return lifeline::Status::Ok();
  });
  if (!walked.ok() || from_size == 0) Die("no stored checkpoint BACK entries before the latest");
  return from_size;
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
  auto from = lifeline::analysis::ResolveCheckpoint(**st, SizeBack(**st, to->size, back));
  if (!from.ok()) Die(from.status().ToString());
  auto base = lifeline::analysis::LoadDataset(**st, case_id, *from);
  if (!base.ok()) Die(base.status().ToString());
  Dataset fresh, extended, copy;
  const double load_s = Median(reps, [&] {
    auto ds = lifeline::analysis::LoadDataset(**st, case_id, *to);
    if (!ds.ok()) Die(ds.status().ToString());
    fresh = std::move(*ds);
  });
  const double copy_s = Median(reps, [&] { copy = *base; });
  const double extend_s = Median(reps, [&] {
    auto ds = lifeline::analysis::ExtendDataset(**st, *base, from->size, *to);
    if (!ds.ok()) Die(ds.status().ToString());
    if (!ds->has_value()) Die("the new entries cannot extend the dataset (a correction, retraction or case record)");
    extended = std::move(**ds);
  });
  // In place (the server's DatasetCache when no request holds the
  // dataset): on a copy made outside the timing, whose columns are exactly
  // full (the first write after a load grows each of them), and on one with
  // room for the new rows (the writes after: a column's capacity doubles).
  auto in_place = [&](bool room) {
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
      Dataset ds = *base;
      if (room) ds.ReserveMovements(2 * ds.movements.size(), 2 * ds.cargo.size());
      const auto start = std::chrono::steady_clock::now();
      auto ok = lifeline::analysis::ExtendDatasetInPlace(**st, ds, from->size, *to);
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!ok.ok()) Die(ok.status().ToString());
      if (!*ok) Die("the new entries cannot extend the dataset in place");
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  const double in_place_s = in_place(false), in_place_room_s = in_place(true);
  lifeline::analysis::Indicators whole, updated;
  const double indicators_s = Median(reps, [&] { whole = Compute(extended, *to); });
  const lifeline::analysis::DatasetMark mark = lifeline::analysis::MarkOf(*base);
  bool incremental = true, continued = true;
  const double update_s = TimeUpdate(reps, *base, *from, extended, *to, mark, updated, incremental, continued);
  // Where the update's time goes: the figures alone (no record lists), and
  // the figures with the new records' lists (the rest is the merge).
  lifeline::analysis::IndicatorOptions parts;
  parts.explain = false;
  const double figures_s = Median(reps, [&] { ComputeWith(extended, *to, parts); });
  parts.explain = true;
  parts.records_from = static_cast<int32_t>(mark.ids);
  const std::shared_ptr<const lifeline::analysis::IndicatorSums> sums = Compute(*base, *from).sums;
  const double continue_s = Median(reps, [&] {
    auto ind = lifeline::analysis::ContinueIndicators(extended, *to, parts, *sums);
    if (!ind.ok()) Die(ind.status().ToString());
  });
  std::string text;
  const double json_s = Median(reps, [&] { text = Json(updated); });
  if (text != Json(whole)) Die("the updated indicators differ from a whole computation's");
  if (Json(Compute(fresh, *to)) != text) Die("the extended dataset's indicators differ from a fresh load's");
  std::printf("{\"size\":%llu,\"from\":%llu,\"load_s\":%.4f,\"copy_s\":%.4f,\"extend_s\":%.4f,"
              "\"in_place_s\":%.4f,\"in_place_room_s\":%.4f,\"indicators_s\":%.4f,\"update_s\":%.4f,"
              "\"incremental\":%s,\"continued\":%s,\"figures_s\":%.4f,\"continue_s\":%.4f,"
              "\"json_s\":%.4f,\"json_bytes\":%zu}\n",
              static_cast<unsigned long long>(to->size), static_cast<unsigned long long>(from->size), load_s, copy_s,
              extend_s, in_place_s, in_place_room_s, indicators_s, update_s, incremental ? "true" : "false",
              continued ? "true" : "false", figures_s, continue_s, json_s, text.size());
  return 0;
}
