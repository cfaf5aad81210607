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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/blockade.h"
#include "analysis/casualties.h"
#include "analysis/dataset.h"
#include "analysis/quantities.h"
#include "analysis/record_ids.h"
#include "base/status.h"

namespace lifeline::analysis {

// The records behind a value (record_ids.h: id indices into the dataset's
// `ids`, read as their sorted text), empty unless explain was asked. The
// dataset a result was computed from must outlive the result's lists.

struct Flows {
  int64_t movements = 0, vehicles = 0, persons = 0, patients = 0;
  RecordIds records;
};

struct RouteDay {
  std::string route;
  RouteState state = RouteState::kUnknown;  // both directions combined (the more restrictive)
  std::vector<std::string> restricted;      // united restricted lists (restricted days)
  RecordIds records;                        // the statuses in force that day
  // Per direction (schema v2 statuses may apply one way).
  RouteState in = RouteState::kUnknown, out = RouteState::kUnknown;
  std::vector<std::string> restricted_in = {}, restricted_out = {};
  Passage passage_in = Passage::kUnknown, passage_out = Passage::kUnknown;
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
  double delivered = 0;            // single-day records of the day
  // delivered / (share x need), where share is the case's import dependency
  // for this need; null with `reason` when not assessed, when nothing is
  // known of the day (no record, no watch), or when need is 0 or unknown.
  std::optional<double> coverage;
  bool coverage_lower_bound = false;  // records that day but the day is not watched
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
  double hours = 0;  // without service, 0..24
  RecordIds records;
  double scheduled = 0;     // of which a rationing schedule's hours
  bool supply_cut = false;  // a supply-line cut in force
  bool unknown = false;     // no evidence either way
};

struct UtilityTotal {
  std::string utility;
  double hours = 0;  // without service, summed over the range
  int64_t days_without_service = 0, days_scheduled = 0, days_supply_cut = 0, days_unknown = 0;
  double max_scheduled = 0;  // the most hours a day a schedule took away
  std::optional<std::string> first_supply_cut = {}, last_supply_cut = {};
  RecordIds records = {};
};

// One party's casualties in a day's incidents ("" when no source states
// the party). Casualties are never added across parties, not even for a
// day.
struct PartyDayCasualties {
  std::string party;
  int64_t low = 0, best = 0, high = 0, injuries = 0;
};

struct IncidentTotals {
  int64_t incidents = 0;
  std::vector<PartyDayCasualties> casualties;  // per party, by name ("" last); days only
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
  double delivered = 0;        // the sum of the single-day records
  std::optional<double> coverage;  // best estimate / (share x need); null with `reason`
  bool coverage_lower_bound = true;
  std::string reason;
  double shortfall = 0;  // sum of the known daily shortfalls
  // The case profile's import dependency: assessed with a share, or not.
  bool assessed = false;
  std::optional<double> share = {};
  std::optional<RangeEstimate> estimate = {};  // delivered, as an estimate (with period reports)
};

// A pre-blockade baseline measure against what came through, per period:
// the whole range, then each period report of that measure within it.
struct BaselinePeriod {
  std::string from, to;
  int64_t days = 0;
  double expected = 0;  // baseline per day x days
  double delivered = 0; // best estimate
  bool lower_bound = true;
  std::optional<double> ratio;
  double completeness = 0;  // fraction of days observed
  std::string rule;         // how the delivered figure was chosen ("report": the report's own figure)
  std::string report;       // the period report's record ("" for the range)
  std::string reported_by;
  RecordIds records;
  std::string qualifier = "as_stated";  // of `delivered`: as_stated | at_least | about | at_most
  OnePartyPart one_party = {};          // the range ([0]) only: how much of `delivered` a party gave
};

struct BaselineComparison {
  std::string record;  // the baseline record
  std::string route, measure, unit;
  std::vector<std::string> directions;  // in / out
  double per_day = 0;
  std::vector<BaselinePeriod> periods;  // [0] is the range
  RecordIds other_routes;  // inbound deliveries on other routes (not compared)
  double other_routes_delivered = 0;
};

// A stated requirement (a flow) against what came through.
struct RequirementComparison {
  std::string record, measure, commodity, unit, basis;
  std::vector<std::string> routes;
  double per_day = 0;
  bool weekly = false;
  std::string from, to;  // the days compared (the requirement's within the range)
  int64_t days = 0;
  double expected = 0;
  RangeEstimate delivered;
  std::optional<double> ratio;
};

struct Totals {
  std::vector<RouteDays> routes;
  std::vector<OperatorFlows> flows;
  std::vector<CargoAmount> cargo;
  std::vector<NeedTotal> needs;
  std::vector<BaselineDay> baseline;  // daily records only: sums over the range (baseline x days)
  std::vector<UtilityTotal> utilities;
  // The number of incidents (fatalities are never added across parties:
  // see casualties).
  IncidentTotals incidents;
  CasualtyTotals casualties;
};

// A movement with a period: its figures as given, never spread over days.
struct PeriodMovement {
  std::string record, route, op, direction;
  std::string outcome;    // as the record writes it (a case's own term included)
  std::string counts_as;  // its class: completed | stopped | turned_back
  std::string from, to;   // the period
  int64_t vehicles = 0, persons = 0, patients = 0;
  std::vector<CargoAmount> cargo;  // per commodity (delivered or stopped by outcome)
  std::string qualifier;    // as_stated | at_least | about | at_most
  std::string reported_by;  // whose count ("" if not given)
  bool one_party = false;   // reported by a party to the conflict
};

// The sums a computation gathered from the movement rows and cargo lines —
// per day and operator, route, commodity; per estimate — kept with its
// result so that the indicators of the dataset with rows appended add only
// the new rows to them (UpdateIndicators) instead of passing over every
// row again. Defined in indicators.cc.
struct IndicatorSums;

struct Indicators {
  // The ids every record list of the result indexes: the dataset's, which
  // must outlive the result while its lists are read.
  const StringTable* record_ids = nullptr;
  // What the figures were summed from (read only by ContinueIndicators).
  std::shared_ptr<const IndicatorSums> sums;
  std::string case_id;
  std::string case_title;
  CheckpointRef checkpoint;
  std::string from, to;
  std::vector<DayIndicators> days;
  Totals totals;
  std::vector<PeriodMovement> period_movements;
  // Schema v2 figures over the range.
  Blockade blockade;
  std::vector<RangeEstimate> estimates;  // movements: each measure and direction with any record
  std::vector<BaselineComparison> baselines;
  std::vector<RequirementComparison> requirements;
  std::vector<std::pair<std::string, std::string>> route_names;  // route id, name
  std::vector<std::string> parties;
  std::vector<std::string> assumptions;      // what the model assumed, in words (English)
  std::vector<std::string> assumption_keys;  // a stable key per assumption, for translations
  void Assume(std::string key, std::string text) {
    assumption_keys.push_back(std::move(key));
    assumptions.push_back(std::move(text));
  }
};

struct IndicatorOptions {
  int32_t from = kNoDay;  // kNoDay: the case's start
  int32_t to = kNoDay;    // kNoDay: the case's end, else the last record day
  bool explain = true;    // fill the record id lists
  // With explain: name in the lists only the records whose id index in the
  // dataset is at least this (0: every record). UpdateIndicators
  // (indicators_update.h) computes the lists of a dataset's new records so
  // and merges them into the previous result's; the figures always count
  // every row.
  int32_t records_from = 0;
};

// A need's coverage over a range is published only when deliveries of it
// are known (reported or watched) on at least this share of the days; on
// fewer, a percentage would read as the period's (docs/analysis.md).
inline constexpr double kMinObservedForCoverage = 0.5;

// The longest range computed at once (about 100 years).
inline constexpr int32_t kMaxRangeDays = 36600;

// Resolves the default range of `ds`: InvalidArgument when from > to or the
// range exceeds kMaxRangeDays.
Status ResolveRange(const Dataset& ds, int32_t* from, int32_t* to);

// Precondition: ds.finalized.
Result<Indicators> ComputeIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options);

// ComputeIndicators(ds, cp, options), its figures continued from `prior`:
// the sums of a computation with the same range on an earlier dataset of
// this lineage that `ds` extends by movement rows and their cargo lines
// (indicators_update.h). The rows and lines the sums cover are not read
// again. Computed whole when the sums cannot be continued: another range,
// or new rows that bring a new operator, route, unit or (commodity, unit)
// pair, or a record id interned before the sums were taken. Equal to
// ComputeIndicators' result either way (the new rows fall into each sum in
// the order a whole pass adds them).
// `continued`, when given, says which it was.
Result<Indicators> ContinueIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options,
                                      const IndicatorSums& prior, bool* continued = nullptr);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_INDICATORS_H_
