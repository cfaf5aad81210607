// How handlers of `lifeline serve` answer and read their parameters: JSON
// bodies, errors as {"ok": false, "error": ...} with the one mapping of
// ErrorCode to HTTP status, and strict query parameters (an unknown or
// malformed one is a 400, never silently ignored).
#ifndef LIFELINE_SERVER_REPLY_H_
#define LIFELINE_SERVER_REPLY_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "server/http.h"

namespace lifeline::server {

// The HTTP status for an error (200 for Ok).
int HttpStatusFor(const Status& s);

// Compact JSON; invalid UTF-8 in strings is replaced, never thrown on.
std::string Dump(const nlohmann::json& j);

void SendJson(http::Response& res, int status, const nlohmann::json& j);
void SendError(http::Response& res, int status, const std::string& message);
void SendStatus(http::Response& res, const Status& s);
// 200 with a JSON text made earlier (a cached analysis).
void SendText(http::Response& res, const std::shared_ptr<const std::string>& body);

// A strict decimal parameter in [lo, hi]; nullopt when absent.
Result<std::optional<int64_t>> IntParam(const http::Request& req, const char* name, int64_t lo, int64_t hi);
// A date YYYY-MM-DD; "" when absent.
Result<std::string> DateParam(const http::Request& req, const char* name);
// Every parameter a route accepts; an unknown one is a 400 (a typo must not
// silently widen a query).
Status OnlyParams(const http::Request& req, std::initializer_list<const char*> allowed);

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_REPLY_H_
