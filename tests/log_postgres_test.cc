// The log on a PostgreSQL store, end to end: appends (single entries and a
// batch across tile boundaries), closes, reopens on a new connection and
// carries on the same tree; lifeline's verifier and the independent Go
// verifier (../shared/tools/tlog-verify) accept the stored history and the
// exported tiles. Runs on the test cluster ctest starts
// (store/postgres/postgres_testing.h).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/status_testing.h"
#include "log/export.h"
#include "log/log.h"
#include "log/reader.h"
#include "log/verify.h"
#include "merkle/proof.h"
#include "record/submit.h"
#include "note/checkpoint.h"
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

// A projection row for the entry `id` (the entry is the id's text).
store::RecordRow Row(const std::string& id) {
  store::RecordRow r;
  r.id = id;
  r.kind = "incident";
  r.case_id = "c";
  r.body = id;
  return r;
}

// Several writers, each a Log on a connection of its own, append to one
// store at once: every acknowledged index holds its entry exactly once,
// checkpoint sizes strictly increase, each stored checkpoint is consistent
// with the next, and the whole history verifies (VerifyLog). Each group
// carries its projection rows: a batch refused and hashed again on the moved
// head keeps each group's rows with that group, so every record lands at its
// entry's index.
TEST(LogPostgresTest, ConcurrentWritersShareOneLog) {
  auto conninfo = store::testing::NewTestSchema();
  ASSERT_OK(conninfo);
  {
    // As `lifeline init` does: the empty tree's checkpoint before any writer.
    auto st = store::PostgresStore::Create(*conninfo, "example.org/log");
    ASSERT_OK(st);
    ASSERT_OK(Log::Open(std::move(*st), TestSigner()));
  }
  constexpr int kWriters = 4, kGroups = 40;
  std::vector<std::map<uint64_t, std::vector<std::string>>> acked(kWriters);
  std::atomic<uint64_t> rebases{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto st = store::PostgresStore::Open(*conninfo);
      ASSERT_OK(st);
      auto l = Log::Open(std::move(*st), TestSigner());
      ASSERT_OK(l);
      std::vector<std::future<Result<uint64_t>>> futures;
      std::vector<std::vector<std::string>> groups;
      for (int g = 0; g < kGroups; ++g) {
        groups.push_back({});
        for (int i = 0; i <= g % 3; ++i) groups.back().push_back("w" + std::to_string(w) + "g" + std::to_string(g) + "e" + std::to_string(i));
        std::vector<store::RecordRow> rows;
        for (const auto& e : groups.back()) rows.push_back(Row(e));
        futures.push_back((*l)->AppendMany(groups.back(), std::move(rows)));
      }
      for (int g = 0; g < kGroups; ++g) {
        auto first = futures[g].get();
        ASSERT_OK(first);
        acked[w][*first] = groups[g];
      }
      rebases += (*l)->stats().rebases;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(rebases.load(), 0u) << "the writers never raced: the test proves nothing";
  auto st = store::PostgresStore::Open(*conninfo);
  ASSERT_OK(st);
  LogReader reader(st->get());
  std::set<uint64_t> seen;
  uint64_t total = 0;
  for (const auto& writer : acked) {
    for (const auto& [first, entries] : writer) {
      for (size_t i = 0; i < entries.size(); ++i) {
        EXPECT_TRUE(seen.insert(first + i).second) << "index " << first + i << " acknowledged twice";
        EXPECT_EQ(*reader.Entry(first + i), entries[i]);
        auto row = (*st)->FindRecord(entries[i]);
        ASSERT_OK(row);
        EXPECT_EQ(row->index, first + i) << entries[i];
      }
      total += entries.size();
    }
  }
  std::vector<store::StoredCheckpoint> cps;
  ASSERT_OK((*st)->ForEachCheckpoint([&](const store::StoredCheckpoint& c) {
    cps.push_back(c);
    return Status::Ok();
  }));
  ASSERT_EQ(cps.back().size, total);
  for (size_t i = 1; i < cps.size(); ++i) {
    ASSERT_LT(cps[i - 1].size, cps[i].size);
    auto a = note::OpenCheckpoint(cps[i - 1].note, TestSigner().verifier());
    auto b = note::OpenCheckpoint(cps[i].note, TestSigner().verifier());
    ASSERT_OK(a);
    ASSERT_OK(b);
    auto proof = reader.ConsistencyProof(a->checkpoint.size, b->checkpoint.size);
    ASSERT_OK(proof);
    EXPECT_OK(merkle::VerifyConsistency(a->checkpoint.size, b->checkpoint.size, *proof, a->checkpoint.root,
                                        b->checkpoint.root));
  }
  auto rep = VerifyLog(**st, TestSigner().verifier());
  ASSERT_OK(rep);
  EXPECT_EQ(rep->size, total);
}

// A Log on its own connection to the test schema `conninfo`.
std::unique_ptr<Log> OpenLog(const std::string& conninfo) {
  auto st = store::PostgresStore::Open(conninfo);
  EXPECT_TRUE(st.ok());
  auto lg = Log::Open(std::move(*st), TestSigner());
  EXPECT_TRUE(lg.ok());
  return std::move(*lg);
}

// A record checked absent at one size cannot land twice: when another
// writer commits the same id after the check, the second commit re-checks
// on its own connection and fails with AlreadyExists, writing nothing of
// that group, while a group with new ids in the same log still commits.
TEST(LogPostgresTest, RecheckRefusesAnIdAnotherWriterCommitted) {
  auto conninfo = store::testing::NewTestSchema();
  ASSERT_OK(conninfo);
  ASSERT_OK(store::PostgresStore::Create(*conninfo, "example.org/log"));
  auto open = [&] { return OpenLog(*conninfo); };
  auto a = open();
  auto b = open();  // loaded at size 0, before a's commit
  ASSERT_OK(a->AppendMany({"x"}, {Row("x")}, 0).get());
  // b's caller checked "x" absent at size 0; b's tree is stale too.
  auto dup = b->AppendMany({"x"}, {Row("x")}, 0).get();
  EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists) << dup.status().ToString();
  auto fresh = b->AppendMany({"y"}, {Row("y")}, 0).get();
  ASSERT_OK(fresh);
  EXPECT_EQ(*fresh, 1u);
  auto st = store::PostgresStore::Open(*conninfo);
  ASSERT_OK(st);
  EXPECT_EQ((*st)->FindRecord("x")->index, 0u);
  EXPECT_EQ((*st)->FindRecord("y")->index, 1u);
  EXPECT_EQ((*st)->LatestCheckpoint()->size, 2u);
}

