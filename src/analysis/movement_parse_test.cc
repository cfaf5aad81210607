// The fast movement reader against the DOM one: for every body it either
// declines (nullopt: the DOM path decides) or gives exactly the fields the
// DOM reader gives, and it never accepts a body the DOM path would reject
// or leave out as far-dated.
#include "analysis/movement_parse.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "record/schema.h"

namespace lifeline::analysis {
namespace {

using nlohmann::json;

// Whether the DOM path would leave `body` out for a date outside the
// default window at the day it was recorded (dataset.cc FarDated).
bool FarDated(const json& body) {
  return !record::DatesOutside(body, record::PlausibleDates(nullptr, record::ReferenceDay(body))).empty();
}

// A case's own outcome terms, one of each class the fast reader must not
// count as the default (the DOM reader classes them; the fast one declines).
const record::OutcomeClasses kCaseOutcomes = {{"diverted", "turned_back"}, {"handed_over", "completed"},
                                              {"held", "stopped"}};

// Fast and DOM readers agree on `text`; returns whether the fast one read it.
bool Agrees(const std::string& text) {
  std::optional<MovementFields> fast = ParseMovementFast(text, json());
  json body = json::parse(text, nullptr, false);
  if (!fast) return false;
  EXPECT_TRUE(body.is_object()) << text;
  EXPECT_FALSE(FarDated(body)) << text;
  Result<MovementFields> dom = MovementFromJson(body, kCaseOutcomes);
  EXPECT_TRUE(dom.ok()) << text << ": " << dom.status().message();
  if (dom.ok()) {
    EXPECT_TRUE(*dom == *fast) << text;
  }
  return true;
}

constexpr const char* kPlain =
    R"({"cargo":[{"commodity":"flour","quantity":2.5,"unit":"t"},{"commodity":"fuel","quantity":300,"unit":"l"}],)"
    R"("case":"c","date":"2023-01-02","direction":"out","id":"mv-1","kind":"movement","operator":"icrc",)"
    R"("persons":12,"qualifier":"at_least","recorded":"2023-01-03T10:00:00Z","reported_by":"ngo",)"
    R"("route":"road","sources":["s1","s2"],"vehicles":3})";

TEST(MovementParseTest, ReadsAPlainMovementAsTheDomDoes) {
  EXPECT_TRUE(Agrees(kPlain));
  std::optional<MovementFields> m = ParseMovementFast(kPlain, json());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->id, "mv-1");
  EXPECT_EQ(m->direction, Direction::kOut);
  EXPECT_EQ(m->qualifier, Qualifier::kAtLeast);
  EXPECT_EQ(m->vehicles, 3);
  EXPECT_EQ(m->persons, 12);
  EXPECT_EQ(m->given, kMeasureVehicles | kMeasurePersons | kMeasureCargo);
  ASSERT_EQ(m->cargo.size(), 2u);
  EXPECT_EQ(m->cargo[0].quantity, 2500.0);
  EXPECT_EQ(m->cargo[0].unit, "kg");
}

TEST(MovementParseTest, AgreesOnVariants) {
  const std::vector<std::string> read = {
      R"({"date":"2023-01-02","id":"a","kind":"movement","period":{"from":"2023-01-01","to":"2023-01-07"}})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","patients":1.5,"outcome":"turned_back"})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","vehicles":18446744073709551615})",
      R"({"cargo":[],"date":"2023-01-02","id":"a","kind":"movement","note":{"x":[1,{"y":null}]}})",
      R"({"cargo":[{"quantity":1,"unit":"kg","extra":{"a":[1]}}],"date":"2023-01-02","id":"a","kind":"movement"})",
      R"({"cargo":[{"commodity":"x","quantity":1,"unit":"kg","quantity":2}],"date":"2023-01-02","id":"a",)"
      R"("kind":"movement","direction":"both"})",
  };
  for (const std::string& text : read) EXPECT_TRUE(Agrees(text)) << text;
}

