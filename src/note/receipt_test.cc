#include "note/receipt.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "note/note_testing.h"

namespace lifeline::note {
namespace {

// Written by tlog-verify `make-fixture DIR 3` (Go): receipts/2.tlog-proof and
// receipts/0.tlog-proof, and the size-1 checkpoint of the same log.
constexpr char kCheckpoint3[] =
    "example.org/tlog-verify-fixture\n3\nJuepCLEeDgtaydy1MBABTLXvSvOXbV6jWV1IpMD7cYs=\n\n"
    "\xe2\x80\x94 example.org/tlog-verify-fixture "
    "gDU5XKiW0sgVW/onXtr6G72VKSnkxSXXOrQWMBOK99mN4W9WD6s1jhV2aJonvJjfQS3RCD6ZanTCbbyL2Im/BFOxlww=\n";
constexpr char kCheckpoint1[] =
    "example.org/tlog-verify-fixture\n1\nFiHOfaiyVKSlJYyQjHADc2z8NG8kgqvmCmBlH7wRZ5E=\n\n"
    "\xe2\x80\x94 example.org/tlog-verify-fixture "
    "gDU5XA2wi2FmrgjgBaFiW6lMVuh7obmcvviaqaHdfLYUYmfe4Y/kUP18rA+vRlMwjbziQ2lysuoG4wYdlJUgH9ZVuQo=\n";
constexpr char kVkey[] =
    "example.org/tlog-verify-fixture+8035395c+AUlWf2r/lzP4L+nwTNyci14mU9qBbbnUFGemi0+rC51v";

std::string Receipt2() {
  return std::string(
             "c2sp.org/tlog-proof@v1\nindex 2\n/h+2s9jnS+4u7RyHxkdMxC6zihyqhcmu/Yo8NQExOSU=\n\n") +
         kCheckpoint3;
}
std::string Receipt0() {
  return std::string(
             "c2sp.org/tlog-proof@v1\nindex 0\nGKScdHkycRdkxrk/rMHxvvZjqdG61kRtX4qY5SdxtGY=\n"
             "PcBScDQMpoZKQqUYjxxjaHboVKs1RdmBrGZc+3SqTcw=\n\n") +
         kCheckpoint3;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t i = s.find(from);
  EXPECT_NE(i, std::string::npos) << from;
  if (i != std::string::npos) s.replace(i, from.size(), to);
  return s;
}

TEST(ReceiptTest, ParsesGoFixtureReceipts) {
  Result<Receipt> r = ParseReceipt(Receipt2());
  ASSERT_OK(r);
  EXPECT_FALSE(r->extra.has_value());
  EXPECT_EQ(r->index, 2u);
  ASSERT_EQ(r->proof.size(), 1u);
  // The sibling of leaf 2 in a tree of 3 is the node over leaves 0 and 1.
  EXPECT_EQ(r->proof[0], crypto::Sha256Node(1, LeafHash("entry 0\n"), LeafHash("entry 1\n")));
  EXPECT_EQ(r->checkpoint, kCheckpoint3);
  EXPECT_EQ(FormatReceipt(*r), Receipt2());

  r = ParseReceipt(Receipt0());
  ASSERT_OK(r);
  EXPECT_EQ(r->index, 0u);
  ASSERT_EQ(r->proof.size(), 2u);
  EXPECT_EQ(r->proof[0], LeafHash("entry 1\n"));
  EXPECT_EQ(r->proof[1], LeafHash("entry 2\n"));
  EXPECT_EQ(FormatReceipt(*r), Receipt0());

  // The checkpoint inside opens with the log's key.
  Result<Verifier> v = Verifier::Parse(kVkey);
  ASSERT_OK(v);
  EXPECT_TRUE(OpenCheckpoint(r->checkpoint, *v).ok());
}

TEST(ReceiptTest, RoundTripsWithExtra) {
  Receipt r;
  r.extra = std::string("\x00\x01\x02", 3);
  r.index = 0;
  r.checkpoint = kCheckpoint1;
  std::string text = FormatReceipt(r);
  EXPECT_EQ(text, std::string("c2sp.org/tlog-proof@v1\nextra AAEC\nindex 0\n\n") + kCheckpoint1);
  Result<Receipt> parsed = ParseReceipt(text);
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, r);

  r.extra = "";  // present but empty
  text = FormatReceipt(r);
  EXPECT_EQ(text, std::string("c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n") + kCheckpoint1);
  parsed = ParseReceipt(text);
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, r);
}

TEST(ReceiptTest, AcceptsSixtyThreeHashes) {
  Receipt r;
  r.index = 2;
  r.proof.assign(63, LeafHash("x"));
  r.checkpoint = kCheckpoint3;
  Result<Receipt> parsed = ParseReceipt(FormatReceipt(r));
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, r);
}

