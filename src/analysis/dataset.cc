#include "analysis/dataset.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_set>

#include "analysis/route_days.h"
#include "base/bytes.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "record/values.h"

namespace lifeline::analysis {

using nlohmann::json;

int32_t StringTable::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  int32_t i = static_cast<int32_t>(strings_.size());
  strings_.emplace_back(s);
  index_.emplace(strings_.back(), i);
  return i;
}

std::optional<int32_t> StringTable::Find(std::string_view s) const {
  auto it = index_.find(s);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string_view RouteStateName(RouteState s) {
  switch (s) {
    case RouteState::kOpen: return "open";
    case RouteState::kRestricted: return "restricted";
    case RouteState::kClosed: return "closed";
    case RouteState::kUnknown: break;
  }
  return "unknown";
}

namespace {
constexpr std::pair<std::string_view, uint32_t> kRestrictionNames[] = {
    {"persons", kPersons}, {"vehicles", kVehicles}, {"cargo", kCargo},
    {"humanitarian", kHumanitarian}, {"medical", kMedical}, {"commercial", kCommercial},
};
}  // namespace

std::optional<uint32_t> ParseRestriction(std::string_view s) {
  for (const auto& [name, bit] : kRestrictionNames) {
    if (name == s) return bit;
  }
  return std::nullopt;
}

std::vector<std::string> RestrictionNames(uint32_t mask) {
  std::vector<std::string> out;
  for (const auto& [name, bit] : kRestrictionNames) {
    if (mask & bit) out.emplace_back(name);
  }
  return out;
}

int32_t Dataset::AppendMovement(std::string_view record_id, int32_t day, std::string_view route, std::string_view op,
                                Direction dir, Outcome outcome, int64_t vehicles, int64_t persons, int64_t patients,
                                int32_t period_from, int32_t period_to) {
  return AppendMovementRow(ids.Intern(record_id), day, routes.Intern(route), operators.Intern(op), dir, outcome,
                           vehicles, persons, patients, period_from, period_to);
}

void Dataset::ReserveMovements(size_t n, size_t cargo_lines) {
  Movements& m = movements;
  for (auto* v : {&m.day, &m.route, &m.op, &m.period_from, &m.period_to, &m.record}) v->reserve(n);
  for (auto* v : {&m.vehicles, &m.persons, &m.patients}) v->reserve(n);
  m.direction.reserve(n);
  m.outcome.reserve(n);
  for (auto* v : {&cargo.movement, &cargo.commodity, &cargo.unit}) v->reserve(cargo_lines);
  cargo.quantity.reserve(cargo_lines);
}

int32_t Dataset::AppendMovementRow(int32_t record, int32_t day, int32_t route, int32_t op, Direction dir,
                                   Outcome outcome, int64_t vehicles, int64_t persons, int64_t patients,
                                   int32_t period_from, int32_t period_to) {
  Movements& m = movements;
  m.day.push_back(day);
  m.route.push_back(route);
  m.op.push_back(op);
  m.direction.push_back(dir);
  m.outcome.push_back(outcome);
  m.vehicles.push_back(vehicles);
  m.persons.push_back(persons);
  m.patients.push_back(patients);
  m.period_from.push_back(period_from);
  m.period_to.push_back(period_to);
  m.record.push_back(record);
  last_record_day = std::max(last_record_day, day);
  finalized = false;
  return static_cast<int32_t>(m.size() - 1);
}

void Dataset::AppendCargo(int32_t movement, std::string_view commodity, double quantity, std::string_view unit) {
  cargo.movement.push_back(movement);
  cargo.commodity.push_back(commodities.Intern(commodity));
  cargo.quantity.push_back(quantity);
  cargo.unit.push_back(units.Intern(unit));
}

void Dataset::AppendRouteStatus(std::string_view record_id, std::string_view route, int64_t from, int64_t until,
                                RouteState state, uint32_t restricted) {
  RouteStatuses& s = statuses;
  s.route.push_back(routes.Intern(route));
  s.from.push_back(from);
  s.until.push_back(until);
  s.end.push_back(until);
  s.state.push_back(state);
  s.restricted.push_back(restricted);
  s.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, DayOfInstant(from));
  finalized = false;
}

