#include "alerts/rules.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "config/toml_fields.h"

namespace lifeline::alerts {

namespace {

using config::CheckKeys;
using config::ForEachTable;
using config::ParseToml;
using config::TomlErrors;
using config::TomlInteger;
using config::TomlNumber;
using config::TomlString;

// Longest run a rule may ask for: the indicators' longest range.
constexpr int64_t kMaxDays = 36600;

// The value of a required key, or an error naming the rule's line.
Result<const toml::node*> Require(const toml::table& t, std::string_view key, const TomlErrors& err,
                                  std::string_view type) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    return err.At(t.source().begin.line, "rule." + std::string(key),
                  "missing (a " + std::string(type) + " rule needs it)");
  }
  return n;
}

Status ParseWebhooks(const toml::node& n, Rule& r, const TomlErrors& err) {
  return ForEachTable(n, "rule.webhook", err, [&](const toml::table& t) -> Status {
    LIFELINE_RETURN_IF_ERROR(CheckKeys(t, {"url", "secret"}, err, "rule.webhook."));
    const toml::node* u = t.get("url");
    if (u == nullptr) return err.At(t.source().begin.line, "rule.webhook.url", "missing");
    Webhook w;
    LIFELINE_ASSIGN_OR_RETURN(w.url, TomlString(*u, "rule.webhook.url", err));
    if (auto parsed = ParseUrl(w.url); !parsed.ok()) return err.At(*u, "rule.webhook.url", parsed.status().message());
    if (const toml::node* s = t.get("secret")) {
      LIFELINE_ASSIGN_OR_RETURN(w.secret, TomlString(*s, "rule.webhook.secret", err));
    }
    r.webhooks.push_back(std::move(w));
    return Status::Ok();
  });
}

Result<Rule> ParseRule(const toml::table& t, const TomlErrors& err) {
  LIFELINE_RETURN_IF_ERROR(CheckKeys(t,
                                     {"id", "case", "type", "severity", "title", "days", "commodity", "unit",
                                      "percent", "route", "utility", "hours", "webhook"},
                                     err, "rule."));
  Rule r;
  const uint64_t line = t.source().begin.line;
  for (const char* key : {"id", "case", "type"}) {
    if (t.get(key) == nullptr) return err.At(line, "rule." + std::string(key), "missing");
  }
  LIFELINE_ASSIGN_OR_RETURN(r.id, TomlString(*t.get("id"), "rule.id", err));
  LIFELINE_ASSIGN_OR_RETURN(r.case_id, TomlString(*t.get("case"), "rule.case", err));
  LIFELINE_ASSIGN_OR_RETURN(std::string type, TomlString(*t.get("type"), "rule.type", err));
  // Keys a type does not use are errors: a `percent` on a route_closed rule
  // is a mistake the author should hear about, not a silent no-op.
  std::set<std::string> allowed = {"id", "case", "type", "severity", "title", "webhook"};
  if (type == "no_patient_transfer") {
    r.type = RuleType::kNoPatientTransfer;
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* d, Require(t, "days", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.days, TomlInteger(*d, "rule.days", err, 1, kMaxDays));
    allowed.insert("days");
  } else if (type == "coverage_below") {
    r.type = RuleType::kCoverageBelow;
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* c, Require(t, "commodity", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.commodity, TomlString(*c, "rule.commodity", err));
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* p, Require(t, "percent", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.percent, TomlNumber(*p, "rule.percent", err));
    if (r.percent <= 0 || r.percent > 1000) return err.At(*p, "rule.percent", "must be > 0 and at most 1000");
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* d, Require(t, "days", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.days, TomlInteger(*d, "rule.days", err, 1, kMaxDays));
    if (const toml::node* u = t.get("unit")) {
      LIFELINE_ASSIGN_OR_RETURN(r.unit, TomlString(*u, "rule.unit", err));
    }
    allowed.insert({"commodity", "percent", "days", "unit"});
  } else if (type == "route_closed") {
    r.type = RuleType::kRouteClosed;
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* ro, Require(t, "route", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.route, TomlString(*ro, "rule.route", err));
    if (const toml::node* d = t.get("days")) {
      LIFELINE_ASSIGN_OR_RETURN(r.days, TomlInteger(*d, "rule.days", err, 1, kMaxDays));
    }
    allowed.insert({"route", "days"});
  } else if (type == "utility_out") {
    r.type = RuleType::kUtilityOut;
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* u, Require(t, "utility", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.utility, TomlString(*u, "rule.utility", err));
    LIFELINE_ASSIGN_OR_RETURN(const toml::node* h, Require(t, "hours", err, type));
    LIFELINE_ASSIGN_OR_RETURN(r.hours, TomlNumber(*h, "rule.hours", err));
    if (r.hours <= 0 || r.hours > 24.0 * kMaxDays) return err.At(*h, "rule.hours", "must be > 0");
    allowed.insert({"utility", "hours"});
  } else if (type == "severity_changed") {
    r.type = RuleType::kSeverityChanged;  // no keys of its own
  } else {
    return err.At(*t.get("type"), "rule.type",
                  "must be no_patient_transfer, coverage_below, route_closed, utility_out or severity_changed, not \"" +
                      type + "\"");
  }
  for (auto&& [k, v] : t) {
    if (!allowed.contains(std::string(k.str()))) {
      return err.At(v, "rule." + std::string(k.str()), "does not apply to a " + type + " rule");
    }
  }
  if (const toml::node* s = t.get("severity")) {
    LIFELINE_ASSIGN_OR_RETURN(r.severity, TomlString(*s, "rule.severity", err));
    if (r.severity != "info" && r.severity != "warning" && r.severity != "critical") {
      return err.At(*s, "rule.severity", "must be info, warning or critical");
    }
  }
  if (const toml::node* s = t.get("title")) {
      LIFELINE_ASSIGN_OR_RETURN(r.title, TomlString(*s, "rule.title", err));
    }
  if (const toml::node* w = t.get("webhook")) LIFELINE_RETURN_IF_ERROR(ParseWebhooks(*w, r, err));
  return r;
}

}  // namespace

