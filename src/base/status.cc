#include "base/status.h"

#include <cstring>

namespace lifeline {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kFailedPrecondition: return "failed precondition";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kCorruption: return "corruption";
    case ErrorCode::kVerificationFailed: return "verification failed";
    case ErrorCode::kIo: return "I/O error";
    case ErrorCode::kResourceExhausted: return "resource exhausted";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown";
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(ErrorCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

Status InvalidArgumentError(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
Status NotFoundError(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
Status AlreadyExistsError(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
Status FailedPreconditionError(std::string m) { return {ErrorCode::kFailedPrecondition, std::move(m)}; }
Status UnavailableError(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
Status CorruptionError(std::string m) { return {ErrorCode::kCorruption, std::move(m)}; }
Status VerificationFailedError(std::string m) { return {ErrorCode::kVerificationFailed, std::move(m)}; }
Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
Status ResourceExhaustedError(std::string m) { return {ErrorCode::kResourceExhausted, std::move(m)}; }
Status InternalError(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

Status ErrnoError(std::string_view what, int err) {
  std::string m(what);
  m += ": ";
  m += std::strerror(err);
  return IoError(std::move(m));
}

// Exit codes (documented in docs/cli.md; scripts rely on them):
//   0 success, 1 verification failed or corruption found, 2 usage or invalid
//   input, 3 not found, 4 failed precondition (locked, exists), 5 I/O,
//   6 resource limit, 70 internal.
int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kVerificationFailed:
    case ErrorCode::kCorruption: return 1;
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kNotFound: return 3;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnavailable: return 4;
    case ErrorCode::kIo: return 5;
    case ErrorCode::kResourceExhausted: return 6;
    case ErrorCode::kInternal: return 70;
  }
  return 70;
}

}  // namespace lifeline
