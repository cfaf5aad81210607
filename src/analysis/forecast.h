// Forecast: stocks of each commodity under uncertainty, by Monte Carlo over a
// route-status process fitted to the case's history. The model, in brief
// (docs/analysis.md has it in full, with what it assumes):
//
// - The area's access state on a day is the least restrictive status of the
//   selected routes that day (open < restricted < closed; a route's day
//   status is the indicators' rule). It follows a 3-state Markov chain whose
//   daily transition probabilities are the transition frequencies of the
//   history (or are given by the scenario). From `route.reopen` on, the
//   state is forced open.
// - Inflow of a commodity on a day is drawn with replacement from the
//   deliveries recorded on the history's days of the same state (days with
//   no delivery recorded count as 0); nothing arrives by road on closed
//   days. Airlifts add a fixed quantity per day whatever the state.
// - Consumption = population x per-person need x rationing, every day.
// - stock(d) = max(0, stock(d-1) + inflow(d) + airlift(d) - consumption(d)):
//   a need not met on a day is lost, not owed (stocks never go negative).
// - A commodity "falls below its threshold" at the end of the first day on
//   which its stock is < threshold or is 0 (exhausted); day 0 if the initial
//   stock already is.
//
// Reproducibility: trajectory t draws only from its own SplitMix64 stream,
// keyed by (seed, t), in a fixed order (per day: 32 random bits for the
// route state, then 32 per commodity, two to a 64-bit draw; always, even
// when a value is not used), so
// the output depends on the seed and the model only, never on the number of
// threads or the order they run in. Because every draw is made whatever the
// scenario, two scenarios differing only in airlifts see the same route
// states and inflows trajectory by trajectory: more airlift never lowers a
// stock, hence never lowers a percentile.
//
// Pure: no I/O, no clock. ParseScenario reads TOML text; FitForecast reads a
// finalized dataset; RunForecast starts threads and joins them before it
// returns.
#ifndef LIFELINE_ANALYSIS_FORECAST_H_
#define LIFELINE_ANALYSIS_FORECAST_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"

