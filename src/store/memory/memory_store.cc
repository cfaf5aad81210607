#include "store/memory/memory_store.h"

#include <algorithm>
#include <array>
#include <map>

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
  std::lock_guard<std::mutex> l(mu_);
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
  records_.insert(records_.end(), commit.records.begin(), commit.records.end());
  checkpoints_.push_back(StoredCheckpoint{commit.new_size, commit.checkpoint});
  return Status::Ok();
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

Status MemoryStore::ForEachRecord(const RecordQuery& q, const std::function<Status(const RecordRow&)>& fn) {
  std::vector<RecordRow> out;
  {
    std::lock_guard<std::mutex> l(mu_);
    // (case, id) -> the index of its latest correction from the same case,
    // and the (case, id) of retracted records (store.h Replaces).
    std::map<std::pair<std::string, std::string>, uint64_t> superseded;
    std::set<std::pair<std::string, std::string>> retracted;
    for (const auto& r : records_) {
      if (!r.supersedes.empty()) {
        uint64_t& latest = superseded[{r.case_id, r.supersedes}];
        latest = std::max(latest, r.index);
      }
      if (r.kind == "retraction") retracted.emplace(r.case_id, r.target);
    }
    for (const auto& r : records_) {
      if (!MatchesQuery(r, q)) continue;
      auto s = superseded.find({r.case_id, r.id});
      const bool is_superseded = s != superseded.end() && s->second > r.index;
      if (q.current_only && (is_superseded || retracted.count({r.case_id, r.id}))) continue;
      out.push_back(r);
      if (q.limit && out.size() >= q.limit) break;
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

Status MemoryStore::ReplaceRecords(const std::vector<RecordRow>& rows) {
  std::lock_guard<std::mutex> l(mu_);
  records_ = rows;
  std::stable_sort(records_.begin(), records_.end(), [](const RecordRow& a, const RecordRow& b) { return a.index < b.index; });
  return Status::Ok();
}

}  // namespace lifeline::store
