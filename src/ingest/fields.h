// Cell-level parsing shared by the import readers: text encodings, numbers,
// dates, record ids. Strict by design: a value is either read exactly or
// rejected with a message that quotes it; nothing is guessed (no day/month
// swapping, no "1,5" decimal commas, no rounding of 2.5 into an integer).
//
// Pure functions; thread-safe.
#ifndef LIFELINE_INGEST_FIELDS_H_
#define LIFELINE_INGEST_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::ingest {

// --- Text ------------------------------------------------------------------
// Trimming, UTF-8 checks and accent folding are in tabular/text.h (the
// writers share them).

// Quotes a value for a message: 'abc', cut after 60 bytes, control
// characters and bytes that are not UTF-8 escaped (\n, \x01, \xe9).
std::string Quote(std::string_view value);

// As Quote without the quotes and the cut: the result is always UTF-8, so
// that messages can go into JSON.
std::string EscapeForMessage(std::string_view value);

// ASCII lower case; other bytes unchanged.
std::string AsciiLower(std::string_view s);

// Lower-case ASCII letters and digits, '.', '_', ':' kept; Latin-1 letters
// written in UTF-8 lose their accents (é -> e); anything else becomes '-';
// runs of '-' collapse; no leading/trailing '-'. "07 October 2023" ->
// "07-october-2023".
std::string Slug(std::string_view s);

// docs/records.md: ^[a-z0-9][a-z0-9._:-]{0,127}$
bool IsValidRecordId(std::string_view id);

// Slug of a file's base name without its extension ("data/Gaza Trucks.csv"
// -> "gaza-trucks"); "unnamed" when nothing is left.
std::string FileStemSlug(std::string_view file_name);

// "src-<prefix>-<FileStemSlug(file_name)>", cut to a valid id.
std::string SourceIdForFile(std::string_view prefix, std::string_view file_name);

// --- Numbers ---------------------------------------------------------------

// Decimal integer: optional sign, digits; surrounding whitespace allowed.
// Rejects "1.0", "1e3", "0x10", "1,000" and values outside int64.
Result<int64_t> ParseInteger(std::string_view s);

// Decimal number: optional sign, digits with an optional fraction and
// exponent; finite. Rejects "nan", "inf", "1,5", hex.
Result<double> ParseNumber(std::string_view s);

// As ParseNumber, also accepting thousands separators in the form HXL data
// uses ("12,345", "1,234.5"): commas only between groups of three digits.
Result<double> ParseNumberWithThousands(std::string_view s);

// --- Dates -----------------------------------------------------------------

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31, valid for the month
  friend bool operator==(const Date&, const Date&) = default;
};

enum class DatePrecision { kDay, kWeek, kMonth, kYear };

// "day", "week", "month", "year" (docs/records.md `date_precision`).
std::string_view DatePrecisionName(DatePrecision p);

bool IsValidDate(int year, int month, int day);

// YYYY-MM-DD (years 0001..9999).
std::string FormatDate(const Date& d);

// Reads `value` with a strftime-like `format`. Directives: %Y four-digit
// year, %y two-digit year (69-99 -> 19xx, 00-68 -> 20xx, as POSIX), %m month
// 1-12, %d or %e day 1-31 (one or two digits), %B English month name, %b
// English month name or its three-letter abbreviation ("Sep" and "Sept"), %%
// a percent sign. Letters match case-insensitively; a space in the format
// matches one or more whitespace characters; anything else matches itself.
// The whole (trimmed) value must be consumed, and the date must exist.
Result<Date> ParseDateWithFormat(std::string_view value, std::string_view format);

struct LooseDate {
  Date date;
  DatePrecision precision = DatePrecision::kDay;
};

// The unambiguous forms found in humanitarian data: 2015-03-01, 2015/03/01,
// "1 March 2015", "1 Mar 2015", "01-Mar-2015", "1-March-2015", "March 1,
// 2015", and the partial forms "2015-03" / "March 2015" (month precision,
// day 1) and "2015" (year precision, 1 January). Never numeric day/month
// orders such as 01/03/2015, which are ambiguous.
Result<LooseDate> ParseLooseDate(std::string_view value);

// --- Geography -------------------------------------------------------------

// Latitude in [-90, 90], longitude in [-180, 180].
Result<double> ParseLatitude(std::string_view s);
Result<double> ParseLongitude(std::string_view s);

}  // namespace lifeline::ingest

#endif  // LIFELINE_INGEST_FIELDS_H_
