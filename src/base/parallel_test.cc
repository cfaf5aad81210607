#include "base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace lifeline {
namespace {

TEST(ParallelForTest, EveryIndexOnceForAnySizeAndWorkerCount) {
  for (size_t n : {0u, 1u, 7u, 255u, 256u, 1000u, 4097u}) {
    for (size_t workers : {1u, 2u, 3u, 8u}) {
      std::vector<std::atomic<int>> seen(n);
      ParallelFor(
          n, workers,
          [&](size_t b, size_t e) {
            for (size_t i = b; i < e; ++i) seen[i].fetch_add(1);
          },
          /*min_slice=*/1);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "n " << n << " workers " << workers << " i " << i;
    }
  }
}

TEST(ParallelForTest, SmallWorkRunsOnTheCallingThread) {
  std::thread::id caller = std::this_thread::get_id(), ran;
  ParallelFor(100, 8, [&](size_t, size_t) { ran = std::this_thread::get_id(); });  // below min_slice
  EXPECT_EQ(ran, caller);
}

TEST(BoundedQueueTest, DeliversInOrderAndEndsWhenClosed) {
  BoundedQueue<int> q(2);
  std::thread producer([&] {
    for (int i = 0; i < 10000; ++i) ASSERT_TRUE(q.Push(i));
    q.Close();
  });
  int next = 0;
  while (auto v = q.Pop()) ASSERT_EQ(*v, next++);
  producer.join();
  EXPECT_EQ(next, 10000);
  EXPECT_FALSE(q.Push(1));  // closed
}

// The consumer stops early (as an import does when a check fails): the
// producer blocked on a full queue is released and told to stop.
TEST(BoundedQueueTest, ConsumerClosingReleasesABlockedProducer) {
  BoundedQueue<int> q(1);
  std::atomic<int> pushed{0};
  std::atomic<bool> refused{false};
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      if (!q.Push(i)) {
        refused = true;
        return;
      }
      ++pushed;
    }
  });
  ASSERT_EQ(q.Pop(), std::optional<int>(0));
  q.Close();
  producer.join();
  EXPECT_TRUE(refused.load());
  EXPECT_LE(pushed.load(), 3);
}

}  // namespace
}  // namespace lifeline
