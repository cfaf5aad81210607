// Log: append -> integrate -> publish, batched and pipelined over two threads.
//
// Many threads may call Append()/AppendMany() at once; each call queues its
// entries (sequencing is the queue order). Two threads integrate:
// - the hasher takes the queued groups, up to max_batch_entries at a time,
//   and appends them to its copy of the tree (TreeState: leaf hashes, tiles,
//   bundles, the new root). It works on the tree as it will stand once every
//   batch before this one is committed, so it hashes batch N+1 while batch N
//   is being committed; it hands over one batch at a time (at most one
//   waiting, one committing).
// - the committer takes the hashed batches in order, checks that each new
//   tree is consistent with the last signed one (reading the stored tiles
//   with the batch's tiles as overlay), signs the new checkpoint and commits
//   tiles, bundles and checkpoint to the store in one atomic Apply. Only
//   then are the callers' futures fulfilled: an index returned by Append is
//   covered by a durable, signed checkpoint. The committer is the only
//   thread that uses the store.
//
// Durability promises:
// - A future that holds an index: the entry is durable and signed (a crash
//   after this point cannot lose it).
// - A future that holds an error: the group was not committed, unless the
//   store reported an error for a commit it in fact made (an fsync error
//   after writing, say); in that ambiguous case the log reloads its state
//   from the store, and the error message says so.
// - Groups are committed whole, in order; a group is never split.
// - When a commit fails (Apply, or reading the tiles for its proof), every
//   batch already hashed on top of it fails too (its futures hold an error
//   naming the failed batch; nothing of it is committed), and the hasher
//   starts again from the reloaded tree: nothing after a failed batch is
//   committed out of order or on a tree the store does not hold.
// - Several writers (processes, or Logs on separate connections) may share
//   one store that compares and swaps the head (PostgreSQL). When Apply
//   refuses a batch because another writer moved the head
//   (FailedPrecondition), the committer reloads the tree from the store,
//   proves the stored latest consistent with the tree it had, re-hashes the
//   batch on top of the new head, signs and commits again (at most
//   kMaxRebases times, with a short random pause between tries). Futures
//   resolve only after the commit that holds their group, at the indices of
//   that commit. Batches hashed behind a rebased one are re-hashed too.
// - A group appended with `checked_at` (AppendMany) carries records whose
//   ids were checked absent from the store at that size. When another
//   writer has committed since (the log's tree was reloaded above
//   checked_at), the committer checks again, on its own connection, that
//   none of the group's ids is in the store before it signs; a group whose
//   id another writer committed in between fails with AlreadyExists and the
//   rest of the batch is committed without it. The group's `recheck`, when
//   given, runs then too (after the ids), for what else the caller checked
//   against the store; its error fails the group the same way.
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
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
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
  // Target number of entries per commit and per hashed batch (a larger single group is committed
  // on its own).
  size_t max_batch_entries = 10000;
  // How long the hasher waits for more appends once it has some; zero
  // integrates whatever is queued at once (lowest latency).
  std::chrono::microseconds batch_wait{0};
  // Pushback: Append fails with ResourceExhausted beyond this many queued
  // entries instead of growing without bound.
  size_t max_queued_entries = 4'000'000;
};

struct LogStats {
  uint64_t commits = 0;
  uint64_t entries = 0;
  uint64_t hashed_batches = 0;  // batches the hasher has finished (committed or not)
  uint64_t rebases = 0;         // batches re-hashed on a head another writer moved
};

class Log {
 public:
  // Opens the log kept in `store`, signing with `signer`, whose name must be
  // the store's origin. Verifies the latest checkpoint's signature and that
  // the stored tiles reproduce its root; in an empty store, commits the
  // checkpoint of the empty tree.
  static Result<std::unique_ptr<Log>> Open(std::unique_ptr<store::LogStore> store,
                                           note::Signer signer, LogOptions options = {});

  // Integrates everything queued, then stops the hasher and the committer.
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
  //
  // `checked_at`, when given, is the store size at which the caller found
  // the records' ids absent (read before it looked them up); see the
  // several-writers promise above. Without it the log checks nothing.
  // `recheck` (with `checked_at` only) is run on the committer thread with
  // the log's own store connection when the group must be checked again; it
  // may outlive the call, so it owns what it reads.
  using Recheck = std::function<Status(store::LogStore& store, uint64_t checked_at)>;
  std::future<Result<uint64_t>> AppendMany(std::vector<std::string> entries,
                                           std::vector<store::RecordRow> records = {},
                                           std::optional<uint64_t> checked_at = std::nullopt,
                                           Recheck recheck = {});

  // How many times a batch is re-hashed on a head another writer moved
  // before the log gives up (Unavailable).
  static constexpr int kMaxRebases = 32;

  // The latest signed checkpoint note and its size.
  std::string checkpoint() const;
  uint64_t size() const;
  LogStats stats() const;

