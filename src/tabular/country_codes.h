// ISO 3166-1 country codes, for the `country` of a location (alpha-3 in
// docs/records.md) when a source gives a numeric code (ACLED's `iso`) or only
// a name (UCDP's `country`, HXL's #country+name).
//
// The table is Debian iso-codes' ISO 3166-1 list (country_codes_table.inc,
// written by gen_country_codes.py) plus the spellings that ACLED and UCDP use
// where they differ from ISO's ("Myanmar (Burma)", "DR Congo (Zaire)",
// "Ivory Coast", ...). Thread-safe.
#ifndef LIFELINE_TABULAR_COUNTRY_CODES_H_
#define LIFELINE_TABULAR_COUNTRY_CODES_H_

#include <optional>
#include <string>
#include <string_view>

namespace lifeline::tabular {

// "050" or "50" -> "BGD"; nullopt for codes ISO 3166-1 does not assign.
std::optional<std::string> Alpha3FromNumeric(std::string_view numeric);

// "Bangladesh", "Myanmar (Burma)", "Panamá", "bolivia" -> alpha-3. Matching
// ignores case, accents, punctuation and a trailing parenthesised former
// name; nullopt when the name is unknown.
std::optional<std::string> Alpha3FromName(std::string_view name);

// True when `code` is an assigned alpha-3 code ("BGD"; upper case only).
bool IsAlpha3(std::string_view code);

// The numeric code and the common (else ISO) name of an assigned alpha-3
// code, for writers that must give a country back as ACLED does.
struct CountryInfo {
  int numeric = 0;
  std::string name;
};
std::optional<CountryInfo> CountryFromAlpha3(std::string_view alpha3);

}  // namespace lifeline::tabular

#endif  // LIFELINE_TABULAR_COUNTRY_CODES_H_
