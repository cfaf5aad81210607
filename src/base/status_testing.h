// Test helpers for Status and Result<T>, in the manner of Abseil's status
// matchers (for tests only: includes gtest).
//
//   ASSERT_OK(store->Apply(commit));        // prints the status on failure
//   EXPECT_OK(result);                       // a Result<T>: its status
//   EXPECT_TRUE(StatusIs(r, ErrorCode::kNotFound, "no record"));
//
// Each evaluates its argument once.
#ifndef LIFELINE_BASE_STATUS_TESTING_H_
#define LIFELINE_BASE_STATUS_TESTING_H_

#include <gtest/gtest.h>

#include <string_view>

#include "base/status.h"

namespace lifeline {
namespace status_testing_internal {

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace status_testing_internal

// Success when `v` (a Status or a Result) is OK; else its status.
template <typename T>
::testing::AssertionResult IsOk(const T& v) {
  Status s = status_testing_internal::StatusOf(v);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.ToString();
}

// Success when `v`'s status has `code` and its message holds `substring`.
template <typename T>
::testing::AssertionResult StatusIs(const T& v, ErrorCode code, std::string_view substring = "") {
  Status s = status_testing_internal::StatusOf(v);
  if (s.code() == code && s.message().find(substring) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "status " << (s.ok() ? std::string("OK") : s.ToString()) << ", wanted "
                                       << ErrorCodeName(code) << " holding \"" << substring << "\"";
}

}  // namespace lifeline

#define ASSERT_OK(expr) ASSERT_TRUE(::lifeline::IsOk(expr))
#define EXPECT_OK(expr) EXPECT_TRUE(::lifeline::IsOk(expr))

#endif  // LIFELINE_BASE_STATUS_TESTING_H_
