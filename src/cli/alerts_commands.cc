// `lifeline alerts`: evaluates the store's alert rules (DIR/alerts.toml or
// --rules FILE) at the latest checkpoint, records the alerts in the state
// file, rewrites the Atom feed, and delivers to webhooks; `alerts deliver`
// retries pending deliveries only. AlertsAfterWrite runs the same after
// every write command (add, import, evidence add).
//
// Files in the store directory (docs/alerts.md):
//   alerts.toml          the rules (optional: without it nothing is evaluated after writes)
//   alerts.state.jsonl   alerts raised and deliveries (alerts/state.h)
//   alerts.atom          the Atom feed
//   alerts.lock          held (flock) while the state is read and written
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "alerts/atom.h"
#include "alerts/evaluate.h"
#include "alerts/rules.h"
#include "alerts/state.h"
#include "alerts/webhook.h"
#include "analysis/dataset.h"
#include "base/bytes.h"
#include "cli/common.h"
#include "store_dir/store_dir.h"
#include "note/checkpoint.h"
#include "store/lock.h"

namespace lifeline::cli {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct AlertsArgs {
  std::string case_id, rules, format = "table";
  bool deliver = false, dry_run = false;
  double budget = 10;
};

std::string RulesPath(const std::string& dir, const std::string& rules) {
  return rules.empty() ? dir + "/alerts.toml" : rules;
}

struct Outcome {
  analysis::CheckpointRef cp;
  std::vector<alerts::AlertEvent> events;
  std::vector<std::string> warnings;
  alerts::RecordReport recorded;
  std::optional<alerts::DeliveryReport> delivery;
};

Result<alerts::RuleSet> LoadRules(const std::string& path) {
  LIFELINE_ASSIGN_OR_RETURN(std::string text, store_dir::ReadFile(path));
  return alerts::ParseRules(text, path);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Delivers the pending deliveries of the locked state.
Result<alerts::DeliveryReport> Deliver(alerts::AlertState& state, const alerts::RuleSet& rules, double budget) {
  alerts::DeliveryOptions opts;
  opts.budget_s = budget;
  opts.timeout_s = std::min(opts.timeout_s, std::max(0.5, budget));
  alerts::Deliverer d(opts, &alerts::SystemClock(), std::random_device{}());
  return d.Run(state, rules, [&] { return state.Save(); });
}

Status WriteFeed(const std::string& dir, const std::string& origin, const alerts::AlertState& state) {
  std::vector<alerts::FeedEntry> entries;
  for (const auto& a : state.alerts()) entries.push_back({a.event, a.first_seen, a.updated});
  std::string feed = alerts::AtomFeed(alerts::FeedUrn(origin), "Lifeline alerts: " + origin, NowSeconds(),
                                      std::move(entries));
  return alerts::WriteFileAtomic(dir + "/alerts.atom", feed);
}

// Evaluates, and unless dry_run records, writes the feed and (if asked)
// delivers. `only_case` narrows to one case (NotFound if it is not in the
// log); otherwise a rule whose case is not in the log is a warning.
Result<Outcome> Run(const std::string& dir, const AlertsArgs& a) {
  const std::string path = RulesPath(dir, a.rules);
  LIFELINE_ASSIGN_OR_RETURN(alerts::RuleSet rules, LoadRules(path));
  Outcome out;
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(dir));
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint stored, rs.store->LatestCheckpoint());
  auto opened = note::OpenCheckpoint(stored.note, rs.verifier);
  if (!opened.ok()) return opened.status().Annotate("the checkpoint does not verify");
  out.cp = {opened->checkpoint.size,
            Base64Encode(ByteSpan(opened->checkpoint.root.data(), opened->checkpoint.root.size()))};
  std::set<std::string> cases;
  for (const auto& r : rules.rules) {
    if (a.case_id.empty() || r.case_id == a.case_id) cases.insert(r.case_id);
  }
  if (!a.case_id.empty() && cases.empty()) {
    out.warnings.push_back(path + " has no rule for case " + a.case_id);
  }
  for (const std::string& c : cases) {
    auto ds = analysis::LoadDataset(*rs.store, c, out.cp);
    if (!ds.ok()) {
      if (ds.status().code() == ErrorCode::kNotFound && a.case_id.empty()) {
        out.warnings.push_back("case " + c + " is not in the log at checkpoint " + std::to_string(out.cp.size) +
                               ": its rules were not evaluated");
        continue;
      }
      return ds.status();
    }
    LIFELINE_ASSIGN_OR_RETURN(alerts::Evaluation ev, alerts::Evaluate(rules, *ds, out.cp));
    for (auto& e : ev.events) out.events.push_back(std::move(e));
    for (auto& w : ev.warnings) out.warnings.push_back(std::move(w));
  }
  if (a.dry_run) return out;
  // One process at a time reads and rewrites the state: two concurrent
  // runs could otherwise both deliver the same alert.
  LIFELINE_ASSIGN_OR_RETURN(auto lock, store::FileLock::Acquire(dir + "/alerts.lock"));
  LIFELINE_ASSIGN_OR_RETURN(alerts::AlertState state, alerts::AlertState::Load(dir + "/alerts.state.jsonl"));
  out.recorded = state.Record(out.events, rules, NowSeconds());
  LIFELINE_RETURN_IF_ERROR(state.Save());
  LIFELINE_RETURN_IF_ERROR(WriteFeed(dir, rs.verifier.name(), state));
  if (a.deliver) {
    LIFELINE_ASSIGN_OR_RETURN(out.delivery, Deliver(state, rules, a.budget));
  }
  return out;
}

