#include "analysis/verified.h"

#include "base/bytes.h"
#include "note/checkpoint.h"

namespace lifeline::analysis {

Result<VerifiedCheckpoint> VerifyStoredCheckpoint(store::LogStore& st, const note::Verifier& log_key,
                                                  std::optional<uint64_t> at) {
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
  VerifiedCheckpoint v;
  v.cp = {opened->checkpoint.size,
          Base64Encode(ByteSpan(opened->checkpoint.root.data(), opened->checkpoint.root.size()))};
  v.origin = opened->checkpoint.origin;
  v.note = stored->note;
  return v;
}

Result<VerifiedDataset> LoadVerifiedDataset(store::LogStore& st, const note::Verifier& log_key,
                                            const std::string& case_id, std::optional<uint64_t> at,
                                            const RowObserver& observe) {
  LIFELINE_ASSIGN_OR_RETURN(VerifiedCheckpoint c, VerifyStoredCheckpoint(st, log_key, at));
  VerifiedDataset v;
  v.cp = std::move(c.cp);
  v.origin = std::move(c.origin);
  v.note = std::move(c.note);
  LIFELINE_ASSIGN_OR_RETURN(v.ds, LoadDataset(st, case_id, v.cp, observe));
  return v;
}

}  // namespace lifeline::analysis
