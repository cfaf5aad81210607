// `lifeline risk`: the atrocity-risk view of a case (analysis/risk.h) at a
// checkpoint whose signature is checked with the store's verifier key.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "analysis/risk.h"
#include "analysis/verified.h"
#include "cli/common.h"
#include "record/framework.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

struct RiskArgs {
  std::string case_id, format = "table", framework = "un-foa-2014";
  int64_t at = -1;  // -1: the latest checkpoint
};

Result<analysis::Risk> Compute(const Globals& g, const RiskArgs& a) {
  if (a.format != "table" && a.format != "json") {
    return InvalidArgumentError("--format must be table or json, not \"" + a.format + "\"");
  }
  const record::Framework* fw = record::FindFramework(a.framework);
  if (fw == nullptr) {
    return InvalidArgumentError("--framework \"" + a.framework + "\" is not a known framework (known: " +
                                record::FrameworkIds() + ")");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string dir, StoreDir(g));
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(dir));
  std::optional<uint64_t> at;
  if (a.at >= 0) at = static_cast<uint64_t>(a.at);
  auto vc = analysis::VerifyStoredCheckpoint(*rs.store, rs.verifier, at);
  if (!vc.ok()) return at ? vc.status().Annotate("--at") : vc.status();
  return analysis::ComputeRisk(*rs.store, a.case_id, vc->cp, *fw);
}

int CmdRisk(const Globals& g, const RiskArgs& a) {
  auto r = Compute(g, a);
  if (!r.ok()) return Fail(g, r.status());
  if (g.json || a.format == "json") {
    nlohmann::json j = analysis::RiskJson(*r);
    j["ok"] = true;
    std::cout << j.dump(g.json ? -1 : 2) << "\n";
  } else {
    std::cout << analysis::RiskTable(*r);
  }
  return 0;
}

}  // namespace

void AddRiskCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto args = std::make_shared<RiskArgs>();
  auto* cmd = app.add_subcommand(
      "risk", "the records monitors tagged against the UN Framework of Analysis for Atrocity Crimes, per factor and "
              "indicator, with corroboration, dates and authors (counts and cites; states no verdict)");
  cmd->add_option("--case", args->case_id, "case id")->required();
  cmd->add_option("--format", args->format, "table (default) or json");
  cmd->add_option("--framework", args->framework, "framework id (data/frameworks/<id>.json; default un-foa-2014)");
  cmd->add_option("--at", args->at, "the checkpoint (tree size) to compute from (default: the latest)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&, args] { action = [&, args] { return CmdRisk(g, *args); }; });
}

}  // namespace lifeline::cli