TEST(MovementParseTest, DeclinesWhatTheDomPathMustDecide) {
  const std::vector<std::string> declined = {
      "[1]", "5", "not json", R"({"date":"2023-01-02","id":"a","kind":"incident"})",
      R"({"id":"a","kind":"movement"})",                                   // no date
      R"({"date":"2023-02-30","id":"a","kind":"movement"})",               // not a date
      R"({"date":"2023-01-02","id":"a","kind":"movement","date":"2023-01-03"})",  // repeated
      R"({"date":"2023-01-02","id":"a","kind":"movement","vehicles":null})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","vehicles":"3"})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","route":7})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","period":{"from":"2023-01-01"}})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","period":"2023"})",
      R"({"cargo":{"unit":"kg"},"date":"2023-01-02","id":"a","kind":"movement"})",
      R"({"cargo":[{"quantity":1,"unit":"parsec"}],"date":"2023-01-02","id":"a","kind":"movement"})",
      R"({"cargo":[{"unit":"kg"}],"date":"2023-01-02","id":"a","kind":"movement"})",
      R"({"cargo":["flour"],"date":"2023-01-02","id":"a","kind":"movement"})",
      R"({"date":"1850-01-02","id":"a","kind":"movement"})",  // far-dated
      // Outside the window of the day it was recorded: in free text (the DOM
      // path keeps it) and in a member the loader does not read (left out).
      R"({"date":"2023-01-02","id":"a","kind":"movement","note":"9999-12-31","recorded":"2023-01-03T00:00:00Z"})",
      R"({"date":"2023-01-02","id":"a","kind":"movement","recorded":"2023-01-03T00:00:00Z","x":{"when":"2025-01-01"}})",
  };
  for (const std::string& text : declined) EXPECT_FALSE(Agrees(text)) << text;
}

