// The columnar dataset of one case: the current records of a case at a
// checkpoint, as struct-of-arrays tables that the indicators and compliance
// aggregate over without touching JSON again.
//
// Two ways in:
// - LoadDataset() reads the records of a store (the JSON parsing lives
//   there and only there);
// - the Append*() methods take already-parsed values, so a benchmark can
//   build a dataset of millions of movements directly.
// Both end with Finalize(), which must be called once before the dataset is
// analysed (it sorts route statuses and computes when each stops being in
// force).
//
// Every row keeps the index of its record id in `ids`, so every computed
// value can name the records behind it. Strings (routes, operators,
// commodities, units, utilities) are interned: rows hold int32 indices.
//
// Days are days since 1970-01-01 (record::Day); instants are seconds since
// the epoch, UTC. A day is the UTC day [day * 86400, (day + 1) * 86400).
//
// Thread safety: none while building; a finalized dataset is read-only and
// may be shared by readers.
#ifndef LIFELINE_ANALYSIS_DATASET_H_
#define LIFELINE_ANALYSIS_DATASET_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "record/outcome_class.h"
#include "store/store.h"

namespace lifeline::analysis {

inline constexpr int32_t kNone = -1;                                   // no string / no record
inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();  // no date
inline constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// Day `day` as YYYY-MM-DD (record::FormatDate).
std::string DayText(int32_t day);

// Ascending byte offsets (into StringTable's text) kept in `Low`, 4 bytes
// for uint32_t, though a text may pass 4 GiB: each offset keeps its low
// bits, and `wraps_` the first index past each multiple of 2^bits, so an
// offset is its low bits plus 2^bits times the wraps at or before it. A text
// under 2^bits bytes (every case's ids so far: 10 M ids are 100 MB) has no
// wraps and pays one predictable branch a read. A template only so that a
// test can wrap at 256 bytes (uint8_t) instead of at 4 GiB.
template <typename Low>
class OffsetColumn {
 public:
  static constexpr int kBits = 8 * sizeof(Low);
  // Precondition: `offset` is at least the last one pushed.
  void push_back(uint64_t offset) {
    const uint64_t high = offset >> kBits;
    while (wraps_.size() < high) wraps_.push_back(low_.size());  // one entry per multiple passed
    low_.push_back(static_cast<Low>(offset));
  }
  uint64_t operator[](size_t k) const {
    const uint64_t low = low_[k];
    if (wraps_.empty()) return low;
    const auto high = static_cast<uint64_t>(std::upper_bound(wraps_.begin(), wraps_.end(), k) - wraps_.begin());
    return (high << kBits) + low;
  }
  bool empty() const { return low_.empty(); }
  size_t size() const { return low_.size(); }
  void reserve(size_t n) { low_.reserve(n); }
  size_t MemoryBytes() const { return low_.capacity() * sizeof(Low) + wraps_.capacity() * sizeof(size_t); }

 private:
  std::vector<Low> low_;
  std::vector<size_t> wraps_;  // ascending; entry j: the first index at or past (j + 1) << kBits
};

// Interned strings: Intern returns the same index for equal strings. A
// case interns every record id, so the text lives in one contiguous buffer
// (`text_`, string i at offsets_[i] .. offsets_[i + 1], 4-byte offsets)
// with no per-string object, and the index costs 11-21 bytes a string (open addressing over
// int32 indices with their hashes, load factor at most 3/4) instead of a
// node holding a second copy of the string.
//
// at() views the buffer: the view stays valid until the next Intern or
// Reserve (which may move the buffer) or the table's destruction. A
// finalized dataset interns nothing more, so views of its tables live as
// long as the dataset.
class StringTable {
 public:
  int32_t Intern(std::string_view s);
  std::optional<int32_t> Find(std::string_view s) const;
  std::string_view at(int32_t i) const {
    const size_t k = static_cast<size_t>(i);
    const uint64_t from = offsets_[k];
    return std::string_view(text_.data() + from, static_cast<size_t>(offsets_[k + 1] - from));
  }
  size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Room for `n` strings in all without growing (`text_bytes` of text).
  void Reserve(size_t n, size_t text_bytes = 0);
  // The bytes the table holds (capacities of its buffers), for benchmarks.
  size_t MemoryBytes() const;

