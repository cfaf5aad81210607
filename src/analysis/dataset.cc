#include "analysis/dataset.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "analysis/movement_parse.h"
#include "analysis/route_days.h"
#include "base/bytes.h"
#include "base/check.h"
#include "base/ordered_batches.h"
#include "base/kinds.h"
#include "note/checkpoint.h"
#include "note/note.h"
#include "record/schema.h"
#include "record/values.h"
#include "store/current_view.h"

namespace lifeline::analysis {

using nlohmann::json;

namespace {
uint32_t HashOf(std::string_view s) { return static_cast<uint32_t>(std::hash<std::string_view>{}(s)); }
}  // namespace

size_t StringTable::Probe(std::string_view s, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.index == kNone || (slot.hash == hash && at(slot.index) == s)) return i;
  }
}

void StringTable::Rehash(size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{});
  const size_t mask = slots - 1;
  for (const Slot& slot : old) {
    if (slot.index == kNone) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].index != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void StringTable::Reserve(size_t n, size_t text_bytes) {
  offsets_.reserve(n + 1);
  text_.reserve(text_bytes);
  size_t slots = 16;
  while (3 * slots < 4 * n) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
}

int32_t StringTable::Intern(std::string_view s) {
  if (4 * (size() + 1) > 3 * slots_.size()) Rehash(std::max<size_t>(16, 2 * slots_.size()));
  const uint32_t hash = HashOf(s);
  Slot& slot = slots_[Probe(s, hash)];
  if (slot.index != kNone) return slot.index;
  slot = Slot{static_cast<int32_t>(size()), hash};
  if (offsets_.empty()) offsets_.push_back(0);
  text_.insert(text_.end(), s.begin(), s.end());
  offsets_.push_back(text_.size());
  return slot.index;
}

size_t StringTable::MemoryBytes() const {
  return text_.capacity() + offsets_.MemoryBytes() + slots_.capacity() * sizeof(Slot);
}

std::optional<int32_t> StringTable::Find(std::string_view s) const {
  if (slots_.empty()) return std::nullopt;
  const Slot& slot = slots_[Probe(s, HashOf(s))];
  if (slot.index == kNone) return std::nullopt;
  return slot.index;
}

void CountColumn::push_back(int64_t value) {
  // kWide itself goes aside too: a cell holding it always means "see wide_".
  if (value > std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max()) {
    cells_.push_back(static_cast<int32_t>(value));
    return;
  }
  wide_.emplace_back(cells_.size(), value);
  cells_.push_back(kWide);
}

int64_t CountColumn::Wide(size_t row) const {
  auto it = std::lower_bound(wide_.begin(), wide_.end(), row,
                             [](const std::pair<size_t, int64_t>& w, size_t r) { return w.first < r; });
  LIFELINE_CHECK(it != wide_.end() && it->first == row, "CountColumn: a kWide cell without its value");
  return it->second;
}

size_t CountColumn::MemoryBytes() const {
  return cells_.capacity() * sizeof(int32_t) + wide_.capacity() * sizeof(std::pair<size_t, int64_t>);
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

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCompleted: return "completed";
    case Outcome::kStopped: return "stopped";
    case Outcome::kTurnedBack: break;
  }
  return "turned_back";
}

std::string_view Dataset::OutcomeTerm(int32_t row) const {
  auto it = outcome_terms.find(row);
  return it != outcome_terms.end() ? std::string_view(it->second) : OutcomeName(movements.outcome[static_cast<size_t>(row)]);
}

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kIn: return "in";
    case Direction::kOut: return "out";
    case Direction::kBoth: break;
  }
  return "both";
}

std::string_view QualifierName(Qualifier q) {
  switch (q) {
    case Qualifier::kAtLeast: return "at_least";
    case Qualifier::kAbout: return "about";
    case Qualifier::kAtMost: return "at_most";
    case Qualifier::kAsStated: break;
  }
  return "as_stated";
}

std::string_view CauseName(Cause c) {
  switch (c) {
    case Cause::kHostilities: return "hostilities";
    case Cause::kDeprivation: return "deprivation";
    case Cause::kAccident: return "accident";
    case Cause::kUndetermined: break;
  }
  return "undetermined";
}

std::string_view CategoryName(CasualtyCategory c) {
  switch (c) {
    case CasualtyCategory::kCombatant: return "combatant";
    case CasualtyCategory::kCivilian: return "civilian";
    case CasualtyCategory::kUnknown: break;
  }
  return "unknown";
}

std::string UnknownRuleTypeProblem(std::string_view type) {
  return "rule type \"" + std::string(type) +
         "\" is not one Lifeline can evaluate (known: route_open, service_restored, commodity_allowed, "
         "flow_at_least, not_evaluable)";
}

