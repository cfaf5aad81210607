// Read-only connections to the store for request handlers. A LogStore is
// not thread-safe, so each request borrows one connection (a Lease) and
// gives it back when the lease ends; connections are opened on demand and
// kept, one per request that ever ran at once. Thread-safe.
#ifndef LIFELINE_SERVER_READER_POOL_H_
#define LIFELINE_SERVER_READER_POOL_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace lifeline::server {

class ReaderPool {
 public:
  // Connections are opened on the store directory `store_dir` (its SQLite
  // file or the PostgreSQL database it names: store_dir::OpenStoreForReading).
  explicit ReaderPool(std::string store_dir) : store_dir_(std::move(store_dir)) {}

  // A borrowed connection; the pool must outlive it.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<store::LogStore> s) : pool_(pool), s_(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease();
    store::LogStore& operator*() { return *s_; }
    store::LogStore* operator->() { return s_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<store::LogStore> s_;
  };

  // A connection from the pool, or a new one.
  Result<Lease> Borrow();
  // Adds an open connection (the one Server::Create checked the store with).
  void Give(std::unique_ptr<store::LogStore> s);

 private:
  std::string store_dir_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::LogStore>> idle_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_READER_POOL_H_
