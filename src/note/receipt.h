// c2sp.org/tlog-proof@v1 receipts: an entry's inclusion proof bundled with
// the signed checkpoint it leads to.
//
//   c2sp.org/tlog-proof@v1\n
//   [extra <base64>\n]          optional, unauthenticated
//   index <decimal>\n
//   <base64 hash>\n             0..63 proof hashes, leaf sibling first
//   \n
//   <signed checkpoint note>
#ifndef LIFELINE_NOTE_RECEIPT_H_
#define LIFELINE_NOTE_RECEIPT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/sha256.h"

namespace lifeline::note {

struct Receipt {
  std::optional<std::string> extra;  // raw bytes
  uint64_t index = 0;
  std::vector<crypto::Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
  friend bool operator==(const Receipt&, const Receipt&) = default;
};

std::string FormatReceipt(const Receipt& r);

// `receipt` (ending in the signed note `note`) with `published` in its
// place when `published` is that same note with more signature lines after
// it (the witnesses' cosignatures, as /checkpoint serves them), so that a
// reader can check the witness quorum on the receipt alone. Otherwise (an
// older checkpoint, cosignatures of another one) `receipt` unchanged.
std::string WithPublishedNote(std::string receipt, std::string_view note, std::string_view published);

// Strict parse; the checkpoint is returned unverified (use OpenCheckpoint).
// Canonical base64 only, no leading zeros in the index, exactly 32-byte
// hashes, at most 63 of them. The checkpoint must at least be a well-formed
// signed note whose text parses as a checkpoint with index < size, so that
// FormatReceipt(ParseReceipt(t)) == t for every accepted t.
Result<Receipt> ParseReceipt(std::string_view text);

}  // namespace lifeline::note

#endif  // LIFELINE_NOTE_RECEIPT_H_
