// Loading a case's dataset at a checkpoint whose signature has been checked:
// what every command and report computing from the log does first. The
// checkpoint is the latest stored one, or the stored one of a given size;
// its signed note must verify with the log's key before any record is read.
#ifndef LIFELINE_ANALYSIS_VERIFIED_H_
#define LIFELINE_ANALYSIS_VERIFIED_H_

#include <cstdint>
#include <optional>
#include <string>

#include "analysis/dataset.h"
#include "base/status.h"
#include "note/note.h"
#include "store/store.h"

namespace lifeline::analysis {

// A stored checkpoint whose signature verified with the log's key.
struct VerifiedCheckpoint {
  CheckpointRef cp;     // size and base64 root
  std::string origin;   // the checkpoint's origin line
  std::string note;     // the full signed note text, as stored
};

// The stored checkpoint of size `at` (nullopt: the latest), after checking
// its signature. NotFound when none of that size is stored;
// VerificationFailed when the note does not verify.
Result<VerifiedCheckpoint> VerifyStoredCheckpoint(store::LogStore& st, const note::Verifier& log_key,
                                                  std::optional<uint64_t> at);

struct VerifiedDataset {
  Dataset ds;
  CheckpointRef cp;     // size and base64 root of the verified checkpoint
  std::string origin;   // the checkpoint's origin line
  std::string note;     // the full signed note text, as stored
};

// VerifyStoredCheckpoint, then loads `case_id` at it (LoadDataset, which
// hands each current row to `observe` if given). NotFound also when the case
// is not in the log there.
Result<VerifiedDataset> LoadVerifiedDataset(store::LogStore& st, const note::Verifier& log_key,
                                            const std::string& case_id, std::optional<uint64_t> at,
                                            const RowObserver& observe = nullptr);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_VERIFIED_H_
