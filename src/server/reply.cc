#include "server/reply.h"

#include "record/values.h"

namespace lifeline::server {

using nlohmann::json;

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void SendJson(http::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(Dump(j), "application/json");
}

void SendError(http::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"ok", false}, {"error", message}});
}

void SendStatus(http::Response& res, const Status& s) { SendError(res, HttpStatusFor(s), s.message()); }

void SendText(http::Response& res, const std::shared_ptr<const std::string>& body) {
  res.status = 200;
  res.set_content(*body, "application/json");
}

Result<std::optional<int64_t>> IntParam(const http::Request& req, const char* name, int64_t lo, int64_t hi) {
  if (!req.has_param(name)) return std::optional<int64_t>();
  std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be a non-negative integer");
  }
  int64_t n = std::stoll(v);
  if (n < lo || n > hi) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be between " + std::to_string(lo) +
                                " and " + std::to_string(hi));
  }
  return std::optional<int64_t>(n);
}

Result<std::string> DateParam(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return std::string();
  std::string v = req.get_param_value(name);
  if (!record::ParseDate(v).ok()) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be a date YYYY-MM-DD, not \"" + v + "\"");
  }
  return v;
}

Status OnlyParams(const http::Request& req, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : req.params) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) return InvalidArgumentError("unknown parameter \"" + k + "\"");
  }
  return Status::Ok();
}

}  // namespace lifeline::server
