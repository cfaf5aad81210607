// ServerOptions::after_write on a background thread of its own: called once
// at start (a checkpoint may wait for its cosignatures) and after writes,
// one call at a time; writes during a call cause one more call, however many
// they are.
#ifndef LIFELINE_SERVER_AFTER_WRITE_H_
#define LIFELINE_SERVER_AFTER_WRITE_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace lifeline::server {

class AfterWrite {
 public:
  AfterWrite() = default;
  AfterWrite(const AfterWrite&) = delete;
  AfterWrite& operator=(const AfterWrite&) = delete;
  // Stops the thread after the call in progress, if any.
  ~AfterWrite();

  // Starts the thread with a first call pending; nothing when `fn` is empty.
  // Once only, before any Notify.
  void Start(std::function<void()> fn);
  // Asks for one more call (nothing when not started). Thread-safe.
  void Notify();

 private:
  void Loop();

  std::function<void()> fn_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false, stop_ = false;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_AFTER_WRITE_H_
