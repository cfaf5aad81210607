// Estimates over a range: hand-computed cases (the arithmetic is in the
// comments) and properties against a brute-force reference.
#include "analysis/estimate.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

namespace lifeline::analysis {
namespace {

// Days 0 .. n-1 with the given daily values (a record on each day with a
// value > 0), no watch.
EstimateInput Days(std::vector<double> daily) {
  EstimateInput in;
  in.from = 0;
  in.to = static_cast<int32_t>(daily.size()) - 1;
  in.has_record.resize(daily.size());
  for (size_t i = 0; i < daily.size(); ++i) in.has_record[i] = daily[i] > 0;
  in.watched.assign(daily.size(), 0);
  in.daily = std::move(daily);
  return in;
}

PeriodReport Report(int32_t from, int32_t to, double value, int32_t record,
                    Qualifier q = Qualifier::kAsStated, int32_t reporter = kNone) {
  return PeriodReport{from, to, value, q, reporter, kNone, record};
}

const PlacedReport& Find(const Estimate& e, int32_t record) {
  for (const auto& p : e.reports) {
    if (p.report.record == record) return p;
  }
  ADD_FAILURE() << "no report " << record;
  static PlacedReport none;
  return none;
}

TEST(EstimateTest, WithoutReportsTheDailySumIsALowerBound) {
  // 3 + 0 + 4 over three days, the middle one without a record.
  Estimate e = ComputeEstimate(Days({3, 0, 4}));
  EXPECT_DOUBLE_EQ(e.daily_sum, 7);
  EXPECT_DOUBLE_EQ(e.best, 7);
  EXPECT_TRUE(e.lower_bound);
  EXPECT_EQ(e.rule, BestRule::kDailySum);
  EXPECT_EQ(e.completeness.days, 3);
  EXPECT_EQ(e.completeness.partial, 2);
  EXPECT_EQ(e.completeness.unobserved, 1);
  EXPECT_EQ(e.completeness.complete, 0);
  EXPECT_FALSE(e.upper.has_value());
}

TEST(EstimateTest, WatchedDaysMakeTheSumExact) {
  EstimateInput in = Days({3, 0, 4});
  in.watched = {1, 1, 1};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 7);
  EXPECT_FALSE(e.lower_bound);  // every crossing of every day is recorded
  EXPECT_EQ(e.completeness.complete, 3);
  EXPECT_DOUBLE_EQ(e.completeness.Fraction(), 1);
}

TEST(EstimateTest, AReportForTheWholeRangeIsTheFigureWhenLarger) {
  // The ombudsman's case: a few daily records (10 + 20) and a report of
  // 5,574 for the whole range. The report is never added to the days.
  EstimateInput in = Days({10, 0, 20, 0});
  in.reports = {Report(0, 3, 5574, 1)};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.daily_sum, 30);
  EXPECT_DOUBLE_EQ(e.best, 5574);
  EXPECT_EQ(e.rule, BestRule::kReports);
  EXPECT_FALSE(e.lower_bound);
  EXPECT_TRUE(Find(e, 1).used);
  EXPECT_EQ(Find(e, 1).fit, Fit::kWithin);
  EXPECT_DOUBLE_EQ(*e.upper, 5574);
  EXPECT_EQ(e.completeness.complete, 4);
}

TEST(EstimateTest, ASmallerReportLosesToTheRecordsAndIsFlagged) {
  // Records add up to 60 over a period a report gives as 40 (tolerance
  // 10 %): the records win and the report is a discrepancy.
  EstimateInput in = Days({30, 30});
  in.reports = {Report(0, 1, 40, 7)};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 60);
  EXPECT_EQ(e.rule, BestRule::kDailySum);
  EXPECT_FALSE(Find(e, 7).used);
  ASSERT_EQ(e.discrepancies.size(), 1u);
  EXPECT_EQ(e.discrepancies[0].kind, Discrepancy::Kind::kRecordsExceed);
  EXPECT_DOUBLE_EQ(e.discrepancies[0].value_a, 40);
  EXPECT_DOUBLE_EQ(e.discrepancies[0].value_b, 60);
}

TEST(EstimateTest, NestedPeriodsChooseTheLargerCombination) {
  // Ten days of 10. Outer report [0, 9] = 150; inner [2, 4] = 50.
  // Options: daily 100; inner + the 7 other days 50 + 70 = 120; outer 150.
  EstimateInput in = Days(std::vector<double>(10, 10));
  in.reports = {Report(0, 9, 150, 1), Report(2, 4, 50, 2)};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 150);
  EXPECT_TRUE(Find(e, 1).used);
  EXPECT_FALSE(Find(e, 2).used);
  // With the outer report at 100 instead: inner + days = 120 wins, and the
  // outer report (which claims the whole) is exceeded by 120 > 110.
  in.reports[0].value = 100;
  e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 120);
  EXPECT_EQ(e.rule, BestRule::kReportsAndDaily);
  EXPECT_TRUE(Find(e, 2).used);
  EXPECT_TRUE(e.lower_bound);  // seven days rest on single-day records
  ASSERT_EQ(e.discrepancies.size(), 1u);
  EXPECT_EQ(e.discrepancies[0].a, 1);
  EXPECT_DOUBLE_EQ(e.discrepancies[0].value_b, 120);
}

