#include "note/note.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "crypto/sha256.h"
#include "note/note_testing.h"

namespace lifeline::note {
namespace {

// x/mod sumdb/note's published example (note.go package doc, note_test.go).
constexpr char kPeterSkey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kPeterVkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kEnochVkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSig[] =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr char kEnochSig[] =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

Verifier MustVerifier(std::string_view vkey) {
  Result<Verifier> v = Verifier::Parse(vkey);
  EXPECT_OK(v);
  return *std::move(v);
}

TEST(NoteTest, SignsPeterNeumannExampleByteForByte) {
  Result<Signer> signer = Signer::Parse(kPeterSkey);
  ASSERT_OK(signer);
  EXPECT_EQ(signer->name(), "PeterNeumann");
  EXPECT_EQ(signer->key_hash(), 0xc74f20a3u);
  Result<std::string> msg = SignNote(kText, *signer);
  ASSERT_OK(msg);
  EXPECT_EQ(*msg, std::string(kText) + "\n" + kPeterSig);
}

TEST(NoteTest, DerivesPeterNeumannVerifierKey) {
  Result<Signer> signer = Signer::Parse(kPeterSkey);
  ASSERT_OK(signer);
  EXPECT_EQ(signer->verifier().ToString(), kPeterVkey);
  EXPECT_EQ(signer->ToString(), kPeterSkey);
  Verifier v = MustVerifier(kPeterVkey);
  EXPECT_EQ(v.ToString(), kPeterVkey);
  EXPECT_EQ(v.public_key(), signer->verifier().public_key());
}

// The same key and string are pinned in tests/web/unit/checkpoint.test.mjs:
// the dashboard and the CLI must show a reader the same fingerprint.
TEST(NoteTest, FingerprintOfPeterNeumannKeyIsPinned) {
  Verifier v = MustVerifier(kPeterVkey);
  EXPECT_EQ(Fingerprint(v), "dca0 235f 866e b8d2 9160 92f4 d814 8074");
  Verifier other = Signer::Generate("other").verifier();
  EXPECT_NE(Fingerprint(other), Fingerprint(v));
  EXPECT_EQ(Fingerprint(other).size(), 39u);
}

TEST(NoteTest, OpensPeterNeumannExample) {
  Verifier v = MustVerifier(kPeterVkey);
  std::string msg = std::string(kText) + "\n" + kPeterSig;
  Result<Note> n = OpenNote(msg, v);
  ASSERT_OK(n);
  EXPECT_EQ(n->text, kText);
  ASSERT_EQ(n->signatures.size(), 1u);
  EXPECT_EQ(n->signatures[0].name, "PeterNeumann");
  EXPECT_EQ(n->signatures[0].key_hash, 0xc74f20a3u);
  EXPECT_EQ(n->signatures[0].signature.size(), 64u);
  EXPECT_EQ(FormatNote(*n), msg);
}

TEST(NoteTest, OpenKeepsSignaturesByOtherKeys) {
  std::string msg = std::string(kText) + "\n" + kPeterSig + kEnochSig;
  for (const char* vkey : {kPeterVkey, kEnochVkey}) {
    Result<Note> n = OpenNote(msg, MustVerifier(vkey));
    ASSERT_OK(n) << vkey;
    ASSERT_EQ(n->signatures.size(), 2u);
    EXPECT_EQ(n->signatures[0].name, "PeterNeumann");
    EXPECT_EQ(n->signatures[1].name, "EnochRoot");
    EXPECT_EQ(n->signatures[1].key_hash, 0xaf0cfe78u);
    EXPECT_EQ(FormatNote(*n), msg);
  }
}

TEST(NoteTest, OpenFailsWithoutSignatureByVerifier) {
  Signer other = Signer::Generate("PeterNeumann");  // same name, another key
  std::string msg = std::string(kText) + "\n" + kEnochSig;
  Result<Note> n = OpenNote(msg, MustVerifier(kPeterVkey));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), ErrorCode::kVerificationFailed);
  ExpectError(n, "no signature by PeterNeumann+c74f20a3 (signatures present: EnochRoot+af0cfe78)",
              msg);
  n = OpenNote(msg, other.verifier());
  EXPECT_EQ(n.status().code(), ErrorCode::kVerificationFailed);
}

