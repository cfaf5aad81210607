// The message catalogues of the report and of the dashboard: complete,
// valid ICU MessageFormat, plural forms of every language (checked against
// CLDR through ICU), formats from ICU, French typography, one rendering per
// glossary term (docs/glossary.md), and the same terms in report and
// dashboard.
#include "report/catalog.h"

#include <gtest/gtest.h>
#include <unicode/fmtable.h>
#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "analysis/dataset.h"
#include "base/status_testing.h"

namespace lifeline::report {
namespace {

using json = nlohmann::json;

json WebCatalogue(const std::string& lang) {
  std::ifstream in(std::string(LIFELINE_SOURCE_DIR) + "/web/i18n/" + lang + ".json");
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str(), nullptr, false);
}

json ReportCatalogue(const std::string& lang) { return json::parse(CatalogText(lang), nullptr, false); }

// Both catalogues of a language: {"report", json}, {"web", json}.
std::vector<std::pair<std::string, json>> Catalogues(const std::string& lang) {
  return {{"report", ReportCatalogue(lang)}, {"web", WebCatalogue(lang)}};
}

// ---- Completeness and syntax ----

TEST(CatalogTest, EveryLanguageHasEveryEnglishKey) {
  for (const char* which : {"report", "web"}) {
    SCOPED_TRACE(which);
    json en = std::string(which) == "report" ? ReportCatalogue("en") : WebCatalogue("en");
    ASSERT_TRUE(en.is_object());
    ASSERT_GT(en.size(), 100u);
    for (const auto& lang : Languages()) {
      json j = std::string(which) == "report" ? ReportCatalogue(lang) : WebCatalogue(lang);
      ASSERT_TRUE(j.is_object()) << lang << " is not a JSON object";
      for (auto it = en.begin(); it != en.end(); ++it) {
        ASSERT_TRUE(j.contains(it.key())) << lang << " lacks " << it.key();
        EXPECT_TRUE(j[it.key()].is_string()) << lang << ": " << it.key();
        EXPECT_FALSE(j[it.key()].get<std::string>().empty()) << lang << ": " << it.key();
      }
      for (auto it = j.begin(); it != j.end(); ++it) EXPECT_TRUE(en.contains(it.key())) << lang << " has extra " << it.key();
    }
  }
}

TEST(CatalogTest, EveryMessageIsIcuMessageFormatWithTheArgumentsOfTheEnglish) {
  for (const auto& lang : Languages()) {
    for (const auto& [which, cat] : Catalogues(lang)) {
      json en = which == "report" ? ReportCatalogue("en") : WebCatalogue("en");
      for (auto it = cat.begin(); it != cat.end(); ++it) {
        SCOPED_TRACE(which + " " + lang + " " + it.key());
        std::vector<std::string> names, en_names;
        Status s = Catalog::CheckPattern(lang, it.value().get<std::string>(), &names);
        EXPECT_OK(s) << it.value();
        ASSERT_TRUE(Catalog::CheckPattern("en", en[it.key()].get<std::string>(), &en_names).ok());
        std::set<std::string> a(names.begin(), names.end()), b(en_names.begin(), en_names.end());
        EXPECT_EQ(a, b) << "arguments differ from the English";
        // Prose uses ’: an ASCII apostrophe would be ICU quoting.
        EXPECT_EQ(it.value().get<std::string>().find('\''), std::string::npos);
      }
    }
  }
}

TEST(CatalogTest, CheckPatternRejectsWhatTheFormatterCannotDo) {
  EXPECT_TRUE(Catalog::CheckPattern("ru", "{n, plural, one {# день} few {# дня} many {# дней} other {# дня}}").ok());
  // Russian needs few and many.
  EXPECT_FALSE(Catalog::CheckPattern("ru", "{n, plural, one {# день} other {# дней}}").ok());
  EXPECT_FALSE(Catalog::CheckPattern("fr", "{n, plural, one {# jour} other {# jours}}").ok());  // fr "many"
  EXPECT_FALSE(Catalog::CheckPattern("en", "{n, plural, one {# day}}").ok());
  EXPECT_FALSE(Catalog::CheckPattern("en", "{n, choice, 0#none|1#one}").ok());
  EXPECT_FALSE(Catalog::CheckPattern("en", "{d, date, long}").ok());
  EXPECT_FALSE(Catalog::CheckPattern("en", "the log's key").ok());  // a lone ASCII apostrophe
  EXPECT_TRUE(Catalog::CheckPattern("en", "the log’s key, '{'braces'}' and '' quotes").ok());
  EXPECT_FALSE(Catalog::CheckPattern("en", "{unclosed").ok());
  EXPECT_FALSE(Catalog::CheckPattern("xx", "text").ok());
}

TEST(CatalogTest, UnknownLanguageAndKey) {
  EXPECT_EQ(Catalog::For("de").status().code(), ErrorCode::kInvalidArgument);
  auto fr = Catalog::For("fr");
  ASSERT_TRUE(fr.ok());
  EXPECT_EQ(fr->Get("no.such.key"), "no.such.key");
  EXPECT_EQ(fr->Format("title", {{"case", "x"}}), "Rapport de situation\u00a0: x");
  EXPECT_EQ(fr->FormatPattern("{a} et {b} et {c}", {{"a", "1"}, {"b", "{a}"}}), "1 et {a} et {c}");
}

// No catalogue is English in disguise. Armenian and Russian messages use
// Latin letters only for names and notations that stay Latin (Lifeline,
// SHA-256, RFC, ACLED, a command, `code`); a French message equal to its
// English one must be one a translator confirmed is French as written.
TEST(CatalogTest, NoMessageIsLeftInEnglish) {
  const std::set<std::string> latin_ok = {"lifeline", "acled", "ocha", "rfc", "sha", "utc", "json", "fig", "report",
                                          "verify", "store", "forecast", "scenario", "origin", "natural", "earth",
                                          "world", "atlas", "sphere", "max", "x", "a", "d", "f", "p"};
  const std::set<std::string> french_as_english = {
      // report
      "subtitle", "section.incidents", "section.sources", "patients.count", "incidents.date", "incidents.type",
      "incidents.sources", "compliance.obligation", "sources.date", "term.utility.internet",
      "term.sub_event_type.Grenade", "term.unit.t", "term.unit.kg", "term.unit.g", "term.unit.l", "term.unit.m3",
      "term.unit.kcal", "term.unit.kj", "term.unit.mwh", "term.unit.doses", "unit.mwh", "term.measure.patients",
      "term.cause.accident", "term.kind.source", "term.kind.incident", "term.kind.obligation", "term.kind.stock",
      "casualties.cause", "casualties.incidents", "claims.stance", "supply.stock",
      // dashboard
      "app_name", "fig_incidents", "col_date", "col_corroboration", "col_type", "col_obligation", "pagination",
      "sources", "corroboration", "map_legend_incident", "map_incidents", "field_cause", "field_date",
      "field_description", "field_instrument", "field_note", "field_patients", "field_population", "field_public",
      "field_sources", "field_type", "utility_internet", "sub_event_type_Grenade", "kind_source", "kind_incident",
      "kind_obligation", "kind_stock", "unit_t", "unit_kg", "unit_g", "unit_l", "unit_m3", "unit_kcal", "unit_kj",
      "unit_mwh", "unit_doses", "measure_patients", "cause_accident"};
  // A message of arguments and punctuation only ("{party}: {best}") reads
  // the same in every language.
  auto no_prose = [](const std::string& m) {
    std::string rest = std::regex_replace(m, std::regex("\\{[a-z_]+\\}"), "");
    return std::none_of(rest.begin(), rest.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  };
  for (const auto& lang : Languages()) {
    if (lang == "en") continue;
    for (const auto& [which, cat] : Catalogues(lang)) {
      json en = which == "report" ? ReportCatalogue("en") : WebCatalogue("en");
      for (auto it = cat.begin(); it != cat.end(); ++it) {
        std::string msg = it.value();
        if (msg == en[it.key()].get<std::string>() && !no_prose(msg) && it.key() != "app_name" &&
            !(lang == "fr" && french_as_english.count(it.key()))) {
          ADD_FAILURE() << lang << " " << which << " " << it.key() << " is the English text: \"" << msg << "\"";
        }
        if (lang == "fr") continue;
        // The prose: without `code`, argument names and plural keywords.
        std::string prose;
        bool code = false;
        for (char c : msg) {
          if (c == '`') code = !code;
          else if (!code) prose += c;
        }
        prose = std::regex_replace(prose, std::regex("\\{[a-z_]+(, *(plural|select|selectordinal|number)[^{}]*)?"), " ");
        prose = std::regex_replace(prose, std::regex("\\b(offset|one|few|many|other|integer|percent)\\b"), " ");
        std::string w;
        for (char c : prose + " ") {
          if (std::isalpha(static_cast<unsigned char>(c))) {
            w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            continue;
          }
          if (!w.empty() && !latin_ok.count(w)) {
            ADD_FAILURE() << lang << " " << which << " " << it.key() << " has the Latin word \"" << w << "\": \"" << msg
                          << "\"";
          }
          w.clear();
        }
      }
    }
  }
}

// ---- The formatter ----

TEST(FormatTest, HtmlEscapesTextButNotMarkup) {
  auto en = *Catalog::For("en");
  EXPECT_EQ(en.FormatPattern("<{a}> & {b}", {{"a", "x<y"}, {"b", Arg::Markup("<b>z</b>")}}, true),
            "&lt;x&lt;y&gt; &amp; <b>z</b>");
  // '#' in a plural shows the markup of a figure; the plural follows its number.
  EXPECT_EQ(en.FormatPattern("{n, plural, one {# day} other {# days}}", {{"n", Arg::Markup("<data>1</data>", 1)}}, true),
            "<data>1</data> day");
  EXPECT_EQ(en.FormatPattern("{n, plural, one {# day} other {# days}}", {{"n", Arg::Markup("<data>2</data>", 2)}}, true),
            "<data>2</data> days");
  // Exact matches, offset, select, ordinal, number styles.
  EXPECT_EQ(en.FormatPattern("{n, plural, =0 {none} one {# day} other {# days}}", {{"n", 0}}), "none");
  EXPECT_EQ(en.FormatPattern("{n, plural, offset:1 one {you and # other} other {you and # others}}", {{"n", 3}}),
            "you and 2 others");
  EXPECT_EQ(en.FormatPattern("{s, select, open {open} other {not open}}", {{"s", "closed"}}), "not open");
  EXPECT_EQ(en.FormatPattern("{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}", {{"n", 22}}), "22nd");
  EXPECT_EQ(en.FormatPattern("{n, number, percent}", {{"n", 0.25}}), "25%");
  EXPECT_EQ(en.FormatPattern("{n, number, integer}", {{"n", 1234.6}}), "1,235");
  // Decimals shown decide the plural form (CLDR: "1.0 days").
  EXPECT_EQ(en.FormatPattern("{n, plural, one {# day} other {# days}}", {{"n", Arg::Number(1, 1)}}), "1.0 days");
  // Quoting.
  EXPECT_EQ(en.FormatPattern("'{'n'}' is ''{n}''", {{"n", 5}}), "{n} is '5'");
}

// Every message of every catalogue, formatted by Catalog and by
// icu::MessageFormat with the same text and number arguments, must agree:
// the walker over MessagePattern is ICU's formatter, plus markup.
TEST(FormatTest, AgreesWithIcuMessageFormat) {
  for (const auto& lang : Languages()) {
    auto cat = *Catalog::For(lang);
    for (const auto& [which, j] : Catalogues(lang)) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string pattern = it.value();
        UErrorCode e = U_ZERO_ERROR;
        icu::UnicodeString upattern = icu::UnicodeString::fromUTF8(pattern);
        icu::MessagePattern mp(upattern, nullptr, e);
        ASSERT_TRUE(U_SUCCESS(e)) << it.key();
        // Numbers for the arguments that select or format numbers; text else.
        std::map<std::string, bool> numeric;
        for (int32_t i = 0; i < mp.countParts(); ++i) {
          const auto& part = mp.getPart(i);
          if (part.getType() != UMSGPAT_PART_TYPE_ARG_START) continue;
          std::string name;
          mp.getSubstring(mp.getPart(i + 1)).toUTF8String(name);
          bool n = part.getArgType() == UMSGPAT_ARG_TYPE_PLURAL || part.getArgType() == UMSGPAT_ARG_TYPE_SELECTORDINAL ||
                   part.getArgType() == UMSGPAT_ARG_TYPE_SIMPLE;
          numeric[name] = numeric[name] || n;
        }
        for (double v : {0.0, 1.0, 2.0, 5.0, 21.0, 22.0, 25.0, 1.5, 1234567.0}) {
          MessageArgs args;
          std::vector<icu::UnicodeString> names;
          std::vector<icu::Formattable> values;
          for (const auto& [name, is_number] : numeric) {
            names.push_back(icu::UnicodeString::fromUTF8(name));
            if (is_number) {
              args.emplace_back(name, v);
              values.emplace_back(v);
            } else {
              args.emplace_back(name, "«" + name + "»");
              values.emplace_back(icu::UnicodeString::fromUTF8("«" + name + "»"));
            }
          }
          icu::MessageFormat mf(upattern, icu::Locale(cat.locale().c_str()), e);
          ASSERT_TRUE(U_SUCCESS(e)) << it.key();
          icu::UnicodeString out;
          mf.format(names.data(), values.data(), static_cast<int32_t>(names.size()), out, e);
          ASSERT_TRUE(U_SUCCESS(e)) << it.key() << ": " << u_errorName(e);
          std::string want;
          out.toUTF8String(want);
          EXPECT_EQ(cat.FormatPattern(pattern, args), want) << which << " " << lang << " " << it.key() << " v=" << v;
        }
      }
    }
  }
}

