// Small concurrency helpers: a parallel loop over index ranges and a bounded
// queue between one producer and one consumer. Header-only.
#ifndef LIFELINE_BASE_PARALLEL_H_
#define LIFELINE_BASE_PARALLEL_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace lifeline {

// The number of threads worth using for CPU-bound work here: the hardware's
// count, at least 1 and at most 8.
inline size_t DefaultWorkers() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp<size_t>(n == 0 ? 1 : n, 1, 8);
}

// Runs fn(begin, end) over `workers` contiguous slices of [0, n), the last
// slice on the calling thread, and returns when all are done. Slices smaller
// than `min_slice` are not worth a thread: small n runs inline. `fn` must be
// safe to call concurrently on disjoint ranges and must not throw.
template <typename Fn>
void ParallelFor(size_t n, size_t workers, Fn&& fn, size_t min_slice = 256) {
  workers = std::max<size_t>(1, std::min(workers, n / std::max<size_t>(1, min_slice)));
  if (workers <= 1) {
    if (n > 0) fn(size_t{0}, n);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  const size_t per = (n + workers - 1) / workers;
  for (size_t w = 0; w + 1 < workers; ++w) {
    size_t b = w * per, e = std::min(n, b + per);
    threads.emplace_back([&fn, b, e] { fn(b, e); });
  }
  fn(std::min(n, (workers - 1) * per), n);
  for (auto& t : threads) t.join();
}

// A FIFO of at most `capacity` items between threads. Push blocks while the
// queue is full; Pop blocks while it is empty and open. Close() wakes both
// sides: Push then refuses (returns false) and Pop drains what is left, then
// returns nullopt. Either side may close (the consumer does, to stop a
// producer early).
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

  bool Push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace lifeline

#endif  // LIFELINE_BASE_PARALLEL_H_
