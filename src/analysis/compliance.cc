#include "analysis/compliance.h"

#include <algorithm>

#include "analysis/compliance_rules.h"
#include "analysis/indicators.h"
#include "analysis/route_days.h"
#include "record/values.h"

namespace lifeline::analysis {

namespace {

// A route_open rule on the days [a, b] (compliance.h).
void EvaluateRouteOpen(const Dataset& ds, const Obligation& o, const RouteDayTable& rt, int32_t a, int32_t b,
                       ObligationCompliance& oc) {
  for (int32_t d = a; d <= b; ++d) {
    size_t c = rt.cell(o.route, d);
    // Each direction the rule protects: violated if any is, unknown if
    // none is and some has no status in force.
    bool violated = false, unknown = false;
    RouteState worst = RouteState::kUnknown;
    uint32_t restricted = 0;
    std::vector<std::string> ways;
    for (int w = 0; w < 2; ++w) {
      if (!(o.ways & (w == 0 ? kWayIn : kWayOut))) continue;
      RouteState st = rt.way_state[w][c];
      if (st == RouteState::kUnknown) {
        unknown = true;
        continue;
      }
      bool v = st == RouteState::kClosed || (st == RouteState::kRestricted && (rt.way_restricted[w][c] & o.for_mask));
      if (!v) continue;
      violated = true;
      worst = std::max(worst, st);
      if (st == RouteState::kRestricted) restricted |= rt.way_restricted[w][c];
      ways.emplace_back(w == 0 ? "in" : "out");
    }
    if (!violated) {
      CountDay(oc, d, unknown ? DayVerdict::kUnknown : DayVerdict::kMet);
      continue;
    }
    ViolationDay v{"", std::string(RouteStateName(worst)), {}, {}, ways};
    if (worst == RouteState::kRestricted) v.restricted = ds.RestrictionTerms(restricted);
    for (int32_t r : rt.in_force[c]) v.records.push_back(std::string(ds.ids.at(r)));
    CountDay(oc, d, DayVerdict::kViolated, std::move(v));
  }
}

std::string_view MeasureName(uint8_t m) {
  return m == kMeasureVehicles ? "vehicles" : m == kMeasurePersons ? "persons" : m == kMeasurePatients ? "patients" : "cargo";
}

// The rule's terms, as its type has them, for those who read the result.
void DescribeRule(const Dataset& ds, const Obligation& o, ObligationCompliance& oc) {
  if (o.type == RuleType::kRouteOpen) {
    oc.route = std::string(ds.routes.at(o.route));
    oc.rule_for = ds.RestrictionTerms(o.for_mask);
  }
  oc.utility = o.utility;
  oc.area = o.area;
  oc.commodity = o.commodity;
  for (int32_t r : o.routes) oc.routes.push_back(std::string(ds.routes.at(r)));
  if (o.type == RuleType::kRouteOpen || o.type == RuleType::kCommodityAllowed || o.type == RuleType::kFlowAtLeast) {
    if (o.ways & kWayIn) oc.directions.emplace_back("in");
    if (o.ways & kWayOut) oc.directions.emplace_back("out");
  }
  if (o.type == RuleType::kFlowAtLeast) {
    oc.measure = std::string(MeasureName(o.measure));
    oc.unit = o.unit;
    oc.per = o.per;
    oc.quantity = o.quantity;
  }
}

}  // namespace

Result<Compliance> ComputeCompliance(const Dataset& ds, const CheckpointRef& cp, int32_t from, int32_t to) {
  if (!ds.finalized) return InternalError("ComputeCompliance needs a finalized dataset");
  LIFELINE_RETURN_IF_ERROR(ResolveRange(ds, &from, &to));
  Compliance out;
  out.case_id = ds.case_id;
  out.checkpoint = cp;
  out.from = record::FormatDate(record::Day{from});
  out.to = record::FormatDate(record::Day{to});
  RouteDayTable rt = ComputeRouteDays(ds, from, to, /*with_records=*/true);

  std::vector<const Obligation*> obligations;
  for (const auto& o : ds.obligations) obligations.push_back(&o);
  std::sort(obligations.begin(), obligations.end(),
            [&](const Obligation* a, const Obligation* b) { return ds.ids.at(a->record) < ds.ids.at(b->record); });
  for (const Obligation* o : obligations) {
    ObligationCompliance oc;
    oc.obligation = std::string(ds.ids.at(o->record));
    oc.title = o->title;
    oc.instrument = o->instrument;
    oc.rule_type = o->type_name;
    if (o->type == RuleType::kUnknown || o->type == RuleType::kNotEvaluable || !o->problem.empty()) {
      oc.evaluable = false;
      oc.reason = o->problem;
      out.obligations.push_back(std::move(oc));
      continue;
    }
    DescribeRule(ds, *o, oc);
    int32_t a = std::max(from, o->from);
    int32_t b = o->until == kNoDay ? to : std::min(to, o->until);
    if (a <= b) {
      oc.from = record::FormatDate(record::Day{a});
      oc.to = record::FormatDate(record::Day{b});
    }
    switch (o->type) {
      case RuleType::kRouteOpen: EvaluateRouteOpen(ds, *o, rt, a, b, oc); break;
      case RuleType::kServiceRestored: EvaluateServiceRestored(ds, *o, a, b, oc); break;
      case RuleType::kCommodityAllowed: EvaluateCommodityAllowed(ds, *o, rt, a, b, oc); break;
      case RuleType::kFlowAtLeast: EvaluateFlowAtLeast(ds, *o, a, b, oc); break;
      case RuleType::kNotEvaluable:
      case RuleType::kUnknown: break;  // not evaluable: above
    }
    out.obligations.push_back(std::move(oc));
  }
  out.assumption_keys = {"compliance.route_day", "compliance.in_force", "compliance.directions", "compliance.unknown"};
  out.assumptions = {
      "a route's status on a day, in each direction, is the most restrictive status in force that way at any time "
      "of that UTC day",
      "a status is in force from its `from` until its `until` or the next status of the route that applies to the "
      "same direction, whichever is first",
      "a rule is violated on a day when any direction it protects is closed or restricted for what it protects: a "
      "one-way opening does not comply with a two-way obligation",
      "a day with no status in force in a direction the rule protects, and no violation in the other, is unknown, "
      "neither complied with nor violated",
  };
  return out;
}

}  // namespace lifeline::analysis
