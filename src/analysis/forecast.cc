#include "analysis/forecast.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <thread>

#include "analysis/indicators.h"
#include "analysis/route_days.h"
#include "config/toml_fields.h"
#include "record/values.h"

namespace lifeline::analysis {

using config::CheckKeys;
using config::ForEachTable;
using config::ParseToml;
using config::TomlErrors;
using config::TomlInteger;
using config::TomlNumber;
using config::TomlString;

namespace {

// ---------------------------------------------------------------- scenarios

Result<double> NonNegative(const toml::node& n, std::string_view key, const TomlErrors& err) {
  LIFELINE_ASSIGN_OR_RETURN(double v, TomlNumber(n, key, err));
  if (v < 0) return err.At(n, key, "must not be negative");
  return v;
}

// A TOML date (2023-06-15) or a string holding one.
Result<int32_t> Date(const toml::node& n, std::string_view key, const TomlErrors& err) {
  std::string text;
  if (const auto* d = n.as_date()) {
    char buf[16];
    const toml::date& v = d->get();
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(v.year), static_cast<int>(v.month),
                  static_cast<int>(v.day));
    text = buf;
  } else if (const auto* s = n.as_string()) {
    text = s->get();
  } else {
    return err.At(n, key, "must be a date (YYYY-MM-DD)");
  }
  auto day = record::ParseDate(text);
  if (!day.ok()) return err.At(n, key, day.status().message());
  return static_cast<int32_t>(day->days);
}

// A quantity, or a range [low, high] of them, in `factor` canonical units.
Result<ScenarioRange> Range(const toml::node& n, std::string_view key, double factor, const TomlErrors& err) {
  if (const auto* a = n.as_array()) {
    if (a->size() != 2) return err.At(n, key, "must be a number or a range [low, high]");
    LIFELINE_ASSIGN_OR_RETURN(double lo, NonNegative((*a)[0], key, err));
    LIFELINE_ASSIGN_OR_RETURN(double hi, NonNegative((*a)[1], key, err));
    if (lo > hi) return err.At(n, key, "the range's low is above its high");
    return ScenarioRange{lo * factor, hi * factor};
  }
  LIFELINE_ASSIGN_OR_RETURN(double v, NonNegative(n, key, err));
  return ScenarioRange{v * factor, v * factor};
}

Result<RouteState> State(const toml::node& n, std::string_view key, const TomlErrors& err) {
  LIFELINE_ASSIGN_OR_RETURN(std::string s, TomlString(n, key, err));
  for (RouteState st : kForecastStateOrder) {
    if (RouteStateName(st) == s) return st;
  }
  return err.At(n, key, "must be open, restricted or closed, not \"" + s + "\"");
}

// The factor to the canonical unit of `unit` and its canonical name.
Result<record::UnitInfo> Unit(const toml::node& n, std::string_view key, const TomlErrors& err) {
  LIFELINE_ASSIGN_OR_RETURN(std::string u, TomlString(n, key, err));
  auto info = record::LookupUnit(u);
  if (!info) return err.At(n, key, "unknown unit \"" + u + "\"");
  return *info;
}

Status ParseRoute(const toml::table& t, Scenario& sc, const TomlErrors& err) {
  LIFELINE_RETURN_IF_ERROR(CheckKeys(t, {"routes", "initial", "transition", "reopen", "prior"}, err, "route."));
  if (const toml::node* n = t.get("routes")) {
    const auto* a = n->as_array();
    if (!a) return err.At(*n, "route.routes", "must be an array of route ids");
    for (const toml::node& e : *a) {
      LIFELINE_ASSIGN_OR_RETURN(std::string r, TomlString(e, "route.routes", err));
      sc.routes.push_back(std::move(r));
    }
  }
  if (const toml::node* n = t.get("initial")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.initial_state, State(*n, "route.initial", err));
  }
  if (const toml::node* n = t.get("reopen")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.reopen, Date(*n, "route.reopen", err));
  }
  if (const toml::node* n = t.get("transition")) {
    const auto* rows = n->as_array();
    if (!rows || rows->size() != kForecastStates) {
      return err.At(*n, "route.transition", "must be 3 rows (from open, restricted, closed) of 3 probabilities");
    }
    TransitionMatrix m{};
    for (size_t i = 0; i < kForecastStates; ++i) {
      const auto* row = (*rows)[i].as_array();
      if (!row || row->size() != kForecastStates) {
        return err.At((*rows)[i], "route.transition", "each row must hold 3 probabilities (to open, restricted, closed)");
      }
      double sum = 0;
      for (size_t j = 0; j < kForecastStates; ++j) {
        LIFELINE_ASSIGN_OR_RETURN(m[i][j], NonNegative((*row)[j], "route.transition", err));
        sum += m[i][j];
      }
      if (std::fabs(sum - 1.0) > 1e-6) {
        return err.At((*rows)[i], "route.transition",
                      "row " + std::to_string(i + 1) + " sums to " + std::to_string(sum) + ", not 1");
      }
    }
    sc.transition = m;
  }
  if (const toml::node* n = t.get("prior")) {
    if (sc.transition) return err.At(*n, "route.prior", "applies to a fitted process, but route.transition gives the matrix");
    LIFELINE_ASSIGN_OR_RETURN(double a, TomlNumber(*n, "route.prior", err));
    if (!(a > 0) || a > 1e4) return err.At(*n, "route.prior", "must be a pseudo-count above 0 and at most 10000");
    sc.route_prior = a;
  }
  return Status::Ok();
}

Status ParseCommodity(const toml::table& t, Scenario& sc, const TomlErrors& err) {
  const std::initializer_list<std::string_view> kKeys = {
      "name",      "unit",        "initial_stock",     "per_person",   "rationing",
      "threshold", "inflow_open", "inflow_restricted", "normal_stock", "restock_days"};
  LIFELINE_RETURN_IF_ERROR(CheckKeys(t, kKeys, err, "commodity."));
  const uint64_t line = t.source().begin.line;
  ScenarioCommodity c;
  const toml::node* name = t.get("name");
  if (!name) return err.At(line, "commodity", "needs a name");
  LIFELINE_ASSIGN_OR_RETURN(c.name, TomlString(*name, "commodity.name", err));
  const toml::node* unit = t.get("unit");
  if (!unit) return err.At(line, "commodity.unit", "is required (the unit of its quantities, e.g. \"t\")");
  LIFELINE_ASSIGN_OR_RETURN(record::UnitInfo u, Unit(*unit, "commodity.unit", err));
  c.unit = std::string(u.canonical);
  c.display_unit = std::string(u.unit);
  c.display_factor = u.factor;
  for (auto [key, field] : {std::pair{"initial_stock", &c.initial_stock}, std::pair{"per_person", &c.per_person},
                            std::pair{"threshold", &c.threshold}, std::pair{"normal_stock", &c.normal_stock}}) {
    if (const toml::node* n = t.get(key)) {
      LIFELINE_ASSIGN_OR_RETURN(double v, NonNegative(*n, std::string("commodity.") + key, err));
      *field = v * u.factor;
    }
  }
  for (auto [key, field] : {std::pair{"inflow_open", &c.inflow_open}, std::pair{"inflow_restricted", &c.inflow_restricted}}) {
    if (const toml::node* n = t.get(key)) {
      LIFELINE_ASSIGN_OR_RETURN(*field, Range(*n, std::string("commodity.") + key, u.factor, err));
    }
  }
  if (const toml::node* n = t.get("restock_days")) {
    if (!c.normal_stock) return err.At(*n, "commodity.restock_days", "needs normal_stock (the level restocked to)");
    LIFELINE_ASSIGN_OR_RETURN(double v, TomlNumber(*n, "commodity.restock_days", err));
    if (!(v >= 1) || v > kMaxHorizonDays) {
      return err.At(*n, "commodity.restock_days", "must be between 1 and " + std::to_string(kMaxHorizonDays));
    }
    c.restock_days = v;
  }
  if (const toml::node* n = t.get("rationing")) {
    LIFELINE_ASSIGN_OR_RETURN(c.rationing, NonNegative(*n, "commodity.rationing", err));
  }
  for (const auto& other : sc.commodities) {
    if (other.name == c.name) return err.At(line, "commodity.name", "\"" + c.name + "\" is given twice");
  }
  sc.commodities.push_back(std::move(c));
  return Status::Ok();
}

