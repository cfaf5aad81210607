#include "analysis/json_writer.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace lifeline::analysis {
namespace {

using nlohmann::json;

std::string Dump(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

// Writes `j` through the streaming calls; `dom_depth`: from this depth on,
// subtrees go through Value() whole (the mixed use of the analyses).
void Walk(JsonWriter& w, const json& j, int depth, int dom_depth) {
  if (depth >= dom_depth) return w.Value(j);
  if (j.is_object()) {
    w.BeginObject();
    for (const auto& [k, v] : j.items()) {
      w.Key(k);
      Walk(w, v, depth + 1, dom_depth);
    }
    return w.EndObject();
  }
  if (j.is_array() && !j.empty() && std::all_of(j.begin(), j.end(), [](const json& x) { return x.is_string(); })) {
    return w.Strings(j.get<std::vector<std::string>>());
  }
  if (j.is_array()) {
    w.BeginArray();
    for (const auto& v : j) Walk(w, v, depth + 1, dom_depth);
    return w.EndArray();
  }
  if (j.is_string()) return w.String(j.get_ref<const std::string&>());
  w.Value(j);
}

std::string Streamed(const json& j, int indent, int dom_depth) {
  return JsonText([&](JsonWriter& w) { Walk(w, j, 0, dom_depth); }, indent);
}

// Strings that exercise dump()'s escaping: quotes, backslashes, controls,
// DEL, UTF-8, and bytes that are not UTF-8 (replaced by U+FFFD).
rc::Gen<std::string> Text() {
  return rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::element('a', 'Z', '0', '-', ' ', '"', '\\', '/', '\n', '\t', '\x01', '\x1f', '\x7f'),
      rc::gen::map(rc::gen::inRange(0, 256), [](int c) { return static_cast<char>(c); })));
}

rc::Gen<json> Doc(int depth) {
  auto scalar = rc::gen::oneOf(
      rc::gen::just(json(nullptr)), rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t v) { return json(v); }),
      rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t v) { return json(v); }),
      rc::gen::map(rc::gen::arbitrary<double>(), [](double v) { return json(v); }),
      rc::gen::map(Text(), [](std::string s) { return json(std::move(s)); }));
  if (depth == 0) return scalar;
  auto array = rc::gen::map(rc::gen::container<std::vector<json>>(Doc(depth - 1)), [](std::vector<json> v) {
    json a = json::array();
    for (auto& x : v) a.push_back(std::move(x));
    return a;
  });
  auto strings = rc::gen::map(rc::gen::container<std::vector<std::string>>(Text()),
                              [](std::vector<std::string> v) { return json(std::move(v)); });
  auto object = rc::gen::map(rc::gen::container<std::map<std::string, json>>(Text(), Doc(depth - 1)),
                             [](std::map<std::string, json> m) { return json(std::move(m)); });
  return rc::gen::oneOf(scalar, array, strings, object);
}

RC_GTEST_PROP(JsonWriterProperty, WritesWhatDumpWrites, ()) {
  const json j = *rc::gen::resize(30, Doc(3));
  const int dom_depth = *rc::gen::inRange(0, 5);
  for (int indent : {-1, 0, 2, 4}) {
    RC_ASSERT(Streamed(j, indent, dom_depth) == Dump(j, indent));
  }
}

TEST(JsonWriterTest, EmptyContainersAndDeepIndent) {
  json j = {{"a", json::object()}, {"b", json::array()}, {"c", {{"d", {{"e", std::vector<std::string>{}}}}}}};
  json deep = "x";
  for (int i = 0; i < 40; ++i) deep = json::array({deep});  // 80 spaces and more of indent
  j["z"] = deep;
  for (int indent : {-1, 2, 3}) {
    for (int dom_depth : {0, 1, 2, 99}) EXPECT_EQ(Streamed(j, indent, dom_depth), Dump(j, indent));
  }
}

TEST(JsonWriterTest, WriteObjectSortsMembersAsTheDomDoes) {
  JsonMembers m = MembersOf({{"b", 1}, {"a", {1, 2}}});
  m.push_back({"ab", [](JsonWriter& w) { w.Strings({"x", "\xff"}); }});
  m.push_back({"B", [](JsonWriter& w) { w.String("upper case sorts first"); }});
  json want = {{"b", 1}, {"a", {1, 2}}, {"ab", {"x", "\xff"}}, {"B", "upper case sorts first"}};
  for (int indent : {-1, 2}) {
    EXPECT_EQ(JsonText([&](JsonWriter& w) { WriteObject(w, m); }, indent), Dump(want, indent));
  }
}

// The writer buffers: a complete document is in the stream before the
// writer goes (the CLI writes its newline after it), a long one reaches the
// stream in pieces while it is written, and Flush empties the buffer.
TEST(JsonWriterTest, BufferedTextReachesTheStream) {
  std::ostringstream o;
  JsonWriter w(o, -1);
  w.BeginArray();
  w.String("a");
  w.EndArray();
  EXPECT_EQ(o.str(), "[\"a\"]");
  w.BeginArray();
  const std::string id(100, 'x');
  for (int i = 0; i < 1000; ++i) w.String(id);  // ~100 KB: above the buffer
  EXPECT_GT(o.str().size(), 5u);
  EXPECT_LT(o.str().size(), 5 + 1000 * 103);
  w.Flush();
  EXPECT_EQ(o.str().size(), 5 + 1 + 1000 * 103 - 1);
  w.EndArray();
  EXPECT_EQ(o.str().size(), 5 + 1000 * 103 + 1);
}

TEST(JsonWriterDeathTest, KeysOutOfOrderAbort) {
  std::ostringstream o;
  JsonWriter w(o, 2);
  w.BeginObject();
  w.Key("b");
  w.Value(1);
  EXPECT_DEATH(w.Key("a"), "keys out of nlohmann's order");
}

}  // namespace
}  // namespace lifeline::analysis