// ---- Plural forms: 0, 1, 2, 5, 21, 22, 25 and 1.5 in each language ----

struct PluralCase {
  const char* lang;
  std::vector<std::string> want;  // for 0, 1, 2, 5, 21, 22, 25, 1.5
};

void ExpectPlurals(const std::string& key, const std::string& arg, const std::vector<PluralCase>& cases) {
  const double values[] = {0, 1, 2, 5, 21, 22, 25, 1.5};
  for (const auto& c : cases) {
    auto cat = *Catalog::For(c.lang);
    for (size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(cat.Format(key, {{arg, values[i]}, {"commodity", "water"}}), c.want[i]) << c.lang << " " << key << " " << values[i];
    }
  }
}

TEST(PluralTest, DaysInEveryLanguage) {
  ExpectPlurals("value.days", "n",
                {{"en", {"0 days", "1 day", "2 days", "5 days", "21 days", "22 days", "25 days", "1.5 days"}},
                 {"hy", {"0 օր", "1 օր", "2 օր", "5 օր", "21 օր", "22 օր", "25 օր", "1,5 օր"}},
                 {"ru", {"0 дней", "1 день", "2 дня", "5 дней", "21 день", "22 дня", "25 дней", "1,5 дня"}},
                 {"fr", {"0 jour", "1 jour", "2 jours", "5 jours", "21 jours", "22 jours", "25 jours", "1,5 jour"}}});
  // After "до" (up to): the genitive (1 часа, 2 часов, 5 часов, 21 часа, 1,5 часа).
  ExpectPlurals("kf.utility_rationing", "hours",
                {{"ru",
                  {"Нормирование — до 0 часов в сутки.", "Нормирование — до 1 часа в сутки.",
                   "Нормирование — до 2 часов в сутки.", "Нормирование — до 5 часов в сутки.",
                   "Нормирование — до 21 часа в сутки.", "Нормирование — до 22 часов в сутки.",
                   "Нормирование — до 25 часов в сутки.", "Нормирование — до 1,5 часа в сутки."}},
                 {"fr",
                  {"Rationnement jusqu’à 0 heure par jour.", "Rationnement jusqu’à 1 heure par jour.",
                   "Rationnement jusqu’à 2 heures par jour.", "Rationnement jusqu’à 5 heures par jour.",
                   "Rationnement jusqu’à 21 heures par jour.", "Rationnement jusqu’à 22 heures par jour.",
                   "Rationnement jusqu’à 25 heures par jour.", "Rationnement jusqu’à 1,5 heure par jour."}}});
}

