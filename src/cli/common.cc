#include "cli/common.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/progress.h"

namespace lifeline::cli {

int Fail(const Globals& g, const Status& s) {
  if (g.json) {
    nlohmann::json j = {{"ok", false}, {"error", std::string(ErrorCodeName(s.code()))}, {"message", s.message()}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  std::fprintf(stderr, "lifeline: %s\n", s.ToString().c_str());
  return ExitCodeFor(s);
}

Result<std::string> StoreDir(const Globals& g) {
  if (!g.store.empty()) return g.store;
  const char* env = std::getenv("LIFELINE_STORE");
  if (env != nullptr && *env != '\0') return std::string(env);
  return InvalidArgumentError("no store given: use --store DIR or set LIFELINE_STORE");
}

bool ShowProgress(const Globals& g) { return !g.json && !g.quiet && StderrIsTerminal(); }

}  // namespace lifeline::cli
