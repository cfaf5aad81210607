// The atrocity-risk view: the case's current `tag` records (docs/records.md)
// grouped by the factors and indicators of the framework they name
// (record/framework.h), with the tagged records, their corroboration
// (record/corroboration.h), their dates, and who tagged them.
//
// Lifeline counts and cites what named monitors tagged; the view states no
// verdict, and no determination that atrocity crimes occurred or are
// likely (kRiskStatement, carried in every output).
//
// Counting, per indicator (and per factor, over its indicators and its
// factor-level tags):
//   tags     the current tags (a retracted or superseded tag drops out:
//            the current rows at the checkpoint);
//   records  the distinct records those tags name;
//   authors  the distinct `author`s of those tags, sorted;
//   dates    the tagged records' days (store::RecordRow::date_from; a
//            record without a date, such as a source, has none), first and
//            last, and the number of tagged records per month;
//   corroboration  the number of tagged records per status (corroborated,
//            single-source, disputed, retracted; "not current" for a
//            target superseded or retracted at the checkpoint).
// Tags of frameworks other than `framework` are left out and counted in
// `other_frameworks`.
//
// Corroboration is computed by record::Corroborate, which reads the store's
// latest records (as `lifeline show` does); the tags and their targets are
// those of the checkpoint.
#ifndef LIFELINE_ANALYSIS_RISK_H_
#define LIFELINE_ANALYSIS_RISK_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"
#include "record/framework.h"
#include "store/store.h"

namespace lifeline::analysis {

// What every risk output says first.
inline constexpr const char* kRiskStatement =
    "Lifeline records and counts the tags that named monitors attach to records against the factors of an "
    "analysis framework. It states no verdict, and no determination that atrocity crimes occurred or are likely: "
    "each tag is its author's assessment, cited with its sources.";

struct RiskTarget {
  std::string id, kind, date, summary;
  std::string status;  // corroboration status, or "not current"
  int64_t publishers = 0;
};

struct RiskTag {
  std::string id, author, text, indicator;  // indicator "" for a factor-level tag
  std::vector<std::string> sources;
  std::vector<RiskTarget> targets;
};

// Counts over a set of tags (see the header comment).
struct RiskCounts {
  int64_t tags = 0, records = 0;
  std::vector<std::string> authors;
  std::string first, last;                   // tagged records' days ("" if none dated)
  std::map<std::string, int64_t> by_month;   // "YYYY-MM" -> tagged records
  std::map<std::string, int64_t> by_status;  // corroboration status -> tagged records
};

struct RiskIndicator {
  std::string id, label;  // id "" : tags of the factor as a whole
  RiskCounts counts;
  std::vector<RiskTag> tags;  // sorted by id
};

struct RiskFactor {
  std::string id, name, group;
  RiskCounts counts;                     // over all its tags
  std::vector<RiskIndicator> indicators;  // only those tagged, in the framework's order; factor-level first
};

struct Risk {
  std::string case_id;
  CheckpointRef checkpoint;
  std::string framework, framework_title, framework_url, framework_file;
  RiskCounts totals;
  std::vector<RiskFactor> factors;  // every factor of the framework, tagged or not, in its order
  int64_t other_frameworks = 0;     // current tags naming another framework
};

// The view of `case_id`'s tags at `cp` against `framework`. Reads the
// store (the current view of the tree of size cp.size by RecordQuery: the
// tags, then the rows they name; FindRecord, Corroborate). NotFound if the
// case has no current record there; Corruption if a stored record does
// not parse.
Result<Risk> ComputeRisk(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp,
                         const record::Framework& framework);

nlohmann::json RiskJson(const Risk& r);
// A plain-text table: the statement, then each tagged factor and indicator
// with its counts, authors, dates and tagged records.
std::string RiskTable(const Risk& r);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_RISK_H_
