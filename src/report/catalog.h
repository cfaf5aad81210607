// Message catalogues of the situation report, with plurals, numbers, dates
// and units from ICU (CLDR data), so that every language reads as its
// readers write it.
//
// Catalogues: one JSON object per language (src/report/messages/LANG.json,
// key -> message), embedded into the binary at build time so it runs from
// any directory. docs/glossary.md fixes the one rendering of each domain
// term per language; the catalogues follow it (a unit test checks).
//
// Messages are ICU MessageFormat patterns
// (https://unicode-org.github.io/icu/userguide/format_parse/messages/):
//   "Days closed: {route}"                              a named argument
//   "{days, plural, one {# day} other {# days}}"        CLDR plural forms
//   "{state, select, open {open} other {closed}}"       a choice by value
//   "{n, number}" / "{n, number, integer}" / "{n, number, percent}"
// Plural forms are those of CLDR for the language: en one/other, hy
// one/other (0, 1 and 1.5 are "one"), ru one/few/many/other (fractions are
// "other": "1,5 дня"), fr one/many/other (0, 1 and 1.5 are "one", millions
// "many": "1 000 000 de jours"). Every plural message must give every form
// of its language (the catalogue test checks).
// Apostrophes: an ASCII apostrophe is ICU's quoting character (a single one
// before { } # | starts a quoted literal), so catalogue prose uses the
// typographic apostrophe ’ (U+2019) and never an ASCII one ('' would write
// one; '{' quotes a brace). The catalogue test rejects any ASCII apostrophe.
//
// English is complete by definition; a key missing from another catalogue
// falls back to English (a unit test checks that none is missing).
//
// Thread safety: a Catalog is immutable once made and may be shared across
// threads; catalogues are parsed once, on first use, thread-safely.
#ifndef LIFELINE_REPORT_CATALOG_H_
#define LIFELINE_REPORT_CATALOG_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"

namespace lifeline::report {

// The languages with a catalogue, English first.
const std::vector<std::string>& Languages();

// The raw embedded JSON text of a language's catalogue; empty if none.
std::string_view CatalogText(std::string_view lang);

// One argument of a message: text, a number, or markup.
//   Arg("Northern road")          text (escaped by FormatHtml)
//   Arg(21) / Arg(1.5)            a number: shown in the language's format
//                                 (up to 3 decimals), selects plural forms
//   Arg::Number(20.25, 1)         a number shown with exactly 1 decimal; the
//                                 plural form follows the digits shown
//                                 ("1.0 days", not "1.0 day")
//   Arg::Markup("<data ...>20</data>", 20)
//                                 HTML inserted as is by FormatHtml (plain
//                                 Format strips nothing: use it for HTML
//                                 output only); with a number, plural and
//                                 '#' use it and '#' shows the markup
class Arg {
 public:
  Arg(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit by design
  Arg(const char* text) : text_(text) {}              // NOLINT
  template <typename T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
  Arg(T v) : number_(static_cast<double>(v)) {}  // NOLINT
  static Arg Number(double v, int decimals) {
    Arg a(v);
    a.decimals_ = decimals;
    return a;
  }
  static Arg Markup(std::string html, std::optional<double> number = std::nullopt, int decimals = 0) {
    Arg a(std::move(html));
    a.markup_ = true;
    a.number_ = number;
    if (number) a.decimals_ = decimals;
    return a;
  }

  const std::string& text() const { return text_; }
  const std::optional<double>& number() const { return number_; }
  std::optional<int> decimals() const { return decimals_; }
  bool markup() const { return markup_; }

 private:
  std::string text_;
  std::optional<double> number_;
  std::optional<int> decimals_;
  bool markup_ = false;
};

// Named arguments, in any order.
using MessageArgs = std::vector<std::pair<std::string, Arg>>;

class Catalog {
 public:
  // InvalidArgument for a language without a catalogue.
  static Result<Catalog> For(std::string_view lang);

  const std::string& lang() const { return lang_; }
  // The ICU locale of the language ("en_GB", "hy_AM", "ru_RU", "fr_FR").
  const std::string& locale() const { return locale_; }

  // The message, else the English one, else the key itself.
  const std::string& Get(const std::string& key) const;
  bool Has(const std::string& key) const;

  // Get(key) formatted as plain text:
  //   cat.Format("cargo.need_unknown", {{"days", 21}}) -> "need unknown on 21 days"
  // A missing argument is shown as {name}; a malformed pattern (the
  // catalogue test rules that out) as the pattern itself.
  std::string Format(const std::string& key, const MessageArgs& args = {}) const;
  // The same as HTML: the message text and text arguments escaped, markup
  // arguments inserted as they are.
  //   cat.FormatHtml("routes.totals", {{"route", Arg::Markup("<strong>x</strong>")},
  //                                   {"closed", Arg::Markup(fig.Num(...), 20)}, ...})
  std::string FormatHtml(const std::string& key, const MessageArgs& args = {}) const;
  // Formats a pattern given directly (not a key); for tests and tools.
  std::string FormatPattern(std::string_view pattern, const MessageArgs& args, bool html = false) const;