TEST(NoteTest, OpenRejectsInvalidSignature) {
  std::string sig = kPeterSig;
  std::string msg = std::string(kText) + "\n" + sig.substr(0, 60) + "ABCD" + sig.substr(60);
  Result<Note> n = OpenNote(msg, MustVerifier(kPeterVkey));
  EXPECT_EQ(n.status().code(), ErrorCode::kVerificationFailed);
  ExpectError(n, "signature by PeterNeumann+c74f20a3 does not verify", msg);
  // Altered text.
  msg = std::string(kText) + "!\n\n" + kPeterSig;
  n = OpenNote(msg, MustVerifier(kPeterVkey));
  ExpectError(n, "does not verify", msg);
}

TEST(NoteTest, OpenRejectsBadDuplicateOfVerifiedSignature) {
  // x/mod skips every signature line after the first by the same key; we
  // verify each, so a forged second line cannot ride along.
  std::string sig = kPeterSig;
  std::string bad = sig.substr(0, 60) + "ABCD" + sig.substr(60);
  Verifier v = MustVerifier(kPeterVkey);
  ExpectError(OpenNote(std::string(kText) + "\n" + sig + bad, v), "does not verify", "dup");
  Result<Note> n = OpenNote(std::string(kText) + "\n" + sig + sig, v);
  ASSERT_OK(n);
  EXPECT_EQ(n->signatures.size(), 2u);
}

TEST(NoteTest, OpensC2spSignedNoteExample) {
  Verifier v =
      MustVerifier("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  Result<Note> n = OpenNote(
      "This is an example message.\n\n\xe2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n",
      v);
  ASSERT_OK(n);
  EXPECT_EQ(n->text, "This is an example message.\n");
}

TEST(NoteTest, AcceptsHundredSignaturesRejectsHundredAndOne) {
  std::string sigs;
  for (int i = 0; i < 100; ++i) sigs += kPeterSig;
  Result<Note> n = OpenNote(std::string(kText) + "\n" + sigs, MustVerifier(kPeterVkey));
  ASSERT_OK(n);
  EXPECT_EQ(n->signatures.size(), 100u);
  std::string msg = std::string(kText) + "\n" + sigs + kPeterSig;
  ExpectError(ParseNote(msg), "more than 100 signatures", "101 signatures");
  ExpectError(OpenNote(msg, MustVerifier(kPeterVkey)), "more than 100 signatures",
              "101 signatures");
}

TEST(NoteTest, TextMayContainBlankLines) {
  Signer s = Signer::Generate("example.org/log");
  for (std::string text : {"a\n\nb\n", "a\n\n", "\n", "\n\n\n", "line\n\xe2\x80\x94 x AAAA\n"}) {
    Result<std::string> msg = SignNote(text, s);
    ASSERT_OK(msg);
    Result<Note> n = OpenNote(*msg, s.verifier());
    ASSERT_OK(n);
    EXPECT_EQ(n->text, text);
  }
}