void Dataset::AppendOutage(std::string_view record_id, std::string_view utility, int64_t from, int64_t until) {
  outages.utility.push_back(utilities.Intern(utility));
  outages.from.push_back(from);
  outages.until.push_back(until);
  outages.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, DayOfInstant(from));
}

void Dataset::AppendIncident(std::string_view record_id, int32_t day, int64_t low, int64_t best, int64_t high,
                             int64_t injuries) {
  incidents.day.push_back(day);
  incidents.low.push_back(low);
  incidents.best.push_back(best);
  incidents.high.push_back(high);
  incidents.injuries.push_back(injuries);
  incidents.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, day);
}

void Dataset::AppendStock(std::string_view record_id, std::string_view commodity, int32_t day, double quantity,
                          std::string_view unit) {
  stocks.commodity.push_back(commodities.Intern(commodity));
  stocks.day.push_back(day);
  stocks.quantity.push_back(quantity);
  stocks.unit.push_back(units.Intern(unit));
  stocks.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, day);
}

void Dataset::Finalize() {
  if (finalized) return;
  // Statuses by (route, from, record id): the order a status stops being in
  // force follows from, and ties are broken by id so that the result does
  // not depend on the order records were appended.
  RouteStatuses& s = statuses;
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const std::string& ra = routes.at(s.route[a]);
    const std::string& rb = routes.at(s.route[b]);
    if (ra != rb) return ra < rb;
    if (s.from[a] != s.from[b]) return s.from[a] < s.from[b];
    return ids.at(s.record[a]) < ids.at(s.record[b]);
  });
  RouteStatuses sorted;
  for (size_t i : order) {
    sorted.route.push_back(s.route[i]);
    sorted.from.push_back(s.from[i]);
    sorted.until.push_back(s.until[i]);
    sorted.end.push_back(s.until[i]);
    sorted.state.push_back(s.state[i]);
    sorted.restricted.push_back(s.restricted[i]);
    sorted.record.push_back(s.record[i]);
  }
  // A status is in force until its `until` or until the next status of the
  // same route that starts later, whichever comes first. Statuses starting
  // at the same instant are all in force together (the day's status is the
  // most restrictive of them).
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = i + 1; j < sorted.size() && sorted.route[j] == sorted.route[i]; ++j) {
      if (sorted.from[j] > sorted.from[i]) {
        sorted.end[i] = std::min(sorted.end[i], sorted.from[j]);
        break;
      }
    }
  }
  statuses = std::move(sorted);
  std::stable_sort(population.begin(), population.end(),
                   [](const PopulationFigure& a, const PopulationFigure& b) { return a.day < b.day; });
  finalized = true;
}

Result<CheckpointRef> ResolveCheckpoint(store::LogStore& st, std::optional<uint64_t> at) {
  Result<store::StoredCheckpoint> stored = at ? st.CheckpointAt(*at) : st.LatestCheckpoint();
  if (!stored.ok()) {
    if (at && stored.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("no checkpoint of size " + std::to_string(*at) + " is stored");
    }
    return stored.status();
  }
  LIFELINE_ASSIGN_OR_RETURN(note::Note n, note::ParseNote(stored->note));
  LIFELINE_ASSIGN_OR_RETURN(note::Checkpoint c, note::ParseCheckpoint(n.text));
  return CheckpointRef{c.size, Base64Encode(ByteSpan(c.root.data(), c.root.size()))};
}

