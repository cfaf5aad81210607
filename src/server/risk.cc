// GET /api/v1/cases/{id}/risk: the atrocity-risk view (analysis/risk.h) at
// a verified checkpoint (at=, or the latest), cached by that checkpoint.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/risk.h"
#include "analysis/verified.h"
#include "record/framework.h"
#include "server/handlers.h"
#include "server/reply.h"

namespace lifeline::server {

void GetRisk(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {"at", "framework"}); !s.ok()) return SendStatus(res, s);
  const std::string case_id = req.matches[1];
  const std::string name = req.has_param("framework") ? req.get_param_value("framework") : "un-foa-2014";
  const record::Framework* fw = record::FindFramework(name);
  if (fw == nullptr) {
    return SendStatus(res, InvalidArgumentError("parameter framework: \"" + name +
                                                "\" is not a known framework (known: " + record::FrameworkIds() + ")"));
  }
  std::optional<CaseAtCheckpoint> open = OpenCaseAt(c, req, res, who);
  if (!open) return;
  const analysis::CheckpointRef& cp = open->vc.cp;
  const std::string key = "risk\n" + case_id + "\n" + fw->id + "\n@" + std::to_string(cp.size) + " " + cp.root;
  if (auto hit = c.analyses.GetExact(key)) return SendText(res, hit);
  auto risk = analysis::ComputeRisk(*open->st, case_id, cp, *fw);
  if (!risk.ok()) return SendStatus(res, risk.status());
  nlohmann::json j = analysis::RiskJson(*risk);
  j["ok"] = true;
  auto body = std::make_shared<const std::string>(Dump(j));
  c.analyses.PutExact(key, body);
  SendText(res, body);
}

}  // namespace lifeline::server