TEST(NoteTest, RejectsMalformedNotes) {
  const std::string t = kText;
  const std::string sig = kPeterSig;
  const std::string b64 = sig.substr(sig.find(' ', 4) + 1, sig.size() - sig.find(' ', 4) - 2);
  const std::string dash = "\xe2\x80\x94 ";
  struct Case {
    std::string message;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"", "no blank line"},
      {t, "no blank line"},
      {t + "\n", "no signature after the blank line"},
      {t + "\n" + sig.substr(0, sig.size() - 1), "does not end in a newline"},
      {t + "\n" + sig + "x", "does not end in a newline"},
      {"\x01" + t + "\n" + sig, "control character \"\\x01\" at byte 0"},
      {"a\tb\n\n" + sig, "control character \"\\x09\" at byte 1"},
      {t + "\n" + sig.substr(0, sig.size() - 1) + "\r\n", "control character \"\\x0d\""},
      {"\xff" + t + "\n" + sig, "invalid UTF-8 at byte 0"},
      {"\xc0\xaf\n\n" + sig, "invalid UTF-8 at byte 0"},          // overlong '/'
      {"\xed\xa0\x80\n\n" + sig, "invalid UTF-8 at byte 0"},      // surrogate
      {"\xf4\x90\x80\x80\n\n" + sig, "invalid UTF-8 at byte 0"},  // above U+10FFFF
      {"ab\xe2\x80\n\n" + sig, "invalid UTF-8 at byte 2"},        // truncated
      {t + "\n" + sig + "Unexpected line.\n",
       "signature line 2: \"Unexpected line.\" does not start with an em dash"},
      {t + "\n- PeterNeumann " + b64 + "\n", "does not start with an em dash"},
      {t + "\n\xe2\x80\x94PeterNeumann " + b64 + "\n", "does not start with an em dash"},
      {t + "\n" + dash + "Bad Name " + b64 + "\n", "signature of \"Bad\": base64 length 97"},
      {t + "\n" + dash + " " + b64 + "\n", "key name is empty"},
      {t + "\n" + dash + "PeterNeumann\n", "no space between key name and signature"},
      {t + "\n" + dash + "PeterNeumann \n", "signature of \"PeterNeumann\" is empty"},
      {t + "\n" + dash + "Peter+Neumann " + b64 + "\n", "contains '+'"},
      {t + "\n" + dash + "Peter\xc2\xa0Neumann " + b64 + "\n", "contains a space"},      // U+00A0
      {t + "\n" + dash + "Peter\xe2\x80\xa8Neumann " + b64 + "\n", "contains a space"},  // U+2028
      {t + "\n" + dash + "PeterNeumann " + b64.substr(0, b64.size() - 1) + "\n",
       "not a multiple of 4"},
      {t + "\n" + dash + "PeterNeumann " + b64.substr(0, b64.size() - 2) + "N=\n",
       "padding bits set"},
      {t + "\n" + dash + "PeterNeumann AAAAAA==\n", "decodes to 4 bytes"},
      {t + "\n" + dash + "PeterNeumann " + b64 + " \n",
       "signature of \"PeterNeumann\": base64 length 93"},
      {t + "\n" + dash + "PeterNeumann *" + b64.substr(1) + "\n",
       "invalid base64 character at offset 0"},
      {t + "\n" + dash + "PeterNeumann " + b64 + "\n\n", "no signature after the blank line"},
  };
  ASSERT_GE(cases.size(), 15u);
  Verifier v = MustVerifier(kPeterVkey);
  for (const Case& c : cases) {
    Result<Note> n = ParseNote(c.message);
    ExpectError(n, c.want, c.message);
    EXPECT_EQ(n.status().code(), ErrorCode::kInvalidArgument) << c.message;
    ExpectError(OpenNote(c.message, v), c.want, c.message);
    if (!n.ok()) {
      EXPECT_EQ(n.status().message().rfind("malformed note: ", 0), 0u) << c.message;
    }
  }
}

TEST(NoteTest, RoundTripsThroughParseAndFormat) {
  Signer a = Signer::Generate("a.example/log");
  Signer b = Signer::Generate("b.example/witness");
  Note note;
  note.text = "some text \xc3\xa9\xe2\x82\xac\n\nwith a blank line\n";
  note.signatures = {a.Sign(note.text), b.Sign(note.text),
                     Signature{"c\xc3\xa9", 0x01020304, std::string(1, '\0')}};
  std::string msg = FormatNote(note);
  Result<Note> parsed = ParseNote(msg);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->text, note.text);
  EXPECT_EQ(parsed->signatures, note.signatures);
  EXPECT_EQ(FormatNote(*parsed), msg);
  EXPECT_TRUE(OpenNote(msg, a.verifier()).ok());
  EXPECT_TRUE(OpenNote(msg, b.verifier()).ok());
}

