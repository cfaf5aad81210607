// Webhook delivery against a real HTTP server on 127.0.0.1 (a random port):
// retries with backoff (on a fake clock, so nothing waits), no duplicate
// after a restart, permanent failures not retried, timeouts retried.
#include "alerts/webhook.h"

#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/bytes.h"
#include "base/status_testing.h"
#include "crypto/sha256.h"

namespace lifeline::alerts {
namespace {

class FakeClock : public Clock {
 public:
  int64_t NowMs() override { return now_; }
  void SleepMs(int64_t ms) override {
    sleeps_.push_back(ms);
    now_ += ms;
  }
  int64_t now_ = 1'700'000'000'000;
  std::vector<int64_t> sleeps_;
};

struct Received {
  std::string body, idempotency_key, signature;
};

// Answers `fail_status` to the first `fail_first` requests, then 200, and
// records every request.
class TestServer {
 public:
  TestServer() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      int delay = 0;
      {
        std::lock_guard<std::mutex> l(mu_);
        received_.push_back({req.body, req.get_header_value("Idempotency-Key"),
                             req.get_header_value("X-Lifeline-Signature")});
        const bool fail = static_cast<int>(received_.size()) <= fail_first_;
        res.status = fail ? fail_status_ : 200;
        if (fail) delay = delay_ms_;
      }
      // Outside the lock: later requests are answered meanwhile.
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // 0.11 has no wait_until_ready: the socket is bound, so connections
    // queue until listen_after_bind accepts them; wait for it anyway.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void Fail(int first, int status, int delay_ms = 0) {
    std::lock_guard<std::mutex> l(mu_);
    fail_first_ = first;
    fail_status_ = status;
    delay_ms_ = delay_ms;
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> l(mu_);
    return received_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  int fail_first_ = 0, fail_status_ = 503, delay_ms_ = 0;
  std::vector<Received> received_;
};

AlertEvent Event() {
  AlertEvent e;
  e.key = "rc/c1/2023-01-03";
  e.rule_id = "rc";
  e.case_id = "c1";
  e.title = "Route r1 closed";
  e.summary = "r1 closed 3 days";
  e.first_day = "2023-01-03";
  e.last_day = "2023-01-05";
  e.days = 3;
  e.checkpoint = {9, "AAAA"};
  return e;
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/webhook-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Rule r;
    r.id = "rc";
    r.case_id = "c1";
    r.webhooks = {{server_.url(), "k3y"}};
    rules_.rules.push_back(r);
    options_.base_delay_s = 1;
    options_.max_delay_s = 60;
    options_.budget_s = 1000;  // on the fake clock
  }
  // A "process": the state read from disk, the event recorded, one run.
  DeliveryReport RunOnce() {
    auto st = AlertState::Load(dir_ + "/alerts.state.jsonl");
    EXPECT_OK(st);
    st->Record({Event()}, rules_, clock_.NowMs() / 1000);
    EXPECT_TRUE(st->Save().ok());
    Deliverer d(options_, &clock_, 7);
    auto rep = d.Run(*st, rules_, [&] { return st->Save(); });
    EXPECT_OK(rep);
    return rep.ok() ? *rep : DeliveryReport{};
  }
  Delivery StoredDelivery() {
    auto st = AlertState::Load(dir_ + "/alerts.state.jsonl");
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(st->deliveries().size(), 1u);
    return st->deliveries().empty() ? Delivery{} : st->deliveries()[0];
  }
  TestServer server_;
  FakeClock clock_;
  RuleSet rules_;
  DeliveryOptions options_;
  std::string dir_;
};

TEST(BackoffTest, ExponentialCappedAndJittered) {
  DeliveryOptions o;
  o.base_delay_s = 2;
  o.max_delay_s = 60;
  EXPECT_DOUBLE_EQ(BackoffSeconds(1, 0, o), 1);    // 2 * 2^0 * 0.5
  EXPECT_DOUBLE_EQ(BackoffSeconds(3, 0.5, o), 6);  // 2 * 2^2 * 0.75
  EXPECT_DOUBLE_EQ(BackoffSeconds(10, 0, o), 30);  // capped at 60, halved
  EXPECT_LT(BackoffSeconds(10, 0.999, o), 60.0001);
  EXPECT_DOUBLE_EQ(BackoffSeconds(1000, 0, o), 30);  // no overflow
}

TEST_F(WebhookTest, RetriesWithBackoffThenDeliversOnce) {
  server_.Fail(2, 503);
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 3);
  EXPECT_EQ(rep.delivered, 1);
  EXPECT_EQ(rep.pending, 0);
  // Two waits: backoff(1) in [0.5, 1) s, backoff(2) in [1, 2) s.
  ASSERT_EQ(clock_.sleeps_.size(), 2u);
  EXPECT_GE(clock_.sleeps_[0], 500);
  EXPECT_LT(clock_.sleeps_[0], 1000);
  EXPECT_GE(clock_.sleeps_[1], 1000);
  EXPECT_LT(clock_.sleeps_[1], 2000);
  auto got = server_.received();
  ASSERT_EQ(got.size(), 3u);
  for (const Received& r : got) {
    EXPECT_EQ(r.idempotency_key, "rc/c1/2023-01-03");
    EXPECT_EQ(r.body, got[0].body);
    EXPECT_EQ(r.signature, "sha256=" + HexEncode(crypto::HmacSha256("k3y", r.body)));
  }
  auto body = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(body["key"], "rc/c1/2023-01-03");
  EXPECT_EQ(body["checkpoint"]["size"], 9);
  Delivery d = StoredDelivery();
  EXPECT_EQ(d.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(d.attempts, 3);

  // A restart (state read back from disk, the same alert evaluated again):
  // nothing is sent again.
  DeliveryReport again = RunOnce();
  EXPECT_EQ(again.attempts, 0);
  EXPECT_EQ(server_.received().size(), 3u);
}

TEST_F(WebhookTest, PermanentFailureIsNotRetried) {
  server_.Fail(100, 400);
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 1);
  EXPECT_EQ(rep.failed, 1);
  EXPECT_TRUE(clock_.sleeps_.empty());
  Delivery d = StoredDelivery();
  EXPECT_EQ(d.status, DeliveryStatus::kFailed);
  EXPECT_EQ(d.last_error, "HTTP 400");
  EXPECT_EQ(RunOnce().attempts, 0);
  EXPECT_EQ(server_.received().size(), 1u);
}

