// The indicators (with their record lists) last computed per case and
// range, kept so that the next checkpoint's are merged from them
// (analysis::UpdateIndicators) instead of computed whole: under a stream
// of writes of movements, a large case's record lists are built once, then
// each write adds its own records. The indicators and headline routes read
// through it (case_analyses.cc); AnalysisCache still caches their JSON text
// per checkpoint.
//
// One result per key (case, from, to) is kept, of the newest checkpoint
// asked for; at most kEntries keys (the least recently used goes). A
// result costs memory like its JSON (hundreds of MB at a million records):
// the bound is small. A kept result is taken out while it is merged into,
// so a concurrent request of the same key (the other route's, or at= an
// older checkpoint: AnalysisCache's single flight is per route) finds none
// and computes whole; nothing replaces a result of a later checkpoint.
//
// A result's record lists are id indices into the dataset it was computed
// from (analysis/record_ids.h), which the cache does not hold: a kept
// result is returned as it is only to a caller passing that same dataset
// object (which it holds while it reads the result); to any other, it is
// merged anew, which points its lists to the caller's dataset. The caller
// keeps `ds` alive while it reads the result returned.
// Thread-safe.
#ifndef LIFELINE_SERVER_INDICATORS_CACHE_H_
#define LIFELINE_SERVER_INDICATORS_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "analysis/dataset.h"
#include "analysis/indicators.h"
#include "analysis/indicators_update.h"
#include "base/status.h"

namespace lifeline::server {

class IndicatorsCache {
 public:
  using Shared = std::shared_ptr<const analysis::Indicators>;
  static constexpr size_t kEntries = 4;

  // The indicators of `ds` at `cp` with `options`, equal to
  // analysis::ComputeIndicators'; `key` names the case and the options.
  // The kept result of `key`, if of an earlier checkpoint, is merged into
  // (and replaced by) the new one.
  Result<Shared> Get(const std::string& key, const analysis::Dataset& ds, const analysis::CheckpointRef& cp,
                     const analysis::IndicatorOptions& options);

  struct Stats {
    uint64_t hits = 0, merged = 0, whole = 0;  // whole: no earlier result, or the update fell back
  };
  Stats stats();

 private:
  struct Entry {
    analysis::CheckpointRef cp;
    analysis::DatasetMark mark;
    std::shared_ptr<analysis::Indicators> indicators;
    uint64_t used = 0;
  };
  // The kept entry of `key` if it is of an earlier checkpoint (taken out of
  // the map), or of `cp` itself (left in, returned in `hit`).
  std::optional<Entry> Take(const std::string& key, const analysis::CheckpointRef& cp, const analysis::Dataset& ds,
                            Shared* hit);
  void Keep(const std::string& key, const analysis::CheckpointRef& cp, const analysis::DatasetMark& mark,
            std::shared_ptr<analysis::Indicators> indicators, bool merged);

  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  uint64_t clock_ = 0;
  Stats stats_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_INDICATORS_CACHE_H_
