#include "log/log.h"

#include <iterator>
#include <random>

#include "base/check.h"
#include "merkle/proof.h"
#include "note/receipt.h"

namespace lifeline::log {

using merkle::Hash;

std::string CheckpointBody(const std::string& origin, uint64_t size, const Hash& root) {
  note::Checkpoint cp;
  cp.origin = origin;
  cp.size = size;
  cp.root = root;
  return note::FormatCheckpoint(cp);
}

Log::Log(std::unique_ptr<store::LogStore> store, note::Signer signer, LogOptions options)
    : store_(std::move(store)),
      signer_(std::move(signer)),
      verifier_(signer_.verifier()),
      options_(options),
      reader_(store_.get()) {}

Result<std::unique_ptr<Log>> Log::Open(std::unique_ptr<store::LogStore> store, note::Signer signer,
                                       LogOptions options) {
  if (options.max_batch_entries == 0) return InvalidArgumentError("max_batch_entries must be positive");
  std::unique_ptr<Log> log(new Log(std::move(store), std::move(signer), options));  // NOLINT
  LIFELINE_RETURN_IF_ERROR(log->Recover());
  log->next_tree_ = log->tree_;
  log->hasher_ = std::thread([l = log.get()] { l->HasherLoop(); });
  log->committer_ = std::thread([l = log.get()] { l->CommitterLoop(); });
  return log;
}

Status Log::Recover() {
  LIFELINE_ASSIGN_OR_RETURN(origin_, store_->GetMeta("origin"));
  if (origin_ != signer_.name()) {
    return FailedPreconditionError("the signing key is named \"" + signer_.name() +
                                   "\" but the log's origin is \"" + origin_ + "\"");
  }
  auto latest = store_->LatestCheckpoint();
  if (!latest.ok() && latest.status().code() != ErrorCode::kNotFound) {
    return latest.status().Annotate("opening the log");
  }
  if (!latest.ok()) {
    // A new store: sign and commit the empty tree, so that every store
    // always holds a signed checkpoint.
    tree_ = TreeState();
    root_ = merkle::EmptyRoot();
    LIFELINE_ASSIGN_OR_RETURN(std::string note, note::SignNote(CheckpointBody(origin_, 0, root_), signer_));
    store::Commit c;
    c.checkpoint = note;
    LIFELINE_RETURN_IF_ERROR_CTX(store_->Apply(c), "committing the empty checkpoint");
    loaded_size_ = 0;
    std::lock_guard<std::mutex> l(mu_);
    checkpoint_ = note;
    size_ = 0;
    return Status::Ok();
  }
  auto opened = note::OpenCheckpoint(latest->note, verifier_);
  if (!opened.ok()) {
    return CorruptionError("the latest checkpoint (size " + std::to_string(latest->size) +
                           ") does not verify with the log's key: " + opened.status().message());
  }
  if (opened->checkpoint.size != latest->size) {
    return CorruptionError("the latest checkpoint is stored as size " + std::to_string(latest->size) +
                           " but says " + std::to_string(opened->checkpoint.size));
  }
  LIFELINE_ASSIGN_OR_RETURN(tree_, TreeState::Load(*store_, latest->size));
  root_ = tree_.Root();
  if (root_ != opened->checkpoint.root) {
    return CorruptionError("the stored tiles give root " + Base64Encode(root_) + " for size " +
                           std::to_string(latest->size) + " but the checkpoint says " +
                           Base64Encode(opened->checkpoint.root));
  }
  loaded_size_ = latest->size;
  std::lock_guard<std::mutex> l(mu_);
  checkpoint_ = latest->note;
  size_ = latest->size;
  return Status::Ok();
}

Log::~Log() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (hasher_.joinable()) hasher_.join();
  if (committer_.joinable()) committer_.join();
}

std::future<Result<uint64_t>> Log::Append(std::string entry) {
  std::vector<std::string> v;
  v.push_back(std::move(entry));
  return AppendMany(std::move(v));
}

