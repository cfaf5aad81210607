// PostgresStore beyond the contract suite (store_test.cc runs that on it):
// connection strings, opening what is not a store, writers in two
// processes' worth of connections, and a session killed inside Apply. Runs
// on the test cluster ctest starts (postgres_testing.h).
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "base/status_testing.h"
#include "store/postgres/postgres_testing.h"

namespace lifeline::store {
namespace {

using testing::NewTestDatabase;
using testing::NewTestSchema;
using testing::RunSql;

Commit MakeCommit(uint64_t base, uint64_t size, const std::string& note, std::vector<RecordRow> records = {}) {
  Commit c;
  c.base_size = base;
  c.new_size = size;
  const auto width = static_cast<uint32_t>(size == 0 ? 1 : size);
  c.tiles.push_back(TileData{merkle::TileId{0, 0, width}, std::string(width * 32, 'h')});
  c.tiles.push_back(TileData{merkle::TileId{merkle::kEntriesLevel, 0, width}, std::string(width, 'e')});
  c.checkpoint = note;
  c.records = std::move(records);
  return c;
}

RecordRow Row(uint64_t index, const std::string& id) {
  return RecordRow{index, id, "incident", "c1", "", "", "", "", "", "{\"id\":\"" + id + "\"}"};
}

// Polls `sql` (a count) on `conninfo` until it returns `want`, for up to 20 s.
void WaitFor(const std::string& conninfo, const std::string& sql, const std::string& want) {
  for (int i = 0; i < 2000; ++i) {
    auto got = RunSql(conninfo, sql);
    ASSERT_OK(got);
    if (*got == want) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "timed out waiting for " << sql << " to return " << want;
}

// PinSnapshot holds a store at the log as it was, and JoinSnapshot puts a
// second connection there, while a writer commits on a third.
TEST(PostgresStoreTest, PinnedReadsStayAtOneSnapshot) {
  auto schema = NewTestSchema();
  ASSERT_OK(schema);
  auto writer = PostgresStore::Create(*schema, "o");
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->Apply(MakeCommit(0, 1, "one", {Row(0, "r0")})));
  auto pinned = PostgresStore::Open(*schema);
  auto joined = PostgresStore::Open(*schema);
  ASSERT_OK(pinned);
  ASSERT_OK(joined);
  EXPECT_EQ(*(*pinned)->InRecovery(), false);
  auto id = (*pinned)->PinSnapshot();
  ASSERT_OK(id);
  ASSERT_OK((*writer)->Apply(MakeCommit(1, 2, "two", {Row(1, "r1")})));
  ASSERT_OK((*joined)->JoinSnapshot(*id));
  for (auto* st : {pinned->get(), joined->get()}) {
    auto cp = st->LatestCheckpoint();
    ASSERT_OK(cp);
    EXPECT_EQ(cp->size, 1u);
    EXPECT_EQ(st->FindRecord("r1").status().code(), ErrorCode::kNotFound);
    auto tile = st->ReadTile(0, 0);
    ASSERT_OK(tile);
    EXPECT_EQ(tile->id.width, 1u);
  }
  EXPECT_EQ((*writer)->LatestCheckpoint()->size, 2u);
  // A pinned store takes no writes, saying so.
  auto refused = (*pinned)->Apply(MakeCommit(2, 3, "three"));
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition) << refused.ToString();
  EXPECT_NE(refused.message().find("writes must go to the primary"), std::string::npos) << refused.ToString();
  auto bad = (*joined)->JoinSnapshot("1'; DROP TABLE meta; --");
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument) << bad.ToString();
}