TEST(NoteTest, SignNoteRejectsBadText) {
  Signer s = Signer::Generate("x");
  ExpectError(SignNote("abc", s), "does not end in a newline", "abc");
  ExpectError(SignNote("", s), "does not end in a newline", "empty");
  ExpectError(SignNote("a\rb\n", s), "control character", "CR");
  ExpectError(SignNote("\xff\n", s), "invalid UTF-8", "0xff");
  Signer bad("bad name", crypto::Ed25519Seed{});
  ExpectError(SignNote("abc\n", bad), "signer: key name \"bad name\" contains a space", "bad name");
}

TEST(NoteTest, GeneratedKeysRoundTrip) {
  Signer s = Signer::Generate("example.org/humanitarian-log");
  Result<Signer> s2 = Signer::Parse(s.ToString());
  ASSERT_OK(s2);
  EXPECT_EQ(s2->ToString(), s.ToString());
  EXPECT_EQ(s2->key_hash(), s.key_hash());
  Result<Verifier> v = Verifier::Parse(s.verifier().ToString());
  ASSERT_OK(v);
  EXPECT_EQ(v->key_hash(), s.key_hash());
  EXPECT_EQ(v->name(), "example.org/humanitarian-log");
  Signature sig = s2->Sign("hi\n");
  EXPECT_TRUE(v->Verify("hi\n", sig));
  EXPECT_FALSE(v->Verify("hj\n", sig));
  Signature bad = sig;
  bad.signature[0] ^= 1;
  EXPECT_FALSE(v->Verify("hi\n", bad));
  bad = sig;
  bad.key_hash ^= 1;
  EXPECT_FALSE(v->Verify("hi\n", bad));
  bad = sig;
  bad.signature.pop_back();
  EXPECT_FALSE(v->Verify("hi\n", bad));
  EXPECT_NE(Signer::Generate("x").ToString(), Signer::Generate("x").ToString());
}

TEST(NoteTest, KeyHashIsSha256OfNameAlgorithmAndKey) {
  Verifier v = MustVerifier(kPeterVkey);
  std::string buf = "PeterNeumann\n\x01";
  buf.append(reinterpret_cast<const char*>(v.public_key().data()), 32);
  crypto::Hash h = crypto::Sha256(buf);
  uint32_t want = (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
  EXPECT_EQ(KeyHash("PeterNeumann", kAlgEd25519, v.public_key()), want);
  EXPECT_EQ(want, 0xc74f20a3u);
  EXPECT_NE(KeyHash("PeterNeumann", kAlgCosignatureV1, v.public_key()), want);
}

TEST(NoteTest, ChecksKeyNames) {
  for (std::string ok : {"a", "example.org/log", "PeterNeumann", "caf\xc3\xa9", "x-y_z:1@2"}) {
    EXPECT_TRUE(CheckKeyName(ok).ok()) << ok;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"a b", "contains a space"},
      {"a+b", "contains '+'"},
      {"a\tb", "contains a space"},
      {"a\xe3\x80\x80", "contains a space"},  // U+3000
      {"a\xe2\x80\x89", "contains a space"},  // U+2009
      {"a\xc2\x85", "contains a space"},      // U+0085
      {"a\x01", "control character"},
      {"a\x7f", "control character"},
      {"a\xff", "not valid UTF-8"},
  };
  for (const auto& [name, want] : bad) ExpectError(CheckKeyName(name), want, name);
}

