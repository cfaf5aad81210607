#include "server/indicators_cache.h"

#include <optional>
#include <utility>

namespace lifeline::server {

std::optional<IndicatorsCache::Entry> IndicatorsCache::Take(const std::string& key, const analysis::CheckpointRef& cp,
                                                            const analysis::Dataset& ds, Shared* hit) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  // A hit only for the dataset object the result's record lists index (the
  // caller holds it): a result of another load at the same checkpoint is
  // merged into one that reads `ds` (its indices are ds's within a lineage).
  if (it->second.cp.size == cp.size && it->second.cp.root == cp.root &&
      it->second.indicators->record_ids == &ds.ids && it->second.mark.lineage == ds.lineage) {
    it->second.used = ++clock_;
    ++stats_.hits;
    *hit = it->second.indicators;
    return std::nullopt;
  }
  if (it->second.cp.size > cp.size) return std::nullopt;
  Entry e = std::move(it->second);
  entries_.erase(it);
  return e;
}

Result<IndicatorsCache::Shared> IndicatorsCache::Get(const std::string& key, const analysis::Dataset& ds,
                                                     const analysis::CheckpointRef& cp,
                                                     const analysis::IndicatorOptions& options) {
  Shared hit;
  std::optional<Entry> prev = Take(key, cp, ds, &hit);
  if (hit) return hit;
  analysis::IndicatorsUpdate up;
  if (prev) {
    // Out of the map, it can gain no new reader: if none holds it, it is
    // moved into the update, else copied.
    analysis::Indicators earlier =
        prev->indicators.use_count() == 1 ? std::move(*prev->indicators) : *prev->indicators;
    prev->indicators.reset();
    LIFELINE_ASSIGN_OR_RETURN(up, analysis::UpdateIndicators(ds, cp, options, prev->mark, std::move(earlier)));
  } else {
    LIFELINE_ASSIGN_OR_RETURN(up.indicators, analysis::ComputeIndicators(ds, cp, options));
  }
  auto out = std::make_shared<analysis::Indicators>(std::move(up.indicators));
  Keep(key, cp, analysis::MarkOf(ds), out, up.incremental);
  return Shared(out);
}

void IndicatorsCache::Keep(const std::string& key, const analysis::CheckpointRef& cp,
                           const analysis::DatasetMark& mark, std::shared_ptr<analysis::Indicators> indicators,
                           bool merged) {
  std::lock_guard<std::mutex> l(mu_);
  ++(merged ? stats_.merged : stats_.whole);
  Entry& e = entries_[key];
  if (e.indicators != nullptr && e.cp.size >= cp.size) return;  // a newer one was kept meanwhile
  e = Entry{cp, mark, std::move(indicators), ++clock_};
  if (entries_.size() <= kEntries) return;
  auto oldest = entries_.begin();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.used < oldest->second.used) oldest = it;
  }
  entries_.erase(oldest);
}

IndicatorsCache::Stats IndicatorsCache::stats() {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

}  // namespace lifeline::server
