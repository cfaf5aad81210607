// Test helpers shared by the note tests: a parse's error message, and the
// RFC 6962 leaf hash of an entry.
#ifndef LIFELINE_NOTE_NOTE_TESTING_H_
#define LIFELINE_NOTE_NOTE_TESTING_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace lifeline::note {

// Expects a failure whose message contains `want`; `input` is shown if not.
template <typename T>
void ExpectError(const Result<T>& r, const std::string& want, const std::string& input) {
  ASSERT_FALSE(r.ok()) << "accepted: " << input;
  EXPECT_NE(r.status().message().find(want), std::string::npos)
      << "input: " << input << "\nmessage: " << r.status().message() << "\nwant: " << want;
}
inline void ExpectError(const Status& s, const std::string& want, const std::string& input) {
  ASSERT_FALSE(s.ok()) << "accepted: " << input;
  EXPECT_NE(s.message().find(want), std::string::npos)
      << "input: " << input << "\nmessage: " << s.message() << "\nwant: " << want;
}

// The leaf hash of `entry` (RFC 6962: SHA-256 of 0x00 then the entry).
inline crypto::Hash LeafHash(std::string_view entry) { return crypto::Sha256WithPrefix(0, AsBytes(entry)); }

}  // namespace lifeline::note

#endif  // LIFELINE_NOTE_NOTE_TESTING_H_
