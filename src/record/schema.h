// The record schema (version 2, docs/records.md) as data, and validation.
// Version 2 only adds optional fields and kinds: every valid version-1
// record is a valid version-2 record and reads the same way.
//
// Every kind is a table of fields; Validate() checks a record against it and
// returns every problem, each naming the field by its path ("cargo[1].unit").
// The JSON Schema in docs/schema/records-v2.json is generated from the same
// tables (JsonSchema()), so the document and the code cannot drift apart.
#ifndef LIFELINE_RECORD_SCHEMA_H_
#define LIFELINE_RECORD_SCHEMA_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record/values.h"

namespace lifeline::record {

inline constexpr int kSchemaVersion = 2;

// One refusal: what is wrong, and what to do instead. Every refusal
// Validate returns carries a non-empty hint naming the doc section that
// explains it (docs/records.md, "Refusals and hints").
struct FieldError {
  std::string field;  // path within the record; empty for the record as a whole
  std::string message;
  std::string hint;   // what to do instead, e.g. `give date as a date YYYY-MM-DD, e.g. "date": "2023-01-15"`
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// Answers "what kind of record is `id`?" for reference checks: the store's
// records plus those earlier in the batch being validated.
class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual std::optional<std::string> KindOf(const std::string& id) const = 0;
  // The case `id` belongs to (store::RecordRow::case_id), if known. A
  // reference to a record of another case is refused: references stay
  // within a case (store.h SameCase). nullopt: not known, not checked.
  virtual std::optional<std::string> CaseOf(const std::string&) const { return std::nullopt; }
  // True when KindOf may be called from several threads at once (the
  // resolver reads only memory it does not change); then a batch is
  // validated on several cores.
  virtual bool ThreadSafe() const { return false; }
};

// The days a record's dates may fall on, both ends included
// (docs/records.md, "Plausible dates").
struct DateWindow {
  Day from;
  Day until;
};

// The default window: not before 1900-01-01.
inline constexpr std::string_view kEarliestPlausibleDate = "1900-01-01";
// The default window: not after this many days after the reference day.
inline constexpr int64_t kPlausibleDaysAhead = 366;

// The window for the records of a case whose case record is `case_record`
// (null when unknown): its `date_window` {from, until}, each bound it leaves
// out taken from the default (1900-01-01; `reference` + 366 days). At
// submission `reference` is today; when analysing a logged record, the day
// it was recorded, so that reading a log never depends on the clock.
DateWindow PlausibleDates(const nlohmann::json* case_record, Day reference);

// The reference day PlausibleDates takes for a logged record recorded at
// `recorded` (seconds since the epoch, UTC): that day; with no readable stamp
// (nullopt), a day so far ahead that only the lower bound and the case's own
// window apply.
Day ReferenceDay(std::optional<int64_t> recorded);
// The same from a logged record's body (its `recorded` member).
Day ReferenceDay(const nlohmann::json& rec);

// Case vocabularies (docs/records.md, "Vocabularies"). Four fields take a
// term of a controlled vocabulary: `utility` (outage.utility,
// schedule.utility, rule.utility), `restricted` (route_status.restricted,
// rule.for, rule.commodity), `outcome` (movement.outcome) and `route_type`
// (route.type). Each has a core fixed here; a case extends one with its case
// record's `vocabulary` member {name: {term: definition}}.
inline constexpr std::string_view kVocabularyNames[] = {"utility", "restricted", "outcome", "route_type"};

// A case's additions: vocabulary name -> term -> one-line definition.
using CaseVocabulary = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

// The core terms of vocabulary `name`, in documentation order; empty for a
// name that is not one of kVocabularyNames.
const std::vector<std::string>& CoreVocabulary(std::string_view name);

// The additions `case_record` (null when unknown) declares, as far as they
// are well formed (Validate refuses the rest); terms of the core are left out.
CaseVocabulary VocabularyOf(const nlohmann::json* case_record);

// The definition a case gives `term` of vocabulary `name`, or nullptr (a
// core term, or one the case does not define).
const std::string* TermDefinition(const CaseVocabulary& vocabulary, std::string_view name, std::string_view term);

struct ValidateOptions {
  // Records read back from the log carry `recorded` and `by`; submissions
  // must not.
  bool allow_server_fields = false;
};

// The dates in `rec` outside `window`, each as an error at its field: every
// string of the form YYYY-MM-DD or an RFC 3339 date-time, at any depth, but
// in free text, `confidential`, `recorded` and a case's `date_window`. For
// readers of the log (the analyses skip such a record and say so), which
// cannot reject what is already logged. Pure; cheaper than Validate.
std::vector<FieldError> DatesOutside(const nlohmann::json& rec, const DateWindow& window);

// The day (floor, UTC) of a string DatesOutside takes for a date: a
// YYYY-MM-DD or an RFC 3339 date-time; nullopt for any other string.
std::optional<Day> DateLikeDay(std::string_view s);

// Checks `rec` against the schema. `resolver` may be null to skip reference
// checks (used when a batch is checked before its references exist).
// `dates`, when given, is the window every date and date-time of the record
// (but those of a case record's own `date_window`) must fall in; null: no
// such check (Validate stays pure: the caller owns the clock).
// `vocabulary`, when given, is what the record's case adds to the controlled
// vocabularies (VocabularyOf its case record); null: the core only.
std::vector<FieldError> Validate(const nlohmann::json& rec, const Resolver* resolver,
                                 ValidateOptions options = {}, const DateWindow* dates = nullptr,
                                 const CaseVocabulary* vocabulary = nullptr);

// The case a record belongs to: its `case`, or a case record's own id when
// it corrects nothing ("" when neither is a string).
std::string RecordCase(const nlohmann::json& rec);

// The kinds, in documentation order.
const std::vector<std::string>& Kinds();
// True for kinds that must cite at least one source.
bool IsFactualKind(const std::string& kind);

// JSON Schema (2020-12) of every kind, generated from the tables.
nlohmann::json JsonSchema();

// --- The tables, described: for generators of other forms of the schema
// (intake/xform.h builds ODK XForms from them). ---

// What a field holds (Validate checks each as its comment says).
enum class FieldType {
  kText,        // non-empty string
  kId,          // an id (pattern)
  kRef,         // an id that must resolve (to ref_kind unless empty)
  kRefList,     // array of such ids
  kEnum,        // one of values
  kEnumList,    // array of distinct values
  kTextList,    // array of non-empty strings
  kDate,        // YYYY-MM-DD
  kDateTime,    // RFC 3339 or date
  kCount,       // non-negative integer
  kNumber,      // finite number
  kNonNegNumber,
  kBool,
  kUrl,
  kSha256,      // 64 lowercase hex digits
  kLocation,    // an object of FieldInfo::fields (lat, lon, country checked further)
  kQuantityList,  // an array of objects of FieldInfo::fields
  kObject,      // validated by a check of its own; FieldInfo::fields when known
  kArray,       // validated by a check of its own; FieldInfo::fields when a list of known objects
  kIntRange,    // integer in [values[0], values[1]]
  kFraction,    // number in [0, 1]
  kHours,       // number in [0, 24]
  kAny,         // any JSON value but null
};

// One field of a kind's table, as Validate checks it. A unit field (a
// kObject Validate checks against the known units) is described as a kEnum
// of the unit names.
struct FieldInfo {
  std::string name;
  FieldType type = FieldType::kText;
  bool required = false;
  std::vector<std::string> values;  // kEnum, kEnumList: the values (a vocabulary's core terms); kIntRange: {lo, hi}
  std::string ref_kind;             // kRef, kRefList: the kind referred to ("" any)
  std::string vocabulary;           // kEnum, kEnumList: the case vocabulary that extends values, or ""
  std::string description;          // what it holds, in words, as Validate's hints say it
  // kLocation, kQuantityList, and a kObject or kArray of known members: the
  // members (for kArray and kQuantityList, of each element); else empty.
  std::vector<FieldInfo> fields;
};

// A kind's table: its own fields (not the envelope's kind, id, case,
// sources, supersedes, note, confidential, recorded, by).
struct KindInfo {
  std::string name;
  bool factual = false;  // must cite at least one source
  std::string doc;       // what a record of the kind is, in one line
  std::vector<FieldInfo> fields;
};

// The table of `kind`, or nullopt for a name that is not a kind. Pure.
std::optional<KindInfo> DescribeKind(std::string_view kind);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_SCHEMA_H_