TEST(PluralTest, RecordsFoundInEveryLanguage) {
  // The dashboard's catalogue, formatted by the same rules.
  const double values[] = {0, 1, 2, 5, 21, 22, 25, 1.5};
  const std::map<std::string, std::vector<std::string>> want = {
      {"en", {"0 records", "1 record", "2 records", "5 records", "21 records", "22 records", "25 records", "1.5 records"}},
      {"hy", {"0 գրառում", "1 գրառում", "2 գրառում", "5 գրառում", "21 գրառում", "22 գրառում", "25 գրառում", "1,5 գրառում"}},
      {"ru", {"0 записей", "1 запись", "2 записи", "5 записей", "21 запись", "22 записи", "25 записей", "1,5 записи"}},
      {"fr",
       {"0 enregistrement", "1 enregistrement", "2 enregistrements", "5 enregistrements", "21 enregistrements",
        "22 enregistrements", "25 enregistrements", "1,5 enregistrement"}}};
  for (const auto& [lang, forms] : want) {
    auto cat = *Catalog::For(lang);
    std::string pattern = WebCatalogue(lang)["records_found"];
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(cat.FormatPattern(pattern, {{"n", values[i]}}), forms[i]) << lang << " " << values[i];
  }
}

TEST(PluralTest, QuantitiesInEveryLanguage) {
  const double values[] = {0, 1, 2, 5, 21, 22, 25, 1.5};
  const std::map<std::string, std::vector<std::string>> doses = {
      {"en", {"0 doses", "1 dose", "2 doses", "5 doses", "21 doses", "22 doses", "25 doses", "1.5 doses"}},
      {"hy", {"0 դեղաչափ", "1 դեղաչափ", "2 դեղաչափ", "5 դեղաչափ", "21 դեղաչափ", "22 դեղաչափ", "25 դեղաչափ", "1,5 դեղաչափ"}},
      {"ru", {"0 доз", "1 доза", "2 дозы", "5 доз", "21 доза", "22 дозы", "25 доз", "1,5 дозы"}},
      {"fr", {"0 dose", "1 dose", "2 doses", "5 doses", "21 doses", "22 doses", "25 doses", "1,5 dose"}}};
  for (const auto& [lang, forms] : doses) {
    auto cat = *Catalog::For(lang);
    for (size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(cat.Quantity(values[i], "doses", values[i] == 1.5 ? 1 : 0), forms[i]) << lang << " " << values[i];
    }
  }
  // CLDR units from ICU, spaced as CLDR spaces them (French: U+202F).
  EXPECT_EQ(Catalog::For("en")->Quantity(2100, "kcal"), "2,100 kcal");
  EXPECT_EQ(Catalog::For("ru")->Quantity(2100, "kcal"), "2\u00a0100 ккал");
  EXPECT_EQ(Catalog::For("hy")->Quantity(15, "l"), "15 լ");
  EXPECT_EQ(Catalog::For("fr")->Quantity(1.5, "t", 1), "1,5\u202ft");
  EXPECT_EQ(Catalog::For("fr")->Quantity(3, "unheard-of"), "3 unheard-of");
}