 private:
  struct Slot {
    int32_t index = kNone;  // into offsets_; kNone: empty
    uint32_t hash = 0;      // low bits of the string's hash
  };
  // The slot holding `s`, or the empty slot where it would go. Linear
  // probing; slots_.size() is a power of two, at least 4/3 of size() + 1.
  size_t Probe(std::string_view s, uint32_t hash) const;
  void Rehash(size_t slots);

  std::vector<char> text_;
  OffsetColumn<uint32_t> offsets_;  // size() + 1 entries; none before the first Intern
  std::vector<Slot> slots_;
};

// kBoth: a period total of both directions together (schema v2; never a
// single-day row).
enum class Direction : uint8_t { kIn = 0, kOut = 1, kBoth = 2 };
// A movement's outcome class (record/outcome_class.h): a case's own term,
// and `departed`, are counted as the core outcome they count as.
enum class Outcome : uint8_t { kCompleted = 0, kStopped = 1, kTurnedBack = 2 };
std::string_view OutcomeName(Outcome o);
// Directions as bits (route_status.directions, baseline.directions,
// watch.directions): kBothWays when the record gives none.
enum DirectionBits : uint8_t { kWayIn = 1, kWayOut = 2, kBothWays = 3 };
inline uint8_t WayOf(Direction d) {
  return d == Direction::kIn ? uint8_t{kWayIn} : d == Direction::kOut ? uint8_t{kWayOut} : uint8_t{kBothWays};
}
std::string_view DirectionName(Direction d);
// movement.qualifier: how a record's figures bound the truth.
enum class Qualifier : uint8_t { kAsStated = 0, kAtLeast = 1, kAbout = 2, kAtMost = 3 };
std::string_view QualifierName(Qualifier q);

// Ordered by how restrictive a status is: a day's status is the maximum of
// the statuses in force during it. kUnknown: no status record in force.
enum class RouteState : uint8_t { kUnknown = 0, kOpen = 1, kRestricted = 2, kClosed = 3 };
std::string_view RouteStateName(RouteState s);

// route_status.restricted and rule.for values, as bits.
enum Restriction : uint32_t {
  kPersons = 1u << 0,
  kVehicles = 1u << 1,
  kCargo = 1u << 2,
  kHumanitarian = 1u << 3,
  kMedical = 1u << 4,
  kCommercial = 1u << 5,
};
std::optional<uint32_t> ParseRestriction(std::string_view s);
std::vector<std::string> RestrictionNames(uint32_t mask);

// A column of movement figures (vehicles, persons, patients): 4 bytes a
// row where the figure fits int32, as real ones do, and still exact where it
// does not (the schema gives the figures no maximum). Such a row's cell holds
// kWide and its value is kept aside, in `wide_`, sorted by row since rows are
// only appended. Readers take a row's value through operator[], an int64:
// the cells themselves are private, so no reader can see kWide, and sums over
// a column stay int64.
class CountColumn {
 public:
  int64_t operator[](size_t row) const {
    const int32_t cell = cells_[row];
    return cell != kWide ? cell : Wide(row);
  }
  void push_back(int64_t value);
  void reserve(size_t n) { cells_.reserve(n); }
  size_t size() const { return cells_.size(); }
  // The bytes the column holds (capacities), for benchmarks.
  size_t MemoryBytes() const;

 private:
  static constexpr int32_t kWide = std::numeric_limits<int32_t>::min();
  int64_t Wide(size_t row) const;