Status ParseAirlift(const toml::table& t, Scenario& sc, const TomlErrors& err) {
  LIFELINE_RETURN_IF_ERROR(CheckKeys(t, {"commodity", "from", "until", "per_day", "unit"}, err, "airlift."));
  const uint64_t line = t.source().begin.line;
  ScenarioAirlift a;
  for (const char* key : {"commodity", "from", "per_day", "unit"}) {
    if (!t.get(key)) return err.At(line, std::string("airlift.") + key, "is required");
  }
  LIFELINE_ASSIGN_OR_RETURN(a.commodity, TomlString(*t.get("commodity"), "airlift.commodity", err));
  LIFELINE_ASSIGN_OR_RETURN(a.from, Date(*t.get("from"), "airlift.from", err));
  if (const toml::node* n = t.get("until")) {
    LIFELINE_ASSIGN_OR_RETURN(a.until, Date(*n, "airlift.until", err));
    if (a.until < a.from) return err.At(*n, "airlift.until", "is before airlift.from");
  }
  LIFELINE_ASSIGN_OR_RETURN(record::UnitInfo u, Unit(*t.get("unit"), "airlift.unit", err));
  LIFELINE_ASSIGN_OR_RETURN(double q, NonNegative(*t.get("per_day"), "airlift.per_day", err));
  a.per_day = q * u.factor;
  auto c = std::find_if(sc.commodities.begin(), sc.commodities.end(),
                        [&](const ScenarioCommodity& x) { return x.name == a.commodity; });
  if (c == sc.commodities.end()) {
    return err.At(line, "airlift.commodity", "\"" + a.commodity + "\" is not a [[commodity]] of the scenario");
  }
  if (c->unit != u.canonical) {
    return err.At(*t.get("unit"), "airlift.unit",
                  "\"" + std::string(u.unit) + "\" is not comparable with the commodity's unit " + c->unit);
  }
  sc.airlifts.push_back(a);
  return Status::Ok();
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view toml_text, std::string_view name) {
  TomlErrors err(name);
  LIFELINE_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, name, err));
  const std::initializer_list<std::string_view> kTop = {
      "start",   "horizon_days", "trajectories", "seed",      "rationing",         "population",
      "history", "route",        "commodity",    "airlift",   "population_change"};
  LIFELINE_RETURN_IF_ERROR(CheckKeys(root, kTop, err, ""));
  Scenario sc;
  sc.name = std::string(name);
  if (const toml::node* n = root.get("start")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.start, Date(*n, "start", err));
  }
  if (const toml::node* n = root.get("horizon_days")) {
    LIFELINE_ASSIGN_OR_RETURN(int64_t h, TomlInteger(*n, "horizon_days", err, 1, kMaxHorizonDays));
    sc.horizon_days = static_cast<int32_t>(h);
  }
  if (const toml::node* n = root.get("trajectories")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.trajectories, TomlInteger(*n, "trajectories", err, 1, kMaxTrajectories));
  }
  if (const toml::node* n = root.get("seed")) {
    LIFELINE_ASSIGN_OR_RETURN(int64_t s, TomlInteger(*n, "seed", err, 0, std::numeric_limits<int64_t>::max()));
    sc.seed = static_cast<uint64_t>(s);
  }
  if (const toml::node* n = root.get("rationing")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.rationing, NonNegative(*n, "rationing", err));
  }
  if (const toml::node* n = root.get("population")) {
    LIFELINE_ASSIGN_OR_RETURN(sc.population, TomlInteger(*n, "population", err, 0, int64_t{1} << 40));
  }
  if (const toml::node* n = root.get("history")) {
    const auto* t = n->as_table();
    if (!t) return err.At(*n, "history", "must be a table with from and to");
    LIFELINE_RETURN_IF_ERROR(CheckKeys(*t, {"from", "to"}, err, "history."));
    if (const toml::node* f = t->get("from")) {
      LIFELINE_ASSIGN_OR_RETURN(sc.history_from, Date(*f, "history.from", err));
    }
    if (const toml::node* f = t->get("to")) {
      LIFELINE_ASSIGN_OR_RETURN(sc.history_to, Date(*f, "history.to", err));
    }
    if (sc.history_from != kNoDay && sc.history_to != kNoDay && sc.history_from > sc.history_to) {
      return err.At(*n, "history", "from is after to");
    }
  }
  if (const toml::node* n = root.get("route")) {
    const auto* t = n->as_table();
    if (!t) return err.At(*n, "route", "must be a table ([route])");
    LIFELINE_RETURN_IF_ERROR(ParseRoute(*t, sc, err));
  }
  if (const toml::node* n = root.get("commodity")) {
    LIFELINE_RETURN_IF_ERROR(
        ForEachTable(*n, "commodity", err, [&](const toml::table& t) { return ParseCommodity(t, sc, err); }));
  }
  if (sc.commodities.empty()) return err.At(1, "commodity", "the scenario needs at least one [[commodity]]");
  if (const toml::node* n = root.get("airlift")) {
    LIFELINE_RETURN_IF_ERROR(
        ForEachTable(*n, "airlift", err, [&](const toml::table& t) { return ParseAirlift(t, sc, err); }));
  }
  if (const toml::node* n = root.get("population_change")) {
    LIFELINE_RETURN_IF_ERROR(ForEachTable(*n, "population_change", err, [&](const toml::table& t) -> Status {
      LIFELINE_RETURN_IF_ERROR(CheckKeys(t, {"date", "count"}, err, "population_change."));
      if (!t.get("date") || !t.get("count")) {
        return err.At(t.source().begin.line, "population_change", "needs date and count");
      }
      ScenarioPopulationChange p;
      LIFELINE_ASSIGN_OR_RETURN(p.day, Date(*t.get("date"), "population_change.date", err));
      LIFELINE_ASSIGN_OR_RETURN(p.count, TomlInteger(*t.get("count"), "population_change.count", err, 0, int64_t{1} << 40));
      sc.population_changes.push_back(p);
      return Status::Ok();
    }));
    std::stable_sort(sc.population_changes.begin(), sc.population_changes.end(),
                     [](const auto& a, const auto& b) { return a.day < b.day; });
  }
  return sc;
}

// ---------------------------------------------------------------- fitting

