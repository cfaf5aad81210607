// RecordIds (record_ids.h): id indices read as the sorted, distinct strings
// the lists held before, merged as indices.
#include "analysis/record_ids.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lifeline::analysis {
namespace {

using Strings = std::vector<std::string>;

// A table whose index order is not the text order.
StringTable Table() {
  StringTable t;
  for (const char* s : {"m9", "m10", "a", "m2", "z"}) t.Intern(s);
  return t;
}

// The arena: each string once, read back as written (empty, embedded NUL,
// long) after the buffer and the slots have grown many times over.
TEST(StringTableTest, InternsIntoOneBufferAndReadsEachBackAfterGrowth) {
  StringTable t;
  const std::string nul("a\0b", 3);
  const std::string long_id(300, 'x');
  EXPECT_EQ(t.Intern(""), 0);
  EXPECT_EQ(t.Intern(nul), 1);
  EXPECT_EQ(t.Intern(long_id), 2);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(t.Intern("mv-" + std::to_string(i)), i + 3);
  EXPECT_EQ(t.size(), 5003u);
  EXPECT_EQ(t.Intern(nul), 1);
  EXPECT_EQ(t.Intern("mv-4999"), 5002);
  EXPECT_EQ(t.at(0), "");
  EXPECT_EQ(t.at(1), nul);
  EXPECT_EQ(t.at(2), long_id);
  for (int i = 0; i < 5000; i += 97) EXPECT_EQ(t.at(i + 3), "mv-" + std::to_string(i));
  EXPECT_EQ(t.Find("mv-17"), 20);
  EXPECT_EQ(t.Find("mv-5000"), std::nullopt);
  EXPECT_EQ(t.Find("a"), std::nullopt);  // a prefix of "a\0b" is another string
  EXPECT_EQ(t.size(), 5003u);
  StringTable empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Find(""), std::nullopt);
}

// The table's 4-byte offsets, at 1 byte so that the wraps show: offsets
// past each multiple of 256 (several passed at once, a repeat, a long way
// on) read back exact.
TEST(StringTableTest, OffsetsReadBackExactPastEachWrapOfTheirLowBits) {
  const std::vector<uint64_t> offsets = {0, 100, 255, 256, 300, 1000, 1000, 1023, 1024, 70000, 70001};
  OffsetColumn<uint8_t> c;
  for (uint64_t o : offsets) c.push_back(o);
  ASSERT_EQ(c.size(), offsets.size());
  for (size_t k = 0; k < offsets.size(); ++k) EXPECT_EQ(c[k], offsets[k]) << k;
  OffsetColumn<uint32_t> wide;
  for (uint64_t o : {uint64_t{0}, uint64_t{1} << 32, (uint64_t{3} << 32) + 5}) wide.push_back(o);
  EXPECT_EQ(wide[1], uint64_t{1} << 32);
  EXPECT_EQ(wide[2], (uint64_t{3} << 32) + 5);
}

TEST(RecordIdsTest, SortedReadsAsSortedDistinctText) {
  StringTable t = Table();
  RecordIds ids = RecordIds::Sorted(t, {4, 0, kNone, 1, 0, 3});
  EXPECT_EQ(ids, (Strings{"m10", "m2", "m9", "z"}));
  EXPECT_EQ(ids.indices(), (std::vector<int32_t>{1, 3, 0, 4}));
  EXPECT_EQ(ids.front(), "m10");
  EXPECT_EQ(ids.back(), "z");
  EXPECT_EQ(ids.end() - ids.begin(), 4);
}

// IdOrder names a list as sorting and deduplicating its strings would,
// through either path (a short list sorted by rank; a long one, a sixteenth
// of the table or more, read from a bitmap), skipping kNone and the ids
// before `from`. The reference sorts the strings.
RC_GTEST_PROP(IdOrderTest, NamesAsSortingTheStrings, ()) {
  const auto words = *rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::elementOf(std::string("ab-09"))));
  StringTable t;
  for (const auto& w : words) t.Intern(w);
  const auto n = static_cast<int32_t>(t.size());
  const int32_t from = *rc::gen::inRange<int32_t>(0, n + 1);
  const auto rows = *rc::gen::container<std::vector<int32_t>>(
      rc::gen::oneOf(rc::gen::just(kNone), rc::gen::inRange<int32_t>(0, std::max(n, 1))));
  RC_PRE(n > 0 || std::all_of(rows.begin(), rows.end(), [](int32_t r) { return r == kNone; }));
  std::vector<std::string> want;
  for (int32_t r : rows) {
    if (r != kNone && r >= from) want.emplace_back(t.at(r));
  }
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  RC_ASSERT(IdOrder(t, from).Names(rows).Strings() == want);
  RC_ASSERT(IdOrder().Names(rows).empty());
}