  std::vector<int32_t> cells_;
  std::vector<std::pair<size_t, int64_t>> wide_;  // (row, value) of the kWide cells, by row
};

// movement rows. `vehicles`, `persons`, `patients` are 0 when the record
// does not give the figure; GivenAt says whether it did.
struct Movements {
  std::vector<int32_t> day;
  std::vector<int32_t> route;
  std::vector<int32_t> op;  // operator
  std::vector<Direction> direction;
  std::vector<Outcome> outcome;
  CountColumn vehicles, persons, patients;
  // The days a period movement covers. Empty until the first period
  // movement is appended (most cases have none, and the columns would cost
  // 8 bytes a movement), and shorter than `day` after it: rows past the end
  // are kNoDay. Read them through PeriodFromAt / PeriodToAt.
  std::vector<int32_t> period_from, period_to;
  std::vector<int32_t> record;
  // Schema v2. Rows appended without them (benchmarks) are as stated and
  // have no reporter: the vectors are then shorter than `day` (see the
  // accessors).
  std::vector<Qualifier> qualifier;
  std::vector<int32_t> reported_by;  // into Dataset::actors, kNone if not given
  // MeasureBits of the figures the record gives (a convoy without a
  // tonnage gives no cargo). Rows without an entry give every figure.
  std::vector<uint8_t> given;
  size_t size() const { return day.size(); }
  // kNoDay unless row `i` is a period movement.
  int32_t PeriodFromAt(size_t i) const { return i < period_from.size() ? period_from[i] : kNoDay; }
  int32_t PeriodToAt(size_t i) const { return i < period_to.size() ? period_to[i] : kNoDay; }
  Qualifier QualifierAt(size_t i) const { return i < qualifier.size() ? qualifier[i] : Qualifier::kAsStated; }
  int32_t ReporterAt(size_t i) const { return i < reported_by.size() ? reported_by[i] : kNone; }
  uint8_t GivenAt(size_t i) const { return i < given.size() ? given[i] : uint8_t{15}; }
};

// Cargo lines of movements, converted to canonical units.
struct Cargo {
  std::vector<int32_t> movement;  // row in Movements
  std::vector<int32_t> commodity;
  std::vector<double> quantity;   // in `unit`
  std::vector<int32_t> unit;      // canonical unit (kg, l, kcal, doses, ...)
  size_t size() const { return movement.size(); }
};

// route_status rows, sorted by (route, from) after Finalize. `end` is when
// the status stops being in force: its `until`, or the `from` of the next
// status of the same route if earlier, or kForever.
//
// Schema v2: a status applies to its `directions` (kBothWays by default)
// and stops being in force, per direction, at the next status of the same
// route that applies to that direction: end_in and end_out. `end` is the
// later of the two of the directions it applies to (where it is in force at
// all).
struct RouteStatuses {
  std::vector<int32_t> route;
  std::vector<int64_t> from, until, end;
  std::vector<int64_t> end_in, end_out;  // per direction; `from` if it does not apply that way
  std::vector<RouteState> state;
  std::vector<uint32_t> restricted;
  std::vector<uint8_t> ways;  // DirectionBits
  std::vector<int32_t> record;
  size_t size() const { return route.size(); }
};

enum class OutageScope : uint8_t { kService = 0, kSupplyLine = 1 };

// outage rows. confirmed_until: for an outage without `until`, the latest
// instant a source confirms it (kForever when not given); the analysis
// counts an open-ended outage only as far as that evidence.
struct Outages {
  std::vector<int32_t> utility;
  std::vector<int64_t> from, until;  // until kForever: not restored in the records
  std::vector<int64_t> confirmed_until;
  std::vector<OutageScope> scope;
  std::vector<int32_t> record;
  std::vector<std::string> area;  // "" when the record names none (the whole case)
  size_t size() const { return utility.size(); }
};

// schedule rows (schema v2): hours a day without a utility, from .. until
// (kForever: not given; then confirmed_until bounds it as for outages).
struct Schedules {
  std::vector<int32_t> utility;
  std::vector<int64_t> from, until, confirmed_until;
  std::vector<double> hours_off;
  std::vector<int32_t> record;
  std::vector<std::string> area;  // "" when the record names none
  size_t size() const { return utility.size(); }
};

enum class Cause : uint8_t { kHostilities = 0, kDeprivation = 1, kAccident = 2, kUndetermined = 3 };
std::string_view CauseName(Cause c);
enum class CasualtyCategory : uint8_t { kCombatant = 0, kCivilian = 1, kUnknown = 2 };
std::string_view CategoryName(CasualtyCategory c);

// Fatalities as given; a missing low or high is taken as best.
struct Incidents {
  std::vector<int32_t> day;
  std::vector<int64_t> low, best, high, injuries;
  std::vector<Cause> cause;  // given, or from the event type
  std::vector<int32_t> record;
  // Rows whose ACLED event_type is "Violence against civilians" (set by
  // MarkViolenceAgainstCivilians); shorter than `day` when the last rows
  // are not (see the accessor).
  std::vector<uint8_t> against_civilians;
  size_t size() const { return day.size(); }
  bool AgainstCiviliansAt(size_t i) const { return i < against_civilians.size() && against_civilians[i] != 0; }
};

// An incident's casualties by party (schema v2). An incident with
// fatalities but no `casualties` has one row with party kNone ("not
// stated") and category unknown carrying its figures.
struct Casualties {
  std::vector<int32_t> incident;  // row in Incidents
  std::vector<int32_t> party;     // into Dataset::actors; kNone: not stated
  std::vector<CasualtyCategory> category;
  std::vector<int64_t> low, best, high, injuries;
  std::vector<int32_t> reported_by;  // into Dataset::actors; kNone: not stated
  size_t size() const { return incident.size(); }
};

// watch rows (schema v2): the route watched on days from..to.
struct Watches {
  std::vector<int32_t> route;
  std::vector<int32_t> from, to;
  std::vector<uint8_t> ways;      // DirectionBits
  std::vector<uint8_t> measures;  // MeasureBits
  std::vector<int32_t> record;
  size_t size() const { return route.size(); }
};

// stock rows: a reported quantity on hand of a commodity on a day, in the
// canonical unit. Only the forecast reads them (its initial stocks).
struct Stocks {
  std::vector<int32_t> commodity;
  std::vector<int32_t> day;
  std::vector<double> quantity;
  std::vector<int32_t> unit;  // canonical
  std::vector<int32_t> record;
  size_t size() const { return day.size(); }
};

// Another commodity that counts towards a need standard: one canonical
// `unit` of `commodity` is `factor` of the standard's canonical unit (e.g.
// 1 kg of wheat flour is 3,640 kcal), as the standard's record states.
struct Equivalent {
  int32_t commodity = kNone;
  int32_t unit = kNone;  // canonical
  double factor = 0;
};

struct NeedStandard {
  int32_t commodity = kNone;
  double quantity = 0;  // per person per day, canonical unit
  int32_t unit = kNone;
  std::string basis;
  int32_t record = kNone;  // kNone for a built-in default
  std::vector<Equivalent> equivalents = {};
};

struct PopulationFigure {
  int32_t day = kNoDay;
  int64_t count = 0;
};

struct BaselineCargo {
  int32_t unit = kNone;  // canonical
  double quantity = 0;   // per day
};

// Which figures a watch covers.
enum MeasureBits : uint8_t { kMeasureVehicles = 1, kMeasurePersons = 2, kMeasurePatients = 4, kMeasureCargo = 8,
                             kAllMeasures = 15 };

struct Baseline {
  int32_t route = kNone;
  int32_t period_from = kNoDay, period_to = kNoDay;
  std::optional<double> vehicles, persons, patients;  // per day
  std::vector<BaselineCargo> cargo;                   // per canonical unit
  // DirectionBits as given; 0 when not given (version 1: cargo inbound,
  // the other flows both ways).
  uint8_t ways = 0;
  int32_t record = kNone;
};

// A stated requirement (schema v2): `quantity` of a measure per day (a
// weekly one is stored divided by 7), on `routes` (empty: the lifeline
// routes).
struct Requirement {
  enum class Measure : uint8_t { kVehicles, kPersons, kCargo } measure = Measure::kCargo;
  int32_t commodity = kNone;  // cargo: kNone for all cargo of the unit
  int32_t unit = kNone;       // cargo: canonical
  double per_day = 0;
  bool weekly = false;        // stated per week (per_day = quantity / 7)
  std::vector<int32_t> routes;
  int32_t from = kNoDay, until = kNoDay;
  std::string basis;
  int32_t record = kNone;
};

// The case profile (schema v2, on the case record).
struct Dependency {
  std::string commodity;
  std::optional<double> share;  // nullopt: not assessed
  int32_t record = kNone;       // the case record
};

// docs/analysis.md, "Compliance": one per rule type; kUnknown for a type
// this version does not know (never counted as complied with).
enum class RuleType : uint8_t { kRouteOpen, kServiceRestored, kCommodityAllowed, kFlowAtLeast, kNotEvaluable, kUnknown };

// Why an obligation whose rule type is `type` (not one of RuleType's) cannot
// be evaluated, naming the types that can: the sentence the report and the
// dashboard translate (message reason.rule_type_unknown, {known} the list).
std::string UnknownRuleTypeProblem(std::string_view type);

struct Obligation {
  int32_t record = kNone;
  std::string title;
  std::string instrument;
  RuleType type = RuleType::kUnknown;
  std::string type_name;      // as written in the rule
  int32_t route = kNone;
  uint32_t for_mask = 0;
  uint8_t ways = kBothWays;  // the rule's directions as bits
  int32_t from = kNoDay, until = kNoDay;  // until kNoDay: open-ended
  std::string problem;                    // why it cannot be evaluated, if so
  // service_restored: the utility (and area, "" for all).
  std::string utility, area;
  // commodity_allowed: the `restricted` term and its bit; and flow_at_least's
  // cargo commodity ("" for all).
  std::string commodity;
  uint32_t commodity_mask = 0;
  // commodity_allowed, flow_at_least: the routes (empty: all the case's).
  std::vector<int32_t> routes;
  // flow_at_least: the measure (MeasureBits, one bit), the quantity in the
  // canonical unit `unit` (cargo only), and the period (day, week, month).
  uint8_t measure = 0;
  std::string unit, per;
  double quantity = 0;
};

struct Dataset {
  std::string case_id;
  int32_t case_record = kNone;
  int32_t started = kNoDay, ended = kNoDay;

