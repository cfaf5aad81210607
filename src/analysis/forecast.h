// Forecast: stocks of each commodity under uncertainty, by Monte Carlo over a
// route-status process fitted to the case's history. The model, in brief
// (docs/analysis.md has it in full, with what it assumes and why):
//
// - The area's access state on a day is the least restrictive inbound status
//   of the selected routes that day (open < restricted < closed; a route's
//   day status is the indicators' rule, in the direction into the area). It follows a 3-state Markov chain. Its
//   daily transition probabilities are uncertain: each trajectory draws its
//   own matrix, row by row, from the Dirichlet posterior of the history's
//   transition counts plus a stated prior (`route.prior` pseudo-counts per
//   cell), so a state never seen in the history is neither absorbing nor
//   certain. A scenario may give the matrix instead (then every trajectory
//   uses it). From `route.reopen` on, the state is forced open.
// - The inflow capacity of a commodity on an open or restricted day is, when
//   the scenario gives it, a fixed quantity or a range [low, high] from which
//   each trajectory draws its own value once; otherwise a draw from the
//   history's deliveries on days of that state (0 on a day without one),
//   each trajectory drawing from its own bootstrap resample of those days.
//   Nothing arrives by road on closed days. Airlifts add a fixed quantity
//   per day whatever the state.
// - Consumption C = population x per-person need x rationing, every day.
// - Stocks: with L = S + A - C (S yesterday's stock, A the airlift) and K the
//   capacity, S' = max(0, L + K): road inflow is what the road could carry.
//   With a normal stock N (restocking), road inflow is demand-limited: it is
//   min(K, max(0, C - A + r (N - S))) with r = 1 / restock_days, i.e.
//   S' = min(max(T, L+), (L + K)+) with T = (1 - r) S + r N and x+ =
//   max(0, x), so stocks converge to N instead of piling up.
// - A commodity "falls below its threshold" at the end of the first day on
//   which its stock is < threshold or is 0 (exhausted); day 0 if the initial
//   stock already is.
//
// Reproducibility. Trajectory t has four random streams, each keyed by
// (seed, component, t) and independent of every other trajectory:
//   route parameters: SplitMix64 draws for its transition matrix (gamma
//     variates by rejection, so any number of them), made before day 1;
//   route days: one 64-bit draw per day, whose top 31 bits pick the state;
//   inflow parameters: a key from which its bootstrap resamples and range
//     values are hashed (no sequence);
//   inflow days: ceil(commodities / 2) 64-bit draws per day, two 32-bit
//     values each, one per commodity in order.
// Every day's draws are made whether or not they are used (a closed day, a
// forced-open day, a fixed inflow), so the output depends on the seed and
// the model only, never on the number of threads or the order they run in,
// and two scenarios differing only in airlifts see the same route states
// and capacities trajectory by trajectory. Since S' above is non-decreasing
// in both S and A (docs/analysis.md proves it, in floating point too), more
// airlift never lowers a stock, hence never lowers a percentile.
//
// What drives the bands is computed, not asserted: RunForecast re-runs the
// first min(trajectories, kDriverTrajectories) trajectories with some
// streams redrawn and reports, per day, the shares of the stock's variance
// due to the route parameters, the route days, the inflows and their
// interaction (first-order Sobol indices, pick-freeze estimator).
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
// keeping more than kMaxForecastCells cells is refused with
// ResourceExhausted. A cell is about 13 bytes: one per commodity and
// trajectory (its stock) plus kTrajectoryCells per trajectory (its streams,
// route state and transition matrix). Memory does not grow with the
// horizon: days are simulated in chunks whose percentiles are taken before
// the next chunk.
inline constexpr int32_t kMaxHorizonDays = 36600;
inline constexpr int64_t kMaxTrajectories = 100'000'000;
inline constexpr uint64_t kMaxForecastCells = uint64_t{1} << 27;
inline constexpr uint64_t kTrajectoryCells = 3;

