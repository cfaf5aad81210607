#include "server/dataset_cache.h"

#include <atomic>
#include <utility>

namespace lifeline::server {
namespace {

bool Same(const analysis::CheckpointRef& a, const analysis::CheckpointRef& b) {
  return a.size == b.size && a.root == b.root;
}

}  // namespace

DatasetCache::Data DatasetCache::Cached(const std::string& case_id, const analysis::CheckpointRef& cp) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = cases_.find(case_id);
  if (it == cases_.end() || !Same(it->second.cp, cp)) return nullptr;
  it->second.used = ++clock_;
  ++stats_.hits;
  return it->second.data;
}

Result<DatasetCache::Data> DatasetCache::Get(store::LogStore& st, const std::string& case_id,
                                             const analysis::CheckpointRef& cp) {
  if (Data hit = Cached(case_id, cp)) return hit;
  std::shared_ptr<std::mutex> flight;
  {
    std::lock_guard<std::mutex> l(mu_);
    flight = cases_[case_id].flight;  // an entry without data until Keep
  }
  std::lock_guard<std::mutex> computing(*flight);
  if (Data hit = Cached(case_id, cp)) return hit;  // computed meanwhile
  Result<Data> out = Compute(st, case_id, cp);
  if (!out.ok()) {
    // A case that failed to load (an unknown id an admin asked for) leaves
    // no entry behind: the map holds only cases that loaded.
    std::lock_guard<std::mutex> l(mu_);
    auto it = cases_.find(case_id);
    if (it != cases_.end() && it->second.data == nullptr) cases_.erase(it);
  }
  return out;
}

std::shared_ptr<analysis::Dataset> DatasetCache::TakeSole(const std::string& case_id,
                                                          const analysis::CheckpointRef& cp, Entry* base) {
  std::lock_guard<std::mutex> l(mu_);
  Entry& e = cases_[case_id];
  *base = e;
  if (e.data == nullptr || cp.size <= e.cp.size || e.data.use_count() != 2) return nullptr;  // the entry's, base's
  // Every other holder has let go (copies are made only under mu_, which
  // is held): what they read happens before what the extension writes.
  std::atomic_thread_fence(std::memory_order_acquire);
  e.data.reset();
  return std::move(base->data);
}

Result<DatasetCache::Data> DatasetCache::Compute(store::LogStore& st, const std::string& case_id,
                                                 const analysis::CheckpointRef& cp) {
  Entry base;
  if (std::shared_ptr<analysis::Dataset> sole = TakeSole(case_id, cp, &base)) {
    // Out of the cache, no request can get it. An error, or new entries
    // that cannot extend it, leave it part-extended: it is dropped.
    LIFELINE_ASSIGN_OR_RETURN(bool extended, analysis::ExtendDatasetInPlace(st, *sole, base.cp.size, cp));
    if (extended) {
      Keep(case_id, cp, sole);
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.extended;
      ++stats_.in_place;
      return Data(std::move(sole));
    }
  } else if (base.data != nullptr && cp.size > base.cp.size) {
    LIFELINE_ASSIGN_OR_RETURN(std::optional<analysis::Dataset> ext,
                              analysis::ExtendDataset(st, *base.data, base.cp.size, cp));
    if (ext) {
      auto data = std::make_shared<analysis::Dataset>(std::move(*ext));
      Keep(case_id, cp, data);
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.extended;
      return Data(std::move(data));
    }
  }
  LIFELINE_ASSIGN_OR_RETURN(analysis::Dataset ds, analysis::LoadDataset(st, case_id, cp));
  auto data = std::make_shared<analysis::Dataset>(std::move(ds));
  // An older checkpoint (at=) does not replace the newest.
  if (base.data == nullptr || cp.size >= base.cp.size) Keep(case_id, cp, data);
  std::lock_guard<std::mutex> l(mu_);
  ++stats_.loaded;
  return Data(std::move(data));
}

void DatasetCache::Keep(const std::string& case_id, const analysis::CheckpointRef& cp,
                        std::shared_ptr<analysis::Dataset> data) {
  std::lock_guard<std::mutex> l(mu_);
  Entry& e = cases_[case_id];
  e.cp = cp;
  e.data = std::move(data);
  e.used = ++clock_;
  // Beyond kCases datasets, the least recently used one goes (its flight
  // mutex stays with the entry while a request may hold it).
  size_t held = 0;
  auto oldest = cases_.end();
  for (auto it = cases_.begin(); it != cases_.end(); ++it) {
    if (it->second.data == nullptr) continue;
    ++held;
    if (oldest == cases_.end() || it->second.used < oldest->second.used) oldest = it;
  }
  if (held > kCases) oldest->second.data.reset();
}

size_t DatasetCache::cases() {
  std::lock_guard<std::mutex> l(mu_);
  return cases_.size();
}

DatasetCache::Stats DatasetCache::stats() {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

}  // namespace lifeline::server
