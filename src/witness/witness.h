// Witness cosigning of the log's checkpoints (C2SP tlog-witness,
// tlog-cosignature, tlog-policy).
//
// A store directory configured for witnesses holds, besides the store:
//
//   DIR/witness-policy        the tlog-policy text (policy.h): the witnesses,
//                             their URLs and the quorum. Written by
//                             `lifeline witness add|remove|quorum`, editable.
//   DIR/witness-state.json    per witness key, the tree size it last
//                             acknowledged, so the next push sends the right
//                             consistency proof (a hint: a stale value costs
//                             one 409 round trip, never a wrong signature).
//   DIR/checkpoint.cosigned   the latest checkpoint pushed, with every valid
//                             witness cosignature appended: the published
//                             ("cosigned") checkpoint.
//   DIR/witness.lock          held (flock) by the one push at a time.
//
// Each file is replaced atomically (temporary file, fsync, rename, fsync of
// the directory): a reader sees the old or the new version, never a mix, and
// a crash leaves one of them.
//
// Invariant: checkpoint.cosigned holds only cosignatures verified with a
// key of the policy over exactly the checkpoint's body, which itself carries
// the log's valid signature.
#ifndef LIFELINE_WITNESS_WITNESS_H_
#define LIFELINE_WITNESS_WITNESS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "note/note.h"
#include "store/store.h"
#include "witness/policy.h"

namespace lifeline::witness {

inline constexpr std::string_view kPolicyFile = "witness-policy";
inline constexpr std::string_view kStateFile = "witness-state.json";
inline constexpr std::string_view kCosignedFile = "checkpoint.cosigned";
inline constexpr std::string_view kLockFile = "witness.lock";

// The default wait for each connect, send and receive of a push.
inline constexpr std::chrono::milliseconds kDefaultTimeout{10000};

// DIR/witness-policy; NotFound when there is none (no witness configured).
// InvalidArgument naming file, line and field when it does not parse.
Result<Policy> LoadPolicy(const std::string& store_dir);

// Writes DIR/witness-policy atomically and durably.
Status SavePolicy(const std::string& store_dir, const Policy& policy);

// OK for an http:// or https:// URL with a host, optional port and path, no
// query or fragment: a witness's submission prefix.
Status CheckWitnessUrl(std::string_view url);

// The tree size each witness key (vkey text) last acknowledged; empty when
// DIR/witness-state.json does not exist.
Result<std::map<std::string, uint64_t>> LoadAcknowledged(const std::string& store_dir);

enum class Outcome {
  kCosigned,  // a valid cosignature of the pushed checkpoint was returned
  kFailed,    // unreachable, refused, or returned no valid cosignature
  kSkipped,   // the policy gives this witness no URL
};

std::string_view OutcomeName(Outcome o);

struct WitnessResult {
  std::string name;  // the policy name
  std::string url;
  Outcome outcome = Outcome::kFailed;
  uint64_t old_size = 0;        // the "old" size of the last request sent
  int http_status = 0;          // of the last response; 0 when none came
  bool conflict_retried = false;  // a 409 was answered by a retry
  uint64_t timestamp = 0;       // the cosignature's time (kCosigned)
  std::string error;            // why, for kFailed and kSkipped
};

struct PushReport {
  std::string origin;
  uint64_t size = 0;
  std::vector<WitnessResult> witnesses;  // in policy order
  // Policy names of the witnesses whose valid cosignature is in the
  // published checkpoint (this push's, or kept from an earlier push of the
  // same checkpoint).
  std::vector<std::string> cosigners;
  bool quorum_met = false;
  std::string quorum;  // DescribeQuorum of the policy
  std::string cosigned_checkpoint;  // what DIR/checkpoint.cosigned now holds
};

// Sends the store's latest checkpoint to every witness of DIR/witness-policy
// with the tlog-witness add-checkpoint call, concurrently, each connect,
// send and receive waiting at most `timeout`. A witness that answers 409
// with its size (text/x.tlog.size) gets one retry from that size with the
// matching consistency proof. Each returned cosignature is verified with the
// witness's policy key; a bad one is rejected and reported. Then writes
// DIR/checkpoint.cosigned (the checkpoint with the valid cosignatures,
// keeping those of an earlier push of the same checkpoint from witnesses
// that failed now) and the acknowledged sizes, and evaluates the quorum.
//
// Per-witness failures and an unmet quorum are reported, not errors. Errors:
// NotFound (no policy), InvalidArgument (bad policy), FailedPrecondition
// (another push holds DIR/witness.lock; the policy lists other logs),
// VerificationFailed (the stored checkpoint does not verify with
// `log_key`), I/O and store errors.
//
// Thread safety: reads `store` only from the calling thread's call (under a
// mutex while witnesses are contacted); callers must not use `store` from
// another thread meanwhile, and should serialise pushes (a concurrent one,
// in this or another process, fails with FailedPrecondition).
Result<PushReport> PushToWitnesses(const std::string& store_dir, store::LogStore& store,
                                   const note::Verifier& log_key, std::chrono::milliseconds timeout);

// What to serve as the log's checkpoint: the text of DIR/checkpoint.cosigned
// when it is `latest_note` (the store's latest signed checkpoint) with
// cosignatures appended, otherwise `latest_note` itself (no push yet, or the
// log grew since). Errors only on an unreadable file. Safe to call from any
// thread, also while a push runs (the file is replaced atomically).
Result<std::string> PublishedCheckpoint(const std::string& store_dir, const std::string& latest_note);

}  // namespace lifeline::witness

#endif  // LIFELINE_WITNESS_WITNESS_H_
