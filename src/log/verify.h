// Full verification of a stored log: recomputes every leaf hash from the
// entry bundles, every hash tile from the leaves, the root at every stored
// checkpoint's size, and checks every checkpoint's signature and that sizes
// never shrink. Stops at the first problem and names it: the entry, the tile
// (by its tlog-tiles path) or the checkpoint (by its sequence number).
#ifndef LIFELINE_LOG_VERIFY_H_
#define LIFELINE_LOG_VERIFY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "note/note.h"
#include "store/store.h"

namespace lifeline::log {

struct VerifyReport {
  uint64_t size = 0;           // the latest checkpoint's size
  std::string root_base64;     // its root
  uint64_t entries = 0;        // entries rehashed
  uint64_t tiles = 0;          // hash tiles compared
  uint64_t checkpoints = 0;    // checkpoints verified
};

// Called now and then with (entries done, entries total).
using ProgressFn = std::function<void(uint64_t, uint64_t)>;

// VerificationFailed or Corruption naming the first bad entry, tile or
// checkpoint; I/O errors as they come.
Result<VerifyReport> VerifyLog(store::LogStore& store, const note::Verifier& key,
                               const ProgressFn& progress = nullptr);

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_VERIFY_H_
