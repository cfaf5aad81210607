// The evaluators of the rule types besides route_open (compliance.h states
// each rule's semantics). Internal to the analysis module. Pure.
#ifndef LIFELINE_ANALYSIS_COMPLIANCE_RULES_H_
#define LIFELINE_ANALYSIS_COMPLIANCE_RULES_H_

#include <cstdint>
#include <vector>

#include "analysis/compliance.h"
#include "analysis/dataset.h"
#include "analysis/route_days.h"

namespace lifeline::analysis {

enum class DayVerdict : uint8_t { kMet, kViolated, kUnknown };

// Counts day `day` into `oc`; a violated day keeps `detail` (its date is set here).
void CountDay(ObligationCompliance& oc, int32_t day, DayVerdict verdict, ViolationDay detail = {});

// Each evaluates the days [a, b] of `o` (a rule of its type) into `oc`.
// Precondition: ds.finalized; `rt` covers [a, b] (commodity_allowed).
void EvaluateServiceRestored(const Dataset& ds, const Obligation& o, int32_t a, int32_t b, ObligationCompliance& oc);
void EvaluateCommodityAllowed(const Dataset& ds, const Obligation& o, const RouteDayTable& rt, int32_t a, int32_t b,
                              ObligationCompliance& oc);
void EvaluateFlowAtLeast(const Dataset& ds, const Obligation& o, int32_t a, int32_t b, ObligationCompliance& oc);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_COMPLIANCE_RULES_H_
