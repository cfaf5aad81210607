// What every `lifeline` command shares: global flags, how a failure is
// printed and turned into an exit code, and where the store is.
#ifndef LIFELINE_CLI_COMMON_H_
#define LIFELINE_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "base/status.h"

namespace lifeline::cli {

struct Globals {
  std::string store;
  bool json = false;
  bool quiet = false;
};

// Prints a failed status (stderr; and one JSON object on stdout with
// --json) and returns its exit code.
int Fail(const Globals& g, const Status& s);

// --store, else $LIFELINE_STORE, else InvalidArgument.
Result<std::string> StoreDir(const Globals& g);

// A progress bar is drawn only for a person at a terminal.
bool ShowProgress(const Globals& g);

// Registers the record commands (add, import, show, list, export, reindex,
// evidence, schema). `action` is set to the chosen command's body.
void AddRecordCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `import` (import_commands.cc). Called by AddRecordCommands, so
// that `lifeline --help` lists it after `add`.
void AddImportCommand(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `evidence add|verify` (evidence_commands.cc). Called by
// AddRecordCommands, so that `lifeline --help` lists it after `reindex`.
void AddEvidenceCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `case new` (case_commands.cc).
void AddCaseCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers the analysis commands (indicators, compliance).
void AddAnalysisCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `risk` (risk_commands.cc).
void AddRiskCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `report` and `verify-report`.
void AddReportCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `alerts` and `alerts deliver`.
void AddAlertsCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `serve` and `token create|list|revoke`.
void AddServeCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `xform` (xform_commands.cc, docs/intake.md).
void AddXFormCommand(CLI::App& app, Globals& g, std::function<int()>& action);

// Registers `witness add|remove|list|policy|quorum|push` (docs/witness.md).
void AddWitnessCommands(CLI::App& app, Globals& g, std::function<int()>& action);

// After a successful write to the log (add, import, evidence add): when DIR
// holds alerts.toml, evaluates it at the new checkpoint, records, writes the
// feed and delivers within a short budget. Reports on stderr only (stdout
// keeps the command's one JSON object); never changes the exit code.
void AlertsAfterWrite(const Globals& g, const std::string& dir);

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_COMMON_H_
