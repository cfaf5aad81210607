#include "alerts/webhook.h"

// cpp-httplib's client. Debian's libcpp-httplib is a compiled library: the
// defines of its pkg-config file (OpenSSL, zlib, brotli support) come with
// PkgConfig::HTTPLIB and must match, or the objects disagree on its layout.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "base/bytes.h"
#include "crypto/sha256.h"

namespace lifeline::alerts {

namespace {

class RealClock : public Clock {
 public:
  int64_t NowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void SleepMs(int64_t ms) override {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
};

const Webhook* FindWebhook(const RuleSet& rules, const Delivery& d) {
  for (const Rule& r : rules.rules) {
    if (r.id != d.rule) continue;
    for (const Webhook& w : r.webhooks) {
      if (w.url == d.url) return &w;
    }
  }
  return nullptr;
}

bool Retryable(int status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

double BackoffSeconds(int64_t n, double u, const DeliveryOptions& o) {
  double exp = o.base_delay_s * std::pow(2.0, static_cast<double>(std::min<int64_t>(n - 1, 60)));
  return std::min(o.max_delay_s, exp) * (0.5 + 0.5 * u);
}

PostResult PostJson(const Url& url, const std::map<std::string, std::string>& headers, const std::string& body,
                    double timeout_s) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  httplib::Client cli(url.scheme + "://" + host + ":" + std::to_string(url.port));
  const auto sec = static_cast<time_t>(timeout_s);
  const auto usec = static_cast<time_t>((timeout_s - static_cast<double>(sec)) * 1e6);
  cli.set_connection_timeout(sec, usec);
  cli.set_read_timeout(sec, usec);
  cli.set_write_timeout(sec, usec);
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);
  auto res = cli.Post(url.path, h, body, "application/json");
  if (!res) return {0, httplib::to_string(res.error())};
  return {res->status, ""};
}

Deliverer::Deliverer(DeliveryOptions options, Clock* clock, uint64_t seed)
    : options_(options), clock_(clock), rng_(seed) {}

double Deliverer::Uniform() {
  // SplitMix64: jitter needs no more than spread.
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

Result<DeliveryReport> Deliverer::Run(AlertState& state, const RuleSet& rules, const std::function<Status()>& save) {
  DeliveryReport rep;
  const int64_t deadline = clock_->NowMs() + static_cast<int64_t>(options_.budget_s * 1000);
  for (;;) {
    // The due-soonest pending delivery whose webhook is still configured.
    Delivery* next = nullptr;
    for (Delivery& d : state.deliveries()) {
      if (d.status != DeliveryStatus::kPending || FindWebhook(rules, d) == nullptr) continue;
      if (next == nullptr || d.next_attempt_ms < next->next_attempt_ms) next = &d;
    }
    if (next == nullptr) break;
    int64_t now = clock_->NowMs();
    if (next->next_attempt_ms > now) {
      if (next->next_attempt_ms >= deadline) break;  // a later run retries it
      clock_->SleepMs(next->next_attempt_ms - now);
      now = clock_->NowMs();
    }
    if (now >= deadline) break;
    const Webhook* w = FindWebhook(rules, *next);
    const StoredAlert* alert = state.Find(next->key);
    if (alert == nullptr) {
      next->status = DeliveryStatus::kFailed;
      next->last_error = "the alert is not in the state file";
      LIFELINE_RETURN_IF_ERROR(save());
      continue;
    }
    auto url = ParseUrl(w->url);
    const std::string body = EventJson(alert->event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::map<std::string, std::string> headers = {{"Idempotency-Key", next->key},
                                                  {"X-Lifeline-Alert-Key", next->key},
                                                  {"User-Agent", "lifeline-alerts/1"}};
    if (!w->secret.empty()) {
      headers["X-Lifeline-Signature"] = "sha256=" + HexEncode(crypto::HmacSha256(w->secret, body));
    }
    const double timeout = std::max(0.001, std::min(options_.timeout_s, static_cast<double>(deadline - now) / 1000));
    PostResult r = url.ok() ? PostJson(*url, headers, body, timeout) : PostResult{0, url.status().message()};
    ++next->attempts;
    ++rep.attempts;
    now = clock_->NowMs();
    if (r.status >= 200 && r.status < 300) {
      next->status = DeliveryStatus::kDelivered;
      next->delivered_at = now / 1000;
      next->last_error.clear();
      ++rep.delivered;
    } else {
      next->last_error = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
      rep.errors.push_back(next->key + " -> " + next->url + ": " + next->last_error);
      if (!Retryable(r.status)) {
        next->status = DeliveryStatus::kFailed;
        ++rep.failed;
      } else if (next->attempts >= options_.max_attempts) {
        next->status = DeliveryStatus::kFailed;
        next->last_error = "gave up after " + std::to_string(next->attempts) + " attempts: " + next->last_error;
        ++rep.failed;
      } else {
        next->next_attempt_ms =
            now + static_cast<int64_t>(BackoffSeconds(next->attempts, Uniform(), options_) * 1000);
      }
    }
    // The attempt is recorded before the next one starts: a crash here
    // repeats at most this request, with the same Idempotency-Key.
    LIFELINE_RETURN_IF_ERROR(save());
  }
  for (const Delivery& d : state.deliveries()) {
    if (d.status != DeliveryStatus::kPending) continue;
    ++rep.pending;
    if (FindWebhook(rules, d) == nullptr) ++rep.orphaned;
  }
  return rep;
}

}  // namespace lifeline::alerts
