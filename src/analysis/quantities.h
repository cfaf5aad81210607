// Quantities of movements over a range, as estimates (estimate.h): which
// records a figure counts, and the estimate with the records named.
//
// A Quantity selects the movements of one figure — vehicles, persons,
// patients or cargo — in one direction or both together, with one outcome
// (delivered, or
// stopped: stopped and turned back), on some routes (every route when
// none are named). Cargo counts the lines whose (commodity, canonical unit)
// the quantity weighs: every line of one canonical unit (against a
// baseline, which gives aggregate tonnage), or one commodity and the
// equivalents a need standard converts (1 kg of wheat flour = 3,640 kcal).
// A movement in scope that does not give the figure (a convoy without a
// tonnage) is counted apart: it shows a day was not empty, not how much.
//
// Both directions together: the single-day records of either direction,
// the period reports given for both directions (`direction: both`), and,
// for an inbound and an outbound report of the same period by the same
// reporter, their sum; a one-direction report alone counts as "at least"
// its figure (the other direction is not in it). A one-direction quantity
// ignores reports for both directions.
//
// A day of the range is watched when every route in scope has a `watch`
// covering it in the quantity's direction and measure (with no route named:
// every route with a movement record, every lifeline route and every
// watched route).
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_QUANTITIES_H_
#define LIFELINE_ANALYSIS_QUANTITIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/estimate.h"
#include "analysis/record_ids.h"

namespace lifeline::analysis {

struct Quantity {
  enum class Measure : uint8_t { kVehicles, kPersons, kPatients, kCargo } measure = Measure::kPatients;
  Direction direction = Direction::kOut;  // kBoth: both directions together
  bool stopped = false;         // stopped or turned back, instead of delivered
  std::vector<int32_t> routes = {};  // empty: every route
  // Cargo: with no commodity, every line of `unit`; else the lines of each
  // (commodity, unit) listed, times its factor (into the figure's unit).
  int32_t unit = kNone;
  struct Weighted {
    int32_t commodity = kNone, unit = kNone;
    double factor = 1;
    bool operator==(const Weighted&) const = default;
  };
  std::vector<Weighted> commodities = {};
  bool operator==(const Quantity&) const = default;
};

std::string_view MeasureName(Quantity::Measure m);

// An estimate with the record ids it rests on.
struct RangeEstimate {
  std::string measure;    // vehicles | persons | patients | cargo
  std::string direction;  // in | out | both
  std::string outcome;    // delivered | stopped
  std::string unit;       // cargo: canonical unit of the figure; else ""
  std::vector<std::string> commodities;  // cargo: counted commodities ("" = all of the unit)
  std::vector<std::string> routes;       // empty: every route
  std::string from, to;
  double daily_sum = 0, best = 0;
  bool lower_bound = true;
  std::optional<double> upper;
  std::string rule;  // BestRuleName
  Completeness completeness;
  struct Report {
    std::string record, from, to, fit, qualifier, reported_by, op;
    std::string paired;  // both directions: the outbound report added to `record` (inbound)
    double value = 0, prorated = 0, daily_sum = 0;
    bool used = false, one_party = false;
  };
  std::vector<Report> reports;
  struct Conflict {
    std::string kind;  // reports | records_exceed
    std::string a, b, reporter_a, reporter_b;
    double value_a = 0, value_b = 0;
  };
  std::vector<Conflict> discrepancies;
  RecordIds records;  // daily records in the range and every report (sorted)
  int64_t records_without_figure = 0;  // movements in scope that give no figure
  RecordIds without_figure;  // their ids (sorted)
};

// The movement rows by kind, built once for many estimates of one dataset:
// single-day rows by direction (in, out) and outcome (0 delivered, 1
// stopped or turned back), and the period rows. An estimate then reads only
// the rows of its direction and outcome.
struct MovementIndex {
  explicit MovementIndex(const Movements& m);
  // For an estimate continued from the sums of an earlier computation
  // (EstimateRows): the single-day rows from `first_row` on only, and every
  // period row — `period_before`, the earlier index's, and the new ones.
  MovementIndex(const Movements& m, size_t first_row, const std::vector<uint32_t>& period_before);
  std::vector<uint32_t> daily[2][2];
  std::vector<uint32_t> period;
  size_t first_row = 0;  // the daily lists hold the rows from here on
};

// Per route: 1 when some movement row is on it (the routes a watch must
// cover when a quantity names none).
std::vector<uint8_t> RoutesUsed(const Dataset& ds);

// Per day of [from, to]: 1 when every route in scope is watched that day
// in the quantity's direction and measure. `routes_used`: RoutesUsed(ds),
// when the caller has it (else it is computed: a pass over the movements).
std::vector<uint8_t> WatchedDays(const Dataset& ds, const Quantity& q, int32_t from, int32_t to,
                                 const std::vector<uint8_t>* routes_used = nullptr);

// What an estimate summed from the single-day rows of its quantity and
// days, per direction (in, out) so that rows added later fall into each
// sum in the order a whole pass adds them: kept by an indicators result
// (IndicatorSums) so that the next computation, on the dataset with rows
// appended, adds only the new rows (indicators_update.h).
struct QuantitySums {
  std::vector<double> daily[2];
  std::vector<uint8_t> has_record;
  int64_t without = 0;  // distinct records in scope without the figure
};

// What EstimateQuantity reads besides the dataset, built once for the
// estimates of one computation. `index` lists the rows to read. To continue
// from an earlier computation's sums (`start`), `index` lists the
// single-day rows from its first_row on, the cargo lines from `first_line`
// on are those of these rows, and `period_lines` holds the cargo lines
// (ascending) of every period row before first_row; the new rows' records
// must be none of the old rows' (ContinueIndicators checks it).
struct EstimateRows {
  const MovementIndex* index = nullptr;
  const std::vector<uint8_t>* routes_used = nullptr;  // RoutesUsed, or null
  const QuantitySums* start = nullptr;                // null: every row
  size_t first_line = 0;
  const std::vector<uint32_t>* period_lines = nullptr;
};

// Precondition: ds.finalized, from <= to. Without `with_records` the
// record lists (records, without_figure) are left empty: on a large case
// they cost more than the figures (records_without_figure is still counted).
// Linear in the movements and cargo lines.
RangeEstimate EstimateQuantity(const Dataset& ds, const Quantity& q, int32_t from, int32_t to,
                               bool with_records = true);
// The same with the dataset's MovementIndex and the order of its ids
// already built. The record lists name the records `order` ranks (those
// from its `from` on: ids interned since an earlier version of the dataset,
// which UpdateIndicators merges into that version's lists); without an
// order they are left empty. The figures and records_without_figure count
// every row either way.
RangeEstimate EstimateQuantity(const Dataset& ds, const MovementIndex& index, const Quantity& q, int32_t from,
                               int32_t to, const IdOrder* order);
// The same reading `rows` (continued from rows.start when given), and
// leaving in `keep`, when given, the sums of every row for the next.
RangeEstimate EstimateQuantity(const Dataset& ds, const EstimateRows& rows, const Quantity& q, int32_t from,
                               int32_t to, const IdOrder* order, QuantitySums* keep);

// The part of an estimate's best figure that rests on totals a party to the
// conflict gave (the reports used and marked one_party), and those parties
// (sorted, distinct). Zero when the best figure rests on no party's count.
struct OnePartyPart {
  double value = 0;
  std::vector<std::string> parties;
};
OnePartyPart OnePartyShare(const RangeEstimate& e);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_QUANTITIES_H_