json DeliveryJson(const alerts::DeliveryReport& d) {
  return {{"attempts", d.attempts}, {"delivered", d.delivered}, {"failed", d.failed},
          {"pending", d.pending},   {"orphaned", d.orphaned},   {"errors", d.errors}};
}

std::string DeliveryLine(const alerts::DeliveryReport& d) {
  std::string s = "webhooks: " + std::to_string(d.attempts) + " attempts, " + std::to_string(d.delivered) +
                  " delivered, " + std::to_string(d.failed) + " failed for good, " + std::to_string(d.pending) +
                  " pending";
  if (d.pending > 0) s += " (retried by the next write or `lifeline alerts deliver`)";
  if (d.orphaned > 0) s += "; " + std::to_string(d.orphaned) + " of them for webhooks no longer in the rules";
  return s;
}

int CmdAlerts(const Globals& g, const AlertsArgs& a) {
  if (a.format != "table" && a.format != "json") {
    return Fail(g, InvalidArgumentError("--format must be table or json, not \"" + a.format + "\""));
  }
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto out = Run(*dir, a);
  if (!out.ok()) return Fail(g, out.status());
  if (g.json || a.format == "json") {
    json j = {{"ok", true},
              {"checkpoint", {{"size", out->cp.size}, {"root", out->cp.root}}},
              {"dry_run", a.dry_run},
              {"warnings", out->warnings}};
    json list = json::array();
    for (const auto& e : out->events) list.push_back(alerts::EventJson(e));
    j["alerts"] = list;
    if (!a.dry_run) {
      j["recorded"] = {{"raised", out->recorded.raised},
                       {"changed", out->recorded.changed},
                       {"queued", out->recorded.queued}};
    }
    if (out->delivery) j["delivery"] = DeliveryJson(*out->delivery);
    std::cout << j.dump(g.json ? -1 : 2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << "alerts at checkpoint " << out->cp.size << " " << out->cp.root << ": " << out->events.size()
            << (out->events.size() == 1 ? " alert" : " alerts") << "\n";
  for (const auto& e : out->events) {
    std::cout << "  [" << e.severity << "] " << e.key << "\n      " << e.title << ": " << e.summary << "\n";
  }
  for (const auto& w : out->warnings) std::cout << "warning: " << w << "\n";
  if (a.dry_run) {
    std::cout << "(dry run: nothing recorded, nothing sent)\n";
  } else {
    std::cout << "recorded: " << out->recorded.raised << " new, " << out->recorded.changed << " changed, "
              << out->recorded.queued << " deliveries queued; feed " << *dir << "/alerts.atom\n";
  }
  if (out->delivery) std::cout << DeliveryLine(*out->delivery) << "\n";
  return 0;
}

int CmdAlertsDeliver(const Globals& g, const AlertsArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rules = LoadRules(RulesPath(*dir, a.rules));
  if (!rules.ok()) return Fail(g, rules.status());
  auto lock = store::FileLock::Acquire(*dir + "/alerts.lock");
  if (!lock.ok()) return Fail(g, lock.status());
  auto state = alerts::AlertState::Load(*dir + "/alerts.state.jsonl");
  if (!state.ok()) return Fail(g, state.status());
  auto rep = Deliver(*state, *rules, a.budget);
  if (!rep.ok()) return Fail(g, rep.status());
  if (g.json) {
    json j = DeliveryJson(*rep);
    j["ok"] = true;
    std::cout << j.dump() << "\n";
  } else {
    for (const auto& e : rep->errors) std::cout << "failed attempt: " << e << "\n";
    std::cout << DeliveryLine(*rep) << "\n";
  }
  return 0;
}

}  // namespace

void AlertsAfterWrite(const Globals& g, const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir + "/alerts.toml", ec)) return;
  AlertsArgs a;
  a.deliver = true;
  // A short budget: the write has succeeded and the person is waiting.
  a.budget = 10;
  auto out = Run(dir, a);
  // Never fails the write: the records are in the log; the alerts are
  // evaluated again at the next write or `lifeline alerts`.
  if (!out.ok()) {
    std::cerr << "lifeline: alerts: " << out.status().ToString()
              << " (the write succeeded; run `lifeline alerts --deliver` to retry)\n";
    return;
  }
  for (const auto& w : out->warnings) {
    if (!g.quiet) std::cerr << "alerts: warning: " << w << "\n";
  }
  const bool trouble = out->delivery && (out->delivery->failed > 0 || out->delivery->pending > 0);
  if (!g.quiet || trouble) {
    std::cerr << "alerts: " << out->events.size() << " active, " << out->recorded.raised << " new, "
              << out->recorded.changed << " changed";
    if (out->delivery) std::cerr << "; " << DeliveryLine(*out->delivery);
    std::cerr << "\n";
    if (out->delivery) {
      for (const auto& e : out->delivery->errors) std::cerr << "alerts: failed attempt: " << e << "\n";
    }
  }
}

void AddAlertsCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto a = std::make_shared<AlertsArgs>();
  auto* cmd = app.add_subcommand("alerts", "evaluate the alert rules now; record, write the Atom feed, deliver");
  cmd->add_option("--case", a->case_id, "only the rules of this case");
  cmd->add_option("--rules", a->rules, "rules file (TOML; default: DIR/alerts.toml; see docs/alerts.md)");
  cmd->add_option("--format", a->format, "table (default) or json");
  cmd->add_flag("--deliver", a->deliver, "also deliver pending alerts to their webhooks");
  cmd->add_flag("--dry-run", a->dry_run, "evaluate and print only: record nothing, send nothing");
  cmd->add_option("--budget", a->budget, "seconds for delivery (default 10)")->check(CLI::PositiveNumber);
  auto* deliver = cmd->add_subcommand("deliver", "retry pending webhook deliveries (no evaluation)");
  deliver->add_option("--rules", a->rules, "rules file (default: DIR/alerts.toml), for the webhooks' secrets");
  deliver->add_option("--budget", a->budget, "seconds for delivery (default 10)")->check(CLI::PositiveNumber);
  deliver->callback([&, a] { action = [&, a] { return CmdAlertsDeliver(g, *a); }; });
  cmd->callback([&, a, deliver] {
    if (deliver->parsed()) return;  // the subcommand's action stands
    action = [&, a] { return CmdAlerts(g, *a); };
  });
}

}  // namespace lifeline::cli
