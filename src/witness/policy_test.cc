#include "base/status_testing.h"
#include "witness/policy.h"

#include <gtest/gtest.h>

#include <string>

namespace lifeline::witness {
namespace {

std::string WitnessVkey(const std::string& name, uint8_t fill) {
  crypto::Ed25519Seed seed;
  seed.fill(fill);
  return note::CosignatureSigner(name, seed).verifier().ToString();
}

note::Verifier LogKey(uint8_t fill = 7) {
  crypto::Ed25519Seed seed;
  seed.fill(fill);
  return note::Signer("example.org/log", seed).verifier();
}

// The spec's example, with real keys.
std::string ExamplePolicy() {
  std::string t = "# comment\n\n  log " + LogKey().ToString() + " https://log.example/\n";
  for (int i = 1; i <= 3; ++i) t += "witness X" + std::to_string(i) + " " + WitnessVkey("x" + std::to_string(i), 10 + i) + "\n";
  t += "group X-witnesses 2 X1 X2 X3\n";
  for (int i = 1; i <= 3; ++i) t += "witness\tY" + std::to_string(i) + "\t" + WitnessVkey("y" + std::to_string(i), 20 + i) + " http://y/\n";
  t += "group Y-witnesses any Y1 Y2 Y3\n";
  t += "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n";
  return t;
}

TEST(PolicyTest, ParsesTheSpecExampleAndEvaluatesTheQuorum) {
  Result<Policy> p = ParsePolicy(ExamplePolicy(), "policy");
  ASSERT_OK(p);
  EXPECT_EQ(p->logs.size(), 1u);
  EXPECT_EQ(p->logs[0].url, "https://log.example/");
  EXPECT_EQ(p->witnesses.size(), 6u);
  EXPECT_EQ(p->witnesses[3].url, "http://y/");
  EXPECT_EQ(p->groups.size(), 3u);
  EXPECT_EQ(p->quorum, "X-and-Y");
  EXPECT_TRUE(QuorumMet(*p, {"X1", "X3", "Y2"}));
  EXPECT_FALSE(QuorumMet(*p, {"X1", "Y1", "Y2", "Y3"}));  // only one X
  EXPECT_FALSE(QuorumMet(*p, {"X1", "X2", "X3"}));        // no Y
  EXPECT_FALSE(QuorumMet(*p, {}));
  EXPECT_TRUE(CheckLogListed(*p, LogKey()).ok());
  EXPECT_EQ(CheckLogListed(*p, LogKey(8)).code(), ErrorCode::kFailedPrecondition);
}

TEST(PolicyTest, FormatRoundTrips) {
  Result<Policy> p = ParsePolicy(ExamplePolicy(), "policy");
  ASSERT_OK(p);
  Result<Policy> again = ParsePolicy(FormatPolicy(*p), "formatted");
  ASSERT_OK(again);
  EXPECT_EQ(*again, *p);
}

TEST(PolicyTest, QuorumNoneNeedsNothing) {
  Result<Policy> p = ParsePolicy("quorum none\n", "p");
  ASSERT_OK(p);
  EXPECT_TRUE(QuorumMet(*p, {}));
  // A single witness as the quorum.
  p = ParsePolicy("witness w " + WitnessVkey("w", 1) + "\nquorum w", "p");
  ASSERT_OK(p);
  EXPECT_FALSE(QuorumMet(*p, {}));
  EXPECT_TRUE(QuorumMet(*p, {"w"}));
}

void ExpectError(const std::string& text, const std::string& want) {
  Result<Policy> p = ParsePolicy(text, "DIR/witness-policy");
  ASSERT_FALSE(p.ok()) << "accepted:\n" << text;
  EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find(want), std::string::npos)
      << "message: " << p.status().message() << "\nwant: " << want;
}

TEST(PolicyTest, RejectsBadFilesNamingLineAndField) {
  const std::string w1 = "witness w1 " + WitnessVkey("w1", 1) + "\n";
  const std::string w2 = "witness w2 " + WitnessVkey("w2", 2) + "\n";
  ExpectError("", "DIR/witness-policy: no quorum line");
  ExpectError("quorum none\nquorum none\n", "line 2: quorum: a second quorum line");
  ExpectError("\nfrobnicate x\nquorum none\n", "line 2: unknown keyword \"frobnicate\"");
  ExpectError("quorum w1\n" + w1, "line 1: quorum: \"w1\" is not a witness or group defined above");
  ExpectError(w1 + "witness w1 " + WitnessVkey("other", 3) + "\nquorum none\n", "line 2: witness: the name \"w1\" is already defined");
  ExpectError(w1 + "witness w9 " + WitnessVkey("w1", 1) + "\nquorum none\n", "line 2: witness: vkey: duplicates the key of witness \"w1\"");
  ExpectError("witness none " + WitnessVkey("n", 1) + "\nquorum none\n", "line 1: witness: the name \"none\" is reserved");
  ExpectError("witness w " + LogKey().ToString() + "\nquorum none\n", "line 1: witness: vkey:");
  ExpectError("witness w\nquorum none\n", "line 1: witness: want \"witness <name> <vkey> [<url>]\"");
  ExpectError("log " + WitnessVkey("w", 1) + "\nquorum none\n", "line 1: log: vkey:");
  ExpectError("log " + LogKey().ToString() + "\nlog " + LogKey().ToString() + " http://x\nquorum none\n",
              "line 2: log: vkey: duplicates an earlier log's key");
  ExpectError(w1 + w2 + "group g 3 w1 w2\nquorum g\n", "line 3: group: threshold 3 is not between 1 and the 2 members");
  ExpectError(w1 + w2 + "group g 0 w1 w2\nquorum g\n", "line 3: group: threshold 0 is not between 1");
  ExpectError(w1 + w2 + "group g 01 w1 w2\nquorum g\n", "line 3: group: ");
  ExpectError(w1 + w2 + "group g most w1 w2\nquorum g\n", "(want all, any or a number)");
  ExpectError(w1 + "group g any w1 w1\nquorum g\n", "line 2: group: member \"w1\" is listed twice");
  ExpectError(w1 + "group g any w1 w3\nquorum g\n", "line 2: group: member \"w3\" is not a witness or group defined above");
  ExpectError(w1 + "group g any none\nquorum g\n", "line 2: group: \"none\" cannot be a member");
  ExpectError(w1 + "group g any\nquorum g\n", "line 2: group: want");
  ExpectError(w1 + "quorum w1 extra\n", "line 2: quorum: want \"quorum <name>\"");
  ExpectError(w1 + "quorum w1\r\n", "line 2: byte 0x0d is not allowed");
  ExpectError("# ok\n\x01\nquorum none\n", "line 2: byte 0x01 is not allowed");
}

TEST(PolicyTest, NamesAreOpaqueOctets) {
  // Non-ASCII is allowed and compared as bytes.
  Result<Policy> p = ParsePolicy("witness \xe2\x84\xaa " + WitnessVkey("k", 1) + "\nwitness K " + WitnessVkey("K", 2) +
                                     "\ngroup g all \xe2\x84\xaa K\nquorum g\n",
                                 "p");
  ASSERT_OK(p);
  EXPECT_FALSE(QuorumMet(*p, {"K"}));
  EXPECT_TRUE(QuorumMet(*p, {"K", "\xe2\x84\xaa"}));
}

TEST(PolicyTest, EditsKeepTheManagedGroupInStep) {
  Policy p;
  ASSERT_TRUE(EnsureLog(p, LogKey()).ok());
  ASSERT_TRUE(EnsureLog(p, LogKey()).ok());
  EXPECT_EQ(p.logs.size(), 1u);
  // The first witness makes the quorum "any of the configured witnesses".
  ASSERT_TRUE(AddWitness(p, {"w1", WitnessVkey("w1", 1), "http://a"}).ok());
  EXPECT_EQ(p.quorum, kManagedGroup);
  ASSERT_TRUE(AddWitness(p, {"w2", WitnessVkey("w2", 2), "http://b"}).ok());
  ASSERT_TRUE(AddWitness(p, {"w3", WitnessVkey("w3", 3), "http://c"}).ok());
  EXPECT_TRUE(QuorumMet(p, {"w3"}));
  EXPECT_EQ(AddWitness(p, {"w1", WitnessVkey("w4", 4), ""}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AddWitness(p, {"w4", WitnessVkey("w1", 1), ""}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.witnesses.size(), 3u);

  ASSERT_TRUE(SetQuorum(p, "2").ok());
  EXPECT_EQ(DescribeQuorum(p), "2 of 3 (w1, w2, w3)");
  EXPECT_FALSE(QuorumMet(p, {"w1"}));
  EXPECT_TRUE(QuorumMet(p, {"w1", "w3"}));
  EXPECT_EQ(SetQuorum(p, "4").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SetQuorum(p, "two").code(), ErrorCode::kInvalidArgument);

  ASSERT_TRUE(RemoveWitness(p, "w3").ok());
  EXPECT_EQ(DescribeQuorum(p), "2 of 2 (w1, w2)");
  // Removing another would leave 2 of 1: refused, policy unchanged.
  Policy before = p;
  EXPECT_EQ(RemoveWitness(p, "w2").code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(p, before);
  EXPECT_EQ(RemoveWitness(p, "nobody").code(), ErrorCode::kNotFound);

  ASSERT_TRUE(SetQuorum(p, "all").ok());
  ASSERT_TRUE(AddWitness(p, {"w5", WitnessVkey("w5", 5), "http://e"}).ok());
  EXPECT_FALSE(QuorumMet(p, {"w1", "w2"}));
  EXPECT_TRUE(QuorumMet(p, {"w1", "w2", "w5"}));

  ASSERT_TRUE(SetQuorum(p, "none").ok());
  EXPECT_TRUE(QuorumMet(p, {}));
  EXPECT_TRUE(p.groups.empty());
  ASSERT_TRUE(RemoveWitness(p, "w1").ok());
  // Every edit leaves a policy that parses back to itself.
  Result<Policy> again = ParsePolicy(FormatPolicy(p), "p");
  ASSERT_OK(again);
  EXPECT_EQ(*again, p);
}

TEST(PolicyTest, HandWrittenGroupsBlockRemoval) {
  std::string t = "witness a " + WitnessVkey("a", 1) + "\nwitness b " + WitnessVkey("b", 2) +
                  "\ngroup mine any a b\nquorum mine\n";
  Result<Policy> p = ParsePolicy(t, "p");
  ASSERT_OK(p);
  Status s = RemoveWitness(*p, "a");
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("group \"mine\""), std::string::npos);
  // A witness added to a hand-made quorum is configured but not in it.
  ASSERT_TRUE(AddWitness(*p, {"c", WitnessVkey("c", 3), "http://c"}).ok());
  EXPECT_FALSE(QuorumMet(*p, {"c"}));
  EXPECT_EQ(DescribeQuorum(*p), "group mine: 1 of 2 (a, b)");
}

}  // namespace
}  // namespace lifeline::witness
