// RFC 8785 JSON Canonicalization Scheme (JCS): the bytes of a record that
// are hashed into the log, so that anyone can recompute them.
//
//   - objects: members sorted by their names' UTF-16 code units, no
//     whitespace; duplicate names are an error (I-JSON, RFC 7493);
//   - strings: UTF-8, escaping only '"', '\\' and U+0000..U+001F (as \b \t
//     \n \f \r or \u00xx in lower case);
//   - numbers: IEEE 754 doubles written as ECMAScript's Number.toString
//     does (shortest round trip; 1e+21 and up, and below 1e-6, exponential).
//     NaN and infinities do not exist in JSON; integers that a double cannot
//     hold exactly (2^53 + 1, say) are refused.
// Pure; thread-safe.
#ifndef LIFELINE_RECORD_CANONICAL_H_
#define LIFELINE_RECORD_CANONICAL_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::record {

// Parses JSON text strictly: one value, valid UTF-8, no duplicate object
// member names, nesting at most 64 deep, integers exactly representable as
// doubles. The error says what and at which byte.
Result<nlohmann::json> ParseJson(std::string_view text);

// The JCS serialisation of a value. InvalidArgument for numbers that are
// not finite or not exactly representable.
Result<std::string> Canonicalize(const nlohmann::json& value);

// ParseJson then Canonicalize.
Result<std::string> CanonicalizeText(std::string_view text);

// ECMAScript Number::toString for a finite double (exposed for tests).
std::string FormatNumber(double v);

}  // namespace lifeline::record

#endif  // LIFELINE_RECORD_CANONICAL_H_
