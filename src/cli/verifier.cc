// verify.html: the template with the log's key and witness policy pinned.
#include "cli/verifier.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "store_dir/store_dir.h"
#include "witness/witness.h"

namespace lifeline::cli {
namespace {

// JSON text safe inside a <script> element: '<', '>' and '&' as \u escapes
// (outside strings JSON has none of them, so this changes no value).
std::string ScriptSafeJson(const nlohmann::json& j) {
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '<' || ch == '>' || ch == '&') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(ch));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string VerifierTemplatePath(const std::string& web_dir) { return web_dir + "/vendor/verify/verify.template.html"; }

Result<std::string> FillVerifierTemplate(std::string_view tmpl, std::string_view log_vkey, std::string_view policy_text,
                                         bool policy_file) {
  size_t at = tmpl.find(kVerifierPinsPlaceholder);
  if (at == std::string_view::npos || tmpl.find(kVerifierPinsPlaceholder, at + 1) != std::string_view::npos) {
    return InvalidArgumentError("the verifier template does not hold its pins placeholder exactly once (rebuild it: scripts/web.sh)");
  }
  if (!IsLifelineVerifier(tmpl)) return InvalidArgumentError("the verifier template lacks its generator mark (rebuild it: scripts/web.sh)");
  nlohmann::json pins = {{"log_vkey", std::string(log_vkey)}, {"policy", std::string(policy_text)}, {"policy_file", policy_file}};
  std::string safe;
  try {
    safe = ScriptSafeJson(pins);
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("the log key or witness policy is not valid UTF-8");
  }
  std::string out;
  out.reserve(tmpl.size() + safe.size());
  out.append(tmpl.substr(0, at));
  out += safe;
  out.append(tmpl.substr(at + kVerifierPinsPlaceholder.size()));
  return out;
}

Result<std::string> VerifierPage(const std::string& store_dir, const std::string& web_dir) {
  if (web_dir.empty()) {
    return NotFoundError("no web directory to take verify.html's template from: run scripts/web.sh in the source tree, "
                         "then pass --web DIR (or set LIFELINE_WEB)");
  }
  std::string path = VerifierTemplatePath(web_dir);
  auto tmpl = store_dir::ReadFile(path);
  if (!tmpl.ok()) {
    if (tmpl.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("verify.html's template " + path + " is missing: run scripts/web.sh (it builds it)");
    }
    return tmpl.status().Annotate("reading verify.html's template");
  }
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(store_dir));
  const std::string vkey = rs.verifier.ToString();
  std::string policy_text;
  bool policy_file = true;
  auto policy = witness::LoadPolicy(store_dir);
  if (policy.ok()) {
    LIFELINE_RETURN_IF_ERROR(witness::CheckLogListed(*policy, rs.verifier));
    policy_text = witness::FormatPolicy(*policy);
  } else if (policy.status().code() == ErrorCode::kNotFound) {
    // No witness configured: the log alone, quorum none (docs/witness.md).
    policy_text = "log " + vkey + "\nquorum none\n";
    policy_file = false;
  } else {
    return policy.status();
  }
  return FillVerifierTemplate(*tmpl, vkey, policy_text, policy_file);
}

bool IsLifelineVerifier(std::string_view content) { return content.find(kVerifierGenerator) != std::string_view::npos; }

std::string DefaultWebDir() {
  if (const char* e = std::getenv("LIFELINE_WEB"); e != nullptr && *e != '\0') return e;
#ifdef LIFELINE_SOURCE_WEB_DIR
  std::error_code ec;
  if (std::filesystem::exists(std::string(LIFELINE_SOURCE_WEB_DIR) + "/index.html", ec)) return LIFELINE_SOURCE_WEB_DIR;
#endif
  return "";
}

}  // namespace lifeline::cli
