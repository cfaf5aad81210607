// For tests: a Server running on its own thread on a free loopback port.
#ifndef LIFELINE_SERVER_SERVER_TESTING_H_
#define LIFELINE_SERVER_SERVER_TESTING_H_

#include <future>
#include <memory>
#include <thread>

#include "server/server.h"

namespace lifeline::server {

class RunningServer {
 public:
  // Creates the server from `o` (its port is replaced by 0) and returns once
  // it listens.
  static Result<std::unique_ptr<RunningServer>> Start(ServerOptions o) {
    o.port = 0;
    LIFELINE_ASSIGN_OR_RETURN(std::unique_ptr<Server> s, Server::Create(std::move(o)));
    std::unique_ptr<RunningServer> r(new RunningServer(std::move(s)));  // NOLINT: private constructor
    std::promise<int> port;
    auto listening = port.get_future();
    // `port` is touched only until the server listens (or fails to).
    r->thread_ = std::thread([&port, srv = r->server_.get(), &status = r->run_status_] {
      bool ready = false;
      status = srv->Run([&](int p) {
        ready = true;
        port.set_value(p);
      });
      if (!ready) port.set_value(-1);
    });
    r->port_ = listening.get();
    if (r->port_ < 0) {
      r->thread_.join();
      return r->run_status_;
    }
    return r;
  }

  ~RunningServer() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  Server& server() { return *server_; }

 private:
  explicit RunningServer(std::unique_ptr<Server> s) : server_(std::move(s)) {}
  std::unique_ptr<Server> server_;
  std::thread thread_;
  Status run_status_;
  int port_ = 0;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_SERVER_TESTING_H_
