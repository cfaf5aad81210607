#include "ingest/jsonl.h"

#include <gtest/gtest.h>

#include "ingest/ingest_testing.h"

namespace lifeline::ingest {
namespace {

using testing::HasError;

const ImportOptions kJsonlOptions{"lachin-2022-23", "records.jsonl"};

TEST(JsonLinesTest, ReadsObjectsWithTheirLines) {
  ReadResult r = ReadJsonLines(
      "\xEF\xBB\xBF{\"kind\":\"source\",\"id\":\"src-a\",\"publisher\":\"ICRC\",\"title\":\"t\"}\r\n"
      "\n"
      "   \n"
      "{\"kind\":\"incident\",\"id\":\"i-1\",\"case\":\"lachin-2022-23\"}\n"
      "{\"kind\":\"case\",\"id\":\"lachin-2022-23\"}",
      kJsonlOptions);
  ASSERT_TRUE(testing::ReadOk(r));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].line, 1u);
  EXPECT_EQ(r.rows[0].record["publisher"], "ICRC");
  EXPECT_EQ(r.rows[0].record["case"], "lachin-2022-23");  // filled in
  EXPECT_EQ(r.rows[1].line, 4u);
  EXPECT_EQ(r.rows[2].line, 5u);
  EXPECT_FALSE(r.rows[2].record.contains("case"));  // the case record has none
}

// Only the file's first line may start with a BOM: on a later line (two
// files joined), or on the first line of a later chunk of a file read in
// chunks (which used to drop it silently), it is an error naming the line.
TEST(JsonLinesTest, AByteOrderMarkOnALaterLineIsAnError) {
  const std::string kRecord = "{\"kind\":\"source\",\"id\":\"s\",\"publisher\":\"P\",\"title\":\"t\"}";
  ReadResult r = ReadJsonLines(kRecord + "\n" + kRecord + "\n\xEF\xBB\xBF" + kRecord + "\n", kJsonlOptions);
  EXPECT_EQ(r.rows.size(), 2u);
  ASSERT_EQ(r.errors.size(), 1u) << testing::Dump(r.errors);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].field, "(line)");
  EXPECT_NE(r.errors[0].message.find("byte order mark"), std::string::npos);
  ImportOptions later = kJsonlOptions;
  later.continues_file = true;
  r = ReadJsonLines("\xEF\xBB\xBF" + kRecord + "\n", later);
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1u);
}

TEST(JsonLinesTest, WithoutCaseIdRecordsAreLeftAlone) {
  ReadResult r = ReadJsonLines("{\"kind\":\"x\",\"case\":\"other\"}\n", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rows[0].record["case"], "other");
}

TEST(JsonLinesTest, SyntaxErrorsNameLineAndBytePosition) {
  ReadResult r = ReadJsonLines(
      "{\"kind\":\"a\"}\n"
      "{\"kind\": \"a\",}\n"
      "{\"kind\": 'a'}\n"
      "{\"kind\":\"a\"} {\"kind\":\"b\"}\n"
      "{\"kind\":\"a\"\n",
      kJsonlOptions);
  EXPECT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.errors.size(), 4u) << testing::Dump(r.errors);
  EXPECT_TRUE(HasError(r.errors, 2, "(line)", "at byte 14"));
  EXPECT_TRUE(HasError(r.errors, 3, "(line)", "at byte 10"));
  EXPECT_TRUE(HasError(r.errors, 4, "(line)", "not valid JSON"));
  EXPECT_TRUE(HasError(r.errors, 5, "(line)", "not valid JSON"));
}

TEST(JsonLinesTest, NonObjectsAreErrors) {
  ReadResult r = ReadJsonLines("[1,2]\n\"text\"\n42\nnull\ntrue\n", kJsonlOptions);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "(line)", "an array"));
  EXPECT_TRUE(HasError(r.errors, 2, "(line)", "a string"));
  EXPECT_TRUE(HasError(r.errors, 3, "(line)", "a number"));
  EXPECT_TRUE(HasError(r.errors, 4, "(line)", "null"));
  EXPECT_TRUE(HasError(r.errors, 5, "(line)", "a boolean"));
}

TEST(JsonLinesTest, DuplicateKeysAreErrors) {
  ReadResult r = ReadJsonLines(
      "{\"kind\":\"a\",\"id\":\"x\",\"id\":\"y\"}\n"
      "{\"kind\":\"a\",\"location\":{\"lat\":1,\"lat\":2}}\n"
      "{\"kind\":\"a\",\"cargo\":[{\"unit\":\"kg\"},{\"unit\":\"kg\"}]}\n",
      kJsonlOptions);
  EXPECT_TRUE(HasError(r.errors, 1, "id", "twice"));
  EXPECT_TRUE(HasError(r.errors, 2, "lat", "twice"));
  ASSERT_EQ(r.rows.size(), 1u);  // equal keys in sibling objects are fine
  EXPECT_EQ(r.rows[0].line, 3u);
}

TEST(JsonLinesTest, DeepNestingIsAnError) {
  std::string deep = "{\"kind\":\"a\",\"x\":" + std::string(100, '[') + std::string(100, ']') + "}";
  ReadResult r = ReadJsonLines(deep + "\n", kJsonlOptions);
  EXPECT_TRUE(HasError(r.errors, 1, "(line)", "deeper than 64"));
}

TEST(JsonLinesTest, KindAndCaseAreChecked) {
  ReadResult r = ReadJsonLines(
      "{\"id\":\"x\"}\n"
      "{\"kind\":7}\n"
      "{\"kind\":\"incident\",\"case\":\"another-case\"}\n"
      "{\"kind\":\"incident\",\"case\":17}\n",
      kJsonlOptions);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "kind", "no kind"));
  EXPECT_TRUE(HasError(r.errors, 2, "kind", "string"));
  EXPECT_TRUE(HasError(r.errors, 3, "case", "another-case"));
  EXPECT_TRUE(HasError(r.errors, 4, "case", "17"));
}

TEST(JsonLinesTest, InvalidUtf8IsAnErrorWithAUtf8Message) {
  ReadResult r = ReadJsonLines("{\"kind\":\"a\",\"name\":\"Panam\xe1\"}\n", kJsonlOptions);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_TRUE(HasError(r.errors, 1, "(line)", "ill-formed UTF-8"));
  EXPECT_TRUE(HasError(r.errors, 1, "(line)", "Panam\\xe1"));  // escaped, not raw
}

TEST(JsonLinesTest, EmptyDuplicateKeyStillNamesAField) {
  ReadResult r = ReadJsonLines("{\"kind\":\"a\",\"\":1,\"\":2}\n", kJsonlOptions);
  EXPECT_TRUE(HasError(r.errors, 1, "(empty key)", "twice"));
}

}  // namespace
}  // namespace lifeline::ingest
