// Estimates: a count or quantity over a range of days (patients
// transferred, tonnes delivered, vehicles that crossed) from records that
// overlap in time — single-day records, and period reports that total
// several days ("5,574 t in 182 days", "over 680 patients since
// December"). Monitoring data is incomplete and its sources disagree, so a
// figure over a range is never a bare sum. An Estimate gives:
//
// - daily_sum: the sum of the single-day records in the range. A lower
//   bound of what happened (records are events that happened; days without
//   records may hide more).
// - reports: every period report of the quantity that overlaps the range,
//   each placed as `within` (its period lies in the range: comparable),
//   `partial` (part of its period lies outside: shown with the prorated
//   share of a uniform daily rate, never used in the best estimate) or
//   `covering` (its period contains the range: an upper bound when the
//   report is not "at least").
// - best: the largest total obtainable by choosing non-overlapping
//   `within` reports and adding the daily records of the days no chosen
//   report covers (weighted interval scheduling). With no report this is
//   daily_sum; with a report for the whole range and fewer daily records,
//   the report. So best >= daily_sum, adding a daily record never lowers
//   best, and a period report never changes any day's value.
// - lower_bound: whether best is only "at least": some day of the range is
//   not observed (below), or a chosen report is itself "at least".
// - upper: the smallest `covering` (or `within` report spanning the whole
//   range) figure that is not a lower bound, when there is one; a
//   cumulative series ("34 by 18 Jan, 680 by 29 Jul") bounds the range
//   between its points this way.
// - completeness: per day of the range, `complete` when a `within` report
//   covers it or a watch (nil report) says every crossing that day is
//   recorded, `partial` when only single-day records exist, else
//   `unobserved`.
// - discrepancies: pairs of reports by different reporters for nearly the
//   same period (each covers at least 90 % of the union of the two) whose
//   figures differ by more than the tolerance (a fraction of the larger);
//   and reports (not "at least") exceeded by more than the tolerance by
//   what the records and the reports inside their own period add up to.
//
// Pure: no I/O. The caller selects the records of one quantity (measure,
// direction, routes, commodity) and fills an EstimateInput.
#ifndef LIFELINE_ANALYSIS_ESTIMATE_H_
#define LIFELINE_ANALYSIS_ESTIMATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/dataset.h"

namespace lifeline::analysis {

// A period report: the total of a quantity over [from, to] as one source
// gave it.
struct PeriodReport {
  int32_t from = kNoDay, to = kNoDay;
  double value = 0;
  Qualifier qualifier = Qualifier::kAsStated;
  int32_t reporter = kNone;  // into Dataset::actors, or kNone
  int32_t operator_ = kNone; // into Dataset::operators, or kNone
  int32_t record = kNone;    // into Dataset::ids
};

struct EstimateInput {
  int32_t from = 0, to = -1;  // the range, both included
  // Per day of the range (index day - from): the sum of the single-day
  // records, whether any record exists, and whether the day is watched.
  std::vector<double> daily;
  std::vector<uint8_t> has_record;
  std::vector<uint8_t> watched;
  std::vector<PeriodReport> reports;  // any; those not overlapping are ignored
  double tolerance = 0.1;
};

enum class Fit : uint8_t { kWithin, kPartial, kCovering };
std::string_view FitName(Fit f);

struct PlacedReport {
  PeriodReport report;
  Fit fit = Fit::kWithin;
  bool used = false;        // chosen for the best estimate
  double days_in_range = 0;
  double prorated = 0;      // partial: value x days in range / days of the period
  double daily_sum = 0;     // the single-day records of its days inside the range
};

struct Discrepancy {
  enum class Kind : uint8_t { kReports, kRecordsExceed } kind = Kind::kReports;
  int32_t a = kNone, b = kNone;  // report records (b: kNone for kRecordsExceed)
  double value_a = 0, value_b = 0;  // kRecordsExceed: the report, and what its period adds up to
  int32_t reporter_a = kNone, reporter_b = kNone;
};

struct Completeness {
  int64_t days = 0, complete = 0, partial = 0, unobserved = 0;
  double Fraction() const { return days > 0 ? static_cast<double>(complete) / static_cast<double>(days) : 0; }
};

enum class BestRule : uint8_t {
  kDailySum,         // no report used: the sum of the single-day records
  kReports,          // reports cover the whole range
  kReportsAndDaily,  // reports for part of the range, daily records for the rest
};
std::string_view BestRuleName(BestRule r);

struct Estimate {
  double daily_sum = 0;
  double best = 0;
  bool lower_bound = true;
  std::optional<double> upper;
  BestRule rule = BestRule::kDailySum;
  std::vector<PlacedReport> reports;  // sorted by (from, to, record)
  Completeness completeness;
  std::vector<Discrepancy> discrepancies;
};

// Precondition: daily, has_record and watched have to - from + 1 entries.
Estimate ComputeEstimate(const EstimateInput& in);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_ESTIMATE_H_
