#include "store/current_view.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lifeline::store {
namespace {

RecordRow Row(uint64_t index, std::string id, std::string case_id, std::string kind = "incident",
              std::string supersedes = "", std::string target = "") {
  RecordRow r;
  r.index = index;
  r.id = std::move(id);
  r.kind = std::move(kind);
  r.case_id = std::move(case_id);
  r.supersedes = std::move(supersedes);
  r.target = std::move(target);
  return r;
}

// IsReplaced agrees with Replaces over every pair of a small log with every
// kind of reference: later and earlier corrections, a cycle, retractions,
// another case's references, an empty id and an empty target.
TEST(CurrentViewTest, AgreesWithReplaces) {
  const std::vector<RecordRow> rows = {
      Row(0, "a", "c1"),
      Row(1, "b", "c1", "incident", "d"),             // placed before what it corrects
      Row(2, "a2", "c1", "incident", "a"),
      Row(3, "d", "c1"),
      Row(4, "x", "c2", "incident", "b"),             // another case: inert
      Row(5, "r", "c1", "retraction", "", "a2"),
      Row(6, "xr", "c2", "retraction", "", "d"),      // another case: inert
      Row(7, "", "c1"),                               // an empty id
      Row(8, "re", "c1", "retraction", "", ""),       // an empty target names nothing
      Row(9, "p", "c1", "incident", "q"),             // a cycle of two: q stays
      Row(10, "q", "c1", "incident", "p"),
  };
  CurrentView view;
  for (const auto& r : rows) view.Add(r);
  for (const auto& row : rows) {
    bool replaced = false;
    for (const auto& by : rows) replaced |= Replaces(by, row);
    EXPECT_EQ(view.IsReplaced(row), replaced) << row.id << " at " << row.index;
  }
  EXPECT_TRUE(view.IsReplaced(rows[0]));    // a, corrected by a2
  EXPECT_FALSE(view.IsReplaced(rows[3]));   // d: its correction b is earlier
  EXPECT_TRUE(view.IsReplaced(rows[9]));    // p
  EXPECT_FALSE(view.IsReplaced(rows[10]));  // q, the latest of the cycle
}

// Bounded to a tree size, entries at or beyond it replace nothing: the view
// of an older checkpoint.
TEST(CurrentViewTest, EntriesAtOrBeyondTheBoundReplaceNothing) {
  const RecordRow a = Row(0, "a", "c1");
  const RecordRow fix = Row(2, "a2", "c1", "incident", "a");
  const RecordRow retract = Row(3, "r", "c1", "retraction", "", "a");
  for (uint64_t size : {1u, 2u, 3u, 4u}) {
    CurrentView view(size);
    view.Add(fix);
    view.Add(retract);
    EXPECT_EQ(view.IsReplaced(a), size > 2) << "size " << size;
  }
  CurrentView view(3);
  view.Add(retract);
  EXPECT_FALSE(view.IsReplaced(a));
  view.Add(fix);
  EXPECT_TRUE(view.IsReplaced(a));
  view.Clear();
  EXPECT_FALSE(view.IsReplaced(a));
}

}  // namespace
}  // namespace lifeline::store
