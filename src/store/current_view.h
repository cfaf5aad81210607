// The current view of the record projection: which record versions are
// replaced (store.h Replaces), computed in one place above the backends.
//
// A record is replaced when, within its own case, a later entry corrects it
// (supersedes its id) or any entry retracts it (a retraction whose target is
// its id). An empty id names nothing. Because only a later entry corrects,
// a cycle of supersedes (possible only in a log written before submission
// refused corrections placed before what they correct) keeps its latest
// record current.
//
// A CurrentView is fed the replacing records (Add) and then answers
// IsReplaced for any row whose replacing records were all added: callers
// feed either every replacing record of the store, or those that refer to
// the ids they will ask about (LogStore::ForEachReplacingRecord). Bounded to
// a tree size, it is the current view of that tree: entries at or beyond
// the bound replace nothing.
//
// Not thread-safe; a const CurrentView may be shared.
#ifndef LIFELINE_STORE_CURRENT_VIEW_H_
#define LIFELINE_STORE_CURRENT_VIEW_H_

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/store.h"

namespace lifeline::store {

class CurrentView {
 public:
  static constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

  // Only entries with an index below `below_size` count as replacing.
  explicit CurrentView(uint64_t below_size = kUnbounded) : below_size_(below_size) {}

  // Takes note of what `by` replaces. Reads only its index, kind, case_id,
  // supersedes and target; a row that replaces nothing, or lies at or
  // beyond the bound, is ignored. Adding a row twice changes nothing.
  void Add(const RecordRow& by);

  // Whether a row added so far replaces `row` (exactly store::Replaces over
  // the added rows).
  bool IsReplaced(const RecordRow& row) const;

  // Forgets every added row (the bound stays).
  void Clear();

 private:
  // (case, id) as one key: the case id, a NUL, the record id.
  static std::string Key(const std::string& case_id, const std::string& id);

  uint64_t below_size_;
  std::unordered_map<std::string, uint64_t> latest_correction_;  // key -> index of its latest correction
  std::unordered_set<std::string> retracted_;                     // keys of retracted records
};

}  // namespace lifeline::store

#endif  // LIFELINE_STORE_CURRENT_VIEW_H_
