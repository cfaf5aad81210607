// libFuzzer target: Verifier::Parse, Signer::Parse, CosignatureVerifier::Parse
// and CheckKeyName.
//
// Invariants: every accepted key prints back as the input (one text per key);
// a parsed signer's signatures verify with its derived verifier, whose text
// parses again; no text is both an Ed25519 (0x01) and a cosignature (0x04)
// key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "note/cosignature.h"
#include "note/note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using lifeline::note::CosignatureVerifier;
  using lifeline::note::Signer;
  using lifeline::note::Verifier;

  bool name_ok = lifeline::note::CheckKeyName(in).ok();
  LIFELINE_CHECK(!name_ok || in.find('+') == std::string_view::npos, "name with '+' accepted");

  auto v = Verifier::Parse(in);
  if (v.ok()) {
    LIFELINE_CHECK(v->ToString() == in, "Verifier round trip");
    LIFELINE_CHECK(lifeline::note::CheckKeyName(v->name()).ok(), "verifier name invalid");
  } else {
    LIFELINE_CHECK(!v.status().message().empty(), "error without a message");
  }

  auto c = CosignatureVerifier::Parse(in);
  if (c.ok()) LIFELINE_CHECK(c->ToString() == in, "CosignatureVerifier round trip");
  LIFELINE_CHECK(!(v.ok() && c.ok()), "one text parsed as two key types");

  auto s = Signer::Parse(in);
  if (s.ok()) {
    LIFELINE_CHECK(s->ToString() == in, "Signer round trip");
    LIFELINE_CHECK(!v.ok(), "one text parsed as signer and verifier");
    Verifier derived = s->verifier();
    LIFELINE_CHECK(derived.key_hash() == s->key_hash(), "key hash mismatch");
    auto reparsed = Verifier::Parse(derived.ToString());
    LIFELINE_CHECK(reparsed.ok() && reparsed->key_hash() == s->key_hash(), "derived vkey");
    LIFELINE_CHECK(derived.Verify("x\n", s->Sign("x\n")), "signature does not verify");
  }
  return 0;
}
