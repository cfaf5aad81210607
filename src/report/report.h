// Situation reports: one self-contained HTML page (inline CSS and SVG, no
// script to execute, no external resource) that states, for a case and a
// period, the key figures, route statuses, cargo against need, patients
// transferred, utility outages, incidents, compliance with obligations, an
// optional forecast, the sources behind the figures and the signed
// checkpoint everything was computed from. docs/report.md describes it.
//
// Every figure is machine-checkable. It appears as
//   <data class="fig" data-key="KEY" value="VALUE">localised text</data>
// and all figures are repeated, with the parameters that produced them, in
//   <script type="application/json" id="lifeline-report">{"version":1, ...}
// VALUE is canonical: a decimal number with '.' and a fixed number of
// decimals per key, an ISO date, or "" for "no value". VerifyReport
// recomputes them from the log at the report's checkpoint.
//
// Thread safety: the functions read the store through its own interface
// (whatever it guarantees for concurrent readers) and share no state.
#ifndef LIFELINE_REPORT_REPORT_H_
#define LIFELINE_REPORT_REPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "note/note.h"
#include "store/store.h"

namespace lifeline::report {

// The forecast's default trajectory count in a report: enough for stable
// percentiles at report resolution, small enough for a report in well under
// 100 ms. The report states the count it used.
inline constexpr int64_t kReportTrajectories = 2000;

struct ReportOptions {
  std::string case_id;
  std::string from, to;          // YYYY-MM-DD; empty: the case's start / end
  std::string lang = "en";       // en | hy | ru | fr
  std::optional<uint64_t> at;    // checkpoint size; nullopt: the latest
  // A forecast scenario (TOML text, docs/analysis.md) and its name. Empty:
  // the report has no forecast (a scenario's inputs are hypothetical and
  // must be chosen by whoever publishes the report). The text is embedded in
  // the report so that verify-report reruns the same forecast.
  std::string scenario_name, scenario_toml;
  int64_t trajectories = 0;      // 0: min(the scenario's, kReportTrajectories)
  std::string file_name;         // named in the verification instructions
  // The checkpoint note to embed, given the stored signed one: e.g. with the
  // witnesses' cosignatures appended, so that a reader's verifier can check
  // the quorum (docs/report.md). Unset: the stored note. A note that does
  // not verify with the log's key or names another size or root is ignored
  // (the stored note is used). Figures never depend on it.
  std::function<std::string(const std::string& stored_note)> published_note;
};

// A report and its figures (key -> canonical value), in key order.
struct RenderedReport {
  std::string html;
  std::map<std::string, std::string> figures;
  std::map<std::string, std::string> texts;  // key -> the localised text shown
  std::string from, to;                     // the period actually used
  uint64_t size = 0;                        // the checkpoint's tree size
  std::string root;                         // its root hash, base64
};

// Renders the report at the checkpoint (latest, or opts.at) after checking
// its signature with `log_key`. Errors: InvalidArgument (bad date, language,
// scenario), NotFound (no such case or checkpoint), VerificationFailed (the
// checkpoint does not verify), FailedPrecondition (a scenario value the
// records do not give).
Result<RenderedReport> Render(store::LogStore& store, const note::Verifier& log_key, const ReportOptions& opts);

// Render(...)->html: what the HTTP API serves.
Result<std::string> RenderReport(store::LogStore& store, const note::Verifier& log_key, const ReportOptions& opts);

// One figure that differs. `where`: "json" (the embedded JSON block),
// "element" (a visible <data class="fig"> value), "text" (the visible text
// of an element does not say its value), "checkpoint-note" (the visible
// note differs from the signed one), "pdf-text" (a PDF report's text layer
// differs from the HTML it carries: key is the figure the difference falls
// in, else "page N"; see text_layer.h).
struct FigureDiff {
  std::string key, where, reported, recomputed;
};

struct VerifyResult {
  std::string case_id, from, to, lang, scenario;
  uint64_t size = 0;
  std::string root;
  size_t figures = 0;   // figures in the JSON block
  size_t elements = 0;  // visible figure elements checked
  size_t pdf_pages = 0; // a PDF report: the pages whose text was compared (0: HTML)
  std::vector<FigureDiff> diffs;
  bool ok() const { return diffs.empty(); }
};

// Parses a report, verifies its checkpoint note with `log_key`, checks
// that `store` holds that checkpoint with the same root, recomputes every
// figure there with the report's parameters and compares. A report whose
// figures differ is an OK result with diffs. Errors: InvalidArgument (not
// a Lifeline report, or malformed), VerificationFailed (the note does not
// verify, or does not match the stated size and root, or the store's
// checkpoint of that size has another root), NotFound (the store has no
// checkpoint of that size), and Render's errors.
Result<VerifyResult> VerifyReport(std::string_view html, store::LogStore& store, const note::Verifier& log_key);

}  // namespace lifeline::report

#endif  // LIFELINE_REPORT_REPORT_H_
