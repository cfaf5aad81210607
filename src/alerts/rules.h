// Alert rules: conditions over a case's daily indicators, read from a TOML
// file (docs/alerts.md gives the format with an example):
//
//   [[rule]]
//   id = "road-closed"            # unique in the file; part of every alert key
//   case = "siege-x-2024"
//   type = "route_closed"         # or no_patient_transfer, coverage_below, utility_out,
//                                 # severity_changed
//   route = "rt-northern-road"
//   severity = "critical"         # info | warning (default) | critical
//   [[rule.webhook]]
//   url = "http://127.0.0.1:8080/hook"
//   secret = "..."                # optional: HMAC-SHA256 signature header
//
// Pure: parsing only, no I/O. Errors name FILE:LINE and the key.
#ifndef LIFELINE_ALERTS_RULES_H_
#define LIFELINE_ALERTS_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::alerts {

enum class RuleType : uint8_t { kNoPatientTransfer, kCoverageBelow, kRouteClosed, kUtilityOut, kSeverityChanged };
std::string_view RuleTypeName(RuleType t);

struct Webhook {
  std::string url;     // http:// or https://
  std::string secret;  // empty: no signature header
};

struct Rule {
  std::string id;
  std::string case_id;
  RuleType type = RuleType::kRouteClosed;
  std::string severity = "warning";
  std::string title;  // optional human title; default built from the rule
  // no_patient_transfer, coverage_below, route_closed: the minimum length of
  // a run of consecutive days (route_closed: default 1).
  int64_t days = 1;
  std::string commodity;  // coverage_below
  std::string unit;       // coverage_below, optional: narrows to the need standard in this canonical unit
  double percent = 0;     // coverage_below: alert while coverage < percent / 100
  std::string route;      // route_closed
  std::string utility;    // utility_out
  double hours = 0;       // utility_out: minimum continuous outage
  std::vector<Webhook> webhooks;
};

struct RuleSet {
  std::string name;  // the file, for messages
  std::vector<Rule> rules;
};

// Parses a rules file. `name` is used in errors: "alerts.toml:7:
// rule.days: must be an integer between 1 and 36600". Unknown keys, missing
// keys, duplicate rule ids, bad URLs and out-of-range values are errors.
Result<RuleSet> ParseRules(std::string_view toml_text, std::string_view name);

// A URL split for an HTTP client: scheme "http" or "https", host, port,
// path (with query; "/" when empty).
struct Url {
  std::string scheme, host;
  int port = 0;
  std::string path;
};
Result<Url> ParseUrl(std::string_view url);

}  // namespace lifeline::alerts

#endif  // LIFELINE_ALERTS_RULES_H_
