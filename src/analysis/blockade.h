// Blockade figures: how long the lifeline routes were not open to the
// traffic a population lives on, and the episodes (closures, suspensions of
// medical transfers or of humanitarian deliveries) that made it up.
//
// Which routes. The case's lifeline routes (case.lifeline_routes), else the
// routes with a pre-blockade baseline. A route that is neither (a road that
// carried no traffic before the blockade) never counts in blockade figures;
// its statuses are still shown as route statuses.
//
// Passage on a day, per direction (docs/analysis.md, "Blockade"):
//   open               the status in force that way is open, or restricted
//                      with none of persons, vehicles, cargo or commercial
//                      traffic blocked: civilian and commercial traffic
//                      passes;
//   humanitarian_only  civilian or commercial traffic is blocked but
//                      humanitarian or medical passage is not (both are
//                      listed as blocked, or the status is closed: closed);
//   closed             closed, or restricted with civilian or commercial
//                      traffic and humanitarian and medical passage blocked;
//   unknown            no status in force that way.
// Each is the day's most restrictive status (the indicators' rule). A route
// day is a **blockade day** when either direction is humanitarian_only or
// closed; **fully closed** when both directions are closed; **open** when
// both are open; else unknown. A one-way opening is therefore a blockade
// day (the other direction is not open), never an open day.
//
// The case's headline: a day is open for the case when some lifeline route
// is open that day; a blockade day when every lifeline route is a blockade
// day (fully closed when every one is fully closed); otherwise unknown (a
// route whose status is not known might have been open).
//
// Episodes: maximal runs of consecutive days, per lifeline route, of
//   closed        fully closed days,
//   blockade      blockade days,
//   medical       days with medical passage blocked (closed, or medical in
//                 the restricted list) in either direction,
//   humanitarian  days with humanitarian deliveries blocked (closed, or
//                 humanitarian in the restricted list) inbound.
// An episode touching an end of the range says so (it may go on beyond).
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_BLOCKADE_H_
#define LIFELINE_ANALYSIS_BLOCKADE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/record_ids.h"
#include "analysis/route_days.h"

namespace lifeline::analysis {

enum class Passage : uint8_t { kUnknown = 0, kOpen = 1, kHumanitarianOnly = 2, kClosed = 3 };
std::string_view PassageName(Passage p);

// The passage of one direction given its day state and restricted list.
Passage PassageOf(RouteState state, uint32_t restricted);

enum class DayClass : uint8_t { kUnknown = 0, kOpen = 1, kBlockade = 2, kFullyClosed = 3 };
std::string_view DayClassName(DayClass c);
// The class of a route day from its two directions' passage.
DayClass ClassOf(Passage in, Passage out);

struct RouteBlockade {
  std::string route, name;
  bool lifeline = false;   // a lifeline route (else: it has a baseline only)
  // blockade_days = fully_closed + partly_open, where partly_open are the
  // blockade days with humanitarian or one-way passage.
  int64_t blockade_days = 0, fully_closed = 0, partly_open = 0, open = 0, unknown = 0;
  // Per direction (0 in, 1 out): days of each Passage, indexed by its value.
  std::array<std::array<int64_t, 4>, 2> by_direction{};
  std::optional<std::string> first_day, last_day;  // of the blockade days
};

struct Episode {
  std::string route;
  std::string kind;  // closed | blockade | medical | humanitarian
  std::string from, to;
  int64_t days = 0;
  bool starts_at_range_start = false, ends_at_range_end = false;
  RecordIds records;  // the route_status records in force (sorted)
};

struct Blockade {
  std::vector<std::string> lifeline_routes;
  bool lifeline_from_profile = false;  // named by the case; else routes with a baseline
  int64_t days = 0;                    // in the range
  // As a route's, for the case (days = blockade_days + open + unknown).
  int64_t blockade_days = 0, fully_closed = 0, partly_open = 0, open = 0, unknown = 0;
  std::optional<std::string> first_day, last_day;
  std::vector<RouteBlockade> routes;  // lifeline routes, then routes with a baseline
  std::vector<Episode> episodes;      // sorted by (kind, from, route)
  RecordIds records;                  // every status record behind a blockade day (sorted)
  // The longest episode of `kind`, or nullptr.
  const Episode* Longest(std::string_view kind) const;
};

// Precondition: ds.finalized; rt computed over [from, to] (with records for
// the records lists; without, they are empty).
Blockade ComputeBlockade(const Dataset& ds, const RouteDayTable& rt, int32_t from, int32_t to);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_BLOCKADE_H_