std::future<Result<uint64_t>> Log::AppendMany(std::vector<std::string> entries,
                                              std::vector<store::RecordRow> records,
                                              std::optional<uint64_t> checked_at, Recheck recheck) {
  Group g;
  g.checked_at = checked_at;
  if (checked_at) g.recheck = std::move(recheck);
  auto fut = g.done.get_future();
  if (!records.empty() && records.size() != entries.size()) {
    g.done.set_value(InvalidArgumentError("AppendMany: " + std::to_string(records.size()) + " projection rows for " +
                                          std::to_string(entries.size()) + " entries"));
    return fut;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > merkle::kMaxEntrySize) {
      g.done.set_value(InvalidArgumentError(
          "entry " + std::to_string(i) + " is " + std::to_string(entries[i].size()) +
          " bytes; the limit is " + std::to_string(merkle::kMaxEntrySize) +
          " (tlog-tiles bundles store a 16-bit length)"));
      return fut;
    }
  }
  if (entries.empty()) {
    g.done.set_value(InvalidArgumentError("no entries to append"));
    return fut;
  }
  g.entries = std::move(entries);
  g.records = std::move(records);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) {
      g.done.set_value(UnavailableError("the log is closing"));
      return fut;
    }
    if (queued_entries_ > 0 && queued_entries_ + g.entries.size() > options_.max_queued_entries) {
      g.done.set_value(ResourceExhaustedError("the log has " + std::to_string(queued_entries_) +
                                              " entries queued; try again later"));
      return fut;
    }
    queued_entries_ += g.entries.size();
    queue_.push_back(std::move(g));
  }
  cv_.notify_one();
  return fut;
}

std::string Log::checkpoint() const {
  std::lock_guard<std::mutex> l(mu_);
  return checkpoint_;
}

uint64_t Log::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return size_;
}

LogStats Log::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

std::vector<Log::Group> Log::TakeBatch() {
  std::vector<Group> batch;
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return batch;  // stopping, and drained
  if (options_.batch_wait.count() > 0 && !stopping_ && queued_entries_ < options_.max_batch_entries) {
    cv_.wait_for(l, options_.batch_wait,
                 [&] { return stopping_ || queued_entries_ >= options_.max_batch_entries; });
  }
  size_t n = 0;
  while (!queue_.empty() && (batch.empty() || n + queue_.front().entries.size() <= options_.max_batch_entries)) {
    n += queue_.front().entries.size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_entries_ -= n;
  return batch;
}

void Log::HasherLoop() {
  for (;;) {
    std::vector<Group> batch = TakeBatch();
    if (batch.empty()) break;
    HandOver(HashBatch(std::move(batch)));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    hasher_done_ = true;
  }
  handover_cv_.notify_all();
}

Log::Hashed Log::HashBatch(std::vector<Group> batch) {
  {
    // After a failed commit or a rebase, start again from the tree the
    // committer holds, once it has finished what it was given.
    std::unique_lock<std::mutex> l(mu_);
    if (next_resync_ != resync_) {
      handover_cv_.wait(l, [&] { return !handed_.has_value() && !committing_; });
      next_tree_ = tree_;
      next_resync_ = resync_;
    }
  }
  Hashed h;
  {
    std::lock_guard<std::mutex> l(mu_);
    h.epoch = failure_epoch_;
  }
  h.groups = std::move(batch);
  HashOn(next_tree_, h);
  next_tree_ = h.tree;
  return h;
}

void Log::HashOn(const TreeState& base, Hashed& h) {
  h.tree = base;
  h.tiles.clear();
  h.base_size = base.size();
  h.base_root = base.Root();
  for (auto& g : h.groups) {
    uint64_t first = h.tree.size();
    h.tree.Append(g.entries, &h.tiles);
    for (size_t i = 0; i < g.records.size(); ++i) g.records[i].index = first + i;
  }
  h.new_size = h.tree.size();
  h.new_root = h.tree.Root();
}

void Log::HandOver(Hashed h) {
  {
    std::unique_lock<std::mutex> l(mu_);
    ++stats_.hashed_batches;
    handover_cv_.wait(l, [&] { return !handed_.has_value(); });
    handed_.emplace(std::move(h));
  }
  handover_cv_.notify_all();
}

void Log::CommitterLoop() {
  for (;;) {
    Hashed h;
    {
      std::unique_lock<std::mutex> l(mu_);
      handover_cv_.wait(l, [&] { return handed_.has_value() || hasher_done_; });
      if (!handed_.has_value()) return;  // the hasher is done, and everything committed
      h = std::move(*handed_);
      handed_.reset();
      committing_ = true;
    }
    handover_cv_.notify_all();
    auto first = Commit(h);
    uint64_t next = first.ok() ? *first : 0;
    for (auto& g : h.groups) {
      if (first.ok()) {
        g.done.set_value(next);
        next += g.entries.size();
      } else {
        g.done.set_value(first.status());
      }
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      committing_ = false;
    }
    handover_cv_.notify_all();
  }
}

Result<uint64_t> Log::Commit(Hashed& h) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (h.epoch != failure_epoch_) {
      return Status(failure_.code(), "entries " + std::to_string(h.base_size) + ".." +
                                         std::to_string(h.new_size - 1) +
                                         " were not committed: the batch before them failed: " + failure_.message());
    }
  }
  // Hashed behind a batch that was rebased: hash it again on the tree held.
  if (h.base_size != tree_.size() || h.base_root != root_) HashOn(tree_, h);
  auto first = CommitRebasing(h);
  if (!first.ok()) {
    // Batches hashed on top of this one are stale: the hasher starts again
    // from tree_ (reloaded, or as it was if nothing was written or the
    // reload failed).
    std::lock_guard<std::mutex> l(mu_);
    ++failure_epoch_;
    ++resync_;
    failure_ = first.status();
  }
  return first;
}