namespace {

int StateIndex(RouteState s) {
  switch (s) {
    case RouteState::kOpen: return 0;
    case RouteState::kRestricted: return 1;
    case RouteState::kClosed: return 2;
    case RouteState::kUnknown: break;
  }
  return -1;
}

std::string StateName(size_t s) { return std::string(RouteStateName(kForecastStateOrder[s])); }

// A number for an assumption's text, to six significant digits.
std::string Sig6(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Assumptions are one short sentence each, with a stable key naming their
// kind so that a message catalogue can translate them.
void Assume(ForecastModel& m, std::string key, std::string text) {
  m.assumption_keys.push_back(std::move(key));
  m.assumptions.push_back(std::move(text));
}

// The history as the fit sees it.
struct History {
  std::vector<uint8_t> selected;  // per case route: its statuses make the state
  std::vector<int> day_state;     // per history day: state index, -1 unknown
  int64_t transitions = 0;        // pairs of consecutive known days
};

Result<History> ReadHistory(const Dataset& ds, const Scenario& sc, ForecastModel& m) {
  History h;
  h.selected.assign(ds.routes.size(), sc.routes.empty() ? 1 : 0);
  for (const auto& r : sc.routes) {
    auto i = ds.routes.Find(r);
    if (!i) return InvalidArgumentError("route.routes: the case has no route \"" + r + "\"");
    h.selected[static_cast<size_t>(*i)] = 1;
  }
  for (size_t r = 0; r < ds.routes.size(); ++r) {
    if (h.selected[r]) m.routes.push_back(std::string(ds.routes.at(static_cast<int32_t>(r))));
  }
  if (m.history_from != kNoDay && m.history_from <= m.history_to) {
    if (m.history_to - m.history_from + 1 > kMaxRangeDays) {
      return InvalidArgumentError("the history spans more than " + std::to_string(kMaxRangeDays) + " days");
    }
    RouteDayTable rt = ComputeRouteDays(ds, m.history_from, m.history_to, /*with_records=*/false);
    h.day_state.assign(static_cast<size_t>(rt.days), -1);
    for (int32_t d = 0; d < rt.days; ++d) {
      // Least restrictive known inbound status of the selected routes: goods
      // get in by whichever road is most open into the area (a road open
      // outbound only brings nothing in).
      RouteState best = RouteState::kUnknown;
      for (size_t r = 0; r < ds.routes.size(); ++r) {
        if (!h.selected[r] || !rt.has_status[r]) continue;
        RouteState s = rt.way_state[0][rt.cell(static_cast<int32_t>(r), rt.from + d)];
        if (s == RouteState::kUnknown) continue;
        if (best == RouteState::kUnknown || s < best) best = s;
      }
      h.day_state[static_cast<size_t>(d)] = StateIndex(best);
    }
  }
  for (int s : h.day_state) {
    if (s < 0) {
      ++m.history_unknown_days;
    } else {
      ++m.history_days[static_cast<size_t>(s)];
    }
  }
  for (size_t d = 1; d < h.day_state.size(); ++d) {
    if (h.day_state[d - 1] >= 0 && h.day_state[d] >= 0) {
      ++m.transition_counts[static_cast<size_t>(h.day_state[d - 1])][static_cast<size_t>(h.day_state[d])];
      ++h.transitions;
    }
  }
  return h;
}

// The transition matrix: the scenario's, or the posterior mean of the
// counts under a symmetric Dirichlet prior (each trajectory draws its own
// matrix from the posterior when it runs). A prior is what keeps a state
// never seen followed by a known day from being absorbing: its row is the
// prior's, 1/3 each on average, and differs from trajectory to trajectory.
Status FitRouteProcess(const Scenario& sc, const History& h, ForecastModel& m) {
  if (sc.transition) {
    m.transition = *sc.transition;
    m.transition_given = true;
    Assume(m, "forecast.route.given",
           "Route process: a Markov chain with the daily transition probabilities given in the scenario, the same "
           "for every trajectory.");
  } else {
    if (h.transitions == 0) {
      return FailedPreconditionError(
          "no two consecutive days with a known route status in the history " + DayText(m.history_from) + " .. " +
          DayText(m.history_to) + ": give route.transition (and route.initial) in the scenario");
    }
    const double a = sc.route_prior.value_or(kDefaultRoutePrior);
    m.route_prior = a;
    std::vector<size_t> unseen;
    for (size_t i = 0; i < kForecastStates; ++i) {
      int64_t row = 0;
      for (int64_t c : m.transition_counts[i]) row += c;
      for (size_t j = 0; j < kForecastStates; ++j) {
        m.transition[i][j] = (static_cast<double>(m.transition_counts[i][j]) + a) /
                             (static_cast<double>(row) + kForecastStates * a);
      }
      if (row == 0) unseen.push_back(i);
    }
    Assume(m, "forecast.route.fitted",
           "Route process: a Markov chain over open, restricted and closed, fitted to the " +
               std::to_string(h.transitions) + " day-to-day transitions of " + DayText(m.history_from) + " .. " +
               DayText(m.history_to) + ".");
    Assume(m, "forecast.route.posterior",
           "Each trajectory draws its own transition probabilities from their posterior: the history's counts plus "
           "a Dirichlet prior of " + Sig6(a) + " pseudo-transitions per cell (" +
               (sc.route_prior ? "scenario" : "default") + ").");
    for (size_t i : unseen) {
      Assume(m, "forecast.route.unseen",
             "No history day is " + StateName(i) + " and followed by a known day, so the probabilities from " +
                 StateName(i) + " are the prior's alone.");
    }
  }
  Assume(m, "forecast.route.markov", "Tomorrow's route state depends on today's only.");
  std::string routes;
  for (const auto& r : m.routes) routes += (routes.empty() ? "" : ", ") + r;
  Assume(m, "forecast.route.day_state",
         "A day's state is the least restrictive day status among the routes " + (routes.empty() ? "(none)" : routes) +
             ".");
  Assume(m, "forecast.route.day_status",
         "A route's day status is the most restrictive inbound status in force that day.");
  if (m.history_unknown_days > 0) {
    Assume(m, "forecast.route.unknown_days",
           std::to_string(m.history_unknown_days) + " history days without any route status in force are left out "
           "of the fit.");
  }
  return Status::Ok();
}

Status FitInitialState(const Scenario& sc, const History& h, ForecastModel& m) {
  if (sc.initial_state) {
    m.initial_state = StateIndex(*sc.initial_state);
    Assume(m, "forecast.initial_state.given",
           "The day before the start is " + std::string(RouteStateName(*sc.initial_state)) + " (scenario).");
  } else {
    int found = -1;
    int32_t found_day = kNoDay;
    for (size_t d = h.day_state.size(); d-- > 0;) {
      int32_t day = m.history_from + static_cast<int32_t>(d);
      if (day < m.start && h.day_state[d] >= 0) {
        found = h.day_state[d];
        found_day = day;
        break;
      }
    }
    if (found < 0) {
      return FailedPreconditionError("no route status is known on or before " + DayText(m.start - 1) +
                                     " in the history: give route.initial in the scenario");
    }
    m.initial_state = found;
    Assume(m, "forecast.initial_state.fitted",
           "The day before the start is in the state of " + DayText(found_day) + ": " +
               StateName(static_cast<size_t>(found)) + ".");
  }
  if (sc.reopen != kNoDay) {
    int32_t off = std::max(0, sc.reopen - m.start);
    m.reopen_offset = off < m.horizon ? off : -1;
    Assume(m, "forecast.route.reopen",
           "The route is open from " + DayText(sc.reopen) + " on, whatever the process (scenario).");
  }
  return Status::Ok();
}

Status FitPopulation(const Dataset& ds, const Scenario& sc, ForecastModel& m) {
  int64_t pop = 0;
  if (sc.population) {
    pop = *sc.population;
    Assume(m, "forecast.population.given", "Population at the start: " + std::to_string(pop) + " (scenario).");
  } else {
    const PopulationFigure* latest = nullptr;
    for (const auto& p : ds.population) {
      if (p.day <= m.start) latest = &p;
    }
    if (!latest) {
      return FailedPreconditionError("the case gives no population figure on or before " + DayText(m.start) +
                                     ": give population in the scenario");
    }
    pop = latest->count;
    Assume(m, "forecast.population.case",
           "Population at the start: " + std::to_string(pop) + ", the case's figure of " + DayText(latest->day) +
               ".");
  }
  m.population.assign(static_cast<size_t>(m.horizon), pop);
  for (const auto& c : sc.population_changes) {
    for (int32_t d = std::max(0, c.day - m.start); d < m.horizon; ++d) m.population[static_cast<size_t>(d)] = c.count;
    Assume(m, "forecast.population.change",
           "Population " + std::to_string(c.count) + " from " + DayText(c.day) + " (scenario).");
  }
  return Status::Ok();
}

// Inflows per history day, per scenario commodity: delivered inbound cargo
// of the same name and canonical unit on the selected routes, single-day
// movements only.
std::vector<std::vector<double>> HistoryInflows(const Dataset& ds, const Scenario& sc, const ForecastModel& m,
                                                const History& h) {
  const size_t n_days = h.day_state.size();
  std::vector<int32_t> commodity_of(ds.commodities.size(), -1);
  for (size_t c = 0; c < sc.commodities.size(); ++c) {
    if (auto i = ds.commodities.Find(sc.commodities[c].name)) commodity_of[static_cast<size_t>(*i)] = static_cast<int32_t>(c);
  }
  std::vector<std::vector<double>> inflow(sc.commodities.size(), std::vector<double>(n_days, 0.0));
  for (size_t i = 0; i < ds.cargo.size() && n_days > 0; ++i) {
    int32_t c = commodity_of[static_cast<size_t>(ds.cargo.commodity[i])];
    if (c < 0) continue;
    if (ds.units.at(ds.cargo.unit[i]) != sc.commodities[static_cast<size_t>(c)].unit) continue;
    size_t mv = static_cast<size_t>(ds.cargo.movement[i]);
    const Movements& mo = ds.movements;
    if (mo.direction[mv] != Direction::kIn || mo.outcome[mv] != Outcome::kCompleted) continue;
    if (mo.PeriodFromAt(mv) != kNoDay || !h.selected[static_cast<size_t>(mo.route[mv])]) continue;
    if (mo.day[mv] < m.history_from || mo.day[mv] > m.history_to) continue;
    inflow[static_cast<size_t>(c)][static_cast<size_t>(mo.day[mv] - m.history_from)] += ds.cargo.quantity[i];
  }
  return inflow;
}

// An amount in the commodity's display unit, for the assumptions.
std::string Amount(const ForecastCommodityModel& c, double v) {
  return Sig6(v / c.display_factor) + " " + c.display_unit;
}

Status FitInitialStock(const Dataset& ds, const ScenarioCommodity& sco, ForecastModel& m, ForecastCommodityModel& c) {
  if (sco.initial_stock) {
    c.initial_stock = *sco.initial_stock;
    c.initial_source = "scenario";
  } else {
    auto com = ds.commodities.Find(sco.name);
    int64_t best = -1;
    for (size_t i = 0; com && i < ds.stocks.size(); ++i) {
      if (ds.stocks.commodity[i] != *com || ds.stocks.day[i] > m.start) continue;
      if (ds.units.at(ds.stocks.unit[i]) != sco.unit) continue;
      // The latest; on the same day, the greatest record id, so that the
      // choice does not depend on the order records were loaded.
      if (best < 0 || ds.stocks.day[i] > ds.stocks.day[static_cast<size_t>(best)] ||
          (ds.stocks.day[i] == ds.stocks.day[static_cast<size_t>(best)] &&
           ds.ids.at(ds.stocks.record[i]) > ds.ids.at(ds.stocks.record[static_cast<size_t>(best)]))) {
        best = static_cast<int64_t>(i);
      }
    }
    if (best < 0) {
      return FailedPreconditionError("no stock record of \"" + sco.name + "\" (in a unit comparable with " +
                                     c.display_unit + ") on or before " + DayText(m.start) +
                                     ": give initial_stock for it in the scenario");
    }
    size_t b = static_cast<size_t>(best);
    c.initial_stock = ds.stocks.quantity[b];
    c.initial_source =
        "stock record " + std::string(ds.ids.at(ds.stocks.record[b])) + " (" + DayText(ds.stocks.day[b]) + ")";
  }
  Assume(m, "forecast.initial_stock",
         c.name + ": initial stock " + Amount(c, c.initial_stock) + ", from the " + c.initial_source + ".");
  return Status::Ok();
}

Status FitConsumption(const Dataset& ds, const ScenarioCommodity& sco, ForecastModel& m, ForecastCommodityModel& c) {
  if (sco.per_person) {
    c.per_person = *sco.per_person;
    c.per_person_source = "scenario";
  } else {
    auto com = ds.commodities.Find(sco.name);
    const NeedStandard* ns = nullptr;
    for (const auto& n : ds.needs) {
      if (com && n.commodity == *com && ds.units.at(n.unit) == sco.unit) ns = &n;
    }
    if (!ns) {
      return FailedPreconditionError("no need_standard for \"" + sco.name + "\" in a unit comparable with " +
                                     c.display_unit + ": give per_person for it in the scenario");
    }
    c.per_person = ns->quantity;
    c.per_person_source = "need_standard " + std::string(ds.ids.at(ns->record));
  }
  Assume(m, "forecast.consumption",
         c.name + ": consumption is population x " + Amount(c, c.per_person) + " per person per day (" +
             c.per_person_source + ") x rationing " + Sig6(c.rationing) + ".");
  c.consumption.resize(static_cast<size_t>(m.horizon));
  for (size_t d = 0; d < c.consumption.size(); ++d) {
    c.consumption[d] = static_cast<double>(m.population[d]) * c.per_person * c.rationing;
  }
  return Status::Ok();
}

// The mean daily capacity of state s (for the warning that unlimited
// inflows pile up), 0 when nothing comes in.
double MeanCapacity(const ForecastCommodityModel& c, size_t s) {
  if (c.inflow_range[s]) return (c.inflow_range[s]->low + c.inflow_range[s]->high) / 2;
  if (c.inflow_pool[s].empty()) return 0;
  double sum = 0;
  for (double v : c.inflow_pool[s]) sum += v;
  return sum / static_cast<double>(c.inflow_pool[s].size());
}

// Inflow capacities on open and restricted days, and restocking. Returns
// whether a pool of the history is drawn from.
bool FitInflows(const ScenarioCommodity& sco, const History& h, const std::vector<double>& inflow, ForecastModel& m,
                ForecastCommodityModel& c) {
  double closed_delivered = 0;
  for (size_t d = 0; d < h.day_state.size(); ++d) {
    int s = h.day_state[d];
    if (s == 0 || s == 1) {
      c.inflow_pool[static_cast<size_t>(s)].push_back(inflow[d]);
    } else if (s == 2) {
      closed_delivered += inflow[d];
    }
  }
  bool uses_pool = false;
  for (size_t s = 0; s < 2; ++s) {
    const std::optional<ScenarioRange>& given = s == 0 ? sco.inflow_open : sco.inflow_restricted;
    const std::string state = StateName(s);
    auto& pool = c.inflow_pool[s];
    if (given) {
      c.inflow_range[s] = *given;
      pool.clear();  // not drawn from
      if (given->low == given->high) {
        Assume(m, "forecast.inflow.fixed",
               c.name + ": inflow capacity on " + state + " days " + Amount(c, given->low) + " per day (scenario).");
      } else {
        Assume(m, "forecast.inflow.range",
               c.name + ": inflow capacity on " + state + " days between " + Amount(c, given->low) + " and " +
                   Amount(c, given->high) + " per day, each trajectory drawing its own (scenario).");
      }
    } else if (pool.empty()) {
      Assume(m, "forecast.inflow.none",
             c.name + ": no " + state + " day in the history, so no inflow on " + state + " days (inflow_" + state +
                 " sets one).");
    } else {
      uses_pool = true;
      size_t with = static_cast<size_t>(std::count_if(pool.begin(), pool.end(), [](double v) { return v > 0; }));
      Assume(m, "forecast.inflow.history",
             c.name + ": inflow capacity on " + state + " days drawn from the " + std::to_string(pool.size()) + " " +
                 state + " days of the history (" + std::to_string(with) + " with a recorded delivery; mean " +
                 Amount(c, MeanCapacity(c, s)) + " per day).");
    }
  }
  if (closed_delivered > 0) {
    Assume(m, "forecast.inflow.closed_recorded",
           c.name + ": " + Amount(c, closed_delivered) +
               " recorded as delivered on closed days of the history is not drawn from.");
  }
  c.normal_stock = sco.normal_stock;
  c.restock_days = sco.restock_days.value_or(kDefaultRestockDays);
  if (c.normal_stock) {
    Assume(m, "forecast.restock",
           c.name + ": road inflow is at most consumption less airlift plus 1/" + Sig6(c.restock_days) +
               " of the gap to a normal stock of " + Amount(c, *c.normal_stock) + " (scenario" +
               (sco.restock_days ? "" : "; 1/" + Sig6(c.restock_days) + " by default") + ").");
  } else {
    Assume(m, "forecast.inflow.unlimited",
           c.name + ": no normal stock (`normal_stock`) is given, so road inflows are not limited by demand.");
    double consumption = 0;
    for (double v : c.consumption) consumption += v;
    consumption /= static_cast<double>(std::max<size_t>(1, c.consumption.size()));
    for (size_t s = 0; s < 2; ++s) {
      if (MeanCapacity(c, s) > consumption) {
        Assume(m, "forecast.inflow.piles_up",
               c.name + ": " + StateName(s) + "-day inflows (mean " + Amount(c, MeanCapacity(c, s)) +
                   " per day) exceed consumption (" + Amount(c, consumption) +
                   " per day), so stocks grow without limit on such days.");
      }
    }
  }
  return uses_pool;
}

void FitAirlifts(const Scenario& sc, ForecastModel& m, ForecastCommodityModel& c) {
  c.airlift.assign(static_cast<size_t>(m.horizon), 0.0);
  for (const auto& a : sc.airlifts) {
    if (a.commodity != c.name) continue;
    int32_t last = a.until == kNoDay ? m.start + m.horizon - 1 : a.until;
    for (int32_t day = std::max(a.from, m.start); day <= last && day < m.start + m.horizon; ++day) {
      c.airlift[static_cast<size_t>(day - m.start)] += a.per_day;
    }
    Assume(m, "forecast.airlift",
           c.name + ": airlift of " + Amount(c, a.per_day) + " per day from " + DayText(a.from) +
               (a.until == kNoDay ? "" : " to " + DayText(a.until)) + ", whatever the route status.");
  }
}

}  // namespace

Result<ForecastModel> FitForecast(const Dataset& ds, const Scenario& sc) {
  ForecastModel m;
  m.horizon = sc.horizon_days;
  m.trajectories = sc.trajectories;
  m.seed = sc.seed;
  // The start: the day after the case (its end, else its last record).
  m.start = sc.start;
  if (m.start == kNoDay) {
    int32_t last = ds.ended != kNoDay ? ds.ended : ds.last_record_day;
    if (last == kNoDay) return FailedPreconditionError("the case has no end and no dated record: give `start`");
    m.start = last + 1;
  }
  m.history_from = sc.history_from != kNoDay ? sc.history_from : ds.started;
  m.history_to = sc.history_to != kNoDay ? sc.history_to : m.start - 1;

  LIFELINE_ASSIGN_OR_RETURN(History h, ReadHistory(ds, sc, m));
  LIFELINE_RETURN_IF_ERROR(FitRouteProcess(sc, h, m));
  LIFELINE_RETURN_IF_ERROR(FitInitialState(sc, h, m));
  LIFELINE_RETURN_IF_ERROR(FitPopulation(ds, sc, m));
  const std::vector<std::vector<double>> inflow = HistoryInflows(ds, sc, m, h);
  bool uses_pool = false;
  for (size_t ci = 0; ci < sc.commodities.size(); ++ci) {
    const ScenarioCommodity& sco = sc.commodities[ci];
    ForecastCommodityModel c;
    c.name = sco.name;
    c.unit = sco.unit;
    c.display_unit = sco.display_unit.empty() ? sco.unit : sco.display_unit;
    c.display_factor = sco.display_factor;
    c.threshold = sco.threshold;
    c.rationing = sco.rationing.value_or(sc.rationing);
    LIFELINE_RETURN_IF_ERROR(FitInitialStock(ds, sco, m, c));
    LIFELINE_RETURN_IF_ERROR(FitConsumption(ds, sco, m, c));
    uses_pool |= FitInflows(sco, h, inflow[ci], m, c);
    FitAirlifts(sc, m, c);
    m.commodities.push_back(std::move(c));
  }
  if (uses_pool) {
    Assume(m, "forecast.inflow.bootstrap",
           "Each trajectory draws inflows from its own resample of the history's days (a bootstrap).");
    Assume(m, "forecast.inflow.no_record", "A history day without a recorded delivery counts as nothing delivered.");
  }
  Assume(m, "forecast.closed_no_inflow", "Nothing arrives by road on closed days.");
  Assume(m, "forecast.no_backlog",
         "A day's road inflow depends on no past day beyond the route state and the stock (no backlog of convoys).");
  Assume(m, "forecast.no_production", "No local production, spoilage or substitution between commodities is modelled.");
  Assume(m, "forecast.unmet_lost", "A need not met on a day is lost, not carried over: stocks never go below 0.");
  Assume(m, "forecast.threshold",
         "A commodity falls below its threshold on the first day its stock is below it or exhausted.");
  Assume(m, "forecast.run",
         std::to_string(m.trajectories) + " trajectories of " + std::to_string(m.horizon) + " days from " +
             DayText(m.start) + ", seed " + std::to_string(m.seed) +
             "; the same seed gives the same output on any number of threads.");
  return m;
}

// ---------------------------------------------------------------- running

namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64, one stream per trajectory and component: the starting point
// hashes (component seed, trajectory), so a stream does not depend on
// which thread runs it.
uint64_t StreamStart(uint64_t seed, uint64_t trajectory) { return Mix64(seed ^ Mix64(trajectory + kGolden)); }
uint64_t Next(uint64_t& state) { return Mix64(state += kGolden); }

// The seeds of a trajectory's four streams. The run's are the first four
// outputs of SplitMix64 started at the scenario's seed; the re-runs that
// measure what drives the bands replace some of them (Rekeyed).
struct StreamSeeds {
  uint64_t route_params, route_days, inflow_params, inflow_days;
};

StreamSeeds BaseSeeds(uint64_t seed) {
  uint64_t s = seed;
  StreamSeeds out;
  out.route_params = Next(s);
  out.route_days = Next(s);
  out.inflow_params = Next(s);
  out.inflow_days = Next(s);
  return out;
}

uint64_t Rekeyed(uint64_t seed, uint64_t variant) { return Mix64(seed ^ (variant * 0xa0761d6478bd642fULL)); }

// ---- The transition matrix a trajectory draws (route parameters). ----

// log and exp from IEEE operations alone (+, -, *, / and frexp, ldexp,
// floor, all exact or correctly rounded): libm's results may differ in the
// last bit between libraries, and glibc picks FMA variants by CPU, which
// would let the same seed draw other matrices on another machine, and a
// report fail to verify there. Accurate to about 1e-16 relative.
// ln 2 split (Cody and Waite): the high part's 32 bits times an exponent
// (11 bits) are exact.
constexpr double kLn2Hi = 0x1.62e42feep-1, kLn2Lo = 0x1.a39ef35793c76p-33;

// 1/3, 1/5, .. 1/23 and 1/1 .. 1/14, rounded once (at compile time): the
// series below multiply by them rather than divide.
constexpr std::array<double, 11> kInverseOdd = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11, 1.0 / 13,
                                                1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
constexpr std::array<double, 15> kInverse = {0,        1.0,      1.0 / 2,  1.0 / 3,  1.0 / 4,
                                             1.0 / 5,  1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9,
                                             1.0 / 10, 1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14};

double PortableLog(double x) {  // x > 0, finite
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  if (m < 0x1.6a09e667f3bcdp-1) {  // sqrt(1/2): m in [0.707, 1.414)
    m *= 2;
    --e;
  }
  // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: 2 (s + s^3/3 +
  // ... + s^23/23), the next term below 1e-18.
  const double s = (m - 1) / (m + 1), s2 = s * s;
  double sum = 0;
  for (size_t k = kInverseOdd.size(); k-- > 0;) sum = (sum + kInverseOdd[k]) * s2;
  return e * kLn2Hi + (e * kLn2Lo + 2 * s * (1 + sum));
}

double PortableExp(double y) {  // y <= 0
  if (y < -745) return 0;
  // y = k ln 2 + r, |r| <= ln(2) / 2: exp r by Taylor to r^14/14!, below
  // 1e-17 there.
  const double k = std::floor(y / (kLn2Hi + kLn2Lo) + 0.5);
  const double r = (y - k * kLn2Hi) - k * kLn2Lo;
  double sum = 1;
  for (size_t i = kInverse.size() - 1; i >= 1; --i) sum = 1 + sum * (r * kInverse[i]);
  return std::ldexp(sum, static_cast<int>(k));
}

// Uniform on (0, 1), never 0: its logarithm is finite.
double OpenUnit(uint64_t& s) { return (static_cast<double>(Next(s) >> 11) + 0.5) * 0x1.0p-53; }

// Standard normal variates by Marsaglia's polar method, which makes them
// in pairs: the second is kept for the next call (a trajectory's draws are
// made by one thread, in order).
class NormalSource {
 public:
  explicit NormalSource(uint64_t& stream) : s_(stream) {}
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    for (;;) {
      const double u = 2 * OpenUnit(s_) - 1, v = 2 * OpenUnit(s_) - 1;
      const double q = u * u + v * v;
      if (q > 0 && q < 1) {
        const double f = std::sqrt(-2 * PortableLog(q) / q);
        spare_ = v * f;
        has_spare_ = true;
        return u * f;
      }
    }
  }
  uint64_t& stream() { return s_; }