// Records whose dates were checked against a case's stored case record
// (record::CaseRecordsUnchanged) do not land after another writer changed
// that case record: the group fails with FailedPrecondition and nothing of
// it is written. Another writer's records of other kinds, and this writer's
// own case records, do not fail it.
TEST(LogPostgresTest, RecheckRefusesRecordsCheckedAgainstACaseRecordSinceChanged) {
  auto conninfo = store::testing::NewTestSchema();
  ASSERT_OK(conninfo);
  ASSERT_OK(store::PostgresStore::Create(*conninfo, "example.org/log"));
  auto open = [&] { return OpenLog(*conninfo); };
  auto case_row = [](const std::string& id) {
    store::RecordRow r = Row(id);
    r.kind = "case";
    return r;
  };
  auto a = open();
  auto b = open();
  ASSERT_OK(a->AppendMany({"case-1"}, {case_row("case-1")}, 0).get());
  // b's caller checked "r1" against case-1 at size 1; another writer then
  // adds an incident: the case record is unchanged, r1 lands.
  ASSERT_OK(a->AppendMany({"other"}, {Row("other")}, 1).get());
  auto kept = b->AppendMany({"r1"}, {Row("r1")}, 1, record::CaseRecordsUnchanged({"c"}, {})).get();
  ASSERT_OK(kept);
  EXPECT_EQ(*kept, 2u);
  // Checked at size 3; a then corrects the case record: r2 is refused.
  ASSERT_OK(a->AppendMany({"case-2"}, {case_row("case-2")}, 3).get());
  auto refused = b->AppendMany({"r2"}, {Row("r2")}, 3, record::CaseRecordsUnchanged({"c"}, {})).get();
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("\"case-2\", entry 3"), std::string::npos) << refused.status().ToString();
  // Its own case record does not count against a writer.
  ASSERT_OK(a->AppendMany({"case-3"}, {case_row("case-3")}, 4).get());
  auto own = b->AppendMany({"r3"}, {Row("r3")}, 4, record::CaseRecordsUnchanged({"c"}, {"case-3"})).get();
  ASSERT_OK(own);
  auto st = store::PostgresStore::Open(*conninfo);
  ASSERT_OK(st);
  EXPECT_EQ((*st)->FindRecord("r2").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*st)->FindRecord("r3")->index, 5u);
  EXPECT_EQ((*st)->LatestCheckpoint()->size, 6u);
}

}  // namespace
}  // namespace lifeline::log
