// Siege severity per day (and per week): six criteria read from a case's
// records, each yes / no / unknown with the records that decided it, and a
// class derived from them by a stated rule (docs/analysis.md, "Siege
// severity"). In the spirit of the tiers of PAX's Siege Watch; Lifeline
// counts and cites, it states no verdict.
//
// The criteria of a day d:
//   food        can food enter?   inbound, on some lifeline route
//   medicine    can medicine enter?  inbound, on some lifeline route
//   sick        can the sick leave?  outbound, on some lifeline route
//   civilians   can civilians move in and out?  both ways (each on some route)
//   utilities   is a utility cut?  (any utility, known or not)
//   attacks     was the population attacked?  (a recorded incident with
//               civilian casualties or of ACLED type "Violence against
//               civilians")
//
// Access (the first four). A lifeline route (Dataset::LifelineRoutes) lets
// a good through one way when its status that day (the most restrictive in
// force that way, route_days.h) is open, or restricted with some channel
// of the good free of the restricted list:
//   food       humanitarian | commercial (none of cargo, vehicles, commercial)
//   medicine   humanitarian | medical | commercial
//   sick       medical | civilian traffic (none of persons, vehicles)
//   civilians  persons
// A restricted value the code does not know (open vocabularies) is in no
// channel: it decides nothing. yes: some lifeline route lets it through;
// no: every lifeline route has a status in force and none does; unknown:
// otherwise (also when the case names no lifeline route). The records: the
// status records in force (either way) on the routes behind the answer.
//
// utilities: yes when some utility's series (utilities.h) has hours without
// service or a supply-line cut that day (a utility the code does not know
// counts like any other); no when the case has utility records and no
// series is cut or unknown that day; unknown otherwise.
// attacks: yes with the qualifying incidents; no otherwise (the incident
// records are the case's record of attacks: "no" means none recorded).
//
// The class, from the criteria's "bad" answers (no for access, yes for
// utilities and attacks):
//   severe    food, medicine and sick all no, and utilities or attacks yes
//   high      otherwise, any of food, medicine, sick no
//   moderate  otherwise, civilians no, or utilities or attacks yes
//   none      otherwise
// The rule is monotone in the bad answers, so with unknown criteria the
// class lies between at_least (every unknown taken as good) and at_most
// (every unknown taken as bad); the class is that class when they agree,
// else unknown — never a guess.
//
// A week (ISO, Monday to Sunday, clipped to the range): its class is its
// most severe day class when no unknown day could be worse (at_most of
// every unknown day <= it), else unknown; a criterion's answer is bad if it
// was bad on some day, else unknown if unknown on some day, else good, with
// the records of the days that gave that answer.
//
// Pure: no I/O.
#ifndef LIFELINE_ANALYSIS_SEVERITY_H_
#define LIFELINE_ANALYSIS_SEVERITY_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/dataset.h"
#include "base/status.h"

namespace lifeline::analysis {

enum class Answer : uint8_t { kUnknown = 0, kNo = 1, kYes = 2 };
std::string_view AnswerName(Answer a);

enum class Criterion : uint8_t { kFood = 0, kMedicine, kSick, kCivilians, kUtilities, kAttacks };
inline constexpr size_t kCriteria = 6;
std::string_view CriterionName(Criterion c);
// The question a criterion answers, one line in English (outputs state it).
std::string_view CriterionQuestion(Criterion c);
// The bad answer of a criterion: no for access, yes for utilities/attacks.
Answer BadAnswer(Criterion c);

// Ordered by severity; kUnknown last (not a degree).
enum class SeverityClass : uint8_t { kNone = 0, kModerate = 1, kHigh = 2, kSevere = 3, kUnknown = 4 };
std::string_view SeverityClassName(SeverityClass c);
// Parses a class name ("severe", ...); nullopt if not one.
std::optional<SeverityClass> ParseSeverityClass(std::string_view s);
// The rule as text, one line per class (outputs state it).
std::vector<std::string> SeverityRule();

// The class of answers with no unknown among them (`bad[c]`: criterion c
// gave its bad answer).
SeverityClass ClassOfBad(const std::array<bool, kCriteria>& bad);

struct CriterionValue {
  Answer answer = Answer::kUnknown;
  std::vector<std::string> records;  // sorted, distinct
};

struct SeverityPeriod {
  std::string from, to;  // a day: from == to
  std::array<CriterionValue, kCriteria> criteria;
  SeverityClass cls = SeverityClass::kUnknown;
  SeverityClass at_least = SeverityClass::kNone, at_most = SeverityClass::kSevere;
  // Weeks only: days of each class, indexed by SeverityClass.
  std::array<int64_t, 5> days_by_class{};
};

enum class SeverityBy : uint8_t { kDay, kWeek };

struct Severity {
  std::string case_id;
  CheckpointRef checkpoint;
  std::string from, to;
  SeverityBy by = SeverityBy::kDay;
  std::vector<std::string> lifeline_routes;
  std::vector<SeverityPeriod> periods;
  std::array<int64_t, 5> days_by_class{};  // over the range, by SeverityClass
};

// Precondition: ds.finalized. from/to kNoDay: the case's range (as for the
// indicators); InvalidArgument for a range that ResolveRange refuses.
Result<Severity> ComputeSeverity(const Dataset& ds, const CheckpointRef& cp, int32_t from, int32_t to,
                                 SeverityBy by = SeverityBy::kDay);

// Outputs: every one states the criteria and the rule.
nlohmann::json SeverityJson(const Severity& s);
std::string SeverityTable(const Severity& s, bool explain);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_SEVERITY_H_
