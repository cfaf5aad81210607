// Headline figures: what a reader sees first, chosen by documented rules
// (docs/analysis.md, "Headline figures") from the indicators and the
// compliance of one range, so that the report, the dashboard and the API
// show the same figures, each with how complete it is and the records it
// rests on.
//
// In order:
//   blockade.days            blockade days on the lifeline routes (both
//                            directions not open to civilian and commercial
//                            traffic), with first/last day, fully closed
//                            and partly open (humanitarian or one-way
//                            passage) days;
//   blockade.longest.<kind>  the longest closure, suspension of medical
//                            transfers and of humanitarian deliveries;
//   supply.baseline.<unit>   inbound cargo (per unit), and inbound
//                            vehicles when the baseline counts vehicles
//                            coming in only (unit "vehicles"), against the
//                            pre-blockade baseline, over the range and per
//                            reported period;
//   supply.requirement.<id>  against each stated requirement;
//   movements.<measure>.<direction>  patients transferred, persons who left,
//                            as best estimates with their reports;
//   need.<commodity>         coverage where the import dependency is
//                            assessed, else "not assessed";
//   casualties               by party, category and cause (no total across
//                            parties);
//   utilities.<utility>      supply cut, hours without service, unknown days;
//   compliance.<obligation>  days in violation of each obligation;
//   stopped                  convoys and cargo stopped.
// A figure's `bound` says how to read its value: `exact`, `at_least` (a
// lower bound: write "at least"), `not_assessed`, `not_applicable` (a need
// that did not depend on the lifeline routes) or `unknown` (no value).
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_HEADLINE_H_
#define LIFELINE_ANALYSIS_HEADLINE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compliance.h"
#include "analysis/indicators.h"

namespace lifeline::analysis {

struct HeadlineFigure {
  std::string key;
  std::optional<double> value;
  std::string bound = "exact";  // exact | at_least | not_assessed | not_applicable | unknown
  std::string unit;             // days | persons | patients | vehicles | kg | l | ratio | ...
  std::optional<double> completeness;  // fraction of the range observed
  std::string rule;             // the documented rule's key
  std::string reason;           // why not assessed or unknown
  nlohmann::json detail = nlohmann::json::object();
  RecordIds records;  // into the indicators' record_ids
};

struct Headline {
  std::string case_id, title;
  CheckpointRef checkpoint;
  std::string from, to;
  std::vector<HeadlineFigure> figures;
  const HeadlineFigure* Find(const std::string& key) const;
};

// Precondition: ind and comp are of the same case, checkpoint and range;
// ind computed with `explain` (each figure names its records, and the
// count of stopped movements is of records).
Headline ComputeHeadline(const Indicators& ind, const Compliance& comp);

nlohmann::json HeadlineJson(const Headline& h);
// One line per figure ("at least" where the value is a lower bound), with
// its completeness; with `explain`, the records behind each.
std::string HeadlineTable(const Headline& h, bool explain);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_HEADLINE_H_
