// The log on a PostgreSQL store, end to end: appends (single entries and a
// batch across tile boundaries), closes, reopens on a new connection and
// carries on the same tree; lifeline's verifier and the independent Go
// verifier (../shared/tools/tlog-verify) accept the stored history and the
// exported tiles. Runs on the test cluster ctest starts
// (store/postgres/postgres_testing.h).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "base/status_testing.h"
#include "log/export.h"
#include "log/log.h"
#include "log/reader.h"
#include "log/verify.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_testing.h"
#include "subprocess.h"

namespace lifeline::log {
namespace {

note::Signer TestSigner() {
  crypto::Ed25519Seed seed{};
  seed[0] = 7;
  return note::Signer("example.org/log", seed);
}

TEST(LogPostgresTest, AppendsReopensAndVerifies) {
  auto conninfo = store::testing::NewTestSchema();
  ASSERT_OK(conninfo);
  std::string first_cp;
  {
    auto st = store::PostgresStore::Create(*conninfo, "example.org/log");
    ASSERT_OK(st);
    auto l = Log::Open(std::move(*st), TestSigner());
    ASSERT_OK(l);
    for (int i = 0; i < 300; ++i) ASSERT_OK((*l)->Append("e" + std::to_string(i)).get());
    first_cp = (*l)->checkpoint();
  }
  {
    auto st = store::PostgresStore::Open(*conninfo);
    ASSERT_OK(st);
    auto l = Log::Open(std::move(*st), TestSigner());
    ASSERT_OK(l);
    EXPECT_EQ((*l)->size(), 300u);
    EXPECT_EQ((*l)->checkpoint(), first_cp);
    std::vector<std::string> batch;
    for (int i = 300; i < 1000; ++i) batch.push_back("e" + std::to_string(i));
    auto next = (*l)->AppendMany(batch).get();
    ASSERT_OK(next);
    EXPECT_EQ(*next, 300u);
  }
  auto st = store::PostgresStore::Open(*conninfo);
  ASSERT_OK(st);
  auto rep = VerifyLog(**st, TestSigner().verifier());
  ASSERT_OK(rep);
  EXPECT_EQ(rep->size, 1000u);
  EXPECT_EQ(rep->checkpoints, 302u);  // the empty tree, 300 single appends, one batch
  LogReader reader(st->get());
  EXPECT_EQ(*reader.Entry(299), "e299");
  EXPECT_EQ(*reader.Entry(999), "e999");

  lifeline::testing::TempDir dir("lifeline-log-pg");
  const std::string tiles = dir.path() + "/tiles", vkey = dir.path() + "/log.vkey";
  ASSERT_OK(ExportTiles(**st, tiles));
  std::ofstream(vkey) << TestSigner().verifier().ToString() << "\n";
  auto tv = lifeline::testing::RunProcess({std::string(LIFELINE_SHARED_DIR) + "/tools/tlog-verify/run.sh", "tiles", vkey, tiles},
                                          "", std::chrono::seconds(300));
  EXPECT_EQ(tv.exit_code, 0) << tv.Describe();
  EXPECT_EQ(tv.out.rfind("OK example.org/log 1000 ", 0), 0u) << tv.Describe();
}

}  // namespace
}  // namespace lifeline::log
