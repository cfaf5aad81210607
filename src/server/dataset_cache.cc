#include "server/dataset_cache.h"

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

Result<DatasetCache::Data> DatasetCache::Compute(store::LogStore& st, const std::string& case_id,
                                                 const analysis::CheckpointRef& cp) {
  Entry base;
  {
    std::lock_guard<std::mutex> l(mu_);
    base = cases_[case_id];
  }
  if (base.data != nullptr && cp.size > base.cp.size) {
    LIFELINE_ASSIGN_OR_RETURN(std::optional<analysis::Dataset> ext,
                              analysis::ExtendDataset(st, *base.data, base.cp.size, cp));
    if (ext) {
      auto data = std::make_shared<const analysis::Dataset>(std::move(*ext));
      Keep(case_id, cp, data);
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.extended;
      return data;
    }
  }
  LIFELINE_ASSIGN_OR_RETURN(analysis::Dataset ds, analysis::LoadDataset(st, case_id, cp));
  auto data = std::make_shared<const analysis::Dataset>(std::move(ds));
  // An older checkpoint (at=) does not replace the newest.
  if (base.data == nullptr || cp.size >= base.cp.size) Keep(case_id, cp, data);
  std::lock_guard<std::mutex> l(mu_);
  ++stats_.loaded;
  return data;
}

void DatasetCache::Keep(const std::string& case_id, const analysis::CheckpointRef& cp, Data data) {
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
