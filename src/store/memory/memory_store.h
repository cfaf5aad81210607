// An in-memory LogStore with injectable failures, for tests.
//
// Failures are injected per operation kind: the next N calls of that kind
// succeed, then the given status is returned (once, or every time). A failed
// Apply leaves the store unchanged, as the LogStore contract requires of a
// crash inside Apply; kApplyCommitted is the ambiguous failure instead (the
// commit is made, then the error returned, as after an fsync error). Apply
// can be held (it waits until released), so that tests can line up work
// behind a commit. Thread-safe (one mutex), so tests can inject from
// another thread while a log integrates.
#ifndef LIFELINE_STORE_MEMORY_MEMORY_STORE_H_
#define LIFELINE_STORE_MEMORY_MEMORY_STORE_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "store/store.h"

namespace lifeline::store {

class MemoryStore : public LogStore {
 public:
  enum class Op { kApply, kApplyCommitted, kReadTile, kLatestCheckpoint };

  explicit MemoryStore(std::string origin);

  // After `after` more successful calls of `op`, calls fail with `status`;
  // `sticky` keeps failing (a full disk), otherwise only once.
  void InjectFailure(Op op, Status status, int after = 0, bool sticky = false);
  void ClearFailures();
  // While held, Apply waits (before it counts or fails) until released.
  void HoldApply(bool hold);

  // Counters for tests.
  int apply_calls() const;
  size_t tile_count() const;

  // Overwrites a stored tile's bytes (a corruption test), NotFound if absent.
  Status CorruptTile(uint32_t level, uint64_t index, size_t byte, uint8_t xor_mask);

  Result<StoredCheckpoint> LatestCheckpoint() override;
  Result<TileData> ReadTile(uint32_t level, uint64_t index) override;
  Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) override;
  Result<StoredCheckpoint> CheckpointAt(uint64_t size) override;
  Status Apply(const Commit& commit) override;
  Result<std::string> GetMeta(const std::string& key) override;
  Result<RecordRow> FindRecord(const std::string& id) override;
  Status ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) override;
  Status ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) override;
  Status RebuildRecords(const RecordBatches& next) override;

 protected:
  // A scan reads one row at a time under the lock and calls `fn` without
  // it: rows applied during a scan may be seen.
  Status ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) override;
  Status ForEachReplacingRecord(const std::vector<std::string>& ids,
                                const std::function<Status(const RecordRow&)>& fn) override;

 private:
  struct Fault {
    Status status;
    int after = 0;
    bool sticky = false;
  };
  Status MaybeFail(Op op);  // requires mu_
  void AddRecord(const RecordRow& r);  // requires mu_

  mutable std::mutex mu_;
  std::condition_variable released_;  // hold_apply_ became false
  bool hold_apply_ = false;
  std::map<std::string, std::string> meta_;
  std::map<std::pair<uint32_t, uint64_t>, TileData> tiles_;
  std::vector<StoredCheckpoint> checkpoints_;
  std::vector<RecordRow> records_;
  // A referenced id -> positions in records_ of the records that supersede
  // it or retract it (ForEachReplacingRecord).
  std::unordered_multimap<std::string, size_t> replacing_;
  std::map<Op, Fault> faults_;
  int apply_calls_ = 0;
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_MEMORY_MEMORY_STORE_H_
