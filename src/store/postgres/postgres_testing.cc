#include "store/postgres/postgres_testing.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>

namespace lifeline::store::testing {
namespace {

std::string UniqueSuffix() {
  static std::atomic<uint64_t> next{0};
  static const uint64_t nonce = std::random_device{}();
  return std::to_string(getpid()) + "_" + std::to_string(nonce % 1000000) + "_" + std::to_string(next++);
}

}  // namespace

Result<std::string> TestClusterConninfo(const std::string& dbname) {
  const char* state = std::getenv("LIFELINE_PG_STATE");
  if (state == nullptr || *state == '\0') {
    return FailedPreconditionError(
        "LIFELINE_PG_STATE is not set: the PostgreSQL tests need the throwaway cluster ctest starts"
        " (tests/pg/pg_cluster.sh); run them through ctest, or start one with"
        " `tests/pg/pg_cluster.sh start /tmp/pg-state` and set LIFELINE_PG_STATE=/tmp/pg-state");
  }
  std::ifstream in(state);
  std::string host;
  if (!std::getline(in, host) || host.empty()) {
    return FailedPreconditionError(std::string("no PostgreSQL test cluster: cannot read its socket directory from ") +
                                   state + " (did the pg_cluster_start fixture fail?)");
  }
  return "host=" + host + " user=postgres dbname=" + (dbname.empty() ? "postgres" : dbname);
}

Result<std::string> RunSql(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  Result<std::string> out = std::string();
  if (PQstatus(c) != CONNECTION_OK) {
    out = UnavailableError("connecting to the test cluster (" + conninfo + "): " + PQerrorMessage(c));
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      out = InternalError("running \"" + sql + "\" on the test cluster: " + PQresultErrorMessage(r));
    } else if (PQntuples(r) > 0 && PQnfields(r) > 0) {
      out = std::string(PQgetvalue(r, 0, 0));
    }
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

Result<std::string> NewTestDatabase() {
  LIFELINE_ASSIGN_OR_RETURN(std::string admin, TestClusterConninfo());
  const std::string name = "lifeline_" + UniqueSuffix();
  LIFELINE_RETURN_IF_ERROR(RunSql(admin, "CREATE DATABASE " + name).status());
  return TestClusterConninfo(name);
}

Result<std::string> NewTestSchema() {
  LIFELINE_ASSIGN_OR_RETURN(std::string conninfo, TestClusterConninfo("lifeline_test"));
  const std::string schema = "s_" + UniqueSuffix();
  LIFELINE_RETURN_IF_ERROR(RunSql(conninfo, "CREATE SCHEMA " + schema).status());
  return conninfo + " options='-csearch_path=" + schema + "'";
}

}  // namespace lifeline::store::testing
