// Message catalogues of the situation report: one JSON object per language
// (src/report/messages/LANG.json, key -> string with {placeholders}),
// embedded into the binary at build time so it runs from any directory.
//
// English is complete by definition; a key missing from another catalogue
// falls back to English (a unit test checks that none is missing). Numbers
// and dates are formatted with the catalogue's number.decimal,
// number.group, date.format and month.N entries.
//
// Thread safety: a Catalog is immutable once made; catalogues are parsed
// once, on first use, thread-safely.
#ifndef LIFELINE_REPORT_CATALOG_H_
#define LIFELINE_REPORT_CATALOG_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace lifeline::report {

// The languages with a catalogue, English first.
const std::vector<std::string>& Languages();

// The raw embedded JSON text of a language's catalogue; empty if none.
std::string_view CatalogText(std::string_view lang);

class Catalog {
 public:
  // InvalidArgument for a language without a catalogue.
  static Result<Catalog> For(std::string_view lang);

  const std::string& lang() const { return lang_; }
  // The message, else the English one, else the key itself.
  const std::string& Get(const std::string& key) const;
  // Get(key) with each {name} replaced by its value.
  std::string Format(const std::string& key, const std::vector<std::pair<std::string, std::string>>& args) const;

  // A number with `decimals` digits after the decimal sign (rounded as
  // printf rounds), grouped by thousands: 1,234.5 (en), 1 234,5 (fr).
  std::string Number(double v, int decimals = 0) const;
  // YYYY-MM-DD as a date in words: "12 December 2022"; other text unchanged.
  std::string Date(std::string_view iso) const;
  // YYYY-MM as a short month and year: "Dec 2022".
  std::string Month(int year, int month) const;

 private:
  std::string lang_;
  const std::map<std::string, std::string>* messages_ = nullptr;
  const std::map<std::string, std::string>* english_ = nullptr;
};

// Replaces {name} in `pattern`; unknown placeholders are left as written.
std::string Substitute(std::string_view pattern, const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_CATALOG_H_
