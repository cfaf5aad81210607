#include "witness/policy.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "base/bytes.h"

namespace lifeline::witness {
namespace {

// The implementation limits the spec recommends as a minimum, with room.
constexpr size_t kMaxLogs = 64;
constexpr size_t kMaxWitnesses = 64;
constexpr size_t kMaxGroups = 64;

// The key material of a vkey ("name+hash+base64(alg||key)"): two vkeys with
// the same material are duplicates even under different names.
std::string KeyMaterial(std::string_view vkey) {
  size_t p = vkey.rfind('+');
  return std::string(p == std::string_view::npos ? vkey : vkey.substr(p + 1));
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

enum class Kind { kWitness, kGroup };

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status Error(size_t line, std::string_view keyword, const std::string& what) const {
    std::string msg = std::string(source_) + " line " + std::to_string(line) + ": ";
    if (!keyword.empty()) msg += std::string(keyword) + ": ";
    return InvalidArgumentError(msg + what);
  }

  Result<Policy> Parse(std::string_view text) {
    size_t line_no = 0;
    size_t pos = 0;
    bool have_quorum = false;
    while (pos < text.size()) {
      ++line_no;
      size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      for (unsigned char c : line) {
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) continue;
        char hex[8];
        snprintf(hex, sizeof hex, "0x%02x", c);
        return Error(line_no, "", std::string("byte ") + hex +
                                      " is not allowed (only tab, printable ASCII and non-ASCII octets)");
      }
      std::vector<std::string_view> f = Fields(line);
      if (f.empty() || f[0][0] == '#') continue;
      std::string_view kw = f[0];
      Status s;
      if (kw == "log") {
        s = Log(line_no, f);
      } else if (kw == "witness") {
        s = Witness(line_no, f);
      } else if (kw == "group") {
        s = Group(line_no, f);
      } else if (kw == "quorum") {
        if (have_quorum) return Error(line_no, kw, "a second quorum line (a policy has exactly one)");
        s = Quorum(line_no, f);
        have_quorum = true;
      } else {
        return Error(line_no, "", "unknown keyword \"" + std::string(kw) +
                                      "\" (want log, witness, group or quorum)");
      }
      LIFELINE_RETURN_IF_ERROR(s);
    }
    if (!have_quorum) {
      return InvalidArgumentError(std::string(source_) +
                                  ": no quorum line (add \"quorum none\" to require no cosignatures)");
    }
    return std::move(policy_);
  }

 private:
  Status CheckNewName(size_t line, std::string_view kw, std::string_view name) {
    if (name == kNone) return Error(line, kw, "the name \"none\" is reserved");
    if (names_.count(std::string(name))) {
      return Error(line, kw, "the name \"" + std::string(name) + "\" is already defined");
    }
    return Status::Ok();
  }

  Status Log(size_t line, const std::vector<std::string_view>& f) {
    if (f.size() < 2 || f.size() > 3) return Error(line, "log", "want \"log <vkey> [<url>]\"");
    Result<note::Verifier> v = note::Verifier::Parse(f[1]);
    if (!v.ok()) return Error(line, "log", "vkey: " + v.status().message());
    std::string vkey = v->ToString();
    for (const PolicyLog& l : policy_.logs) {
      if (KeyMaterial(l.vkey) == KeyMaterial(vkey)) return Error(line, "log", "vkey: duplicates an earlier log's key");
    }
    if (policy_.logs.size() >= kMaxLogs) return Error(line, "log", "more than " + std::to_string(kMaxLogs) + " logs");
    policy_.logs.push_back({std::move(vkey), f.size() == 3 ? std::string(f[2]) : ""});
    return Status::Ok();
  }

  Status Witness(size_t line, const std::vector<std::string_view>& f) {
    if (f.size() < 3 || f.size() > 4) return Error(line, "witness", "want \"witness <name> <vkey> [<url>]\"");
    LIFELINE_RETURN_IF_ERROR(CheckNewName(line, "witness", f[1]));
    Result<note::CosignatureVerifier> v = note::CosignatureVerifier::Parse(f[2]);
    if (!v.ok()) return Error(line, "witness", "vkey: " + v.status().message());
    std::string vkey = v->ToString();
    for (const PolicyWitness& w : policy_.witnesses) {
      if (KeyMaterial(w.vkey) == KeyMaterial(vkey)) {
        return Error(line, "witness", "vkey: duplicates the key of witness \"" + w.name + "\"");
      }
    }
    if (policy_.witnesses.size() >= kMaxWitnesses) {
      return Error(line, "witness", "more than " + std::to_string(kMaxWitnesses) + " witnesses");
    }
    names_[std::string(f[1])] = Kind::kWitness;
    policy_.witnesses.push_back({std::string(f[1]), std::move(vkey), f.size() == 4 ? std::string(f[3]) : ""});
    return Status::Ok();
  }