// ---- Numbers, dates and units from ICU ----

TEST(FormatTest, NumbersPerLanguage) {
  auto en = *Catalog::For("en"), fr = *Catalog::For("fr"), ru = *Catalog::For("ru"), hy = *Catalog::For("hy");
  EXPECT_EQ(en.Number(1234.5, 1), "1,234.5");
  EXPECT_EQ(en.Number(1234567), "1,234,567");
  EXPECT_EQ(en.Number(999), "999");
  EXPECT_EQ(en.Number(-1234.25, 1), "-1,234.2");  // half-even
  EXPECT_EQ(en.Number(-0.01, 1), "0.0");          // no "-0.0"
  // French groups with a narrow no-break space (CLDR), Russian and Armenian
  // with a no-break space.
  EXPECT_EQ(fr.Number(1234.5, 1), "1\u202f234,5");
  EXPECT_EQ(ru.Number(120000), "120\u00a0000");
  EXPECT_EQ(hy.Number(0.5, 2), "0,50");
  EXPECT_EQ(hy.Number(1234567), "1\u00a0234\u00a0567");
  EXPECT_EQ(en.Number(NAN), "n/a");
  EXPECT_EQ(ru.Number(INFINITY), "н/д");
  EXPECT_EQ(en.Percent(0.4525, 1), "45.2%");
  EXPECT_EQ(fr.Percent(0.4525, 1), "45,2\u00a0%");
  EXPECT_EQ(ru.Percent(1, 0), "100\u00a0%");
}

