// libFuzzer target: ParseReceipt and FormatReceipt.
//
// Invariants: ParseReceipt accepts only the canonical form (FormatReceipt
// gives back the input); at most 63 proof hashes; the embedded checkpoint is
// a well-formed signed note whose body is a checkpoint with index < size.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "note/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  lifeline::Result<lifeline::note::Receipt> r = lifeline::note::ParseReceipt(in);
  if (!r.ok()) {
    LIFELINE_CHECK(!r.status().message().empty(), "error without a message");
    return 0;
  }
  std::string text = lifeline::note::FormatReceipt(*r);
  LIFELINE_CHECK(text == in, "ParseReceipt/FormatReceipt round trip");
  auto again = lifeline::note::ParseReceipt(text);
  LIFELINE_CHECK(again.ok() && *again == *r, "reparse differs");
  LIFELINE_CHECK(r->proof.size() <= 63, "too many proof hashes");
  auto note = lifeline::note::ParseNote(r->checkpoint);
  LIFELINE_CHECK(note.ok(), "receipt checkpoint is not a note");
  auto cp = lifeline::note::ParseCheckpoint(note->text);
  LIFELINE_CHECK(cp.ok(), "receipt checkpoint body is not a checkpoint");
  LIFELINE_CHECK(r->index < cp->size, "index not below the tree size");
  return 0;
}
