#include "base/ordered_batches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lifeline {
namespace {

// Every item is mapped once and taken once, in the order added, with its
// own output, for counts around the batch size and several batches.
TEST(OrderedBatchesTest, TakesEveryItemOnceInOrderWithItsMappedOutput) {
  for (size_t n : {0, 1, 6, 7, 8, 20, 21, 1000}) {
    std::vector<int> taken;
    std::mutex mu;
    std::set<std::thread::id> mappers;
    OrderedBatches<int, std::string> b(
        [&](const int& item, std::string& out) {
          out = "v" + std::to_string(item);
          std::lock_guard<std::mutex> lock(mu);
          mappers.insert(std::this_thread::get_id());
        },
        [&](int& item, std::string& out) -> Status {
          EXPECT_EQ(out, "v" + std::to_string(item));
          taken.push_back(item);
          return Status::Ok();
        },
        /*batch=*/7, /*slice=*/3);
    for (size_t i = 0; i < n; ++i) ASSERT_TRUE(b.Add(static_cast<int>(i)).ok());
    ASSERT_TRUE(b.Flush().ok());
    ASSERT_EQ(taken.size(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(taken[i], static_cast<int>(i)) << n;
    // A second Flush has nothing left to take.
    ASSERT_TRUE(b.Flush().ok());
    EXPECT_EQ(taken.size(), n);
  }
}

// Flush maps slices of the batch in hand on the caller's thread too: a
// slice the caller is still mapping is waited for before its items are
// taken. The batch's thread maps nothing until the caller has mapped a
// slice, and the caller's slices are slow, so the batch's thread reaches
// the taking while the caller is in the middle of one.
TEST(OrderedBatchesTest, ItemsAreTakenOnlyOnceTheCallerHasMappedThem) {
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> by_caller{0};
  std::vector<int> outs;
  OrderedBatches<int, int> b(
      [&](const int& item, int& out) {
        if (std::this_thread::get_id() == caller) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          out = item + 1;
          ++by_caller;
          return;
        }
        for (int waited = 0; by_caller == 0 && waited < 20000; ++waited) {  // at most 2 s
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        out = item + 1;
      },
      [&](int&, int& out) -> Status {
        outs.push_back(out);
        return Status::Ok();
      },
      /*batch=*/100, /*slice=*/1);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(b.Add(i).ok());
  ASSERT_TRUE(b.Flush().ok());
  ASSERT_EQ(outs.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(outs[static_cast<size_t>(i)], i + 1) << i;
  EXPECT_GT(by_caller, 0);
}

// The first error from `take` is returned by the Add or Flush after it,
// and again after that; nothing past the failing item is taken.
TEST(OrderedBatchesTest, TheFirstErrorOfTakeStopsTheTaking) {
  std::vector<int> taken;
  OrderedBatches<int, int> b([](const int& item, int& out) { out = item; },
                             [&](int& item, int&) -> Status {
                               if (item == 10) return InvalidArgumentError("ten");
                               taken.push_back(item);
                               return Status::Ok();
                             },
                             /*batch=*/4, /*slice=*/2);
  Status first;
  int added = 0;
  for (int i = 0; i < 40 && first.ok(); ++i, ++added) first = b.Add(i);
  if (first.ok()) first = b.Flush();
  EXPECT_EQ(first.code(), ErrorCode::kInvalidArgument);
  EXPECT_LT(added, 40);  // the error stopped the adding before the end
  EXPECT_EQ(b.Add(99).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.Flush().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(taken.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(taken[static_cast<size_t>(i)], i);
}

// Destroyed with a batch in hand (the caller stopped without Flush), it
// finishes taking that batch before it goes: what `take` writes outlives
// nothing it needs.
TEST(OrderedBatchesTest, DestructionWaitsForTheBatchInHand) {
  std::vector<int> taken;
  {
    OrderedBatches<int, int> b([](const int& item, int& out) { out = item; },
                               [&](int& item, int&) -> Status {
                                 std::this_thread::sleep_for(std::chrono::microseconds(200));
                                 taken.push_back(item);
                                 return Status::Ok();
                               },
                               /*batch=*/5, /*slice=*/2);
    for (int i = 0; i < 12; ++i) ASSERT_TRUE(b.Add(i).ok());
  }
  // Batches [0, 5) and [5, 10) were handed over; the last two items were
  // never submitted.
  ASSERT_EQ(taken.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(taken[static_cast<size_t>(i)], i);
}

}  // namespace
}  // namespace lifeline