Result<uint64_t> Log::CommitRebasing(Hashed& h) {
  std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    LIFELINE_ASSIGN_OR_RETURN(bool dropped, RecheckGroups(h));
    if (dropped) HashOn(tree_, h);
    if (h.groups.empty()) return tree_.size();
    auto first = SignAndApply(h);
    if (first.ok() || first.status().code() != ErrorCode::kFailedPrecondition) return first;
    if (attempt == kMaxRebases) {
      Status reload = Reload(first.status(), h);
      return UnavailableError("another writer moved the log's head " + std::to_string(kMaxRebases) +
                              " times while this batch was committed; giving up: " + reload.message());
    }
    // Writers that lost the same race do not all come back at once.
    std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500 * attempt)));
    LIFELINE_RETURN_IF_ERROR(Rebase(first.status(), h));
  }
}

Status Log::Rebase(const Status& refused, Hashed& h) {
  const uint64_t old_size = tree_.size();
  const merkle::Hash old_root = root_;
  Status reload = Recover();
  // The reload's code: a store that went away is Unavailable (a server's
  // 503), not the refusal that is only the reason the log reloaded.
  if (!reload.ok()) return Status(reload.code(), refused.message() + "; reloading the log failed: " + reload.message());
  if (tree_.size() == old_size && root_ == old_root) return refused;  // not a moved head
  // The head another writer stored must extend the tree this log had: two
  // writers holding the key never sign a split view.
  auto proof = reader_.ConsistencyProof(old_size, tree_.size());
  Status consistent = proof.ok() ? merkle::VerifyConsistency(old_size, tree_.size(), *proof, old_root, root_)
                                 : proof.status();
  if (tree_.size() < old_size || !consistent.ok()) {
    return CorruptionError("the stored latest checkpoint (size " + std::to_string(tree_.size()) +
                           ") does not extend the tree this log committed (size " + std::to_string(old_size) +
                           "): " + (consistent.ok() ? "it is smaller" : consistent.message()));
  }
  HashOn(tree_, h);
  std::lock_guard<std::mutex> l(mu_);
  ++resync_;
  ++stats_.rebases;
  return Status::Ok();
}

Result<bool> Log::RecheckGroups(Hashed& h) {
  bool dropped = false;
  for (auto g = h.groups.begin(); g != h.groups.end();) {
    if (!g->checked_at || *g->checked_at >= loaded_size_) {
      ++g;
      continue;
    }
    Status verdict;
    LIFELINE_RETURN_IF_ERROR(RecheckGroup(*g, &verdict));
    if (verdict.ok()) {
      g->checked_at = tree_.size();  // the store held at least this when checked
      ++g;
      continue;
    }
    g->done.set_value(verdict);
    g = h.groups.erase(g);
    dropped = true;
  }
  return dropped;
}

