#include "note/checkpoint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "crypto/sha256.h"
#include "note/cosignature.h"
#include "note/note_testing.h"

namespace lifeline::note {
namespace {

// tlog-verify's fixture (../shared/tools/tlog-verify, `make-fixture DIR 3`):
// key seed SHA-256("tlog-verify fixture key (TEST ONLY)"), entries
// "entry 0\n".."entry 2\n". The checkpoints below are Go x/mod's output.
constexpr char kFixtureOrigin[] = "example.org/tlog-verify-fixture";
constexpr char kFixtureSkey[] =
    "PRIVATE+KEY+example.org/tlog-verify-fixture+8035395c+AQ8VdTSo6d49lnPcSpL8uzXfiwNDBtVrC37gp2UTlo56";
constexpr char kFixtureVkey[] =
    "example.org/tlog-verify-fixture+8035395c+AUlWf2r/lzP4L+nwTNyci14mU9qBbbnUFGemi0+rC51v";
constexpr char kFixtureCheckpoint3[] =
    "example.org/tlog-verify-fixture\n3\nJuepCLEeDgtaydy1MBABTLXvSvOXbV6jWV1IpMD7cYs=\n\n"
    "\xe2\x80\x94 example.org/tlog-verify-fixture "
    "gDU5XKiW0sgVW/onXtr6G72VKSnkxSXXOrQWMBOK99mN4W9WD6s1jhV2aJonvJjfQS3RCD6ZanTCbbyL2Im/BFOxlww=\n";
constexpr char kFixtureCheckpoint1[] =
    "example.org/tlog-verify-fixture\n1\nFiHOfaiyVKSlJYyQjHADc2z8NG8kgqvmCmBlH7wRZ5E=\n\n"
    "\xe2\x80\x94 example.org/tlog-verify-fixture "
    "gDU5XA2wi2FmrgjgBaFiW6lMVuh7obmcvviaqaHdfLYUYmfe4Y/kUP18rA+vRlMwjbziQ2lysuoG4wYdlJUgH9ZVuQo=\n";
constexpr char kFixtureCheckpoint0[] =
    "example.org/tlog-verify-fixture\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"
    "\xe2\x80\x94 example.org/tlog-verify-fixture "
    "gDU5XI22PqzazJvStUxuSUTqFJ5Kph8NlUre1QVZOlsCABqHvoNzY2yq9ftWrNu4JeefnL3cr3TZS8TAxZFQ24migA0=\n";

Signer FixtureSigner() {
  Result<Signer> s = Signer::Parse(kFixtureSkey);
  EXPECT_OK(s);
  return *std::move(s);
}

TEST(CheckpointTest, FormatsAndParses) {
  Checkpoint cp;
  cp.origin = "example.org/log";
  cp.size = 8;
  cp.root = LeafHash("x");
  std::string body = FormatCheckpoint(cp);
  EXPECT_EQ(body, "example.org/log\n8\n" + Base64Encode(cp.root) + "\n");
  Result<Checkpoint> parsed = ParseCheckpoint(body);
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, cp);