TEST(EstimateTest, OverlappingPeriodsAreNeverBothUsed) {
  // Ten days of 5. A = [0, 5] = 60, B = [3, 9] = 80. A + days 6..9 = 80;
  // B + days 0..2 = 95; both would count days 3..5 twice.
  EstimateInput in = Days(std::vector<double>(10, 5));
  in.reports = {Report(0, 5, 60, 1), Report(3, 9, 80, 2)};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 95);
  EXPECT_FALSE(Find(e, 1).used);
  EXPECT_TRUE(Find(e, 2).used);
}

TEST(EstimateTest, ACumulativeSeriesGivesTheLatestPointPlusLaterDays) {
  // The ICRC's series since day 0: 34 by day 4, over 600 by day 19, over
  // 680 by day 24; daily records of 1 a day, and 11 and 29 on days 26, 28.
  // Range 0 .. 29: 680 + days 25..29 (1 + 11 + 1 + 29 + 1 = 43) = 723, a
  // lower bound ("over 680").
  std::vector<double> daily(30, 1);
  daily[26] = 11;
  daily[28] = 29;
  EstimateInput in = Days(daily);
  in.reports = {Report(0, 4, 34, 1), Report(0, 19, 600, 2, Qualifier::kAtLeast),
                Report(0, 24, 680, 3, Qualifier::kAtLeast)};
  Estimate e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 723);
  EXPECT_TRUE(Find(e, 3).used);
  EXPECT_TRUE(e.lower_bound);
  EXPECT_TRUE(e.discrepancies.empty());  // "over 600" does not contradict 680
  // Over days 0 .. 10 only the 34 fits; the report to day 19 covers the
  // range (it says nothing of days 0..10 alone, and "at least" is no upper
  // bound).
  in = Days(std::vector<double>(11, 1));
  in.reports = {Report(0, 4, 34, 1), Report(0, 19, 600, 2, Qualifier::kAtLeast)};
  e = ComputeEstimate(in);
  EXPECT_DOUBLE_EQ(e.best, 34 + 6);
  EXPECT_EQ(Find(e, 2).fit, Fit::kCovering);
  EXPECT_FALSE(Find(e, 2).used);
  EXPECT_FALSE(e.upper.has_value());
  // Over days 5 .. 10, a report of days 0 .. 9 lies partly outside: shown
  // with its prorated share (5 of its 10 days: 300), never used.
  in = Days(std::vector<double>(6, 1));
  in.from = 5;
  in.to = 10;
  in.reports = {Report(0, 9, 600, 2)};
  e = ComputeEstimate(in);
  EXPECT_EQ(Find(e, 2).fit, Fit::kPartial);
  EXPECT_DOUBLE_EQ(Find(e, 2).prorated, 300);
  EXPECT_DOUBLE_EQ(Find(e, 2).days_in_range, 5);
  EXPECT_DOUBLE_EQ(e.best, 6);
}

TEST(EstimateTest, ACoveringReportIsAnUpperBoundUnlessAtLeast) {
  EstimateInput in = Days({1, 2, 3});
  in.from = 10;
  in.to = 12;
  in.reports = {Report(0, 30, 100, 1)};
  Estimate e = ComputeEstimate(in);
  EXPECT_EQ(Find(e, 1).fit, Fit::kCovering);
  EXPECT_DOUBLE_EQ(*e.upper, 100);
  EXPECT_DOUBLE_EQ(e.best, 6);
  in.reports[0].qualifier = Qualifier::kAtLeast;
  EXPECT_FALSE(ComputeEstimate(in).upper.has_value());
}

TEST(EstimateTest, DisagreeingReportsOfDifferentReportersAreFlagged) {
  // Two parties' counts for the same days: 2,500 and 2,867 differ by 13 %,
  // more than the 10 % tolerance. The same reporter's two figures are a
  // revision, not a discrepancy; "at least 2,500" agrees with 2,867.
  EstimateInput in = Days(std::vector<double>(10, 0));
  in.reports = {Report(0, 9, 2500, 1, Qualifier::kAsStated, 100), Report(0, 9, 2867, 2, Qualifier::kAsStated, 200)};
  Estimate e = ComputeEstimate(in);
  ASSERT_EQ(e.discrepancies.size(), 1u);
  EXPECT_EQ(e.discrepancies[0].kind, Discrepancy::Kind::kReports);
  EXPECT_EQ(e.discrepancies[0].reporter_a, 100);
  EXPECT_EQ(e.discrepancies[0].reporter_b, 200);
  EXPECT_DOUBLE_EQ(e.best, 2867);
  in.reports[1].reporter = 100;
  EXPECT_TRUE(ComputeEstimate(in).discrepancies.empty());
  in.reports[1].reporter = 200;
  in.reports[0].qualifier = Qualifier::kAtLeast;
  EXPECT_TRUE(ComputeEstimate(in).discrepancies.empty());
  in.tolerance = 0.2;  // 13 % is within 20 %
  in.reports[0].qualifier = Qualifier::kAsStated;
  EXPECT_TRUE(ComputeEstimate(in).discrepancies.empty());
}