TEST(FormatTest, DatesPerLanguage) {
  EXPECT_EQ(Catalog::For("en")->Date("2022-12-12"), "12 December 2022");
  EXPECT_EQ(Catalog::For("fr")->Date("2023-08-01"), "1 août 2023");
  EXPECT_EQ(Catalog::For("ru")->Date("2022-12-12"), "12 декабря 2022\u202fг.");
  EXPECT_EQ(Catalog::For("hy")->Date("2023-09-30"), "30 սեպտեմբերի, 2023 թ.");
  EXPECT_EQ(Catalog::For("en")->Date("not a date"), "not a date");
  EXPECT_EQ(Catalog::For("en")->Month(2023, 2), "Feb 2023");
  EXPECT_EQ(Catalog::For("ru")->Month(2022, 12), "дек. 2022\u202fг.");
}

// The catalogues' unit symbols (term.unit.*, unit_* in the dashboard, which
// has no ICU for kcal or t) are CLDR's, as ICU writes them after a number.
TEST(FormatTest, UnitSymbolsAreCldrs) {
  for (const auto& lang : Languages()) {
    auto cat = *Catalog::For(lang);
    json web = WebCatalogue(lang);
    for (const char* u : {"t", "kg", "g", "l", "m3", "kcal", "kj"}) {
      std::string q = cat.Quantity(2, u);
      const std::string sep = lang == "fr" ? "\u202f" : " ";
      EXPECT_EQ(q, "2" + sep + cat.Unit(u)) << lang << " " << u;
      EXPECT_EQ(web[std::string("unit_") + u], cat.Unit(u)) << lang << " " << u;
    }
  }
}

