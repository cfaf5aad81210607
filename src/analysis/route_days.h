// Each route's status per day, shared by the indicators and compliance.
// Internal to the analysis module.
#ifndef LIFELINE_ANALYSIS_ROUTE_DAYS_H_
#define LIFELINE_ANALYSIS_ROUTE_DAYS_H_

#include <cstdint>
#include <vector>

#include "analysis/dataset.h"

namespace lifeline::analysis {

int32_t DayOfInstant(int64_t seconds);

// Cells are [route * days + (day - from)] for every route of ds.routes.
struct RouteDayTable {
  int32_t from = 0;
  int32_t days = 0;
  std::vector<RouteState> state;
  std::vector<uint32_t> restricted;  // union of the restricted lists in force
  std::vector<std::vector<int32_t>> in_force;  // status rows in force (with_records only)
  std::vector<uint8_t> has_status;             // per route: any status row at all
  size_t cell(int32_t route, int32_t day) const {
    return static_cast<size_t>(route) * static_cast<size_t>(days) + static_cast<size_t>(day - from);
  }
};

// Precondition: ds.finalized, from <= to.
RouteDayTable ComputeRouteDays(const Dataset& ds, int32_t from, int32_t to, bool with_records);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_ROUTE_DAYS_H_
