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
  // file or the PostgreSQL database it names), or on `read_database` when
  // given (store_dir::OpenStoreForReading).
  explicit ReaderPool(std::string store_dir, std::string read_database = "")
      : store_dir_(std::move(store_dir)), read_database_(std::move(read_database)) {}

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
  // Connections opened from now on join `snapshot` (store_dir::JoinReads),
  // the one the connections already in the pool are pinned to.
  void Pin(std::string snapshot);

 private:
  std::string store_dir_;
  std::string read_database_;
  std::string snapshot_;  // guarded by mu_
  std::mutex mu_;
  std::vector<std::unique_ptr<store::LogStore>> idle_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_READER_POOL_H_
