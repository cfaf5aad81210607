// The class of a movement outcome (docs/records.md, "Vocabularies"): the
// core outcome a term counts as. A case adds outcome terms in its case
// record's `vocabulary.outcome` as {term: {"definition": "...",
// "counts_as": "completed" | "stopped" | "turned_back"}}; the analyses count
// a movement by its term's class, never by the term, so that a case's own
// "did not get through" (e.g. `diverted`) is not counted as delivered.
//
// Thread safety: pure functions; an OutcomeClasses may be read from several
// threads at once.
#ifndef LIFELINE_RECORD_OUTCOME_CLASS_H_
#define LIFELINE_RECORD_OUTCOME_CLASS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lifeline::record {

// The classes a case's own outcome term may count as, in documentation
// order.
inline constexpr std::string_view kOutcomeClasses[] = {"completed", "stopped", "turned_back"};

// A case's own outcome terms -> the core outcome each counts as (one of
// kOutcomeClasses).
using OutcomeClasses = std::map<std::string, std::string, std::less<>>;

// The well-formed outcome terms `case_record` (null when unknown) defines,
// with their classes; a term given a bare definition, no class or a class
// outside kOutcomeClasses is left out (Validate refuses it; a reader of the
// log finds it has no class).
OutcomeClasses OutcomeClassesOf(const nlohmann::json* case_record);

// The core outcome `term` counts as: a core term its own class (`departed`
// and "" (no outcome given) count as `completed`), a case's term its
// `counts_as`; nullopt for any other term. The view points into static
// storage or into `classes`.
std::optional<std::string_view> OutcomeClassOf(const OutcomeClasses& classes, std::string_view term);

// Why `entry`, the value of vocabulary.outcome.<term> in a case record, is
// not a well-formed outcome term ({"definition": non-empty string,
// "counts_as": one of kOutcomeClasses}, nothing else); "" when it is.
std::string OutcomeTermError(const nlohmann::json& entry);

// The definition of a well-formed outcome term entry, or nullptr.
const std::string* OutcomeTermDefinition(const nlohmann::json& entry);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_OUTCOME_CLASS_H_