// The Dirichlet prior of a fitted route process, in pseudo-transitions per
// cell of the matrix, when the scenario does not give route.prior: the
// Jeffreys prior of a multinomial.
inline constexpr double kDefaultRoutePrior = 0.5;
// Restocking closes 1 / restock_days of the gap to the normal stock a day.
inline constexpr double kDefaultRestockDays = 30;
// Trajectories re-run (per redrawn source) to say what drives the bands.
inline constexpr int64_t kDriverTrajectories = 5000;

// ---- Scenarios (TOML; the format is in docs/analysis.md). ----

// A quantity the scenario gives as a number (low == high) or as a range
// [low, high] that each trajectory draws its own value from, uniformly.
struct ScenarioRange {
  double low = 0, high = 0;
};

struct ScenarioCommodity {
  std::string name;
  std::string unit;  // canonical unit of the quantities below (converted on parsing)
  std::string display_unit;   // the unit the scenario wrote, used in the output
  double display_factor = 1;  // canonical units per display unit
  std::optional<double> initial_stock;
  std::optional<double> per_person;  // per person per day
  std::optional<double> rationing;   // overrides the scenario's
  std::optional<double> threshold;
  // Daily inflow capacities replacing the history's draws on open /
  // restricted days (e.g. a negotiated convoy schedule, or when the history
  // has no open day to draw from).
  std::optional<ScenarioRange> inflow_open, inflow_restricted;
  // Restocking: the stock the area holds in normal times, which road
  // inflows restore (none: inflows are not limited by demand).
  std::optional<double> normal_stock;
  std::optional<double> restock_days;  // >= 1 (default kDefaultRestockDays)
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
  std::optional<double> route_prior;           // pseudo-counts per cell (> 0); not with `transition`
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
  // Daily inflow capacities, per state in kForecastStateOrder (closed:
  // always none): the scenario's range when given, else draws from the
  // pool (each trajectory from its own bootstrap resample of it). An empty
  // pool and no range means no inflow in that state.
  std::array<std::vector<double>, kForecastStates> inflow_pool;
  std::array<std::optional<ScenarioRange>, kForecastStates> inflow_range;
  std::optional<double> normal_stock;  // none: no restocking (inflows not demand-limited)
  double restock_days = kDefaultRestockDays;
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
  // Given: the scenario's matrix, used by every trajectory. Fitted: the
  // posterior mean (counts + prior) / (row + 3 prior); each trajectory
  // draws its own matrix from Dirichlet(counts + prior), row by row.
  TransitionMatrix transition{};
  bool transition_given = false;
  double route_prior = 0;  // pseudo-counts per cell; 0 when given
  int initial_state = 0;        // index in kForecastStateOrder: the state of the day before the start
  int32_t reopen_offset = -1;   // forecast day index (0 = start) from which the state is open; -1: never
  std::vector<int64_t> population;  // per forecast day
  std::vector<ForecastCommodityModel> commodities;
  // What the model assumed, one short sentence each, and beside each a
  // stable key ("forecast.restock") naming its kind, for translation.
  std::vector<std::string> assumptions;
  std::vector<std::string> assumption_keys;
};

// Fits `sc` to the case's history. FailedPrecondition, naming what the
// scenario must give, when the records do not determine a value: no stock
// record of a commodity on or before the start (initial_stock), no
// need_standard (per_person), no population figure (population), no route
// status in the history (route.transition and route.initial).
// Precondition: ds.finalized.
Result<ForecastModel> FitForecast(const Dataset& ds, const Scenario& sc);

// ---- Running it. ----