std::vector<int32_t> Dataset::LifelineRoutes() const {
  std::vector<int32_t> out = lifeline_routes;
  if (out.empty()) {
    for (const Baseline& b : baselines) out.push_back(b.route);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Dataset::IsParty(int32_t actor) const {
  return actor != kNone && std::find(parties.begin(), parties.end(), actor) != parties.end();
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

uint32_t Dataset::RestrictionBit(std::string_view term) {
  if (auto core = ParseRestriction(term)) return *core;
  constexpr size_t kFirst = std::size(kRestrictionNames);
  auto it = std::find(case_restrictions.begin(), case_restrictions.end(), term);
  size_t i = static_cast<size_t>(it - case_restrictions.begin());
  if (it == case_restrictions.end()) {
    if (kFirst + case_restrictions.size() >= 32) return 0;
    case_restrictions.emplace_back(term);
  }
  return 1u << (kFirst + i);
}

std::vector<std::string> Dataset::RestrictionTerms(uint32_t mask) const {
  std::vector<std::string> out = RestrictionNames(mask);
  for (size_t i = 0; i < case_restrictions.size(); ++i) {
    if (mask & (1u << (std::size(kRestrictionNames) + i))) out.push_back(case_restrictions[i]);
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
  for (auto* v : {&m.day, &m.route, &m.op, &m.record}) v->reserve(n);
  for (auto* v : {&m.vehicles, &m.persons, &m.patients}) v->reserve(n);
  m.reported_by.reserve(n);
  m.direction.reserve(n);
  m.outcome.reserve(n);
  m.qualifier.reserve(n);
  m.given.reserve(n);
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
  m.record.push_back(record);
  if (period_from != kNoDay || period_to != kNoDay) {
    m.period_from.resize(m.size(), kNoDay);
    m.period_to.resize(m.size(), kNoDay);
    m.period_from.back() = period_from;
    m.period_to.back() = period_to;
  }
  last_record_day = std::max(last_record_day, day);
  finalized = false;
  return static_cast<int32_t>(m.size() - 1);
}

// Here, not in movement_parse.cc: that reader needs nothing of Dataset's
// code, so fuzz/movement_fuzzer.cc builds it alone.
void AddMovementFields(Dataset& ds, const MovementFields& m) {
  const int32_t row = ds.AppendMovement(m.id, m.day, m.route, m.op, m.direction, m.outcome, m.vehicles, m.persons,
                                        m.patients, m.period_from, m.period_to);
  if (!m.outcome_term.empty()) ds.outcome_terms[row] = m.outcome_term;
  ds.SetMovementSource(row, m.qualifier, m.reported_by, m.given);
  for (const CargoLine& c : m.cargo) ds.AppendCargo(row, c.commodity, c.quantity, c.unit);
}

void Dataset::AppendCargo(int32_t movement, std::string_view commodity, double quantity, std::string_view unit) {
  cargo.movement.push_back(movement);
  cargo.commodity.push_back(commodities.Intern(commodity));
  cargo.quantity.push_back(quantity);
  cargo.unit.push_back(units.Intern(unit));
}

void Dataset::SetMovementSource(int32_t row, Qualifier q, std::string_view reported_by, uint8_t given) {
  Movements& m = movements;
  m.qualifier.resize(m.size(), Qualifier::kAsStated);
  m.reported_by.resize(m.size(), kNone);
  m.given.resize(m.size(), 15);
  m.given[static_cast<size_t>(row)] = given;
  m.qualifier[static_cast<size_t>(row)] = q;
  m.reported_by[static_cast<size_t>(row)] = reported_by.empty() ? kNone : actors.Intern(reported_by);
}

void Dataset::AppendRouteStatus(std::string_view record_id, std::string_view route, int64_t from, int64_t until,
                                RouteState state, uint32_t restricted, uint8_t ways) {
  RouteStatuses& s = statuses;
  s.route.push_back(routes.Intern(route));
  s.from.push_back(from);
  s.until.push_back(until);
  s.end.push_back(until);
  s.end_in.push_back(until);
  s.end_out.push_back(until);
  s.state.push_back(state);
  s.restricted.push_back(restricted);
  s.ways.push_back(ways == 0 ? uint8_t{kBothWays} : ways);
  s.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, DayOfInstant(from));
  finalized = false;
}

void Dataset::AppendOutage(std::string_view record_id, std::string_view utility, int64_t from, int64_t until,
                           OutageScope scope, int64_t confirmed_until, std::string_view area) {
  outages.area.emplace_back(area);
  outages.utility.push_back(utilities.Intern(utility));
  outages.from.push_back(from);
  outages.until.push_back(until);
  outages.confirmed_until.push_back(confirmed_until);
  outages.scope.push_back(scope);
  outages.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, DayOfInstant(from));
}

void Dataset::AppendSchedule(std::string_view record_id, std::string_view utility, int64_t from, int64_t until,
                             int64_t confirmed_until, double hours_off, std::string_view area) {
  schedules.area.emplace_back(area);
  schedules.utility.push_back(utilities.Intern(utility));
  schedules.from.push_back(from);
  schedules.until.push_back(until);
  schedules.confirmed_until.push_back(confirmed_until);
  schedules.hours_off.push_back(hours_off);
  schedules.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, DayOfInstant(from));
}

void Dataset::AppendWatch(std::string_view record_id, std::string_view route, int32_t from, int32_t to, uint8_t ways,
                          uint8_t measures) {
  watches.route.push_back(routes.Intern(route));
  watches.from.push_back(from);
  watches.to.push_back(to);
  watches.ways.push_back(ways == 0 ? uint8_t{kBothWays} : ways);
  watches.measures.push_back(measures == 0 ? uint8_t{kAllMeasures} : measures);
  watches.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, to);
}

int32_t Dataset::AppendIncident(std::string_view record_id, int32_t day, int64_t low, int64_t best, int64_t high,
                                int64_t injuries, Cause cause) {
  incidents.day.push_back(day);
  incidents.low.push_back(low);
  incidents.best.push_back(best);
  incidents.high.push_back(high);
  incidents.injuries.push_back(injuries);
  incidents.cause.push_back(cause);
  incidents.record.push_back(ids.Intern(record_id));
  last_record_day = std::max(last_record_day, day);
  finalized = false;
  return static_cast<int32_t>(incidents.size() - 1);
}

void Dataset::MarkViolenceAgainstCivilians(int32_t incident) {
  size_t i = static_cast<size_t>(incident);
  if (incidents.against_civilians.size() <= i) incidents.against_civilians.resize(i + 1, 0);
  incidents.against_civilians[i] = 1;
}