  Status Group(size_t line, const std::vector<std::string_view>& f) {
    if (f.size() < 4) return Error(line, "group", "want \"group <name> all|any|<k> <name>...\"");
    LIFELINE_RETURN_IF_ERROR(CheckNewName(line, "group", f[1]));
    PolicyGroup g;
    g.name = std::string(f[1]);
    g.threshold = std::string(f[2]);
    std::set<std::string_view> seen;
    for (size_t i = 3; i < f.size(); ++i) {
      if (f[i] == kNone) return Error(line, "group", "\"none\" cannot be a member");
      if (!names_.count(std::string(f[i]))) {
        return Error(line, "group", "member \"" + std::string(f[i]) + "\" is not a witness or group defined above");
      }
      if (!seen.insert(f[i]).second) return Error(line, "group", "member \"" + std::string(f[i]) + "\" is listed twice");
      g.members.emplace_back(f[i]);
    }
    if (g.threshold != "all" && g.threshold != "any") {
      Result<uint64_t> k = ParseDecimal(g.threshold, "threshold");
      if (!k.ok()) return Error(line, "group", k.status().message() + " (want all, any or a number)");
      if (*k < 1 || *k > g.members.size()) {
        return Error(line, "group", "threshold " + g.threshold + " is not between 1 and the " +
                                        std::to_string(g.members.size()) + " members");
      }
    }
    if (policy_.groups.size() >= kMaxGroups) return Error(line, "group", "more than " + std::to_string(kMaxGroups) + " groups");
    names_[g.name] = Kind::kGroup;
    policy_.groups.push_back(std::move(g));
    return Status::Ok();
  }

  Status Quorum(size_t line, const std::vector<std::string_view>& f) {
    if (f.size() != 2) return Error(line, "quorum", "want \"quorum <name>\"");
    if (f[1] != kNone && !names_.count(std::string(f[1]))) {
      return Error(line, "quorum", "\"" + std::string(f[1]) + "\" is not a witness or group defined above");
    }
    policy_.quorum = std::string(f[1]);
    return Status::Ok();
  }

