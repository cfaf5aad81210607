#include "server/reader_pool.h"

#include "store_dir/store_dir.h"

namespace lifeline::server {

ReaderPool::Lease::~Lease() {
  if (s_) pool_->Give(std::move(s_));
}

Result<ReaderPool::Lease> ReaderPool::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  LIFELINE_ASSIGN_OR_RETURN(auto s, store_dir::OpenStoreForReading(store_dir_, read_database_));
  std::string snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot = snapshot_;
  }
  LIFELINE_RETURN_IF_ERROR(store_dir::JoinReads(*s, snapshot));
  return Lease(this, std::move(s));
}

void ReaderPool::Pin(std::string snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(snapshot);
}

void ReaderPool::Give(std::unique_ptr<store::LogStore> s) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(s));
}

}  // namespace lifeline::server
