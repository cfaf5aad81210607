// Output of the indicators and compliance: JSON (everything, with the record
// ids behind each value), CSV (long format: one value per row) and a
// human-readable table. Every output names its checkpoint. Pure.
#ifndef LIFELINE_ANALYSIS_FORMAT_H_
#define LIFELINE_ANALYSIS_FORMAT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/compliance.h"
#include "analysis/forecast.h"
#include "analysis/indicators.h"
#include "analysis/json_writer.h"

namespace lifeline::analysis {

// An optional value as JSON: null when absent.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The indicators' JSON object as members written streamed (one day, one
// total at a time: the output of a large case is never held whole). The
// members refer to `ind`, which must outlive them.
JsonMembers IndicatorsMembers(const Indicators& ind);
// The same document as compact text (dump()), for the API's cached bodies.
std::string IndicatorsJsonText(const Indicators& ind);
// The same document as a DOM (parsed back from the streamed text), for the
// tests and small cases.
nlohmann::json IndicatorsJson(const Indicators& ind);
// The parts of the indicators' JSON, for the headline figures.
nlohmann::json EstimateJson(const RangeEstimate& e);
nlohmann::json BlockadeJson(const Blockade& b);
nlohmann::json CasualtiesJson(const CasualtyTotals& c);
// Columns: date,indicator,subject,direction,measure,value,unit,records
// (date "total" for the range totals; records joined by ';').
std::string IndicatorsCsv(const Indicators& ind);
// One line per day; with `explain`, the record ids behind each day's values.
std::string IndicatorsTable(const Indicators& ind, bool explain);

nlohmann::json ComplianceJson(const Compliance& c);
// The rule obligation `o` was evaluated against: {"type": ..., and the
// terms its type has} (route, for, utility, area, commodity, measure, unit,
// quantity, per, routes, directions; reason for not_evaluable), so a figure
// says what it was measured against (headline detail.rule).
nlohmann::json RuleJson(const ObligationCompliance& o);
// Columns: obligation,date,result,status,restricted,records: one row per
// violation or unknown day, and one per obligation that cannot be evaluated.
std::string ComplianceCsv(const Compliance& c);
std::string ComplianceTable(const Compliance& c, bool explain);

// The forecast: its checkpoint, scenario, fitted model (route process,
// pools summarised), assumptions, and per commodity the stock percentiles
// per day and the days to its threshold.
nlohmann::json ForecastJson(const Forecast& f);
// Columns: commodity,unit,measure,date,p5,p25,p50,p75,p95,never_fraction;
// measure "stock" (one row per day) or "days_to_threshold" (date empty; a
// percentile beyond the horizon is empty).
std::string ForecastCsv(const Forecast& f);
std::string ForecastTable(const Forecast& f);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_FORMAT_H_