void Dataset::AppendCasualty(int32_t incident, std::string_view party, CasualtyCategory category, int64_t low,
                             int64_t best, int64_t high, int64_t injuries, std::string_view reported_by) {
  Casualties& c = casualties;
  c.incident.push_back(incident);
  c.party.push_back(party.empty() ? kNone : actors.Intern(party));
  c.category.push_back(category);
  c.low.push_back(low);
  c.best.push_back(best);
  c.high.push_back(high);
  c.injuries.push_back(injuries);
  c.reported_by.push_back(reported_by.empty() ? kNone : actors.Intern(reported_by));
  finalized = false;
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
    const std::string_view ra = routes.at(s.route[a]);
    const std::string_view rb = routes.at(s.route[b]);
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
    sorted.end_in.push_back(s.until[i]);
    sorted.end_out.push_back(s.until[i]);
    sorted.state.push_back(s.state[i]);
    sorted.restricted.push_back(s.restricted[i]);
    sorted.ways.push_back(s.ways[i]);
    sorted.record.push_back(s.record[i]);
  }
  // Per direction, a status is in force until its `until` or until the
  // next status of the same route that starts later and applies to that
  // direction, whichever comes first. Statuses starting at the same instant
  // are all in force together (the day's status is the most restrictive of
  // them). A status not applying to a direction ends there at its start.
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (auto [way, end] : {std::pair{kWayIn, &sorted.end_in}, std::pair{kWayOut, &sorted.end_out}}) {
      if (!(sorted.ways[i] & way)) {
        (*end)[i] = sorted.from[i];
        continue;
      }
      for (size_t j = i + 1; j < sorted.size() && sorted.route[j] == sorted.route[i]; ++j) {
        if (sorted.from[j] > sorted.from[i] && (sorted.ways[j] & way)) {
          (*end)[i] = std::min((*end)[i], sorted.from[j]);
          break;
        }
      }
    }
    sorted.end[i] = std::max(sorted.end_in[i], sorted.end_out[i]);
  }
  statuses = std::move(sorted);
  // An incident with fatalities and no casualty rows: one row, party not
  // stated, so every death is in the breakdown.
  std::vector<uint8_t> has_rows(incidents.size(), 0);
  for (int32_t i : casualties.incident) has_rows[static_cast<size_t>(i)] = 1;
  for (size_t i = 0; i < incidents.size(); ++i) {
    if (has_rows[i] || (incidents.best[i] == 0 && incidents.low[i] == 0 && incidents.high[i] == 0 &&
                        incidents.injuries[i] == 0)) {
      continue;
    }
    AppendCasualty(static_cast<int32_t>(i), "", CasualtyCategory::kUnknown, incidents.low[i], incidents.best[i],
                   incidents.high[i], incidents.injuries[i], "");
    ++synthesized_casualties;
  }
  route_names.resize(routes.size());
  std::stable_sort(population.begin(), population.end(),
                   [](const PopulationFigure& a, const PopulationFigure& b) { return a.day < b.day; });
  finalized = true;
}

