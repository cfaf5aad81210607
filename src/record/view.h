// What a reader sees of a record: the record with its sources, its
// corroboration and the parties' claims, its history, and its inclusion in
// the latest signed checkpoint, with the proof checked here. One definition
// for `lifeline show` and the HTTP API.
#ifndef LIFELINE_RECORD_VIEW_H_
#define LIFELINE_RECORD_VIEW_H_

#include <nlohmann/json.hpp>
#include <functional>
#include <string>

#include "base/status.h"
#include "note/note.h"
#include "record/seal.h"
#include "store/store.h"

namespace lifeline::record {

// The record's JSON with its `confidential` member replaced by "(withheld)".
nlohmann::json WithheldBody(const std::string& body);

// A short one-line summary of a record (its title, name, description...),
// at most 60 bytes, cut at a UTF-8 boundary.
std::string Summary(const nlohmann::json& record);

// The view of record `id`, computed from records of its own case only
// (store.h SameCase):
//   record, index, status, publishers, confirmed_by, disputed_by,
//   retracted_by, claims [{id, stance, party, text}], sources [{id,
//   publisher, title, url, published}], older_versions, newer_versions,
//   corrects_another_author (the record corrects one recorded `by` another
//   principal),
//   checkpoint {size, root}, checkpoint_note, receipt (c2sp.org/tlog-proof),
//   leaf_index, tree_size, root, proof [base64 hashes], and `entry` (base64
//   of the exact log entry) unless the entry holds an unsealed confidential
//   object (written before sealing existed). `record` has its confidential
//   member withheld, or opened with `reveal` when that key is given (for the
//   roles that may read it).
// NotFound for an unknown id; Corruption when the query tables disagree
// with the log or the proof fails; VerificationFailed when the latest
// checkpoint's signature does not verify.
Result<nlohmann::json> ViewRecord(store::LogStore& store, const note::Verifier& log_key, const std::string& id,
                                  const SealKey* reveal = nullptr);

// Puts the published checkpoint (the same note with the witnesses'
// cosignatures, when they are of this very checkpoint) in a view from
// ViewRecord: `checkpoint_note`, and the checkpoint inside `receipt`.
// `published` maps the log's note to the published one.
void UsePublishedCheckpoint(nlohmann::json& view, const std::function<std::string(const std::string&)>& published);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_VIEW_H_
