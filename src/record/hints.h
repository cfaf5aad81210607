// Building blocks of the hints refusals carry (docs/records.md, "Refusals
// and hints"): where the docs explain a rule, which known name a misspelt
// one was meant to be, and which command lists records of a kind. Pure
// functions; thread-safe.
#ifndef LIFELINE_RECORD_HINTS_H_
#define LIFELINE_RECORD_HINTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline::record {

// `docs/records.md, "<section>"`: where a hint sends the reader.
std::string RecordsDoc(std::string_view section);

// The number of single-character insertions, deletions, substitutions and
// transpositions of adjacent characters that turn `a` into `b` (optimal
// string alignment distance).
size_t EditDistance(std::string_view a, std::string_view b);

// The name of `known` nearest to `name` by EditDistance, if it is near
// enough to be a misspelling of it (at most 2 edits, and fewer than half of
// `name`'s length); the first such in `known` on a tie.
std::optional<std::string> NearestName(std::string_view name, const std::vector<std::string>& known);

// The names of `known` joined with ", ".
std::string JoinNames(const std::vector<std::string>& known);

// What lists the records a reference of kind `kind` ("" for any kind) may
// name: "`lifeline list --kind route` (or GET /v1/records?kind=route) lists
// the route records in the store".
std::string ListRecordsHint(std::string_view kind);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_HINTS_H_
