// Items handed over in order and processed a batch at a time beside the
// caller: the calling thread reads (a store's scan, say) while the items it
// read before are mapped on the other cores and taken in order. Header-only.
#ifndef LIFELINE_BASE_ORDERED_BATCHES_H_
#define LIFELINE_BASE_ORDERED_BATCHES_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/parallel.h"
#include "base/status.h"

namespace lifeline {

// Each item is first mapped, map(item, out), and then taken, take(item,
// out), in the order the items were added. `map` MUST be safe to run
// concurrently on different items (it sees one item and its own `out`);
// it runs on whichever thread is free: the batch's thread, more workers on
// more than two cores, and the caller, once it has the next batch and the
// batch in hand is not yet taken. `take` runs on one batch's thread at a
// time, batch after batch, so it may build one result without a lock; it
// MUST NOT touch what the caller's thread uses meanwhile. The first error
// from `take` stops the taking: Add and Flush return it, then and after.
//
// One batch is in hand at a time: the caller holds at most the batch it is
// filling and the one in hand, each with its outputs.
template <typename Item, typename Out>
class OrderedBatches {
 public:
  using Map = std::function<void(const Item&, Out&)>;
  using Take = std::function<Status(Item&, Out&)>;

  OrderedBatches(Map map, Take take, size_t batch = 4096, size_t slice = 256)
      : map_(std::move(map)), take_(std::move(take)), batch_(std::max<size_t>(1, batch)),
        slice_(std::max<size_t>(1, slice)) {
    items_.reserve(batch_);
  }
  OrderedBatches(const OrderedBatches&) = delete;
  OrderedBatches& operator=(const OrderedBatches&) = delete;
  // A batch still in hand (the caller stopped early on an error) is taken
  // to its end before what `take` writes can go.
  ~OrderedBatches() { (void)Wait(); }

  // An error is that of an earlier batch: the caller stops adding (an
  // Add or Flush after it returns it again and takes nothing more).
  Status Add(Item item) {
    if (!failed_.ok()) return failed_;
    items_.push_back(std::move(item));
    return items_.size() == batch_ ? Submit() : Status::Ok();
  }

  // Takes what is left, and returns once every item added is taken.
  Status Flush() {
    if (!failed_.ok()) return failed_;
    LIFELINE_RETURN_IF_ERROR(Submit());
    if (in_hand_batch_) {
      while (MapSlice(*in_hand_batch_)) {
      }
    }
    return Wait();
  }

 private:
  // Items, and their outputs as each slice of them is mapped.
  struct Batch {
    Batch(std::vector<Item> i, size_t slice)
        : items(std::move(i)), outs(items.size()), slices((items.size() + slice - 1) / slice) {}
    std::vector<Item> items;
    std::vector<Out> outs;
    const size_t slices;
    std::atomic<size_t> next{0};  // the next slice to take
    std::mutex mu;
    std::condition_variable all_mapped;
    size_t done = 0;  // slices mapped (under mu)
  };

  // Maps the next slice of `b` nobody has taken; false when none is left.
  bool MapSlice(Batch& b) {
    const size_t k = b.next.fetch_add(1, std::memory_order_relaxed);
    if (k >= b.slices) return false;
    for (size_t i = k * slice_, e = std::min(b.items.size(), i + slice_); i < e; ++i) map_(b.items[i], b.outs[i]);
    std::lock_guard<std::mutex> lock(b.mu);
    if (++b.done == b.slices) b.all_mapped.notify_all();
    return true;
  }

  // Hands over the items added since the last batch once the batch in hand
  // is taken; until then, maps the new batch's first slices.
  Status Submit() {
    if (items_.empty()) return Wait();
    auto b = std::make_shared<Batch>(std::move(items_), slice_);
    items_ = {};
    items_.reserve(batch_);
    while (in_hand_.valid() && in_hand_.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
           MapSlice(*b)) {
    }
    LIFELINE_RETURN_IF_ERROR(Wait());
    in_hand_batch_ = b;
    in_hand_ = std::async(std::launch::async, [this, b] { return MapAndTake(*b); });
    return Status::Ok();
  }

  Status Wait() {
    if (!in_hand_.valid()) return Status::Ok();
    in_hand_batch_.reset();
    Status s = in_hand_.get();
    if (!s.ok()) failed_ = s;
    return s;
  }

  // Maps what is left of `b` (on the cores the caller leaves), then takes
  // its items in order.
  Status MapAndTake(Batch& b) {
    const size_t workers = std::max<size_t>(1, DefaultWorkers() - 1);
    ParallelFor(workers, workers, [&](size_t, size_t) {
      while (MapSlice(b)) {
      }
    }, 1);
    {
      std::unique_lock<std::mutex> lock(b.mu);
      b.all_mapped.wait(lock, [&] { return b.done == b.slices; });
    }
    for (size_t i = 0; i < b.items.size(); ++i) LIFELINE_RETURN_IF_ERROR(take_(b.items[i], b.outs[i]));
    return Status::Ok();
  }

  const Map map_;
  const Take take_;
  const size_t batch_;
  const size_t slice_;
  std::vector<Item> items_;               // added since the last batch was handed over
  std::shared_ptr<Batch> in_hand_batch_;  // the batch being mapped and taken
  std::future<Status> in_hand_;           // and its outcome
  Status failed_;                         // the first error of `take`
};

}  // namespace lifeline

#endif  // LIFELINE_BASE_ORDERED_BATCHES_H_