  StringTable ids;  // record ids
  StringTable routes, operators, commodities, units, utilities;
  std::vector<std::string> case_restrictions;  // the case's `restricted` terms, bit 6 + index
  StringTable actors;  // parties and reporters (schema v2)

  Movements movements;
  Cargo cargo;
  RouteStatuses statuses;
  Outages outages;
  Schedules schedules;
  Incidents incidents;
  Casualties casualties;
  Watches watches;
  Stocks stocks;
  std::vector<NeedStandard> needs;          // from the case's records
  std::vector<PopulationFigure> population;  // sorted by day after Finalize
  std::vector<Baseline> baselines;
  std::vector<Requirement> requirements;
  std::vector<Obligation> obligations;

  // The case profile (schema v2). lifeline_routes: as given; when the case
  // names none, LifelineRoutes() gives the routes with a baseline.
  std::vector<int32_t> lifeline_routes;
  std::vector<int32_t> parties;  // into actors
  std::vector<Dependency> dependency;
  double discrepancy_tolerance = 0.1;
  std::string case_title;
  // Route names (route records' `name`), by route index; "" if not loaded.
  std::vector<std::string> route_names;

  // The lifeline routes: as the case names them, else those with a
  // baseline (sorted, distinct).
  std::vector<int32_t> LifelineRoutes() const;
  bool IsParty(int32_t actor) const;

