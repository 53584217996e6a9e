// Results of commands and queries: {ok, code, reason, message, value}.
//
// The core never throws (it is built with -fno-exceptions, natively and in
// wasm). Every failure is a Status with a code from a small fixed set, a
// stable dotted reason key the UI can translate (e.g. "item.verifier_is_fixer")
// and a human-readable English message.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace weige {

using Json = nlohmann::json;

enum class Code {
  kOk,
  kInvalidArgument,
  kNotFound,
  kFailedPrecondition,
  kPermissionDenied,
  kConflict,
  kInternal,
};

// "ok", "invalid_argument", ... as on the wire.
std::string_view CodeName(Code code);

struct Status {
  Code code = Code::kOk;
  std::string reason;
  std::string message;

  bool ok() const { return code == Code::kOk; }
  static Status Ok() { return {}; }
};

Status Error(Code code, std::string reason, std::string message);
inline Status InvalidArgument(std::string reason, std::string message) {
  return Error(Code::kInvalidArgument, std::move(reason), std::move(message));
}
inline Status NotFound(std::string reason, std::string message) {
  return Error(Code::kNotFound, std::move(reason), std::move(message));
}
inline Status FailedPrecondition(std::string reason, std::string message) {
  return Error(Code::kFailedPrecondition, std::move(reason), std::move(message));
}
inline Status PermissionDenied(std::string reason, std::string message) {
  return Error(Code::kPermissionDenied, std::move(reason), std::move(message));
}
inline Status Conflict(std::string reason, std::string message) {
  return Error(Code::kConflict, std::move(reason), std::move(message));
}
inline Status Internal(std::string reason, std::string message) {
  return Error(Code::kInternal, std::move(reason), std::move(message));
}

// A Status plus the value of a successful call.
struct Result {
  Status status;
  Json value;  // null unless ok

  Result() = default;
  Result(Status s) : status(std::move(s)) {}  // NOLINT: a failed Status converts
  Result(Status s, Json v) : status(std::move(s)), value(std::move(v)) {}

  bool ok() const { return status.ok(); }
  static Result Ok(Json value) { return {Status::Ok(), std::move(value)}; }
  static Result Fail(Status s) { return {std::move(s), nullptr}; }

  // {ok, code, reason, message, value}
  Json ToJson() const;
  std::string Dump() const;
};

// Serializes without throwing: invalid UTF-8 is replaced, never an abort.
std::string DumpJson(const Json& j);

// Early return of a failed Status from a function returning Status or Result.
#define WEIGE_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::weige::Status weige_status_ = (expr);    \
    if (!weige_status_.ok()) return weige_status_; \
  } while (0)

}  // namespace weige
