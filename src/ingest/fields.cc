#include "ingest/fields.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include "tabular/text.h"

namespace lifeline::ingest {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Matches an English month name (full, or with `allow_abbrev` its first three
// letters, or "sept") at the start of `s`, case-insensitively; returns the
// month and the length consumed.
std::optional<std::pair<int, size_t>> MatchMonth(std::string_view s, bool allow_abbrev) {
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) ++n;
  std::string word = AsciiLower(s.substr(0, n));
  for (size_t m = 0; m < kMonths.size(); ++m) {
    if (word == kMonths[m]) return std::make_pair(static_cast<int>(m) + 1, n);
    if (allow_abbrev && word == kMonths[m].substr(0, 3)) {
      return std::make_pair(static_cast<int>(m) + 1, n);
    }
  }
  if (allow_abbrev && word == "sept") return std::make_pair(9, n);
  return std::nullopt;
}

// Reads 1..max_digits decimal digits (exactly `max_digits` when `exact`).
std::optional<int> ReadDigits(std::string_view s, size_t& pos, size_t max_digits, bool exact) {
  size_t start = pos;
  int v = 0;
  while (pos < s.size() && pos - start < max_digits && IsDigit(s[pos])) {
    v = v * 10 + (s[pos] - '0');
    ++pos;
  }
  size_t n = pos - start;
  if (n == 0 || (exact && n != max_digits)) return std::nullopt;
  return v;
}

bool ValidDecimalSyntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
    if (frac_digits == 0) return false;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::string Quote(std::string_view value) {
  constexpr size_t kMax = 60;
  bool cut = false;
  if (value.size() > kMax) {
    size_t end = kMax;
    // Do not split a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
    value = value.substr(0, end);
    cut = true;
  }
  return "'" + EscapeForMessage(value) + (cut ? "'..." : "'");
}

std::string EscapeForMessage(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      size_t len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : 2;
      std::string_view seq = value.substr(i, len);
      if (seq.size() == len && !tabular::FirstInvalidUtf8(seq)) {
        out += seq;
        i += len;
        continue;
      }
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
    ++i;
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string Slug(std::string_view s) {
  std::string folded = tabular::FoldLatinAccents(s);
  std::string out;
  out.reserve(folded.size());
  bool pending_dash = false;
  for (char c : folded) {
    char l = Lower(c);
    bool keep = (l >= 'a' && l <= 'z') || IsDigit(l) || l == '.' || l == '_' || l == ':';
    if (keep) {
      if (pending_dash && !out.empty()) out.push_back('-');
      pending_dash = false;
      out.push_back(l);
    } else {
      pending_dash = true;
    }
  }
  return out;
}

bool IsValidRecordId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok = [](char c, bool first) {
    if ((c >= 'a' && c <= 'z') || IsDigit(c)) return true;
    return !first && (c == '.' || c == '_' || c == ':' || c == '-');
  };
  for (size_t i = 0; i < id.size(); ++i) {
    if (!ok(id[i], i == 0)) return false;
  }
  return true;
}

std::string FileStemSlug(std::string_view file_name) {
  std::string_view stem = file_name;
  if (size_t slash = stem.find_last_of('/'); slash != std::string_view::npos) {
    stem = stem.substr(slash + 1);
  }
  if (size_t dot = stem.rfind('.'); dot != std::string_view::npos && dot > 0) {
    stem = stem.substr(0, dot);
  }
  std::string slug = Slug(stem);
  // Room for the prefixes and suffixes readers add within 128 bytes.
  if (slug.size() > 80) slug.resize(80);
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || IsDigit(c); };
  while (!slug.empty() && !alnum(slug.back())) slug.pop_back();
  size_t lead = 0;
  while (lead < slug.size() && !alnum(slug[lead])) ++lead;
  slug.erase(0, lead);
  if (slug.empty()) slug = "unnamed";
  return slug;
}

std::string SourceIdForFile(std::string_view prefix, std::string_view file_name) {
  std::string id = "src-" + std::string(prefix) + "-" + FileStemSlug(file_name);
  if (id.size() > 128) id.resize(128);
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

Result<int64_t> ParseInteger(std::string_view s) {
  std::string_view t = tabular::Trim(s);
  if (t.empty()) return InvalidArgumentError("empty, wanted an integer");
  std::string_view digits = t;
  if (digits.front() == '+') digits.remove_prefix(1);
  bool syntax_ok = !digits.empty();
  for (size_t i = 0; i < digits.size() && syntax_ok; ++i) {
    syntax_ok = IsDigit(digits[i]) ||
                (i == 0 && digits[i] == '-' && t.front() != '+' && digits.size() > 1);
  }
  if (!syntax_ok) return InvalidArgumentError("not an integer: " + Quote(t));
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return InvalidArgumentError("integer out of range: " + Quote(t));
  }
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return InvalidArgumentError("not an integer: " + Quote(t));
  }
  return v;
}

Result<double> ParseNumber(std::string_view s) {
  std::string_view t = tabular::Trim(s);
  if (t.empty()) return InvalidArgumentError("empty, wanted a number");
  if (!ValidDecimalSyntax(t)) return InvalidArgumentError("not a number: " + Quote(t));
  std::string_view body = t.front() == '+' ? t.substr(1) : t;
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(v))) {
    return InvalidArgumentError("number out of range: " + Quote(t));
  }
  if (ec != std::errc() || ptr != body.data() + body.size()) {
    return InvalidArgumentError("not a number: " + Quote(t));
  }
  return v;
}