// Mirrors tlog-verify demo.go formatChecks, plus a few more.
TEST(ReceiptTest, RejectsMalformedReceipts) {
  const std::string good = std::string("c2sp.org/tlog-proof@v1\nindex 0\n\n") + kCheckpoint1;
  ASSERT_TRUE(ParseReceipt(good).ok());
  std::string r = Base64Encode(LeafHash("x"));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string pad_bits = r.substr(0, 42) + alphabet[alphabet.find(r[42]) | 1] + "=";
  std::string h33 = crypto::HashToString(LeafHash("x")) + std::string(1, '\0');
  std::string long_hash = Base64Encode(AsBytes(h33));
  std::string hashes64;
  for (int i = 0; i < 64; ++i) hashes64 += r + "\n";
  struct Case {
    std::string text;
    std::string want;
  };
  const std::vector<Case> cases = {
      {Replace(good, "@v1", "@v2"), "first line is \"c2sp.org/tlog-proof@v2\""},
      {Replace(good, "index 0", "index 00"), "index \"00\" has a leading zero"},
      {Replace(good, "index 0", "index  0"), "index \" 0\" is not a decimal number"},
      {Replace(good, "index 0\n", ""), "missing \"index N\" line"},
      {Replace(good, "index 0\n", "index 0\n" + pad_bits + "\n"),
       "proof hash 1: non-canonical base64"},
      {Replace(good, "index 0\n", "index 0\r\n"), "index \"0\\x0d\" is not a decimal number"},
      {Replace(good, "index 0\n", "extra A\nindex 0\n"), "extra line: base64 length 1"},
      {Replace(good, "index 0\n", "index 0\n" + long_hash + "\n"),
       "proof hash 1 is 33 bytes, want 32"},
      {Replace(good, "index 0\n", "index 0\n" + hashes64), "64 proof hashes, at most 63"},
      {Replace(good, "\n\n", "\n"), "proof hash 1: base64 length 31"},
      {Replace(good, "index 0", "index 1"), "index 1 is not below the checkpoint's size 1"},
      {Replace(good, "index 0", "index 9223372036854775807"), "is larger than 9223372036854775806"},
      {Replace(good, "index 0", "index -1"), "is not a decimal number"},
      {Replace(good, "index 0", "index"), "missing \"index N\" line"},
      {Replace(good, "index 0", "index "), "index is empty"},
      {Replace(good, "index 0\n", "extra " + pad_bits + "\nindex 0\n"),
       "extra line: non-canonical base64"},
      {Replace(good, "index 0\n", "index 0\nextra AAEC\n"), "proof hash 1: base64 length 10"},
      {Replace(good, "index 0\n", "extra AAEC\nextra AAEC\nindex 0\n"), "missing \"index N\" line"},
      {Replace(good, "c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v1 "), "first line is"},
      {Replace(good, "c2sp.org/tlog-proof@v1\n", "\nc2sp.org/tlog-proof@v1\n"),
       "first line is \"\""},
      {"", "no blank line before the checkpoint"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n", "no blank line before the checkpoint"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n\n", "no checkpoint after the blank line"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n\njunk\n", "checkpoint: malformed note: no blank line"},
      {"c2sp.org/tlog-proof@v1\nindex 0\n\n" + Replace(kCheckpoint1, "\n1\n", "\n01\n"),
       "checkpoint: checkpoint size \"01\" has a leading zero"},
      {good + "x", "checkpoint: malformed note: last signature line does not end in a newline"},
  };
  ASSERT_GE(cases.size(), 10u);
  for (const Case& c : cases) {
    Result<Receipt> parsed = ParseReceipt(c.text);
    ExpectError(parsed, c.want, c.text);
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << c.text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().message().rfind("malformed receipt: ", 0), 0u) << c.text;
    }
  }
}

// A receipt takes the published note in place of its own only when that is
// the same note with more signature lines.
TEST(ReceiptTest, WithPublishedNoteAddsCosignaturesOfTheSameNoteOnly) {
  const std::string note = kCheckpoint1;
  const std::string receipt = FormatReceipt(Receipt{std::nullopt, 0, {}, note});
  const std::string cosig = "\xe2\x80\x94 witness.example/w1 AAAAAAAAAAAA\n";
  const std::string upgraded = WithPublishedNote(receipt, note, note + cosig);
  EXPECT_EQ(upgraded, receipt + cosig);
  ASSERT_OK(ParseReceipt(upgraded));
  EXPECT_EQ(ParseReceipt(upgraded)->checkpoint, note + cosig);
  EXPECT_EQ(WithPublishedNote(receipt, note, note), receipt);              // nothing more
  EXPECT_EQ(WithPublishedNote(receipt, note, "other" + cosig), receipt);   // another note
  EXPECT_EQ(WithPublishedNote(receipt, note + "x", note + "x" + cosig), receipt);  // not this receipt's
  EXPECT_EQ(WithPublishedNote(receipt, "", cosig), receipt);
}

}  // namespace
}  // namespace lifeline::note
