// The line bound the fuzz targets check diagnostics against; apart from
// check_result.h so that csv_fuzzer, which exercises src/tabular only, needs
// nothing from src/ingest.
#ifndef LIFELINE_FUZZ_INGEST_LINE_BOUND_H_
#define LIFELINE_FUZZ_INGEST_LINE_BOUND_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lifeline::tabular::fuzz {

// Physical lines as the CSV reader counts them (LF, CRLF, lone CR), plus one.
inline uint64_t LineBound(std::string_view s) {
  uint64_t n = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n'))) ++n;
  }
  return n + 1;
}

}  // namespace lifeline::tabular::fuzz

#endif  // LIFELINE_FUZZ_INGEST_LINE_BOUND_H_
