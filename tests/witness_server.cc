#include "witness_server.h"

// Debian's compiled cpp-httplib: PkgConfig::HTTPLIB brings the defines it
// was built with (see src/alerts/webhook.cc). A test helper, like the
// server module, may include it.
#include <httplib.h>

#include <chrono>
#include <span>

#include "base/bytes.h"
#include "merkle/hash.h"
#include "merkle/proof.h"
#include "note/checkpoint.h"

namespace lifeline::testing {
namespace {

crypto::Ed25519Seed Seed(uint8_t fill) {
  crypto::Ed25519Seed s;
  s.fill(fill);
  return s;
}

// "— name base64\n" for one signature.
std::string SignatureLine(const note::Signature& sig) {
  note::Note n{"x\n", {sig}};
  std::string all = note::FormatNote(n);
  return all.substr(3);  // drop "x\n\n"
}

}  // namespace

TestWitness::TestWitness(std::string name, uint8_t seed_fill, std::vector<note::Verifier> logs)
    : signer_(std::move(name), Seed(seed_fill)), logs_(std::move(logs)) {}

TestWitness::~TestWitness() { Stop(); }

Status TestWitness::Start() {
  server_ = std::make_unique<httplib::Server>();
  server_->Post("/add-checkpoint", [this](const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    Answer a = AddCheckpoint(req.body);
    res.status = a.status;
    res.set_content(a.body, a.content_type.c_str());
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return UnavailableError("test witness: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // The socket is bound and listening already; wait until the accept loop runs.
  for (int i = 0; i < 2000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void TestWitness::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

uint64_t TestWitness::size(const std::string& origin) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = state_.find(origin);
  return it == state_.end() ? 0 : it->second.size;
}

void TestWitness::SetState(const std::string& origin, uint64_t size, const crypto::Hash& root) {
  std::lock_guard<std::mutex> l(mu_);
  state_[origin] = {size, root};
}

TestWitness::Answer TestWitness::AddCheckpoint(const std::string& body) {
  auto bad = [](int status, std::string why) { return Answer{status, "text/plain; charset=utf-8", why + "\n"}; };
  // old line, proof lines, empty line, checkpoint.
  size_t nl = body.find('\n');
  if (nl == std::string::npos || body.compare(0, 4, "old ") != 0) return bad(400, "no old line");
  Result<uint64_t> old = ParseDecimal(std::string_view(body).substr(4, nl - 4), "old");
  if (!old.ok()) return bad(400, old.status().message());
  std::vector<crypto::Hash> proof;
  size_t pos = nl + 1;
  for (;;) {
    size_t e = body.find('\n', pos);
    if (e == std::string::npos) return bad(400, "no empty line before the checkpoint");
    if (e == pos) {
      pos = e + 1;
      break;
    }
    Result<std::string> h = Base64Decode(std::string_view(body).substr(pos, e - pos));
    if (!h.ok() || h->size() != 32) return bad(400, "bad proof line");
    if (proof.size() >= 63) return bad(400, "more than 63 proof lines");
    crypto::Hash hash;
    std::copy(h->begin(), h->end(), hash.begin());
    proof.push_back(hash);
    pos = e + 1;
  }
  std::string note_text = body.substr(pos);
  Result<note::Note> n = note::ParseNote(note_text);
  if (!n.ok()) return bad(400, n.status().message());
  Result<note::Checkpoint> body_cp = note::ParseCheckpoint(n->text);
  if (!body_cp.ok()) return bad(400, body_cp.status().message());
  const note::Verifier* key = nullptr;
  for (const note::Verifier& v : logs_) {
    if (v.name() == body_cp->origin) key = &v;
  }
  if (key == nullptr) return bad(404, "unknown log " + body_cp->origin);
  Result<note::SignedCheckpoint> cp = note::OpenCheckpoint(note_text, *key);
  if (!cp.ok()) return bad(403, cp.status().message());
  const note::Checkpoint& c = cp->checkpoint;
  if (*old > c.size) return bad(400, "old size larger than the checkpoint");

  std::lock_guard<std::mutex> l(mu_);  // check and update atomically
  Known known = state_.count(c.origin) ? state_[c.origin] : Known{0, merkle::EmptyRoot()};
  std::string conflict = std::to_string(known.size) + "\n";
  if (*old != known.size) return Answer{409, "text/x.tlog.size", conflict};
  if (*old == c.size && known.root != c.root) return Answer{409, "text/x.tlog.size", conflict};
  Status s = merkle::VerifyConsistency(*old, c.size, std::span<const crypto::Hash>(proof), known.root, c.root);
  if (!s.ok()) return bad(422, s.message());
  state_[c.origin] = {c.size, c.root};
  uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  note::Signature sig = signer_.Sign(n->text, now);
  if (mode_ == Mode::kBadCosignature) sig.signature.back() ^= 1;
  ++cosigned_;
  return Answer{200, "text/plain; charset=utf-8", SignatureLine(sig)};
}

}  // namespace lifeline::testing