TEST(PostgresStoreTest, BadConnectionStringsAreNamed) {
  auto malformed = PostgresStore::Open("host=/tmp dbname");
  EXPECT_EQ(malformed.status().code(), ErrorCode::kInvalidArgument) << malformed.status().ToString();
  EXPECT_NE(malformed.status().message().find("connection string"), std::string::npos);
  auto bad_uri = PostgresStore::Create("postgresql://host:notaport/db?nosuchoption=1", "o");
  EXPECT_EQ(bad_uri.status().code(), ErrorCode::kInvalidArgument) << bad_uri.status().ToString();
  // No server there: Unavailable, naming where, never the password.
  auto unreachable = PostgresStore::Open("host=/nonexistent-lifeline-dir dbname=logs user=u password=s3cret");
  EXPECT_EQ(unreachable.status().code(), ErrorCode::kUnavailable) << unreachable.status().ToString();
  EXPECT_NE(unreachable.status().message().find("/nonexistent-lifeline-dir"), std::string::npos);
  EXPECT_NE(unreachable.status().message().find("\"logs\""), std::string::npos);
  EXPECT_EQ(unreachable.status().message().find("s3cret"), std::string::npos);
}

TEST(PostgresStoreTest, OpenNamesADatabaseThatIsNotAStore) {
  auto db = NewTestDatabase();
  ASSERT_OK(db);
  auto empty = PostgresStore::Open(*db);
  EXPECT_EQ(empty.status().code(), ErrorCode::kNotFound) << empty.status().ToString();
  EXPECT_NE(empty.status().message().find("no Lifeline store"), std::string::npos);
  ASSERT_OK(RunSql(*db, "CREATE TABLE meta(key text, value text)"));
  auto other = PostgresStore::Open(*db);
  EXPECT_EQ(other.status().code(), ErrorCode::kCorruption) << other.status().ToString();
  // Create refuses a database holding any table of a store.
  auto create = PostgresStore::Create(*db, "o");
  EXPECT_EQ(create.status().code(), ErrorCode::kAlreadyExists) << create.status().ToString();
  EXPECT_NE(create.status().message().find("\"meta\""), std::string::npos);
}

TEST(PostgresStoreTest, CreateRefusesAStoreAndOpenChecksItsFormat) {
  auto db = NewTestDatabase();
  ASSERT_OK(db);
  {
    auto s = PostgresStore::Create(*db, "example.org/log");
    ASSERT_OK(s);
    ASSERT_OK((*s)->Apply(MakeCommit(0, 2, "cp2", {Row(0, "a")})));
  }
  EXPECT_EQ(PostgresStore::Create(*db, "o").status().code(), ErrorCode::kAlreadyExists);
  {
    auto s = PostgresStore::Open(*db);
    ASSERT_OK(s);
    EXPECT_EQ((*s)->LatestCheckpoint()->note, "cp2");
    EXPECT_EQ(*(*s)->GetMeta("origin"), "example.org/log");
    EXPECT_EQ((*s)->FindRecord("a")->index, 0u);
  }
  ASSERT_OK(RunSql(*db, "UPDATE meta SET value = '7' WHERE key = 'format'"));
  auto newer = PostgresStore::Open(*db);
  EXPECT_EQ(newer.status().code(), ErrorCode::kFailedPrecondition) << newer.status().ToString();
  ASSERT_OK(RunSql(*db, "DELETE FROM meta WHERE key = 'format'"));
  EXPECT_EQ(PostgresStore::Open(*db).status().code(), ErrorCode::kCorruption);
}

// Two stores (two connections, as two processes would have) apply a commit
// built on the same base at the same moment: the head row's lock queues
// them, and exactly one succeeds.
TEST(PostgresStoreTest, TwoWritersOnOneBaseOnlyOneWins) {
  auto db = NewTestDatabase();
  ASSERT_OK(db);
  auto a = PostgresStore::Create(*db, "o");
  ASSERT_OK(a);
  auto b = PostgresStore::Open(*db);
  ASSERT_OK(b);
  auto holder = PostgresStore::Open(*db);
  ASSERT_OK(holder);
  ASSERT_OK((*a)->Apply(MakeCommit(0, 1, "cp1")));
  std::future<Status> fa, fb;
  // A reindex holds the head row while both writers start and queue on it.
  Status held = (*holder)->RebuildRecords([&](std::vector<RecordRow>*) -> Result<bool> {
    fa = std::async(std::launch::async, [&] { return (*a)->Apply(MakeCommit(1, 3, "cp3-a", {Row(1, "from-a")})); });
    fb = std::async(std::launch::async, [&] { return (*b)->Apply(MakeCommit(1, 2, "cp2-b", {Row(1, "from-b")})); });
    WaitFor(*db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                 " AND wait_event_type = 'Lock'", "2");
    return false;
  });
  ASSERT_OK(held);
  Status sa = fa.get(), sb = fb.get();
  EXPECT_NE(sa.ok(), sb.ok()) << sa.ToString() << " / " << sb.ToString();
  const Status& lost = sa.ok() ? sb : sa;
  EXPECT_EQ(lost.code(), ErrorCode::kFailedPrecondition) << lost.ToString();
  auto latest = (*b)->LatestCheckpoint();
  ASSERT_OK(latest);
  EXPECT_EQ(latest->note, sa.ok() ? "cp3-a" : "cp2-b");
  EXPECT_EQ((*a)->FindRecord(sa.ok() ? "from-b" : "from-a").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*a)->ReadTile(0, 0)->id.width, sa.ok() ? 3u : 2u);
}

