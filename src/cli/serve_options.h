// What `lifeline serve` and `lifeline publish` set up alike around a
// server::Server for the store in a directory: the defaults of the
// dashboard's and the scenarios' directories, and the callbacks that give
// the log's published face (the cosigned checkpoint, the witness policy,
// verify.html), so that a publication shows exactly what the server would.
//
// Thread safety: the callbacks set are thread-safe (they read files per call).
#ifndef LIFELINE_CLI_SERVE_OPTIONS_H_
#define LIFELINE_CLI_SERVE_OPTIONS_H_

#include <string>

#include "server/server.h"

namespace lifeline::cli {

// data/cases of the source tree this binary was built from, when it is
// there; else "".
std::string DefaultCasesDir();

// Sets o->published_checkpoint, o->witness_policy and o->verifier_page for
// the store in `store_dir` (o->web_dir holds verify.html's template).
void SetPublishedFace(const std::string& store_dir, server::ServerOptions* o);

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_SERVE_OPTIONS_H_