  std::string_view source_;
  Policy policy_;
  std::map<std::string, Kind> names_;
};

const PolicyGroup* FindGroup(const Policy& p, std::string_view name) {
  for (const PolicyGroup& g : p.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

bool Witnessed(const Policy& p, const std::string& name, const std::set<std::string>& cosigned, int depth) {
  if (name == kNone) return true;
  if (depth > 128) return false;  // a valid policy has no cycles; be safe anyway
  if (const PolicyGroup* g = FindGroup(p, name)) {
    uint64_t n = 0;
    for (const std::string& m : g->members) n += Witnessed(p, m, cosigned, depth + 1) ? 1 : 0;
    return n >= GroupThreshold(*g);
  }
  return cosigned.count(name) > 0;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// Validates an edited policy by a round trip through the text format, so
// edits obey exactly the rules a hand-written file does.
Status Revalidate(const Policy& p) {
  Result<Policy> again = ParsePolicy(FormatPolicy(p), "the edited policy");
  if (!again.ok()) return again.status();
  return Status::Ok();
}

std::vector<std::string> AllWitnessNames(const Policy& p) {
  std::vector<std::string> out;
  for (const PolicyWitness& w : p.witnesses) out.push_back(w.name);
  return out;
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, std::string_view source) {
  return Parser(source).Parse(text);
}

std::string FormatPolicy(const Policy& policy) {
  std::string out =
      "# Lifeline witness policy (C2SP tlog-policy). Edited by `lifeline witness`;\n"
      "# hand edits are kept if valid, comments are not. See docs/witness.md.\n";
  for (const PolicyLog& l : policy.logs) {
    out += "log " + l.vkey;
    if (!l.url.empty()) out += " " + l.url;
    out += "\n";
  }
  for (const PolicyWitness& w : policy.witnesses) {
    out += "witness " + w.name + " " + w.vkey;
    if (!w.url.empty()) out += " " + w.url;
    out += "\n";
  }
  for (const PolicyGroup& g : policy.groups) {
    out += "group " + g.name + " " + g.threshold;
    for (const std::string& m : g.members) out += " " + m;
    out += "\n";
  }
  out += "quorum " + policy.quorum + "\n";
  return out;
}

uint64_t GroupThreshold(const PolicyGroup& group) {
  if (group.threshold == "all") return group.members.size();
  if (group.threshold == "any") return 1;
  Result<uint64_t> k = ParseDecimal(group.threshold, "threshold");
  return k.ok() ? *k : group.members.size() + 1;  // invalid: never met
}

bool QuorumMet(const Policy& policy, const std::set<std::string>& cosigned) {
  return Witnessed(policy, policy.quorum, cosigned, 0);
}

std::string DescribeQuorum(const Policy& policy) {
  if (policy.quorum == kNone) return "none (no cosignature required)";
  const PolicyGroup* g = FindGroup(policy, policy.quorum);
  if (g == nullptr) return "witness " + policy.quorum;
  std::string what = std::to_string(GroupThreshold(*g)) + " of " + std::to_string(g->members.size()) + " (" +
                     Join(g->members) + ")";
  if (g->name == kManagedGroup) return what;
  return "group " + g->name + ": " + what;
}

Status AddWitness(Policy& policy, PolicyWitness witness) {
  Policy p = policy;
  bool was_empty = p.witnesses.empty() && p.quorum == kNone && p.groups.empty();
  std::string name = witness.name;
  p.witnesses.push_back(std::move(witness));
  auto managed = std::find_if(p.groups.begin(), p.groups.end(),
                              [](const PolicyGroup& g) { return g.name == kManagedGroup; });
  if (managed != p.groups.end() && p.quorum == kManagedGroup) {
    managed->members.push_back(name);
  } else if (was_empty) {
    p.groups.push_back({std::string(kManagedGroup), "any", {name}});
    p.quorum = std::string(kManagedGroup);
  }
  LIFELINE_RETURN_IF_ERROR(Revalidate(p));
  policy = std::move(p);
  return Status::Ok();
}

Status RemoveWitness(Policy& policy, std::string_view name) {
  Policy p = policy;
  auto it = std::find_if(p.witnesses.begin(), p.witnesses.end(),
                         [&](const PolicyWitness& w) { return w.name == name; });
  if (it == p.witnesses.end()) return NotFoundError("no witness named \"" + std::string(name) + "\"");
  p.witnesses.erase(it);
  if (p.quorum == name) {
    return FailedPreconditionError("the quorum is witness \"" + std::string(name) +
                                   "\": set another first (lifeline witness quorum)");
  }
  for (PolicyGroup& g : p.groups) {
    auto m = std::find(g.members.begin(), g.members.end(), name);
    if (m == g.members.end()) continue;
    if (g.name != kManagedGroup) {
      return FailedPreconditionError("group \"" + g.name + "\" names witness \"" + std::string(name) +
                                     "\": edit the policy file first");
    }
    g.members.erase(m);
    if (g.members.empty() || (g.threshold != "all" && g.threshold != "any" && GroupThreshold(g) > g.members.size())) {
      return FailedPreconditionError("removing \"" + std::string(name) + "\" leaves the quorum " + g.threshold +
                                     " of " + std::to_string(g.members.size()) +
                                     " witnesses: lower it first (lifeline witness quorum K|none)");
    }
  }
  LIFELINE_RETURN_IF_ERROR(Revalidate(p));
  policy = std::move(p);
  return Status::Ok();
}

Status SetQuorum(Policy& policy, std::string_view spec) {
  Policy p = policy;
  // Drop the managed group (nothing else may name it: it is only the quorum).
  for (const PolicyGroup& g : p.groups) {
    for (const std::string& m : g.members) {
      if (m == kManagedGroup) {
        return FailedPreconditionError("group \"" + g.name + "\" names \"" + std::string(kManagedGroup) +
                                       "\": edit the policy file instead");
      }
    }
  }
  std::erase_if(p.groups, [](const PolicyGroup& g) { return g.name == kManagedGroup; });
  if (spec == kNone) {
    p.quorum = std::string(kNone);
  } else {
    if (spec != "all" && spec != "any") {
      Result<uint64_t> k = ParseDecimal(spec, "quorum");
      if (!k.ok()) return InvalidArgumentError(k.status().message() + " (want a number, all, any or none)");
      if (*k < 1 || *k > p.witnesses.size()) {
        return InvalidArgumentError("quorum " + std::string(spec) + " is not between 1 and the " +
                                    std::to_string(p.witnesses.size()) + " configured witnesses");
      }
    }
    if (p.witnesses.empty()) {
      return FailedPreconditionError("no witnesses configured: add some first (lifeline witness add URL VKEY)");
    }
    p.groups.push_back({std::string(kManagedGroup), std::string(spec), AllWitnessNames(p)});
    p.quorum = std::string(kManagedGroup);
  }
  LIFELINE_RETURN_IF_ERROR(Revalidate(p));
  policy = std::move(p);
  return Status::Ok();
}

Status EnsureLog(Policy& policy, const note::Verifier& log_key) {
  if (CheckLogListed(policy, log_key).ok() && !policy.logs.empty()) return Status::Ok();
  Policy p = policy;
  p.logs.push_back({log_key.ToString(), ""});
  LIFELINE_RETURN_IF_ERROR(Revalidate(p));
  policy = std::move(p);
  return Status::Ok();
}

Status CheckLogListed(const Policy& policy, const note::Verifier& log_key) {
  if (policy.logs.empty()) return Status::Ok();
  std::string want = KeyMaterial(log_key.ToString());
  for (const PolicyLog& l : policy.logs) {
    if (KeyMaterial(l.vkey) == want) return Status::Ok();
  }
  return FailedPreconditionError("the policy's log lines do not list this log's key " + log_key.ToString());
}

}  // namespace lifeline::witness
