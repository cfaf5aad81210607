// `lifeline report` (a situation report, HTML or PDF) and `lifeline
// verify-report` (recompute a report's figures from the log). The work is in
// src/report; this file turns flags into ReportOptions and results into
// output and exit codes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/common.h"
#include "cli/verifier.h"
#include "store_dir/store_dir.h"
#include "base/file.h"
#include "report/pdf.h"
#include "report/report.h"
#include "witness/witness.h"

namespace lifeline::cli {
namespace {

// verify-report: the report's figures differ from those recomputed from the
// log (docs/cli.md, "Exit codes").
constexpr int kExitFiguresDiffer = 8;

struct ReportArgs {
  std::string case_id, from, to, lang = "en", format = "html", out, scenario;
  bool no_verifier = false;
  int64_t at = -1;
  int64_t trajectories = 0;
};

// Writes verify.html (the one-file verifier of this log) beside a report,
// so that whoever receives the two can check the report without the CLI.
// Never fails the report: what went wrong is said on stderr. An existing
// verify.html that is not a Lifeline verifier is left alone.
void WriteVerifierBeside(const Globals& g, const std::string& store_dir, const std::string& report_path) {
  std::filesystem::path dir = std::filesystem::path(report_path).parent_path();
  const std::string path = (dir.empty() ? std::filesystem::path("verify.html") : dir / "verify.html").string();
  auto page = VerifierPage(store_dir, DefaultWebDir());
  if (!page.ok()) {
    std::cerr << "report: no " << path << " written beside the report: " << page.status().message() << "\n";
    return;
  }
  auto old = store_dir::ReadFile(path);
  if (!old.ok() && old.status().code() != ErrorCode::kNotFound) {
    std::cerr << "report: not replacing " << path << ": " << old.status().message() << "\n";
    return;
  }
  if (old.ok() && !IsLifelineVerifier(*old)) {
    std::cerr << "report: not replacing " << path
              << ": it is not a Lifeline verifier (lifeline verifier --out FILE writes one elsewhere)\n";
    return;
  }
  if (old.ok() && *old == *page) {
    if (!g.quiet) std::cerr << "report: " << path << " (the verifier of this log) is up to date\n";
    return;
  }
  Status w = WriteFileAtomically(path, *page);
  if (!w.ok()) {
    std::cerr << "report: writing " << path << ": " << w.message() << "\n";
    return;
  }
  if (!g.quiet) {
    std::cerr << "report: wrote " << path << " beside it: open it in a browser to check the report offline\n";
  }
}

int CmdReport(const Globals& g, const ReportArgs& a) {
  if (a.format != "html" && a.format != "pdf") {
    return Fail(g, InvalidArgumentError("--format must be html or pdf, not \"" + a.format + "\""));
  }
  report::ReportOptions opts;
  opts.case_id = a.case_id;
  opts.from = a.from;
  opts.to = a.to;
  opts.lang = a.lang;
  if (a.at >= 0) opts.at = static_cast<uint64_t>(a.at);
  opts.trajectories = a.trajectories;
  if (!a.scenario.empty()) {
    auto text = store_dir::ReadFile(a.scenario);
    if (!text.ok()) return Fail(g, text.status().Annotate("reading the scenario"));
    opts.scenario_toml = *text;
    opts.scenario_name = std::filesystem::path(a.scenario).filename().string();
  }
  // With --format pdf, fail before computing when there is no Chromium.
  if (a.format == "pdf") {
    auto chromium = report::FindChromium();
    if (!chromium.ok()) return Fail(g, chromium.status());
  }
  if (!a.out.empty()) opts.file_name = std::filesystem::path(a.out).filename().string();
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  // The witnesses' cosignatures, when gathered for this checkpoint, go into
  // the report, so that verify.html can check the quorum.
  opts.published_note = [d = *dir](const std::string& note) {
    auto p = witness::PublishedCheckpoint(d, note);
    return p.ok() ? *p : note;
  };
  auto r = report::Render(*rs->store, rs->verifier, opts);
  if (!r.ok()) return Fail(g, r.status());
  std::string out = a.out;
  if (out.empty()) {
    std::string base = "sitrep-" + a.case_id + "-" + r->from + "-" + r->to + "-" + a.lang;
    out = base + "." + a.format;
    // The verification instructions name the file (a PDF verifies itself:
    // it carries its HTML).
    size_t cp = r->html.find("<section id=\"checkpoint\">");
    size_t at = cp == std::string::npos ? cp : r->html.find("REPORT.html", cp);
    if (at != std::string::npos) r->html.replace(at, 11, out);
  }
  Status w = a.format == "pdf" ? report::HtmlToPdf(r->html, out) : WriteFileAtomically(out, r->html);
  if (!w.ok()) return Fail(g, w.Annotate("writing " + out));
  if (!a.no_verifier) WriteVerifierBeside(g, *dir, out);
  if (g.json) {
    std::cout << nlohmann::json{{"ok", true},       {"file", out},         {"format", a.format},
                                {"case", a.case_id}, {"from", r->from},     {"to", r->to},
                                {"lang", a.lang},    {"size", r->size},     {"root", r->root},
                                {"figures", r->figures.size()}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else if (!g.quiet) {
    std::cout << "wrote " << out << " (" << a.case_id << ", " << r->from << " .. " << r->to << ", " << a.lang
              << ", " << r->figures.size() << " figures, checkpoint size " << r->size << " root " << r->root
              << ")\n";
  }
  return 0;
}

int CmdVerifier(const Globals& g, const std::string& out, const std::string& web) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto page = VerifierPage(*dir, web.empty() ? DefaultWebDir() : web);
  if (!page.ok()) return Fail(g, page.status());
  Status w = WriteFileAtomically(out, *page);
  if (!w.ok()) return Fail(g, w.Annotate("writing " + out));
  if (g.json) {
    std::cout << nlohmann::json{{"ok", true}, {"file", out}, {"bytes", page->size()}}.dump() << "\n";
  } else if (!g.quiet) {
    std::cout << "wrote " << out << " (" << page->size() << " bytes): the verifier of this log, its key and witness policy pinned\n";
  }
  return 0;
}

int CmdVerifyReport(const Globals& g, const std::string& file) {
  auto data = store_dir::ReadFile(file);
  if (!data.ok()) return Fail(g, data.status());
  // A PDF by its magic, whatever its name: its attached HTML and its text.
  const bool pdf = report::IsPdf(*data);
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto v = pdf ? report::VerifyPdfReport(*data, *rs->store, rs->verifier)
               : report::VerifyReport(*data, *rs->store, rs->verifier);
  if (!v.ok()) {
    Status s = v.status().Annotate(file);
    if (!g.json && (s.code() == ErrorCode::kVerificationFailed)) std::cout << "FAIL " << s.message() << "\n";
    return Fail(g, s);
  }
  if (g.json) {
    nlohmann::json diffs = nlohmann::json::array();
    for (const auto& d : v->diffs) {
      diffs.push_back({{"key", d.key}, {"where", d.where}, {"report", d.reported}, {"recomputed", d.recomputed}});
    }
    std::cout << nlohmann::json{{"ok", v->ok()},     {"file", file},         {"case", v->case_id},
                                {"from", v->from},   {"to", v->to},          {"lang", v->lang},
                                {"size", v->size},   {"root", v->root},      {"figures", v->figures},
                                {"elements", v->elements}, {"format", pdf ? "pdf" : "html"},
                                {"pdf_pages", v->pdf_pages}, {"differ", diffs}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    for (const auto& d : v->diffs) {
      std::cout << "DIFFERS " << d.key << " (" << d.where << "): report \"" << d.reported << "\", recomputed \""
                << d.recomputed << "\"\n";
    }
    if (v->ok()) {
      std::cout << "OK " << file << ": " << v->figures << " figures and " << v->elements
                << " visible values recomputed from the log at size " << v->size << " root " << v->root;
      if (pdf) std::cout << "; the text of its " << v->pdf_pages << " pages says the same";
      std::cout << "\n";
    } else {
      std::cout << "FAIL " << file << ": " << v->diffs.size() << " difference(s) from the log at size " << v->size
                << " root " << v->root << "\n";
    }
  }
  return v->ok() ? 0 : kExitFiguresDiffer;
}

}  // namespace

void AddReportCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto a = std::make_shared<ReportArgs>();
  auto* rc = app.add_subcommand("report", "write a situation report (self-contained HTML, or PDF) of a case");
  rc->add_option("--case", a->case_id, "case id")->required();
  rc->add_option("--from", a->from, "first day (YYYY-MM-DD; default: the case's start)");
  rc->add_option("--to", a->to, "last day (default: the case's end, else the last record's day)");
  rc->add_option("--lang", a->lang, "language: en (default), hy, ru or fr");
  rc->add_option("--format", a->format, "html (default) or pdf (needs Chromium)");
  rc->add_option("-o,--output,--out", a->out, "output file (default: sitrep-CASE-FROM-TO-LANG.html|pdf); verify.html is written beside it");
  rc->add_flag("--no-verifier", a->no_verifier, "do not write verify.html beside the report");
  rc->add_option("--at", a->at, "the checkpoint (tree size) to compute from (default: the latest)")
      ->check(CLI::NonNegativeNumber);
  rc->add_option("--scenario", a->scenario, "forecast scenario (TOML); without it the report has no forecast");
  rc->add_option("--trajectories", a->trajectories, "forecast trajectories (default: the scenario's, at most 2000)")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  rc->callback([&, a] { action = [&, a] { return CmdReport(g, *a); }; });

  auto file = std::make_shared<std::string>();
  auto* vr = app.add_subcommand("verify-report", "recompute every figure of a report from the log and compare");
  vr->add_option("FILE", *file, "the report (HTML, or a PDF written by lifeline report --format pdf)")->required();
  vr->callback([&, file] { action = [&, file] { return CmdVerifyReport(g, *file); }; });

  auto vout = std::make_shared<std::string>("verify.html");
  auto vweb = std::make_shared<std::string>();
  auto* vf = app.add_subcommand("verifier", "write verify.html: a one-file offline verifier with this log's key and witness policy pinned");
  vf->add_option("-o,--out", *vout, "the file to write (default: verify.html)");
  vf->add_option("--web", *vweb, "the directory holding vendor/verify/verify.template.html (default: as serve)");
  vf->callback([&, vout, vweb] { action = [&, vout, vweb] { return CmdVerifier(g, *vout, *vweb); }; });
}

}  // namespace lifeline::cli
