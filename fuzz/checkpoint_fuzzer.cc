// libFuzzer target: ParseCheckpoint, FormatCheckpoint, OpenCheckpoint and
// cosignatures over checkpoint bodies.
//
// Invariants: ParseCheckpoint accepts only the canonical form (FormatCheckpoint
// gives back the input, extension lines included); parsing is idempotent; a
// parsed body signed by the log opens exactly when its origin is the key's
// name; a cosignature over it verifies and returns its timestamp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "crypto/sha256.h"
#include "note/checkpoint.h"
#include "note/cosignature.h"

namespace {

using lifeline::Result;
using lifeline::note::Checkpoint;

lifeline::crypto::Ed25519Seed Seed(uint8_t first) {
  lifeline::crypto::Ed25519Seed seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(first + i);
  return seed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const lifeline::note::Signer log_signer("example.org/log", Seed(0));
  static const lifeline::note::Verifier log_key = log_signer.verifier();
  static const lifeline::note::CosignatureSigner witness("witness.example/w1", Seed(1));
  static const lifeline::note::CosignatureVerifier witness_key = witness.verifier();

  Result<Checkpoint> cp = lifeline::note::ParseCheckpoint(in);
  if (!cp.ok()) {
    LIFELINE_CHECK(!cp.status().message().empty(), "error without a message");
    return 0;
  }
  std::string body = lifeline::note::FormatCheckpoint(*cp);
  LIFELINE_CHECK(body == in, "ParseCheckpoint/FormatCheckpoint round trip");
  Result<Checkpoint> again = lifeline::note::ParseCheckpoint(body);
  LIFELINE_CHECK(again.ok() && *again == *cp, "reparse differs");
  LIFELINE_CHECK(!cp->origin.empty(), "empty origin");
  LIFELINE_CHECK(cp->size <= static_cast<uint64_t>(INT64_MAX), "size above 2^63-1");
  if (cp->size == 0) {
    LIFELINE_CHECK(cp->root == lifeline::crypto::Sha256(std::string_view()), "size 0, wrong root");
  }
  for (const std::string& ext : cp->extensions) LIFELINE_CHECK(!ext.empty(), "empty extension");

  Result<std::string> signed_note = lifeline::note::SignNote(body, log_signer);
  LIFELINE_CHECK(signed_note.ok(), "SignNote rejected a parsed checkpoint body");
  auto opened = lifeline::note::OpenCheckpoint(*signed_note, log_key);
  LIFELINE_CHECK(opened.ok() == (cp->origin == log_key.name()), "OpenCheckpoint origin rule");
  if (opened.ok()) {
    LIFELINE_CHECK(opened->checkpoint == *cp, "OpenCheckpoint differs from ParseCheckpoint");
    LIFELINE_CHECK(opened->text == *signed_note, "OpenCheckpoint text differs");
  }

  uint64_t ts = cp->size * 2654435761u;  // some timestamp derived from the input
  lifeline::note::Signature cosig = witness.Sign(body, ts);
  Result<uint64_t> got = witness_key.Verify(body, cosig);
  LIFELINE_CHECK(got.ok() && *got == ts, "cosignature does not verify");
  return 0;
}