TEST(TermTest, TermsAndAnalysisTexts) {
  auto ru = *Catalog::For("ru");
  EXPECT_EQ(ru.Term("utility", "gas"), "Газ");
  EXPECT_EQ(ru.Term("instrument", "interim_measure"), "Обеспечительная мера");
  EXPECT_EQ(ru.Term("utility", "teleportation"), "teleportation");
  EXPECT_FALSE(ru.HasTerm("utility", "teleportation"));
  // The analysis writes ' where the catalogues write ’.
  auto a = ru.Assumption("", "a route's status on a day, in each direction, is the most restrictive status in force that "
                             "way at any time of that UTC day");
  ASSERT_TRUE(a);
  EXPECT_NE(a->find("самое ограничительное"), std::string::npos);
  EXPECT_FALSE(ru.Assumption("", "an assumption nobody has translated"));
  // With values: numbers, dates and codes in the language's words.
  auto f = *Catalog::For("fr");
  auto b = f.Assumption("", "The day before the start is closed (scenario).");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "Le jour précédant le début est à l’état «\u00a0fermée\u00a0» (scénario).");
  auto c = ru.Assumption("", "Population 90000 from 2023-10-01 (scenario).");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, "Население 90\u00a0000 с 1 октября 2023\u202fг. (сценарий).");
  auto d = ru.Assumption("", "2000 trajectories of 180 days from 2023-09-20, seed 20231001; the same seed gives the same "
                             "output on any number of threads.");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rfind("2\u00a0000 траекторий длиной 180 дней начиная с 20 сентября 2023\u202fг., начальное значение генератора "
                     "20231001",
                     0),
            0u)
      << *d;
  // A key, when the analysis gives one, wins.
  EXPECT_EQ(*ru.Assumption("indicators.open_outage", "anything"), ru.Get("assumption.indicators.open_outage"));
  // A keyed sentence with values has them; a variant under the same key
  // (an airlift with and without an end) is matched by its own sentence.
  EXPECT_EQ(*ru.Assumption("forecast.population.change", "Population 90000 from 2023-10-01 (scenario)."), *c);
  EXPECT_EQ(*ru.Assumption("forecast.airlift", "flour: airlift of 5 t per day from 2023-10-01 to 2023-10-09, whatever "
                                               "the route status."),
            "flour: воздушная доставка 5 т в сутки с 1 октября 2023\u202fг. по 9 октября 2023\u202fг. независимо от "
            "состояния маршрута.");
  EXPECT_EQ(*ru.Assumption("forecast.airlift", "flour: airlift of 5 t per day from 2023-10-01, whatever the route status."),
            "flour: воздушная доставка 5 т в сутки с 1 октября 2023\u202fг. независимо от состояния маршрута.");
  // The sentence exactly as the analysis writes it (it once listed one
  // type while the catalogue's pattern listed another, and fell back to English).
  EXPECT_EQ(ru.AnalysisText("reason", "", analysis::UnknownRuleTypeProblem("ceasefire")),
            "правило типа «ceasefire» Lifeline оценить не может (известные типы: route_open, service_restored, "
            "commodity_allowed, flow_at_least, not_evaluable)");
}