TEST(MovementParseTest, KeepsTheSourcesOnlyWhenAsked) {
  EXPECT_TRUE(ParseMovementFast(kPlain, json())->sources.empty());
  EXPECT_EQ(ParseMovementFast(kPlain, json(), true)->sources, (std::vector<std::string>{"s1", "s2"}));
  // What the DOM reader keeps of `sources`: its strings, in order.
  const std::string mixed = R"({"date":"2023-01-02","id":"a","kind":"movement","sources":["b",1,["c"],{"d":"e"},"a"]})";
  EXPECT_EQ(ParseMovementFast(mixed, json(), true)->sources, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(ParseMovementFast(R"({"date":"2023-01-02","id":"a","kind":"movement","sources":"b"})", json(), true));
}

TEST(MovementParseTest, JudgesDatesByTheCaseWindow) {
  const json profile = json::parse(R"({"date_window":{"from":"2020-01-01","until":"2030-01-01"}})");
  const std::string text = R"({"date":"2019-06-01","id":"a","kind":"movement"})";
  EXPECT_TRUE(ParseMovementFast(text, json()).has_value());
  EXPECT_FALSE(ParseMovementFast(text, profile).has_value());
}

// A case's own outcome term: the fast reader, which does not know the case,
// declines it; the DOM reader counts it by its class and keeps the term.
TEST(MovementParseTest, ACaseOutcomeTermIsClassedOnTheDomPath) {
  for (const auto& [term, cls] : kCaseOutcomes) {
    const std::string text = R"({"date":"2023-01-02","id":"a","kind":"movement","outcome":")" + term + R"(","vehicles":2})";
    EXPECT_FALSE(ParseMovementFast(text, json()).has_value()) << term;
    Result<MovementFields> dom = MovementFromJson(json::parse(text), kCaseOutcomes);
    ASSERT_TRUE(dom.ok()) << dom.status().message();
    EXPECT_EQ(OutcomeName(dom->outcome), cls);
    EXPECT_EQ(dom->outcome_term, term);
    EXPECT_FALSE(MovementFromJson(json::parse(text)).ok()) << term << " has no class without the case's";
  }
  const std::string departed = R"({"date":"2023-01-02","id":"a","kind":"movement","outcome":"departed"})";
  EXPECT_TRUE(Agrees(departed));
  EXPECT_EQ(ParseMovementFast(departed, json())->outcome_term, "departed");
}

// A random movement body: each member absent or one of its values, some of
// the wrong type, an unknown unit, a far date or a repeated member, in a
// random order.
std::string RandomMovementText() {
  // Each member: values the fast reader may read, then values it must not
  // read differently from the DOM (wrong types, unknown values, far dates).
  struct Member {
    std::string name;
    std::vector<std::string> plain, odd;
  };
  static const std::vector<Member> kMembers = {
      {"date", {R"("2023-01-02")", R"("2023-06-30")"}, {R"("2023-02-30")", R"("1850-01-01")", "5", "null"}},
      {"direction", {R"("in")", R"("out")", R"("both")"}, {R"("up")", "1"}},
      {"vehicles", {"0", "3", "1.5", "1e3", "18446744073709551615"}, {"-2", R"("7")", "null"}},
      {"persons", {"12", "0.5"}, {"true", "[]"}},
      {"patients", {"1", "2.25", "-0.0"}, {}},
      {"outcome", {R"("completed")", R"("stopped")", R"("turned_back")", R"("departed")"},
       {R"("lost")", R"("diverted")", R"("handed_over")", R"("held")"}},
      {"qualifier", {R"("at_least")", R"("about")", R"("at_most")"}, {R"("roughly")"}},
      {"operator", {R"("icrc")", R"("")", R"("\u00e9t\u00e9 \"q\"")"}, {"1"}},
      {"route", {R"("road")", R"("rt-\\x")"}, {"{}"}},
      {"reported_by", {R"("ngo")"}, {"null"}},
      {"period",
       {R"({"from":"2023-01-01","to":"2023-01-07"})", R"({"to":"2023-01-07","from":"2023-01-01"})"},
       {R"({"from":"2023-01-01"})", R"({"from":"2023-01-01","to":"2023-01-07","x":1})", "1", "{}"}},
      {"cargo",
       {"[]", R"([{"commodity":"flour","quantity":2.5,"unit":"t"}])",
        R"([{"commodity":"fuel","quantity":300,"unit":"l"},{"commodity":"x","quantity":1,"unit":"kg"}])"},
       {R"([{"commodity":"x","quantity":1,"unit":"furlong"}])", R"([{"commodity":"x","unit":"kg"}])",
        R"([{"quantity":"1","unit":"kg"}])", R"("flour")"}},
      {"sources", {R"(["s1","s2"])", "[]", R"(["b",1,["c"]])"}, {R"("s")"}},
      {"recorded", {R"("2023-01-03T10:00:00Z")"}, {R"("1900-01-01T00:00:00Z")", R"("bad")"}},
      {"note", {R"("n")", R"({"a":[1,{"b":null}],"c":"2023-01-01"})"}, {R"("9999-12-31")"}},
  };
  std::vector<std::string> members = {R"("id":"mv-1")", R"("kind":"movement")"};
  for (const Member& m : kMembers) {
    const int roll = *rc::gen::inRange(0, 12);  // 0-3 absent, 4-10 plain, 11 odd
    const std::vector<std::string>& pool = roll == 11 && !m.odd.empty() ? m.odd : m.plain;
    if (roll < 4) continue;
    const std::string member = "\"" + m.name + "\":" + *rc::gen::elementOf(pool);
    members.push_back(member);
    if (*rc::gen::inRange(0, 40) == 0) members.push_back(member);  // repeated
  }
  if (*rc::gen::arbitrary<bool>()) {  // else in the order written, as canonical bodies are sorted
    std::mt19937 order(*rc::gen::arbitrary<uint32_t>());
    std::shuffle(members.begin(), members.end(), order);
  }
  std::string text = "{";
  for (size_t i = 0; i < members.size(); ++i) text += (i > 0 ? "," : "") + members[i];
  return text + "}";
}

// Random movement bodies: each member absent or one of its values, some of
// the wrong type, an unknown unit, a far date or a repeated member, in a
// random order. The fast reader declines (the DOM path decides) or gives
// exactly what the DOM reader gives, and never reads a body the DOM path
// would reject or leave out as far-dated.
RC_GTEST_PROP(MovementParseProperty, DeclinesOrAgreesWithTheDomReader, ()) {
  const std::string text = RandomMovementText();
  std::optional<MovementFields> fast = ParseMovementFast(text, json());
  RC_CLASSIFY(fast.has_value(), "read by the fast reader");
  if (!fast) return;
  json body = json::parse(text, nullptr, false);
  RC_ASSERT(body.is_object());
  RC_ASSERT(!FarDated(body));
  Result<MovementFields> dom = MovementFromJson(body, kCaseOutcomes);
  RC_ASSERT(dom.ok());
  RC_ASSERT(*dom == *fast);
}

// The fast reader's own scanner (the JSON subset the log stores) against
// nlohmann's SAX parser alone, on random bodies and on bodies cut short or
// with bytes changed or inserted: white space, quotes, escapes, digits,
// signs, exponents, brackets, control bytes, and UTF-8 both well-formed and
// not (overlong, surrogate, past U+10FFFF, cut). Whatever the scanner
// decides, the fields (or the refusal) are the ones the SAX parser gives.
RC_GTEST_PROP(MovementParseProperty, TheScannerAgreesWithNlohmannsParser, ()) {
  static const std::vector<std::string> kBits = {
      " ", "\n", "\"", "\\", "\\u00e9", ",", ":", "{", "}", "[", "]", "0", "01", "-", "-0", "1.", ".5", "1e",
      "1E+2", "1e-400", "1e400", "true", "nul", "\x01", "\x7f", "\xc3\xa9", "\xc3", "\xc0\x80", "\xe0\x80\x80",
      "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98\x80", "\xef\xbb\xbf", "12345678901234567890",
      "-9223372036854775809", "999999999999999999", "/"};
  std::string text = RandomMovementText();
  const int edits = *rc::gen::inRange(0, 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, text.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0: text.insert(at, *rc::gen::elementOf(kBits)); break;
      case 1: text.replace(at, 1, *rc::gen::elementOf(kBits)); break;
      default: text.resize(at); break;
    }
  }
  RC_CLASSIFY(edits == 0, "unchanged");
  const bool sources = *rc::gen::arbitrary<bool>();
  const std::optional<MovementFields> fast = ParseMovementFast(text, json(), sources);
  const std::optional<MovementFields> sax = ParseMovementSax(text, json(), sources);
  RC_CLASSIFY(fast.has_value(), "read");
  RC_ASSERT(fast.has_value() == sax.has_value());
  if (fast) RC_ASSERT(*fast == *sax);
}

// Numbers and strings the scanner reads itself, by their kind as nlohmann
// reports them: the figure of an integer, 0 for a fraction.
TEST(MovementParseTest, TheScannerReadsNumbersAndTextAsNlohmannDoes) {
  for (const char* v : {"0", "-0", "7", "999999999999999999", "-999999999999999999", "2.5", "-0.0", "1e3",
                        "1E+2", "12345678901234567890", "1e400", "\"\u0037\""}) {
    const std::string text = std::string(R"({"date":"2023-01-02","id":"m","kind":"movement","vehicles":)") + v + "}";
    EXPECT_EQ(ParseMovementFast(text, json()), ParseMovementSax(text, json())) << text;
  }
  const std::string named = "{\"date\":\"2023-01-02\",\"id\":\"m\",\"kind\":\"movement\",\"operator\":\"\xd4\xb1\xd6\x80\"}";
  auto m = ParseMovementFast(named, json());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->op, "\xd4\xb1\xd6\x80");  // UTF-8 kept as it is
}

}  // namespace
}  // namespace lifeline::analysis
