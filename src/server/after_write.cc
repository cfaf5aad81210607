#include "server/after_write.h"

namespace lifeline::server {

AfterWrite::~AfterWrite() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void AfterWrite::Start(std::function<void()> fn) {
  if (!fn) return;
  fn_ = std::move(fn);
  pending_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void AfterWrite::Notify() {
  if (!fn_) return;
  std::lock_guard<std::mutex> lock(mu_);
  pending_ = true;
  cv_.notify_one();
}

void AfterWrite::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;  // writes during the call trigger one more run
    lock.unlock();
    fn_();
    lock.lock();
  }
}

}  // namespace lifeline::server