void Dataset::Reopen() {
  const size_t keep = casualties.size() - synthesized_casualties;
  Casualties& c = casualties;
  for (auto* v : {&c.incident, &c.party, &c.reported_by}) v->resize(keep);
  for (auto* v : {&c.low, &c.best, &c.high, &c.injuries}) v->resize(keep);
  c.category.resize(keep);
  synthesized_casualties = 0;
  finalized = false;
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

uint32_t Mask(Dataset& ds, const json& r, const char* field) {
  uint32_t m = 0;
  if (r.contains(field) && r.at(field).is_array()) {
    for (const auto& v : r.at(field)) {
      if (v.is_string()) m |= ds.RestrictionBit(v.get<std::string>());
    }
  }
  return m;
}

// A directions list as bits; 0 when absent.
uint8_t Ways(const json& r, const char* field) {
  uint8_t w = 0;
  if (r.contains(field) && r.at(field).is_array()) {
    for (const auto& v : r.at(field)) {
      if (v == "in") w |= kWayIn;
      if (v == "out") w |= kWayOut;
    }
  }
  return w;
}

uint8_t Measures(const json& r) {
  uint8_t m = 0;
  if (r.contains("measures") && r.at("measures").is_array()) {
    for (const auto& v : r.at("measures")) {
      if (v == "vehicles") m |= kMeasureVehicles;
      if (v == "persons") m |= kMeasurePersons;
      if (v == "patients") m |= kMeasurePatients;
      if (v == "cargo") m |= kMeasureCargo;
    }
  }
  return m;
}

// The figures a movement gives (MeasureBits).
uint8_t GivenFigures(const json& r) {
  uint8_t g = 0;
  if (r.contains("vehicles")) g |= kMeasureVehicles;
  if (r.contains("persons")) g |= kMeasurePersons;
  if (r.contains("patients")) g |= kMeasurePatients;
  if (r.contains("cargo") && r.at("cargo").is_array() && !r.at("cargo").empty()) g |= kMeasureCargo;
  return g;
}

Result<int64_t> OptionalTime(const json& r, const char* field) {
  if (!r.contains(field)) return kForever;
  return TimeField(r, field);
}

// confirmed_until: a date (no time) is a source of that day confirming the
// state, so it holds to the end of that day; a date-time is exact.
Result<int64_t> ConfirmedUntil(const json& r) {
  LIFELINE_ASSIGN_OR_RETURN(int64_t t, OptionalTime(r, "confirmed_until"));
  if (t != kForever && r.at("confirmed_until").is_string() &&
      r.at("confirmed_until").get_ref<const std::string&>().find('T') == std::string::npos) {
    t += 86400;
  }
  return t;
}

// An incident's cause: as given, else from its ACLED event type (the
// political-violence types are hostilities; anything else undetermined).
Cause IncidentCause(const json& r) {
  std::string c = Str(r, "cause");
  if (c == "hostilities") return Cause::kHostilities;
  if (c == "deprivation") return Cause::kDeprivation;
  if (c == "accident") return Cause::kAccident;
  if (c == "undetermined") return Cause::kUndetermined;
  std::string e = Str(r, "event_type");
  if (e == "Battles" || e == "Explosions/Remote violence" || e == "Violence against civilians") {
    return Cause::kHostilities;
  }
  return Cause::kUndetermined;
}

struct Fatalities {
  int64_t low = 0, best = 0, high = 0;
};
Fatalities ReadFatalities(const json& r) {
  Fatalities f;
  if (!r.contains("fatalities") || !r.at("fatalities").is_object()) return f;
  const json& j = r.at("fatalities");
  bool has_low = false, has_high = false;
  f.best = Count(j, "best");
  f.low = Count(j, "low", &has_low);
  f.high = Count(j, "high", &has_high);
  if (!has_low) f.low = f.best;
  if (!has_high) f.high = f.best;
  return f;
}

// A {commodity, quantity, unit} converted to its canonical unit.
struct CanonicalQuantity {
  std::string commodity;
  double quantity;
  std::string_view unit;  // static (record::LookupUnit's table)
};
Result<CanonicalQuantity> Canonical(const json& q) {
  std::string unit = Str(q, "unit");
  auto info = record::LookupUnit(unit);
  if (!info) return InvalidArgumentError("unknown unit \"" + unit + "\"");
  if (!q.contains("quantity") || !q.at("quantity").is_number()) return InvalidArgumentError("quantity is missing");
  return CanonicalQuantity{Str(q, "commodity"), q.at("quantity").get<double>() * info->factor, info->canonical};
}

// The case profile (schema v2) of a case record.
Status AddProfile(Dataset& ds, const json& r) {
  ds.case_title = Str(r, "title");
  ds.lifeline_routes.clear();
  ds.parties.clear();
  ds.dependency.clear();
  if (r.contains("lifeline_routes") && r.at("lifeline_routes").is_array()) {
    for (const auto& v : r.at("lifeline_routes")) {
      if (v.is_string()) ds.lifeline_routes.push_back(ds.routes.Intern(v.get<std::string>()));
    }
  }
  if (r.contains("parties") && r.at("parties").is_array()) {
    for (const auto& v : r.at("parties")) {
      if (v.is_string()) ds.parties.push_back(ds.actors.Intern(v.get<std::string>()));
    }
  }
  if (r.contains("dependency") && r.at("dependency").is_array()) {
    for (const auto& d : r.at("dependency")) {
      Dependency dep{Str(d, "commodity"), std::nullopt, ds.case_record};
      if (d.contains("share") && d.at("share").is_number()) dep.share = d.at("share").get<double>();
      ds.dependency.push_back(std::move(dep));
    }
  }
  if (r.contains("discrepancy_tolerance") && r.at("discrepancy_tolerance").is_number()) {
    ds.discrepancy_tolerance = r.at("discrepancy_tolerance").get<double>();
  }
  return Status::Ok();
}

Result<Requirement> ReadRequirement(Dataset& ds, const json& r) {
  Requirement q;
  q.record = ds.ids.Intern(Str(r, "id"));
  std::string m = Str(r, "measure");
  q.measure = m == "vehicles" ? Requirement::Measure::kVehicles
              : m == "persons" ? Requirement::Measure::kPersons
                               : Requirement::Measure::kCargo;
  double quantity = r.value("quantity", 0.0);
  if (q.measure == Requirement::Measure::kCargo) {
    auto info = record::LookupUnit(Str(r, "unit"));
    if (!info) return InvalidArgumentError("unknown unit \"" + Str(r, "unit") + "\"");
    quantity *= info->factor;
    q.unit = ds.units.Intern(info->canonical);
    if (!Str(r, "commodity").empty()) q.commodity = ds.commodities.Intern(Str(r, "commodity"));
  }
  q.weekly = Str(r, "per") == "week";
  q.per_day = q.weekly ? quantity / 7 : quantity;
  if (r.contains("routes") && r.at("routes").is_array()) {
    for (const auto& v : r.at("routes")) {
      if (v.is_string()) q.routes.push_back(ds.routes.Intern(v.get<std::string>()));
    }
  }
  if (r.contains("from")) {
    LIFELINE_ASSIGN_OR_RETURN(q.from, DayField(r, "from"));
  }
  if (r.contains("until")) {
    LIFELINE_ASSIGN_OR_RETURN(q.until, DayField(r, "until"));
  }
  q.basis = Str(r, "basis");
  return q;
}

Status AddCase(Dataset& ds, const std::string& id, const json& r) {
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
  return AddProfile(ds, r);
}

Status AddMovement(Dataset& ds, const json& r) {
  LIFELINE_ASSIGN_OR_RETURN(MovementFields m, MovementFromJson(r, ds.outcome_classes));
  AddMovementFields(ds, m);
  return Status::Ok();
}

Status AddIncident(Dataset& ds, const std::string& id, const json& r) {
  LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(r, "date"));
  Fatalities f = ReadFatalities(r);
  int32_t row = ds.AppendIncident(id, day, f.low, f.best, f.high, Count(r, "injuries"), IncidentCause(r));
  if (Str(r, "event_type") == "Violence against civilians") ds.MarkViolenceAgainstCivilians(row);
  if (r.contains("casualties") && r.at("casualties").is_array()) {
    for (const auto& c : r.at("casualties")) {
      Fatalities cf = ReadFatalities(c);
      std::string cat = Str(c, "category");
      ds.AppendCasualty(row, Str(c, "party"),
                        cat == "combatant"  ? CasualtyCategory::kCombatant
                        : cat == "civilian" ? CasualtyCategory::kCivilian
                                            : CasualtyCategory::kUnknown,
                        cf.low, cf.best, cf.high, Count(c, "injuries"), Str(c, "reported_by"));
    }
  }
  return Status::Ok();
}

