// Log: append -> integrate -> publish, batched.
//
// Many threads may call Append()/AppendMany() at once; each call queues its
// entries (sequencing is the queue order). One integrator thread takes the
// queued groups, up to max_batch_entries at a time, appends them to the tree
// (TreeState), checks that the new tree is consistent with the last signed
// one, signs the new checkpoint and commits tiles, bundles and checkpoint to
// the store in one atomic Apply. Only then are the callers' futures
// fulfilled: an index returned by Append is covered by a durable, signed
// checkpoint.
//
// Durability promises:
// - A future that holds an index: the entry is durable and signed (a crash
//   after this point cannot lose it).
// - A future that holds an error: the group was not committed, unless the
//   store reported an error for a commit it in fact made (an fsync error
//   after writing, say); in that ambiguous case the log reloads its state
//   from the store, and the error message says so.
// - Groups are committed whole, in order; a group is never split.
//
// Invariants (checked before every signature, abort if broken): the new
// size is at least the last checkpoint's, and a consistency proof from the
// last checkpoint to the new one verifies.
//
// Thread safety: every public method is thread-safe.
#ifndef LIFELINE_LOG_LOG_H_
#define LIFELINE_LOG_LOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "log/reader.h"
#include "log/tree_state.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "store/store.h"

namespace lifeline::log {

struct LogOptions {
  // Target number of entries per commit (a larger single group is committed
  // on its own).
  size_t max_batch_entries = 10000;
  // How long the integrator waits for more appends once it has some; zero
  // integrates whatever is queued at once (lowest latency).
  std::chrono::microseconds batch_wait{0};
  // Pushback: Append fails with ResourceExhausted beyond this many queued
  // entries instead of growing without bound.
  size_t max_queued_entries = 4'000'000;
};

struct LogStats {
  uint64_t commits = 0;
  uint64_t entries = 0;
};

class Log {
 public:
  // Opens the log kept in `store`, signing with `signer`, whose name must be
  // the store's origin. Verifies the latest checkpoint's signature and that
  // the stored tiles reproduce its root; in an empty store, commits the
  // checkpoint of the empty tree.
  static Result<std::unique_ptr<Log>> Open(std::unique_ptr<store::LogStore> store,
                                           note::Signer signer, LogOptions options = {});

  // Integrates everything queued, then stops the integrator.
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Queues one entry; the future holds its index once a durable signed
  // checkpoint covers it. Entries over merkle::kMaxEntrySize bytes fail at
  // once with InvalidArgument.
  std::future<Result<uint64_t>> Append(std::string entry);

  // Queues entries to be committed together at consecutive indices; the
  // future holds the first index. `records`, when not empty, holds one
  // projection row per entry (its index is filled in here): the rows are
  // written to the store's query tables in the same commit as the entries.
  std::future<Result<uint64_t>> AppendMany(std::vector<std::string> entries,
                                           std::vector<store::RecordRow> records = {});

  // The latest signed checkpoint note and its size.
  std::string checkpoint() const;
  uint64_t size() const;
  LogStats stats() const;

 private:
  struct Group {
    std::vector<std::string> entries;
    std::vector<store::RecordRow> records;  // empty, or one per entry
    std::promise<Result<uint64_t>> done;
  };

  Log(std::unique_ptr<store::LogStore> store, note::Signer signer, LogOptions options);
  Status Recover();
  void IntegratorLoop();
  // Commits the groups' entries as one batch; returns the first index.
  Result<uint64_t> Integrate(std::vector<Group>& batch);

  std::unique_ptr<store::LogStore> store_;
  note::Signer signer_;
  note::Verifier verifier_;
  LogOptions options_;
  std::string origin_;

  // Integrator-owned state (only the integrator thread touches these after
  // Open returns).
  TreeState state_;
  merkle::Hash root_{};
  LogReader reader_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Group> queue_;  // guarded by mu_
  size_t queued_entries_ = 0;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::string checkpoint_;     // guarded by mu_
  uint64_t size_ = 0;          // guarded by mu_
  LogStats stats_;             // guarded by mu_
  std::thread integrator_;
};

// Builds a c2sp.org/tlog-proof@v1 receipt for the entry at `index` against
// the signed checkpoint `checkpoint_note` of `size` entries.
Result<std::string> MakeReceipt(LogReader& reader, uint64_t index, uint64_t size,
                                const std::string& checkpoint_note);

// The checkpoint body Lifeline signs: origin, size, root; no extensions.
std::string CheckpointBody(const std::string& origin, uint64_t size, const merkle::Hash& root);

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_LOG_H_