// The report and the dashboard say the same thing the same way.
TEST(TermTest, ReportAndDashboardShareTermsAndAnalysisTexts) {
  for (const auto& lang : Languages()) {
    json report = ReportCatalogue(lang), web = WebCatalogue(lang);
    size_t shared = 0;
    for (auto it = report.begin(); it != report.end(); ++it) {
      const std::string& k = it.key();
      if (k.rfind("term.", 0) == 0) {
        size_t dot = k.find('.', 5);
        std::string web_key = k.substr(5, dot - 5) + "_" + k.substr(dot + 1);
        ASSERT_TRUE(web.contains(web_key)) << lang << " " << web_key;
        EXPECT_EQ(web[web_key], it.value()) << lang << " " << k;
        ++shared;
      } else if (k.rfind("assumption.", 0) == 0 || k.rfind("reason.", 0) == 0 || k.rfind("unit.", 0) == 0) {
        ASSERT_TRUE(web.contains(k)) << lang << " " << k;
        EXPECT_EQ(web[k], it.value()) << lang << " " << k;
        ++shared;
      }
    }
    EXPECT_GT(shared, 100u);
  }
}

// ---- French typography ----

TEST(TypographyTest, FrenchSpacesBeforeDoublePunctuationAndInGuillemets) {
  for (const auto& [which, cat] : Catalogues("fr")) {
    for (auto it = cat.begin(); it != cat.end(); ++it) {
      std::string s = it.value();
      SCOPED_TRACE(which + " " + it.key() + ": " + s);
      // Outside `code`: ":" (U+00A0 before), ";" "?" "!" (U+202F before).
      std::string prose;
      bool code = false;
      for (char c : s) {
        if (c == '`') code = !code;
        else if (!code) prose += c;
      }
      for (size_t i = 0; i < prose.size(); ++i) {
        char c = prose[i];
        if (c != ':' && c != ';' && c != '?' && c != '!') continue;
        bool punctuation = i + 1 == prose.size() || prose[i + 1] == ' ' || prose[i + 1] == '\xc2' || prose[i + 1] == ')';
        if (!punctuation) continue;  // "https://", "08:00", "p. ex."
        const std::string nbsp = "\u00a0", nnbsp = "\u202f";
        const std::string& want = c == ':' ? nbsp : nnbsp;
        ASSERT_GE(i, want.size());
        EXPECT_EQ(prose.substr(i - want.size(), want.size()), want) << "before '" << c << "' at " << i;
      }
      for (size_t at = s.find("«"); at != std::string::npos; at = s.find("«", at + 1)) {
        EXPECT_EQ(s.substr(at + 2, 2), "\u00a0");
      }
      for (size_t at = s.find("»"); at != std::string::npos; at = s.find("»", at + 1)) {
        ASSERT_GE(at, 2u);
        EXPECT_EQ(s.substr(at - 2, 2), "\u00a0");
      }
    }
  }
}

// ---- The glossary ----

