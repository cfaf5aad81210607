#include "analysis/estimate.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace lifeline::analysis {

std::string_view FitName(Fit f) {
  switch (f) {
    case Fit::kWithin: return "within";
    case Fit::kPartial: return "partial";
    case Fit::kCovering: break;
  }
  return "covering";
}

std::string_view BestRuleName(BestRule r) {
  switch (r) {
    case BestRule::kDailySum: return "daily_sum";
    case BestRule::kReports: return "reports";
    case BestRule::kReportsAndDaily: break;
  }
  return "reports_and_daily";
}

namespace {

// A figure that can stand for the total of its period: not a bare upper
// bound.
bool UsableAsTotal(const PeriodReport& r) { return r.qualifier != Qualifier::kAtMost; }
// A figure the total cannot exceed.
bool IsUpperBound(const PeriodReport& r) {
  return r.qualifier == Qualifier::kAsStated || r.qualifier == Qualifier::kAtMost;
}

// Places each overlapping report against the range, sorted.
std::vector<PlacedReport> Place(const EstimateInput& in, const std::vector<double>& prefix) {
  std::vector<PlacedReport> out;
  for (const PeriodReport& r : in.reports) {
    if (r.to < in.from || r.from > in.to || r.to < r.from) continue;
    PlacedReport p;
    p.report = r;
    int32_t a = std::max(r.from, in.from), b = std::min(r.to, in.to);
    p.days_in_range = b - a + 1;
    p.daily_sum = prefix[static_cast<size_t>(b - in.from + 1)] - prefix[static_cast<size_t>(a - in.from)];
    if (r.from >= in.from && r.to <= in.to) {
      p.fit = Fit::kWithin;
    } else if (r.from <= in.from && r.to >= in.to) {
      p.fit = Fit::kCovering;
    } else {
      p.fit = Fit::kPartial;
      p.prorated = r.value * p.days_in_range / (r.to - r.from + 1);
    }
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const PlacedReport& x, const PlacedReport& y) {
    return std::tie(x.report.from, x.report.to, x.report.record) < std::tie(y.report.from, y.report.to, y.report.record);
  });
  return out;
}

// Weighted interval scheduling over the days: best[k] is the largest total
// of days [from, from + k) using daily records and non-overlapping `within`
// reports; reports win ties (they are the sources' own totals). Marks the
// chosen reports used and returns best[days].
double ChooseReports(const EstimateInput& in, std::vector<PlacedReport>& placed) {
  const size_t n = in.daily.size();
  std::vector<std::vector<size_t>> ending(n);  // reports ending on each day
  for (size_t i = 0; i < placed.size(); ++i) {
    if (placed[i].fit == Fit::kWithin && UsableAsTotal(placed[i].report)) {
      ending[static_cast<size_t>(placed[i].report.to - in.from)].push_back(i);
    }
  }
  std::vector<double> best(n + 1, 0.0);
  std::vector<int64_t> choice(n + 1, -1);  // report chosen ending at day k - 1, or -1 (the day's records)
  for (size_t k = 0; k < n; ++k) {
    best[k + 1] = best[k] + in.daily[k];
    for (size_t i : ending[k]) {
      const PeriodReport& r = placed[i].report;
      double v = best[static_cast<size_t>(r.from - in.from)] + r.value;
      if (v >= best[k + 1]) {
        best[k + 1] = v;
        choice[k + 1] = static_cast<int64_t>(i);
      }
    }
  }
  for (size_t k = n; k > 0;) {
    if (choice[k] < 0) {
      --k;
      continue;
    }
    PlacedReport& p = placed[static_cast<size_t>(choice[k])];
    p.used = true;
    k = static_cast<size_t>(p.report.from - in.from);
  }
  return best[n];
}

bool NearlySamePeriod(const PeriodReport& a, const PeriodReport& b) {
  int32_t inter = std::min(a.to, b.to) - std::max(a.from, b.from) + 1;
  int32_t uni = std::max(a.to, b.to) - std::min(a.from, b.from) + 1;
  return inter > 0 && inter >= 0.9 * uni;
}

// Whether two figures for the same period contradict each other, given
// their qualifiers ("at least 600" does not contradict 680).
bool Contradict(const PeriodReport& a, const PeriodReport& b, double tol) {
  double hi = std::max(a.value, b.value);
  if (std::fabs(a.value - b.value) <= tol * hi) return false;
  const PeriodReport& lo_r = a.value < b.value ? a : b;
  const PeriodReport& hi_r = a.value < b.value ? b : a;
  if (lo_r.qualifier == Qualifier::kAtLeast) return false;  // the larger one is consistent with it
  if (hi_r.qualifier == Qualifier::kAtMost) return false;
  return true;
}

