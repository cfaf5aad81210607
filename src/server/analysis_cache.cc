#include "server/analysis_cache.h"

#include <algorithm>

namespace lifeline::server {

AnalysisCache::Text AnalysisCache::GetExact(const std::string& exact_key) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = exact_.begin(); it != exact_.end(); ++it) {
    if (it->first == exact_key) {
      exact_.splice(exact_.begin(), exact_, it);
      return it->second;
    }
  }
  return nullptr;
}

void AnalysisCache::PutExact(const std::string& exact_key, Text body) {
  std::lock_guard<std::mutex> lock(mu_);
  exact_.emplace_front(exact_key, std::move(body));
  if (exact_.size() > kExactEntries) exact_.pop_back();
}

AnalysisCache::Text AnalysisCache::GetLatest(const std::string& key, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(key);
  if (it == latest_.end()) return nullptr;
  const Computed& c = it->second;
  if (c.size == size || std::chrono::steady_clock::now() - c.when < kFresh) return c.body;
  return nullptr;
}

void AnalysisCache::PutLatest(const std::string& key, uint64_t size, Text body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (latest_.size() >= kLatestEntries && !latest_.count(key)) {
    auto oldest = std::min_element(latest_.begin(), latest_.end(),
                                   [](const auto& a, const auto& b) { return a.second.when < b.second.when; });
    flights_.erase(oldest->first);
    latest_.erase(oldest);
  }
  latest_[key] = Computed{size, std::chrono::steady_clock::now(), std::move(body)};
}

std::shared_ptr<std::mutex> AnalysisCache::Flight(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = flights_[key];
  if (!f) f = std::make_shared<std::mutex>();
  return f;
}

}  // namespace lifeline::server
