#include "alerts/rules.h"

#include <gtest/gtest.h>

#include "base/status_testing.h"

namespace lifeline::alerts {
namespace {

TEST(RulesTest, ParsesEveryTypeWithWebhooks) {
  auto rs = ParseRules(R"(
[[rule]]
id = "closed"
case = "c1"
type = "route_closed"
route = "r1"
severity = "critical"
[[rule.webhook]]
url = "http://127.0.0.1:8080/hook?x=1"
secret = "s3cret"
[[rule.webhook]]
url = "https://example.org"

[[rule]]
id = "patients"
case = "c1"
type = "no_patient_transfer"
days = 7

[[rule]]
id = "food"
case = "c1"
type = "coverage_below"
commodity = "food energy"
unit = "kcal"
percent = 50
days = 3
title = "Food under half"

[[rule]]
id = "gas"
case = "c1"
type = "utility_out"
utility = "gas"
hours = 48.5
)",
                       "alerts.toml");
  ASSERT_OK(rs);
  ASSERT_EQ(rs->rules.size(), 4u);
  const Rule& c = rs->rules[0];
  EXPECT_EQ(c.type, RuleType::kRouteClosed);
  EXPECT_EQ(c.route, "r1");
  EXPECT_EQ(c.days, 1);
  EXPECT_EQ(c.severity, "critical");
  ASSERT_EQ(c.webhooks.size(), 2u);
  EXPECT_EQ(c.webhooks[0].secret, "s3cret");
  EXPECT_EQ(rs->rules[1].days, 7);
  EXPECT_EQ(rs->rules[1].severity, "warning");
  EXPECT_EQ(rs->rules[2].percent, 50);
  EXPECT_EQ(rs->rules[2].unit, "kcal");
  EXPECT_EQ(rs->rules[2].title, "Food under half");
  EXPECT_DOUBLE_EQ(rs->rules[3].hours, 48.5);
}

TEST(RulesTest, EmptyFileHasNoRules) {
  auto rs = ParseRules("", "a.toml");
  ASSERT_TRUE(rs.ok());
  EXPECT_TRUE(rs->rules.empty());
}

// Each error names the file, the line and the key.
TEST(RulesTest, ErrorsNameFileLineAndKey) {
  struct Case {
    const char* toml;
    const char* message;
  };
  const Case cases[] = {
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\nrout = \"x\"\n",
       "a.toml:6: rule.rout: unknown key"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\n", "a.toml:1: rule.route: missing"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"flood\"\n", "a.toml:4: rule.type: must be no_patient_transfer"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"no_patient_transfer\"\ndays = 0\n",
       "a.toml:5: rule.days: must be an integer between 1 and 36600"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"coverage_below\"\ncommodity = \"f\"\npercent = -5\ndays = 2\n",
       "a.toml:6: rule.percent: must be > 0"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\npercent = 5\n",
       "a.toml:6: rule.percent: does not apply to a route_closed rule"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\n"
       "[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\n",
       "a.toml:7: rule.id: duplicate id"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\n[[rule.webhook]]\nurl = \"ftp://x\"\n",
       "a.toml:7: rule.webhook.url: scheme must be http or https"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"route_closed\"\nroute = \"r\"\nseverity = \"dire\"\n",
       "a.toml:6: rule.severity: must be info, warning or critical"},
      {"[[rule]]\nid = \"a\"\ncase = \"c\"\ntype = \"utility_out\"\nutility = \"gas\"\nhours = \"many\"\n",
       "a.toml:6: rule.hours: must be a number"},
      {"[[rule]]\nid = \"a\"\n  case = [\n", "a.toml:3: (toml)"},
      {"rules = 1\n", "a.toml:1: rules: unknown key"},
  };
  for (const Case& c : cases) {
    auto rs = ParseRules(c.toml, "a.toml");
    ASSERT_FALSE(rs.ok()) << c.toml;
    EXPECT_EQ(rs.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(rs.status().message().find(c.message), std::string::npos)
        << "got: " << rs.status().message() << "\nwant: " << c.message;
  }
}

TEST(RulesTest, ParsesUrls) {
  auto u = ParseUrl("http://127.0.0.1:8080/a/b?c=d");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/a/b?c=d");
  u = ParseUrl("https://example.org");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/");
  u = ParseUrl("http://[::1]:9/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9);
  EXPECT_FALSE(ParseUrl("http://host:99999/").ok());
  EXPECT_FALSE(ParseUrl("http://host:/").ok());
  EXPECT_FALSE(ParseUrl("http:///x").ok());
  EXPECT_FALSE(ParseUrl("http://user:pw@host/").ok());
  EXPECT_FALSE(ParseUrl("example.org").ok());
}

}  // namespace
}  // namespace lifeline::alerts
