// The tlog-witness add-checkpoint call over HTTP (internal to the witness
// module). http_client.cc is the only file of this module that includes
// cpp-httplib (an exception to STYLE.md's "only server includes httplib.h",
// like src/alerts/webhook.cc: the client side of an outbound protocol).
#ifndef LIFELINE_WITNESS_HTTP_CLIENT_H_
#define LIFELINE_WITNESS_HTTP_CLIENT_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::witness::internal {

// Responses larger than this are cut off with an error (a witness answers
// with a few signature lines or a size).
inline constexpr size_t kMaxResponseBytes = 64 * 1024;

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// POSTs `body` to base_url + "/add-checkpoint". Unavailable when there is
// no HTTP response (connection refused, timeout, TLS failure); the status
// of any response is returned as is. Each connect, write and read waits at
// most `timeout`. Thread-safe (one client per call).
Result<HttpResponse> PostAddCheckpoint(const std::string& base_url, const std::string& body,
                                       std::chrono::milliseconds timeout);

}  // namespace lifeline::witness::internal

#endif  // LIFELINE_WITNESS_HTTP_CLIENT_H_
