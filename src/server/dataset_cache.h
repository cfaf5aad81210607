// The case datasets the analysis routes compute from, shared by them: the
// dashboard's overview asks for a case's headline, indicators and
// compliance at once, and each used to load (parse) the whole case again.
// Per case the newest dataset is kept (the kCases most recently used cases),
// and a request at a later checkpoint extends it with the new entries'
// records (analysis::ExtendDataset) instead of loading the case again, when
// that gives the same dataset: under a stream of writes a large case is
// parsed once, then only what each write adds. A request at an older
// checkpoint (at=) loads its dataset and does not keep it. When no request
// holds the cached dataset, it is extended in place (ExtendDatasetInPlace):
// at a million movements copying it cost more than the write's records;
// taken out of the cache first, it can gain no reader meanwhile. One
// request per case loads or extends while the others for that case wait
// (single flight). Thread-safe.
#ifndef LIFELINE_SERVER_DATASET_CACHE_H_
#define LIFELINE_SERVER_DATASET_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "analysis/dataset.h"
#include "base/status.h"
#include "store/store.h"

namespace lifeline::server {

class DatasetCache {
 public:
  using Data = std::shared_ptr<const analysis::Dataset>;
  static constexpr size_t kCases = 4;

  // The dataset of `case_id` at the verified checkpoint `cp`, read through
  // `st` when it is not the cached one. Errors are LoadDataset's.
  Result<Data> Get(store::LogStore& st, const std::string& case_id, const analysis::CheckpointRef& cp);

  struct Stats {
    uint64_t hits = 0, extended = 0, loaded = 0;
    uint64_t in_place = 0;  // of `extended`, those extended without a copy
  };
  Stats stats();
  // How many cases have an entry (loaded, or being loaded).
  size_t cases();

 private:
  struct Entry {
    analysis::CheckpointRef cp;
    std::shared_ptr<analysis::Dataset> data;  // handed out as Data (const)
    uint64_t used = 0;
    std::shared_ptr<std::mutex> flight = std::make_shared<std::mutex>();
  };
  // The cached dataset of `case_id` if it is of `cp`, else nullptr.
  Data Cached(const std::string& case_id, const analysis::CheckpointRef& cp);
  Result<Data> Compute(store::LogStore& st, const std::string& case_id, const analysis::CheckpointRef& cp);
  // The cached dataset of `case_id`, taken out of its entry, when it is
  // older than `cp` and no request holds it; else nullptr. `*base` is the
  // entry as it was (its data, if not taken).
  std::shared_ptr<analysis::Dataset> TakeSole(const std::string& case_id, const analysis::CheckpointRef& cp,
                                              Entry* base);
  void Keep(const std::string& case_id, const analysis::CheckpointRef& cp, std::shared_ptr<analysis::Dataset> data);

  std::mutex mu_;
  std::map<std::string, Entry> cases_;
  uint64_t clock_ = 0;
  Stats stats_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_DATASET_CACHE_H_