Status AddNeedStandard(Dataset& ds, const std::string& id, const json& r) {
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
  return Status::Ok();
}

Status AddBaseline(Dataset& ds, const std::string& id, const json& r) {
  Baseline b;
  b.route = ds.routes.Intern(Str(r, "route"));
  b.record = ds.ids.Intern(id);
  if (r.contains("period")) {
    LIFELINE_ASSIGN_OR_RETURN(b.period_from, DayField(r.at("period"), "from"));
    LIFELINE_ASSIGN_OR_RETURN(b.period_to, DayField(r.at("period"), "to"));
  }
  b.ways = Ways(r, "directions");
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
  return Status::Ok();
}

// The days a rule applies: from .. until (kNoDay: open-ended).
Status RuleDays(const json& rule, Obligation& o) {
  LIFELINE_ASSIGN_OR_RETURN(o.from, DayField(rule, "from"));
  if (rule.contains("until")) {
    LIFELINE_ASSIGN_OR_RETURN(o.until, DayField(rule, "until"));
  }
  return Status::Ok();
}

std::vector<int32_t> RuleRoutes(Dataset& ds, const json& rule) {
  std::vector<int32_t> out;
  if (rule.contains("routes") && rule.at("routes").is_array()) {
    for (const auto& r : rule.at("routes")) {
      if (r.is_string()) out.push_back(ds.routes.Intern(r.get<std::string>()));
    }
  }
  return out;
}

// flow_at_least: the measure as a bit, the quantity in the canonical unit.
void ParseFlowRule(const json& rule, Obligation& o) {
  const std::string measure = Str(rule, "measure");
  o.measure = measure == "vehicles"   ? kMeasureVehicles
              : measure == "persons"  ? kMeasurePersons
              : measure == "patients" ? kMeasurePatients
              : measure == "cargo"    ? kMeasureCargo
                                      : 0;
  o.commodity = Str(rule, "commodity");
  o.per = Str(rule, "per");
  o.quantity = rule.value("quantity", 0.0);
  if (o.measure == kMeasureCargo) {
    auto unit = record::LookupUnit(Str(rule, "unit"));
    if (!unit) {
      o.problem = "the rule's unit \"" + Str(rule, "unit") + "\" is not a known unit";
      return;
    }
    o.unit = std::string(unit->canonical);
    o.quantity *= unit->factor;
  }
  if (o.measure == 0) o.problem = "the rule's measure \"" + measure + "\" is not vehicles, persons, patients or cargo";
}

Status AddObligation(Dataset& ds, const std::string& id, const json& r) {
  Obligation o;
  o.record = ds.ids.Intern(id);
  o.title = Str(r, "title");
  o.instrument = Str(r, "instrument");
  const json rule = r.value("rule", json::object());
  o.type_name = Str(rule, "type");
  o.ways = Ways(rule, "directions");
  if (o.ways == 0) o.ways = kBothWays;
  if (o.type_name == "route_open") {
    o.type = RuleType::kRouteOpen;
    o.route = ds.routes.Intern(Str(rule, "route"));
    o.for_mask = Mask(ds, rule, "for");
    if (o.for_mask == 0) o.problem = "the rule names nothing in `for` that a route status can restrict";
  } else if (o.type_name == "service_restored") {
    o.type = RuleType::kServiceRestored;
    o.utility = Str(rule, "utility");
    o.area = Str(rule, "area");
  } else if (o.type_name == "commodity_allowed") {
    o.type = RuleType::kCommodityAllowed;
    o.commodity = Str(rule, "commodity");
    o.commodity_mask = ds.RestrictionBit(o.commodity);
    o.routes = RuleRoutes(ds, rule);
    if (o.commodity_mask == 0) o.problem = "the case uses more `restricted` terms than Lifeline tracks (26)";
  } else if (o.type_name == "flow_at_least") {
    o.type = RuleType::kFlowAtLeast;
    o.routes = RuleRoutes(ds, rule);
    ParseFlowRule(rule, o);
  } else if (o.type_name == "not_evaluable") {
    o.type = RuleType::kNotEvaluable;
    o.problem = Str(rule, "reason");
  } else {
    o.type = RuleType::kUnknown;
    o.problem = UnknownRuleTypeProblem(o.type_name);
  }
  if (o.type != RuleType::kNotEvaluable && o.type != RuleType::kUnknown) LIFELINE_RETURN_IF_ERROR(RuleDays(rule, o));
  ds.obligations.push_back(std::move(o));
  return Status::Ok();
}

