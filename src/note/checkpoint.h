// C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint):
//
//   <origin>\n
//   <tree size, decimal, no leading zeros>\n
//   <root hash, standard padded base64 of 32 bytes>\n
//   [extension lines\n]
//
// Lifeline emits no extension lines; the parser accepts non-empty ones and
// returns them. Size 0 requires root = SHA-256("").
#ifndef LIFELINE_NOTE_CHECKPOINT_H_
#define LIFELINE_NOTE_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/sha256.h"
#include "note/note.h"

namespace lifeline::note {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  crypto::Hash root{};
  std::vector<std::string> extensions;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The body text, ending in '\n'.
std::string FormatCheckpoint(const Checkpoint& cp);

// Strict: origin non-empty and without control characters; size decimal
// <= 2^63-1 with no leading zeros; root canonical base64 of exactly 32
// bytes; extension lines non-empty; body ends in '\n'.
Result<Checkpoint> ParseCheckpoint(std::string_view body);

// A signed checkpoint opened with the log's key: the parsed body, the full
// note (with any cosignatures) and its text.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  Note note;
  std::string text;  // the full signed note as received
};

// Verifies the log's signature and parses the body. Requires the origin to
// equal the verifier's key name (Lifeline names its key after its origin).
Result<SignedCheckpoint> OpenCheckpoint(std::string_view signed_note, const Verifier& log_key);

}  // namespace lifeline::note

#endif  // LIFELINE_NOTE_CHECKPOINT_H_
