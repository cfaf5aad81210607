// Pushing checkpoints to witnesses (tlog-witness add-checkpoint) and keeping
// the cosigned checkpoint, the acknowledged sizes and the policy on disk.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "base/bytes.h"
#include "base/file.h"
#include "log/reader.h"
#include "note/checkpoint.h"
#include "note/cosignature.h"
#include "store/lock.h"
#include "witness/http_client.h"
#include "witness/witness.h"

namespace lifeline::witness {
namespace {

std::string PathIn(const std::string& dir, std::string_view name) { return dir + "/" + std::string(name); }

// Atomic (temporary file, rename) and durable (the file and then its
// directory are fsynced, so the rename survives a crash).
Status WriteDurably(const std::string& dir, std::string_view name, std::string_view data) {
  return WriteFileAtomically(PathIn(dir, name), data);
}

std::string HttpMeaning(int status) {
  switch (status) {
    case 400: return "400 Bad Request (the witness could not parse the request)";
    case 403: return "403 Forbidden (the witness does not trust this log's key)";
    case 404: return "404 Not Found (the witness does not know this log's origin, or the URL is wrong)";
    case 409: return "409 Conflict";
    case 422: return "422 Unprocessable Entity (the witness rejected the consistency proof)";
    default: return "HTTP " + std::to_string(status);
  }
}

// The first line of a response body, printable and short, for messages.
std::string Excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, body.find('\n'))) {
    if (out.size() >= 200) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out;
}

std::string RequestBody(uint64_t old_size, const std::vector<merkle::Hash>& proof, const std::string& note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const merkle::Hash& h : proof) body += Base64Encode(h) + "\n";
  body += "\n";
  body += note;
  return body;
}

// The valid cosignature by `v` among the signature lines of a witness's
// 200 response, or why there is none.
Result<note::Signature> CosignatureFrom(std::string_view body, const note::CosignatureVerifier& v,
                                        const std::string& checkpoint_body, uint64_t* timestamp) {
  if (body.empty()) return InvalidArgumentError("200 response with an empty body (want cosignature lines)");
  if (body.back() != '\n' || body.front() == '\n' || body.find("\n\n") != std::string_view::npos) {
    return InvalidArgumentError("malformed 200 response: want signature lines each ending in a newline: \"" +
                                Excerpt(body) + "\"");
  }
  // Parse the lines as the signatures of a placeholder note.
  Result<note::Note> n = note::ParseNote("cosignatures\n\n" + std::string(body));
  if (!n.ok()) return n.status().Annotate("malformed 200 response");
  std::vector<std::string> others;
  for (const note::Signature& sig : n->signatures) {
    if (sig.name != v.name() || sig.key_hash != v.key_hash()) {
      others.push_back(sig.name);
      continue;  // the spec: ignore cosignatures from unknown keys
    }
    Result<uint64_t> ts = v.Verify(checkpoint_body, sig);
    if (!ts.ok()) return VerificationFailedError("bad cosignature rejected: " + ts.status().message());
    *timestamp = *ts;
    return sig;
  }
  std::string msg = "the response holds no cosignature by the configured key " + v.ToString();
  if (!others.empty()) {
    msg += " (only by:";
    for (const std::string& o : others) msg += " " + o;
    msg += ")";
  }
  return VerificationFailedError(msg);
}

using ProofFn = std::function<Result<std::vector<merkle::Hash>>(uint64_t old_size)>;

struct Attempt {
  WitnessResult result;
  std::optional<note::Signature> cosignature;
  std::optional<uint64_t> acknowledged;  // a size the witness told us it holds
};