 private:
  uint64_t& s_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// A Gamma(a, 1) variate, a > 0, as g e^b: Marsaglia and Tsang (2000), with
// their squeeze (which accepts about 98 % of candidates without a
// logarithm; the region it accepts lies inside the exact one, so the
// distribution is the same). Below 1 through Gamma(a + 1) U^(1/a), the power
// kept as its logarithm b (0 otherwise) so that small shapes (a prior of
// 0.01 on an unseen row) cannot underflow a whole row to zeros.
struct GammaDraw {
  double g, b;
};

GammaDraw GammaVariate(double a, NormalSource& normal) {
  double b = 0;
  if (a < 1) {
    b = PortableLog(OpenUnit(normal.stream())) / a;
    a += 1;
  }
  const double d = a - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    const double x = normal.Next();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = OpenUnit(normal.stream()), x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || PortableLog(u) < 0.5 * x2 + d - d * v + d * PortableLog(v)) return {d * v, b};
  }
}

uint32_t Threshold31(double p) { return static_cast<uint32_t>(std::round(std::clamp(p, 0.0, 1.0) * 0x1.0p31)); }

// The thresholds of a row of probabilities (see TrajectoryStart). A row
// summing to 1 up to rounding must never fall through to closed when
// closed has probability 0.
void SetThresholds(const std::array<double, kForecastStates>& p, uint32_t& to_open, uint32_t& to_restricted) {
  to_open = Threshold31(p[0]);
  to_restricted = p[2] == 0 ? uint32_t{1} << 31 : Threshold31(p[0] + p[1]);
}

