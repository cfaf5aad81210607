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

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lifeline::record {

inline constexpr int kSchemaVersion = 2;

struct FieldError {
  std::string field;  // path within the record; empty for the record as a whole
  std::string message;
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

struct ValidateOptions {
  // Records read back from the log carry `recorded` and `by`; submissions
  // must not.
  bool allow_server_fields = false;
};

// Checks `rec` against the schema. `resolver` may be null to skip reference
// checks (used when a batch is checked before its references exist).
std::vector<FieldError> Validate(const nlohmann::json& rec, const Resolver* resolver,
                                 ValidateOptions options = {});

// The case a record belongs to: its `case`, or a case record's own id when
// it corrects nothing ("" when neither is a string).
std::string RecordCase(const nlohmann::json& rec);

// The kinds, in documentation order.
const std::vector<std::string>& Kinds();
// True for kinds that must cite at least one source.
bool IsFactualKind(const std::string& kind);

// JSON Schema (2020-12) of every kind, generated from the tables.
nlohmann::json JsonSchema();

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_SCHEMA_H_