// What a forecast figure's spread across trajectories comes from, as shares
// of its variance (they sum to 1): first-order Sobol indices estimated by
// pick-freeze (Janon et al. 2014) from re-runs of the same trajectories
// with some streams redrawn. route_parameters: the uncertainty of the
// fitted transition probabilities; route_days: which days are open,
// restricted or closed given them; inflows: the capacities drawn and their
// parameters (bootstrap resamples, ranges); interaction: what only the
// route and the inflows together explain. A source without randomness in
// the model (a given matrix, fixed inflows) has share 0 exactly. Estimates:
// their sampling error is about 1 / sqrt(trajectories), so a small share
// may come out slightly negative.
struct BandDrivers {
  double route_parameters = 0, route_days = 0, inflows = 0, interaction = 0;
};

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
  // What drives the spread (see BandDrivers), from drivers_trajectories
  // trajectories (0: not computed): per day for the stock, and for the
  // days to the threshold (the horizon + 1 standing for never); nullopt
  // where every trajectory has the same value.
  int64_t drivers_trajectories = 0;
  std::vector<std::optional<BandDrivers>> stock_drivers;
  std::optional<BandDrivers> days_to_threshold_drivers;
};

// The forecast day (index) whose p5..p95 stock band is widest; the first
// such day on ties. Precondition: !f.stock.empty().
size_t WidestBandDay(const CommodityForecast& f);

struct ForecastRunOptions {
  int threads = 0;       // 0: std::thread::hardware_concurrency()
  bool drivers = true;   // compute what drives the bands (about 3 x min(trajectories, 5000) more trajectories)
};

// Runs the model's Monte Carlo. Stock percentiles use linear interpolation
// between order statistics (numpy's default), computed on float values.
// ResourceExhausted when commodities x trajectories exceeds kMaxForecastCells.
Result<std::vector<CommodityForecast>> RunForecast(const ForecastModel& m, const ForecastRunOptions& options = {});

// The kForecastPercentiles of values[0, n) (n >= 1), linearly interpolated
// between order statistics as numpy.percentile does by default; exact.
// What RunForecast uses per day (exposed for its tests).
PercentileValues StockPercentiles(const float* values, size_t n);

// The first-order share of Var(Y) explained by what y and y_frozen have in
// common, from n >= 2 pairs (y_i, y_frozen_i) that share that source and
// draw the rest independently: Janon et al.'s estimator, centred on the
// pooled mean. nullopt when every value is the same. (Exposed for tests.)
std::optional<double> FirstOrderShare(const float* y, const float* y_frozen, size_t n);

// ---- Replaying one trajectory (for tests, and for checking a run by hand;
// docs/analysis.md gives the arithmetic). ----

// SplitMix64 (Steele, Lea, Flood 2014): the output function, and one step
// of a stream.
uint64_t ForecastMix64(uint64_t z);
uint64_t ForecastNext(uint64_t& stream);
// The log (x > 0) and exp (y <= 0) the matrix draws use: built from IEEE
// operations alone, so that every machine draws the same matrices (libm's
// may differ in the last bit between libraries and CPUs).
double ForecastLog(double x);
double ForecastExp(double y);

// The start of trajectory t of a run of `m`: its streams and the
// transition thresholds it drew. From state s the next state, for the top
// 31 bits u of the day's route draw, is open if u < to_open[s], restricted
// if u < to_restricted[s], else closed (thresholds are probabilities times
// 2^31, rounded; probabilities 0 and 1 are exact).
struct TrajectoryStart {
  uint64_t route_days = 0, inflow_days = 0;  // stream states before day 1
  uint64_t inflow_key = 0;                   // key of its inflow parameters
  std::array<uint32_t, kForecastStates> to_open{}, to_restricted{};
};
TrajectoryStart StartTrajectory(const ForecastModel& m, uint64_t t);

// Trajectory t's inflow capacity source for commodity c in state s (open or
// restricted): its value when the model has a range for it, else for a
// day's 32-bit draw x the index into inflow_pool[s] of its bootstrap
// resample (pool size n >= 1): j = hi32(Mix64(key + (k + 1) * golden)) * n
// >> 32 with k = x * n >> 32 and key = Mix64(inflow_key ^ (c * 3 + s + 1)
// * 0xd1b54a32d192ed03).
double TrajectoryRangeValue(const TrajectoryStart& ts, const ForecastModel& m, size_t c, size_t s);
uint32_t TrajectoryPoolIndex(const TrajectoryStart& ts, size_t c, size_t s, uint32_t x, uint32_t n);

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
