#include "analysis/compliance.h"

#include <algorithm>

#include "analysis/indicators.h"
#include "analysis/route_days.h"
#include "record/values.h"

namespace lifeline::analysis {

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
    oc.obligation = ds.ids.at(o->record);
    oc.title = o->title;
    oc.instrument = o->instrument;
    oc.rule_type = o->type_name;
    if (o->type != RuleType::kRouteOpen || !o->problem.empty()) {
      oc.evaluable = false;
      oc.reason = o->problem;
      out.obligations.push_back(std::move(oc));
      continue;
    }
    oc.route = ds.routes.at(o->route);
    oc.rule_for = RestrictionNames(o->for_mask);
    int32_t a = std::max(from, o->from);
    int32_t b = o->until == kNoDay ? to : std::min(to, o->until);
    if (a <= b) {
      oc.from = record::FormatDate(record::Day{a});
      oc.to = record::FormatDate(record::Day{b});
    }
    for (int32_t d = a; d <= b; ++d) {
      ++oc.days_evaluated;
      size_t c = rt.cell(o->route, d);
      RouteState st = rt.state[c];
      std::string date = record::FormatDate(record::Day{d});
      if (st == RouteState::kUnknown) {
        ++oc.days_unknown;
        oc.unknown_days.push_back(date);
        continue;
      }
      bool violated = st == RouteState::kClosed || (st == RouteState::kRestricted && (rt.restricted[c] & o->for_mask));
      if (!violated) {
        ++oc.days_in_compliance;
        continue;
      }
      ++oc.days_in_violation;
      if (!oc.first_violation) oc.first_violation = date;
      oc.last_violation = date;
      ViolationDay v{date, std::string(RouteStateName(st)), {}, {}};
      if (st == RouteState::kRestricted) v.restricted = RestrictionNames(rt.restricted[c]);
      for (int32_t r : rt.in_force[c]) v.records.push_back(ds.ids.at(r));
      std::sort(v.records.begin(), v.records.end());
      oc.violations.push_back(std::move(v));
    }
    out.obligations.push_back(std::move(oc));
  }
  out.assumptions = {
      "a route's status on a day is the most restrictive status in force at any time of that UTC day",
      "a status is in force from its `from` until its `until` or the next status of the route, whichever is first",
      "route statuses carry no direction: a rule's `directions` does not narrow the check",
      "a day with no status of the route in force is unknown, neither complied with nor violated",
  };
  return out;
}

}  // namespace lifeline::analysis