Status AddRecord(Dataset& ds, const json& r) {
  const std::string kind = Str(r, "kind");
  const std::string id = Str(r, "id");
  if (kind == kinds::kCase) {
    return AddCase(ds, id, r);
  } else if (kind == kinds::kMovement) {
    return AddMovement(ds, r);
  } else if (kind == kinds::kRouteStatus) {
    LIFELINE_ASSIGN_OR_RETURN(int64_t from, TimeField(r, "from"));
    int64_t until = kForever;
    if (r.contains("until")) {
      LIFELINE_ASSIGN_OR_RETURN(until, TimeField(r, "until"));
    }
    std::string st = Str(r, "status");
    RouteState state = st == "open" ? RouteState::kOpen : st == "closed" ? RouteState::kClosed : RouteState::kRestricted;
    ds.AppendRouteStatus(id, Str(r, "route"), from, until, state, Mask(ds, r, "restricted"), Ways(r, "directions"));
  } else if (kind == kinds::kOutage) {
    LIFELINE_ASSIGN_OR_RETURN(int64_t from, TimeField(r, "from"));
    LIFELINE_ASSIGN_OR_RETURN(int64_t until, OptionalTime(r, "until"));
    LIFELINE_ASSIGN_OR_RETURN(int64_t confirmed, ConfirmedUntil(r));
    ds.AppendOutage(id, Str(r, "utility"), from, until,
                    Str(r, "scope") == "supply_line" ? OutageScope::kSupplyLine : OutageScope::kService, confirmed,
                    Str(r, "area"));
  } else if (kind == kinds::kSchedule) {
    LIFELINE_ASSIGN_OR_RETURN(int64_t from, TimeField(r, "from"));
    LIFELINE_ASSIGN_OR_RETURN(int64_t until, OptionalTime(r, "until"));
    LIFELINE_ASSIGN_OR_RETURN(int64_t confirmed, ConfirmedUntil(r));
    ds.AppendSchedule(id, Str(r, "utility"), from, until, confirmed, r.value("hours_off_per_day", 0.0), Str(r, "area"));
  } else if (kind == kinds::kWatch) {
    LIFELINE_ASSIGN_OR_RETURN(int32_t from, DayField(r, "from"));
    int32_t to = from;
    if (r.contains("to")) {
      LIFELINE_ASSIGN_OR_RETURN(to, DayField(r, "to"));
    }
    ds.AppendWatch(id, Str(r, "route"), from, to, Ways(r, "directions"), Measures(r));
  } else if (kind == kinds::kRequirement) {
    LIFELINE_ASSIGN_OR_RETURN(Requirement q, ReadRequirement(ds, r));
    ds.requirements.push_back(std::move(q));
  } else if (kind == kinds::kRoute) {
    int32_t route = ds.routes.Intern(id);
    if (ds.route_names.size() <= static_cast<size_t>(route)) ds.route_names.resize(static_cast<size_t>(route) + 1);
    ds.route_names[static_cast<size_t>(route)] = Str(r, "name");
  } else if (kind == kinds::kIncident) {
    return AddIncident(ds, id, r);
  } else if (kind == kinds::kStock) {
    LIFELINE_ASSIGN_OR_RETURN(int32_t day, DayField(r, "date"));
    LIFELINE_ASSIGN_OR_RETURN(CanonicalQuantity c, Canonical(r));
    ds.AppendStock(id, c.commodity, day, c.quantity, c.unit);
  } else if (kind == kinds::kNeedStandard) {
    return AddNeedStandard(ds, id, r);
  } else if (kind == kinds::kBaseline) {
    return AddBaseline(ds, id, r);
  } else if (kind == kinds::kObligation) {
    return AddObligation(ds, id, r);
  }
  // Other kinds (source, evidence, claim, retraction) carry no figure the
  // analysis uses.
  return Status::Ok();
}

}  // namespace

Result<MovementFields> MovementFromJson(const json& r, const record::OutcomeClasses& classes) {
  MovementFields m;
  LIFELINE_ASSIGN_OR_RETURN(m.day, DayField(r, "date"));
  if (r.contains("period")) {
    LIFELINE_ASSIGN_OR_RETURN(m.period_from, DayField(r.at("period"), "from"));
    LIFELINE_ASSIGN_OR_RETURN(m.period_to, DayField(r.at("period"), "to"));
  }
  m.id = Str(r, "id");
  m.route = Str(r, "route");
  m.op = Str(r, "operator");
  const std::string dir = Str(r, "direction"), outcome = Str(r, "outcome"), q = Str(r, "qualifier");
  m.direction = dir == "out" ? Direction::kOut : dir == "both" ? Direction::kBoth : Direction::kIn;
  const std::optional<std::string_view> cls = record::OutcomeClassOf(classes, outcome);
  if (!cls) {
    return InvalidArgumentError("outcome: \"" + outcome + "\" is neither a core outcome nor a term the case record's "
                                "vocabulary.outcome gives a class (counts_as)");
  }
  m.outcome = *cls == "stopped" ? Outcome::kStopped : *cls == "turned_back" ? Outcome::kTurnedBack : Outcome::kCompleted;
  if (!outcome.empty() && outcome != *cls) m.outcome_term = outcome;
  m.vehicles = Count(r, "vehicles");
  m.persons = Count(r, "persons");
  m.patients = Count(r, "patients");
  m.qualifier = q == "at_least" ? Qualifier::kAtLeast
                : q == "about"  ? Qualifier::kAbout
                : q == "at_most" ? Qualifier::kAtMost
                                 : Qualifier::kAsStated;
  m.reported_by = Str(r, "reported_by");
  m.given = GivenFigures(r);
  if (r.contains("cargo") && r.at("cargo").is_array()) {
    for (const auto& line : r.at("cargo")) {
      LIFELINE_ASSIGN_OR_RETURN(CanonicalQuantity c, Canonical(line));
      m.cargo.push_back({std::move(c.commodity), c.quantity, c.unit});
    }
  }
  return m;
}

