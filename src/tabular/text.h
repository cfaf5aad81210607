// Text primitives below both the readers (src/ingest) and the writers
// (src/export): trimming, UTF-8 checks, the Windows-1252 fallback that
// ParseCsv applies, and accent folding for matching names (country_codes.h).
//
// Pure functions; thread-safe.
#ifndef LIFELINE_TABULAR_TEXT_H_
#define LIFELINE_TABULAR_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lifeline::tabular {

// How the input bytes of a file were decoded.
enum class TextEncoding {
  kUtf8,         // valid UTF-8 (a leading BOM is dropped)
  kWindows1252,  // not UTF-8: read as Windows-1252 (a superset of the printable
                 // Latin-1 range) and transcoded to UTF-8
};

// Without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
std::string_view Trim(std::string_view s);

// Offset of the first byte that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are ill-formed),
// or nullopt when all of `s` is UTF-8.
std::optional<size_t> FirstInvalidUtf8(std::string_view s);

// True when `s` holds at least one multi-byte UTF-8 sequence.
bool HasUtf8MultiByte(std::string_view s);

// Decodes Windows-1252 (the WHATWG "latin1" decoder: 0x80-0x9F are the
// Windows punctuation, the five unassigned ones map to U+0081 etc.) to UTF-8.
std::string Windows1252ToUtf8(std::string_view s);

// Latin-1 letters written in UTF-8 (U+00C0-U+00FF) without their accents:
// "Panamá" -> "Panama", "Straße" -> "Strasse"; other bytes unchanged.
std::string FoldLatinAccents(std::string_view s);

}  // namespace lifeline::tabular

#endif  // LIFELINE_TABULAR_TEXT_H_