  // Records left out because a date in them is outside the case's
  // plausible dates (docs/records.md), judged at the day each was recorded,
  // so the same log always gives the same dataset. Such a record (a
  // 9999-12-31 appended before submission checked dates) would otherwise
  // stretch every day range of the case past what can be computed.
  struct Skipped {
    std::string id;
    uint64_t index = 0;
    std::string field;
    std::string message;  // "record x (entry 7): date: 9999-12-31 is outside ..."
  };
  std::vector<Skipped> skipped;

  bool finalized = false;
  // Casualty rows Finalize added ("not stated", for incidents without
  // rows): the last rows of `casualties`, which Reopen takes away again.
  size_t synthesized_casualties = 0;
  // The case record the plausible dates were judged by (its canonical JSON,
  // "" if none), kept so that ExtendDataset judges new records the same way.
  std::string profile;
  // The case's own outcome terms and the core outcome each counts as, from
  // `profile` (record/outcome_class.h): a movement is counted by its class.
  record::OutcomeClasses outcome_classes;
  // The outcome of a movement row as its record writes it, for the rows
  // whose term is not the name of its class (`departed`, a case's own
  // term); the `outcome` column holds the class. Outputs that show an
  // outcome show the term (OutcomeTerm).
  std::unordered_map<int32_t, std::string> outcome_terms;
  // The outcome term of movement row `row`: as written, else its class's name.
  std::string_view OutcomeTerm(int32_t row) const;
  // The latest day any record speaks of (kNoDay if none).
  int32_t last_record_day = kNoDay;
  // Which load this dataset descends from: LoadDataset gives each dataset a
  // new number, copies and ExtendDataset keep it (0: built by the Append
  // API). UpdateIndicators (indicators.h) refuses to merge a result into a
  // dataset of another lineage, whose rows and ids may be ordered otherwise.
  uint64_t lineage = 0;

