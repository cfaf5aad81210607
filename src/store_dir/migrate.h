// Copying a SQLite store into a PostgreSQL database, with proof.
//
// MigrateToPostgres(src, conninfo, dest) holds src's writer LOCK (no write
// can land during the copy), creates the schema in the database, marked
// incomplete (PostgresStore::Open refuses it), and replays src's log into
// it: for every stored checkpoint, oldest first, it hashes the entries up
// to that size, checks the root equals the one the checkpoint signs, and
// commits the tiles, the projection rows of those entries and the original
// signed checkpoint note (nothing is re-signed). Then it proves the copy:
// a consistency proof, read from the new store's tiles, from src's latest
// checkpoint to the new store's latest, and a full verification of the new
// store (log/verify.h) with src's verifier key. Only then does it remove the
// incomplete mark, and dest becomes a store directory: a copy of src's
// files (keys, tokens, configuration, evidence) but lifeline.db, its WAL and
// LOCK, plus dest/database naming the database.
//
// Refuses a database that holds any Lifeline table (AlreadyExists) and a
// dest that exists. On failure dest is removed and the database keeps at
// most a store marked incomplete; the error says which.
#ifndef LIFELINE_STORE_DIR_MIGRATE_H_
#define LIFELINE_STORE_DIR_MIGRATE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"

namespace lifeline::store_dir {

struct MigrateReport {
  uint64_t size = 0;         // entries copied (src's latest checkpoint)
  uint64_t checkpoints = 0;  // checkpoints copied, each root checked
  uint64_t records = 0;      // projection rows copied
};

// Called now and then with (what, done, total): "copying" entries, then
// "verifying" entries.
using MigrateProgress = std::function<void(const std::string& what, uint64_t done, uint64_t total)>;

Result<MigrateReport> MigrateToPostgres(const std::string& src_dir, const std::string& conninfo,
                                        const std::string& dest_dir, const MigrateProgress& progress = nullptr);

}  // namespace lifeline::store_dir

#endif  // LIFELINE_STORE_DIR_MIGRATE_H_
