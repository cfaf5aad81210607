// Corroboration: computed from the records, never typed in.
//
// For a record R:
//   publishers  the distinct `publisher`s of R's sources and of the sources
//               of current claims that confirm R (independent publishers:
//               two sources of one publisher count once);
//   disputed_by the parties of current claims that dispute R;
//   field_claims current claims about one field of R (claim `field`): they
//               confirm or dispute that field only, so they neither add
//               publishers to R nor make R disputed; disputed_fields names
//               the fields some current claim disputes;
//   status      retracted     a current retraction names R;
//               disputed      at least one current claim disputing R as a whole;
//               corroborated  two or more independent publishers;
//               single-source otherwise.
#ifndef LIFELINE_RECORD_CORROBORATION_H_
#define LIFELINE_RECORD_CORROBORATION_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::record {

// A party's position on one field of a record (a claim with `field`).
struct FieldClaim {
  std::string field;
  std::string stance;  // confirms | disputes
  std::string party;
  std::string claim;   // the claim's id
  std::string value;   // what the party says the field is, as JSON; "" when not given
  friend bool operator==(const FieldClaim&, const FieldClaim&) = default;
};

struct Corroboration {
  std::string status;                   // retracted | disputed | corroborated | single-source
  std::vector<std::string> publishers;  // sorted, distinct
  std::vector<std::string> confirmed_by;  // claim ids
  std::vector<std::string> disputed_by;   // parties, sorted, distinct
  std::vector<std::string> dispute_claims;  // claim ids
  std::vector<std::string> retracted_by;    // retraction ids
  std::vector<FieldClaim> field_claims;     // sorted by field, then claim id
  std::vector<std::string> disputed_fields;  // sorted, distinct
};

// Reads what it needs through `store`'s projection. Only entries below
// `tree_size` count: the record as it stood at that checkpoint, with the
// claims and retractions made by then (a report at an older checkpoint
// must not show what came later). NotFound when `id` is not below it.
inline constexpr uint64_t kWholeLog = std::numeric_limits<uint64_t>::max();
Result<Corroboration> Corroborate(store::LogStore& store, const std::string& id, uint64_t tree_size = kWholeLog);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_CORROBORATION_H_
