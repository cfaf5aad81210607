// Indicators at a new checkpoint from the previous checkpoint's result, for
// a live server under writes (issue #13): what a write makes expensive is
// not the figures — array passes over the rows, tens of milliseconds at a
// million records — but the record-id lists behind them (every value names
// its records; the totals and estimates name up to every record of the
// case), built, sorted and named from scratch at each checkpoint.
//
// UpdateIndicators computes the figures with the same code as
// ComputeIndicators, continuing the sums the previous result kept
// (Indicators::sums, ContinueIndicators: only the new rows are read, and
// each falls into its sum in the order a whole pass adds it, so the
// figures are equal bit for bit), but names, in every list, only the
// records the new rows added (ids interned after the earlier dataset's:
// IndicatorOptions::records_from), and merges each such list into the
// previous result's list of the same value (the same day and route,
// operator and direction, commodity and unit, need, baseline, estimate
// ...): two sorted lists, merged, not rebuilt.
//
// That is exact only when every old record behind a value was already in
// the previous result's list of that value. It is used — "incremental" —
// when all of these hold, and otherwise the result is ComputeIndicators':
// - the dataset descends from the earlier one (same lineage) by rows
//   appended (ExtendDataset, or Reopen + Append + Finalize);
// - the new rows are movements (single-day or with a period) and their
//   cargo lines, nothing else: a new route status, outage, schedule,
//   incident, watch, stock, need standard, population figure, baseline,
//   requirement, obligation, route or case record is not local to days
//   this code can bound, and falls back to the full computation;
// - the range resolves to the same days (a movement after the last day of
//   a case without an end lengthens it: full computation);
// - explain is on (without record lists there is nothing to merge: the
//   full computation is the update);
// - no value that names its records only when its figure is positive
//   turns positive while older records are behind it: a day's cargo of a
//   (commodity, unit) that had only stopped or zero lines (the needs it
//   counts towards then name all of them), a baseline's day whose route
//   had old deliveries giving none of its measure. Those fall back. A
//   range estimate that appears (one with figure 0 and no report is left
//   out) is computed whole on its own, with every record.
// The new rows may fall on any day of the range, old or new, on new
// operators, commodities, units or routes.
//
// Pure: no I/O. Thread safety: reads the dataset only; `previous` is taken
// by value (the caller moves its own copy in).
#ifndef LIFELINE_ANALYSIS_INDICATORS_UPDATE_H_
#define LIFELINE_ANALYSIS_INDICATORS_UPDATE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/indicators.h"
#include "base/status.h"

namespace lifeline::analysis {

// What UpdateIndicators needs to know of the dataset a result was computed
// from: its lineage, how many ids and movement rows it had, and the sizes
// of everything else (which the update requires unchanged).
struct DatasetMark {
  uint64_t lineage = 0;
  size_t ids = 0, movements = 0, cargo = 0;
  std::vector<int64_t> fixed;  // every other table's size, and the case's dates
};

DatasetMark MarkOf(const Dataset& ds);

struct IndicatorsUpdate {
  Indicators indicators;
  bool incremental = false;  // false: computed whole (a condition above did not hold)
  bool continued = false;    // the figures read only the new rows (ContinueIndicators)
};

// The indicators of `ds` at `cp` with `options`, equal to
// ComputeIndicators(ds, cp, options): merged from `previous` — the result
// of the same options on the dataset `base` was marked from — where the
// conditions above hold, else computed whole.
// Precondition: ds.finalized.
Result<IndicatorsUpdate> UpdateIndicators(const Dataset& ds, const CheckpointRef& cp, const IndicatorOptions& options,
                                          const DatasetMark& base, Indicators previous);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_INDICATORS_UPDATE_H_