  // --- Appending already-parsed values (no JSON). ---
  // Each returns the row index. `record_id` is interned into `ids`.
  int32_t AppendMovement(std::string_view record_id, int32_t day, std::string_view route, std::string_view op,
                         Direction dir, Outcome outcome, int64_t vehicles, int64_t persons, int64_t patients,
                         int32_t period_from = kNoDay, int32_t period_to = kNoDay);
  // The same with strings already interned (route into `routes`, op into
  // `operators`, record into `ids`): for bulk builders such as benchmarks.
  int32_t AppendMovementRow(int32_t record, int32_t day, int32_t route, int32_t op, Direction dir, Outcome outcome,
                            int64_t vehicles, int64_t persons, int64_t patients, int32_t period_from = kNoDay,
                            int32_t period_to = kNoDay);
  void ReserveMovements(size_t movements, size_t cargo_lines);
  // Precondition: `movement` is a row already appended; quantity/unit are
  // canonical (see record::LookupUnit).
  void AppendCargo(int32_t movement, std::string_view commodity, double quantity, std::string_view unit);
  void AppendRouteStatus(std::string_view record_id, std::string_view route, int64_t from, int64_t until,
                         RouteState state, uint32_t restricted, uint8_t ways = kBothWays);
  void AppendOutage(std::string_view record_id, std::string_view utility, int64_t from, int64_t until,
                    OutageScope scope = OutageScope::kService, int64_t confirmed_until = kForever,
                    std::string_view area = {});
  // Sets the qualifier, reporter and given figures (MeasureBits) of an
  // appended movement row.
  void SetMovementSource(int32_t row, Qualifier q, std::string_view reported_by, uint8_t given = 15);
  // Returns the incident row. Without casualty rows appended for it, an
  // incident with fatalities gets one "not stated" row at Finalize.
  int32_t AppendIncident(std::string_view record_id, int32_t day, int64_t low, int64_t best, int64_t high,
                         int64_t injuries, Cause cause = Cause::kUndetermined);
  // Marks an appended incident row as violence against civilians.
  void MarkViolenceAgainstCivilians(int32_t incident);
  void AppendCasualty(int32_t incident, std::string_view party, CasualtyCategory category, int64_t low, int64_t best,
                      int64_t high, int64_t injuries, std::string_view reported_by);
  void AppendSchedule(std::string_view record_id, std::string_view utility, int64_t from, int64_t until,
                      int64_t confirmed_until, double hours_off, std::string_view area = {});
  // The bit of a `restricted` term: the core's (Restriction), or one of
  // the bits above them given to the terms a case adds, in the order first
  // met; 0 when more than 26 case terms are in use (then it is not tracked).
  uint32_t RestrictionBit(std::string_view term);
  // The terms of a mask of RestrictionBit bits: the core's, then the case's.
  std::vector<std::string> RestrictionTerms(uint32_t mask) const;
  void AppendWatch(std::string_view record_id, std::string_view route, int32_t from, int32_t to, uint8_t ways,
                   uint8_t measures);
  // Precondition: quantity/unit are canonical.
  void AppendStock(std::string_view record_id, std::string_view commodity, int32_t day, double quantity,
                   std::string_view unit);

