// Casualties as UCDP and ACLED code them: per incident, low / best / high
// fatalities split by party (the side the dead belonged to), category
// (combatant, civilian, unknown) and cause (hostilities, deprivation,
// accident, undetermined) — never one total across parties.
//
// An incident without `casualties` that gives fatalities or injuries
// contributes one group with party "" (not stated) and category unknown. A figure whose `reported_by` is one of the
// case's parties is a one-party claim: its best figure is counted in
// `one_party_best` so the reader sees how much of a total rests on one
// party's word.
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_CASUALTIES_H_
#define LIFELINE_ANALYSIS_CASUALTIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/record_ids.h"

namespace lifeline::analysis {

struct CasualtyFigures {
  int64_t incidents = 0;
  int64_t low = 0, best = 0, high = 0, injuries = 0;
  int64_t one_party_best = 0;
  std::vector<std::string> reported_by;  // distinct, sorted ("" not listed)
  RecordIds records;                     // incidents (sorted)
};

struct CasualtyGroup {
  std::string party;     // "" when not stated
  std::string category;  // combatant | civilian | unknown
  std::string cause;     // hostilities | deprivation | accident | undetermined
  CasualtyFigures figures;
};

struct PartyCasualties {
  std::string party;  // "" when not stated
  CasualtyFigures figures;
};

struct CasualtyTotals {
  std::vector<CasualtyGroup> groups;      // sorted by (party, category, cause); "" last
  std::vector<PartyCasualties> by_party;  // the groups of each party added up (within one party only)
};

// Incidents dated from..to. Precondition: ds.finalized.
CasualtyTotals ComputeCasualties(const Dataset& ds, int32_t from, int32_t to);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_CASUALTIES_H_
