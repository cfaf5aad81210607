// Corroboration: computed from the records, never typed in.
//
// For a record R:
//   publishers  the distinct `publisher`s of R's sources and of the sources
//               of current claims that confirm R (independent publishers:
//               two sources of one publisher count once);
//   disputed_by the parties of current claims that dispute R;
//   status      retracted     a current retraction names R;
//               disputed      at least one current disputing claim;
//               corroborated  two or more independent publishers;
//               single-source otherwise.
#ifndef LIFELINE_RECORD_CORROBORATION_H_
#define LIFELINE_RECORD_CORROBORATION_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::record {

struct Corroboration {
  std::string status;                   // retracted | disputed | corroborated | single-source
  std::vector<std::string> publishers;  // sorted, distinct
  std::vector<std::string> confirmed_by;  // claim ids
  std::vector<std::string> disputed_by;   // parties, sorted, distinct
  std::vector<std::string> dispute_claims;  // claim ids
  std::vector<std::string> retracted_by;    // retraction ids
};

// Reads what it needs through `store`'s projection.
Result<Corroboration> Corroborate(store::LogStore& store, const std::string& id);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_CORROBORATION_H_