// The server ends Apply's session while Apply waits inside its transaction
// (its records written, its tiles blocked on a lock another session holds):
// Apply fails, nothing of it is visible, and the same store object
// reconnects and applies the commit again.
TEST(PostgresStoreTest, SessionKilledInsideApplyLeavesThePreviousCheckpoint) {
  auto db = NewTestDatabase();
  ASSERT_OK(db);
  auto s = PostgresStore::Create(*db, "o");
  ASSERT_OK(s);
  ASSERT_OK((*s)->Apply(MakeCommit(0, 1, "cp1", {Row(0, "a")})));
  auto locker = std::async(std::launch::async, [&] {
    return RunSql(*db, "BEGIN; SELECT 1 FROM tiles FOR UPDATE; SELECT pg_sleep(60); COMMIT");
  });
  WaitFor(*db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND wait_event = 'PgSleep'",
          "1");
  const Commit second = MakeCommit(1, 3, "cp3", {Row(1, "b"), Row(2, "c")});
  auto apply = std::async(std::launch::async, [&] { return (*s)->Apply(second); });
  WaitFor(*db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO tiles%'",
          "1");
  ASSERT_OK(RunSql(*db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO tiles%'"));
  Status failed = apply.get();
  EXPECT_EQ(failed.code(), ErrorCode::kUnavailable) << failed.ToString();
  ASSERT_OK(RunSql(*db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%'"
                        " AND pid <> pg_backend_pid()"));
  EXPECT_FALSE(locker.get().ok());
  auto other = PostgresStore::Open(*db);
  ASSERT_OK(other);
  for (LogStore* st : {static_cast<LogStore*>(other->get()), static_cast<LogStore*>(s->get())}) {
    EXPECT_EQ(st->LatestCheckpoint()->note, "cp1");
    EXPECT_EQ(st->CheckpointAt(3).status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(st->FindRecord("b").status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(st->ReadTile(merkle::kEntriesLevel, 0)->data, "e");
  }
  ASSERT_OK((*s)->Apply(second));
  EXPECT_EQ((*other)->LatestCheckpoint()->note, "cp3");
  EXPECT_EQ((*other)->FindRecord("c")->index, 2u);
}

// A session ended between two calls (a server restart looks the same to
// the client) is re-established by the next call.
TEST(PostgresStoreTest, ReconnectsAfterTheSessionEndsBetweenCalls) {
  auto db = NewTestDatabase();
  ASSERT_OK(db);
  auto s = PostgresStore::Create(*db, "o");
  ASSERT_OK(s);
  ASSERT_OK((*s)->Apply(MakeCommit(0, 1, "cp1")));
  auto kill_others = [&] {
    return RunSql(*db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND pid <> pg_backend_pid()");
  };
  ASSERT_OK(kill_others());
  ASSERT_OK((*s)->Apply(MakeCommit(1, 2, "cp2")));
  ASSERT_OK(kill_others());
  EXPECT_EQ((*s)->LatestCheckpoint()->note, "cp2");
}

}  // namespace
}  // namespace lifeline::store
