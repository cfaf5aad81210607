// Each route's status per day and direction, shared by the indicators,
// compliance, the blockade figures and the forecast. Internal to the
// analysis module.
#ifndef LIFELINE_ANALYSIS_ROUTE_DAYS_H_
#define LIFELINE_ANALYSIS_ROUTE_DAYS_H_

#include <cstdint>
#include <vector>

#include "analysis/dataset.h"

namespace lifeline::analysis {

int32_t DayOfInstant(int64_t seconds);

// Cells are [route * days + (day - from)] for every route of ds.routes.
//
// Per direction (way 0 = in, 1 = out): the most restrictive status in force
// that way at any time of the day (kUnknown: none), the union of the
// restricted lists of the restricted statuses in force, and (with_records)
// the status rows in force. `state` and `restricted` combine both ways: the
// more restrictive state and the union of the lists (a day open one way and
// restricted the other is restricted); `in_force` unites the rows.
struct RouteDayTable {
  int32_t from = 0;
  int32_t days = 0;
  std::vector<RouteState> state;
  std::vector<uint32_t> restricted;
  std::vector<std::vector<int32_t>> in_force;  // status rows in force (with_records only)
  std::vector<RouteState> way_state[2];
  std::vector<uint32_t> way_restricted[2];
  std::vector<uint8_t> has_status;             // per route: any status row at all
  size_t cell(int32_t route, int32_t day) const {
    return static_cast<size_t>(route) * static_cast<size_t>(days) + static_cast<size_t>(day - from);
  }
};

// Precondition: ds.finalized, from <= to.
RouteDayTable ComputeRouteDays(const Dataset& ds, int32_t from, int32_t to, bool with_records);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_ROUTE_DAYS_H_