// docs/glossary.md: a table whose rows are
//   | term | en | hy | ru | fr | used in | source |
// where each language cell lists the accepted forms separated by " / "
// (the first is the lemma) and "used in" lists catalogue keys in
// backticks (of the report's catalogue, the dashboard's, or both). Every
// message listed must contain one of the forms in every language; and the
// "avoid" table's words must appear in no message of their language.
struct GlossaryRow {
  std::string term;
  std::map<std::string, std::vector<std::string>> forms;  // lang -> forms
  std::vector<std::string> keys;
};

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      size_t a = cur.find_first_not_of(' '), b = cur.find_last_not_of(' ');
      cells.push_back(a == std::string::npos ? "" : cur.substr(a, b - a + 1));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return cells;
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t at; (at = s.find(sep, from)) != std::string::npos; from = at + sep.size()) out.push_back(s.substr(from, at - from));
  out.push_back(s.substr(from));
  for (auto& x : out) {
    while (!x.empty() && x.front() == ' ') x.erase(0, 1);
    while (!x.empty() && x.back() == ' ') x.pop_back();
    std::erase(x, '*');
  }
  return out;
}

std::string Lower(std::string s) {
  // ASCII, Cyrillic (2-byte, U+0410..U+042F), Armenian (U+0531..U+0556) and
  // the Latin-1 capitals French uses.
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if ((c == 0xD0 || c == 0xD4 || c == 0xD5 || c == 0xC3) && i + 1 < s.size()) {
      unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
      else if (cp >= 0x531 && cp <= 0x556) cp += 0x30;
      else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 0x20;
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

TEST(GlossaryTest, EveryTermIsRenderedAsTheGlossarySaysWhereverItIsUsed) {
  std::ifstream in(std::string(LIFELINE_SOURCE_DIR) + "/docs/glossary.md");
  ASSERT_TRUE(in) << "docs/glossary.md is missing";
  std::vector<GlossaryRow> rows;
  std::map<std::string, std::vector<std::string>> avoid;  // lang -> words
  std::string line, table;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) table = line;
    if (line.rfind("| ", 0) != 0 || line.find("---") != std::string::npos) continue;
    auto cells = Cells(line);
    if (table.find("Avoid") != std::string::npos) {
      if (cells.size() >= 3 && cells[0] != "Language") {
        for (const auto& w : Split(cells[1], " / ")) avoid[cells[0]].push_back(w);
      }
      continue;
    }
    if (cells.size() < 7 || cells[0] == "Term") continue;
    GlossaryRow r;
    r.term = cells[0];
    const char* langs[] = {"en", "hy", "ru", "fr"};
    for (int i = 0; i < 4; ++i) r.forms[langs[i]] = Split(cells[static_cast<size_t>(i) + 1], " / ");
    std::regex key("`([a-z_.0-9-]+)`");
    for (std::sregex_iterator m(cells[5].begin(), cells[5].end(), key), end; m != end; ++m) r.keys.push_back((*m)[1]);
    rows.push_back(std::move(r));
  }
  ASSERT_GE(rows.size(), 25u) << "the glossary table did not parse";
  for (const auto& lang : Languages()) {
    json report = ReportCatalogue(lang), web = WebCatalogue(lang);
    for (const auto& r : rows) {
      for (const auto& k : r.keys) {
        ASSERT_TRUE(report.contains(k) || web.contains(k)) << r.term << ": no message " << k;
        for (const json* cat : {&report, &web}) {
          if (!cat->contains(k)) continue;
          std::string msg = Lower((*cat)[k].get<std::string>());
          bool found = false;
          for (const auto& f : r.forms.at(lang)) found = found || msg.find(Lower(f)) != std::string::npos;
          EXPECT_TRUE(found) << lang << " " << k << " (\"" << (*cat)[k].get<std::string>()
                             << "\") does not use the glossary's \"" << r.forms.at(lang)[0] << "\" for " << r.term;
        }
      }
    }
    for (const auto& w : avoid[lang]) {
      for (const json* cat : {&report, &web}) {
        for (auto it = cat->begin(); it != cat->end(); ++it) {
          EXPECT_EQ(Lower(it.value().get<std::string>()).find(Lower(w)), std::string::npos)
              << lang << " " << it.key() << " uses \"" << w << "\", which the glossary rules out";
        }
      }
    }
  }
}

}  // namespace
}  // namespace lifeline::report
