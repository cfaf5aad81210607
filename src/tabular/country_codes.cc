#include "tabular/country_codes.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <system_error>

#include "tabular/text.h"

namespace lifeline::tabular {
namespace {

struct Country {
  int numeric;
  const char* alpha3;
  const char* name;
  const char* common_name;
  const char* official_name;
};

constexpr Country kCountries[] = {
#include "tabular/country_codes_table.inc"
};

// Names that conflict-data sets use where ISO 3166-1 words them otherwise.
struct Alias {
  const char* name;
  const char* alpha3;
};
constexpr Alias kAliases[] = {
    {"Bosnia-Herzegovina", "BIH"},      {"Brunei", "BRN"},
    {"Cape Verde", "CPV"},              {"Czech Republic", "CZE"},
    {"Democratic Republic of Congo", "COD"},
    {"Democratic Republic of the Congo", "COD"},
    {"DR Congo", "COD"},                {"DRC", "COD"},
    {"East Timor", "TLS"},              {"eSwatini", "SWZ"},
    {"Kingdom of eSwatini", "SWZ"},     {"Swaziland", "SWZ"},
    {"Gambia", "GMB"},                  {"Iran", "IRN"},
    {"Ivory Coast", "CIV"},             {"Cote d'Ivoire", "CIV"},
    {"Laos", "LAO"},                    {"Macedonia", "MKD"},
    {"North Macedonia", "MKD"},         {"Micronesia", "FSM"},
    {"Moldova", "MDA"},                 {"North Korea", "PRK"},
    {"South Korea", "KOR"},             {"Palestine", "PSE"},
    {"Republic of Congo", "COG"},       {"Congo", "COG"},
    {"Russia", "RUS"},                  {"Syria", "SYR"},
    {"Taiwan", "TWN"},                  {"Tanzania", "TZA"},
    {"Turkey", "TUR"},                  {"United States", "USA"},
    {"United States of America", "USA"},
    {"United Kingdom", "GBR"},          {"Vatican", "VAT"},
    {"Venezuela", "VEN"},               {"Vietnam", "VNM"},
    {"Bolivia", "BOL"},                 {"Burma", "MMR"},
    {"Cambodia (Kampuchea)", "KHM"},    {"Yemen (North Yemen)", "YEM"},
    {"Serbia (Yugoslavia)", "SRB"},     {"Zimbabwe (Rhodesia)", "ZWE"},
};

// Lower case ASCII letters and digits, single spaces; accents folded;
// "(former name)" at the end dropped; "The " in front dropped.
std::string NormaliseName(std::string_view name) {
  std::string folded = FoldLatinAccents(Trim(name));
  if (!folded.empty() && folded.back() == ')') {
    if (size_t open = folded.rfind('('); open != std::string::npos && open > 0) {
      folded.resize(open);
    }
  }
  // A typographic apostrophe (U+2019) counts as "'".
  for (size_t p = folded.find("\xE2\x80\x99"); p != std::string::npos;
       p = folded.find("\xE2\x80\x99", p)) {
    folded.replace(p, 3, "'");
  }
  std::string out;
  bool space = false;
  for (char c : folded) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool word = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (word) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(l);
    } else if (l != '\'' && l != '.') {
      space = true;
    }
  }
  if (out.starts_with("the ")) out.erase(0, 4);
  return out;
}

const std::map<std::string, std::string>& NameIndex() {
  static const std::map<std::string, std::string> index = [] {
    std::map<std::string, std::string> m;
    for (const Country& c : kCountries) {
      for (const char* n : {c.name, c.common_name, c.official_name}) {
        if (*n != '\0') m.emplace(NormaliseName(n), c.alpha3);
      }
    }
    for (const Alias& a : kAliases) m[NormaliseName(a.name)] = a.alpha3;
    return m;
  }();
  return index;
}

}  // namespace

std::optional<std::string> Alpha3FromNumeric(std::string_view numeric) {
  // Digits with an optional '+', whitespace around: a negative number (or
  // -0) names no country, as none is numbered 0.
  std::string_view digits = Trim(numeric);
  if (digits.starts_with('+')) digits.remove_prefix(1);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                     [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  for (const Country& c : kCountries) {
    if (c.numeric == n) return std::string(c.alpha3);
  }
  return std::nullopt;
}

std::optional<std::string> Alpha3FromName(std::string_view name) {
  std::string key = NormaliseName(name);
  if (key.empty()) return std::nullopt;
  const auto& index = NameIndex();
  if (auto it = index.find(key); it != index.end()) return it->second;
  return std::nullopt;
}

bool IsAlpha3(std::string_view code) {
  for (const Country& c : kCountries) {
    if (code == c.alpha3) return true;
  }
  return false;
}

std::optional<CountryInfo> CountryFromAlpha3(std::string_view alpha3) {
  for (const Country& c : kCountries) {
    if (alpha3 == c.alpha3) return CountryInfo{c.numeric, *c.common_name != '\0' ? c.common_name : c.name};
  }
  return std::nullopt;
}

}  // namespace lifeline::tabular
