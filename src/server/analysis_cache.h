// The analyses' results as the JSON text sent. An analysis is a function of
// (case, checkpoint, parameters), so a result can be reused for as long as
// it names the same checkpoint:
//   - exact: results by exact checkpoint (requests with at=), the 64 most
//     recently used;
//   - latest: the one newest result per (case, parameters) for requests of
//     the latest checkpoint, reused while it is of that checkpoint or less
//     than kFresh old (writes keep making new checkpoints; the result names
//     the checkpoint it was computed at), at most 256 keys;
//   - flights: one request computes a key of the latest checkpoint while the
//     others for it wait (single flight), then find it in `latest`.
// Only one result per key is kept for the moving latest checkpoint: the soak
// grew the server to 1 GiB keeping every checkpoint's indicators of a 60 k
// record case in the exact cache. Thread-safe.
#ifndef LIFELINE_SERVER_ANALYSIS_CACHE_H_
#define LIFELINE_SERVER_ANALYSIS_CACHE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace lifeline::server {

class AnalysisCache {
 public:
  using Text = std::shared_ptr<const std::string>;
  static constexpr auto kFresh = std::chrono::seconds(1);
  static constexpr size_t kExactEntries = 64, kLatestEntries = 256;

  // The result for an exact key (naming its checkpoint), or nullptr.
  Text GetExact(const std::string& exact_key);
  void PutExact(const std::string& exact_key, Text body);

  // The newest result for `key` if it is of checkpoint `size` or fresh.
  Text GetLatest(const std::string& key, uint64_t size);
  void PutLatest(const std::string& key, uint64_t size, Text body);

  // The mutex a computation of `key` holds while it runs; the same one for
  // every caller while `key` is among the latest results.
  std::shared_ptr<std::mutex> Flight(const std::string& key);

 private:
  struct Computed {
    uint64_t size = 0;
    std::chrono::steady_clock::time_point when;
    Text body;
  };
  std::mutex mu_;
  std::list<std::pair<std::string, Text>> exact_;  // most recent first
  std::unordered_map<std::string, Computed> latest_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> flights_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_ANALYSIS_CACHE_H_
