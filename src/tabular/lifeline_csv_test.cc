// The layout table itself; export_roundtrip_test (tests/) checks it against
// record::JsonSchema() and writes and reads back every kind through it.
#include "tabular/lifeline_csv.h"

#include <gtest/gtest.h>

namespace lifeline::tabular {
namespace {

TEST(LifelineCsvLayoutTest, EveryKindHasALayoutStartingWithTheEnvelope) {
  ASSERT_EQ(LifelineCsvKinds().size(), 18u);
  for (const std::string& kind : LifelineCsvKinds()) {
    const auto& layout = LifelineCsvLayout(kind);
    ASSERT_GT(layout.size(), 7u) << kind;
    EXPECT_EQ(layout[0].name, "id");
    EXPECT_EQ(layout[6].name, "by");
  }
  EXPECT_TRUE(LifelineCsvLayout("incidents").empty());
}

TEST(LifelineCsvLayoutTest, TheHistoryStartsWithTodaysLayout) {
  const std::vector<const LifelineCsvLayouts*>& history = LifelineCsvLayoutHistory();
  ASSERT_EQ(history.size(), 4u);
  for (const std::string& kind : LifelineCsvKinds()) {
    ASSERT_EQ(history[0]->count(kind), 1u) << kind;
    EXPECT_EQ(history[0]->find(kind)->second.size(), LifelineCsvLayout(kind).size()) << kind;
  }
  // schedule was added in version 2, the case's date_window columns later.
  EXPECT_EQ(history[3]->count("schedule"), 0u);
  EXPECT_LT(history[1]->find("case")->second.size(), history[0]->find("case")->second.size());
}

}  // namespace
}  // namespace lifeline::tabular