namespace lifeline::analysis {

// The forecast's states, in this order everywhere (arrays, matrices, JSON).
inline constexpr int kForecastStates = 3;
inline constexpr std::array<RouteState, kForecastStates> kForecastStateOrder = {
    RouteState::kOpen, RouteState::kRestricted, RouteState::kClosed};
using TransitionMatrix = std::array<std::array<double, kForecastStates>, kForecastStates>;

// The percentiles reported, in percent.
inline constexpr std::array<double, 5> kForecastPercentiles = {5, 25, 50, 75, 95};
using PercentileValues = std::array<double, kForecastPercentiles.size()>;

// Limits: a scenario asking for more is refused (InvalidArgument); a run
// keeping more than kMaxForecastCells stocks (commodities x trajectories,
// about 13 bytes each with the trajectory's state) is refused with
// ResourceExhausted. Memory does not grow with the horizon: days are
// simulated in chunks whose percentiles are taken before the next chunk.
inline constexpr int32_t kMaxHorizonDays = 36600;
inline constexpr int64_t kMaxTrajectories = 100'000'000;
inline constexpr uint64_t kMaxForecastCells = uint64_t{1} << 27;

// ---- Scenarios (TOML; the format is in docs/analysis.md). ----

struct ScenarioCommodity {
  std::string name;
  std::string unit;  // canonical unit of the quantities below (converted on parsing)
  std::string display_unit;   // the unit the scenario wrote, used in the output
  double display_factor = 1;  // canonical units per display unit
  std::optional<double> initial_stock;
  std::optional<double> per_person;  // per person per day
  std::optional<double> rationing;   // overrides the scenario's
  std::optional<double> threshold;
  // Fixed daily inflows replacing the history's draws on open / restricted
  // days (e.g. a negotiated convoy schedule, or when the history has no
  // open day to draw from).
  std::optional<double> inflow_open, inflow_restricted;
};

struct ScenarioAirlift {
  std::string commodity;
  int32_t from = kNoDay;
  int32_t until = kNoDay;  // kNoDay: to the end of the horizon
  double per_day = 0;      // canonical unit
};

struct ScenarioPopulationChange {
  int32_t day = kNoDay;
  int64_t count = 0;
};

struct Scenario {
  std::string name;        // the file name, for messages and output
  int32_t start = kNoDay;  // kNoDay: the day after the case's end (or last record day)
  int32_t horizon_days = 180;
  int64_t trajectories = 10000;
  uint64_t seed = 1;
  double rationing = 1.0;
  int32_t history_from = kNoDay, history_to = kNoDay;  // kNoDay: case start .. start - 1
  std::vector<std::string> routes;                     // empty: every route of the case
  std::optional<RouteState> initial_state;
  std::optional<TransitionMatrix> transition;  // rows: from open, restricted, closed
  int32_t reopen = kNoDay;
  std::optional<int64_t> population;  // at the start (else the case's figure)
  std::vector<ScenarioPopulationChange> population_changes;
  std::vector<ScenarioAirlift> airlifts;
  std::vector<ScenarioCommodity> commodities;
};

// Parses a scenario. Errors are InvalidArgument "NAME:LINE: KEY: message"
// (unknown keys, wrong types, bad dates or units, probabilities that are
// not a distribution, values out of range). At least one commodity.
Result<Scenario> ParseScenario(std::string_view toml_text, std::string_view name);

// ---- The fitted model: everything a run needs, as plain numbers. ----

// Quantities are in the canonical unit (`unit`); the output shows them in
// `display_unit` (the scenario's), display = canonical / display_factor.
struct ForecastCommodityModel {
  std::string name, unit;
  std::string display_unit;
  double display_factor = 1;
  double initial_stock = 0;
  std::string initial_source;  // "stock record ID (DATE)" or "scenario"
  double per_person = 0, rationing = 1;
  std::string per_person_source;    // "need_standard ID" or "scenario"
  std::optional<double> threshold;  // none: the day the stock is exhausted
  // Daily inflows to draw from, per state in kForecastStateOrder (closed:
  // always empty). An empty pool means no inflow in that state.
  std::array<std::vector<double>, kForecastStates> inflow_pool;
  std::vector<double> consumption;  // per forecast day
  std::vector<double> airlift;      // per forecast day
};

struct ForecastModel {
  int32_t start = kNoDay;
  int32_t horizon = 0;
  int64_t trajectories = 0;
  uint64_t seed = 0;
  std::vector<std::string> routes;                     // the routes whose statuses make the state
  int32_t history_from = kNoDay, history_to = kNoDay;  // the fit's range
  std::array<int64_t, kForecastStates> history_days{};  // days per state in the history
  int64_t history_unknown_days = 0;
  std::array<std::array<int64_t, kForecastStates>, kForecastStates> transition_counts{};
  TransitionMatrix transition{};
  bool transition_given = false;
  int initial_state = 0;        // index in kForecastStateOrder: the state of the day before the start
  int32_t reopen_offset = -1;   // forecast day index (0 = start) from which the state is open; -1: never
  std::vector<int64_t> population;  // per forecast day
  std::vector<ForecastCommodityModel> commodities;
  std::vector<std::string> assumptions;
};

// Fits `sc` to the case's history. FailedPrecondition, naming what the
// scenario must give, when the records do not determine a value: no stock
// record of a commodity on or before the start (initial_stock), no
// need_standard (per_person), no population figure (population), no route
// status in the history (route.transition and route.initial).
// Precondition: ds.finalized.
Result<ForecastModel> FitForecast(const Dataset& ds, const Scenario& sc);

// ---- Running it. ----

// In the display unit of the commodity.
struct CommodityForecast {
  std::string name, unit;
  std::optional<double> threshold;
  std::vector<PercentileValues> stock;  // per forecast day: the stock at its end
  // Days from the start until the commodity falls below its threshold, per
  // percentile (inverted CDF: the smallest d such that at least p% of
  // trajectories have fallen by day d); nullopt: not within the horizon.
  std::array<std::optional<int32_t>, kForecastPercentiles.size()> days_to_threshold;
  double never_fraction = 0;  // trajectories that never fall below within the horizon
};

struct ForecastRunOptions {
  int threads = 0;  // 0: std::thread::hardware_concurrency()
};

// Runs the model's Monte Carlo. Stock percentiles use linear interpolation
// between order statistics (numpy's default), computed on float values.
// ResourceExhausted when commodities x trajectories exceeds kMaxForecastCells.
Result<std::vector<CommodityForecast>> RunForecast(const ForecastModel& m, const ForecastRunOptions& options = {});

// The kForecastPercentiles of values[0, n) (n >= 1), linearly interpolated
// between order statistics as numpy.percentile does by default; exact.
// What RunForecast uses per day (exposed for its tests).
PercentileValues StockPercentiles(const float* values, size_t n);

// A forecast as the CLI reports it.
struct Forecast {
  std::string case_id;
  CheckpointRef checkpoint;
  std::string scenario;
  ForecastModel model;
  std::vector<CommodityForecast> commodities;
};

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_FORECAST_H_
