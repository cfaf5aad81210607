#include "analysis/blockade.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "record/values.h"

namespace lifeline::analysis {

std::string_view PassageName(Passage p) {
  switch (p) {
    case Passage::kOpen: return "open";
    case Passage::kHumanitarianOnly: return "humanitarian_only";
    case Passage::kClosed: return "closed";
    case Passage::kUnknown: break;
  }
  return "unknown";
}

std::string_view DayClassName(DayClass c) {
  switch (c) {
    case DayClass::kOpen: return "open";
    case DayClass::kBlockade: return "blockade";
    case DayClass::kFullyClosed: return "fully_closed";
    case DayClass::kUnknown: break;
  }
  return "unknown";
}

Passage PassageOf(RouteState state, uint32_t restricted) {
  constexpr uint32_t kCivilian = Restriction::kPersons | Restriction::kVehicles | Restriction::kCargo |
                                 Restriction::kCommercial;
  switch (state) {
    case RouteState::kUnknown: return Passage::kUnknown;
    case RouteState::kOpen: return Passage::kOpen;
    case RouteState::kClosed: return Passage::kClosed;
    case RouteState::kRestricted: break;
  }
  if (!(restricted & kCivilian)) return Passage::kOpen;
  bool aid_blocked = (restricted & kHumanitarian) && (restricted & kMedical);
  return aid_blocked ? Passage::kClosed : Passage::kHumanitarianOnly;
}

DayClass ClassOf(Passage in, Passage out) {
  auto blocked = [](Passage p) { return p == Passage::kHumanitarianOnly || p == Passage::kClosed; };
  if (in == Passage::kClosed && out == Passage::kClosed) return DayClass::kFullyClosed;
  if (blocked(in) || blocked(out)) return DayClass::kBlockade;
  if (in == Passage::kOpen && out == Passage::kOpen) return DayClass::kOpen;
  return DayClass::kUnknown;
}

const Episode* Blockade::Longest(std::string_view kind) const {
  const Episode* best = nullptr;
  for (const Episode& e : episodes) {
    if (e.kind == kind && (best == nullptr || e.days > best->days)) best = &e;
  }
  return best;
}

namespace {


bool IsBlockade(DayClass c) { return c == DayClass::kBlockade || c == DayClass::kFullyClosed; }

// What an episode kind asks of a route day.
bool InEpisode(std::string_view kind, const RouteDayTable& rt, size_t c, DayClass cls) {
  auto blocks = [&](int way, uint32_t bit) {
    RouteState s = rt.way_state[way][c];
    return s == RouteState::kClosed || (s == RouteState::kRestricted && (rt.way_restricted[way][c] & bit));
  };
  if (kind == "closed") return cls == DayClass::kFullyClosed;
  if (kind == "blockade") return IsBlockade(cls);
  if (kind == "medical") return blocks(0, kMedical) || blocks(1, kMedical);
  return blocks(0, kHumanitarian);  // humanitarian deliveries come in
}

// Runs of days satisfying the kind on one route.
void AddEpisodes(const Dataset& ds, const RouteDayTable& rt, int32_t route, const std::vector<DayClass>& cls,
                 std::string_view kind, std::vector<Episode>& out) {
  const int32_t n = rt.days;
  for (int32_t i = 0; i < n;) {
    size_t c = rt.cell(route, rt.from + i);
    if (!InEpisode(kind, rt, c, cls[static_cast<size_t>(i)])) {
      ++i;
      continue;
    }
    int32_t j = i;
    std::vector<int32_t> records;
    while (j < n && InEpisode(kind, rt, rt.cell(route, rt.from + j), cls[static_cast<size_t>(j)])) {
      if (!rt.in_force.empty()) {
        const auto& in_force = rt.in_force[rt.cell(route, rt.from + j)];
        records.insert(records.end(), in_force.begin(), in_force.end());
      }
      ++j;
    }
    Episode e{std::string(ds.routes.at(route)), std::string(kind), DayText(rt.from + i), DayText(rt.from + j - 1), j - i,
              i == 0, j == n,
              RecordIds::Sorted(ds.ids, std::move(records))};
    out.push_back(std::move(e));
    i = j;
  }
}

std::string RouteName(const Dataset& ds, int32_t r) {
  size_t i = static_cast<size_t>(r);
  return i < ds.route_names.size() && !ds.route_names[i].empty() ? ds.route_names[i] : std::string(ds.routes.at(r));
}

}  // namespace

Blockade ComputeBlockade(const Dataset& ds, const RouteDayTable& rt, int32_t from, int32_t to) {
  Blockade b;
  b.days = to - from + 1;
  b.lifeline_from_profile = !ds.lifeline_routes.empty();
  std::vector<int32_t> lifeline = ds.LifelineRoutes();
  std::vector<int32_t> shown = lifeline;
  for (const Baseline& bl : ds.baselines) {
    if (std::find(shown.begin(), shown.end(), bl.route) == shown.end()) shown.push_back(bl.route);
  }
  const size_t n = static_cast<size_t>(b.days);
  // Per lifeline route, the class of each day; the case's class is derived.
  std::vector<std::vector<DayClass>> classes;
  std::vector<int32_t> records;
  for (int32_t r : shown) {
    bool is_lifeline = std::find(lifeline.begin(), lifeline.end(), r) != lifeline.end();
    RouteBlockade rb;
    rb.route = std::string(ds.routes.at(r));
    rb.name = RouteName(ds, r);
    rb.lifeline = is_lifeline;
    std::vector<DayClass> cls(n);
    for (size_t d = 0; d < n; ++d) {
      int32_t day = from + static_cast<int32_t>(d);
      size_t c = rt.cell(r, day);
      Passage in = PassageOf(rt.way_state[0][c], rt.way_restricted[0][c]);
      Passage out = PassageOf(rt.way_state[1][c], rt.way_restricted[1][c]);
      ++rb.by_direction[0][static_cast<size_t>(in)];
      ++rb.by_direction[1][static_cast<size_t>(out)];
      cls[d] = ClassOf(in, out);
      switch (cls[d]) {
        case DayClass::kFullyClosed: ++rb.fully_closed; break;
        case DayClass::kBlockade: ++rb.partly_open; break;
        case DayClass::kOpen: ++rb.open; break;
        case DayClass::kUnknown: ++rb.unknown; break;
      }
      if (IsBlockade(cls[d])) {
        ++rb.blockade_days;
        if (!rb.first_day) rb.first_day = DayText(day);
        rb.last_day = DayText(day);
        if (is_lifeline && !rt.in_force.empty()) {
          records.insert(records.end(), rt.in_force[c].begin(), rt.in_force[c].end());
        }
      }
    }
    if (is_lifeline) {
      b.lifeline_routes.push_back(std::string(ds.routes.at(r)));
      for (std::string_view kind : {"closed", "blockade", "medical", "humanitarian"}) {
        AddEpisodes(ds, rt, r, cls, kind, b.episodes);
      }
      classes.push_back(std::move(cls));
    }
    b.routes.push_back(std::move(rb));
  }
  for (size_t d = 0; d < n && !classes.empty(); ++d) {
    bool any_open = false, all_blockade = true, all_closed = true;
    for (const auto& cls : classes) {
      any_open |= cls[d] == DayClass::kOpen;
      all_blockade &= IsBlockade(cls[d]);
      all_closed &= cls[d] == DayClass::kFullyClosed;
    }
    if (any_open) {
      ++b.open;
    } else if (all_blockade) {
      ++b.blockade_days;
      ++(all_closed ? b.fully_closed : b.partly_open);
      if (!b.first_day) b.first_day = DayText(from + static_cast<int32_t>(d));
      b.last_day = DayText(from + static_cast<int32_t>(d));
    } else {
      ++b.unknown;
    }
  }
  if (classes.empty()) b.unknown = b.days;
  std::sort(b.episodes.begin(), b.episodes.end(), [](const Episode& x, const Episode& y) {
    return std::tie(x.kind, x.from, x.route) < std::tie(y.kind, y.from, y.route);
  });
  b.records = RecordIds::Sorted(ds.ids, std::move(records));
  return b;
}

}  // namespace lifeline::analysis
