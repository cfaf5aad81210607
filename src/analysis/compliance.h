// Compliance: each obligation's machine-checkable rule evaluated day by day
// against the route statuses of a finalized Dataset.
//
// A `route_open` rule (docs/records.md, "Obligation rules") applies on the
// days of [rule.from, rule.until] inside the range. On such a day it is
//   - violated when, in any direction of the rule's `directions`, the
//     route's status that day (the most restrictive in force that way at
//     any time of the UTC day) is `closed`, or `restricted` with any of the
//     rule's `for` values in the united restricted lists: a one-way opening
//     never complies with a two-way obligation;
//   - unknown when no direction is violated and some direction has no
//     status in force;
//   - complied with otherwise.
// The other rule types (docs/analysis.md, "Compliance", states each):
//   - service_restored: violated on a day an outage of the utility (service
//     scope), or a schedule with hours off, in the rule's area (or with no
//     area) is in force; unknown after an open-ended record's evidence ends
//     and before any record of the utility has ended; met otherwise;
//   - commodity_allowed: violated on a day no listed route (all the case's
//     if none) is open for the commodity in every listed direction; unknown
//     when none is open for it and some lacks a status; met otherwise;
//   - flow_at_least: per period (day, week from the rule's start, calendar
//     month; partial periods pro rata), met when the completed flow reaches
//     the quantity, violated when it does not and watches cover every day of
//     the period on every route, unknown otherwise; each day of the period
//     takes the period's verdict;
//   - not_evaluable: listed with its reason, never scored.
// A rule of an unknown type is reported as not evaluable, with the reason;
// it is never counted as complied with.
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_COMPLIANCE_H_
#define LIFELINE_ANALYSIS_COMPLIANCE_H_

#include <optional>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"

namespace lifeline::analysis {

struct ViolationDay {
  std::string date;
  std::string status;                   // closed | restricted (the worse of the violated directions)
  std::vector<std::string> restricted;  // what was restricted, for a restricted day
  std::vector<std::string> records;     // the route_status records in force that day (sorted)
  std::vector<std::string> directions = {};  // the directions violated (in, out)
  // flow_at_least: the period's recorded flow and what the rule requires of it.
  std::optional<double> flow = std::nullopt, required = std::nullopt;
};

struct ObligationCompliance {
  std::string obligation;  // record id
  std::string title, instrument;
  std::string rule_type;
  bool evaluable = true;
  std::string reason;  // why not evaluable
  std::string route;
  std::vector<std::string> rule_for;
  // The rule's other terms, as its type has them (empty when it has not).
  std::string utility, area, commodity, measure, unit, per;
  std::vector<std::string> routes, directions;
  std::optional<double> quantity;
  std::string from, to;  // the days evaluated (rule period within the range); empty if none
  int64_t days_evaluated = 0, days_in_compliance = 0, days_in_violation = 0, days_unknown = 0;
  std::optional<std::string> first_violation, last_violation;
  std::vector<ViolationDay> violations;
  std::vector<std::string> unknown_days;
};

struct Compliance {
  std::string case_id;
  CheckpointRef checkpoint;
  std::string from, to;
  std::vector<ObligationCompliance> obligations;  // sorted by record id
  std::vector<std::string> assumptions;
  std::vector<std::string> assumption_keys;  // a stable key per assumption, for translations
};

// Precondition: ds.finalized. from/to kNoDay: the case's range (as for
// the indicators).
Result<Compliance> ComputeCompliance(const Dataset& ds, const CheckpointRef& cp, int32_t from, int32_t to);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_COMPLIANCE_H_