std::string_view RuleTypeName(RuleType t) {
  switch (t) {
    case RuleType::kNoPatientTransfer: return "no_patient_transfer";
    case RuleType::kCoverageBelow: return "coverage_below";
    case RuleType::kRouteClosed: return "route_closed";
    case RuleType::kUtilityOut: return "utility_out";
    case RuleType::kSeverityChanged: return "severity_changed";
  }
  return "?";
}

Result<Url> ParseUrl(std::string_view url) {
  Url u;
  size_t p = url.find("://");
  if (p == std::string_view::npos) return InvalidArgumentError("\"" + std::string(url) + "\" is not an http(s) URL");
  u.scheme = std::string(url.substr(0, p));
  if (u.scheme != "http" && u.scheme != "https") {
    return InvalidArgumentError("scheme must be http or https, not \"" + u.scheme + "\"");
  }
  std::string_view rest = url.substr(p + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgumentError("credentials in the URL are not supported (use the webhook secret)");
  }
  u.port = u.scheme == "https" ? 443 : 80;
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    // An IPv6 literal: [::1] or [::1]:8080.
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgumentError("bad host in \"" + std::string(url) + "\"");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgumentError("bad host in \"" + std::string(url) + "\"");
      port = after.substr(1);
      if (port.empty()) return InvalidArgumentError("bad port in \"" + std::string(url) + "\"");
    }
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return InvalidArgumentError("bad port in \"" + std::string(url) + "\"");
  }
  if (!port.empty()) {
    int v = 0;
    if (port.size() > 5) return InvalidArgumentError("bad port in \"" + std::string(url) + "\"");
    for (char c : port) {
      if (c < '0' || c > '9') return InvalidArgumentError("bad port in \"" + std::string(url) + "\"");
      v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) return InvalidArgumentError("bad port in \"" + std::string(url) + "\"");
    u.port = v;
  }
  authority = host;
  if (authority.empty()) return InvalidArgumentError("no host in \"" + std::string(url) + "\"");
  u.host = std::string(authority);
  return u;
}

Result<RuleSet> ParseRules(std::string_view toml_text, std::string_view name) {
  TomlErrors err(name);
  LIFELINE_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, name, err));
  LIFELINE_RETURN_IF_ERROR(CheckKeys(root, {"rule"}, err, ""));
  RuleSet rs;
  rs.name = std::string(name);
  const toml::node* n = root.get("rule");
  if (n == nullptr) return rs;  // no rules: nothing to evaluate
  std::set<std::string> ids;
  LIFELINE_RETURN_IF_ERROR(ForEachTable(*n, "rule", err, [&](const toml::table& t) -> Status {
    LIFELINE_ASSIGN_OR_RETURN(Rule r, ParseRule(t, err));
    if (!ids.insert(r.id).second) return err.At(*t.get("id"), "rule.id", "duplicate id \"" + r.id + "\"");
    rs.rules.push_back(std::move(r));
    return Status::Ok();
  }));
  return rs;
}

}  // namespace lifeline::alerts
