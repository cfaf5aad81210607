// PDF output of a report through headless Chromium (print to PDF), and the
// verification of such a PDF.
//
// A PDF report carries the exact HTML it was printed from as an embedded
// file (a file attachment: the EmbeddedFile named kPdfReportAttachment in
// the document's EmbeddedFiles name tree, subtype text/html). VerifyPdfReport
// verifies that HTML as VerifyReport verifies any report, and checks that
// the PDF's text layer says what the HTML says (text_layer.h). qpdf writes
// and reads the attachment, poppler reads the text; both are used by
// pdf.cc alone, which catches their exceptions.
//
// The browser is $LIFELINE_CHROMIUM when set, else /usr/bin/chromium, else
// `chromium` on PATH. It runs with the flags of STYLE.md (headless, no
// sandbox, no GPU, no network-using background services), a fresh
// temporary profile and a time limit, and prints only the local HTML file
// it is given (the report has no external resource).
#ifndef LIFELINE_REPORT_PDF_H_
#define LIFELINE_REPORT_PDF_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "note/note.h"
#include "report/report.h"
#include "store/store.h"

namespace lifeline::report {

// The Chromium executable to use; FailedPrecondition naming what to
// install when there is none.
Result<std::string> FindChromium();

// The name of the attachment that holds a PDF report's HTML.
inline constexpr std::string_view kPdfReportAttachment = "lifeline-report.html";

// Whether `data` starts with the PDF magic "%PDF-".
bool IsPdf(std::string_view data);

// Renders `html` to a PDF with the HTML attached (AttachReportHtml) at `out`
// atomically (a temporary file in the same directory, renamed over `out`):
// nothing is left at `out` on failure. FailedPrecondition when Chromium is
// missing, Unavailable when it times out or fails, Internal when the PDF it
// printed cannot be rewritten, Io on file errors.
Status HtmlToPdf(const std::string& html, const std::string& out, int timeout_seconds = 60);

// `pdf` with `html` attached as kPdfReportAttachment (replacing one of that
// name), with a description saying what it is. InvalidArgument when `pdf`
// is not a readable PDF.
Result<std::string> AttachReportHtml(std::string_view pdf, std::string_view html);

// What a PDF report holds: the attached HTML and the text of each page
// (UTF-8, in content-stream order).
struct PdfReport {
  std::string html;
  std::vector<std::string> pages;
};

// Reads the attachment and the pages' text. InvalidArgument when `pdf` is
// damaged, truncated, encrypted or unreadable (qpdf had to repair it, or
// poppler cannot open it), or carries no Lifeline report attachment.
// Thread safety: may run concurrently with itself (poppler's error output
// is silenced once, process-wide).
Result<PdfReport> ReadPdfReport(std::string_view pdf);

// VerifyReport on the attached HTML, plus the PDF's text against it:
// differences are FigureDiffs with where "pdf-text" (ComparePrintedText).
// Errors: ReadPdfReport's and VerifyReport's.
Result<VerifyResult> VerifyPdfReport(std::string_view pdf, store::LogStore& store, const note::Verifier& log_key);

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_PDF_H_
