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
#include "analysis/toml_fields.h"
#include "analysis/route_days.h"
#include "record/values.h"

namespace lifeline::analysis {

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
  LIFELINE_RETURN_IF_ERROR(CheckKeys(t, {"routes", "initial", "transition", "reopen"}, err, "route."));
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
  return Status::Ok();
}

Status ParseCommodity(const toml::table& t, Scenario& sc, const TomlErrors& err) {
  const std::initializer_list<std::string_view> kKeys = {
      "name", "unit", "initial_stock", "per_person", "rationing", "threshold", "inflow_open", "inflow_restricted"};
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
                            std::pair{"threshold", &c.threshold}, std::pair{"inflow_open", &c.inflow_open},
                            std::pair{"inflow_restricted", &c.inflow_restricted}}) {
    if (const toml::node* n = t.get(key)) {
      LIFELINE_ASSIGN_OR_RETURN(double v, NonNegative(*n, std::string("commodity.") + key, err));
      *field = v * u.factor;
    }
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

std::string DateText(int32_t day) { return record::FormatDate(record::Day{day}); }

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Result<ForecastModel> FitForecast(const Dataset& ds, const Scenario& sc) {
  ForecastModel m;
  m.horizon = sc.horizon_days;
  m.trajectories = sc.trajectories;
  m.seed = sc.seed;
  std::vector<std::string>& why = m.assumptions;

  // The start: the day after the case (its end, else its last record).
  m.start = sc.start;
  if (m.start == kNoDay) {
    int32_t last = ds.ended != kNoDay ? ds.ended : ds.last_record_day;
    if (last == kNoDay) return FailedPreconditionError("the case has no end and no dated record: give `start`");
    m.start = last + 1;
  }
  m.history_from = sc.history_from != kNoDay ? sc.history_from : ds.started;
  m.history_to = sc.history_to != kNoDay ? sc.history_to : m.start - 1;

  // The routes whose statuses make the state, and whose movements bring the
  // inflows.
  std::vector<uint8_t> selected(ds.routes.size(), sc.routes.empty() ? 1 : 0);
  for (const auto& r : sc.routes) {
    auto i = ds.routes.Find(r);
    if (!i) return InvalidArgumentError("route.routes: the case has no route \"" + r + "\"");
    selected[static_cast<size_t>(*i)] = 1;
  }
  for (size_t r = 0; r < ds.routes.size(); ++r) {
    if (selected[r]) m.routes.push_back(ds.routes.at(static_cast<int32_t>(r)));
  }

  // The history's daily state and inflows.
  std::vector<int> day_state;  // per history day: state index, -1 unknown
  const bool have_history = m.history_from != kNoDay && m.history_from <= m.history_to;
  if (have_history) {
    if (m.history_to - m.history_from + 1 > kMaxRangeDays) {
      return InvalidArgumentError("the history spans more than " + std::to_string(kMaxRangeDays) + " days");
    }
    RouteDayTable rt = ComputeRouteDays(ds, m.history_from, m.history_to, /*with_records=*/false);
    day_state.assign(static_cast<size_t>(rt.days), -1);
    for (int32_t d = 0; d < rt.days; ++d) {
      // Least restrictive known status of the selected routes: goods get in
      // by whichever road is most open.
      RouteState best = RouteState::kUnknown;
      for (size_t r = 0; r < ds.routes.size(); ++r) {
        if (!selected[r] || !rt.has_status[r]) continue;
        RouteState s = rt.state[rt.cell(static_cast<int32_t>(r), rt.from + d)];
        if (s == RouteState::kUnknown) continue;
        if (best == RouteState::kUnknown || s < best) best = s;
      }
      day_state[static_cast<size_t>(d)] = StateIndex(best);
    }
  }
  for (int s : day_state) {
    if (s < 0) {
      ++m.history_unknown_days;
    } else {
      ++m.history_days[static_cast<size_t>(s)];
    }
  }
  int64_t transitions = 0;
  for (size_t d = 1; d < day_state.size(); ++d) {
    if (day_state[d - 1] >= 0 && day_state[d] >= 0) {
      ++m.transition_counts[static_cast<size_t>(day_state[d - 1])][static_cast<size_t>(day_state[d])];
      ++transitions;
    }
  }

  // The route process.
  if (sc.transition) {
    m.transition = *sc.transition;
    m.transition_given = true;
    why.push_back("route process: a Markov chain over the states open, restricted, closed with the daily "
                  "transition probabilities given in the scenario");
  } else {
    if (transitions == 0) {
      return FailedPreconditionError(
          "no two consecutive days with a known route status in the history " + DateText(m.history_from) + " .. " +
          DateText(m.history_to) + ": give route.transition (and route.initial) in the scenario");
    }
    std::vector<std::string> absorbing;
    for (size_t i = 0; i < kForecastStates; ++i) {
      int64_t row = 0;
      for (size_t j = 0; j < kForecastStates; ++j) row += m.transition_counts[i][j];
      for (size_t j = 0; j < kForecastStates; ++j) {
        m.transition[i][j] = row > 0 ? static_cast<double>(m.transition_counts[i][j]) / static_cast<double>(row)
                                     : (i == j ? 1.0 : 0.0);
      }
      if (row == 0) {
        absorbing.push_back(std::string("no day in the history is ") + std::string(RouteStateName(kForecastStateOrder[i])) +
                      " and followed by a known day: once " + std::string(RouteStateName(kForecastStateOrder[i])) +
                      ", the route process is assumed to stay so");
      }
    }
    why.push_back("route process: a Markov chain over the states open, restricted, closed; the daily transition "
                  "probabilities are the frequencies of the " + std::to_string(transitions) +
                  " day-to-day transitions of " + DateText(m.history_from) + " .. " + DateText(m.history_to) +
                  " (tomorrow's state depends on today's only)");
    why.insert(why.end(), absorbing.begin(), absorbing.end());
  }
  why.push_back("the state of a day is the least restrictive status of the routes (" +
                [&] {
                  std::string s;
                  for (const auto& r : m.routes) s += (s.empty() ? "" : ", ") + r;
                  return s.empty() ? std::string("none") : s;
                }() +
                ") that day, a route's day status being the most restrictive status in force during it");
  if (m.history_unknown_days > 0) {
    why.push_back(std::to_string(m.history_unknown_days) +
                  " history days without any route status in force are left out of the fit");
  }

  // The state before the start.
  if (sc.initial_state) {
    m.initial_state = StateIndex(*sc.initial_state);
    why.push_back(std::string("the day before the start is ") + std::string(RouteStateName(*sc.initial_state)) +
                  " (given in the scenario)");
  } else {
    int found = -1;
    int32_t found_day = kNoDay;
    for (size_t d = day_state.size(); d-- > 0;) {
      int32_t day = m.history_from + static_cast<int32_t>(d);
      if (day < m.start && day_state[d] >= 0) {
        found = day_state[d];
        found_day = day;
        break;
      }
    }
    if (found < 0) {
      return FailedPreconditionError("no route status is known on or before " + DateText(m.start - 1) +
                                     " in the history: give route.initial in the scenario");
    }
    m.initial_state = found;
    why.push_back(std::string("the state before the start is that of ") + DateText(found_day) + ": " +
                  std::string(RouteStateName(kForecastStateOrder[static_cast<size_t>(found)])));
  }
  if (sc.reopen != kNoDay) {
    int32_t off = std::max(0, sc.reopen - m.start);
    m.reopen_offset = off < m.horizon ? off : -1;
    why.push_back("route reopened from " + DateText(sc.reopen) +
                  ": the state is open from then on, with the inflows of open days");
  }

  // Population per forecast day.
  int64_t pop = 0;
  if (sc.population) {
    pop = *sc.population;
    why.push_back("population at the start: " + std::to_string(pop) + " (given in the scenario)");
  } else {
    const PopulationFigure* latest = nullptr;
    for (const auto& p : ds.population) {
      if (p.day <= m.start) latest = &p;
    }
    if (!latest) {
      return FailedPreconditionError("the case gives no population figure on or before " + DateText(m.start) +
                                     ": give population in the scenario");
    }
    pop = latest->count;
    why.push_back("population at the start: " + std::to_string(pop) + ", the case's figure of " +
                  DateText(latest->day));
  }
  m.population.assign(static_cast<size_t>(m.horizon), pop);
  for (const auto& c : sc.population_changes) {
    for (int32_t d = std::max(0, c.day - m.start); d < m.horizon; ++d) m.population[static_cast<size_t>(d)] = c.count;
    why.push_back("population " + std::to_string(c.count) + " from " + DateText(c.day) + " (scenario)");
  }

  // Inflows per history day, per scenario commodity (delivered inbound
  // cargo, same name and canonical unit, single-day movements only).
  const size_t n_days = day_state.size();
  std::vector<int32_t> commodity_of(ds.commodities.size(), -1);
  for (size_t c = 0; c < sc.commodities.size(); ++c) {
    if (auto i = ds.commodities.Find(sc.commodities[c].name)) commodity_of[static_cast<size_t>(*i)] = static_cast<int32_t>(c);
  }
  std::vector<std::vector<double>> inflow(sc.commodities.size(), std::vector<double>(n_days, 0.0));
  std::vector<double> closed_day_delivered(sc.commodities.size(), 0.0);
  for (size_t i = 0; i < ds.cargo.size() && n_days > 0; ++i) {
    int32_t c = commodity_of[static_cast<size_t>(ds.cargo.commodity[i])];
    if (c < 0) continue;
    if (ds.units.at(ds.cargo.unit[i]) != sc.commodities[static_cast<size_t>(c)].unit) continue;
    size_t mv = static_cast<size_t>(ds.cargo.movement[i]);
    const Movements& mo = ds.movements;
    if (mo.direction[mv] != Direction::kIn || mo.outcome[mv] != Outcome::kCompleted) continue;
    if (mo.period_from[mv] != kNoDay || !selected[static_cast<size_t>(mo.route[mv])]) continue;
    if (mo.day[mv] < m.history_from || mo.day[mv] > m.history_to) continue;
    size_t d = static_cast<size_t>(mo.day[mv] - m.history_from);
    inflow[static_cast<size_t>(c)][d] += ds.cargo.quantity[i];
  }

  for (size_t ci = 0; ci < sc.commodities.size(); ++ci) {
    const ScenarioCommodity& sco = sc.commodities[ci];
    ForecastCommodityModel c;
    c.name = sco.name;
    c.unit = sco.unit;
    c.display_unit = sco.display_unit.empty() ? sco.unit : sco.display_unit;
    c.display_factor = sco.display_factor;
    // Amounts in the assumptions, in the scenario's unit.
    auto Amount = [&](double v, const std::string&) { return Num(v / c.display_factor) + " " + c.display_unit; };
    c.threshold = sco.threshold;
    c.rationing = sco.rationing.value_or(sc.rationing);
    // Initial stock.
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
                                       (sco.display_unit.empty() ? sco.unit : sco.display_unit) + ") on or before " +
                                       DateText(m.start) + ": give initial_stock for it in the scenario");
      }
      size_t b = static_cast<size_t>(best);
      c.initial_stock = ds.stocks.quantity[b];
      c.initial_source = "stock record " + ds.ids.at(ds.stocks.record[b]) + " (" + DateText(ds.stocks.day[b]) + ")";
    }
    why.push_back(c.name + ": initial stock " + Amount(c.initial_stock, c.unit) + " from the " + c.initial_source);
    // Need per person.
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
                                       (sco.display_unit.empty() ? sco.unit : sco.display_unit) +
                                       ": give per_person for it in the scenario");
      }
      c.per_person = ns->quantity;
      c.per_person_source = "need_standard " + ds.ids.at(ns->record);
    }
    why.push_back(c.name + ": consumption = population x " + Amount(c.per_person, c.unit) + " per person per day (" +
                  c.per_person_source + ") x rationing " + Num(c.rationing));
    c.consumption.resize(static_cast<size_t>(m.horizon));
    for (size_t d = 0; d < c.consumption.size(); ++d) {
      c.consumption[d] = static_cast<double>(m.population[d]) * c.per_person * c.rationing;
    }
    // Inflow pools.
    for (size_t d = 0; d < n_days; ++d) {
      int s = day_state[d];
      if (s == 0 || s == 1) {
        c.inflow_pool[static_cast<size_t>(s)].push_back(inflow[ci][d]);
      } else if (s == 2) {
        closed_day_delivered[ci] += inflow[ci][d];
      }
    }
    for (int s = 0; s < 2; ++s) {
      const std::optional<double>& fixed = s == 0 ? sco.inflow_open : sco.inflow_restricted;
      const std::string state(RouteStateName(kForecastStateOrder[static_cast<size_t>(s)]));
      auto& pool = c.inflow_pool[static_cast<size_t>(s)];
      if (fixed) {
        pool.assign(1, *fixed);
        why.push_back(c.name + ": inflow on " + state + " days " + Amount(*fixed, c.unit) + " per day (scenario)");
      } else if (pool.empty()) {
        why.push_back(c.name + ": no " + state + " day in the history, so no inflow on " + state +
                      " days (give inflow_" + state + " to set one)");
      } else {
        double sum = 0;
        size_t with = 0;
        for (double v : pool) {
          sum += v;
          with += v > 0;
        }
        why.push_back(c.name + ": inflow on " + state + " days drawn with replacement from the " +
                      std::to_string(pool.size()) + " " + state + " days of the history (" + std::to_string(with) +
                      " with a recorded delivery; mean " + Amount(sum / static_cast<double>(pool.size()), c.unit) +
                      " per day); a day without a recorded delivery counts as nothing delivered");
      }
    }
    if (closed_day_delivered[ci] > 0) {
      why.push_back(c.name + ": " + Amount(closed_day_delivered[ci], c.unit) +
                    " recorded as delivered on closed days of the history is not drawn from: nothing arrives by "
                    "road on closed days");
    }
    // Airlifts.
    c.airlift.assign(static_cast<size_t>(m.horizon), 0.0);
    for (const auto& a : sc.airlifts) {
      if (a.commodity != c.name) continue;
      int32_t last = a.until == kNoDay ? m.start + m.horizon - 1 : a.until;
      for (int32_t day = std::max(a.from, m.start); day <= last && day < m.start + m.horizon; ++day) {
        c.airlift[static_cast<size_t>(day - m.start)] += a.per_day;
      }
      why.push_back(c.name + ": airlift of " + Amount(a.per_day, c.unit) + " per day from " + DateText(a.from) +
                    (a.until == kNoDay ? "" : " to " + DateText(a.until)) + ", whatever the route status");
    }
    m.commodities.push_back(std::move(c));
  }
  why.push_back("nothing arrives by road on closed days; inflows do not depend on past days beyond the route state "
                "(no backlog of convoys); no local production, losses or trade-offs between commodities");
  why.push_back("stock(d) = max(0, stock(d-1) + inflow + airlift - consumption): a need not met on a day is lost, "
                "not carried over; a commodity falls below its threshold on the first day its stock is below the "
                "threshold or exhausted");
  why.push_back(std::to_string(m.trajectories) + " trajectories of " + std::to_string(m.horizon) + " days from " +
                DateText(m.start) + ", seed " + std::to_string(m.seed) +
                " (the same seed gives the same output on any number of threads)");
  return m;
}

