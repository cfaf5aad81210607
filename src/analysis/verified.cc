#include "analysis/verified.h"

#include "base/bytes.h"
#include "note/checkpoint.h"

namespace lifeline::analysis {

Result<VerifiedDataset> LoadVerifiedDataset(store::LogStore& st, const note::Verifier& log_key,
                                            const std::string& case_id, std::optional<uint64_t> at) {
  Result<store::StoredCheckpoint> stored = at ? st.CheckpointAt(*at) : st.LatestCheckpoint();
  if (!stored.ok()) {
    if (at && stored.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("no checkpoint of size " + std::to_string(*at) + " is stored");
    }
    return stored.status();
  }
  auto opened = note::OpenCheckpoint(stored->note, log_key);
  if (!opened.ok()) {
    return VerificationFailedError("the checkpoint does not verify: " + opened.status().message());
  }
  VerifiedDataset v;
  v.cp = {opened->checkpoint.size,
          Base64Encode(ByteSpan(opened->checkpoint.root.data(), opened->checkpoint.root.size()))};
  v.origin = opened->checkpoint.origin;
  v.note = stored->note;
  LIFELINE_ASSIGN_OR_RETURN(v.ds, LoadDataset(st, case_id, v.cp));
  return v;
}

}  // namespace lifeline::analysis