namespace {

Result<int32_t> DayField(const json& r, const char* field) {
  if (!r.contains(field) || !r.at(field).is_string()) return InvalidArgumentError(std::string(field) + " is missing");
  LIFELINE_ASSIGN_OR_RETURN(record::Day d, record::ParseDate(r.at(field).get<std::string>()));
  return static_cast<int32_t>(d.days);
}

Result<int64_t> TimeField(const json& r, const char* field) {
  if (!r.contains(field) || !r.at(field).is_string()) return InvalidArgumentError(std::string(field) + " is missing");
  return record::ParseDateTime(r.at(field).get<std::string>());
}

int64_t Count(const json& r, const char* field, bool* has = nullptr) {
  bool present = r.contains(field) && r.at(field).is_number_integer();
  if (has) *has = present;
  return present ? r.at(field).get<int64_t>() : 0;
}

std::string Str(const json& r, const char* field) {
  return r.contains(field) && r.at(field).is_string() ? r.at(field).get<std::string>() : std::string();
}

uint32_t Mask(const json& r, const char* field) {
  uint32_t m = 0;
  if (r.contains(field) && r.at(field).is_array()) {
    for (const auto& v : r.at(field)) {
      if (v.is_string()) m |= ParseRestriction(v.get<std::string>()).value_or(0);
    }
  }
  return m;
}

// A {commodity, quantity, unit} converted to its canonical unit.
struct CanonicalQuantity {
  std::string commodity;
  double quantity;
  std::string unit;
};
Result<CanonicalQuantity> Canonical(const json& q) {
  std::string unit = Str(q, "unit");
  auto info = record::LookupUnit(unit);
  if (!info) return InvalidArgumentError("unknown unit \"" + unit + "\"");
  if (!q.contains("quantity") || !q.at("quantity").is_number()) return InvalidArgumentError("quantity is missing");
  return CanonicalQuantity{Str(q, "commodity"), q.at("quantity").get<double>() * info->factor,
                           std::string(info->canonical)};
}

Status AddRecord(Dataset& ds, const json& r) {
  const std::string kind = Str(r, "kind");
  const std::string id = Str(r, "id");
  if (kind == "case") {
    ds.case_record = ds.ids.Intern(id);
    LIFELINE_ASSIGN_OR_RETURN(ds.started, DayField(r, "started"));
    if (r.contains("ended")) {
      LIFELINE_ASSIGN_OR_RETURN(ds.ended, DayField(r, "ended"));
    }
    if (r.contains("population") && r.at("population").is_array()) {
      for (const auto& p : r.at("population")) {
        LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(p, "date"));
        ds.population.push_back({day, Count(p, "count")});
      }
    }
  } else if (kind == "movement") {
    LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(r, "date"));
    std::string dir = Str(r, "direction"), outcome = Str(r, "outcome");
    int32_t pf = kNoDay, pt = kNoDay;
    if (r.contains("period")) {
      LIFELINE_ASSIGN_OR_RETURN(pf, DayField(r.at("period"), "from"));
      LIFELINE_ASSIGN_OR_RETURN(pt, DayField(r.at("period"), "to"));
    }
    int32_t row = ds.AppendMovement(
        id, day, Str(r, "route"), Str(r, "operator"), dir == "out" ? Direction::kOut : Direction::kIn,
        outcome == "stopped" ? Outcome::kStopped : outcome == "turned_back" ? Outcome::kTurnedBack : Outcome::kCompleted,
        Count(r, "vehicles"), Count(r, "persons"), Count(r, "patients"), pf, pt);
    if (r.contains("cargo") && r.at("cargo").is_array()) {
      for (const auto& q : r.at("cargo")) {
        LIFELINE_ASSIGN_OR_RETURN(CanonicalQuantity c, Canonical(q));
        ds.AppendCargo(row, c.commodity, c.quantity, c.unit);
      }
    }
  } else if (kind == "route_status") {
    LIFELINE_ASSIGN_OR_RETURN(int64_t from, TimeField(r, "from"));
    int64_t until = kForever;
    if (r.contains("until")) {
      LIFELINE_ASSIGN_OR_RETURN(until, TimeField(r, "until"));
    }
    std::string st = Str(r, "status");
    RouteState state = st == "open" ? RouteState::kOpen : st == "closed" ? RouteState::kClosed : RouteState::kRestricted;
    ds.AppendRouteStatus(id, Str(r, "route"), from, until, state, Mask(r, "restricted"));
  } else if (kind == "outage") {
    LIFELINE_ASSIGN_OR_RETURN(int64_t from, TimeField(r, "from"));
    int64_t until = kForever;
    if (r.contains("until")) {
      LIFELINE_ASSIGN_OR_RETURN(until, TimeField(r, "until"));
    }
    ds.AppendOutage(id, Str(r, "utility"), from, until);
  } else if (kind == "incident") {
    LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(r, "date"));
    int64_t low = 0, best = 0, high = 0;
    if (r.contains("fatalities") && r.at("fatalities").is_object()) {
      const json& f = r.at("fatalities");
      bool has_low = false, has_high = false;
      best = Count(f, "best");
      low = Count(f, "low", &has_low);
      high = Count(f, "high", &has_high);
      if (!has_low) low = best;
      if (!has_high) high = best;
    }
    ds.AppendIncident(id, day, low, best, high, Count(r, "injuries"));
  } else if (kind == "stock") {
    LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(r, "date"));
    LIFELINE_ASSIGN_OR_RETURN(CanonicalQuantity c, Canonical(r));
    ds.AppendStock(id, c.commodity, day, c.quantity, c.unit);
  } else if (kind == "need_standard") {
    auto info = record::LookupUnit(Str(r, "unit"));
    if (!info) return InvalidArgumentError("unknown unit \"" + Str(r, "unit") + "\"");
    NeedStandard n;
    n.commodity = ds.commodities.Intern(Str(r, "commodity"));
    n.quantity = r.value("quantity", 0.0) * info->factor;
    n.unit = ds.units.Intern(info->canonical);
    n.basis = Str(r, "basis");
    n.record = ds.ids.Intern(id);
    if (r.contains("equivalents") && r.at("equivalents").is_array()) {
      for (const auto& e : r.at("equivalents")) {
        auto eu = record::LookupUnit(Str(e, "unit"));
        if (!eu) return InvalidArgumentError("equivalents: unknown unit \"" + Str(e, "unit") + "\"");
        if (!e.contains("quantity") || !e.at("quantity").is_number()) {
          return InvalidArgumentError("equivalents: quantity is missing");
        }
        // One `unit` of the commodity is `quantity` of the standard's unit:
        // per canonical unit of the commodity, in the standard's canonical unit.
        n.equivalents.push_back(Equivalent{ds.commodities.Intern(Str(e, "commodity")), ds.units.Intern(eu->canonical),
                                           e.at("quantity").get<double>() * info->factor / eu->factor});
      }
    }
    ds.needs.push_back(std::move(n));
  } else if (kind == "baseline") {
    Baseline b;
    b.route = ds.routes.Intern(Str(r, "route"));
    b.record = ds.ids.Intern(id);
    if (r.contains("period")) {
      LIFELINE_ASSIGN_OR_RETURN(b.period_from, DayField(r.at("period"), "from"));
      LIFELINE_ASSIGN_OR_RETURN(b.period_to, DayField(r.at("period"), "to"));
    }
    const json pd = r.value("per_day", json::object());
    for (auto [name, field] : {std::pair{"vehicles", &b.vehicles}, std::pair{"persons", &b.persons},
                               std::pair{"patients", &b.patients}}) {
      if (pd.contains(name) && pd.at(name).is_number()) *field = pd.at(name).get<double>();
    }
    if (pd.contains("cargo") && pd.at("cargo").is_array()) {
      for (const auto& q : pd.at("cargo")) {
        LIFELINE_ASSIGN_OR_RETURN(CanonicalQuantity c, Canonical(q));
        int32_t unit = ds.units.Intern(c.unit);
        auto it = std::find_if(b.cargo.begin(), b.cargo.end(), [&](const BaselineCargo& x) { return x.unit == unit; });
        if (it == b.cargo.end()) {
          b.cargo.push_back({unit, c.quantity});
        } else {
          it->quantity += c.quantity;
        }
      }
    }
    ds.baselines.push_back(std::move(b));
  } else if (kind == "obligation") {
    Obligation o;
    o.record = ds.ids.Intern(id);
    o.title = Str(r, "title");
    o.instrument = Str(r, "instrument");
    const json rule = r.value("rule", json::object());
    o.type_name = Str(rule, "type");
    if (o.type_name == "route_open") {
      o.type = RuleType::kRouteOpen;
      o.route = ds.routes.Intern(Str(rule, "route"));
      o.for_mask = Mask(rule, "for");
      if (rule.contains("directions") && rule.at("directions").is_array()) {
        for (const auto& d : rule.at("directions")) {
          if (d.is_string()) o.directions.push_back(d.get<std::string>());
        }
      }
      LIFELINE_ASSIGN_OR_RETURN(o.from, DayField(rule, "from"));
      if (rule.contains("until")) {
      LIFELINE_ASSIGN_OR_RETURN(o.until, DayField(rule, "until"));
    }
      if (o.for_mask == 0) o.problem = "the rule names nothing in `for` that a route status can restrict";
    } else {
      o.type = RuleType::kUnknown;
      o.problem = "rule type \"" + o.type_name + "\" is not one Lifeline can evaluate (known: route_open)";
    }
    ds.obligations.push_back(std::move(o));
  }
  // Other kinds (source, evidence, route, claim, retraction) carry no figure
  // the analysis uses.
  return Status::Ok();
}

}  // namespace

