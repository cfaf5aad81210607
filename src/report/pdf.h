// PDF output of a report through headless Chromium (print to PDF). The
// browser is $LIFELINE_CHROMIUM when set, else /usr/bin/chromium, else
// `chromium` on PATH. It runs with the flags of STYLE.md (headless, no
// sandbox, no GPU, no network-using background services), a fresh
// temporary profile and a time limit, and prints only the local HTML file
// it is given (the report has no external resource).
#ifndef LIFELINE_REPORT_PDF_H_
#define LIFELINE_REPORT_PDF_H_

#include <string>

#include "base/status.h"

namespace lifeline::report {

// The Chromium executable to use; FailedPrecondition naming what to
// install when there is none.
Result<std::string> FindChromium();

// Renders `html` to a PDF at `out` atomically (a temporary file in the same
// directory, renamed over `out`): nothing is left at `out` on failure.
// FailedPrecondition when Chromium is missing, Unavailable when it times
// out or fails, Io on file errors.
Status HtmlToPdf(const std::string& html, const std::string& out, int timeout_seconds = 60);

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_PDF_H_
