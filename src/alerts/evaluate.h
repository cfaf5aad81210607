// Evaluation of alert rules over a case's records at one checkpoint.
//
// A rule's condition holds over *episodes*: maximal runs of consecutive days
// (no_patient_transfer, coverage_below, route_closed) or maximal unions of
// overlapping outage intervals (utility_out). An episode long enough for the
// rule is one alert, whose key is
//
//   <rule id>/<case>/<first day of the episode>          (day rules)
//   <rule id>/<case>/<first instant, RFC 3339 UTC>        (utility_out)
//
// so that evaluating again after more records arrive finds the same key for
// the same ongoing condition: one alert, not one per evaluation. Its period
// and values grow; its key does not. (A correction that moves an episode's
// first day makes a new key: the episode it describes is a different one.)
//
// The rules per type (docs/alerts.md):
// - route_closed: days whose route status (the indicators' rule: the most
//   restrictive status in force at any time of the day) is `closed`.
// - no_patient_transfer: days on which no delivered (outcome `completed`,
//   without `period`) movement carried patients, on any route, either way.
// - coverage_below: days whose coverage of the commodity's need is known
//   and below percent / 100. A day whose coverage is unknown ends a run.
// - utility_out: outage intervals of the utility, merged where they overlap
//   or touch; an outage not restored in the records lasts to the end of the
//   last day evaluated (the indicators' rule) and is ongoing.
// - severity_changed: a day whose siege severity class (analysis/severity.h)
//   differs from the last known class before it (unknown days skipped); one
//   alert per change, keyed by that day, with both classes, the day's
//   answers and the records that decided them.
//
// Pure: no I/O, no clock. Thread safety: reads its arguments only.
#ifndef LIFELINE_ALERTS_EVALUATE_H_
#define LIFELINE_ALERTS_EVALUATE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerts/rules.h"
#include "analysis/dataset.h"
#include "analysis/indicators.h"
#include "base/status.h"

namespace lifeline::alerts {

struct AlertEvent {
  std::string key;
  std::string rule_id, case_id, severity;
  RuleType type = RuleType::kRouteClosed;
  std::string title, summary;  // plain text
  std::string first_day, last_day;  // YYYY-MM-DD, both included
  // The condition still holds on the last day evaluated (the range's end):
  // last_day is then "so far".
  bool ongoing = false;
  int64_t days = 0;  // days in the episode
  double hours = 0;  // utility_out: hours of the merged outage
  nlohmann::json values;             // the figures behind the alert, per type
  std::vector<std::string> records;  // record ids behind them, sorted
  analysis::CheckpointRef checkpoint;
};

struct Evaluation {
  std::vector<AlertEvent> events;
  // Rules whose subject the records do not mention (a route with no status,
  // a commodity with no need): probably a typo, never an error, since the
  // records may come later.
  std::vector<std::string> warnings;
};

// Evaluates the rules of `rules` whose case is ds.case_id, over the
// indicators' default range of the case (its start .. its end, or the last
// day any record speaks of). Precondition: ds.finalized.
Result<Evaluation> Evaluate(const RuleSet& rules, const analysis::Dataset& ds, const analysis::CheckpointRef& cp);

// One rule over indicators already computed (with explain = true) from `ds`
// over ind.from .. ind.to. Exposed for tests.
void EvaluateRule(const Rule& rule, const analysis::Dataset& ds, const analysis::Indicators& ind, Evaluation* out);

// The webhook payload and the JSON output of one event.
nlohmann::json EventJson(const AlertEvent& e);
// Parses EventJson's output back (for the delivery state); Corruption if it
// does not have EventJson's shape.
Result<AlertEvent> EventFromJson(const nlohmann::json& j);

}  // namespace lifeline::alerts

#endif  // LIFELINE_ALERTS_EVALUATE_H_
