// verify.html, the one-file verifier (docs/report.md, "Verify a report you
// were sent"): the template built by scripts/web.sh
// (WEB/vendor/verify/verify.template.html, from web/verify/) with the log's
// verifier key and witness policy pinned in it. `lifeline verifier`,
// `lifeline report` (beside the report) and `lifeline serve`
// (/verify.html) all make it here.
//
// The pins are one JSON object in the template's
//   <script type="application/json" id="lifeline-pins">/*LIFELINE-PINS*/null</script>
// replacing the placeholder: {"log_vkey": VKEY, "policy": TEXT,
// "policy_file": BOOL}. Every '<', '>' and '&' in it is written as \uXXXX,
// so no text of a key or policy can end the element or start markup.
//
// Thread safety: functions of their arguments and the files they read.
#ifndef LIFELINE_CLI_VERIFIER_H_
#define LIFELINE_CLI_VERIFIER_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::cli {

// The placeholder the template holds exactly once.
inline constexpr std::string_view kVerifierPinsPlaceholder = "/*LIFELINE-PINS*/null";
// The template's generator mark: a file with it is a Lifeline verifier
// (`report` replaces verify.html beside a report only when it has it).
inline constexpr std::string_view kVerifierGenerator = "<meta name=\"generator\" content=\"lifeline-verifier\">";

// WEB/vendor/verify/verify.template.html.
std::string VerifierTemplatePath(const std::string& web_dir);

// Fills `tmpl` with the pins. `policy_text` is a tlog-policy text;
// `policy_file` says whether it came from DIR/witness-policy (false: the
// default of the log alone, quorum none). InvalidArgument when the template
// does not hold the placeholder exactly once or lacks the generator mark.
Result<std::string> FillVerifierTemplate(std::string_view tmpl, std::string_view log_vkey, std::string_view policy_text,
                                         bool policy_file);

// The page for the store in `store_dir`: its verifier key, DIR/witness-policy
// (or the default), and the template under `web_dir`. NotFound naming
// scripts/web.sh when there is no template (or no web directory).
Result<std::string> VerifierPage(const std::string& store_dir, const std::string& web_dir);

// True when `content` is a page this module wrote (it has the mark).
bool IsLifelineVerifier(std::string_view content);

// The dashboard's files: --web, else $LIFELINE_WEB, else web/ of the source
// tree this binary was built from (when it is there), else "".
std::string DefaultWebDir();

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_VERIFIER_H_