  cp.extensions = {"ext one", "\xe2\x80\x94 two"};
  body = FormatCheckpoint(cp);
  EXPECT_EQ(body, "example.org/log\n8\n" + Base64Encode(cp.root) + "\next one\n\xe2\x80\x94 two\n");
  parsed = ParseCheckpoint(body);
  ASSERT_OK(parsed);
  EXPECT_EQ(*parsed, cp);
  EXPECT_EQ(FormatCheckpoint(*parsed), body);
}

TEST(CheckpointTest, AcceptsLimits) {
  std::string r = Base64Encode(LeafHash("x"));
  Result<Checkpoint> cp = ParseCheckpoint("o\n9223372036854775807\n" + r + "\n");
  ASSERT_OK(cp);
  EXPECT_EQ(cp->size, 9223372036854775807u);
  std::string empty_root = Base64Encode(crypto::Sha256(std::string_view()));
  EXPECT_EQ(empty_root, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  cp = ParseCheckpoint("o\n0\n" + empty_root + "\n");
  ASSERT_OK(cp);
  EXPECT_EQ(cp->size, 0u);
}

// Mirrors tlog-verify demo.go formatChecks: validly signed checkpoints whose
// bodies are malformed, plus a few more.
TEST(CheckpointTest, RejectsMalformedBodies) {
  crypto::Hash h = LeafHash("x");
  std::string r = Base64Encode(h);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string pad_bits = r.substr(0, 42) + alphabet[alphabet.find(r[42]) | 1] + "=";
  std::string h33 = crypto::HashToString(h) + std::string(1, '\0');
  std::string long_root = Base64Encode(AsBytes(h33));
  std::string o = std::string(kFixtureOrigin) + "\n";
  struct Case {
    std::string body;
    std::string want;
  };
  const std::vector<Case> cases = {
      {o + "05\n" + r + "\n", "checkpoint size \"05\" has a leading zero"},
      {o + "+5\n" + r + "\n", "checkpoint size \"+5\" is not a decimal number"},
      {o + "-1\n" + r + "\n", "checkpoint size \"-1\" is not a decimal number"},
      {o + "\n" + r + "\n", "checkpoint size is empty"},
      {o + "9223372036854775808\n" + r + "\n", "is larger than 9223372036854775807"},
      {o + "18446744073709551616\n" + r + "\n", "is larger than 9223372036854775807"},
      {o + "5 \n" + r + "\n", "checkpoint size \"5 \" is not a decimal number"},
      {o + "5\n" + r.substr(0, r.size() - 1) + "\n", "base64 length 43 is not a multiple of 4"},
      {o + "5\n" + r.substr(4) + "\n", "is 29 bytes, want 32"},
      {o + "5\n" + long_root + "\n", "is 33 bytes, want 32"},
      {o + "5\n" + pad_bits + "\n", "non-canonical base64 (padding bits set)"},
      {o + "5\n" + r + " \n", "base64 length 45 is not a multiple of 4"},
      {o + "5\n", "checkpoint body has 2 lines, want origin, size and root"},
      {"\n5\n" + r + "\n", "checkpoint origin line is empty"},
      {o + "5\n" + r + "\n\nextension\n", "checkpoint extension line 1 is empty"},
      {o + "0\n" + r + "\n", "checkpoint size is 0 but the root is not SHA-256(\"\")"},
      {o + "5\n" + r, "checkpoint body does not end in a newline"},
      {"", "checkpoint body does not end in a newline"},
      {o + "5\r\n" + r + "\n", "control character \"\\x0d\""},
      {"ex\x01\n5\n" + r + "\n", "control character \"\\x01\""},
      {"ex\xff\n5\n" + r + "\n", "invalid UTF-8"},
      {o + "5\n" + r + "\nok\n\n", "checkpoint extension line 2 is empty"},
      {o + "0x5\n" + r + "\n", "is not a decimal number"},
      {o + "5\n" + "\n", "checkpoint root \"\" is 0 bytes, want 32"},
  };
  ASSERT_GE(cases.size(), 16u);
  Signer signer = FixtureSigner();
  for (const Case& c : cases) {
    Result<Checkpoint> cp = ParseCheckpoint(c.body);
    ExpectError(cp, c.want, c.body);
    EXPECT_EQ(cp.status().code(), ErrorCode::kInvalidArgument);
    Result<std::string> signed_note = SignNote(c.body, signer);
    if (!signed_note.ok()) continue;  // not even valid note text
    Result<SignedCheckpoint> opened = OpenCheckpoint(*signed_note, signer.verifier());
    ExpectError(opened, c.want, *signed_note);
    EXPECT_EQ(opened.status().message().rfind("signed checkpoint: ", 0), 0u) << *signed_note;
  }
}

TEST(CheckpointTest, SignsFixtureCheckpointsLikeGo) {
  Signer signer = FixtureSigner();
  EXPECT_EQ(signer.verifier().ToString(), kFixtureVkey);
  // RFC 6962 roots of "entry 0\n", ... computed by hand for sizes 0, 1, 3.
  crypto::Hash l0 = LeafHash("entry 0\n"), l1 = LeafHash("entry 1\n"), l2 = LeafHash("entry 2\n");
  crypto::Hash root3 = crypto::Sha256Node(1, crypto::Sha256Node(1, l0, l1), l2);
  const std::vector<std::pair<Checkpoint, const char*>> cases = {
      {{kFixtureOrigin, 0, crypto::Sha256(std::string_view()), {}}, kFixtureCheckpoint0},
      {{kFixtureOrigin, 1, l0, {}}, kFixtureCheckpoint1},
      {{kFixtureOrigin, 3, root3, {}}, kFixtureCheckpoint3},
  };
  for (const auto& [cp, want] : cases) {
    Result<std::string> got = SignNote(FormatCheckpoint(cp), signer);
    ASSERT_OK(got);
    EXPECT_EQ(*got, want);
  }
}

TEST(CheckpointTest, OpensFixtureCheckpoint) {
  Result<Verifier> v = Verifier::Parse(kFixtureVkey);
  ASSERT_OK(v);
  Result<SignedCheckpoint> sc = OpenCheckpoint(kFixtureCheckpoint3, *v);
  ASSERT_OK(sc);
  EXPECT_EQ(sc->checkpoint.origin, kFixtureOrigin);
  EXPECT_EQ(sc->checkpoint.size, 3u);
  EXPECT_EQ(Base64Encode(sc->checkpoint.root), "JuepCLEeDgtaydy1MBABTLXvSvOXbV6jWV1IpMD7cYs=");
  EXPECT_TRUE(sc->checkpoint.extensions.empty());
  EXPECT_EQ(sc->text, kFixtureCheckpoint3);
  EXPECT_EQ(sc->note.signatures.size(), 1u);
  EXPECT_EQ(FormatNote(sc->note), kFixtureCheckpoint3);

  sc = OpenCheckpoint(kFixtureCheckpoint0, *v);
  ASSERT_OK(sc);
  EXPECT_EQ(sc->checkpoint.size, 0u);
}

TEST(CheckpointTest, OpenRejectsTamperingAndWrongKeys) {
  Result<Verifier> v = Verifier::Parse(kFixtureVkey);
  ASSERT_OK(v);
  std::string cp = kFixtureCheckpoint3;
  std::string tampered = cp;
  tampered.replace(tampered.find("\n3\n"), 3, "\n4\n");
  Result<SignedCheckpoint> sc = OpenCheckpoint(tampered, *v);
  EXPECT_EQ(sc.status().code(), ErrorCode::kVerificationFailed);
  ExpectError(sc,
              "checkpoint: signature by example.org/tlog-verify-fixture+8035395c does not verify",
              tampered);
  // Flipping any byte of the checkpoint makes it fail.
  for (size_t i = 0; i < cp.size(); ++i) {
    std::string b = cp;
    b[i] ^= 0x01;
    EXPECT_FALSE(OpenCheckpoint(b, *v).ok()) << "byte " << i;
  }
  Signer other = Signer::Generate(kFixtureOrigin);
  ExpectError(OpenCheckpoint(cp, other.verifier()),
              "no signature by example.org/tlog-verify-fixture+", cp);
}

TEST(CheckpointTest, OpenRequiresOriginToMatchKeyName) {
  Signer signer = Signer::Generate("example.org/log-a");
  Checkpoint cp{"example.org/log-b", 1, LeafHash("x"), {}};
  Result<std::string> msg = SignNote(FormatCheckpoint(cp), signer);
  ASSERT_OK(msg);
  Result<SignedCheckpoint> sc = OpenCheckpoint(*msg, signer.verifier());
  EXPECT_EQ(sc.status().code(), ErrorCode::kVerificationFailed);
  ExpectError(
      sc,
      "checkpoint origin \"example.org/log-b\" differs from the log key's name \"example.org/log-a\"",
      *msg);
}

TEST(CheckpointTest, OpenKeepsCosignatures) {
  Signer signer = FixtureSigner();
  crypto::Ed25519Seed seed{};
  seed[0] = 7;
  CosignatureSigner witness("witness.example/w1", seed);
  std::string body = FormatCheckpoint({kFixtureOrigin, 1, LeafHash("entry 0\n"), {}});
  Note note{body, {signer.Sign(body), witness.Sign(body, 1700000000)}};
  std::string msg = FormatNote(note);
  Result<SignedCheckpoint> sc = OpenCheckpoint(msg, signer.verifier());
  ASSERT_OK(sc);
  ASSERT_EQ(sc->note.signatures.size(), 2u);
  Result<uint64_t> ts = witness.verifier().Verify(sc->note.text, sc->note.signatures[1]);
  ASSERT_OK(ts);
  EXPECT_EQ(*ts, 1700000000u);
  EXPECT_EQ(sc->text, msg);
}

}  // namespace
}  // namespace lifeline::note