TEST(NoteTest, RejectsMalformedVerifierKeys) {
  // Ed25519 key of PeterNeumann with the key hash recomputed for each case,
  // so that only the named defect is present.
  Verifier v = MustVerifier(kPeterVkey);
  auto with_data = [&](std::string name, std::string data) {
    crypto::Hash h = crypto::Sha256(name + "\n" + data);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
    return name + "+" + hex + "+" + Base64Encode(AsBytes(data));
  };
  std::string pub(reinterpret_cast<const char*>(v.public_key().data()), 32);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is not <name>+<hash>+<key>"},
      {"PeterNeumann", "is not <name>+<hash>+<key>"},
      {"PeterNeumann+c74f20a3", "is not <name>+<hash>+<key>"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key name is empty"},
      {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "contains a space"},
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key hash c74f20a4 does not match the key (want c74f20a3)"},
      {"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "8 lowercase hex digits"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "is not 8 hex digits"},
      {"PeterNeumann+0c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "is not 8 hex digits"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "not a multiple of 4"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T*",
       "invalid base64 character"},
      {"PeterNeumann+c74f20a3+", "verifier key data is empty"},
      {"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
       "padding bits set"},
      {"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "algorithm is 0x65, want 0x01"},
      {with_data("PeterNeumann", "\x04" + pub), "algorithm is 0x04, want 0x01"},
      {with_data("PeterNeumann", "\x01" + pub.substr(1)), "is 31 bytes, want 32"},
      {with_data("PeterNeumann", "\x01" + pub + "x"), "is 33 bytes, want 32"},
      {with_data("Peter+Neumann", "\x01" + pub),
       "key hash \"Neumann\" is not 8 hex digits"},  // '+' ends the name
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "is not 8 hex digits"},
  };
  for (const auto& [vkey, want] : cases) ExpectError(Verifier::Parse(vkey), want, vkey);
}

TEST(NoteTest, RejectsMalformedSignerKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "does not start with \"PRIVATE+KEY+\""},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "does not start with \"PRIVATE+KEY+\""},
      {"private+key+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "does not start with \"PRIVATE+KEY+\""},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3", "is not PRIVATE+KEY+<name>+<hash>+<key>"},
      {"PRIVATE+KEY++c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "key name is empty"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "signer key hash c74f20a4 does not match the key (want c74f20a3)"},
      {"PRIVATE+KEY+PeterNeumann+c74f20+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "is not 8 hex digits"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
       "not a multiple of 4"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF=",
       "padding bits set"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+BYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "algorithm is 0x05, want 0x01"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKA==",
       "seed is 30 bytes, want 32"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+", "signer key data is empty"},
      // A different seed under PeterNeumann's key hash.
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxEUTrjHq",
       "does not match the key"},
  };
  for (const auto& [skey, want] : cases) ExpectError(Signer::Parse(skey), want, skey);
}

// Ported from x/mod note_test.go TestNewVerifier/TestNewSigner: every proper
// substring and every single-byte increment of a valid key is rejected.
TEST(NoteTest, RejectsEveryManglingOfValidKeys) {
  for (std::string key : {std::string(kPeterVkey), std::string(kPeterSkey)}) {
    bool is_signer = key.starts_with("PRIVATE");
    auto parses = [&](const std::string& k) {
      return is_signer ? Signer::Parse(k).ok() : Verifier::Parse(k).ok();
    };
    ASSERT_TRUE(parses(key));
    for (size_t i = 0; i <= key.size(); ++i) {
      for (size_t j = i + 1; j <= key.size(); ++j) {
        if (i == 0 && j == key.size()) continue;
        EXPECT_FALSE(parses(key.substr(i, j - i))) << key.substr(i, j - i);
      }
    }
    for (size_t i = 0; i < key.size(); ++i) {
      std::string b = key;
      ++b[i];
      EXPECT_FALSE(parses(b)) << b;
    }
  }
}

}  // namespace
}  // namespace lifeline::note