Result<double> ParseNumberWithThousands(std::string_view s) {
  std::string_view t = tabular::Trim(s);
  if (t.find(',') == std::string_view::npos) return ParseNumber(t);
  // [+-]? d{1,3} (,ddd)+ (.d+)?
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t lead = 0;
  while (i < t.size() && IsDigit(t[i])) ++i, ++lead;
  bool ok = lead >= 1 && lead <= 3;
  size_t groups = 0;
  while (ok && i < t.size() && t[i] == ',') {
    ++i;
    size_t g = 0;
    while (i < t.size() && IsDigit(t[i])) ++i, ++g;
    ok = g == 3;
    ++groups;
  }
  ok = ok && groups > 0 && (i == t.size() || t[i] == '.');
  if (!ok) return InvalidArgumentError("not a number: " + Quote(t));
  std::string plain;
  for (char c : t) {
    if (c != ',') plain.push_back(c);
  }
  return ParseNumber(plain);
}

std::string_view DatePrecisionName(DatePrecision p) {
  switch (p) {
    case DatePrecision::kDay:
      return "day";
    case DatePrecision::kWeek:
      return "week";
    case DatePrecision::kMonth:
      return "month";
    case DatePrecision::kYear:
      return "year";
  }
  return "day";
}

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

std::string FormatDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<Date> ParseDateWithFormat(std::string_view value, std::string_view format) {
  std::string_view v = tabular::Trim(value);
  if (v.empty()) return InvalidArgumentError("empty, wanted a date");
  auto mismatch = [&]() {
    return InvalidArgumentError("not a date in the form " + Quote(format) + ": " + Quote(v));
  };
  int year = -1, month = -1, day = -1;
  size_t pos = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    char fc = format[f];
    if (fc == '%' && f + 1 < format.size()) {
      char d = format[++f];
      std::optional<int> n;
      switch (d) {
        case 'Y':
          n = ReadDigits(v, pos, 4, true);
          if (!n) return mismatch();
          year = *n;
          break;
        case 'y':
          n = ReadDigits(v, pos, 2, true);
          if (!n) return mismatch();
          year = *n < 69 ? 2000 + *n : 1900 + *n;
          break;
        case 'm':
          n = ReadDigits(v, pos, 2, false);
          if (!n) return mismatch();
          month = *n;
          break;
        case 'd':
        case 'e':
          n = ReadDigits(v, pos, 2, false);
          if (!n) return mismatch();
          day = *n;
          break;
        case 'B':
        case 'b': {
          auto m = MatchMonth(v.substr(pos), d == 'b');
          if (!m) return mismatch();
          month = m->first;
          pos += m->second;
          break;
        }
        case '%':
          if (pos >= v.size() || v[pos] != '%') return mismatch();
          ++pos;
          break;
        default:
          return InvalidArgumentError("unsupported directive %" + std::string(1, d) +
                                      " in date format " + Quote(format));
      }
    } else if (fc == ' ') {
      if (pos >= v.size() || !IsSpace(v[pos])) return mismatch();
      while (pos < v.size() && IsSpace(v[pos])) ++pos;
    } else {
      if (pos >= v.size() || Lower(v[pos]) != Lower(fc)) return mismatch();
      ++pos;
    }
  }
  if (pos != v.size()) return mismatch();
  if (year < 0 || month < 0 || day < 0) {
    return InvalidArgumentError("date format " + Quote(format) + " lacks a year, month or day");
  }
  if (!IsValidDate(year, month, day)) {
    return InvalidArgumentError("no such date: " + Quote(v));
  }
  return Date{year, month, day};
}

Result<LooseDate> ParseLooseDate(std::string_view value) {
  std::string_view v = tabular::Trim(value);
  if (v.empty()) return InvalidArgumentError("empty, wanted a date");
  // An RFC 3339 date-time stands for its date.
  if (v.size() > 10 && v[10] == 'T') v = v.substr(0, 10);
  static constexpr std::string_view kDayForms[] = {"%Y-%m-%d", "%Y/%m/%d", "%d %b %Y",
                                                   "%d-%b-%Y", "%b %d, %Y", "%b %d %Y"};
  for (std::string_view form : kDayForms) {
    auto d = ParseDateWithFormat(v, form);
    if (d.ok()) return LooseDate{*d, DatePrecision::kDay};
    if (d.status().message().starts_with("no such date")) return d.status();
  }
  // Partial dates stand for the first day of the month or year, with that
  // precision.
  std::string s(v);
  if (auto d = ParseDateWithFormat(s + "-01", "%Y-%m-%d"); d.ok()) {
    return LooseDate{*d, DatePrecision::kMonth};
  }
  if (auto d = ParseDateWithFormat("1 " + s, "%d %b %Y"); d.ok()) {
    return LooseDate{*d, DatePrecision::kMonth};
  }
  if (auto d = ParseDateWithFormat(s + "-01-01", "%Y-%m-%d"); d.ok()) {
    return LooseDate{*d, DatePrecision::kYear};
  }
  return InvalidArgumentError(
      "not a date: " + Quote(v) +
      " (wanted YYYY-MM-DD, '1 March 2015', '01-Mar-2015', 'March 1, 2015', YYYY-MM or YYYY)");
}

Result<double> ParseLatitude(std::string_view s) {
  auto v = ParseNumber(s);
  if (!v.ok()) return v.status();
  if (*v < -90.0 || *v > 90.0) {
    return InvalidArgumentError("latitude outside [-90, 90]: " + Quote(tabular::Trim(s)));
  }
  return *v;
}

Result<double> ParseLongitude(std::string_view s) {
  auto v = ParseNumber(s);
  if (!v.ok()) return v.status();
  if (*v < -180.0 || *v > 180.0) {
    return InvalidArgumentError("longitude outside [-180, 180]: " + Quote(tabular::Trim(s)));
  }
  return *v;
}

}  // namespace lifeline::ingest
