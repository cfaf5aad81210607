// Status and Result<T>: errors as values.
//
// Every fallible operation in Lifeline returns a Status (no value) or a
// Result<T> (a value or a Status). A Status is an ErrorCode plus a message
// that says what failed and where; callers add context on the way up with
// Annotate(): "integrating batch: writing tile 0/x001/017: disk full".
//
// ErrorCode is mapped to process exit codes in exactly one place
// (ExitCodeFor) and, later, to HTTP statuses in exactly one place.
//
// Thread safety: Status and Result are values; distinct objects may be used
// from different threads freely.
#ifndef LIFELINE_BASE_STATUS_H_
#define LIFELINE_BASE_STATUS_H_

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lifeline {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the input is malformed (bad key, bad entry, bad flag)
  kNotFound,            // a store, file, record or tile does not exist
  kAlreadyExists,       // refusing to overwrite (init on an existing store)
  kFailedPrecondition,  // the state forbids it (store locked, wrong origin)
  kUnavailable,         // transient: busy, try again
  kCorruption,          // stored data does not match its hashes or signature
  kVerificationFailed,  // a proof, signature or log does not verify
  kIo,                  // the operating system refused (disk full, EACCES)
  kResourceExhausted,   // a limit was hit (entry too large, queue full)
  kInternal,            // a bug
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message".
  Status Annotate(std::string_view context) const;

  // "corruption: tile 0/000: hash 17 differs" or "OK".
  std::string ToString() const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Constructors that read like the code they name.
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status FailedPreconditionError(std::string message);
Status UnavailableError(std::string message);
Status CorruptionError(std::string message);
Status VerificationFailedError(std::string message);
Status IoError(std::string message);
Status ResourceExhaustedError(std::string message);
Status InternalError(std::string message);

// An I/O error from errno: "opening /x/y: No space left on device".
Status ErrnoError(std::string_view what, int err);

// The documented process exit code for a status (see docs/cli.md).
int ExitCodeFor(const Status& status);

// Result<T> holds either a T or a non-OK Status. The surface follows
// std::expected: has_value(), value(), operator*, operator->, status().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) std::abort();  // an OK status has no value
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  // Precondition for value()/operator*: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // OK when a value is held.
  Status status() const {
    return ok() ? Status() : std::get<Status>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lifeline

#define LIFELINE_CONCAT_INNER_(a, b) a##b
#define LIFELINE_CONCAT_(a, b) LIFELINE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define LIFELINE_RETURN_IF_ERROR(expr)                \
  do {                                                \
    ::lifeline::Status lifeline_status_ = (expr);     \
    if (!lifeline_status_.ok()) return lifeline_status_; \
  } while (0)

// As above, annotating the status with `context` (a string expression).
#define LIFELINE_RETURN_IF_ERROR_CTX(expr, context)                        \
  do {                                                                     \
    ::lifeline::Status lifeline_status_ = (expr);                          \
    if (!lifeline_status_.ok()) return lifeline_status_.Annotate(context); \
  } while (0)

// `lhs = *rexpr;` or returns rexpr's status.
#define LIFELINE_ASSIGN_OR_RETURN(lhs, rexpr)                                \
  LIFELINE_ASSIGN_OR_RETURN_IMPL_(LIFELINE_CONCAT_(lifeline_result_, __LINE__), \
                                  lhs, rexpr)
#define LIFELINE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                     \
  if (!tmp.ok()) return tmp.status();                     \
  lhs = std::move(tmp).value()

#endif  // LIFELINE_BASE_STATUS_H_
