#include "log/log.h"

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
  log->integrator_ = std::thread([l = log.get()] { l->IntegratorLoop(); });
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
    state_ = TreeState();
    root_ = merkle::EmptyRoot();
    LIFELINE_ASSIGN_OR_RETURN(std::string note, note::SignNote(CheckpointBody(origin_, 0, root_), signer_));
    store::Commit c;
    c.checkpoint = note;
    LIFELINE_RETURN_IF_ERROR_CTX(store_->Apply(c), "committing the empty checkpoint");
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
  LIFELINE_ASSIGN_OR_RETURN(state_, TreeState::Load(*store_, latest->size));
  root_ = state_.Root();
  if (root_ != opened->checkpoint.root) {
    return CorruptionError("the stored tiles give root " + Base64Encode(root_) + " for size " +
                           std::to_string(latest->size) + " but the checkpoint says " +
                           Base64Encode(opened->checkpoint.root));
  }
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
  if (integrator_.joinable()) integrator_.join();
}

std::future<Result<uint64_t>> Log::Append(std::string entry) {
  std::vector<std::string> v;
  v.push_back(std::move(entry));
  return AppendMany(std::move(v));
}

std::future<Result<uint64_t>> Log::AppendMany(std::vector<std::string> entries,
                                              std::vector<store::RecordRow> records) {
  Group g;
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

void Log::IntegratorLoop() {
  for (;;) {
    std::vector<Group> batch;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
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
    }
    auto first = Integrate(batch);
    if (first.ok()) {
      uint64_t next = *first;
      for (auto& g : batch) {
        g.done.set_value(next);
        next += g.entries.size();
      }
    } else {
      for (auto& g : batch) g.done.set_value(first.status());
    }
  }
}

Result<uint64_t> Log::Integrate(std::vector<Group>& batch) {
  const uint64_t old_size = state_.size();
  const Hash old_root = root_;
  TreeState next = state_;
  std::vector<store::TileData> changed;
  std::vector<store::RecordRow> rows;
  for (auto& g : batch) {
    uint64_t first = next.size();
    next.Append(g.entries, &changed);
    for (size_t i = 0; i < g.records.size(); ++i) {
      rows.push_back(std::move(g.records[i]));
      rows.back().index = first + i;
    }
  }
  const uint64_t new_size = next.size();
  const Hash new_root = next.Root();

  // Before signing: the new tree must extend the last signed one. The proof
  // is read through the tiles about to be written, so it checks them too.
  LIFELINE_CHECK(new_size >= old_size, "a checkpoint must never shrink the log");
  reader_.SetOverlay(&changed);
  auto proof = reader_.ConsistencyProof(old_size, new_size);
  reader_.SetOverlay(nullptr);
  if (!proof.ok()) return proof.status().Annotate("proving the new checkpoint consistent");
  Status consistent = merkle::VerifyConsistency(old_size, new_size, *proof, old_root, new_root);
  LIFELINE_CHECK(consistent.ok(), "the new tree is not consistent with the last checkpoint");

  LIFELINE_ASSIGN_OR_RETURN(std::string note, note::SignNote(CheckpointBody(origin_, new_size, new_root), signer_));
  store::Commit commit{old_size, new_size, std::move(changed), note, std::move(rows)};
  Status applied = store_->Apply(commit);
  if (!applied.ok()) {
    // The store promises the commit is all or nothing, but an error can be
    // ambiguous (it may have been made). Reload what the store holds.
    Status reload = Recover();
    std::string msg = "committing entries " + std::to_string(old_size) + ".." + std::to_string(new_size - 1) +
                      ": " + applied.message();
    msg += reload.ok() ? "; the log stands at size " + std::to_string(state_.size())
                       : "; reloading the log failed too: " + reload.message();
    return Status(applied.code(), msg);
  }
  state_ = std::move(next);
  root_ = new_root;
  {
    std::lock_guard<std::mutex> l(mu_);
    checkpoint_ = note;
    size_ = new_size;
    stats_.commits++;
    stats_.entries += new_size - old_size;
  }
  return old_size;
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