// Trajectory t's matrix: the given one, or one drawn from the posterior,
// each row from Dirichlet(counts + prior) as normalised gamma variates
// g_j e^(b_j), scaled by e^(-max b) first (so the largest power is 1 and the
// row cannot vanish).
void DrawTransitions(const ForecastModel& m, uint64_t route_params, TrajectoryStart& ts) {
  NormalSource normal(route_params);
  for (size_t i = 0; i < kForecastStates; ++i) {
    std::array<double, kForecastStates> p = m.transition[i];
    if (!m.transition_given) {
      std::array<GammaDraw, kForecastStates> g{};
      double top = -std::numeric_limits<double>::infinity();
      for (size_t j = 0; j < kForecastStates; ++j) {
        g[j] = GammaVariate(static_cast<double>(m.transition_counts[i][j]) + m.route_prior, normal);
        top = std::max(top, g[j].b);
      }
      double sum = 0;
      for (size_t j = 0; j < kForecastStates; ++j) sum += p[j] = g[j].g * (g[j].b == top ? 1.0 : PortableExp(g[j].b - top));
      for (double& v : p) v /= sum;
    }
    SetThresholds(p, ts.to_open[i], ts.to_restricted[i]);
  }
}

TrajectoryStart Start(const ForecastModel& m, const StreamSeeds& seeds, uint64_t t) {
  TrajectoryStart ts;
  ts.route_days = StreamStart(seeds.route_days, t);
  ts.inflow_days = StreamStart(seeds.inflow_days, t);
  ts.inflow_key = StreamStart(seeds.inflow_params, t);
  DrawTransitions(m, StreamStart(seeds.route_params, t), ts);
  return ts;
}

// ---- Inflow parameters: hashed from the trajectory's key. ----

uint64_t InflowKey(uint64_t inflow_key, size_t c, size_t s) {
  return Mix64(inflow_key ^ ((c * kForecastStates + s + 1) * 0xd1b54a32d192ed03ULL));
}

double RangeValue(uint64_t key, const ScenarioRange& r) {
  const double u = static_cast<double>(Mix64(key) >> 11) * 0x1.0p-53;
  return r.low + (r.high - r.low) * u;
}

// Pool indices come from 32 random bits by Lemire's multiply-shift without
// rejection: an index is at most n / 2^32 more likely than another, below
// anything a percentile could show for pools of a few thousand days. The
// bootstrap resample of a trajectory maps the k-th of n slots to a day of
// the pool by hashing (key, k): a resample with replacement, never stored.
uint32_t PoolIndex(uint64_t key, uint32_t x, uint32_t n) {
  const uint32_t k = static_cast<uint32_t>((uint64_t{x} * n) >> 32);
  const uint64_t h = Mix64(key + (uint64_t{k} + 1) * kGolden);
  return static_cast<uint32_t>(((h >> 32) * n) >> 32);
}

constexpr int32_t kNever = std::numeric_limits<int32_t>::max();
constexpr size_t kTile = 64;  // trajectories advanced together: one row segment per day
// Days simulated before their percentiles are taken: the rows of a chunk
// (commodities x days x trajectories floats) are kept to about this many
// bytes, so that they are still in cache when they are selected in.
constexpr size_t kChunkBytes = size_t{16} << 20;

// What every trajectory shares: the model flattened for the tile loop.
struct Shared {
  const ForecastModel* m;
  size_t h;  // days
  // Per commodity: the pools of the three states one after the other, then
  // a 0 that an empty pool's draws land on. A state with a range has an
  // empty pool here.
  std::vector<std::vector<double>> pool;
  std::vector<std::array<uint32_t, kForecastStates>> pool_offset, pool_size;
  // Per commodity: whether open / restricted days use a range.
  std::vector<std::array<uint8_t, 2>> use_range;
  // Per commodity: T = keep * S + term, the level restocking aims at
  // today (keep = 1 - r, term = r N); keep 0 and term +inf without
  // restocking.
  std::vector<double> keep, term;
  size_t d0 = 0, d1 = 0;  // the chunk: days [d0, d1)
};

// One set of trajectories run with the same stream seeds: the run itself
// (lane 0), or a re-run measuring what drives the bands.
struct Lane {
  StreamSeeds seeds{};
  size_t n = 0;                     // trajectories 0 .. n-1
  std::vector<uint64_t> route_rng;  // [trajectory]: route days stream
  std::vector<uint64_t> inflow_rng;  // [trajectory]: inflow days stream
  std::vector<uint8_t> state;       // [trajectory]: today's route state
  // [from state][trajectory]: thresholds on 31 bits, as in TrajectoryStart.
  std::array<std::vector<uint32_t>, kForecastStates> to_open, to_restricted;
  std::vector<double> level;     // [commodity][trajectory]: stock
  std::vector<int32_t> crossed;  // [commodity][trajectory]: day fallen below the threshold, or kNever
  std::vector<float> chunk;      // [commodity][day - d0][trajectory]
};

// Per-thread scratch of SimulateTile: the tile's inflow parameters.
struct TileScratch {
  std::vector<uint64_t> key;   // [commodity][state 0..1][i]: bootstrap keys
  std::vector<double> fixed;   // [commodity][state 0..1][i]: range values
};

// The tile's inflow parameters, hashed again for every chunk (cheaper than
// keeping them per trajectory): per commodity and route state, each
// trajectory's key and, for a range, its value. Once per tile, outside
// SimulateTile's vectorised loops.
void HashInflowParams(const ForecastModel& m, const Lane& lane, size_t t0, size_t w, TileScratch& scratch) {
  const size_t nc = m.commodities.size();
  scratch.key.resize(nc * 2 * kTile);
  scratch.fixed.resize(nc * 2 * kTile);
  for (size_t i = 0; i < w; ++i) {
    const uint64_t base = StreamStart(lane.seeds.inflow_params, t0 + i);
    for (size_t c = 0; c < nc; ++c) {
      for (size_t s = 0; s < 2; ++s) {
        const uint64_t key = InflowKey(base, c, s);
        const auto& range = m.commodities[c].inflow_range[s];
        scratch.key[(c * 2 + s) * kTile + i] = key;
        scratch.fixed[(c * 2 + s) * kTile + i] = range ? RangeValue(key, *range) : 0.0;
      }
    }
  }
}

