// Byte helpers: hex and base64 (RFC 4648 §4, standard alphabet, padded)
// codecs and big-endian integers. All pure.
//
// DecodeBase64 is strict: it accepts only canonical encodings (padding
// present, unused bits zero, no whitespace), so one byte string has exactly
// one text form. Signed notes and receipts rely on this.
#ifndef LIFELINE_BASE_BYTES_H_
#define LIFELINE_BASE_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline {

using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string HexEncode(ByteSpan data);
Result<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(ByteSpan data);
Result<std::string> Base64Decode(std::string_view text);

inline void PutBigEndian16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}
inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline uint64_t GetBigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Parses a decimal uint64 with no sign, no leading zeros (except "0"), no
// spaces, at most `max`. `what` names the field in errors.
Result<uint64_t> ParseDecimal(std::string_view s, std::string_view what,
                              uint64_t max = UINT64_MAX);

}  // namespace lifeline

#endif  // LIFELINE_BASE_BYTES_H_