// ---- Properties against a brute-force reference. ----

struct Random {
  EstimateInput in;
};

EstimateInput GenInput() {
  const int n = *rc::gen::inRange(1, 12);
  EstimateInput in;
  in.from = 0;
  in.to = n - 1;
  for (int d = 0; d < n; ++d) {
    bool rec = *rc::gen::arbitrary<bool>();
    in.daily.push_back(rec ? *rc::gen::inRange(0, 20) : 0);
    in.has_record.push_back(rec);
    in.watched.push_back(*rc::gen::inRange(0, 4) == 0);
  }
  const int r = *rc::gen::inRange(0, 7);
  for (int i = 0; i < r; ++i) {
    int a = *rc::gen::inRange(-3, n + 2), len = *rc::gen::inRange(0, n);
    Qualifier q = static_cast<Qualifier>(*rc::gen::inRange(0, 4));
    in.reports.push_back(Report(a, a + len, *rc::gen::inRange(0, 120), i, q, *rc::gen::inRange(0, 3)));
  }
  return in;
}

// The largest total over every set of pairwise disjoint usable reports
// inside the range, with the daily values of the other days.
double BruteForceBest(const EstimateInput& in) {
  std::vector<PeriodReport> usable;
  for (const auto& r : in.reports) {
    if (r.from >= in.from && r.to <= in.to && r.qualifier != Qualifier::kAtMost) usable.push_back(r);
  }
  double best = 0;
  for (uint32_t mask = 0; mask < (1u << usable.size()); ++mask) {
    std::vector<int> covered(in.daily.size(), 0);
    double total = 0;
    bool ok = true;
    for (size_t i = 0; i < usable.size() && ok; ++i) {
      if (!(mask & (1u << i))) continue;
      total += usable[i].value;
      for (int32_t d = usable[i].from; d <= usable[i].to; ++d) ok &= covered[static_cast<size_t>(d - in.from)]++ == 0;
    }
    if (!ok) continue;
    for (size_t d = 0; d < in.daily.size(); ++d) {
      if (!covered[d]) total += in.daily[d];
    }
    best = std::max(best, total);
  }
  return best;
}

RC_GTEST_PROP(EstimatePropertyTest, BestIsTheLargestDisjointCombination, ()) {
  EstimateInput in = GenInput();
  Estimate e = ComputeEstimate(in);
  RC_ASSERT(std::abs(e.best - BruteForceBest(in)) < 1e-9);
  RC_ASSERT(e.best >= e.daily_sum - 1e-9);
  // Chosen reports are within the range, disjoint, and add up to best with
  // the other days.
  std::vector<int> covered(in.daily.size(), 0);
  double total = 0;
  for (const auto& p : e.reports) {
    if (!p.used) continue;
    RC_ASSERT(p.fit == Fit::kWithin);
    total += p.report.value;
    for (int32_t d = p.report.from; d <= p.report.to; ++d) RC_ASSERT(covered[static_cast<size_t>(d)]++ == 0);
  }
  for (size_t d = 0; d < in.daily.size(); ++d) {
    if (!covered[d]) total += in.daily[d];
  }
  RC_ASSERT(std::abs(total - e.best) < 1e-9);
}

RC_GTEST_PROP(EstimatePropertyTest, ADailyRecordNeverLowersTheBestEstimate, ()) {
  EstimateInput in = GenInput();
  double before = ComputeEstimate(in).best;
  size_t d = *rc::gen::inRange<size_t>(0, in.daily.size());
  in.daily[d] += *rc::gen::inRange(0, 50);
  in.has_record[d] = 1;
  RC_ASSERT(ComputeEstimate(in).best >= before - 1e-9);
}

RC_GTEST_PROP(EstimatePropertyTest, AReportNeverChangesTheDailyValues, ()) {
  EstimateInput in = GenInput();
  Estimate a = ComputeEstimate(in);
  int32_t from = *rc::gen::inRange(in.from, in.to + 1);
  in.reports.push_back(Report(from, *rc::gen::inRange(from, in.to + 1), *rc::gen::inRange(0, 500), 99));
  Estimate b = ComputeEstimate(in);
  RC_ASSERT(a.daily_sum == b.daily_sum);
  RC_ASSERT(b.best >= a.best - 1e-9);  // one more option never lowers the maximum
}

RC_GTEST_PROP(EstimatePropertyTest, CompletenessIsAFractionOfTheDays, ()) {
  EstimateInput in = GenInput();
  Estimate e = ComputeEstimate(in);
  const Completeness& c = e.completeness;
  RC_ASSERT(c.days == static_cast<int64_t>(in.daily.size()));
  RC_ASSERT(c.complete + c.partial + c.unobserved == c.days);
  RC_ASSERT(c.Fraction() >= 0 && c.Fraction() <= 1);
  // Exact only when every day is watched or inside a chosen report that is
  // not "at least".
  if (!e.lower_bound) RC_ASSERT(c.complete == c.days);
}

}  // namespace
}  // namespace lifeline::analysis
