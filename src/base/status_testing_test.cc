#include "base/status_testing.h"

#include <gtest/gtest-spi.h>

namespace lifeline {
namespace {

TEST(StatusTestingTest, OkPassesAndAFailureShowsTheStatus) {
  EXPECT_OK(Status::Ok());
  EXPECT_OK(Result<int>(3));
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(NotFoundError("no record \"x\"")), "no record \"x\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Result<int>(InvalidArgumentError("bad date"))), "bad date");
}

TEST(StatusTestingTest, StatusIsMatchesCodeAndSubstring) {
  EXPECT_TRUE(StatusIs(NotFoundError("no record \"x\""), ErrorCode::kNotFound, "no record"));
  EXPECT_TRUE(StatusIs(Result<int>(NotFoundError("gone")), ErrorCode::kNotFound));
  EXPECT_FALSE(StatusIs(NotFoundError("gone"), ErrorCode::kInvalidArgument));
  EXPECT_FALSE(StatusIs(NotFoundError("gone"), ErrorCode::kNotFound, "here"));
  EXPECT_FALSE(StatusIs(Status::Ok(), ErrorCode::kNotFound));
}

// The argument is evaluated once, also when it fails.
TEST(StatusTestingTest, EvaluatesItsArgumentOnce) {
  int calls = 0;
  auto failing = [&] {
    ++calls;
    return InternalError("boom");
  };
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(failing()), "boom");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace lifeline
