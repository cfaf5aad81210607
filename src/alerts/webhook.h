// Delivery of alerts to webhooks: HTTP POST of the alert's JSON (EventJson),
// with retries and exponential backoff, recorded in the AlertState.
//
// Request: POST <url>, Content-Type: application/json, body EventJson(event);
// headers
//   Idempotency-Key: <alert key>       the same for every attempt and repeat
//   X-Lifeline-Alert-Key: <alert key>
//   X-Lifeline-Signature: sha256=<hex HMAC-SHA256(secret, body)>   when the webhook has a secret
//
// Outcome of an attempt:
//   2xx                          delivered
//   408, 429, 5xx, no response   retried (connect/read timeouts included)
//   any other status             permanent failure: recorded, never retried
// A retried delivery waits backoff(n) after its n-th failed attempt:
//   min(max_delay, base_delay * 2^(n-1)) * (0.5 + 0.5 * u), u uniform in [0, 1)
// ("equal jitter": at least half the exponential delay, so receivers that
// failed together are not hit together again) and is given up (failed) after
// max_attempts attempts.
//
// At most once per (alert, webhook) unless a crash: the state is saved after
// every attempt, so a crash between a receiver's 2xx and that save repeats
// that one request at the next run, with the same Idempotency-Key, by which
// receivers can drop it.
//
// Not thread-safe: one Deliverer per process, over a locked state.
#ifndef LIFELINE_ALERTS_WEBHOOK_H_
#define LIFELINE_ALERTS_WEBHOOK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "alerts/rules.h"
#include "alerts/state.h"
#include "base/status.h"

namespace lifeline::alerts {

struct DeliveryOptions {
  double base_delay_s = 2;
  double max_delay_s = 3600;
  int64_t max_attempts = 12;  // 0.6 to 1.1 hours of backoff in all at the defaults
  double timeout_s = 5;       // connect, read and write, each
  double budget_s = 10;       // the whole run: no attempt starts, no wait extends, past it
};

// The delay after the n-th failed attempt (n >= 1), u in [0, 1). Pure.
double BackoffSeconds(int64_t n, double u, const DeliveryOptions& o);

// Time for the deliverer: injectable so that tests do not wait.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() = 0;
  virtual void SleepMs(int64_t ms) = 0;
};
// The system clock and a real sleep.
Clock& SystemClock();

// One HTTP POST: the status, or 0 with an error when no response came.
struct PostResult {
  int status = 0;
  std::string error;
};
PostResult PostJson(const Url& url, const std::map<std::string, std::string>& headers, const std::string& body,
                    double timeout_s);

struct DeliveryReport {
  int64_t attempts = 0, delivered = 0, failed = 0;  // in this run
  int64_t pending = 0;    // left pending at the end (retried at a later run)
  int64_t orphaned = 0;   // pending, but their rule or webhook is no longer in the rules file
  std::vector<std::string> errors;  // one line per failed attempt
};

class Deliverer {
 public:
  // `clock` must outlive the Deliverer. `seed` seeds the jitter.
  Deliverer(DeliveryOptions options, Clock* clock, uint64_t seed);

  // Attempts the pending deliveries of `state` that are due, retrying within
  // the budget; after each attempt calls `save` (normally state.Save()), and
  // stops with its error if it fails (nothing more is sent unrecorded).
  // Webhooks are looked up in `rules` by rule id and URL, for their secrets.
  Result<DeliveryReport> Run(AlertState& state, const RuleSet& rules, const std::function<Status()>& save);

 private:
  double Uniform();
  DeliveryOptions options_;
  Clock* clock_;
  uint64_t rng_;
};

}  // namespace lifeline::alerts

#endif  // LIFELINE_ALERTS_WEBHOOK_H_
