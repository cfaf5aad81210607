// What the handlers of `lifeline serve` share: the options, the log's key,
// tokens and rate limits, the store's read connections, the access gate,
// the caches, the one writer lock and the after-write thread. One per
// Server, made by Server::Create; every member is thread-safe or, for
// `opt` and `verifier`, read only once serving.
#ifndef LIFELINE_SERVER_CONTEXT_H_
#define LIFELINE_SERVER_CONTEXT_H_

#include <memory>
#include <mutex>
#include <utility>

#include "log/log.h"
#include "note/checkpoint.h"
#include "record/seal.h"
#include "server/access.h"
#include "server/after_write.h"
#include "server/analysis_cache.h"
#include "server/dataset_cache.h"
#include "server/indicators_cache.h"
#include "server/rate_limit.h"
#include "server/reader_pool.h"
#include "server/server.h"
#include "server/tiles.h"
#include "server/tokens.h"
#include "store/lock.h"

namespace lifeline::server {

struct Context {
  Context(ServerOptions o, note::Verifier v)
      : opt(std::move(o)), verifier(std::move(v)), tokens(opt.store_dir + "/tokens.json"),
        limiter(opt.rate_per_minute, opt.rate_burst), readers(opt.store_dir, opt.read_database),
        primary(opt.store_dir), gate(&tokens, &readers, opt.private_log) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const ServerOptions opt;
  const note::Verifier verifier;
  TokenStore tokens;
  RateLimiter limiter;
  ReaderPool readers;  // every read: the replica with --read-db, else DIR's store
  ReaderPool primary;  // DIR's store, with --read-db only: what writes check against
  Gate gate;
  AnalysisCache analyses;
  DatasetCache datasets;
  IndicatorsCache indicators;
  TileCache tiles;
  std::mutex write_mu;  // one writer at a time within this process
  // Held by an OpenRosa submission with attachments from storing them in
  // the evidence store to its answer (openrosa.cc), so that a refused
  // form's new blob is removed only when no other submission can use it.
  // Taken before write_mu, never after it.
  std::mutex blob_mu;
  // Guarded by write_mu: the log API writes go through. On PostgreSQL it
  // stays open between requests (submit.cc, Append); on SQLite each write
  // opens it with the store's LOCK (writer_lock) and closes both after.
  std::unique_ptr<log::Log> writer;
  std::unique_ptr<store::FileLock> writer_lock;
  std::shared_ptr<const record::SealKey> writer_key;
  AfterWrite after_write;

  // Whether reads come from a replica (ServerOptions::read_database).
  bool replica() const { return !opt.read_database.empty(); }
  // The connections a write checks ids and references against: the
  // primary's, never a replica that may not have replayed the latest writes.
  ReaderPool& write_checks() { return replica() ? primary : readers; }
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_CONTEXT_H_