// Advances trajectories [t0, t1) of a lane over the chunk's days. Per day,
// each trajectory draws once from its route days stream (the top 31 bits
// pick tomorrow's state from today's row of its matrix), then
// ceil(commodities / 2) times from its inflow days stream (the high 32 bits
// for commodity 2k, the low 32 for 2k + 1). Every value is drawn whether it
// is used or not (a closed day, a forced-open day, a range, an empty pool),
// so the same seed gives the same states and capacities whatever the
// scenario's airlifts, thresholds or normal stocks.
//
// The stock update is S' = min(max(T, L+), U+) with L = S + net, U = L + K,
// T = keep S + term, in that order in double precision, never contracted
// into fused multiply-adds (src/analysis/CMakeLists.txt: -ffp-contract=off;
// GCC would otherwise contract in the AVX-512 copy only).
//
// The loops are written for the vectoriser: no branches (selects instead),
// pools flattened with a 0 at the end for empty ones, and min, max and the
// clip at 0 done on the doubles' bits (GCC will not turn floating-point
// compares into vector selects; for doubles >= 0, the order of their bits
// as int64 is their order). On x86-64 a second copy is compiled for
// AVX-512 (x86-64-v4: 64-bit multiplies and gathers in vector registers)
// and chosen at load time when the CPU has it; both copies compute the
// same values (integer arithmetic, and the same floating-point operations
// in the same order per trajectory).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "default")))
#endif
void SimulateTile(const Shared& sh, Lane& lane, size_t t0, size_t t1, TileScratch& scratch) {
  const ForecastModel& m = *sh.m;
  const size_t nc = m.commodities.size();
  const size_t w = t1 - t0;
  const size_t days = sh.d1 - sh.d0;
  alignas(64) uint64_t rr[kTile];     // route days streams
  alignas(64) uint64_t ir[kTile];     // inflow days streams
  alignas(64) uint32_t state[kTile];
  alignas(64) uint32_t spare[kTile];  // the unused half of the last inflow draw
  alignas(64) uint32_t x[kTile];      // this commodity's value
  alignas(64) double in[kTile];       // this commodity's capacity
  for (size_t i = 0; i < w; ++i) {
    rr[i] = lane.route_rng[t0 + i];
    ir[i] = lane.inflow_rng[t0 + i];
    state[i] = lane.state[t0 + i];
  }
  HashInflowParams(m, lane, t0, w, scratch);
  const uint32_t* __restrict a0 = lane.to_open[0].data() + t0;
  const uint32_t* __restrict a1 = lane.to_open[1].data() + t0;
  const uint32_t* __restrict a2 = lane.to_open[2].data() + t0;
  const uint32_t* __restrict b0 = lane.to_restricted[0].data() + t0;
  const uint32_t* __restrict b1 = lane.to_restricted[1].data() + t0;
  const uint32_t* __restrict b2 = lane.to_restricted[2].data() + t0;
  for (size_t d = sh.d0; d < sh.d1; ++d) {
    const uint32_t keep = m.reopen_offset >= 0 && d >= static_cast<size_t>(m.reopen_offset) ? 0u : ~0u;
    for (size_t i = 0; i < w; ++i) {
      const uint32_t u = static_cast<uint32_t>(Next(rr[i]) >> 33);
      const uint32_t s = state[i];
      const uint32_t to_open = s == 0 ? a0[i] : s == 1 ? a1[i] : a2[i];
      const uint32_t to_restricted = s == 0 ? b0[i] : s == 1 ? b1[i] : b2[i];
      state[i] = (static_cast<uint32_t>(u >= to_open) + static_cast<uint32_t>(u >= to_restricted)) & keep;
    }
    for (size_t c = 0; c < nc; ++c) {
      const auto& mc = m.commodities[c];
      const double net = mc.airlift[d] - mc.consumption[d];
      const double keep_c = sh.keep[c], term_c = sh.term[c];
      // "Below the threshold or exhausted": v < thr, or v <= 0, which for
      // v >= 0 is v < thr_or_zero with thr_or_zero = max(thr, tiny).
      const double thr_or_zero = std::max(mc.threshold.value_or(0.0), std::numeric_limits<double>::denorm_min());
      const int64_t thr_bits = std::bit_cast<int64_t>(thr_or_zero);
      // __restrict: the pools, stocks, rows and days never overlap, which
      // the vectoriser cannot prove by itself.
      const double* __restrict flat = sh.pool[c].data();
      const uint32_t f0 = sh.pool_offset[c][0], f1 = sh.pool_offset[c][1], f2 = sh.pool_offset[c][2];
      const uint32_t n0 = sh.pool_size[c][0], n1 = sh.pool_size[c][1], n2 = sh.pool_size[c][2];
      const uint32_t r0 = sh.use_range[c][0], r1 = sh.use_range[c][1];
      const uint64_t* __restrict k0 = scratch.key.data() + c * 2 * kTile;
      const uint64_t* __restrict k1 = k0 + kTile;
      const double* __restrict x0 = scratch.fixed.data() + c * 2 * kTile;
      const double* __restrict x1 = x0 + kTile;
      float* __restrict row = lane.chunk.data() + (c * days + (d - sh.d0)) * lane.n + t0;
      int32_t* __restrict crossed = lane.crossed.data() + c * lane.n + t0;
      double* __restrict lv = lane.level.data() + c * lane.n + t0;
      const int32_t day = static_cast<int32_t>(d + 1);
      if (c % 2 == 0) {  // even commodities start a new draw, odd ones use the spare half
        for (size_t i = 0; i < w; ++i) {
          const uint64_t r = Next(ir[i]);
          x[i] = static_cast<uint32_t>(r >> 32);
          spare[i] = static_cast<uint32_t>(r);
        }
      } else {
        for (size_t i = 0; i < w; ++i) x[i] = spare[i];
      }
      // The capacities: a range's value, else a draw from the resample of
      // the pool (a gather the vectoriser leaves scalar)...
      for (size_t i = 0; i < w; ++i) {
        const uint32_t s = state[i];
        const uint32_t size = s == 0 ? n0 : s == 1 ? n1 : n2;
        const uint32_t base = s == 0 ? f0 : s == 1 ? f1 : f2;
        const uint64_t key = s == 0 ? k0[i] : k1[i];
        const double pooled = flat[base + PoolIndex(key, x[i], size)];
        const uint32_t ranged = s == 0 ? r0 : s == 1 ? r1 : 0u;
        in[i] = ranged ? (s == 0 ? x0[i] : x1[i]) : pooled;
      }
      // ...then the stocks.
      for (size_t i = 0; i < w; ++i) {
        const double l = lv[i] + net;
        const double u = l + in[i];
        const double t = keep_c * lv[i] + term_c;
        int64_t lb = std::bit_cast<int64_t>(l);
        lb = lb > 0 ? lb : 0;  // negative (or -0.0) -> +0.0
        int64_t ub = std::bit_cast<int64_t>(u);
        ub = ub > 0 ? ub : 0;
        const int64_t tb = std::bit_cast<int64_t>(t);
        int64_t vb = tb > lb ? tb : lb;
        vb = vb < ub ? vb : ub;
        const double v = std::bit_cast<double>(vb);
        lv[i] = v;
        row[i] = static_cast<float>(v);
        const int32_t cur = crossed[i];
        const bool below = vb < thr_bits;
        crossed[i] = (below & (cur == kNever)) ? day : cur;
      }
    }
  }
  for (size_t i = 0; i < w; ++i) {
    lane.route_rng[t0 + i] = rr[i];
    lane.inflow_rng[t0 + i] = ir[i];
    lane.state[t0 + i] = static_cast<uint8_t>(state[i]);
  }
}

// Scratch space of one thread for StockPercentiles.
struct Selector {
  static constexpr size_t kBuckets = 4096;
  std::vector<uint32_t> key;        // per value
  std::vector<uint16_t> bucket_of;  // per value
  std::vector<uint32_t> picked;     // positions of the values in wanted buckets
  std::vector<uint32_t> count = std::vector<uint32_t>(kBuckets + 1);
  std::vector<uint32_t> count4 = std::vector<uint32_t>(4 * kBuckets);
  std::vector<uint8_t> wanted = std::vector<uint8_t>(kBuckets);
  std::vector<std::vector<uint32_t>> members = std::vector<std::vector<uint32_t>>(kBuckets);
};

// A float's bits mapped so that unsigned order is the floats' order (any
// non-NaN float; -0.0 sorts just below +0.0, which compare equal anyway).
uint32_t OrderKey(float f) {
  const uint32_t b = std::bit_cast<uint32_t>(f);
  return b ^ ((b >> 31) ? 0xffffffffu : 0x80000000u);
}
float FromOrderKey(uint32_t k) { return std::bit_cast<float>(k ^ ((k >> 31) ? 0x80000000u : 0xffffffffu)); }

// StockPercentiles' histogram: each value's bucket (of key width 1 << shift
// from `lo`) into sel.bucket_of and sel.count[b + 1] the number of values
// in buckets <= b. Returns how many values equal the minimum `lo`.
size_t CountBuckets(Selector& sel, size_t n, uint32_t lo, int shift) {
  constexpr size_t kB = Selector::kBuckets;
  const uint32_t* key = sel.key.data();
  std::fill(sel.count.begin(), sel.count.end(), 0u);
  size_t n_lo = 0;
  uint16_t* bucket_of = sel.bucket_of.data();
  for (size_t i = 0; i < n; ++i) {
    const uint32_t b = (key[i] - lo) >> shift;
    bucket_of[i] = static_cast<uint16_t>(b);
    n_lo += key[i] == lo;
  }
  // Four interleaved histograms: when values pile into one bucket (the
  // zeros), one histogram would be a chain of increments of the same
  // counter, each waiting for the last.
  std::fill(sel.count4.begin(), sel.count4.end(), 0u);
  uint32_t* c4 = sel.count4.data();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++c4[bucket_of[i]];
    ++c4[kB + bucket_of[i + 1]];
    ++c4[2 * kB + bucket_of[i + 2]];
    ++c4[3 * kB + bucket_of[i + 3]];
  }
  for (; i < n; ++i) ++c4[bucket_of[i]];
  for (size_t b = 0; b < kB; ++b) {
    // count[b + 1]: values in buckets <= b
    sel.count[b + 1] = sel.count[b] + c4[b] + c4[kB + b] + c4[2 * kB + b] + c4[3 * kB + b];
  }
  return n_lo;
}

// A rank StockPercentiles wants, and the bucket holding it.
struct WantedRank {
  size_t rank, bucket;
};
using WantedRanks = std::array<WantedRank, 2 * kForecastPercentiles.size()>;

// The ranks wanted: floor and ceiling of each percentile's position (in
// increasing rank order), and each percentile's fraction between them.
WantedRanks PlanRanks(const Selector& sel, size_t n, std::array<double, kForecastPercentiles.size()>& frac) {
  WantedRanks wants{};
  auto bucket_of_rank = [&](size_t r) {
    // The first bucket b with count[b + 1] > r.
    return static_cast<size_t>(std::upper_bound(sel.count.begin() + 1, sel.count.end(), static_cast<uint32_t>(r)) -
                               (sel.count.begin() + 1));
  };
  for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
    double pos = kForecastPercentiles[p] / 100.0 * static_cast<double>(n - 1);
    size_t k = static_cast<size_t>(std::floor(pos));
    frac[p] = pos - static_cast<double>(k);
    size_t k1 = std::min(k + 1, n - 1);
    wants[2 * p] = {k, bucket_of_rank(k)};
    wants[2 * p + 1] = {k1, bucket_of_rank(k1)};
  }
  return wants;
}

// The values at the wanted ranks (ranks below n_lo are the minimum `lo`).
std::array<double, 2 * kForecastPercentiles.size()> SelectRanks(Selector& sel, const WantedRanks& wants, size_t n,
                                                                size_t n_lo, uint32_t lo) {
  constexpr size_t kB = Selector::kBuckets;
  const uint32_t* key = sel.key.data();
  const uint16_t* bucket_of = sel.bucket_of.data();
  bool gather = false;
  for (const WantedRank& w : wants) {
    if (w.rank < n_lo) continue;
    sel.wanted[w.bucket] = 1;
    sel.members[w.bucket].clear();
    gather = true;
  }
  if (gather) {
    // Branch-free compaction of the wanted values' positions first (which
    // values are wanted is data, a branch on it mispredicts), then the few
    // of them sorted into their buckets.
    sel.picked.resize(n);
    uint32_t* picked = sel.picked.data();
    size_t np = 0;
    for (size_t j = 0; j < n; ++j) {
      picked[np] = static_cast<uint32_t>(j);
      np += sel.wanted[bucket_of[j]];
    }
    for (size_t j = 0; j < np; ++j) sel.members[bucket_of[picked[j]]].push_back(key[picked[j]]);
  }
  // Within a bucket, from the highest wanted rank down, each selection
  // working on the part below the previous one (the wants are in
  // increasing rank order).
  std::array<double, 2 * kForecastPercentiles.size()> value{};
  size_t limit_bucket = kB, limit = 0;  // members[limit_bucket][0, limit) is still unselected
  for (size_t j = wants.size(); j-- > 0;) {
    const WantedRank& w = wants[j];
    if (w.rank < n_lo) {
      value[j] = FromOrderKey(lo);
      continue;
    }
    std::vector<uint32_t>& mem = sel.members[w.bucket];
    size_t local = w.rank - sel.count[w.bucket];
    size_t end = w.bucket == limit_bucket ? limit : mem.size();
    if (local < end) {
      std::nth_element(mem.begin(), mem.begin() + static_cast<std::ptrdiff_t>(local),
                       mem.begin() + static_cast<std::ptrdiff_t>(end));
      limit_bucket = w.bucket;
      limit = local;
    }
    value[j] = FromOrderKey(mem[local]);
  }
  for (const WantedRank& w : wants) sel.wanted[w.bucket] = 0;
  return value;
}

