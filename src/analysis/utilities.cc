#include "analysis/utilities.h"

#include <algorithm>

#include "analysis/route_days.h"

namespace lifeline::analysis {
namespace {

// A record's interval as far as its evidence goes, and where it stops being
// known (kForever: its `until` is given).
struct Span {
  int64_t from, end;  // [from, end)
  bool open_ended;    // no `until`: the days after `end` are unknown
  int32_t record;
};

Span Evidence(int64_t from, int64_t until, int64_t confirmed, int32_t record) {
  if (until != kForever) return {from, until, false, record};
  if (confirmed != kForever) return {from, std::max(from, confirmed), true, record};
  return {from, (static_cast<int64_t>(DayOfInstant(from)) + 1) * 86400, true, record};
}

// Calls f(day index, seconds of that day inside [a, b)) for the range.
template <typename F>
void ForDays(int64_t a, int64_t b, int32_t from, int32_t to, F f) {
  a = std::max(a, static_cast<int64_t>(from) * 86400);
  b = std::min(b, (static_cast<int64_t>(to) + 1) * 86400);
  for (int64_t t = a; t < b;) {
    int64_t e = std::min(b, (static_cast<int64_t>(DayOfInstant(t)) + 1) * 86400);
    f(static_cast<size_t>(DayOfInstant(t) - from), static_cast<double>(e - t));
    t = e;
  }
}

UtilitySeries Compute(const Dataset& ds, int32_t u, int32_t from, int32_t to, bool with_records) {
  const size_t n = static_cast<size_t>(to - from + 1);
  UtilitySeries s;
  s.utility = u;
  s.hours.assign(n, 0);
  s.scheduled.assign(n, 0);
  s.supply_cut.assign(n, 0);
  s.unknown.assign(n, 0);
  if (with_records) s.records.assign(n, {});
  std::vector<Span> service, supply, sched;
  std::vector<double> sched_hours;
  std::vector<int64_t> starts;  // every record's start, for the unknown gaps
  const Outages& og = ds.outages;
  for (size_t i = 0; i < og.size(); ++i) {
    if (og.utility[i] != u) continue;
    Span sp = Evidence(og.from[i], og.until[i], og.confirmed_until[i], og.record[i]);
    (og.scope[i] == OutageScope::kService ? service : supply).push_back(sp);
    starts.push_back(og.from[i]);
  }
  const Schedules& sc = ds.schedules;
  for (size_t i = 0; i < sc.size(); ++i) {
    if (sc.utility[i] != u) continue;
    sched.push_back(Evidence(sc.from[i], sc.until[i], sc.confirmed_until[i], sc.record[i]));
    sched_hours.push_back(sc.hours_off[i]);
    starts.push_back(sc.from[i]);
  }
  std::sort(starts.begin(), starts.end());
  // Service outages: the union of their spans.
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Span& sp : service) spans.emplace_back(sp.from, sp.end);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& p : spans) {
    if (!merged.empty() && p.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, p.second);
    } else {
      merged.push_back(p);
    }
  }
  std::vector<double> seconds(n, 0.0);
  for (const auto& [a, b] : merged) {
    ForDays(a, b, from, to, [&](size_t d, double secs) { seconds[d] += secs; });
  }
  for (size_t i = 0; i < sched.size(); ++i) {
    ForDays(sched[i].from, sched[i].end, from, to, [&](size_t d, double secs) {
      s.scheduled[d] = std::max(s.scheduled[d], sched_hours[i] * secs / 86400.0);
    });
  }
  for (const Span& sp : supply) {
    ForDays(sp.from, sp.end, from, to, [&](size_t d, double) { s.supply_cut[d] = 1; });
  }
  std::vector<uint8_t> known(n, 0);
  for (const auto* list : {&service, &supply, &sched}) {
    for (const Span& sp : *list) {
      ForDays(sp.from, sp.end, from, to, [&](size_t d, double) {
        known[d] = 1;
        if (with_records) s.records[d].push_back(sp.record);
      });
    }
  }
  // After an open-ended record's evidence: unknown until the next record
  // of the utility starts.
  for (const auto* list : {&service, &supply, &sched}) {
    for (const Span& sp : *list) {
      if (!sp.open_ended) continue;
      if (sp.from < (static_cast<int64_t>(to) + 1) * 86400) s.open_ended = true;
      auto next = std::lower_bound(starts.begin(), starts.end(), sp.end);
      int64_t gap_end = next == starts.end() ? kForever : *next;
      ForDays(sp.end, gap_end == kForever ? (static_cast<int64_t>(to) + 1) * 86400 : gap_end, from, to,
              [&](size_t d, double) {
                if (!known[d]) s.unknown[d] = 1;
              });
    }
  }
  for (size_t d = 0; d < n; ++d) {
    s.hours[d] = std::min(24.0, std::max(seconds[d] / 3600.0, s.scheduled[d]));
    if (with_records) {
      std::sort(s.records[d].begin(), s.records[d].end());
      s.records[d].erase(std::unique(s.records[d].begin(), s.records[d].end()), s.records[d].end());
    }
  }
  return s;
}

}  // namespace

std::vector<UtilitySeries> ComputeUtilities(const Dataset& ds, int32_t from, int32_t to, bool with_records) {
  std::vector<int32_t> order(ds.utilities.size());
  for (size_t u = 0; u < order.size(); ++u) order[u] = static_cast<int32_t>(u);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return ds.utilities.at(a) < ds.utilities.at(b); });
  std::vector<UtilitySeries> out;
  for (int32_t u : order) out.push_back(Compute(ds, u, from, to, with_records));
  return out;
}

}  // namespace lifeline::analysis