// One witness: add-checkpoint from `old_size`, one retry after a 409.
Attempt PushOne(const PolicyWitness& w, const note::SignedCheckpoint& cp, uint64_t old_size,
                const ProofFn& proof_for, std::chrono::milliseconds timeout) {
  Attempt a;
  a.result.name = w.name;
  a.result.url = w.url;
  if (w.url.empty()) {
    a.result.outcome = Outcome::kSkipped;
    a.result.error = "the policy gives no URL for this witness";
    return a;
  }
  Result<note::CosignatureVerifier> v = note::CosignatureVerifier::Parse(w.vkey);
  if (!v.ok()) {  // ParsePolicy checked it; only a bug gets here
    a.result.error = v.status().message();
    return a;
  }
  const uint64_t size = cp.checkpoint.size;
  if (old_size > size) old_size = 0;  // a hint from another history: let a 409 tell
  for (int attempt = 0; attempt < 2; ++attempt) {
    a.result.old_size = old_size;
    Result<std::vector<merkle::Hash>> proof = proof_for(old_size);
    if (!proof.ok()) {
      a.result.error = proof.status().Annotate("consistency proof from size " + std::to_string(old_size)).message();
      return a;
    }
    Result<internal::HttpResponse> r = internal::PostAddCheckpoint(w.url, RequestBody(old_size, *proof, cp.text), timeout);
    if (!r.ok()) {
      a.result.http_status = 0;
      a.result.error = r.status().message();
      return a;
    }
    a.result.http_status = r->status;
    if (r->status == 200) {
      uint64_t ts = 0;
      Result<note::Signature> sig = CosignatureFrom(r->body, *v, cp.note.text, &ts);
      if (!sig.ok()) {
        a.result.error = sig.status().message();
        return a;
      }
      a.result.outcome = Outcome::kCosigned;
      a.result.timestamp = ts;
      a.cosignature = *sig;
      a.acknowledged = size;
      return a;
    }
    if (r->status != 409) {
      a.result.error = HttpMeaning(r->status);
      std::string ex = Excerpt(r->body);
      if (!ex.empty()) a.result.error += ": " + ex;
      return a;
    }
    // 409 Conflict: the body is the witness's latest cosigned size.
    if (r->content_type.rfind("text/x.tlog.size", 0) != 0) {
      a.result.error = "409 Conflict with Content-Type \"" + r->content_type + "\", want text/x.tlog.size: \"" +
                       Excerpt(r->body) + "\"";
      return a;
    }
    std::string_view text = r->body;
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    Result<uint64_t> known = ParseDecimal(text, "the witness's tree size");
    if (!known.ok()) {
      a.result.error = "409 Conflict: " + known.status().message();
      return a;
    }
    if (*known > size) {
      a.result.error = "409 Conflict: the witness has cosigned size " + std::to_string(*known) +
                       ", larger than this log's " + std::to_string(size) +
                       " (a different history under this origin, or a rolled-back store)";
      return a;
    }
    a.acknowledged = *known;
    if (*known == old_size) {
      a.result.error = "409 Conflict at size " + std::to_string(*known) +
                       ": the witness holds a different root for this size (a split view?)";
      return a;
    }
    if (attempt == 1) {
      a.result.error = "409 Conflict again after retrying from size " + std::to_string(old_size) +
                       " (the witness now reports " + std::to_string(*known) + ")";
      return a;
    }
    a.result.conflict_retried = true;
    old_size = *known;
  }
  return a;
}

// Cosignatures of an earlier push of the same checkpoint, by policy name.
std::map<std::string, note::Signature> KeptCosignatures(const std::string& dir, const Policy& policy,
                                                        const note::SignedCheckpoint& cp) {
  std::map<std::string, note::Signature> kept;
  Result<std::string> old = ReadFile(PathIn(dir, kCosignedFile));
  if (!old.ok() || old->rfind(cp.text, 0) != 0) return kept;
  Result<note::Note> n = note::ParseNote(*old);
  if (!n.ok()) return kept;
  for (const PolicyWitness& w : policy.witnesses) {
    Result<note::CosignatureVerifier> v = note::CosignatureVerifier::Parse(w.vkey);
    if (!v.ok()) continue;
    for (const note::Signature& sig : n->signatures) {
      if (sig.name == v->name() && sig.key_hash == v->key_hash() && v->Verify(cp.note.text, sig).ok()) {
        kept.emplace(w.name, sig);
        break;
      }
    }
  }
  return kept;
}

Status SaveAcknowledged(const std::string& dir, const std::map<std::string, uint64_t>& acked,
                        const Policy& policy) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json ws = nlohmann::json::object();
  for (const PolicyWitness& w : policy.witnesses) {
    auto it = acked.find(w.vkey);
    if (it == acked.end()) continue;
    ws[w.vkey] = {{"name", w.name}, {"size", it->second}};
  }
  j["witnesses"] = ws;
  return WriteDurably(dir, kStateFile, j.dump(2) + "\n");
}

}  // namespace

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCosigned: return "cosigned";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
  }
  return "?";
}

Result<Policy> LoadPolicy(const std::string& store_dir) {
  std::string path = PathIn(store_dir, kPolicyFile);
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) {
      return NotFoundError("no witnesses configured (" + path + " does not exist): lifeline witness add URL VKEY");
    }
    return text.status();
  }
  return ParsePolicy(*text, path);
}

Status SavePolicy(const std::string& store_dir, const Policy& policy) {
  std::string text = FormatPolicy(policy);
  // Never write what could not be read back.
  Result<Policy> again = ParsePolicy(text, PathIn(store_dir, kPolicyFile));
  if (!again.ok()) return InternalError("refusing to write an invalid policy: " + again.status().message());
  return WriteDurably(store_dir, kPolicyFile, text);
}

