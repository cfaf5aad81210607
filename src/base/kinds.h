// The names of the record kinds (docs/records.md "Kinds"): the one
// vocabulary every layer shares, from the CSV layout (tabular) and the
// store's current view (a retraction takes a record out of it) up to the
// analyses and the server. Code names a kind through these constants, never
// a string literal, so a typo is a compile error and a search for a kind
// finds every place that treats it specially.
//
// What each kind holds (its fields, their types and rules) is the schema's
// job: record/schema.cc KindTable, which lists exactly these names (a test
// there checks both lists agree).
#ifndef LIFELINE_BASE_KINDS_H_
#define LIFELINE_BASE_KINDS_H_

#include <array>
#include <string_view>

namespace lifeline::kinds {

inline constexpr std::string_view kCase = "case";
inline constexpr std::string_view kSource = "source";
inline constexpr std::string_view kEvidence = "evidence";
inline constexpr std::string_view kRoute = "route";
inline constexpr std::string_view kRouteStatus = "route_status";
inline constexpr std::string_view kBaseline = "baseline";
inline constexpr std::string_view kMovement = "movement";
inline constexpr std::string_view kIncident = "incident";
inline constexpr std::string_view kOutage = "outage";
inline constexpr std::string_view kSchedule = "schedule";
inline constexpr std::string_view kObligation = "obligation";
inline constexpr std::string_view kNeedStandard = "need_standard";
inline constexpr std::string_view kStock = "stock";
inline constexpr std::string_view kWatch = "watch";
inline constexpr std::string_view kRequirement = "requirement";
inline constexpr std::string_view kClaim = "claim";
inline constexpr std::string_view kRetraction = "retraction";
// A monitor's tag of records against an analysis framework (record/framework.h).
inline constexpr std::string_view kTag = "tag";

// Every kind, in the order docs/records.md lists them.
inline constexpr std::array<std::string_view, 18> kAll = {
    kCase,     kSource, kEvidence,   kRoute,        kRouteStatus, kBaseline, kMovement,    kIncident,   kOutage,
    kSchedule, kObligation, kNeedStandard, kStock, kWatch,       kRequirement, kClaim, kRetraction, kTag};

}  // namespace lifeline::kinds

#endif  // LIFELINE_BASE_KINDS_H_
