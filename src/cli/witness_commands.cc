// `lifeline witness ...`: configure the witnesses that cosign the log's
// checkpoints and push the latest checkpoint to them (docs/witness.md).
//
//   witness add URL VKEY [--name N]   add a witness to DIR/witness-policy
//   witness remove NAME               remove one
//   witness list                      the witnesses, acknowledged sizes, quorum
//   witness policy                    print DIR/witness-policy
//   witness quorum K|all|any|none     how many cosignatures make a checkpoint valid
//   witness push [--timeout S]        add-checkpoint to every witness; write
//                                     DIR/checkpoint.cosigned; exit 1 when the
//                                     quorum is not met
//
// Edits hold DIR/witness.lock (as a push does), so two runs never interleave
// a read-modify-write of the policy.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "store_dir/store_dir.h"
#include "store/lock.h"
#include "witness/policy.h"
#include "witness/witness.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

struct WitnessArgs {
  std::string url;
  std::string vkey;
  std::string name;
  std::string quorum;
  double timeout_s = 10;
};

Result<std::unique_ptr<store::FileLock>> LockWitnessFiles(const std::string& dir) {
  auto lock = store::FileLock::Acquire(dir + "/" + std::string(witness::kLockFile));
  if (!lock.ok()) return lock.status().Annotate("another `lifeline witness` command is running");
  return lock;
}

// The policy, or a new one listing the store's log when there is none.
Result<witness::Policy> PolicyForEdit(const std::string& dir) {
  Result<witness::Policy> p = witness::LoadPolicy(dir);
  if (p.ok() || p.status().code() != ErrorCode::kNotFound) return p;
  return witness::Policy{};
}

int CmdAdd(const Globals& g, const WitnessArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto v = note::CosignatureVerifier::Parse(a.vkey);
  if (!v.ok()) return Fail(g, v.status().Annotate("VKEY"));
  Status url_ok = witness::CheckWitnessUrl(a.url);
  if (!url_ok.ok()) return Fail(g, url_ok.Annotate("URL"));
  auto lock = LockWitnessFiles(*dir);
  if (!lock.ok()) return Fail(g, lock.status());
  auto p = PolicyForEdit(*dir);
  if (!p.ok()) return Fail(g, p.status());
  Status s = witness::EnsureLog(*p, rs->verifier);
  if (s.ok()) s = witness::AddWitness(*p, {a.name.empty() ? v->name() : a.name, v->ToString(), a.url});
  if (s.ok()) s = witness::SavePolicy(*dir, *p);
  if (!s.ok()) return Fail(g, s);
  std::string name = a.name.empty() ? v->name() : a.name;
  std::string quorum = witness::DescribeQuorum(*p);
  if (g.json) {
    std::cout << Dump({{"ok", true}, {"name", name}, {"url", a.url}, {"vkey", v->ToString()}, {"quorum", quorum}}) << "\n";
  } else if (!g.quiet) {
    std::cout << "added witness " << name << " (" << a.url << "); quorum: " << quorum << "\n";
  }
  return 0;
}

int CmdRemove(const Globals& g, const WitnessArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto lock = LockWitnessFiles(*dir);
  if (!lock.ok()) return Fail(g, lock.status());
  auto p = witness::LoadPolicy(*dir);
  if (!p.ok()) return Fail(g, p.status());
  Status s = witness::RemoveWitness(*p, a.name);
  if (s.ok()) s = witness::SavePolicy(*dir, *p);
  if (!s.ok()) return Fail(g, s);
  if (g.json) {
    std::cout << Dump({{"ok", true}, {"removed", a.name}, {"quorum", witness::DescribeQuorum(*p)}}) << "\n";
  } else if (!g.quiet) {
    std::cout << "removed witness " << a.name << "; quorum: " << witness::DescribeQuorum(*p) << "\n";
  }
  return 0;
}

int CmdQuorum(const Globals& g, const WitnessArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto lock = LockWitnessFiles(*dir);
  if (!lock.ok()) return Fail(g, lock.status());
  auto p = PolicyForEdit(*dir);
  if (!p.ok()) return Fail(g, p.status());
  Status s = witness::EnsureLog(*p, rs->verifier);
  if (s.ok()) s = witness::SetQuorum(*p, a.quorum);
  if (s.ok()) s = witness::SavePolicy(*dir, *p);
  if (!s.ok()) return Fail(g, s);
  if (g.json) {
    std::cout << Dump({{"ok", true}, {"quorum", witness::DescribeQuorum(*p)}}) << "\n";
  } else if (!g.quiet) {
    std::cout << "quorum: " << witness::DescribeQuorum(*p) << "\n";
  }
  return 0;
}

int CmdList(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto p = witness::LoadPolicy(*dir);
  if (!p.ok()) return Fail(g, p.status());
  auto acked = witness::LoadAcknowledged(*dir);
  if (!acked.ok()) return Fail(g, acked.status());
  json ws = json::array();
  for (const witness::PolicyWitness& w : p->witnesses) {
    json j = {{"name", w.name}, {"url", w.url}, {"vkey", w.vkey}};
    auto it = acked->find(w.vkey);
    j["acknowledged_size"] = it == acked->end() ? json(nullptr) : json(it->second);
    ws.push_back(j);
  }
  std::string quorum = witness::DescribeQuorum(*p);
  if (g.json) {
    std::cout << Dump({{"ok", true}, {"witnesses", ws}, {"quorum", quorum}}) << "\n";
    return 0;
  }
  for (const json& w : ws) {
    std::string size = w["acknowledged_size"].is_null() ? "-" : std::to_string(w["acknowledged_size"].get<uint64_t>());
    std::string url = w["url"].get<std::string>();
    std::cout << w["name"].get<std::string>() << "\t" << (url.empty() ? "(no URL)" : url) << "\tacknowledged "
              << size << "\t" << w["vkey"].get<std::string>() << "\n";
  }
  std::cout << "quorum: " << quorum << "\n";
  return 0;
}

