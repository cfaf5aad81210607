// Per-caller rate limits: a token bucket per key (a token's id, or the
// remote address of an anonymous caller). Thread-safe.
#ifndef LIFELINE_SERVER_RATE_LIMIT_H_
#define LIFELINE_SERVER_RATE_LIMIT_H_

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lifeline::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_minute` requests a minute on average, bursts up to `burst`;
  // per_minute == 0 turns limiting off.
  RateLimiter(double per_minute, double burst) : rate_(per_minute / 60.0), burst_(burst) {}

  // True if `key` may make a request now (and counts it). Otherwise false
  // and *retry_after_s is how long until one is allowed.
  bool Allow(const std::string& key, int* retry_after_s, Clock::time_point now = Clock::now());

  // False when limiting is off (per_minute == 0): callers can skip working
  // out the key.
  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;   // per second
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_RATE_LIMIT_H_
