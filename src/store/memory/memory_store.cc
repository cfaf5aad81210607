#include "store/memory/memory_store.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <vector>

#include "base/kinds.h"

namespace lifeline::store {

MemoryStore::MemoryStore(std::string origin) { meta_["origin"] = std::move(origin); }

void MemoryStore::InjectFailure(Op op, Status status, int after, bool sticky) {
  std::lock_guard<std::mutex> l(mu_);
  faults_[op] = Fault{std::move(status), after, sticky};
}

void MemoryStore::ClearFailures() {
  std::lock_guard<std::mutex> l(mu_);
  faults_.clear();
}

void MemoryStore::HoldApply(bool hold) {
  {
    std::lock_guard<std::mutex> l(mu_);
    hold_apply_ = hold;
  }
  released_.notify_all();
}

int MemoryStore::apply_calls() const {
  std::lock_guard<std::mutex> l(mu_);
  return apply_calls_;
}

size_t MemoryStore::tile_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return tiles_.size();
}

Status MemoryStore::CorruptTile(uint32_t level, uint64_t index, size_t byte, uint8_t xor_mask) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = tiles_.find({level, index});
  if (it == tiles_.end() || byte >= it->second.data.size()) return NotFoundError("no such tile byte");
  it->second.data[byte] = static_cast<char>(it->second.data[byte] ^ xor_mask);
  return Status::Ok();
}

Status MemoryStore::MaybeFail(Op op) {
  auto it = faults_.find(op);
  if (it == faults_.end()) return Status::Ok();
  if (it->second.after > 0) {
    --it->second.after;
    return Status::Ok();
  }
  Status s = it->second.status;
  if (!it->second.sticky) faults_.erase(it);
  return s;
}

Result<StoredCheckpoint> MemoryStore::LatestCheckpoint() {
  std::lock_guard<std::mutex> l(mu_);
  LIFELINE_RETURN_IF_ERROR(MaybeFail(Op::kLatestCheckpoint));
  if (checkpoints_.empty()) return NotFoundError("no checkpoint in the store");
  return checkpoints_.back();
}

Result<TileData> MemoryStore::ReadTile(uint32_t level, uint64_t index) {
  std::lock_guard<std::mutex> l(mu_);
  LIFELINE_RETURN_IF_ERROR(MaybeFail(Op::kReadTile));
  auto it = tiles_.find({level, index});
  if (it == tiles_.end()) {
    return NotFoundError(merkle::TilePath(merkle::TileId{level, index, merkle::kTileWidth}) + " is not stored");
  }
  return it->second;
}

Status MemoryStore::ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) {
  std::vector<StoredCheckpoint> copy;
  {
    std::lock_guard<std::mutex> l(mu_);
    copy = checkpoints_;
  }
  for (const auto& cp : copy) LIFELINE_RETURN_IF_ERROR(fn(cp));
  return Status::Ok();
}

Result<StoredCheckpoint> MemoryStore::CheckpointAt(uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = checkpoints_.rbegin(); it != checkpoints_.rend(); ++it) {
    if (it->size == size) return *it;
  }
  return NotFoundError("no checkpoint of size " + std::to_string(size));
}

Status MemoryStore::Apply(const Commit& commit) {
  std::unique_lock<std::mutex> l(mu_);
  released_.wait(l, [&] { return !hold_apply_; });
  ++apply_calls_;
  LIFELINE_RETURN_IF_ERROR(MaybeFail(Op::kApply));
  uint64_t current = checkpoints_.empty() ? 0 : checkpoints_.back().size;
  if (!checkpoints_.empty() || commit.base_size != 0) {
    if (commit.base_size != current) {
      return FailedPreconditionError("commit built on size " + std::to_string(commit.base_size) +
                                     " but the store is at size " + std::to_string(current));
    }
  }
  for (const auto& t : commit.tiles) tiles_[{t.id.level, t.id.index}] = t;
  for (const auto& r : commit.records) AddRecord(r);
  checkpoints_.push_back(StoredCheckpoint{commit.new_size, commit.checkpoint});
  return MaybeFail(Op::kApplyCommitted);
}

Result<std::string> MemoryStore::GetMeta(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = meta_.find(key);
  if (it == meta_.end()) return NotFoundError("no metadata " + key);
  return it->second;
}

Result<RecordRow> MemoryStore::FindRecord(const std::string& id) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (it->id == id) return *it;
  }
  return NotFoundError("no record \"" + id + "\"");
}

void MemoryStore::AddRecord(const RecordRow& r) {
  if (!r.supersedes.empty()) replacing_.emplace(r.supersedes, records_.size());
  if (r.kind == kinds::kRetraction && !r.target.empty() && r.target != r.supersedes) {
    replacing_.emplace(r.target, records_.size());
  }
  records_.push_back(r);
}

Status MemoryStore::ScanRecords(const RecordQuery& q, const std::function<Result<ScanStep>(const RecordRow&)>& fn) {
  for (size_t pos = 0;;) {
    RecordRow row;
    {
      std::lock_guard<std::mutex> l(mu_);
      while (pos < records_.size() && !MatchesQuery(records_[pos], q)) ++pos;
      if (pos >= records_.size()) return Status::Ok();
      row = records_[pos++];
    }
    if (!q.with_body) row.body.clear();
    LIFELINE_ASSIGN_OR_RETURN(ScanStep step, fn(row));
    if (step == ScanStep::kStop) return Status::Ok();
  }
}

Status MemoryStore::ForEachReplacingRecord(const std::vector<std::string>& ids,
                                           const std::function<Status(const RecordRow&)>& fn) {
  std::vector<RecordRow> out;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& id : ids) {
      auto [begin, end] = replacing_.equal_range(id);
      for (auto it = begin; it != end; ++it) out.push_back(records_[it->second]);
    }
  }
  for (const auto& r : out) LIFELINE_RETURN_IF_ERROR(fn(r));
  return Status::Ok();
}

Status MemoryStore::ForEachReferrer(const std::string& id, const std::function<Status(const RecordRow&)>& fn) {
  std::vector<RecordRow> out;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& r : records_) {
      if (!id.empty() && (r.supersedes == id || r.target == id)) out.push_back(r);
    }
  }
  for (const auto& r : out) LIFELINE_RETURN_IF_ERROR(fn(r));
  return Status::Ok();
}

Status MemoryStore::ForEachIdAndKind(const std::function<Status(const std::string&, const std::string&, const std::string&)>& fn) {
  std::vector<std::array<std::string, 3>> out;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& r : records_) out.push_back({r.id, r.kind, r.case_id});
  }
  for (const auto& [id, kind, case_id] : out) LIFELINE_RETURN_IF_ERROR(fn(id, kind, case_id));
  return Status::Ok();
}

Status MemoryStore::RebuildRecords(const RecordBatches& next) {
  // Every row is gathered before the swap: the old projection stays whole
  // until then, and a failing `next` leaves it untouched.
  std::vector<RecordRow> sorted, batch;
  for (;;) {
    batch.clear();
    LIFELINE_ASSIGN_OR_RETURN(bool more, next(&batch));
    if (!more) break;
    std::move(batch.begin(), batch.end(), std::back_inserter(sorted));
  }
  std::lock_guard<std::mutex> l(mu_);
  std::stable_sort(sorted.begin(), sorted.end(), [](const RecordRow& a, const RecordRow& b) { return a.index < b.index; });
  records_.clear();
  replacing_.clear();
  for (const auto& r : sorted) AddRecord(r);
  return Status::Ok();
}

}  // namespace lifeline::store
