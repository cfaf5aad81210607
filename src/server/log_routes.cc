// The log for witnesses, monitors and verifiers: the latest checkpoint (as
// published, with cosignatures), the witness policy readers check it
// against, and consistency proofs between two of its sizes.
#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "log/reader.h"
#include "note/checkpoint.h"
#include "server/handlers.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

void Checkpoint(Context& c, const http::Request& req, http::Response& res, bool as_json) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  auto cp = (*st)->LatestCheckpoint();
  if (!cp.ok()) return SendStatus(res, cp.status());
  std::string text = c.opt.published_checkpoint ? c.opt.published_checkpoint(cp->note) : cp->note;
  res.set_header("Cache-Control", "no-cache");
  if (!as_json) return res.set_content(text, "text/plain; charset=utf-8");
  auto opened = note::OpenCheckpoint(cp->note, c.verifier);
  if (!opened.ok()) return SendStatus(res, opened.status());
  SendJson(res, 200,
           json{{"ok", true}, {"size", cp->size}, {"root", Base64Encode(opened->checkpoint.root)},
                {"origin", opened->checkpoint.origin}, {"note", text}, {"vkey", c.verifier.ToString()}});
}

}  // namespace

bool ReplicaBehind(Context& c, uint64_t want, uint64_t have, http::Response& res) {
  if (!c.replica() || want <= have) return false;
  res.set_header("Retry-After", "1");
  SendError(res, 503,
            "this server reads a replica of the log that has replayed it up to size " + std::to_string(have) +
                ", not yet to size " + std::to_string(want) + ": retry shortly");
  return true;
}

bool ReplicaBehindAt(Context& c, store::LogStore& st, std::optional<int64_t> at, http::Response& res) {
  if (!c.replica() || !at) return false;
  auto cp = st.LatestCheckpoint();
  if (!cp.ok()) {
    SendStatus(res, cp.status());
    return true;
  }
  return ReplicaBehind(c, static_cast<uint64_t>(*at), cp->size, res);
}

void GetCheckpointNote(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  Checkpoint(c, req, res, false);
}

void GetCheckpointJson(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  Checkpoint(c, req, res, true);
}

// The witness policy readers check the checkpoint's cosignatures against
// (the dashboard pins it as it pins the log's key: web/js/trust.js).
void GetWitnessPolicy(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  std::string text = "log " + c.verifier.ToString() + "\nquorum none\n";
  if (c.opt.witness_policy) {
    auto p = c.opt.witness_policy();
    if (!p.ok()) return SendStatus(res, p.status());
    text = std::move(*p);
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(text), "text/plain; charset=utf-8");
}

// RFC 9162 section 2.1.4 consistency proof between two sizes of the
// latest tree (from >= 1: a proof from the empty tree says nothing).
void GetConsistency(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  if (Status s = OnlyParams(req, {"from", "to"}); !s.ok()) return SendStatus(res, s);
  auto from = IntParam(req, "from", 1, INT64_MAX / 2);
  if (!from.ok()) return SendStatus(res, from.status());
  auto to = IntParam(req, "to", 1, INT64_MAX / 2);
  if (!to.ok()) return SendStatus(res, to.status());
  if (!*from || !*to) return SendError(res, 400, "parameters from and to are required");
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  auto cp = (*st)->LatestCheckpoint();
  if (!cp.ok()) return SendStatus(res, cp.status());
  const auto size1 = static_cast<uint64_t>(**from);
  const auto size2 = static_cast<uint64_t>(**to);
  if (size1 <= size2 && ReplicaBehind(c, size2, cp->size, res)) return;
  if (size1 > size2 || size2 > cp->size) {
    return SendError(res, 400, "need 1 <= from <= to <= " + std::to_string(cp->size) + " (the latest tree size)");
  }
  log::LogReader reader(&**st);
  auto proof = reader.ConsistencyProof(size1, size2);
  if (!proof.ok()) return SendStatus(res, proof.status());
  json hashes = json::array();
  for (const auto& h : *proof) hashes.push_back(Base64Encode(h));
  SendJson(res, 200, json{{"ok", true}, {"from", size1}, {"to", size2}, {"proof", hashes}});
}

}  // namespace lifeline::server
