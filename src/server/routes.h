// The route table of `lifeline serve` and what wraps every route: the
// access each route asks for (access.h), rate limits, the paths never
// served, security headers on every answer, errors as JSON, the access log
// and the dashboard's static files.
#ifndef LIFELINE_SERVER_ROUTES_H_
#define LIFELINE_SERVER_ROUTES_H_

#include "server/context.h"
#include "server/http.h"

namespace lifeline::server {

// Sets `http` up to serve `c` (before http.Listen). `c` must outlive `http`.
void InstallRoutes(Context& c, http::Server& http);

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_ROUTES_H_