// Linear-interpolated percentiles (numpy's default) of a[0..n), exact.
// Rather than sorting or selecting in the whole row, the values' order keys
// (integers, so every pass vectorises) are counted into buckets of equal
// key width between the row's minimum and maximum; only the few buckets
// holding a wanted rank are gathered and selected in. Any bucketing
// monotone in the value is exact, since the selection within a bucket is.
// About ten times faster than std::nth_element on 100,000 values.
PercentileValues StockPercentiles(const float* a, size_t n, Selector& sel) {
  PercentileValues out{};
  sel.key.resize(n);
  sel.bucket_of.resize(n);
  uint32_t* key = sel.key.data();
  uint32_t lo = ~0u, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t k = OrderKey(a[i]);
    key[i] = k;
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  if (lo == hi) {
    out.fill(FromOrderKey(lo));
    return out;
  }
  constexpr size_t kB = Selector::kBuckets;
  int shift = 0;
  while (((hi - lo) >> shift) >= kB) ++shift;
  // Stocks pile up at exactly 0 (clipped) in many trajectories: ranks among
  // the values equal to the minimum need no selection at all.
  const size_t n_lo = CountBuckets(sel, n, lo, shift);
  std::array<double, kForecastPercentiles.size()> frac{};
  const WantedRanks wants = PlanRanks(sel, n, frac);
  const std::array<double, 2 * kForecastPercentiles.size()> value = SelectRanks(sel, wants, n, n_lo, lo);
  for (size_t p = 0; p < kForecastPercentiles.size(); ++p) {
    out[p] = value[2 * p] + (value[2 * p + 1] - value[2 * p]) * frac[p];
  }
  return out;
}

// Inverted-CDF percentiles of days (kNever -> nullopt); `a` is reordered.
std::array<std::optional<int32_t>, kForecastPercentiles.size()> DayPercentiles(std::vector<int32_t>& a) {
  std::array<std::optional<int32_t>, kForecastPercentiles.size()> out{};
  const size_t n = a.size();
  size_t hi = n;
  for (size_t pi = kForecastPercentiles.size(); pi-- > 0;) {
    double want = std::ceil(kForecastPercentiles[pi] / 100.0 * static_cast<double>(n) - 1e-9);
    size_t k = want < 1 ? 0 : static_cast<size_t>(want) - 1;
    if (k < hi) std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k), a.begin() + static_cast<std::ptrdiff_t>(hi));
    if (a[k] != kNever) out[pi] = a[k];
    hi = std::min(hi, k);
  }
  return out;
}

// Runs job(i) for i in [0, jobs) on `threads` threads, each job once.
template <typename F>
void ParallelFor(int threads, size_t jobs, F job) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < jobs;) job(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}


// ---- What drives the bands. ----

// Which re-runs measure what, and what is known without one. Lanes: 0 is
// the run; a re-run shares some streams with it (the "frozen" source) and
// draws the others anew.
struct DriverPlan {
  size_t n = 0;                   // trajectories compared (0: not computed)
  bool route_random = false;      // some day's state is random
  bool route_uncertain = false;   // and its matrix is drawn per trajectory
  std::vector<uint8_t> inflow_random;  // per commodity: its capacities vary
  int route_params_lane = -1;     // route parameters frozen
  int route_lane = -1;            // route parameters and days frozen
  int inflow_lane = -1;           // inflows frozen
};

bool Degenerate(const TransitionMatrix& t) {
  for (const auto& row : t) {
    for (double p : row) {
      if (p > 0 && p < 1) return false;
    }
  }
  return true;
}

bool Varies(const ForecastCommodityModel& c, size_t s) {
  if (c.inflow_range[s]) return c.inflow_range[s]->low < c.inflow_range[s]->high;
  const auto& p = c.inflow_pool[s];
  return std::any_of(p.begin(), p.end(), [&](double v) { return v != p.front(); });
}

DriverPlan PlanDrivers(const ForecastModel& m, size_t n, bool wanted, std::vector<Lane>& lanes) {
  DriverPlan p;
  p.route_random = m.reopen_offset != 0 && (!m.transition_given || !Degenerate(m.transition));
  p.route_uncertain = p.route_random && !m.transition_given;
  bool any_inflow = false;
  for (const auto& c : m.commodities) {
    p.inflow_random.push_back(Varies(c, 0) || Varies(c, 1));
    any_inflow |= p.inflow_random.back() != 0;
  }
  if (!wanted || n < 2) return p;
  p.n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n), kDriverTrajectories));
  const StreamSeeds base = lanes[0].seeds;
  auto add = [&](uint64_t variant, bool route_params, bool route_days, bool inflows) {
    Lane lane;
    lane.n = p.n;
    lane.seeds = {route_params ? base.route_params : Rekeyed(base.route_params, variant),
                  route_days ? base.route_days : Rekeyed(base.route_days, variant),
                  inflows ? base.inflow_params : Rekeyed(base.inflow_params, variant),
                  inflows ? base.inflow_days : Rekeyed(base.inflow_days, variant)};
    lanes.push_back(std::move(lane));
    return static_cast<int>(lanes.size() - 1);
  };
  if (p.route_uncertain) p.route_params_lane = add(1, true, false, false);
  if (p.route_random && any_inflow) {
    p.route_lane = add(2, true, true, false);
    p.inflow_lane = add(3, false, false, true);
  }
  return p;
}

// The shares for commodity c from y0 (the run's first p.n values) and the
// re-runs' values of the same figure (rows[lane], lane > 0).
std::optional<BandDrivers> Drivers(const DriverPlan& p, size_t c, const float* y0,
                                   const std::vector<const float*>& rows) {
  if (p.n < 2) return std::nullopt;
  const auto [lo, hi] = std::minmax_element(y0, y0 + p.n);
  if (*lo == *hi) return std::nullopt;  // no spread to explain
  auto share = [&](int lane) { return FirstOrderShare(y0, rows[static_cast<size_t>(lane)], p.n).value_or(0.0); };
  // A source without randomness explains nothing, and the other all.
  double route = 0, inflows = 1, route_params = 0;
  if (p.route_random && !p.inflow_random[c]) {
    route = 1;
    inflows = 0;
  } else if (p.route_random) {
    route = share(p.route_lane);
    inflows = share(p.inflow_lane);
  }
  if (p.route_uncertain) route_params = share(p.route_params_lane);
  return BandDrivers{route_params, route - route_params, inflows, 1 - route - inflows};
}

// ---- Setting up a run. ----

Status CheckModel(const ForecastModel& m, size_t n, size_t h) {
  const size_t nc = m.commodities.size();
  const uint64_t cells = (static_cast<uint64_t>(nc) + kTrajectoryCells) * n;
  if (cells > kMaxForecastCells) {
    return ResourceExhaustedError("a forecast of " + std::to_string(nc) + " commodities x " + std::to_string(n) +
                                  " trajectories keeps " + std::to_string(cells) +
                                  " cells (one per stock, " + std::to_string(kTrajectoryCells) +
                                  " per trajectory), over the limit of " + std::to_string(kMaxForecastCells) +
                                  ": use fewer trajectories");
  }
  if (!m.transition_given && !(m.route_prior > 0)) {
    return InvalidArgumentError("a fitted route process needs a prior above 0");
  }
  for (const auto& c : m.commodities) {
    if (c.consumption.size() != h || c.airlift.size() != h) {
      return InvalidArgumentError("commodity " + c.name + ": consumption and airlift need one value per day");
    }
    for (const auto& pool : c.inflow_pool) {
      if (pool.size() > (uint64_t{1} << 30)) return InvalidArgumentError("an inflow pool is too large");
    }
    for (const auto& r : c.inflow_range) {
      if (r && !(r->low >= 0 && r->low <= r->high && std::isfinite(r->high))) {
        return InvalidArgumentError("commodity " + c.name + ": an inflow range must be 0 <= low <= high");
      }
    }
    if (c.normal_stock && !(*c.normal_stock >= 0 && std::isfinite(*c.normal_stock) && c.restock_days >= 1)) {
      return InvalidArgumentError("commodity " + c.name + ": normal_stock must be >= 0 and restock_days >= 1");
    }
  }
  return Status::Ok();
}

Shared MakeShared(const ForecastModel& m) {
  Shared sh;
  sh.m = &m;
  sh.h = static_cast<size_t>(m.horizon);
  const size_t nc = m.commodities.size();
  sh.pool.resize(nc);
  sh.pool_offset.resize(nc);
  sh.pool_size.resize(nc);
  for (size_t c = 0; c < nc; ++c) {
    const ForecastCommodityModel& mc = m.commodities[c];
    for (size_t s = 0; s < kForecastStates; ++s) {
      const auto& p = mc.inflow_pool[s];
      const bool drawn = !mc.inflow_range[s] && s != 2;  // nothing comes in on closed days
      sh.pool_offset[c][s] = static_cast<uint32_t>(sh.pool[c].size());
      sh.pool_size[c][s] = drawn ? static_cast<uint32_t>(p.size()) : 0;
      if (drawn) sh.pool[c].insert(sh.pool[c].end(), p.begin(), p.end());
    }
    for (size_t s = 0; s < kForecastStates; ++s) {
      if (sh.pool_size[c][s] == 0) sh.pool_offset[c][s] = static_cast<uint32_t>(sh.pool[c].size());
    }
    sh.pool[c].push_back(0.0);
    sh.use_range.push_back({static_cast<uint8_t>(mc.inflow_range[0] ? 1 : 0),
                            static_cast<uint8_t>(mc.inflow_range[1] ? 1 : 0)});
    if (mc.normal_stock) {
      const double r = 1.0 / mc.restock_days;
      sh.keep.push_back(1.0 - r);
      sh.term.push_back(r * *mc.normal_stock);
    } else {
      sh.keep.push_back(0.0);
      sh.term.push_back(std::numeric_limits<double>::infinity());
    }
  }
  return sh;
}

