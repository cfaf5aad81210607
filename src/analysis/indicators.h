// Daily indicators of a case over a date range, computed from a finalized
// Dataset by array aggregation (one pass over each table into per-day
// arrays; no per-row lookups). The model, each indicator's rule and what it
// assumes are in docs/analysis.md; the rules in brief:
//
// - A route's status on a day is the most restrictive status in force at
//   any instant of that UTC day (closed > restricted > open); restricted
//   lists of the statuses in force are united. No status in force: unknown.
// - Only movements with outcome `completed` are delivered; `stopped` and
//   `turned_back` are counted as stopped. Movements with a `period` are
//   never added to daily values: they are reported apart (period_movements).
// - need = population (latest figure on or before the day) x standard; with
//   no need_standard in the case, the Sphere defaults (2,100 kcal food
//   energy, 15 l water per person per day). Delivered cargo is matched to a
//   need by commodity name and canonical unit.
// - coverage = delivered / need, null (with the reason) when need is 0 or
//   unknown; shortfall = max(0, need - delivered); the cumulative deficit is
//   the running sum of shortfalls.
// - Hours without a utility: the union of its outages clipped to the day.
//
// Every daily figure is additive: a total over the range is the sum of the
// daily values (route days: the count of days in each status).
//
// Pure: no I/O. Thread safety: ComputeIndicators reads the dataset only.
#ifndef LIFELINE_ANALYSIS_INDICATORS_H_
#define LIFELINE_ANALYSIS_INDICATORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"

namespace lifeline::analysis {

// Record ids behind a value, sorted (empty unless explain was asked).
using RecordIds = std::vector<std::string>;

struct Flows {
  int64_t movements = 0, vehicles = 0, persons = 0, patients = 0;
  RecordIds records;
};

struct RouteDay {
  std::string route;
  RouteState state = RouteState::kUnknown;
  std::vector<std::string> restricted;  // united restricted lists (restricted days)
  RecordIds records;                    // the statuses in force that day
};

struct OperatorFlows {
  std::string op;
  std::string direction;  // "in" | "out"
  Flows delivered;        // outcome completed
  Flows stopped;          // outcome stopped or turned_back
};

struct CargoAmount {
  std::string commodity;
  std::string unit;  // canonical
  double delivered = 0;  // inbound, completed
  double stopped = 0;    // inbound, stopped or turned back
  RecordIds records;
};

struct NeedDay {
  std::string commodity;
  std::string unit;
  double per_person = 0;
  std::string basis;
  std::optional<int64_t> population;
  std::optional<double> need;      // null: no population figure yet
  double delivered = 0;
  std::optional<double> coverage;  // delivered / need; null with `reason`
  std::string reason;
  // Set when inbound cargo of other commodities arrived that day and was not
  // counted against this need (no conversion between commodities is made).
  std::string note;
  std::optional<double> shortfall;           // max(0, need - delivered)
  std::optional<double> cumulative_deficit;  // running sum of shortfalls
  RecordIds records;  // need_standard (if any), case, movements delivered
};

struct BaselineDay {
  std::string route;
  std::string measure;  // "vehicles", "persons", "patients", "cargo (kg)", ...
  double baseline = 0;  // per day
  double delivered = 0;
  std::optional<double> ratio;  // delivered / baseline; null when baseline is 0
  RecordIds records;            // baseline and movements
};

struct UtilityDay {
  std::string utility;
  double hours = 0;  // 0..24
  RecordIds records;
};

struct IncidentTotals {
  int64_t incidents = 0, fatalities_low = 0, fatalities_best = 0, fatalities_high = 0, injuries = 0;
  RecordIds records;
};

struct DayIndicators {
  std::string date;  // YYYY-MM-DD
  std::vector<RouteDay> routes;
  std::vector<OperatorFlows> flows;
  std::vector<CargoAmount> cargo;
  std::vector<NeedDay> needs;
  std::vector<BaselineDay> baseline;
  std::vector<UtilityDay> utilities;
  IncidentTotals incidents;
};

struct RouteDays {
  std::string route;
  int64_t open = 0, restricted = 0, closed = 0, unknown = 0;
};

struct NeedTotal {
  std::string commodity, unit;
  std::optional<double> need;  // null if any day's need is unknown
  int64_t days_need_unknown = 0;
  double delivered = 0;
  std::optional<double> coverage;
  std::string reason;
  double shortfall = 0;  // sum of the known daily shortfalls
};

struct Totals {
  std::vector<RouteDays> routes;
  std::vector<OperatorFlows> flows;
  std::vector<CargoAmount> cargo;
  std::vector<NeedTotal> needs;
  std::vector<BaselineDay> baseline;  // sums over the range (baseline x days)
  std::vector<UtilityDay> utilities;
  IncidentTotals incidents;
};

// A movement with a period: its figures as given, never spread over days.
struct PeriodMovement {
  std::string record, route, op, direction, outcome;
  std::string from, to;  // the period
  int64_t vehicles = 0, persons = 0, patients = 0;
  std::vector<CargoAmount> cargo;  // per commodity (delivered or stopped by outcome)
};

struct Indicators {
  std::string case_id;
  CheckpointRef checkpoint;
  std::string from, to;
  std::vector<DayIndicators> days;
  Totals totals;
  std::vector<PeriodMovement> period_movements;
  std::vector<std::string> assumptions;  // what the model assumed, in words
};

struct IndicatorOptions {
  int32_t from = kNoDay;  // kNoDay: the case's start
  int32_t to = kNoDay;    // kNoDay: the case's end, else the last record day
  bool explain = true;    // fill the record id lists
};

// The longest range computed at once (about 100 years).
inline constexpr int32_t kMaxRangeDays = 36600;

// Resolves the default range of `ds`: InvalidArgument when from > to or the
// range exceeds kMaxRangeDays.
Status ResolveRange(const Dataset& ds, int32_t* from, int32_t* to);

// Precondition: ds.finalized.
Result<Indicators> ComputeIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_INDICATORS_H_