  // A number with exactly `decimals` digits after the decimal sign (half-even
  // rounding of the decimal value), grouped as the language groups:
  // 1,234.5 (en), 1 234,5 (fr, U+202F), 1 234,5 (ru and hy, U+00A0). No
  // "-0". NaN and infinities give Get("na").
  std::string Number(double v, int decimals = 0) const;
  // A ratio as a percentage: Percent(0.4525, 1) -> "45.3%" (en), "45,3 %" (fr,
  // ru). NaN gives Get("na").
  std::string Percent(double ratio, int decimals = 1) const;
  // YYYY-MM-DD as a date in words (CLDR long format): "12 December 2022",
  // "12 декабря 2022 г.", "12 դեկտեմբերի, 2022 թ."; other text unchanged.
  std::string Date(std::string_view iso) const;
  // A month and year, abbreviated (CLDR yMMM): "Dec 2022", "дек. 2022 г.".
  std::string Month(int year, int month) const;
  // A quantity with its unit, in the language's words and order:
  //   Quantity(2100, "kcal") -> "2,100 kcal" / "2 100 ккал" / "2 100 կկալ"
  //   Quantity(3, "doses")   -> "3 doses" / "3 дозы" (catalogue plural)
  // Units CLDR knows (t, kg, g, l, m3, kcal, kj) come from ICU;
  // the others from the catalogue's message unit.CODE, a plural pattern of
  // {count}; an unknown unit is written after the number as given.
  std::string Quantity(double v, std::string_view unit, int decimals = 0) const;
  // The short name of a unit alone, for headings: "kg", "ккал", "կկալ"
  // (the catalogue's term.unit.CODE: CLDR's symbol where CLDR has one).
  std::string Unit(std::string_view unit) const;
  // An enumeration value of the records or the analysis in words: the
  // message term.GROUP.CODE, else the code itself (a test checks that the
  // schema's enumerations all have terms). Groups: utility, instrument,
  // status (route status: open, restricted, closed, unknown), restriction,
  // direction, route_type, event_type, sub_event_type (ACLED), unit,
  // outcome, commodity (only where the analysis names one itself), kind.
  //   cat.Term("utility", "gas") -> "gas" / "газ" / "գազ" / "gaz"
  std::string Term(std::string_view group, std::string_view code) const;
  bool HasTerm(std::string_view group, std::string_view code) const;
  // The translation of a sentence the analysis states in English (an
  // assumption, a reason an obligation is not evaluable):
  //   1. the message PREFIX.KEY, when `key` is given and this catalogue has
  //      it, and the English PREFIX.KEY has no {name} argument;
  //   2. else the English catalogue's PREFIX.* message that equals `english`,
  //      or whose simple {name} arguments match parts of it (PREFIX.KEY's
  //      first: a keyed sentence with values, such as the forecast's, has
  //      them matched, and one whose English PREFIX.KEY does not match, say
  //      a variant, is matched like a sentence without a key), in this
  //      language, with the matched parts as arguments: a
  //      number is shown in the language's format (and selects plural forms),
  //      a YYYY-MM-DD date as Date(), a value with a term in the group named
  //      like the argument as Term() ({status} "open" -> "ouverte"), and
  //      {seed} and {record} (identifiers) as written;
  //   3. else nullopt: the caller shows `english`, marked lang="en".
  //   cat.AnalysisText("assumption", "", "an incident's missing fatalities ...")
  // Plain text (escape it for HTML).
  std::optional<std::string> AnalysisText(std::string_view prefix, std::string_view key,
                                          std::string_view english) const;
  std::optional<std::string> Assumption(std::string_view key, std::string_view english) const {
    return AnalysisText("assumption", key, english);
  }

  // Whether `pattern` is a message this class can format: ICU MessageFormat
  // syntax, argument types none, plural, selectordinal, select or number,
  // every plural giving "other" and every CLDR form of `lang`, no ASCII
  // apostrophe inside a word (write ’). The names of its arguments go to
  // *names when given.
  static Status CheckPattern(std::string_view lang, std::string_view pattern,
                             std::vector<std::string>* names = nullptr);

  // Implementation state shared by the copies of a Catalog (ICU formatters
  // made once per language).
  struct Impl;

 private:
  std::string lang_, locale_;
  const std::map<std::string, std::string>* messages_ = nullptr;
  const std::map<std::string, std::string>* english_ = nullptr;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_CATALOG_H_
