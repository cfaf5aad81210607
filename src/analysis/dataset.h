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

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::analysis {

inline constexpr int32_t kNone = -1;                                   // no string / no record
inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();  // no date
inline constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// Interned strings: Intern returns the same index for equal strings.
class StringTable {
 public:
  int32_t Intern(std::string_view s);
  std::optional<int32_t> Find(std::string_view s) const;
  const std::string& at(int32_t i) const { return strings_[static_cast<size_t>(i)]; }
  size_t size() const { return strings_.size(); }

 private:
  // Transparent hashing: lookups by string_view allocate nothing.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> strings_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
};

enum class Direction : uint8_t { kIn = 0, kOut = 1 };
enum class Outcome : uint8_t { kCompleted = 0, kStopped = 1, kTurnedBack = 2 };

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

// movement rows. `vehicles`, `persons`, `patients` are 0 when the record
// does not give the figure; has_* says whether it did.
struct Movements {
  std::vector<int32_t> day;
  std::vector<int32_t> route;
  std::vector<int32_t> op;  // operator
  std::vector<Direction> direction;
  std::vector<Outcome> outcome;
  std::vector<int64_t> vehicles, persons, patients;
  std::vector<int32_t> period_from, period_to;  // kNoDay unless a period movement
  std::vector<int32_t> record;
  size_t size() const { return day.size(); }
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
struct RouteStatuses {
  std::vector<int32_t> route;
  std::vector<int64_t> from, until, end;
  std::vector<RouteState> state;
  std::vector<uint32_t> restricted;
  std::vector<int32_t> record;
  size_t size() const { return route.size(); }
};

struct Outages {
  std::vector<int32_t> utility;
  std::vector<int64_t> from, until;  // until kForever: not restored in the records
  std::vector<int32_t> record;
  size_t size() const { return utility.size(); }
};

// Fatalities as given; a missing low or high is taken as best.
struct Incidents {
  std::vector<int32_t> day;
  std::vector<int64_t> low, best, high, injuries;
  std::vector<int32_t> record;
  size_t size() const { return day.size(); }
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

struct Baseline {
  int32_t route = kNone;
  int32_t period_from = kNoDay, period_to = kNoDay;
  std::optional<double> vehicles, persons, patients;  // per day
  std::vector<BaselineCargo> cargo;                   // per canonical unit
  int32_t record = kNone;
};

enum class RuleType : uint8_t { kRouteOpen, kUnknown };

struct Obligation {
  int32_t record = kNone;
  std::string title;
  std::string instrument;
  RuleType type = RuleType::kUnknown;
  std::string type_name;      // as written in the rule
  int32_t route = kNone;
  uint32_t for_mask = 0;
  std::vector<std::string> directions;
  int32_t from = kNoDay, until = kNoDay;  // until kNoDay: open-ended
  std::string problem;                    // why it cannot be evaluated, if so
};

struct Dataset {
  std::string case_id;
  int32_t case_record = kNone;
  int32_t started = kNoDay, ended = kNoDay;

  StringTable ids;  // record ids
  StringTable routes, operators, commodities, units, utilities;

  Movements movements;
  Cargo cargo;
  RouteStatuses statuses;
  Outages outages;
  Incidents incidents;
  Stocks stocks;
  std::vector<NeedStandard> needs;          // from the case's records
  std::vector<PopulationFigure> population;  // sorted by day after Finalize
  std::vector<Baseline> baselines;
  std::vector<Obligation> obligations;

  bool finalized = false;
  // The latest day any record speaks of (kNoDay if none).
  int32_t last_record_day = kNoDay;

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
                         RouteState state, uint32_t restricted);
  void AppendOutage(std::string_view record_id, std::string_view utility, int64_t from, int64_t until);
  void AppendIncident(std::string_view record_id, int32_t day, int64_t low, int64_t best, int64_t high,
                      int64_t injuries);
  // Precondition: quantity/unit are canonical.
  void AppendStock(std::string_view record_id, std::string_view commodity, int32_t day, double quantity,
                   std::string_view unit);

  // Sorts statuses and population, computes status ends. Idempotent.
  void Finalize();
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
// `size`, in log order: records superseded or retracted by an entry below
// `size` are left out (docs/records.md, applied to that tree).
Result<std::vector<store::RecordRow>> CurrentRows(store::LogStore& st, const std::string& case_id, uint64_t size);

// Loads the current records of `case_id` among the entries below
// cp.size: records superseded or retracted by an entry below cp.size are
// left out (the rules of docs/records.md, applied to that tree, so an
// analysis at an old checkpoint ignores later corrections). NotFound if the
// case has no current case record there; Corruption if a stored record does
// not parse.
Result<Dataset> LoadDataset(store::LogStore& st, const std::string& case_id, const CheckpointRef& cp);

}  // namespace lifeline::analysis

#endif  // LIFELINE_ANALYSIS_DATASET_H_