// The best estimate of the days [a, b] of the range from the records and
// the reports inside them, leaving out the reports of nearly the same
// period as `of` (those are compared with it figure to figure).
double BestWithin(const EstimateInput& in, const std::vector<PlacedReport>& placed, const PeriodReport& of,
                  int32_t a, int32_t b) {
  EstimateInput sub;
  sub.from = a;
  sub.to = b;
  sub.daily.assign(in.daily.begin() + (a - in.from), in.daily.begin() + (b - in.from + 1));
  std::vector<PlacedReport> inside;
  for (const PlacedReport& p : placed) {
    if (p.fit == Fit::kWithin && p.report.from >= a && p.report.to <= b && !NearlySamePeriod(p.report, of)) {
      inside.push_back(p);
    }
  }
  return ChooseReports(sub, inside);
}

std::vector<Discrepancy> FindDiscrepancies(const EstimateInput& in, const std::vector<PlacedReport>& placed,
                                           double tol) {
  std::vector<Discrepancy> out;
  for (size_t i = 0; i < placed.size(); ++i) {
    const PeriodReport& a = placed[i].report;
    // What the records and the other reports of its own days (inside the
    // range) add up to, against a figure that claims the whole.
    if (IsUpperBound(a) || a.qualifier == Qualifier::kAbout) {
      double inside = BestWithin(in, placed, a, std::max(a.from, in.from), std::min(a.to, in.to));
      if (inside > a.value * (1 + tol) && inside - a.value > 0.5) {
        out.push_back({Discrepancy::Kind::kRecordsExceed, a.record, kNone, a.value, inside, a.reporter, kNone});
      }
    }
    for (size_t j = i + 1; j < placed.size(); ++j) {
      const PeriodReport& b = placed[j].report;
      bool same_reporter = a.reporter != kNone && a.reporter == b.reporter;
      if (same_reporter || !NearlySamePeriod(a, b) || !Contradict(a, b, tol)) continue;
      out.push_back({Discrepancy::Kind::kReports, a.record, b.record, a.value, b.value, a.reporter, b.reporter});
    }
  }
  return out;
}

}  // namespace

Estimate ComputeEstimate(const EstimateInput& in) {
  Estimate e;
  const size_t n = in.daily.size();
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t k = 0; k < n; ++k) prefix[k + 1] = prefix[k] + in.daily[k];
  e.daily_sum = prefix[n];
  e.reports = Place(in, prefix);
  e.best = ChooseReports(in, e.reports);

  // Days: observed (complete), partly (records only), or not at all; and
  // whether the best estimate's figure for the day is exact.
  std::vector<uint8_t> complete(n, 0), chosen(n, 0);
  bool chosen_at_least = false;
  for (const PlacedReport& p : e.reports) {
    if (p.fit != Fit::kWithin) continue;
    for (int32_t d = p.report.from; d <= p.report.to; ++d) {
      complete[static_cast<size_t>(d - in.from)] = 1;
      if (p.used) chosen[static_cast<size_t>(d - in.from)] = 1;
    }
    if (p.used && p.report.qualifier == Qualifier::kAtLeast) chosen_at_least = true;
  }
  bool some_day_open = false;
  e.completeness.days = static_cast<int64_t>(n);
  for (size_t k = 0; k < n; ++k) {
    bool watched = in.watched[k] != 0;
    if (complete[k] || watched) {
      ++e.completeness.complete;
    } else if (in.has_record[k]) {
      ++e.completeness.partial;
    } else {
      ++e.completeness.unobserved;
    }
    if (!chosen[k] && !watched) some_day_open = true;
  }
  e.lower_bound = some_day_open || chosen_at_least;

  bool any_used = std::any_of(e.reports.begin(), e.reports.end(), [](const PlacedReport& p) { return p.used; });
  bool all_chosen = std::all_of(chosen.begin(), chosen.end(), [](uint8_t c) { return c != 0; });
  e.rule = !any_used ? BestRule::kDailySum : all_chosen ? BestRule::kReports : BestRule::kReportsAndDaily;

  for (const PlacedReport& p : e.reports) {
    bool spans = p.fit == Fit::kCovering || (p.report.from == in.from && p.report.to == in.to);
    if (spans && IsUpperBound(p.report) && (!e.upper || p.report.value < *e.upper)) e.upper = p.report.value;
  }
  e.discrepancies = FindDiscrepancies(in, e.reports, in.tolerance);
  return e;
}

}  // namespace lifeline::analysis
