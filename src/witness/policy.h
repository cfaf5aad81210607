// C2SP tlog-policy (https://c2sp.org/tlog-policy): which logs and witnesses
// are known, and the quorum of witness cosignatures that makes a checkpoint
// valid. Pure: no I/O, no clock.
//
// The text format, one item per line, fields separated by spaces or tabs:
//
//   log <vkey> [<url>]                      an Ed25519 (0x01) log key
//   witness <name> <vkey> [<url>]           a cosignature (0x04) witness key
//   group <name> all|any|<k> <name>...      k of the members (1 <= k <= n)
//   quorum <name>                           a witness, a group, or "none"
//
// Blank lines and lines starting with '#' (after optional whitespace) are
// ignored. A group or the quorum may only name witnesses and groups defined
// on earlier lines; names share one namespace and "none" is reserved; a
// member appears at most once in a group; no two logs and no two witnesses
// wrap the same public key; exactly one quorum line. Bytes other than tab,
// newline, 0x20-0x7E and 0x80-0xFF are rejected; names are opaque octets.
//
// Lifeline keeps its policy in DIR/witness-policy. The URL of a witness is
// its tlog-witness submission prefix: add-checkpoint is POSTed to
// URL + "/add-checkpoint". `lifeline witness quorum` manages one group,
// kManagedGroup, that holds every configured witness.
//
// Thread safety: values; the functions keep no state.
#ifndef LIFELINE_WITNESS_POLICY_H_
#define LIFELINE_WITNESS_POLICY_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "note/cosignature.h"
#include "note/note.h"

namespace lifeline::witness {

inline constexpr std::string_view kManagedGroup = "lifeline-quorum";
inline constexpr std::string_view kNone = "none";

struct PolicyLog {
  std::string vkey;  // canonical vkey text
  std::string url;   // "" when absent
  friend bool operator==(const PolicyLog&, const PolicyLog&) = default;
};

struct PolicyWitness {
  std::string name;  // the policy name (not necessarily the key's name)
  std::string vkey;  // canonical cosignature vkey text
  std::string url;   // "" when absent
  friend bool operator==(const PolicyWitness&, const PolicyWitness&) = default;
};

struct PolicyGroup {
  std::string name;
  std::string threshold;  // "all", "any" or the decimal k, as written
  std::vector<std::string> members;
  friend bool operator==(const PolicyGroup&, const PolicyGroup&) = default;
};

struct Policy {
  std::vector<PolicyLog> logs;
  std::vector<PolicyWitness> witnesses;
  std::vector<PolicyGroup> groups;  // in definition order
  std::string quorum = std::string(kNone);
  friend bool operator==(const Policy&, const Policy&) = default;
};

// Parses and validates a policy. Errors are InvalidArgument and read
// "<source> line <n>: <keyword>: <what is wrong>".
Result<Policy> ParsePolicy(std::string_view text, std::string_view source);

// The canonical text: a header comment, then logs, witnesses, groups in
// order, and the quorum line. ParsePolicy(FormatPolicy(p)) == p for a valid p.
std::string FormatPolicy(const Policy& policy);

// The k a group's threshold stands for. Precondition: the group is valid.
uint64_t GroupThreshold(const PolicyGroup& group);

// True when the witnesses named in `cosigned` satisfy the quorum.
// Precondition: `policy` is valid (as ParsePolicy returns it).
bool QuorumMet(const Policy& policy, const std::set<std::string>& cosigned);

// A one-line description of the quorum: "2 of 3 witnesses (w1, w2, w3)",
// "witness w1", "group g" or "none".
std::string DescribeQuorum(const Policy& policy);

// --- Edits made by `lifeline witness ...`; each leaves a valid policy or
// --- returns an error and leaves `policy` unchanged.

// Adds a witness. Its name must be new (not a witness, group or "none") and
// its key must not duplicate another witness's. When the quorum is the
// managed group, the witness joins it; a policy whose quorum is "none" and
// has no witnesses gets the managed group "any" with this witness.
Status AddWitness(Policy& policy, PolicyWitness witness);

// Removes a witness. FailedPrecondition when a group other than the
// managed one, or the quorum, names it, or when the managed group would be
// left with fewer members than its threshold (lower the quorum first).
Status RemoveWitness(Policy& policy, std::string_view name);

// Sets the quorum: "none"; or "all", "any" or a decimal k: the managed
// group of every configured witness with that threshold (k <= witnesses).
Status SetQuorum(Policy& policy, std::string_view spec);

// Ensures the log key `log_vkey` is listed (adds a log line if it is not).
Status EnsureLog(Policy& policy, const note::Verifier& log_key);

// OK when the policy lists no log (any log accepted) or lists `log_key`.
Status CheckLogListed(const Policy& policy, const note::Verifier& log_key);

}  // namespace lifeline::witness

#endif  // LIFELINE_WITNESS_POLICY_H_