TEST_F(WebhookTest, TooManyRequestsIsRetried) {
  server_.Fail(1, 429);
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 2);
  EXPECT_EQ(rep.delivered, 1);
}

// A retry that falls after the budget is left to the next run, whose
// process finds it pending with its attempt count and time.
TEST_F(WebhookTest, PendingRetrySurvivesARestart) {
  server_.Fail(1, 500);
  options_.budget_s = 0.1;  // shorter than any backoff
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 1);
  EXPECT_EQ(rep.pending, 1);
  Delivery d = StoredDelivery();
  EXPECT_EQ(d.status, DeliveryStatus::kPending);
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.last_error, "HTTP 500");
  EXPECT_GE(d.next_attempt_ms, clock_.NowMs() + 500);
  // Not yet due: a run now sends nothing.
  EXPECT_EQ(RunOnce().attempts, 0);
  clock_.now_ = d.next_attempt_ms;
  DeliveryReport later = RunOnce();
  EXPECT_EQ(later.attempts, 1);
  EXPECT_EQ(later.delivered, 1);
  EXPECT_EQ(StoredDelivery().attempts, 2);
  EXPECT_EQ(server_.received().size(), 2u);
}

TEST_F(WebhookTest, GivesUpAfterMaxAttempts) {
  server_.Fail(100, 502);
  options_.max_attempts = 4;
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 4);
  EXPECT_EQ(rep.failed, 1);
  Delivery d = StoredDelivery();
  EXPECT_EQ(d.status, DeliveryStatus::kFailed);
  EXPECT_NE(d.last_error.find("gave up after 4 attempts: HTTP 502"), std::string::npos) << d.last_error;
}

TEST_F(WebhookTest, TimeoutIsRetried) {
  server_.Fail(1, 200, 1500);  // the first answer comes too late
  options_.timeout_s = 0.3;
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 2);
  EXPECT_EQ(rep.delivered, 1);
  ASSERT_EQ(rep.errors.size(), 1u);
}

// Debian's cpp-httplib is built with OpenSSL: an https URL speaks TLS (here
// to a plain-HTTP server, so the handshake fails and no request is seen).
TEST_F(WebhookTest, HttpsSpeaksTls) {
  auto url = ParseUrl("https://127.0.0.1:" + server_.url().substr(server_.url().rfind(':') + 1));
  ASSERT_TRUE(url.ok());
  PostResult r = PostJson(*url, {}, "{}", 2);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("SSL"), std::string::npos) << r.error;
  EXPECT_TRUE(server_.received().empty());
}

TEST_F(WebhookTest, ConnectionRefusedIsRetriedAndRemovedWebhooksAreLeft) {
  // A port nobody listens on: bind one, then close it.
  int port;
  {
    httplib::Server s;
    port = s.bind_to_any_port("127.0.0.1");
  }
  rules_.rules[0].webhooks = {{"http://127.0.0.1:" + std::to_string(port) + "/hook", ""}};
  options_.budget_s = 0.1;
  DeliveryReport rep = RunOnce();
  EXPECT_EQ(rep.attempts, 1);
  EXPECT_EQ(rep.pending, 1);
  EXPECT_FALSE(StoredDelivery().last_error.empty());
  // The webhook removed from the rules: its delivery stays pending, unsent.
  rules_.rules[0].webhooks.clear();
  clock_.now_ += 3'600'000;
  DeliveryReport orphan = RunOnce();
  EXPECT_EQ(orphan.attempts, 0);
  EXPECT_EQ(orphan.orphaned, 1);
}

}  // namespace
}  // namespace lifeline::alerts