Result<std::vector<store::RecordRow>> CurrentRows(store::LogStore& st, const std::string& case_id, uint64_t size) {
  // Every version below the checkpoint: the current view is computed here,
  // for that tree, rather than by the store's current_only (which would
  // apply corrections appended after the checkpoint).
  std::vector<store::RecordRow> rows;
  std::unordered_set<std::string> gone;  // superseded or retracted
  store::RecordQuery q;
  q.case_id = case_id;
  q.current_only = false;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& r) {
    if (r.index >= size) return Status::Ok();
    if (!r.supersedes.empty()) gone.insert(r.supersedes);
    if (r.kind == "retraction") gone.insert(r.target);
    rows.push_back(r);
    return Status::Ok();
  }));
  // Retractions may name a record of this case from anywhere in the log.
  store::RecordQuery rq;
  rq.kind = "retraction";
  rq.current_only = false;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(rq, [&](const store::RecordRow& r) {
    if (r.index < size) gone.insert(r.target);
    return Status::Ok();
  }));
  std::erase_if(rows, [&](const store::RecordRow& r) { return gone.count(r.id) > 0; });
  return rows;
}

Result<Dataset> LoadDataset(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp) {
  LIFELINE_ASSIGN_OR_RETURN(std::vector<store::RecordRow> rows, CurrentRows(st, case_id, cp.size));
  Dataset ds;
  ds.case_id = case_id;
  bool have_case = false;
  for (const auto& r : rows) {
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return CorruptionError("record " + r.id + " (entry " + std::to_string(r.index) + ") is not a JSON object");
    Status s = AddRecord(ds, j);
    if (!s.ok()) return CorruptionError("record " + r.id + " (entry " + std::to_string(r.index) + "): " + s.message());
    have_case |= r.kind == "case";
  }
  // The case record's own row carries its id as case_id (projection.h).
  if (!have_case) {
    return NotFoundError("no current case \"" + case_id + "\" in the log at checkpoint size " +
                         std::to_string(cp.size));
  }
  ds.Finalize();
  return ds;
}

}  // namespace lifeline::analysis
