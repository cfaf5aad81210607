#include "note/cosignature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "note/checkpoint.h"
#include "note/note_testing.h"

namespace lifeline::note {
namespace {

// The deterministic vector of tlog-verify goverify.go (knownAnswerChecks,
// step 8; printed by `run.sh demo`): seed = bytes 0x00..0x1f, time 1700000000.
constexpr char kWitnessName[] = "witness.example/w1";
constexpr char kWitnessVkey[] =
    "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr char kBody[] =
    "example.org/humanitarian-log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
constexpr char kLine[] =
    "\xe2\x80\x94 witness.example/w1 "
    "519lMgAAAABlU/EAlbEh/VjGMtVuZZ3n18SgwgHBLIMgcoke1XZ1XdUwtm0dxWMAvQcFAfgddkH4VuL3Zw45gQmDImzsMJaWrtl6DQ==\n";
constexpr uint64_t kTime = 1700000000;

crypto::Ed25519Seed VectorSeed() {
  crypto::Ed25519Seed seed;
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i);
  return seed;
}

// The signature line that FormatNote writes for `sig`.
std::string LineOf(const Signature& sig) {
  std::string note = FormatNote(Note{"x\n", {sig}});
  return note.substr(3);  // after "x\n\n"
}

TEST(CosignatureTest, ReproducesGoVector) {
  CosignatureSigner signer(kWitnessName, VectorSeed());
  EXPECT_EQ(signer.verifier().ToString(), kWitnessVkey);
  EXPECT_EQ(signer.verifier().key_hash(), 0xe75f6532u);
  Signature sig = signer.Sign(kBody, kTime);
  EXPECT_EQ(LineOf(sig), kLine);
}

TEST(CosignatureTest, VerifiesGoVector) {
  Result<CosignatureVerifier> v = CosignatureVerifier::Parse(kWitnessVkey);
  ASSERT_OK(v);
  EXPECT_EQ(v->name(), kWitnessName);
  EXPECT_EQ(v->ToString(), kWitnessVkey);
  Result<Note> note = ParseNote(std::string(kBody) + "\n" + kLine);
  ASSERT_OK(note);
  Result<uint64_t> ts = v->Verify(note->text, note->signatures[0]);
  ASSERT_OK(ts);
  EXPECT_EQ(*ts, kTime);
}

TEST(CosignatureTest, SignedCosignatureVerifies) {
  crypto::Ed25519Seed seed;
  crypto::RandomBytes(seed);
  CosignatureSigner signer("w.example/2", seed);
  for (uint64_t t : {uint64_t{0}, uint64_t{1}, kTime, UINT64_MAX}) {
    Signature sig = signer.Sign(kBody, t);
    EXPECT_EQ(sig.signature.size(), 72u);
    Result<uint64_t> ts = signer.verifier().Verify(kBody, sig);
    ASSERT_OK(ts);
    EXPECT_EQ(*ts, t);
  }
}

TEST(CosignatureTest, TamperingFails) {
  CosignatureSigner signer(kWitnessName, VectorSeed());
  CosignatureVerifier v = signer.verifier();
  Signature sig = signer.Sign(kBody, kTime);

  std::string body = kBody;
  body[body.find('8')] = '9';
  Result<uint64_t> r = v.Verify(body, sig);
  EXPECT_EQ(r.status().code(), ErrorCode::kVerificationFailed);
  ExpectError(r, "cosignature by witness.example/w1+e75f6532 at time 1700000000 does not verify",
              body);

  for (size_t i = 0; i < 8; ++i) {  // every byte of the timestamp
    Signature t = sig;
    t.signature[i] ^= 0x01;
    EXPECT_EQ(v.Verify(kBody, t).status().code(), ErrorCode::kVerificationFailed) << i;
  }
  Signature s = sig;
  s.signature[40] ^= 0x01;
  EXPECT_EQ(v.Verify(kBody, s).status().code(), ErrorCode::kVerificationFailed);

  s = sig;
  s.signature.pop_back();
  ExpectError(v.Verify(kBody, s), "is 71 bytes after the key hash, want 72", "short");
  s = sig;
  s.key_hash ^= 1;
  ExpectError(v.Verify(kBody, s), "not by witness witness.example/w1+e75f6532", "key hash");
  s = sig;
  s.name = "witness.example/w2";
  ExpectError(v.Verify(kBody, s), "signature is by witness.example/w2+e75f6532", "name");
}

TEST(CosignatureTest, CosignatureIsNotANoteSignature) {
  // The same Ed25519 key as a log key (0x01) and as a witness key (0x04) has
  // different key hashes, so neither signature passes for the other.
  Signer log_signer(kWitnessName, VectorSeed());
  CosignatureSigner witness(kWitnessName, VectorSeed());
  EXPECT_NE(log_signer.key_hash(), witness.verifier().key_hash());
  Signature cosig = witness.Sign(kBody, kTime);
  EXPECT_FALSE(log_signer.verifier().Verify(kBody, cosig));
  EXPECT_FALSE(witness.verifier().Verify(kBody, log_signer.Sign(kBody)).ok());
  // A note signed by the log and cosigned still opens with the log key.
  std::string msg = FormatNote(Note{kBody, {log_signer.Sign(kBody), cosig}});
  Result<Note> n = OpenNote(msg, log_signer.verifier());
  ASSERT_OK(n);
  EXPECT_EQ(n->signatures.size(), 2u);
}

TEST(CosignatureTest, RejectsMalformedVerifierKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "cosignature verifier key: verifier key \"\" is not <name>+<hash>+<key>"},
      {"witness.example/w1+e75f6532", "is not <name>+<hash>+<key>"},
      // An Ed25519 note key (0x01) is not a cosignature key.
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "algorithm is 0x01, want 0x04"},
      {"witness.example/w1+e75f6533+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
       "key hash e75f6533 does not match the key (want e75f6532)"},
      {"witness.example/w1+E75F6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
       "8 lowercase hex digits"},
      {"witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG",
       "not a multiple of 4"},
      {"witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG5",
       "does not match the key"},
      {"witness example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
       "contains a space"},
      {"witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVV==",
       "padding bits set"},
      {"witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQS",
       "is 29 bytes, want 32"},
  };
  for (const auto& [vkey, want] : cases) ExpectError(CosignatureVerifier::Parse(vkey), want, vkey);
}

}  // namespace
}  // namespace lifeline::note
