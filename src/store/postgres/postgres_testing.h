// Test support for the PostgreSQL store (not part of the library): the
// throwaway cluster the tests run against, and fresh stores on it.
//
// ctest starts the cluster (tests/pg/pg_cluster.sh, a FIXTURES_SETUP) and
// names its state file in LIFELINE_PG_STATE; the file holds the cluster's
// socket directory. Each store gets a schema of its own (the connection
// string's search_path) in the database lifeline_test the script makes: a
// millisecond, where CREATE DATABASE costs 50 ms and 8 MB of files.
// Without LIFELINE_PG_STATE every call fails, saying how to start a cluster:
// a test binary run by hand fails, it does not skip.
// Thread safety: the functions may be called from any thread.
#ifndef LIFELINE_STORE_POSTGRES_POSTGRES_TESTING_H_
#define LIFELINE_STORE_POSTGRES_POSTGRES_TESTING_H_

#include <string>

#include "base/status.h"

namespace lifeline::store::testing {

// "host=<socket dir> user=postgres dbname=<name>" for a database of the test
// cluster; the cluster's own `postgres` database when `dbname` is empty.
Result<std::string> TestClusterConninfo(const std::string& dbname = "");

// A connection string to a new, empty schema of the database lifeline_test:
// PostgresStore::Create(conninfo, ...) makes a store there.
Result<std::string> NewTestSchema();

// A new, empty database of the test cluster (a fault test that needs a
// database to itself); returns its connection string.
Result<std::string> NewTestDatabase();

// Runs `sql` (no parameters; several statements run as one transaction) on
// `conninfo`'s database over a connection of its own, and returns the first
// value of the last statement's first row as text ("" if it has none): test
// setup, probes of pg_stat_activity, and faults such as pg_terminate_backend.
Result<std::string> RunSql(const std::string& conninfo, const std::string& sql);

}  // namespace lifeline::store::testing

#endif  // LIFELINE_STORE_POSTGRES_POSTGRES_TESTING_H_