namespace {

// Whether `rec` (logged as `row`) has a date outside its case's plausible
// dates at the day it was recorded; a record without a readable
// `recorded` is judged by the lower bound and the case's own window only.
std::optional<Dataset::Skipped> FarDated(const json& rec, const store::RecordRow& row, const json& profile) {
  record::DateWindow window =
      record::PlausibleDates(profile.is_object() ? &profile : nullptr, record::ReferenceDay(rec));
  std::vector<record::FieldError> far = record::DatesOutside(rec, window);
  if (far.empty()) return std::nullopt;
  return Dataset::Skipped{row.id, row.index, far[0].field,
                          "record " + row.id + " (entry " + std::to_string(row.index) + "): " + far[0].field + ": " +
                              far[0].message + ": left out of the analyses (retract or correct it)"};
}

// A movement whose outcome term has no class: a term the case's current
// case record does not define (a correction took it out) or defines without
// counts_as (logged before outcome terms carried one). Counting it either
// way would be a guess.
std::optional<Dataset::Skipped> Unclassed(const json& rec, const store::RecordRow& row,
                                          const record::OutcomeClasses& classes) {
  const std::string outcome = Str(rec, "outcome");
  if (record::OutcomeClassOf(classes, outcome)) return std::nullopt;
  return Dataset::Skipped{row.id, row.index, "outcome",
                          "record " + row.id + " (entry " + std::to_string(row.index) + "): outcome: \"" + outcome +
                              "\" has no class (the case record's vocabulary.outcome gives it no counts_as): left out "
                              "of the analyses (give it one in a correction of the case record)"};
}

}  // namespace

std::string DayText(int32_t day) { return record::FormatDate(record::Day{day}); }

Status ForEachCurrentRow(store::LogStore& st, const std::string& case_id, uint64_t size,
                         const std::function<Status(const store::RecordRow&)>& fn,
                         std::vector<store::RecordRow>* case_rows, size_t* movement_rows) {
  // Every version below the checkpoint, and the current view of that tree
  // (store::CurrentView bounded to `size`), rather than the store's
  // current_only (which would apply corrections appended after the
  // checkpoint). Only the case's own corrections and retractions count
  // (store.h Replaces): all of them are among these versions. The view is
  // built first from those rows alone (RecordQuery::replacing_only: a few
  // index lookups where reading the whole case's columns took 0.44 s at a
  // million records), rather than holding every row while it is parsed;
  // the case records are read whole by their kind's index.
  store::CurrentView view(size);
  store::RecordQuery q;
  q.case_id = case_id;
  q.current_only = false;
  q.tree_size = size;
  q.with_body = false;
  q.replacing_only = true;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& r) {
    view.Add(r);
    return Status::Ok();
  }));
  q.replacing_only = false;
  q.with_body = true;
  if (movement_rows != nullptr) {
    store::RecordQuery mq = q;
    mq.kind = kinds::kMovement;
    LIFELINE_ASSIGN_OR_RETURN(uint64_t movements, st.CountRecords(mq));
    *movement_rows = static_cast<size_t>(movements);
  }
  if (case_rows != nullptr) {
    store::RecordQuery cq = q;
    cq.kind = kinds::kCase;
    std::vector<store::RecordRow> cases;
    LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(cq, [&](const store::RecordRow& r) {
      if (!view.IsReplaced(r)) cases.push_back(r);
      return Status::Ok();
    }));
    *case_rows = std::move(cases);
  }
  return st.ForEachRecord(q, [&](const store::RecordRow& r) {
    if (view.IsReplaced(r)) return Status::Ok();
    return fn(r);
  });
}

namespace {

// A record's body parsed, and whether it is left out as far-dated: the part
// of loading that depends on the record alone, so it runs on every core.
// A plain movement (most of a large case) is read without a DOM
// (movement_parse.h); any other record, or a movement the fast reader
// declines, is parsed whole.
struct ParsedRow {
  json body;
  std::optional<Dataset::Skipped> skip;
  std::optional<MovementFields> movement;
};

ParsedRow ParseRow(const store::RecordRow& r, const json& profile, const record::OutcomeClasses& classes,
                   bool with_sources) {
  ParsedRow p;
  if (r.kind == kinds::kMovement) {
    p.movement = ParseMovementFast(r.body, profile, with_sources);
    if (p.movement) return p;
  }
  p.body = json::parse(r.body, nullptr, false);
  if (p.body.is_object() && r.kind != kinds::kCase) p.skip = FarDated(p.body, r, profile);
  if (p.body.is_object() && r.kind == kinds::kMovement && !p.skip) p.skip = Unclassed(p.body, r, classes);
  return p;
}

// Rows handed over in log order are parsed a batch at a time on every core,
// then added to the dataset one by one in the same order, so the dataset
// (and the first error) is what a serial load gives. `observe` (may be
// empty) sees each row after the dataset (LoadedRow).
//
// The batches go through OrderedBatches: the caller reads the next batch
// from the store while the batch before is parsed and added on a thread of
// its own. Reading the rows (SQLite's scan, the bodies from their bundles)
// took as long as parsing them, and ran while the second core waited. Only
// the caller's thread touches the store; the dataset and `observe`, only
// the thread of the batch in hand.
class BatchLoader {
 public:
  BatchLoader(Dataset& ds, const json& profile, const RowObserver& observe = nullptr)
      : ds_(ds),
        profile_(profile),
        observe_(observe),
        batches_(
            [this](const store::RecordRow& r, ParsedRow& p) {
              p = ParseRow(r, profile_, ds_.outcome_classes, /*with_sources=*/observe_ != nullptr);
            },
            [this](store::RecordRow& r, ParsedRow& p) { return AddParsed(r, p); }) {}

  // An error is that of an earlier batch (the first in log order): the
  // caller stops reading.
  Status Add(const store::RecordRow& r) { return batches_.Add(r); }

  // Adds what is left and waits until every row is in the dataset.
  Status Flush() { return batches_.Flush(); }

  bool have_case() const { return have_case_; }