int CmdPolicy(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto p = witness::LoadPolicy(*dir);  // validates, naming line and field
  if (!p.ok()) return Fail(g, p.status());
  std::string text = witness::FormatPolicy(*p);
  auto raw = store_dir::ReadFile(*dir + "/" + std::string(witness::kPolicyFile));
  if (raw.ok()) text = *raw;  // as written, comments included
  if (g.json) {
    std::cout << Dump({{"ok", true}, {"policy", text}, {"quorum", witness::DescribeQuorum(*p)}}) << "\n";
  } else {
    std::cout << text;
  }
  return 0;
}

int CmdPush(const Globals& g, const WitnessArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(a.timeout_s * 1000));
  auto rep = witness::PushToWitnesses(*dir, *rs->store, rs->verifier, timeout);
  if (!rep.ok()) return Fail(g, rep.status());
  if (g.json) {
    json ws = json::array();
    for (const witness::WitnessResult& w : rep->witnesses) {
      json j = {{"name", w.name},
                {"url", w.url},
                {"outcome", std::string(witness::OutcomeName(w.outcome))},
                {"old_size", w.old_size},
                {"http_status", w.http_status},
                {"conflict_retried", w.conflict_retried}};
      if (w.outcome == witness::Outcome::kCosigned) j["timestamp"] = w.timestamp;
      if (!w.error.empty()) j["error"] = w.error;
      ws.push_back(j);
    }
    std::cout << Dump({{"ok", rep->quorum_met},
                       {"origin", rep->origin},
                       {"size", rep->size},
                       {"witnesses", ws},
                       {"cosigners", rep->cosigners},
                       {"quorum", rep->quorum},
                       {"quorum_met", rep->quorum_met},
                       {"checkpoint", rep->cosigned_checkpoint}})
              << "\n";
  } else {
    for (const witness::WitnessResult& w : rep->witnesses) {
      std::cout << w.name << "\t" << witness::OutcomeName(w.outcome) << "\t" << (w.url.empty() ? "(no URL)" : w.url);
      if (w.outcome == witness::Outcome::kCosigned) {
        std::cout << "\tfrom size " << w.old_size << (w.conflict_retried ? " (after 409)" : "");
      } else {
        std::cout << "\t" << w.error;
      }
      std::cout << "\n";
    }
    std::cout << "checkpoint " << rep->origin << " size " << rep->size << ": " << rep->cosigners.size()
              << " cosignature(s); quorum " << rep->quorum << ": " << (rep->quorum_met ? "met" : "NOT met") << "\n";
  }
  if (!rep->quorum_met) {
    std::cerr << "lifeline: the quorum (" << rep->quorum << ") is not met by the cosignatures gathered\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddWitnessCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto a = std::make_shared<WitnessArgs>();
  auto* cmd = app.add_subcommand("witness", "witnesses that cosign the log's checkpoints (docs/witness.md)");
  cmd->require_subcommand(1);

  auto* add = cmd->add_subcommand("add", "add a witness (C2SP tlog-witness) to DIR/witness-policy");
  add->add_option("URL", a->url, "the witness's submission prefix (add-checkpoint is POSTed to URL/add-checkpoint)")
      ->required();
  add->add_option("VKEY", a->vkey, "the witness's cosignature verifier key (C2SP tlog-cosignature, type 0x04)")
      ->required();
  add->add_option("--name", a->name, "its name in the policy (default: the key's name)");
  add->callback([&, a] { action = [&, a] { return CmdAdd(g, *a); }; });

  auto* rm = cmd->add_subcommand("remove", "remove a witness from DIR/witness-policy");
  rm->add_option("NAME", a->name, "the witness's name in the policy")->required();
  rm->callback([&, a] { action = [&, a] { return CmdRemove(g, *a); }; });

  auto* list = cmd->add_subcommand("list", "the witnesses, the sizes they acknowledged, and the quorum");
  list->callback([&] { action = [&] { return CmdList(g); }; });

  auto* pol = cmd->add_subcommand("policy", "print DIR/witness-policy (C2SP tlog-policy)");
  pol->callback([&] { action = [&] { return CmdPolicy(g); }; });

  auto* q = cmd->add_subcommand("quorum", "cosignatures required: K of all witnesses, all, any, or none");
  q->add_option("K", a->quorum, "a number, all, any or none")->required();
  q->callback([&, a] { action = [&, a] { return CmdQuorum(g, *a); }; });

  auto* push = cmd->add_subcommand("push", "send the latest checkpoint to every witness; gather cosignatures");
  push->add_option("--timeout", a->timeout_s, "seconds each connect, send and receive may wait (default 10)")
      ->check(CLI::PositiveNumber);
  push->callback([&, a] { action = [&, a] { return CmdPush(g, *a); }; });
}

}  // namespace lifeline::cli
