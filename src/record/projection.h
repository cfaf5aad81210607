// The projection of a record into the query tables: a pure function of the
// log entry, so `lifeline reindex` can always rebuild the tables from the log
// and prove them equal to what was written at append time.
#ifndef LIFELINE_RECORD_PROJECTION_H_
#define LIFELINE_RECORD_PROJECTION_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::record {

// The row for a (validated) record whose canonical form is `body`. The
// row's index is left 0 for the log to fill.
//   target     retraction: retracts; claim: about
//   case_id    the record's `case`; a case record's own id, unless it
//              corrects another case record (then its `case`)
//   route      route_status, baseline, movement, watch: route; route: its
//              id; obligation: rule.route
//   date_from/date_to (UTC days, YYYY-MM-DD; "" = unbounded):
//              route_status, outage, schedule, requirement: from/until;
//              watch: from/to (to defaults to from); movement, incident, stock:
//              date; case: started/ended; baseline: period; obligation:
//              rule.from/rule.until; source: published
Result<store::RecordRow> ProjectRecord(const nlohmann::json& rec, std::string body);

// The UTC day of an RFC 3339 date-time or date, as YYYY-MM-DD.
Result<std::string> UtcDay(const std::string& date_time);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_PROJECTION_H_
