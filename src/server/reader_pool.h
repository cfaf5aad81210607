// Read-only connections to the store for request handlers. SqliteStore is
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
#include "store/sqlite/sqlite_store.h"

namespace lifeline::server {

class ReaderPool {
 public:
  // Connections are opened on `db_path` (the store's lifeline.db).
  explicit ReaderPool(std::string db_path) : db_path_(std::move(db_path)) {}

  // A borrowed connection; the pool must outlive it.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<store::SqliteStore> s) : pool_(pool), s_(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease();
    store::SqliteStore& operator*() { return *s_; }
    store::SqliteStore* operator->() { return s_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<store::SqliteStore> s_;
  };

  // A connection from the pool, or a new one.
  Result<Lease> Borrow();
  // Adds an open connection (the one Server::Create checked the store with).
  void Give(std::unique_ptr<store::SqliteStore> s);

 private:
  std::string db_path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::SqliteStore>> idle_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_READER_POOL_H_
