// Value types shared by record kinds: dates with a precision, date-times,
// units and their canonical forms. Pure.
#ifndef LIFELINE_RECORD_VALUES_H_
#define LIFELINE_RECORD_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::record {

// A calendar day as days since 1970-01-01 (proleptic Gregorian).
struct Day {
  int64_t days = 0;
  friend auto operator<=>(const Day&, const Day&) = default;
};

// Parses YYYY-MM-DD (a real calendar date, years 1000..9999).
Result<Day> ParseDate(std::string_view s);
std::string FormatDate(Day d);

// Parses an RFC 3339 date-time with an offset (Z or +hh:mm) or a plain date
// (taken as 00:00 UTC); returns seconds since the epoch, UTC.
Result<int64_t> ParseDateTime(std::string_view s);

enum class DatePrecision { kDay, kWeek, kMonth, kYear };
Result<DatePrecision> ParseDatePrecision(std::string_view s);
std::string_view DatePrecisionName(DatePrecision p);
// ACLED time_precision 1..3 and UCDP date_prec 1..5.
Result<DatePrecision> FromAcledTimePrecision(int p);
Result<DatePrecision> FromUcdpDatePrecision(int p);

// A unit and what it converts to: `factor` times the quantity in `unit`
// gives the quantity in `canonical`.
struct UnitInfo {
  std::string_view unit;
  std::string_view canonical;
  double factor;
  std::string_view dimension;  // "mass", "volume", "energy", "count"
};
// NotFound-free lookup: nullopt for an unknown unit.
std::optional<UnitInfo> LookupUnit(std::string_view unit);
// The list of known units, for error messages ("t, kg, g, ...").
std::string KnownUnits();
// The known units' names, in the order KnownUnits lists them.
std::vector<std::string> UnitNames();

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_VALUES_H_
