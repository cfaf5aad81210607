#include "record/id_index.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unordered_map>

namespace lifeline::record {
namespace {

// Against a plain map: any sequence of puts (with repeats, and hashes that
// share their probe start) leaves the same contents, through several growths.
RC_GTEST_PROP(IdIndexProperty, BehavesLikeAMap, ()) {
  auto ops = *rc::gen::container<std::vector<std::pair<uint64_t, uint8_t>>>(
      rc::gen::pair(rc::gen::oneOf(rc::gen::inRange<uint64_t>(1, 3000),
                                   rc::gen::map(rc::gen::inRange<uint64_t>(1, 50), [](uint64_t k) { return k << 17; }),
                                   rc::gen::arbitrary<uint64_t>()),
                    rc::gen::arbitrary<uint8_t>()));
  IdIndex index;
  std::unordered_map<uint64_t, uint8_t> ref;
  for (auto [k, v] : ops) {
    if (k == 0) k = 1;  // Hash() never returns 0
    index.Put(k, v);
    ref[k] = v;
  }
  RC_ASSERT(index.size() == ref.size());
  for (auto [k, v] : ref) RC_ASSERT(index.Get(k) == std::optional<uint8_t>(v));
  for (uint64_t k = 3000; k < 3100; ++k) RC_ASSERT(index.Get(k).has_value() == (ref.count(k) > 0));
}

TEST(IdIndexTest, HoldsAMillionIds) {
  IdIndex index;
  for (int i = 0; i < 1000000; ++i) index.Put(IdIndex::Hash("mv-" + std::to_string(i)), static_cast<uint8_t>(i & 0x7f));
  EXPECT_EQ(index.size(), 1000000u);
  for (int i = 0; i < 1000000; i += 997) {
    EXPECT_EQ(index.Get(IdIndex::Hash("mv-" + std::to_string(i))), std::optional<uint8_t>(i & 0x7f));
  }
  EXPECT_FALSE(index.Get(IdIndex::Hash("mv-1000000")).has_value());
  EXPECT_NE(IdIndex::Hash(""), 0u);
}

}  // namespace
}  // namespace lifeline::record