// Sizes a lane and starts trajectories [t0, t1) of it: streams, matrices,
// initial states and stocks.
void StartLane(const ForecastModel& m, Lane& lane, size_t t0, size_t t1) {
  for (size_t t = t0; t < t1; ++t) {
    TrajectoryStart ts = Start(m, lane.seeds, t);
    lane.route_rng[t] = ts.route_days;
    lane.inflow_rng[t] = ts.inflow_days;
    for (size_t s = 0; s < kForecastStates; ++s) {
      lane.to_open[s][t] = ts.to_open[s];
      lane.to_restricted[s][t] = ts.to_restricted[s];
    }
  }
}

void AllocateLane(const ForecastModel& m, Lane& lane) {
  const size_t nc = m.commodities.size();
  lane.route_rng.resize(lane.n);
  lane.inflow_rng.resize(lane.n);
  lane.state.assign(lane.n, static_cast<uint8_t>(m.initial_state));
  for (size_t s = 0; s < kForecastStates; ++s) {
    lane.to_open[s].resize(lane.n);
    lane.to_restricted[s].resize(lane.n);
  }
  lane.level.resize(nc * lane.n);
  lane.crossed.resize(nc * lane.n);
  for (size_t c = 0; c < nc; ++c) {
    const auto& mc = m.commodities[c];
    const bool below = mc.initial_stock < mc.threshold.value_or(0.0) || mc.initial_stock <= 0;
    std::fill_n(lane.level.begin() + static_cast<std::ptrdiff_t>(c * lane.n), lane.n, mc.initial_stock);
    std::fill_n(lane.crossed.begin() + static_cast<std::ptrdiff_t>(c * lane.n), lane.n, below ? 0 : kNever);
  }
}

// The days to the threshold of commodity c as floats, never = horizon + 1.
std::vector<float> CrossedDays(const Lane& lane, size_t c, size_t n, size_t h) {
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = lane.crossed[c * lane.n + i];
    out[i] = static_cast<float>(v == kNever ? h + 1 : static_cast<size_t>(v));
  }
  return out;
}

// A job of the simulation: trajectories [first, end) of a lane.
struct Tile {
  size_t lane, first, end;
};

// Sizes every lane and starts its trajectories (streams, drawn matrices),
// in parallel; returns the lanes' tiles.
std::vector<Tile> StartLanes(const ForecastModel& m, std::vector<Lane>& lanes, int threads) {
  std::vector<Tile> tiles;
  for (size_t l = 0; l < lanes.size(); ++l) {
    AllocateLane(m, lanes[l]);
    for (size_t t = 0; t < lanes[l].n; t += kTile) tiles.push_back({l, t, std::min(lanes[l].n, t + kTile)});
  }
  ParallelFor(threads, tiles.size(), [&](size_t j) { StartLane(m, lanes[tiles[j].lane], tiles[j].first, tiles[j].end); });
  return tiles;
}

std::vector<CommodityForecast> EmptyForecasts(const ForecastModel& m, const DriverPlan& plan) {
  std::vector<CommodityForecast> out(m.commodities.size());
  for (size_t c = 0; c < out.size(); ++c) {
    const ForecastCommodityModel& mc = m.commodities[c];
    out[c].name = mc.name;
    out[c].unit = mc.display_unit.empty() ? mc.unit : mc.display_unit;
    if (mc.threshold) out[c].threshold = *mc.threshold / mc.display_factor;
    out[c].stock.resize(static_cast<size_t>(m.horizon));
    out[c].drivers_trajectories = static_cast<int64_t>(plan.n);
    if (plan.n > 0) out[c].stock_drivers.resize(static_cast<size_t>(m.horizon));
  }
  return out;
}

// Simulates the chunk's days in every lane, then takes each (commodity,
// day) row's percentiles and what drives its spread, one job per row.
void RunChunk(const Shared& sh, std::vector<Lane>& lanes, const std::vector<Tile>& tiles, const DriverPlan& plan,
              int threads, std::vector<CommodityForecast>& out) {
  const ForecastModel& m = *sh.m;
  const size_t days = sh.d1 - sh.d0, n = lanes[0].n;
  ParallelFor(threads, tiles.size(), [&](size_t j) {
    thread_local TileScratch scratch;
    SimulateTile(sh, lanes[tiles[j].lane], tiles[j].first, tiles[j].end, scratch);
  });
  ParallelFor(threads, m.commodities.size() * days, [&](size_t j) {
    thread_local Selector sel;
    const size_t c = j / days, d = j % days;
    PercentileValues p = StockPercentiles(lanes[0].chunk.data() + j * n, n, sel);
    const double f = m.commodities[c].display_factor;
    if (f != 1) {
      for (double& v : p) v /= f;
    }
    out[c].stock[sh.d0 + d] = p;
    if (plan.n == 0) return;
    std::vector<const float*> rows;
    for (const Lane& lane : lanes) rows.push_back(lane.chunk.data() + j * lane.n);
    out[c].stock_drivers[sh.d0 + d] = Drivers(plan, c, rows[0], rows);
  });
}

// The days to the threshold of commodity c: percentiles, the fraction that
// never falls below, and what drives their spread.
void SummariseThreshold(const std::vector<Lane>& lanes, const DriverPlan& plan, size_t c, size_t h,
                        CommodityForecast& out) {
  const size_t n = lanes[0].n;
  std::vector<int32_t> days(lanes[0].crossed.begin() + static_cast<std::ptrdiff_t>(c * n),
                            lanes[0].crossed.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
  const size_t never = static_cast<size_t>(std::count(days.begin(), days.end(), kNever));
  out.never_fraction = static_cast<double>(never) / static_cast<double>(n);
  out.days_to_threshold = DayPercentiles(days);
  if (plan.n == 0) return;
  std::vector<std::vector<float>> crossed;
  std::vector<const float*> rows;
  for (const Lane& lane : lanes) crossed.push_back(CrossedDays(lane, c, plan.n, h));
  for (const auto& v : crossed) rows.push_back(v.data());
  out.days_to_threshold_drivers = Drivers(plan, c, rows[0], rows);
}

}  // namespace

Result<std::vector<CommodityForecast>> RunForecast(const ForecastModel& m, const ForecastRunOptions& options) {
  if (m.horizon < 1 || m.trajectories < 1) return InvalidArgumentError("the horizon and trajectories must be >= 1");
  const size_t n = static_cast<size_t>(m.trajectories);
  const size_t nc = m.commodities.size();
  LIFELINE_RETURN_IF_ERROR(CheckModel(m, n, static_cast<size_t>(m.horizon)));
  Shared sh = MakeShared(m);
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);

  std::vector<Lane> lanes(1);
  lanes[0].n = n;
  lanes[0].seeds = BaseSeeds(m.seed);
  const DriverPlan plan = PlanDrivers(m, n, options.drivers && nc > 0, lanes);
  const std::vector<Tile> tiles = StartLanes(m, lanes, threads);
  std::vector<CommodityForecast> out = EmptyForecasts(m, plan);
  if (nc == 0) return out;
  size_t total = 0;
  for (const Lane& lane : lanes) total += lane.n;
  const size_t chunk_days = std::clamp<size_t>(kChunkBytes / (nc * total * sizeof(float)), 1, sh.h);
  for (Lane& lane : lanes) lane.chunk.resize(nc * chunk_days * lane.n);
  for (sh.d0 = 0; sh.d0 < sh.h; sh.d0 = sh.d1) {
    sh.d1 = std::min(sh.h, sh.d0 + chunk_days);
    RunChunk(sh, lanes, tiles, plan, threads, out);
  }
  for (size_t c = 0; c < nc; ++c) SummariseThreshold(lanes, plan, c, sh.h, out[c]);
  return out;
}

PercentileValues StockPercentiles(const float* values, size_t n) {
  Selector sel;
  return StockPercentiles(values, n, sel);
}

std::optional<double> FirstOrderShare(const float* y, const float* y_frozen, size_t n) {
  if (n < 2) return std::nullopt;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<double>(y[i]) + static_cast<double>(y_frozen[i]);
  const double mean = sum / (2.0 * static_cast<double>(n));
  double cov = 0, var = 0;
  for (size_t i = 0; i < n; ++i) {
    const double a = y[i] - mean, b = y_frozen[i] - mean;
    cov += a * b;
    var += (a * a + b * b) / 2;
  }
  if (!(var > 0)) return std::nullopt;
  return cov / var;
}

size_t WidestBandDay(const CommodityForecast& f) {
  size_t best = 0;
  for (size_t d = 1; d < f.stock.size(); ++d) {
    if (f.stock[d][4] - f.stock[d][0] > f.stock[best][4] - f.stock[best][0]) best = d;
  }
  return best;
}

uint64_t ForecastMix64(uint64_t z) { return Mix64(z); }
double ForecastLog(double x) { return PortableLog(x); }
double ForecastExp(double y) { return PortableExp(y); }
uint64_t ForecastNext(uint64_t& stream) { return Next(stream); }

TrajectoryStart StartTrajectory(const ForecastModel& m, uint64_t t) { return Start(m, BaseSeeds(m.seed), t); }

double TrajectoryRangeValue(const TrajectoryStart& ts, const ForecastModel& m, size_t c, size_t s) {
  return RangeValue(InflowKey(ts.inflow_key, c, s), *m.commodities[c].inflow_range[s]);
}

uint32_t TrajectoryPoolIndex(const TrajectoryStart& ts, size_t c, size_t s, uint32_t x, uint32_t n) {
  return PoolIndex(InflowKey(ts.inflow_key, c, s), x, n);
}

}  // namespace lifeline::analysis
