// The invariants tabular/lifeline_hxl.h states for the table; the round
// trip through the writer and the reader is in tests/export_roundtrip_test.cc.
#include "tabular/lifeline_hxl.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lifeline::tabular {
namespace {

TEST(LifelineHxlLayoutTest, HashtagsAreUniqueAndEveryColumnHasAKind) {
  std::set<std::string_view> hashtags, fields;
  for (const LifelineHxlColumn& c : LifelineHxlLayout()) {
    EXPECT_TRUE(hashtags.insert(c.hashtag).second) << c.hashtag;
    EXPECT_TRUE(fields.insert(c.field).second) << c.field;
    EXPECT_TRUE(c.hashtag.starts_with('#')) << c.hashtag;
    EXPECT_NE(c.kinds, 0u) << c.hashtag;
    if (c.envelope) {
      EXPECT_EQ(c.kinds, kHxlEither) << c.hashtag;
    }
  }
}

TEST(LifelineHxlLayoutTest, TheEnvelopeComesFirstAndLast) {
  std::span<const LifelineHxlColumn> layout = LifelineHxlLayout();
  ASSERT_GT(layout.size(), 8u);
  EXPECT_EQ(layout.front().field, "id");
  EXPECT_EQ(layout[1].field, "kind");
  EXPECT_EQ(layout.back().field, "by");
  std::set<std::string_view> envelope;
  for (const LifelineHxlColumn& c : layout) {
    if (c.envelope) envelope.insert(c.field);
  }
  EXPECT_EQ(envelope, (std::set<std::string_view>{"id", "kind", "sources", "case", "supersedes",
                                                  "note", "recorded", "by"}));
}

}  // namespace
}  // namespace lifeline::tabular
