#include "config/toml_fields.h"

#include <gtest/gtest.h>

#include "base/status_testing.h"

namespace lifeline::config {
namespace {

TEST(TomlFieldsTest, SyntaxErrorNamesFileAndLine) {
  TomlErrors err("rules.toml");
  auto t = ParseToml("a = 1\nb = = 2\n", "rules.toml", err);
  EXPECT_TRUE(StatusIs(t, ErrorCode::kInvalidArgument, "rules.toml:2: (toml): "));
}

TEST(TomlFieldsTest, LineZeroIsTheWholeFile) {
  TomlErrors err("map.toml");
  EXPECT_EQ(err.At(0, "kind", "required").message(), "map.toml: kind: required");
  EXPECT_EQ(err.At(7, "kind", "required").message(), "map.toml:7: kind: required");
}

TEST(TomlFieldsTest, UnknownKeyNamesItsLineAndTheKnownKeys) {
  TomlErrors err("x.toml");
  auto t = ParseToml("name = \"a\"\n\n[c]\nthreshhold = 1\n", "x.toml", err);
  ASSERT_OK(t);
  const toml::table& c = *(*t)["c"].as_table();
  EXPECT_EQ(CheckKeys(c, {"threshold", "unit"}, err, "c.").message(),
            "x.toml:4: c.threshhold: unknown key (known: threshold, unit)");
  EXPECT_OK(CheckKeys(*t, {"name", "c"}, err, ""));
}

TEST(TomlFieldsTest, Values) {
  TomlErrors err("v.toml");
  auto t = ParseToml("s = \"\"\nn = 2.5\ni = 12\ntables = [{ a = 1 }, 3]\n", "v.toml", err);
  ASSERT_OK(t);
  EXPECT_EQ(TomlString(*(*t)["s"].node(), "s", err).status().message(), "v.toml:1: s: must be a non-empty string");
  EXPECT_EQ(*TomlNumber(*(*t)["n"].node(), "n", err), 2.5);
  EXPECT_EQ(*TomlNumber(*(*t)["i"].node(), "i", err), 12.0);
  EXPECT_EQ(TomlInteger(*(*t)["i"].node(), "i", err, 0, 10).status().message(),
            "v.toml:3: i: must be an integer between 0 and 10");
  int seen = 0;
  Status s = ForEachTable(*(*t)["tables"].node(), "tables", err, [&](const toml::table&) {
    ++seen;
    return Status::Ok();
  });
  EXPECT_EQ(seen, 1);
  EXPECT_TRUE(StatusIs(s, ErrorCode::kInvalidArgument, "tables: must be a table"));
}

}  // namespace
}  // namespace lifeline::config
