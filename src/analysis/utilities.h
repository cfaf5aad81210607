// Utilities per day: hours without service, days with the supply line cut,
// and days nothing is known, from `outage` and `schedule` records
// (docs/analysis.md, "Utilities").
//
// - An outage of scope `service` takes the area's service away for its
//   time; overlapping outages of one utility count once.
// - An outage of scope `supply_line` (an incoming line or pipe cut while
//   service continues from local sources) is not hours without service:
//   it marks the days the supply was cut.
// - A schedule takes `hours_off_per_day` hours a day (prorated on a day it
//   covers in part). A day's hours without service are the larger of the
//   outages' hours and the schedules' (schedules describe rationing under
//   the same cut, so they are not added).
// - A record without `until` lasts only as far as its evidence: to its
//   `confirmed_until`, else to the end of the day it starts. From there
//   until the next record of the utility starts (or the end of the range)
//   the days are unknown — never assumed to continue, never assumed over.
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_UTILITIES_H_
#define LIFELINE_ANALYSIS_UTILITIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/dataset.h"

namespace lifeline::analysis {

struct UtilitySeries {
  int32_t utility = kNone;
  std::vector<double> hours;          // per day: hours without service, 0..24
  std::vector<double> scheduled;      // per day: the schedules' hours (0 if none)
  std::vector<uint8_t> supply_cut;    // per day: a supply-line cut in force
  std::vector<uint8_t> unknown;       // per day: no evidence either way
  std::vector<std::vector<int32_t>> records;  // per day: outage and schedule rows' records (with_records)
  bool open_ended = false;            // some record without `until` in the range
};

// One series per utility of the dataset, over [from, to].
std::vector<UtilitySeries> ComputeUtilities(const Dataset& ds, int32_t from, int32_t to, bool with_records);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_UTILITIES_H_
