#include "alerts/atom.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "alerts/state.h"
#include "base/status_testing.h"

namespace lifeline::alerts {
namespace {

AlertEvent Sample() {
  AlertEvent e;
  e.key = "r<1>/c&1/2023-01-03";
  e.rule_id = "r<1>";
  e.case_id = "c&1";
  e.severity = "critical";
  e.type = RuleType::kRouteClosed;
  e.title = "Road \"A\" & 'B' <closed>";
  e.summary = "closed 3 days";
  e.first_day = "2023-01-03";
  e.last_day = "2023-01-05";
  e.days = 3;
  e.records = {"rs2", "rs3"};
  e.checkpoint = {12, "AAAA"};
  return e;
}

TEST(AtomTest, EscapesAndIsGolden) {
  EXPECT_EQ(XmlEscape("a<b>&\"c\"'d'\x01"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\xEF\xBF\xBD");
  EXPECT_EQ(AlertUrn("r<1>/c&1/2023-01-03"), "urn:lifeline:alert:r%3C1%3E%2Fc%261%2F2023-01-03");
  EXPECT_EQ(FeedUrn("example.org/log"), "urn:lifeline:feed:example.org%2Flog");
  EXPECT_EQ(Rfc3339(1672704000), "2023-01-03T00:00:00Z");
  FeedEntry fe{Sample(), 1672704000, 1672707723};
  const std::string got = AtomFeed("urn:lifeline:feed:test", "Alerts & more", 0, {fe});
  const std::string want = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:lifeline:feed:test</id>
  <title>Alerts &amp; more</title>
  <updated>2023-01-03T01:02:03Z</updated>
  <author><name>Lifeline</name></author>
  <generator>Lifeline</generator>
  <entry>
    <id>urn:lifeline:alert:r%3C1%3E%2Fc%261%2F2023-01-03</id>
    <title>Road &quot;A&quot; &amp; &apos;B&apos; &lt;closed&gt;</title>
    <published>2023-01-03T00:00:00Z</published>
    <updated>2023-01-03T01:02:03Z</updated>
    <category term="critical"/>
    <summary type="text">closed 3 days. Case c&amp;1, rule r&lt;1&gt; (route_closed), severity critical. Period 2023-01-03 .. 2023-01-05. Computed at checkpoint 12 AAAA. Records: rs2 rs3.</summary>
  </entry>
</feed>
)";
  EXPECT_EQ(got, want);
}

// A tiny well-formedness check: every '<' opens a tag, every '&' starts one
// of the five entities, and start and end tags nest.
bool WellFormed(const std::string& x) {
  std::vector<std::string> stack;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] == '&') {
      bool ok = false;
      for (const char* ent : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) ok = ok || x.compare(i, strlen(ent), ent) == 0;
      if (!ok) return false;
    } else if (x[i] == '<') {
      size_t end = x.find('>', i);
      if (end == std::string::npos) return false;
      std::string tag = x.substr(i + 1, end - i - 1);
      if (tag.empty() || tag.find('<') != std::string::npos) return false;
      if (tag[0] == '?') {
      } else if (tag[0] == '/') {
        if (stack.empty() || stack.back() != tag.substr(1)) return false;
        stack.pop_back();
      } else if (tag.back() != '/') {
        stack.push_back(tag.substr(0, tag.find(' ')));
      }
      i = end;
    } else if (x[i] == '>') {
      return false;
    }
  }
  return stack.empty();
}

TEST(AtomTest, FeedIsWellFormedAndNewestFirst) {
  AlertEvent a = Sample(), b = Sample();
  b.key = "other";
  b.title = "</entry><entry>";
  std::string feed = AtomFeed("urn:x", "t", 5, {{a, 1, 10}, {b, 1, 20}});
  EXPECT_TRUE(WellFormed(feed)) << feed;
  EXPECT_LT(feed.find("urn:lifeline:alert:other"), feed.find("urn:lifeline:alert:r%3C1"));
  EXPECT_NE(feed.find("<updated>1970-01-01T00:00:20Z</updated>\n  <author>"), std::string::npos);
  EXPECT_FALSE(WellFormed("<a>x & y</a>"));
  EXPECT_FALSE(WellFormed("<a><b></a></b>"));
  // No entries: the given time.
  EXPECT_NE(AtomFeed("urn:x", "t", 5, {}).find("<updated>1970-01-01T00:00:05Z</updated>"), std::string::npos);
}

TEST(StateTest, SavesAndLoadsAtomically) {
  const std::string dir = ::testing::TempDir() + "/alerts-state-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto st = AlertState::Load(dir + "/alerts.state.jsonl");
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->alerts().empty());
  RuleSet rules;
  Rule r;
  r.id = "r<1>";
  r.webhooks = {{"http://127.0.0.1:1/a", "secret"}, {"http://127.0.0.1:1/b", ""}};
  rules.rules.push_back(r);
  RecordReport rep = st->Record({Sample()}, rules, 42);
  EXPECT_EQ(rep.raised, 1);
  EXPECT_EQ(rep.queued, 2);
  st->deliveries()[0].attempts = 3;
  st->deliveries()[0].last_error = "HTTP 503";
  ASSERT_TRUE(st->Save().ok());
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename(), "alerts.state.jsonl");  // no temporary left
  }
  std::ifstream in(dir + "/alerts.state.jsonl");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find("secret"), std::string::npos);  // secrets stay in the rules file
  auto back = AlertState::Load(dir + "/alerts.state.jsonl");
  ASSERT_OK(back);
  ASSERT_EQ(back->alerts().size(), 1u);
  EXPECT_EQ(EventJson(back->alerts()[0].event), EventJson(Sample()));
  EXPECT_EQ(back->alerts()[0].first_seen, 42);
  ASSERT_EQ(back->deliveries().size(), 2u);
  EXPECT_EQ(back->deliveries()[0].attempts, 3);
  EXPECT_EQ(back->deliveries()[0].last_error, "HTTP 503");
  // Recording the same alert again queues nothing new.
  EXPECT_EQ(back->Record({Sample()}, rules, 50).queued, 0);
  // A damaged line is corruption naming the line.
  std::ofstream(dir + "/alerts.state.jsonl", std::ios::app) << "{not json\n";
  auto bad = AlertState::Load(dir + "/alerts.state.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(bad.status().message().find("alerts.state.jsonl:4"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace lifeline::alerts