Result<std::map<std::string, uint64_t>> LoadAcknowledged(const std::string& store_dir) {
  std::string path = PathIn(store_dir, kStateFile);
  std::map<std::string, uint64_t> out;
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) return out;
    return text.status();
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("witnesses") || !j["witnesses"].is_object()) {
    return CorruptionError(path + ": not a JSON object with a \"witnesses\" object (delete it: the next push "
                                  "recovers the sizes from the witnesses)");
  }
  for (const auto& [vkey, w] : j["witnesses"].items()) {
    if (!w.is_object() || !w.contains("size") || !w["size"].is_number_unsigned()) {
      return CorruptionError(path + ": witness " + vkey + ": \"size\" is not a non-negative integer");
    }
    out[vkey] = w["size"].get<uint64_t>();
  }
  return out;
}

Result<PushReport> PushToWitnesses(const std::string& store_dir, store::LogStore& store,
                                   const note::Verifier& log_key, std::chrono::milliseconds timeout) {
  LIFELINE_ASSIGN_OR_RETURN(Policy policy, LoadPolicy(store_dir));
  LIFELINE_RETURN_IF_ERROR(CheckLogListed(policy, log_key));
  Result<std::unique_ptr<store::FileLock>> lock = store::FileLock::Acquire(PathIn(store_dir, kLockFile));
  if (!lock.ok()) return lock.status().Annotate("another witness push is running");

  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint latest, store.LatestCheckpoint());
  Result<note::SignedCheckpoint> cp = note::OpenCheckpoint(latest.note, log_key);
  if (!cp.ok()) return cp.status().Annotate("the store's latest checkpoint");
  LIFELINE_ASSIGN_OR_RETURN(auto acked, LoadAcknowledged(store_dir));

  // The store and its reader are single-threaded: the workers take turns.
  log::LogReader reader(&store);
  std::mutex reader_mu;
  const uint64_t size = cp->checkpoint.size;
  ProofFn proof_for = [&](uint64_t old_size) -> Result<std::vector<merkle::Hash>> {
    std::lock_guard<std::mutex> l(reader_mu);
    if (old_size == 0 || old_size == size) return std::vector<merkle::Hash>{};
    return reader.ConsistencyProof(old_size, size);
  };

  std::vector<Attempt> attempts(policy.witnesses.size());
  {
    std::vector<std::jthread> workers;
    for (size_t i = 0; i < policy.witnesses.size(); ++i) {
      const PolicyWitness& w = policy.witnesses[i];
      auto it = acked.find(w.vkey);
      uint64_t old_size = it == acked.end() ? 0 : it->second;
      workers.emplace_back([&, i, old_size] { attempts[i] = PushOne(policy.witnesses[i], *cp, old_size, proof_for, timeout); });
    }
  }  // joined

  PushReport rep;
  rep.origin = cp->checkpoint.origin;
  rep.size = size;
  std::map<std::string, note::Signature> kept = KeptCosignatures(store_dir, policy, *cp);
  note::Note published = cp->note;
  std::set<std::string> cosigners;
  for (size_t i = 0; i < attempts.size(); ++i) {
    const std::string& name = policy.witnesses[i].name;
    Attempt& a = attempts[i];
    if (a.acknowledged) acked[policy.witnesses[i].vkey] = *a.acknowledged;
    const note::Signature* sig = nullptr;
    if (a.cosignature) {
      sig = &*a.cosignature;
    } else if (auto k = kept.find(name); k != kept.end()) {
      sig = &k->second;
    }
    if (sig != nullptr) {
      published.signatures.push_back(*sig);
      cosigners.insert(name);
      rep.cosigners.push_back(name);
    }
    rep.witnesses.push_back(std::move(a.result));
  }
  rep.cosigned_checkpoint = note::FormatNote(published);
  // The cosigned checkpoint first, then the sizes: a crash between the two
  // leaves stale sizes, which cost a 409 round trip on the next push.
  LIFELINE_RETURN_IF_ERROR(WriteDurably(store_dir, kCosignedFile, rep.cosigned_checkpoint));
  LIFELINE_RETURN_IF_ERROR(SaveAcknowledged(store_dir, acked, policy));
  rep.quorum_met = QuorumMet(policy, cosigners);
  rep.quorum = DescribeQuorum(policy);
  return rep;
}

Result<std::string> PublishedCheckpoint(const std::string& store_dir, const std::string& latest_note) {
  Result<std::string> text = ReadFile(PathIn(store_dir, kCosignedFile));
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) return latest_note;
    return text.status();
  }
  if (!latest_note.empty() && text->size() >= latest_note.size() && text->compare(0, latest_note.size(), latest_note) == 0) {
    return std::move(*text);
  }
  return latest_note;
}

}  // namespace lifeline::witness
