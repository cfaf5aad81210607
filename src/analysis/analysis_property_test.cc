// Properties of the indicators over random small cases submitted through
// record::Submit: daily values sum to the totals, coverage is never
// negative, superseded and retracted records are never counted, and the
// results do not depend on the order the records were imported in.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <tuple>
#include <map>
#include <random>
#include <memory>
#include <set>

#include "analysis/analysis_testing.h"
#include "analysis/format.h"
#include "analysis/indicators.h"

namespace lifeline::analysis {
namespace {

constexpr int kDays = 10;  // 2023-01-01 .. 2023-01-10

std::string Date(int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2023-01-%02d", d + 1);
  return buf;
}

struct Movement {
  int day, route, op, vehicles, persons, patients;
  bool out;
  int outcome;  // 0 completed, 1 stopped, 2 turned back
  std::vector<std::tuple<int, int, int>> cargo;  // (commodity, unit, quantity)
  int fate;  // 0 current, 1 superseded (by a correction), 2 retracted
};

// A random case as JSON lines, with the ids that must never be counted.
struct RandomCase {
  std::vector<std::string> lines;
  std::set<std::string> dead;
  int64_t current_delivered_vehicles = 0;
};

RandomCase GenCase() {
  RandomCase rc;
  auto& L = rc.lines;
  L.push_back(R"({"kind":"source","id":"s1","case":"c","publisher":"P","title":"T"})");
  L.push_back(R"({"kind":"case","id":"c","title":"T","region":"R","started":"2023-01-01","ended":"2023-01-10",)"
              R"("population":[{"date":"2023-01-03","count":)" +
              std::to_string(*rc::gen::inRange(0, 1000)) + R"(}],)" +
              (*rc::gen::arbitrary<bool>() ? R"("dependency":[{"commodity":"flour","share":0.8}],)" : "") +
              R"("sources":["s1"]})");
  L.push_back(R"({"kind":"route","id":"r0","case":"c","name":"A","type":"road","sources":["s1"]})");
  L.push_back(R"({"kind":"route","id":"r1","case":"c","name":"B","type":"road","sources":["s1"]})");
  L.push_back(R"({"kind":"need_standard","id":"ns","case":"c","commodity":"flour","quantity":0.5,"unit":"kg",)"
              R"("basis":"b","sources":["s1"]})");
  const char* commodities[] = {"flour", "water"};
  const char* units[2][2] = {{"kg", "t"}, {"l", "m3"}};
  const char* outcomes[] = {"completed", "stopped", "turned_back"};
  const char* statuses[] = {"open", "restricted", "closed"};
  const int n = *rc::gen::inRange(0, 14);
  for (int i = 0; i < n; ++i) {
    Movement m{*rc::gen::inRange(0, kDays), *rc::gen::inRange(0, 2), *rc::gen::inRange(0, 3),
               *rc::gen::inRange(0, 6),     *rc::gen::inRange(0, 6), *rc::gen::inRange(0, 6),
               *rc::gen::arbitrary<bool>(), *rc::gen::inRange(0, 3), {},
               *rc::gen::inRange(0, 3)};
    const int lines = *rc::gen::inRange(0, 3);
    for (int k = 0; k < lines; ++k) {
      m.cargo.emplace_back(*rc::gen::inRange(0, 2), *rc::gen::inRange(0, 2), *rc::gen::inRange(0, 50));
    }
    std::string id = "m" + std::to_string(i);
    auto body = [&](const std::string& rid, int vehicles, const std::string& extra) {
      std::string cargo;
      for (const auto& [c, u, q] : m.cargo) {
        cargo += std::string(cargo.empty() ? "" : ",") + R"({"commodity":")" + commodities[c] + R"(","quantity":)" +
                 std::to_string(q) + R"(,"unit":")" + units[c][u] + R"("})";
      }
      return R"({"kind":"movement","id":")" + rid + R"(","case":"c","route":"r)" + std::to_string(m.route) +
             R"(","date":")" + Date(m.day) + R"(","direction":")" + (m.out ? "out" : "in") + R"(","operator":"op)" +
             std::to_string(m.op) + R"(","outcome":")" + outcomes[m.outcome] + R"(","vehicles":)" +
             std::to_string(vehicles) + R"(,"persons":)" + std::to_string(m.persons) + R"(,"patients":)" +
             std::to_string(m.patients) + R"(,"cargo":[)" + cargo + R"(],"sources":["s1"])" + extra + "}";
    };
    L.push_back(body(id, m.vehicles, ""));
    if (m.fate == 0) {
      if (m.outcome == 0) rc.current_delivered_vehicles += m.vehicles;
    } else if (m.fate == 1) {
      // The correction doubles the vehicles: counted instead of the original.
      L.push_back(body(id + "-fix", m.vehicles * 2, R"(,"supersedes":")" + id + "\""));
      rc.dead.insert(id);
      if (m.outcome == 0) rc.current_delivered_vehicles += m.vehicles * 2;
    } else {
      L.push_back(R"({"kind":"retraction","id":"x)" + std::to_string(i) + R"(","case":"c","retracts":")" + id +
                  R"(","reason":"r"})");
      rc.dead.insert(id);
    }
  }
  const int ns = *rc::gen::inRange(0, 6);
  for (int i = 0; i < ns; ++i) {
    int st = *rc::gen::inRange(0, 3);
    int hour = *rc::gen::inRange(0, 24);
    char from[64];
    std::snprintf(from, sizeof from, "%sT%02d:00:00Z", Date(*rc::gen::inRange(0, kDays)).c_str(), hour);
    std::string id = "rs" + std::to_string(i);
    L.push_back(R"({"kind":"route_status","id":")" + id + R"(","case":"c","route":"r)" +
                std::to_string(*rc::gen::inRange(0, 2)) + R"(","from":")" + from + R"(","status":")" + statuses[st] +
                "\"" + (st == 1 ? R"(,"restricted":["cargo"])" : "") + R"(,"sources":["s1"]})");
    if (*rc::gen::inRange(0, 4) == 0) {
      L.push_back(R"({"kind":"retraction","id":"xrs)" + std::to_string(i) + R"(","case":"c","retracts":")" + id +
                  R"(","reason":"r"})");
      rc.dead.insert(id);
    }
  }
  const int no = *rc::gen::inRange(0, 5);
  for (int i = 0; i < no; ++i) {
    int start = *rc::gen::inRange(0, kDays * 24);
    int len = *rc::gen::inRange(1, 60);
    auto at = [](int h) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "2023-01-%02dT%02d:00:00Z", h / 24 + 1, h % 24);
      return std::string(buf);
    };
    // One in four is never restored in the records.
    std::string until = *rc::gen::inRange(0, 4) != 0 ? R"(,"until":")" + at(start + len) + "\"" : "";
    L.push_back(R"({"kind":"outage","id":"o)" + std::to_string(i) + R"(","case":"c","utility":")" +
                (*rc::gen::arbitrary<bool>() ? "gas" : "electricity") + R"(","from":")" + at(start) + "\"" + until +
                R"(,"sources":["s1"]})");
  }
  const int ni = *rc::gen::inRange(0, 5);
  for (int i = 0; i < ni; ++i) {
    L.push_back(R"({"kind":"incident","id":"i)" + std::to_string(i) + R"(","case":"c","date":")" +
                Date(*rc::gen::inRange(0, kDays)) +
                R"(","location":{"name":"X"},"event_type":"Battles","fatalities":{"best":)" +
                std::to_string(*rc::gen::inRange(0, 9)) + R"(},"injuries":)" + std::to_string(*rc::gen::inRange(0, 9)) +
                R"(,"sources":["s1"]})");
  }
  return rc;
}

