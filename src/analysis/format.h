// Output of the indicators and compliance: JSON (everything, with the record
// ids behind each value), CSV (long format: one value per row) and a
// human-readable table. Every output names its checkpoint. Pure.
#ifndef LIFELINE_ANALYSIS_FORMAT_H_
#define LIFELINE_ANALYSIS_FORMAT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "analysis/compliance.h"
#include "analysis/indicators.h"

namespace lifeline::analysis {

nlohmann::json IndicatorsJson(const Indicators& ind);
// Columns: date,indicator,subject,direction,measure,value,unit,records
// (date "total" for the range totals; records joined by ';').
std::string IndicatorsCsv(const Indicators& ind);
// One line per day; with `explain`, the record ids behind each day's values.
std::string IndicatorsTable(const Indicators& ind, bool explain);

nlohmann::json ComplianceJson(const Compliance& c);
// Columns: obligation,date,result,status,restricted,records: one row per
// violation or unknown day, and one per obligation that cannot be evaluated.
std::string ComplianceCsv(const Compliance& c);
std::string ComplianceTable(const Compliance& c, bool explain);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_FORMAT_H_
