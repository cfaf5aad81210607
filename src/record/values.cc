#include "record/values.h"

#include <array>

namespace lifeline::record {
namespace {

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

constexpr std::array<UnitInfo, 14> kUnits = {{
    {"t", "kg", 1000, "mass"},
    {"kg", "kg", 1, "mass"},
    {"g", "kg", 0.001, "mass"},
    {"m3", "l", 1000, "volume"},
    {"l", "l", 1, "volume"},
    {"kcal", "kcal", 1, "energy"},
    {"kj", "kcal", 1 / 4.184, "energy"},
    {"doses", "doses", 1, "count"},
    {"persons", "persons", 1, "count"},
    {"vehicles", "vehicles", 1, "count"},
    {"trucks", "trucks", 1, "count"},
    {"pallets", "pallets", 1, "count"},
    {"items", "items", 1, "count"},
    {"mwh", "mwh", 1, "energy_electric"},
}};

}  // namespace

Result<Day> ParseDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) ||
      !Digits(s, 8, 2, &d)) {
    return InvalidArgumentError("\"" + std::string(s) + "\" is not a date of the form YYYY-MM-DD");
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) {
    return InvalidArgumentError("\"" + std::string(s) + "\" is not a real calendar date");
  }
  return Day{DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))};
}

std::string FormatDate(Day day) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(day.days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

Result<int64_t> ParseDateTime(std::string_view s) {
  if (s.size() == 10) {
    LIFELINE_ASSIGN_OR_RETURN(Day d, ParseDate(s));
    return d.days * 86400;
  }
  auto bad = [&] {
    return InvalidArgumentError("\"" + std::string(s) +
                                "\" is not an RFC 3339 date-time (YYYY-MM-DDThh:mm[:ss]Z or +hh:mm) or a date");
  };
  if (s.size() < 17 || (s[10] != 'T' && s[10] != 't')) return bad();
  LIFELINE_ASSIGN_OR_RETURN(Day d, ParseDate(s.substr(0, 10)));
  int hh, mm, ss = 0;
  if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mm)) return bad();
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return bad();
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {  // fractional seconds: ignored
      ++pos;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return bad();
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return bad();
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset = 0;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) return bad();
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  return d.days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

Result<DatePrecision> ParseDatePrecision(std::string_view s) {
  if (s == "day") return DatePrecision::kDay;
  if (s == "week") return DatePrecision::kWeek;
  if (s == "month") return DatePrecision::kMonth;
  if (s == "year") return DatePrecision::kYear;
  return InvalidArgumentError("\"" + std::string(s) + "\" is not one of day, week, month, year");
}

std::string_view DatePrecisionName(DatePrecision p) {
  switch (p) {
    case DatePrecision::kDay: return "day";
    case DatePrecision::kWeek: return "week";
    case DatePrecision::kMonth: return "month";
    case DatePrecision::kYear: return "year";
  }
  return "day";
}

Result<DatePrecision> FromAcledTimePrecision(int p) {
  switch (p) {
    case 1: return DatePrecision::kDay;
    case 2: return DatePrecision::kWeek;
    case 3: return DatePrecision::kMonth;
  }
  return InvalidArgumentError("ACLED time_precision " + std::to_string(p) + " is not 1, 2 or 3");
}

Result<DatePrecision> FromUcdpDatePrecision(int p) {
  switch (p) {
    case 1:
    case 2: return DatePrecision::kDay;  // 2: a range of 2-6 days; date_start is kept
    case 3: return DatePrecision::kWeek;
    case 4: return DatePrecision::kMonth;
    case 5: return DatePrecision::kYear;
  }
  return InvalidArgumentError("UCDP date_prec " + std::to_string(p) + " is not 1..5");
}

std::optional<UnitInfo> LookupUnit(std::string_view unit) {
  for (const auto& u : kUnits) {
    if (u.unit == unit) return u;
  }
  return std::nullopt;
}

std::vector<std::string> UnitNames() {
  std::vector<std::string> names;
  for (const auto& u : kUnits) names.emplace_back(u.unit);
  return names;
}

std::string KnownUnits() {
  std::string s;
  for (const auto& u : kUnits) {
    if (!s.empty()) s += ", ";
    s += u.unit;
  }
  return s;
}

}  // namespace lifeline::record
