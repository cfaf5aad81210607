// libFuzzer target: ParseNote, FormatNote, OpenNote and SignNote.
//
// Invariants checked for every input:
//   - ParseNote accepts exactly the canonical form: FormatNote gives back the
//     input byte for byte;
//   - OpenNote never accepts what ParseNote rejects, and agrees with it;
//   - the text of any parsed note can be signed, and the result opens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "note/note.h"

namespace {

using lifeline::Result;
using lifeline::note::Note;
using lifeline::note::Signer;
using lifeline::note::Verifier;

// Deterministic, so that the seed corpus can hold notes that verify.
Signer FuzzSigner() {
  lifeline::crypto::Ed25519Seed seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i);
  return Signer("example.org/fuzz", seed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const Signer signer = FuzzSigner();
  static const Verifier verifier = signer.verifier();

  Result<Note> note = lifeline::note::ParseNote(in);
  Result<Note> opened = lifeline::note::OpenNote(in, verifier);
  if (!note.ok()) {
    LIFELINE_CHECK(!opened.ok(), "OpenNote accepted what ParseNote rejected");
    LIFELINE_CHECK(!note.status().message().empty(), "error without a message");
    return 0;
  }
  LIFELINE_CHECK(lifeline::note::FormatNote(*note) == in, "ParseNote/FormatNote round trip");
  LIFELINE_CHECK(!note->text.empty() && note->text.back() == '\n', "text must end in newline");
  LIFELINE_CHECK(!note->signatures.empty() && note->signatures.size() <= 100,
                 "signature count out of range");
  for (const auto& sig : note->signatures) {
    LIFELINE_CHECK(lifeline::note::CheckKeyName(sig.name).ok(), "invalid signature name");
    LIFELINE_CHECK(!sig.signature.empty(), "empty signature");
  }
  LIFELINE_CHECK(opened.ok() || opened.status().code() == lifeline::ErrorCode::kVerificationFailed,
                 "OpenNote failed on a well-formed note for another reason than verification");
  if (opened.ok()) {
    LIFELINE_CHECK(opened->text == note->text, "OpenNote text differs from ParseNote");
    LIFELINE_CHECK(opened->signatures == note->signatures, "OpenNote signatures differ");
    bool found = false;
    for (const auto& sig : opened->signatures) found = found || verifier.Verify(opened->text, sig);
    LIFELINE_CHECK(found, "OpenNote succeeded without a valid signature");
  }

  Result<std::string> resigned = lifeline::note::SignNote(note->text, signer);
  LIFELINE_CHECK(resigned.ok(), "SignNote rejected the text of a parsed note");
  Result<Note> reopened = lifeline::note::OpenNote(*resigned, verifier);
  LIFELINE_CHECK(reopened.ok(), "a freshly signed note does not open");
  LIFELINE_CHECK(reopened->text == note->text, "re-signed text differs");
  return 0;
}