 private:
  Status AddParsed(const store::RecordRow& r, ParsedRow& p) {
    if (p.movement) {
      AddMovementFields(ds_, *p.movement);
      if (!observe_) return Status::Ok();
      return observe_(LoadedRow{&r, &ds_, &*p.movement, ds_.movements.record.back(), nullptr});
    }
    const std::string where = "record " + r.id + " (entry " + std::to_string(r.index) + ")";
    if (!p.body.is_object()) return CorruptionError(where + " is not a JSON object");
    if (p.skip) {
      ds_.skipped.push_back(std::move(*p.skip));
    } else {
      Status s = AddRecord(ds_, p.body);
      if (!s.ok()) return CorruptionError(where + ": " + s.message());
      have_case_ |= r.kind == kinds::kCase;
    }
    if (!observe_) return Status::Ok();
    return observe_(LoadedRow{&r, &ds_, nullptr, kNone, &p.body});
  }

  Dataset& ds_;
  const json& profile_;
  const RowObserver observe_;
  bool have_case_ = false;
  // Last: destroyed first, after the batch in hand is added (it writes the
  // members above).
  OrderedBatches<store::RecordRow, ParsedRow> batches_;
};

}  // namespace

namespace {

// Cargo columns reserved for one line a movement, cut to what was loaded.
void ShrinkCargo(Cargo& c) {
  for (auto* v : {&c.movement, &c.commodity, &c.unit}) v->shrink_to_fit();
  c.quantity.shrink_to_fit();
}

}  // namespace

Result<Dataset> LoadDataset(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp,
                            const RowObserver& observe) {
  Dataset ds;
  ds.case_id = case_id;
  // The case's current case record (the last in log order) gives the
  // plausible dates; each record is judged at the day it was recorded.
  json profile;
  std::vector<store::RecordRow> case_rows;  // filled by the first scan
  size_t movement_rows = 0;                  // likewise
  bool have_profile = false;
  BatchLoader loader(ds, profile, observe);
  auto add = [&](const store::RecordRow& r) -> Status {
    if (!have_profile) {
      if (!case_rows.empty()) ds.profile = case_rows.back().body;
      profile = json::parse(ds.profile.empty() ? "null" : ds.profile, nullptr, false);
      ds.outcome_classes = record::OutcomeClassesOf(&profile);
      have_profile = true;
      // Columns sized once: growing them by doubling would leave up to
      // half of each unused, and copy it on the way.
      ds.ReserveMovements(movement_rows, movement_rows);
      ds.ids.Reserve(movement_rows);
    }
    return loader.Add(r);
  };
  LIFELINE_RETURN_IF_ERROR(ForEachCurrentRow(st, case_id, cp.size, add, &case_rows, &movement_rows));
  LIFELINE_RETURN_IF_ERROR(loader.Flush());
  ShrinkCargo(ds.cargo);
  // The case record's own row carries its id as case_id (projection.h).
  if (!loader.have_case()) {
    return NotFoundError("no current case \"" + case_id + "\" in the log at checkpoint size " +
                         std::to_string(cp.size));
  }
  ds.Finalize();
  static std::atomic<uint64_t> loads{0};
  ds.lineage = ++loads;
  return ds;
}

namespace {

// Whether `r` may join a dataset without changing what came before it: a
// case record changes the plausible dates, a correction or retraction takes
// an earlier record out (ExtendDataset).
bool Appendable(const store::RecordRow& r) {
  return r.kind != kinds::kCase && r.kind != kinds::kRetraction && r.supersedes.empty();
}

// Whether a retraction of the case below `size` names one of `ids` (one
// placed before its target takes it out when it arrives). One scan of the
// case's retractions, through the (case_id, kind) index.
Result<bool> AnyRetracted(store::LogStore& st, const std::string& case_id, const std::vector<std::string>& ids,
                          uint64_t size) {
  const std::unordered_set<std::string_view> wanted(ids.begin(), ids.end());
  store::RecordQuery q;
  q.case_id = case_id;
  q.kind = kinds::kRetraction;
  q.current_only = false;
  bool retracted = false;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& by) {
    retracted |= by.index < size && wanted.count(by.target) > 0;
    return Status::Ok();
  }));
  return retracted;
}

}  // namespace

Result<std::optional<Dataset>> ExtendDataset(store::LogStore& st, const Dataset& base, uint64_t base_size,
                                             const CheckpointRef& to) {
  if (!base.finalized || to.size < base_size) return std::optional<Dataset>();
  Dataset ds = base;
  LIFELINE_ASSIGN_OR_RETURN(bool extended, ExtendDatasetInPlace(st, ds, base_size, to));
  if (!extended) return std::optional<Dataset>();
  return std::optional<Dataset>(std::move(ds));
}

Result<bool> ExtendDatasetInPlace(store::LogStore& st, Dataset& ds, uint64_t base_size, const CheckpointRef& to) {
  if (!ds.finalized || to.size < base_size) return false;
  ds.Reopen();
  const json profile = json::parse(ds.profile.empty() ? "null" : ds.profile, nullptr, false);
  BatchLoader loader(ds, profile);
  store::RecordQuery q;
  q.case_id = ds.case_id;
  q.current_only = false;
  q.from_index = base_size;
  bool appendable = true;
  std::vector<std::string> ids;
  LIFELINE_RETURN_IF_ERROR(st.ForEachRecord(q, [&](const store::RecordRow& r) {
    if (r.index >= to.size || !appendable) return Status::Ok();
    appendable = Appendable(r);
    ids.push_back(r.id);
    return appendable ? loader.Add(r) : Status::Ok();
  }));
  if (!appendable) return false;
  LIFELINE_ASSIGN_OR_RETURN(bool retracted, AnyRetracted(st, ds.case_id, ids, to.size));
  if (retracted) return false;
  LIFELINE_RETURN_IF_ERROR(loader.Flush());
  ds.Finalize();
  return true;
}

}  // namespace lifeline::analysis
