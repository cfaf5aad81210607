// A small C2SP tlog-witness for tests: a cpp-httplib server on 127.0.0.1
// (any free port) implementing add-checkpoint. It keeps the size and root it
// last cosigned per origin (in memory), verifies the log's note signature
// with the keys it trusts, verifies the consistency proof with src/merkle,
// and cosigns with its own key. Answers as the spec says: 404 for an
// unknown origin, 403 for no valid signature, 400 for a malformed request
// or old > size, 409 with its size (text/x.tlog.size) when `old` does not
// match or the root at an equal size differs, 422 for a bad proof.
//
// Test knobs: a mode that returns a corrupted cosignature, and Reset/SetState
// to simulate a witness that lost or moved on from the log's view.
//
// Thread-safe: the server's threads and the test share state under a mutex.
#ifndef LIFELINE_TESTS_WITNESS_SERVER_H_
#define LIFELINE_TESTS_WITNESS_SERVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "crypto/sha256.h"
#include "note/cosignature.h"
#include "note/note.h"

namespace httplib {
class Server;
}

namespace lifeline::testing {

class TestWitness {
 public:
  enum class Mode {
    kHonest,
    kBadCosignature,  // flips a bit of the signature it returns
  };

  // `name` is the witness key's name; `seed_fill` fills its 32-byte seed;
  // `logs` are the log keys it trusts (each for the origin of its name).
  TestWitness(std::string name, uint8_t seed_fill, std::vector<note::Verifier> logs);
  ~TestWitness();
  TestWitness(const TestWitness&) = delete;
  TestWitness& operator=(const TestWitness&) = delete;

  // Binds 127.0.0.1 on a free port and serves from a thread.
  Status Start();
  // Stops serving (connections are then refused). Idempotent.
  void Stop();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string vkey() const { return signer_.verifier().ToString(); }
  int port() const { return port_; }

  void set_mode(Mode m) { mode_ = m; }
  // The size it last cosigned for `origin` (0 if none).
  uint64_t size(const std::string& origin) const;
  // Replaces its state for `origin` (size and root it "last cosigned").
  void SetState(const std::string& origin, uint64_t size, const crypto::Hash& root);
  int requests() const { return requests_; }
  int cosigned() const { return cosigned_; }

 private:
  struct Answer {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
  };
  Answer AddCheckpoint(const std::string& body);

  note::CosignatureSigner signer_;
  std::vector<note::Verifier> logs_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<Mode> mode_{Mode::kHonest};
  std::atomic<int> requests_{0};
  std::atomic<int> cosigned_{0};
  mutable std::mutex mu_;
  struct Known {
    uint64_t size = 0;
    crypto::Hash root{};
  };
  std::map<std::string, Known> state_;  // by origin, guarded by mu_
};

}  // namespace lifeline::testing

#endif  // LIFELINE_TESTS_WITNESS_SERVER_H_
