#include "core/domain/result.h"

namespace weige {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kConflict: return "conflict";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

Status Error(Code code, std::string reason, std::string message) {
  Status s;
  s.code = code;
  s.reason = std::move(reason);
  s.message = std::move(message);
  return s;
}

Json Result::ToJson() const {
  Json j = Json::object();
  j["ok"] = status.ok();
  j["code"] = std::string(CodeName(status.code));
  j["reason"] = status.reason;
  j["message"] = status.message;
  j["value"] = value;
  return j;
}

std::string Result::Dump() const { return DumpJson(ToJson()); }

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace weige