// Both paths on a table in log order (mv-0, mv-1, ..., whose text order
// is not their index order) with repeats: every id once, in text order.
TEST(IdOrderTest, NamesLongAndShortListsInTextOrder) {
  StringTable t;
  for (int i = 0; i < 1000; ++i) t.Intern("mv-" + std::to_string(i));
  std::vector<int32_t> rows;
  for (int32_t i = 999; i >= 0; --i) rows.insert(rows.end(), {i, i, kNone});
  RecordIds got = IdOrder(t, 0).Names(rows);
  ASSERT_EQ(got.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(got.front(), "mv-0");
  EXPECT_EQ(got[1], "mv-1");
  EXPECT_EQ(got[2], "mv-10");
  EXPECT_EQ(got.back(), "mv-999");
  EXPECT_EQ(IdOrder(t, 500).Names(rows).size(), 500u);
  // A short list (under a sixteenth of the table: sorted by rank, not read
  // from the bitmap) with repeats, kNone and ids before `from`.
  const std::vector<int32_t> few = {999, 10, 999, kNone, 100, 10, 2};
  EXPECT_EQ(IdOrder(t, 0).Names(few), (Strings{"mv-10", "mv-100", "mv-2", "mv-999"}));
  EXPECT_EQ(IdOrder(t, 50).Names(few), (Strings{"mv-100", "mv-999"}));
}

TEST(RecordIdsTest, InsertKeepsTextOrderOnce) {
  StringTable t = Table();
  RecordIds ids;
  for (int32_t i : {0, 2, 4, 2, kNone, 3}) ids.Insert(t, i);
  EXPECT_EQ(ids, (Strings{"a", "m2", "m9", "z"}));
}

TEST(RecordIdsTest, UniteIsTheSortedUnion) {
  StringTable t = Table();
  RecordIds a = RecordIds::Sorted(t, {0, 2});
  a.Unite(RecordIds::Sorted(t, {2, 1, 4}));
  EXPECT_EQ(a, (Strings{"a", "m10", "m9", "z"}));
  RecordIds empty;
  empty.Unite(a);
  EXPECT_EQ(empty, a);
  a.Unite(RecordIds());
  EXPECT_EQ(a.size(), 4u);
}

// Against the naive reference (the union of the two lists' strings, sorted
// and distinct), on lists of very different lengths as well as alike: a
// write's few records united with a range's many take the binary-search
// path, lists of like length the linear merge.
RC_GTEST_PROP(RecordIdsProperty, UniteIsTheSortedUnionOfTheirText, ()) {
  StringTable t;
  const int n = *rc::gen::inRange(1, 3000);
  for (int i = 0; i < n; ++i) t.Intern("id-" + std::to_string(*rc::gen::inRange(0, 100000)));
  auto some = [&](int count) {
    std::vector<int32_t> idx;
    for (int i = 0; i < count; ++i) idx.push_back(*rc::gen::inRange(0, static_cast<int>(t.size())));
    return idx;
  };
  const std::vector<int32_t> xa = some(*rc::gen::inRange(0, 3000)), xb = some(*rc::gen::inRange(0, 8));
  const bool few_first = *rc::gen::arbitrary<bool>();
  RecordIds a = RecordIds::Sorted(t, few_first ? xb : xa);
  const RecordIds b = RecordIds::Sorted(t, few_first ? xa : xb);
  Strings want = a.Strings();
  for (std::string_view s : b) want.emplace_back(s);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  a.Unite(b);
  RC_ASSERT(a == want);
}

TEST(RecordIdsTest, AppendKeepsTheOrderGiven) {
  StringTable t = Table();
  RecordIds ids(t, {4, 2});
  ids.Append(t, 0);
  ids.Append(t, kNone);
  EXPECT_EQ(ids, (Strings{"z", "a", "m9"}));
  EXPECT_EQ(nlohmann::json(ids).dump(), R"(["z","a","m9"])");
}

TEST(RecordIdsTest, RebindReadsTheSameIndicesInANewerTable) {
  StringTable t = Table();
  RecordIds ids = RecordIds::Sorted(t, {0, 3});
  StringTable newer = Table();
  newer.Intern("b");
  ids.Rebind(newer);
  EXPECT_EQ(ids.names(), &newer);
  EXPECT_EQ(ids, (Strings{"m2", "m9"}));
}

TEST(RecordIdsTest, ACopySharesTheIndicesUntilItChanges) {
  StringTable t = Table();
  RecordIds a = RecordIds::Sorted(t, {0, 2});
  RecordIds b = a;
  EXPECT_EQ(&a.indices(), &b.indices());
  b.Insert(t, 4);
  EXPECT_EQ(a, (Strings{"a", "m9"}));
  EXPECT_EQ(b, (Strings{"a", "m9", "z"}));
  RecordIds c = b;
  c.Append(t, 1);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(c.size(), 4u);
}

}  // namespace
}  // namespace lifeline::analysis