// The indicators with the dataset their record lists index (which must
// outlive them).
struct Computed {
  std::unique_ptr<Dataset> ds;
  Indicators ind;
};

Computed Compute(const std::vector<std::string>& lines) {
  TestLog log;
  Status s = log.TrySubmit(lines);
  RC_ASSERT(s.ok());
  auto ds = log.Load("c");
  RC_ASSERT(ds.ok());
  auto cp = ResolveCheckpoint(log.store(), std::nullopt);
  RC_ASSERT(cp.ok());
  auto kept = std::make_unique<Dataset>(std::move(*ds));
  auto ind = ComputeIndicators(*kept, *cp, IndicatorOptions{});
  RC_ASSERT(ind.ok());
  return {std::move(kept), std::move(*ind)};
}

void CollectIds(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "records" && it.value().is_array()) {
        for (const auto& id : it.value()) out.insert(id.get<std::string>());
      } else {
        CollectIds(it.value(), out);
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectIds(v, out);
  }
}

RC_GTEST_PROP(IndicatorPropertyTest, DailyValuesSumToTotals, ()) {
  RandomCase c = GenCase();
  auto [ds, ind] = Compute(c.lines);
  RC_ASSERT(ind.days.size() == static_cast<size_t>(kDays));
  std::map<std::pair<std::string, std::string>, std::array<int64_t, 5>> flows;
  std::map<std::string, double> cargo, hours;
  std::map<std::string, std::array<int64_t, 4>> route_days;
  std::map<std::string, std::pair<double, double>> need;  // delivered, shortfall
  int64_t incidents = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> by_party;  // best, injuries
  for (const auto& d : ind.days) {
    for (const auto& f : d.flows) {
      auto& a = flows[{f.op, f.direction}];
      a[0] += f.delivered.movements;
      a[1] += f.delivered.vehicles;
      a[2] += f.delivered.persons;
      a[3] += f.delivered.patients;
      a[4] += f.stopped.movements;
    }
    for (const auto& x : d.cargo) cargo[x.commodity + "/" + x.unit] += x.delivered;
    for (const auto& u : d.utilities) {
      RC_ASSERT(u.hours >= 0 && u.hours <= 24);
      hours[u.utility] += u.hours;
    }
    for (const auto& r : d.routes) route_days[r.route][static_cast<size_t>(r.state)] += 1;
    for (const auto& n : d.needs) {
      need[n.commodity].first += n.delivered;
      need[n.commodity].second += n.shortfall.value_or(0);
    }
    incidents += d.incidents.incidents;
    for (const auto& p : d.incidents.casualties) {
      by_party[p.party].first += p.best;
      by_party[p.party].second += p.injuries;
    }
  }
  RC_ASSERT(flows.size() == ind.totals.flows.size());
  for (const auto& f : ind.totals.flows) {
    const auto& a = flows[{f.op, f.direction}];
    RC_ASSERT(a[0] == f.delivered.movements);
    RC_ASSERT(a[1] == f.delivered.vehicles);
    RC_ASSERT(a[2] == f.delivered.persons);
    RC_ASSERT(a[3] == f.delivered.patients);
    RC_ASSERT(a[4] == f.stopped.movements);
  }
  for (const auto& x : ind.totals.cargo) RC_ASSERT(cargo[x.commodity + "/" + x.unit] == x.delivered);
  for (const auto& u : ind.totals.utilities) RC_ASSERT(std::abs(hours[u.utility] - u.hours) < 1e-9);
  for (const auto& r : ind.totals.routes) {
    const auto& a = route_days[r.route];
    RC_ASSERT(a[0] == r.unknown && a[1] == r.open && a[2] == r.restricted && a[3] == r.closed);
    RC_ASSERT(r.open + r.restricted + r.closed + r.unknown == kDays);
  }
  for (const auto& n : ind.totals.needs) {
    RC_ASSERT(need[n.commodity].first == n.delivered);
    RC_ASSERT(std::abs(need[n.commodity].second - n.shortfall) < 1e-6);
  }
  RC_ASSERT(incidents == ind.totals.incidents.incidents);
  // Fatalities are added within a party only, by day and over the range:
  // each party's days add up to its breakdown.
  RC_ASSERT(by_party.size() == ind.totals.casualties.by_party.size());
  for (const auto& p : ind.totals.casualties.by_party) {
    RC_ASSERT(by_party[p.party].first == p.figures.best);
    RC_ASSERT(by_party[p.party].second == p.figures.injuries);
  }
  int64_t vehicles = 0;
  for (const auto& f : ind.totals.flows) vehicles += f.delivered.vehicles;
  RC_ASSERT(vehicles == c.current_delivered_vehicles);
}

