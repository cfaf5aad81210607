// The OpenAPI 3 description of the HTTP API (openapi.json, compiled in).
#ifndef LIFELINE_SERVER_OPENAPI_H_
#define LIFELINE_SERVER_OPENAPI_H_

#include <string_view>

namespace lifeline::server {

std::string_view OpenApiDocument();

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_OPENAPI_H_