// ---------------------------------------------------------------- running

namespace {

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64 (Steele, Lea, Flood 2014), one stream per trajectory: the
// starting point hashes (seed, trajectory), so a stream does not depend on
// which thread runs it.
uint64_t StreamStart(uint64_t seed, uint64_t trajectory) {
  return Mix64(seed ^ Mix64(trajectory + 0x9e3779b97f4a7c15ULL));
}
uint64_t Next(uint64_t& state) { return Mix64(state += 0x9e3779b97f4a7c15ULL); }

// Pool indices come from 32 random bits by Lemire's multiply-shift without
// rejection: an index is at most n / 2^32 more likely than another, below
// anything a percentile could show for pools of a few thousand days.

constexpr int32_t kNever = std::numeric_limits<int32_t>::max();
constexpr size_t kTile = 64;  // trajectories advanced together: one row segment per day
// Days simulated before their percentiles are taken: the rows of a chunk
// (commodities x days x trajectories floats) are kept to about this many
// bytes, so that they are still in cache when they are selected in.
constexpr size_t kChunkBytes = size_t{16} << 20;

// The state of every trajectory between chunks, and the current chunk.
struct Shared {
  const ForecastModel* m;
  size_t n;  // trajectories
  size_t h;  // days
  // Transition thresholds on a 32-bit draw u: open if u < to_open[s],
  // restricted if u < to_restricted[s], else closed. Probabilities 0 and 1
  // are exact.
  std::array<uint64_t, kForecastStates> to_open{}, to_restricted{};
  std::vector<uint64_t> rng;     // [trajectory]: stream state
  std::vector<uint8_t> state;    // [trajectory]: today's route state
  std::vector<double> level;     // [commodity][trajectory]: stock
  std::vector<int32_t> crossed;  // [commodity][trajectory]: day fallen below the threshold, or kNever
  // Per commodity: the pools of the three states one after the other, then
  // a 0 that an empty pool's draws land on.
  std::vector<std::vector<double>> pool;
  std::vector<std::array<uint32_t, kForecastStates>> pool_offset, pool_size;
  size_t d0 = 0, d1 = 0;         // the chunk: days [d0, d1)
  std::vector<float> chunk;      // [commodity][day - d0][trajectory]
};

// Advances trajectories [t0, t1) over the chunk's days. Per day, each
// trajectory draws ceil((1 + commodities) / 2) numbers from its stream, in
// this order, each split into two 32-bit values: the route state's, then
// one per commodity. Every value is drawn whether it is used or not (a
// closed day, a forced-open day, an empty pool), so the same seed gives the
// same states and inflows whatever the scenario's airlifts or thresholds.
//
// The loops are written for the vectoriser: no branches (selects instead),
// pools flattened with a 0 at the end for empty ones. On x86-64 a second
// copy is compiled for AVX-512 (x86-64-v4: 64-bit multiplies and gathers in
// vector registers) and chosen at load time when the CPU has it; both
// copies compute the same values (integer arithmetic, and the same
// floating-point operations in the same order per trajectory).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "default")))
#endif
void SimulateTile(Shared& sh, size_t t0, size_t t1) {
  const ForecastModel& m = *sh.m;
  const size_t nc = m.commodities.size();
  const size_t w = t1 - t0;
  const size_t days = sh.d1 - sh.d0;
  alignas(64) uint64_t rng[kTile];
  alignas(64) uint32_t state[kTile];
  alignas(64) uint32_t spare[kTile];  // the unused half of the last draw
  alignas(64) uint32_t x[kTile];      // this commodity's value
  alignas(64) double in[kTile];       // this commodity's inflow
  for (size_t i = 0; i < w; ++i) {
    rng[i] = sh.rng[t0 + i];
    state[i] = sh.state[t0 + i];
  }
  const uint64_t o0 = sh.to_open[0], o1 = sh.to_open[1], o2 = sh.to_open[2];
  const uint64_t r0 = sh.to_restricted[0], r1 = sh.to_restricted[1], r2 = sh.to_restricted[2];
  for (size_t d = sh.d0; d < sh.d1; ++d) {
    const uint32_t keep = m.reopen_offset >= 0 && d >= static_cast<size_t>(m.reopen_offset) ? 0u : ~0u;
    for (size_t i = 0; i < w; ++i) {
      const uint64_t r = Next(rng[i]);
      const uint64_t u = r >> 32;
      spare[i] = static_cast<uint32_t>(r);
      const uint32_t s = state[i];
      const uint64_t to_open = s == 0 ? o0 : s == 1 ? o1 : o2;
      const uint64_t to_restricted = s == 0 ? r0 : s == 1 ? r1 : r2;
      state[i] = (static_cast<uint32_t>(u >= to_open) + static_cast<uint32_t>(u >= to_restricted)) & keep;
    }
    for (size_t c = 0; c < nc; ++c) {
      const auto& mc = m.commodities[c];
      const double net = mc.airlift[d] - mc.consumption[d];
      // "Below the threshold or exhausted": v < thr, or v <= 0, which for
      // v >= 0 is v < thr_or_zero with thr_or_zero = max(thr, tiny).
      const double thr_or_zero = std::max(mc.threshold.value_or(0.0), std::numeric_limits<double>::denorm_min());
      const int64_t thr_bits = std::bit_cast<int64_t>(thr_or_zero);
      // __restrict: the pools, stocks, rows and days never overlap, which
      // the vectoriser cannot prove by itself.
      const double* __restrict flat = sh.pool[c].data();
      const uint32_t f0 = sh.pool_offset[c][0], f1 = sh.pool_offset[c][1], f2 = sh.pool_offset[c][2];
      const uint32_t n0 = sh.pool_size[c][0], n1 = sh.pool_size[c][1], n2 = sh.pool_size[c][2];
      float* __restrict row = sh.chunk.data() + (c * days + (d - sh.d0)) * sh.n + t0;
      int32_t* __restrict crossed = sh.crossed.data() + c * sh.n + t0;
      double* __restrict lv = sh.level.data() + c * sh.n + t0;
      const int32_t day = static_cast<int32_t>(d + 1);
      if (c % 2 == 1) {  // odd commodities start a new draw, even ones use the spare half
        for (size_t i = 0; i < w; ++i) {
          const uint64_t r = Next(rng[i]);
          x[i] = static_cast<uint32_t>(r >> 32);
          spare[i] = static_cast<uint32_t>(r);
        }
      } else {
        for (size_t i = 0; i < w; ++i) x[i] = spare[i];
      }
      // The draws from the pools (a gather the vectoriser leaves scalar)...
      for (size_t i = 0; i < w; ++i) {
        const uint32_t s = state[i];
        const uint32_t size = s == 0 ? n0 : s == 1 ? n1 : n2;
        const uint32_t base = s == 0 ? f0 : s == 1 ? f1 : f2;
        // Lemire's multiply-shift: an index in [0, n); 0 (the pool's
        // trailing 0) when the pool is empty.
        in[i] = flat[base + static_cast<uint32_t>((uint64_t{x[i]} * size) >> 32)];
      }
      // ...then the stocks, without branches or floating-point compares
      // (which GCC will not turn into vector selects): stocks are >= 0, and
      // for doubles >= 0 the order of their bits as int64 is their order.
      for (size_t i = 0; i < w; ++i) {
        const int64_t bits = std::bit_cast<int64_t>(lv[i] + in[i] + net);
        const int64_t clipped = bits > 0 ? bits : 0;  // negative (or -0.0) -> +0.0
        const double v = std::bit_cast<double>(clipped);
        lv[i] = v;
        row[i] = static_cast<float>(v);
        const int32_t cur = crossed[i];
        const bool below = clipped < thr_bits;
        crossed[i] = (below & (cur == kNever)) ? day : cur;
      }
    }
  }
  for (size_t i = 0; i < w; ++i) {
    sh.rng[t0 + i] = rng[i];
    sh.state[t0 + i] = static_cast<uint8_t>(state[i]);
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
  // The ranks wanted: floor and ceiling of each percentile's position.
  struct Want {
    size_t rank, bucket;
  };
  std::array<Want, 2 * kForecastPercentiles.size()> wants{};
  std::array<double, kForecastPercentiles.size()> frac{};
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
  bool gather = false;
  for (const Want& w : wants) {
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
    const Want& w = wants[j];
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
  for (const Want& w : wants) sel.wanted[w.bucket] = 0;
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

}  // namespace

Result<std::vector<CommodityForecast>> RunForecast(const ForecastModel& m, const ForecastRunOptions& options) {
  if (m.horizon < 1 || m.trajectories < 1) return InvalidArgumentError("the horizon and trajectories must be >= 1");
  Shared sh;
  sh.m = &m;
  sh.n = static_cast<size_t>(m.trajectories);
  sh.h = static_cast<size_t>(m.horizon);
  const size_t nc = m.commodities.size();
  const uint64_t cells = static_cast<uint64_t>(nc) * sh.n;
  if (cells > kMaxForecastCells) {
    return ResourceExhaustedError("a forecast of " + std::to_string(nc) + " commodities x " + std::to_string(sh.n) +
                                  " trajectories keeps " + std::to_string(cells) + " stocks, over the limit of " +
                                  std::to_string(kMaxForecastCells) + ": use fewer trajectories");
  }
  for (const auto& c : m.commodities) {
    if (c.consumption.size() != sh.h || c.airlift.size() != sh.h) {
      return InvalidArgumentError("commodity " + c.name + ": consumption and airlift need one value per day");
    }
    for (const auto& pool : c.inflow_pool) {
      if (pool.size() > (uint64_t{1} << 30)) return InvalidArgumentError("an inflow pool is too large");
    }
  }
  auto threshold = [](double p) {
    double t = std::round(std::clamp(p, 0.0, 1.0) * 0x1.0p32);
    return static_cast<uint64_t>(t);
  };
  for (size_t i = 0; i < kForecastStates; ++i) {
    sh.to_open[i] = threshold(m.transition[i][0]);
    sh.to_restricted[i] = threshold(m.transition[i][0] + m.transition[i][1]);
    // A row summing to 1 up to rounding must never fall through to closed
    // when closed has probability 0.
    if (m.transition[i][2] == 0) sh.to_restricted[i] = uint64_t{1} << 32;
  }
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);

  sh.rng.resize(sh.n);
  for (size_t t = 0; t < sh.n; ++t) sh.rng[t] = StreamStart(m.seed, t);
  sh.state.assign(sh.n, static_cast<uint8_t>(m.initial_state));
  sh.level.resize(nc * sh.n);
  sh.crossed.resize(nc * sh.n);
  for (size_t c = 0; c < nc; ++c) {
    const auto& mc = m.commodities[c];
    const bool below = mc.initial_stock < mc.threshold.value_or(0.0) || mc.initial_stock <= 0;
    std::fill_n(sh.level.begin() + static_cast<std::ptrdiff_t>(c * sh.n), sh.n, mc.initial_stock);
    std::fill_n(sh.crossed.begin() + static_cast<std::ptrdiff_t>(c * sh.n), sh.n, below ? 0 : kNever);
  }

  sh.pool.resize(nc);
  sh.pool_offset.resize(nc);
  sh.pool_size.resize(nc);
  for (size_t c = 0; c < nc; ++c) {
    for (size_t s = 0; s < kForecastStates; ++s) {
      const auto& p = m.commodities[c].inflow_pool[s];
      sh.pool_offset[c][s] = static_cast<uint32_t>(sh.pool[c].size());
      sh.pool_size[c][s] = static_cast<uint32_t>(p.size());
      sh.pool[c].insert(sh.pool[c].end(), p.begin(), p.end());
    }
    for (size_t s = 0; s < kForecastStates; ++s) {
      if (sh.pool_size[c][s] == 0) sh.pool_offset[c][s] = static_cast<uint32_t>(sh.pool[c].size());
    }
    sh.pool[c].push_back(0.0);
  }

  std::vector<CommodityForecast> out(nc);
  for (size_t c = 0; c < nc; ++c) {
    const ForecastCommodityModel& mc = m.commodities[c];
    out[c].name = mc.name;
    out[c].unit = mc.display_unit.empty() ? mc.unit : mc.display_unit;
    if (mc.threshold) out[c].threshold = *mc.threshold / mc.display_factor;
    out[c].stock.resize(sh.h);
  }
  if (nc == 0) return out;
  const size_t chunk_days = std::clamp<size_t>(kChunkBytes / (nc * sh.n * sizeof(float)), 1, sh.h);
  sh.chunk.resize(nc * chunk_days * sh.n);
  const size_t tiles = (sh.n + kTile - 1) / kTile;
  for (sh.d0 = 0; sh.d0 < sh.h; sh.d0 = sh.d1) {
    sh.d1 = std::min(sh.h, sh.d0 + chunk_days);
    const size_t days = sh.d1 - sh.d0;
    ParallelFor(threads, tiles, [&](size_t t) { SimulateTile(sh, t * kTile, std::min(sh.n, (t + 1) * kTile)); });
    // One job per (commodity, day) row of the chunk.
    ParallelFor(threads, nc * days, [&](size_t j) {
      thread_local Selector sel;
      const size_t c = j / days, d = j % days;
      PercentileValues p = StockPercentiles(sh.chunk.data() + j * sh.n, sh.n, sel);
      const double f = m.commodities[c].display_factor;
      if (f != 1) {
        for (double& v : p) v /= f;
      }
      out[c].stock[sh.d0 + d] = p;
    });
  }
  for (size_t c = 0; c < nc; ++c) {
    std::vector<int32_t> days(sh.crossed.begin() + static_cast<std::ptrdiff_t>(c * sh.n),
                              sh.crossed.begin() + static_cast<std::ptrdiff_t>((c + 1) * sh.n));
    size_t never = static_cast<size_t>(std::count(days.begin(), days.end(), kNever));
    out[c].never_fraction = static_cast<double>(never) / static_cast<double>(sh.n);
    out[c].days_to_threshold = DayPercentiles(days);
  }
  return out;
}

PercentileValues StockPercentiles(const float* values, size_t n) {
  Selector sel;
  return StockPercentiles(values, n, sel);
}

}  // namespace lifeline::analysis