RC_GTEST_PROP(IndicatorPropertyTest, CoverageIsNeverNegative, ()) {
  auto [ds, ind] = Compute(GenCase().lines);
  for (const auto& d : ind.days) {
    for (const auto& n : d.needs) {
      if (n.coverage) RC_ASSERT(*n.coverage >= 0);
      if (n.shortfall) RC_ASSERT(*n.shortfall >= 0);
      if (!n.coverage) RC_ASSERT(!n.reason.empty());
    }
  }
  for (const auto& n : ind.totals.needs) {
    if (n.coverage) RC_ASSERT(*n.coverage >= 0);
  }
}

RC_GTEST_PROP(IndicatorPropertyTest, SupersededAndRetractedAreNeverCounted, ()) {
  RandomCase c = GenCase();
  auto [ds, ind] = Compute(c.lines);
  std::set<std::string> used;
  CollectIds(IndicatorsJson(ind), used);
  for (const auto& id : c.dead) RC_ASSERT(used.count(id) == 0u);
}

RC_GTEST_PROP(IndicatorPropertyTest, ResultsDoNotDependOnImportOrder, ()) {
  RandomCase c = GenCase();
  std::vector<std::string> shuffled = c.lines;
  std::mt19937 rng(*rc::gen::arbitrary<uint32_t>());
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // Any order a submission accepts: a correction comes after the record it
  // corrects (docs/records.md, "Input rules"), so move each one behind it.
  for (bool moved = true; moved;) {
    moved = false;
    for (size_t i = 0; i < shuffled.size() && !moved; ++i) {
      nlohmann::json r = nlohmann::json::parse(shuffled[i]);
      if (!r.contains("supersedes")) continue;
      for (size_t j = i + 1; j < shuffled.size(); ++j) {
        if (nlohmann::json::parse(shuffled[j]).value("id", "") != r["supersedes"]) continue;
        std::rotate(shuffled.begin() + static_cast<std::ptrdiff_t>(i), shuffled.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                    shuffled.begin() + static_cast<std::ptrdiff_t>(j) + 1);
        moved = true;
        break;
      }
    }
  }
  nlohmann::json a = IndicatorsJson(Compute(c.lines).ind);
  nlohmann::json b = IndicatorsJson(Compute(shuffled).ind);
  a.erase("checkpoint");  // the log differs; the figures must not
  b.erase("checkpoint");
  RC_ASSERT(a == b);
}

}  // namespace
}  // namespace lifeline::analysis