  // Sorts statuses and population, computes status ends. Idempotent.
  void Finalize();
  // Undoes what Finalize added (its casualty rows), so that rows appended
  // next and a new Finalize give the dataset a load of all of them gives.
  void Reopen();
};

// Which tree the analysis reads: entries with index < size. `root` is the
// checkpoint's root hash, standard base64.
struct CheckpointRef {
  uint64_t size = 0;
  std::string root;
};

// The latest checkpoint (at = nullopt) or the stored one of size `at`;
// NotFound if there is none. The signature is not checked here: callers
// holding the log's key check it (the CLI does).
Result<CheckpointRef> ResolveCheckpoint(store::LogStore& st, std::optional<uint64_t> at);

// The rows of the current records of `case_id` among the entries below
// `size`, in log order (records superseded or retracted by an entry below
// `size` are left out: docs/records.md, applied to that tree), one row at a
// time, without holding them: first the case's corrections and
// retractions, to learn what replaces what (the CurrentView keeps only the
// replaced records' keys), then one scan of the case's rows that passes each
// current row to `fn`. `case_rows`, if given, receives the current rows of
// kind "case" (in log order) before the second scan starts, and
// `movement_rows` the number of rows of kind "movement" below `size`,
// current or not. An error from `fn` ends the scan and is returned.
Status ForEachCurrentRow(store::LogStore& st, const std::string& case_id, uint64_t size,
                         const std::function<Status(const store::RecordRow&)>& fn,
                         std::vector<store::RecordRow>* case_rows = nullptr, size_t* movement_rows = nullptr);

struct MovementFields;  // movement_parse.h

// One current row of a load as the loader read it, handed to LoadDataset's
// `observe` in log order once the dataset has taken it (or left it out:
// Dataset::skipped), so a caller that shows more of the records than the
// dataset keeps (the report: sources, stopped movements, claims) reads them
// in the load's pass rather than reading the case again. Exactly one of
// `movement` and `body` is set:
// - `movement`: a plain movement the fast reader took (movement_parse.h),
//   its `sources` filled; `record` is its id's index in `ds->ids`;
// - `body`: any other row, parsed whole (a JSON object: a row that is not
//   one fails the load before it is observed); `record` is kNone. The
//   loader is done with it: the observer may move it away.
// `ds` is the dataset being loaded: its outcome_classes are final, its ids
// hold the rows taken so far. The pointers are valid during the call only.
struct LoadedRow {
  const store::RecordRow* row = nullptr;
  const Dataset* ds = nullptr;
  const MovementFields* movement = nullptr;
  int32_t record = kNone;
  nlohmann::json* body = nullptr;
};
using RowObserver = std::function<Status(const LoadedRow&)>;

// Loads the current records of `case_id` among the entries below
// cp.size: records superseded or retracted by an entry below cp.size are
// left out (the rules of docs/records.md, applied to that tree, so an
// analysis at an old checkpoint ignores later corrections). NotFound if the
// case has no current case record there; Corruption if a stored record does
// not parse. `observe`, if given, sees every current row (LoadedRow); an
// error from it ends the load and is returned. It is called from one
// thread at a time, in log order, but not the caller's: it MUST NOT use
// `st`, which the caller's thread is reading meanwhile.
Result<Dataset> LoadDataset(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp,
                            const RowObserver& observe = nullptr);

// The dataset of the same case at `to`, made from `base`, its dataset at an
// earlier checkpoint of size `base_size` of the same log, by adding the
// case's records among entries [base_size, to.size) — when that is exactly
// what LoadDataset(st, case, to) gives: none of those records is a case
// record, a correction (supersedes) or a retraction, and no retraction
// below to.size names one of them. Otherwise std::nullopt: load afresh.
// Reads only the new entries' rows (RecordQuery::from_index), so a live
// server need not parse the whole case again after each write.
Result<std::optional<Dataset>> ExtendDataset(store::LogStore& st, const Dataset& base, uint64_t base_size,
                                             const CheckpointRef& to);

// ExtendDataset on `ds` itself, without the copy (at a million movements
// the copy, and growing each column of the copy past its exact size, cost
// more than the new rows' parse): true when `ds` is now the dataset at
// `to`. False, or an error, when the new entries cannot extend it: `ds` may
// then be left partly extended and must not be used (load afresh). For a
// caller that holds the only reference (the server's DatasetCache).
Result<bool> ExtendDatasetInPlace(store::LogStore& st, Dataset& ds, uint64_t base_size, const CheckpointRef& to);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_DATASET_H_