Status Log::RecheckGroup(const Group& g, Status* verdict) {
  for (const auto& row : g.records) {
    auto found = store_->FindRecord(row.id);
    if (found.ok()) {
      *verdict = AlreadyExistsError("record \"" + row.id + "\" was committed at entry " +
                                    std::to_string(found->index) +
                                    " by another writer after these records were checked (at size " +
                                    std::to_string(*g.checked_at) + "); none of them was written");
      return Status::Ok();
    }
    if (found.status().code() != ErrorCode::kNotFound) return found.status().Annotate("checking record ids again");
  }
  *verdict = g.recheck ? g.recheck(*store_, *g.checked_at) : Status::Ok();
  return Status::Ok();
}

Result<uint64_t> Log::SignAndApply(Hashed& h) {
  const uint64_t old_size = tree_.size();
  LIFELINE_CHECK(h.base_size == old_size, "a batch was hashed on a tree the log does not hold");
  // Before signing: the new tree must extend the last signed one. The proof
  // is read through the tiles about to be written, so it checks them too.
  LIFELINE_CHECK(h.new_size >= old_size, "a checkpoint must never shrink the log");
  reader_.SetOverlay(&h.tiles);
  auto proof = reader_.ConsistencyProof(old_size, h.new_size);
  reader_.SetOverlay(nullptr);
  if (!proof.ok()) return proof.status().Annotate("proving the new checkpoint consistent");
  Status consistent = merkle::VerifyConsistency(old_size, h.new_size, *proof, root_, h.new_root);
  LIFELINE_CHECK(consistent.ok(), "the new tree is not consistent with the last checkpoint");

  LIFELINE_ASSIGN_OR_RETURN(std::string note,
                            note::SignNote(CheckpointBody(origin_, h.new_size, h.new_root), signer_));
  // The tiles and rows move into the commit: a rebase hashes the tiles
  // again (HashOn) and takes the rows back.
  store::Commit commit{old_size, h.new_size, std::move(h.tiles), note, {}};
  for (auto& g : h.groups) std::move(g.records.begin(), g.records.end(), std::back_inserter(commit.records));
  Status applied = store_->Apply(commit);
  // A refused base is the caller's to rebase (CommitRebasing).
  if (applied.code() == ErrorCode::kFailedPrecondition) {
    auto row = commit.records.begin();
    for (auto& g : h.groups) {
      for (auto& r : g.records) r = std::move(*row++);
    }
    return applied;
  }
  if (!applied.ok()) return Reload(applied, h);
  tree_ = std::move(h.tree);
  root_ = h.new_root;
  {
    std::lock_guard<std::mutex> l(mu_);
    checkpoint_ = note;
    size_ = h.new_size;
    stats_.commits++;
    stats_.entries += h.new_size - old_size;
  }
  return old_size;
}

Status Log::Reload(const Status& applied, const Hashed& h) {
  // The store promises the commit is all or nothing, but an error can be
  // ambiguous (it may have been made). Reload what the store holds.
  Status reload = Recover();
  std::string msg = "committing entries " + std::to_string(h.base_size) + ".." + std::to_string(h.new_size - 1) +
                    ": " + applied.message();
  msg += reload.ok() ? "; the log stands at size " + std::to_string(tree_.size())
                     : "; reloading the log failed too: " + reload.message() + "; whether entries " +
                           std::to_string(h.base_size) + ".." + std::to_string(h.new_size - 1) +
                           " were committed is known once the store is back (`lifeline log checkpoint` shows its size)";
  return Status(applied.code(), msg);
}

Result<std::string> MakeReceipt(LogReader& reader, uint64_t index, uint64_t size,
                                const std::string& checkpoint_note) {
  if (index >= size) {
    return InvalidArgumentError("index " + std::to_string(index) + " is not below the checkpoint size " +
                                std::to_string(size));
  }
  note::Receipt r;
  r.index = index;
  LIFELINE_ASSIGN_OR_RETURN(r.proof, reader.InclusionProof(index, size));
  r.checkpoint = checkpoint_note;
  return note::FormatReceipt(r);
}

}  // namespace lifeline::log