 private:
  struct Group {
    std::vector<std::string> entries;
    std::vector<store::RecordRow> records;  // empty, or one per entry
    std::optional<uint64_t> checked_at;     // see AppendMany
    Recheck recheck;                        // see AppendMany
    std::promise<Result<uint64_t>> done;
  };
  // A batch the hasher has appended to its tree, not yet signed or committed.
  struct Hashed {
    std::vector<Group> groups;
    uint64_t epoch = 0;  // failure_epoch_ when hashing began
    uint64_t base_size = 0;
    merkle::Hash base_root{};
    uint64_t new_size = 0;
    merkle::Hash new_root{};
    TreeState tree;  // the tree with this batch
    std::vector<store::TileData> tiles;
  };

  Log(std::unique_ptr<store::LogStore> store, note::Signer signer, LogOptions options);
  // Loads the latest checkpoint and its tree from the store into tree_,
  // root_, loaded_size_, checkpoint_ and size_ (Open, and the committer
  // after a failure or when another writer moved the head).
  Status Recover();
  void HasherLoop();
  void CommitterLoop();
  // Waits for queued groups and takes up to max_batch_entries of them; an
  // empty batch once the log is stopping and the queue is drained.
  std::vector<Group> TakeBatch();
  Hashed HashBatch(std::vector<Group> batch);
  // (Re)hashes h.groups on `base`: sets every field of `h` but groups and
  // epoch, and the index of every group's record rows.
  static void HashOn(const TreeState& base, Hashed& h);
  // Waits until the committer can take `h`, then hands it over.
  void HandOver(Hashed h);
  // Commits `h` unless it was hashed on a batch that failed; returns its
  // first index. On an error, bumps the failure epoch.
  Result<uint64_t> Commit(Hashed& h);
  // Commits `h`, rebasing it on the stored head while another writer moves
  // it (FailedPrecondition from Apply), up to kMaxRebases times.
  Result<uint64_t> CommitRebasing(Hashed& h);
  // After another writer moved the head: reloads the tree (Recover), checks
  // the stored latest extends the tree the log had, and re-hashes `h` on it.
  // `refused` is Apply's error, returned when the head did not move; a
  // reload that fails returns the reload's code (Unavailable for a lost
  // database), with both messages.
  Status Rebase(const Status& refused, Hashed& h);
  // Fails (and drops from `h`) every group that must be checked again
  // (checked before the last reload) and fails the check: one of its ids is
  // now in the store, or its `recheck` says no. True when it dropped any.
  Result<bool> RecheckGroups(Hashed& h);
  // The check RecheckGroups runs on one group: sets `*verdict` to OK or to
  // the error that fails the group (from its ids or `recheck`); an error
  // returned is the store's, and fails the batch.
  Status RecheckGroup(const Group& g, Status* verdict);
  // Proves `h` consistent with the last checkpoint, signs and applies it.
  Result<uint64_t> SignAndApply(Hashed& h);
  // After a failed Apply: reloads the tree from the store (Recover); the
  // error, saying where the log stands.
  Status Reload(const Status& applied, const Hashed& h);

  std::unique_ptr<store::LogStore> store_;
  note::Signer signer_;
  note::Verifier verifier_;
  LogOptions options_;
  std::string origin_;

  // Committer-owned (only the committer thread touches these after Open
  // returns): the last committed tree and root, and the reader that proves
  // each new tree consistent with it.
  TreeState tree_;
  merkle::Hash root_{};
  LogReader reader_;
  // The size of the tree last loaded from the store (Open, or a reload):
  // every commit above it up to tree_ is this log's own.
  uint64_t loaded_size_ = 0;

  // Hasher-owned: the tree with every batch handed over so far, and the
  // resync count it was built in.
  TreeState next_tree_;
  uint64_t next_resync_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;           // queue_ and stopping_ changed
  std::condition_variable handover_cv_;  // handed_ or hasher_done_ changed
  std::deque<Group> queue_;              // guarded by mu_
  size_t queued_entries_ = 0;            // guarded by mu_
  bool stopping_ = false;                // guarded by mu_
  std::optional<Hashed> handed_;         // guarded by mu_: the batch the committer takes next
  bool hasher_done_ = false;             // guarded by mu_
  // Bumped by every failed commit; a Hashed batch of an older epoch was
  // built on a tree that may not be in the store and is never committed.
  uint64_t failure_epoch_ = 0;           // guarded by mu_
  // Bumped by a failed commit and by a rebase: the hasher's tree is stale;
  // it waits until the committer is idle and starts again from tree_.
  uint64_t resync_ = 0;                  // guarded by mu_
  bool committing_ = false;              // guarded by mu_: the committer holds a batch
  Status failure_;                       // guarded by mu_: why the last commit failed
  std::string checkpoint_;               // guarded by mu_
  uint64_t size_ = 0;                    // guarded by mu_
  LogStats stats_;                       // guarded by mu_
  std::thread hasher_;
  std::thread committer_;
};

// Builds a c2sp.org/tlog-proof@v1 receipt for the entry at `index` against
// the signed checkpoint `checkpoint_note` of `size` entries.
Result<std::string> MakeReceipt(LogReader& reader, uint64_t index, uint64_t size,
                                const std::string& checkpoint_note);

// The checkpoint body Lifeline signs: origin, size, root; no extensions.
std::string CheckpointBody(const std::string& origin, uint64_t size, const merkle::Hash& root);

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_LOG_H_
