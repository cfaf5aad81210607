#include <sys/wait.h>
// Contract tests run against every LogStore implementation that can write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status_testing.h"
#include "store/lock.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_testing.h"

// Rows are written with designated initializers that name only the fields
// a test is about; the rest keep RecordRow's defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace lifeline::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("lifeline-store-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// A bundle of `n` entries "e".
std::string Bundle(uint32_t n) {
  return testing::BundlesFor(std::vector<std::string>(n, "e"), 0, n).at(0).data;
}

Commit MakeCommit(uint64_t base, uint64_t size, uint32_t width, const std::string& note) {
  Commit c;
  c.base_size = base;
  c.new_size = size;
  c.tiles.push_back(TileData{merkle::TileId{0, 0, width}, std::string(width * 32, 'h')});
  c.tiles.push_back(TileData{merkle::TileId{merkle::kEntriesLevel, 0, width}, Bundle(width)});
  c.checkpoint = note;
  return c;
}

// `c` with entry bundles holding the store's entries below c.base_size, each
// of c.records' bodies at its index, and "e" elsewhere: a backend may read a
// row's body from its bundle (store.h).
Commit WithBodies(LogStore& st, Commit c) {
  std::vector<std::string> entries;
  for (uint64_t n = 0; n * merkle::kTileWidth < c.base_size; ++n) {
    auto b = st.ReadTile(merkle::kEntriesLevel, n);
    if (!b.ok()) break;  // a refused commit's base may lie beyond the log
    auto parsed = merkle::ParseBundle(b->data, b->id.width);
    EXPECT_OK(parsed);
    if (parsed.ok()) entries.insert(entries.end(), parsed->begin(), parsed->end());
  }
  entries.resize(std::min<uint64_t>(entries.size(), c.base_size));
  entries.resize(c.new_size, "e");
  for (const RecordRow& r : c.records) entries.at(r.index) = r.body;
  std::erase_if(c.tiles, [](const TileData& t) { return t.id.is_entries(); });
  for (TileData& t : testing::BundlesFor(entries, 0, c.new_size)) c.tiles.push_back(std::move(t));
  return c;
}

// The contract suite: every test runs once per backend of
// store_testing.h Backends(), named StoreContractTest.<Test>/<backend>.
class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto s = testing::FactoryFor(GetParam())(scratch_.path(), "example.org/log");
    ASSERT_OK(s);
    store_ = std::move(*s);
  }
  void TearDown() override { store_.reset(); }  // close before scratch_ is removed

  testing::ScratchDir scratch_;
  std::unique_ptr<LogStore> store_;
};

TEST_P(StoreContractTest, AppliesAndReadsBack) {
  ASSERT_TRUE(store_->Apply(MakeCommit(0, 3, 3, "cp3")).ok());
  ASSERT_TRUE(store_->Apply(MakeCommit(3, 5, 5, "cp5")).ok());
  auto latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 5u);
  EXPECT_EQ(latest->note, "cp5");
  auto t = store_->ReadTile(0, 0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->id.width, 5u);  // the partial tile was widened in place
  EXPECT_EQ(t->data.size(), 5u * 32);
  auto b = store_->ReadTile(merkle::kEntriesLevel, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->data, Bundle(5));
  EXPECT_EQ(store_->CheckpointAt(3)->note, "cp3");
  EXPECT_EQ(store_->CheckpointAt(4).status().code(), ErrorCode::kNotFound);
  std::vector<uint64_t> sizes;
  ASSERT_TRUE(store_->ForEachCheckpoint([&](const StoredCheckpoint& cp) {
    sizes.push_back(cp.size);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(sizes, (std::vector<uint64_t>{3, 5}));
}

TEST_P(StoreContractTest, RefusesACommitBuiltOnAnotherSize) {
  ASSERT_TRUE(store_->Apply(MakeCommit(0, 3, 3, "cp3")).ok());
  Status s = store_->Apply(MakeCommit(0, 4, 4, "cp4"));
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << s.ToString();
  // Nothing of the refused commit is visible.
  EXPECT_EQ(store_->LatestCheckpoint()->note, "cp3");
  EXPECT_EQ(store_->ReadTile(0, 0)->id.width, 3u);
}

// The current view (store.h Replaces): a correction or retraction takes a
// record out only from within its own case, and ForEachIdAndKind names
// each record's case.
TEST_P(StoreContractTest, OnlyTheSameCaseReplacesARecord) {
  auto row = [](uint64_t i, std::string id, std::string kind, std::string case_id, std::string supersedes = "",
                std::string target = "") {
    return RecordRow{i, id, kind, case_id, supersedes, target, "", "", "", "{}"};
  };
  Commit c = MakeCommit(0, 7, 7, "cp7");
  c.records = {row(0, "a", "incident", "c1"),
               row(1, "b", "incident", "c1"),
               row(2, "x-fix-a", "incident", "c2", "a"),         // another case's correction: inert
               row(3, "x-retract-b", "retraction", "c2", "", "b"),  // another case's retraction: inert
               row(4, "a-v2", "incident", "c1", "a"),
               row(5, "c", "incident", "c1"),
               row(6, "retract-c", "retraction", "c1", "", "c")};
  ASSERT_TRUE(store_->Apply(WithBodies(*store_, c)).ok());
  RecordQuery q;
  q.case_id = "c1";
  q.kind = "incident";
  std::vector<std::string> ids;
  ASSERT_TRUE(store_->ForEachRecord(q, [&](const RecordRow& r) {
    ids.push_back(r.id);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "a-v2"}));
  std::map<std::string, std::string> cases;
  ASSERT_TRUE(store_->ForEachIdAndKind([&](const std::string& id, const std::string&, const std::string& case_id) {
    cases[id] = case_id;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(cases.size(), 7u);
  EXPECT_EQ(cases["x-fix-a"], "c2");
  EXPECT_EQ(cases["a"], "c1");
}

// ----- Helpers for the record projection ------------------------------------

// A commit that appends `rows` after the store's latest checkpoint (or onto
// the empty tree), with one hash tile and one bundle as wide as the tree.
Commit RecordsCommit(LogStore& st, std::vector<RecordRow> rows) {
  auto latest = st.LatestCheckpoint();
  const uint64_t base = latest.ok() ? latest->size : 0;
  uint64_t size = base + std::max<uint64_t>(1, rows.size());
  for (const RecordRow& r : rows) size = std::max(size, r.index + 1);
  const auto width = static_cast<uint32_t>(std::min<uint64_t>(size, merkle::kTileWidth));
  Commit c = MakeCommit(base, size, width, "cp" + std::to_string(size));
  c.records = std::move(rows);
  return WithBodies(st, std::move(c));
}

std::vector<RecordRow> Query(LogStore& st, const RecordQuery& q) {
  std::vector<RecordRow> out;
  Status s = st.ForEachRecord(q, [&](const RecordRow& r) {
    out.push_back(r);
    return Status::Ok();
  });
  EXPECT_OK(s);
  return out;
}

std::vector<std::string> Ids(const std::vector<RecordRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

std::vector<std::string> QueryIds(LogStore& st, const RecordQuery& q) { return Ids(Query(st, q)); }

// Referrers sorted by index: store.h does not promise their order.
std::vector<std::string> ReferrerIds(LogStore& st, const std::string& id) {
  std::vector<RecordRow> out;
  Status s = st.ForEachReferrer(id, [&](const RecordRow& r) {
    out.push_back(r);
    return Status::Ok();
  });
  EXPECT_OK(s);
  std::sort(out.begin(), out.end(), [](const RecordRow& a, const RecordRow& b) { return a.index < b.index; });
  return Ids(out);
}

RecordQuery All() {
  RecordQuery q;
  q.current_only = false;
  return q;
}

// ----- Empty store, metadata, checkpoints and tiles -------------------------

TEST_P(StoreContractTest, EmptyStoreHoldsNothingButItsOrigin) {
  EXPECT_EQ(*store_->GetMeta("origin"), "example.org/log");
  EXPECT_EQ(store_->LatestCheckpoint().status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadTile(0, 0).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadTile(merkle::kEntriesLevel, 0).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->CheckpointAt(0).status().code(), ErrorCode::kNotFound);
  int calls = 0;
  auto count = [&](auto&&...) {
    ++calls;
    return Status::Ok();
  };
  EXPECT_TRUE(store_->ForEachCheckpoint(count).ok());
  EXPECT_EQ(store_->FindRecord("a").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ForEachRecord(All(), count).ok());
  EXPECT_TRUE(store_->ForEachRecord(RecordQuery{}, count).ok());
  EXPECT_TRUE(store_->ForEachReferrer("a", count).ok());
  EXPECT_TRUE(store_->ForEachIdAndKind(count).ok());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(store_->GetMeta("no such key").status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FirstCommitMustBeBuiltOnTheEmptyTree) {
  Commit c = MakeCommit(2, 3, 3, "cp3");
  c.records = {RecordRow{.index = 2, .id = "a", .kind = "incident", .case_id = "c1", .body = "{}"}};
  EXPECT_EQ(store_->Apply(WithBodies(*store_, c)).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->LatestCheckpoint().status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadTile(0, 0).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindRecord("a").status().code(), ErrorCode::kNotFound);
}

// Refused bases either side of the latest size; nothing of a refused commit
// (tiles, checkpoint, records) is visible.
TEST_P(StoreContractTest, RefusedCommitLeavesNoTrace) {
  Commit first = MakeCommit(0, 3, 3, "cp3");
  first.records = {RecordRow{.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .body = "{}"}};
  first = WithBodies(*store_, first);
  ASSERT_TRUE(store_->Apply(first).ok());
  for (uint64_t base : {0u, 2u, 4u, 5u}) {
    SCOPED_TRACE("base " + std::to_string(base));
    Commit c = MakeCommit(base, 5, 5, "cp5");
    c.records = {RecordRow{.index = 3, .id = "b", .kind = "incident", .case_id = "c1", .body = "{}"}};
    EXPECT_EQ(store_->Apply(WithBodies(*store_, c)).code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(store_->LatestCheckpoint()->size, 3u);
    EXPECT_EQ(store_->CheckpointAt(5).status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(store_->ReadTile(merkle::kEntriesLevel, 0)->data, first.tiles.back().data);
    EXPECT_EQ(store_->FindRecord("b").status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(QueryIds(*store_, All()), std::vector<std::string>{"a"});
  }
}

// Tiles are keyed by (level, index) alone: a bundle and a hash tile of the
// same index, and tiles of other levels, are distinct; bytes (NUL, 0xff)
// come back exactly; the last commit that wrote a key wins.
TEST_P(StoreContractTest, TilesAreKeyedByLevelAndIndexAndReadBackExactly) {
  const uint64_t far = (uint64_t{1} << 40) + 7;
  std::string binary("\0\xff\x01zz", 5);
  Commit c;
  c.new_size = 1;
  c.checkpoint = "cp1";
  c.tiles = {TileData{merkle::TileId{0, 0, 1}, std::string(32, 'a') },
             TileData{merkle::TileId{1, 0, 2}, std::string(64, 'b')},
             TileData{merkle::TileId{0, far, 256}, std::string(256 * 32, 'c')},
             TileData{merkle::TileId{merkle::kEntriesLevel, 0, 1}, binary},
             TileData{merkle::TileId{merkle::kEntriesLevel, far, 3}, "xyz"}};
  ASSERT_TRUE(store_->Apply(c).ok());
  for (const TileData& want : c.tiles) {
    auto got = store_->ReadTile(want.id.level, want.id.index);
    ASSERT_OK(got);
    EXPECT_EQ(got->id.level, want.id.level);
    EXPECT_EQ(got->id.index, want.id.index);
    EXPECT_EQ(got->id.width, want.id.width);
    EXPECT_EQ(got->data, want.data);
  }
  const std::vector<std::pair<uint32_t, uint64_t>> absent = {{0, 1}, {2, 0}, {1, far}, {merkle::kEntriesLevel, 1}, {3, 0}};
  for (auto [level, index] : absent) {
    EXPECT_EQ(store_->ReadTile(level, index).status().code(), ErrorCode::kNotFound) << level << "/" << index;
  }
  Commit widen;
  widen.base_size = 1;
  widen.new_size = 2;
  widen.checkpoint = "cp2";
  widen.tiles = {TileData{merkle::TileId{merkle::kEntriesLevel, 0, 2}, binary + "second"}};
  ASSERT_TRUE(store_->Apply(widen).ok());
  EXPECT_EQ(store_->ReadTile(merkle::kEntriesLevel, 0)->data, binary + "second");
  EXPECT_EQ(store_->ReadTile(merkle::kEntriesLevel, 0)->id.width, 2u);
  EXPECT_EQ(store_->ReadTile(0, 0)->data, std::string(32, 'a'));  // not rewritten: unchanged
}

// The checkpoint history: every commit's note, oldest first, including a
// commit that adds no entry (same size twice); CheckpointAt takes the latest
// of a size.
TEST_P(StoreContractTest, CheckpointHistoryIsKeptInOrder) {
  const std::vector<std::pair<uint64_t, std::string>> want = {
      {0, "empty\n\n— sig\n"}, {3, "cp3 first"}, {3, "cp3 again"}, {7, "cp7\nwith lines\n"}};
  uint64_t base = 0;
  for (const auto& [size, note] : want) {
    ASSERT_TRUE(store_->Apply(MakeCommit(base, size, static_cast<uint32_t>(std::max<uint64_t>(size, 1)), note)).ok());
    base = size;
  }
  std::vector<std::pair<uint64_t, std::string>> got;
  ASSERT_TRUE(store_->ForEachCheckpoint([&](const StoredCheckpoint& cp) {
    got.emplace_back(cp.size, cp.note);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(got, want);
  EXPECT_EQ(store_->CheckpointAt(0)->note, "empty\n\n— sig\n");
  EXPECT_EQ(store_->CheckpointAt(3)->note, "cp3 again");
  EXPECT_EQ(store_->CheckpointAt(7)->size, 7u);
  EXPECT_EQ(store_->CheckpointAt(5).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->LatestCheckpoint()->note, "cp7\nwith lines\n");
}

TEST_P(StoreContractTest, OriginIsKeptAcrossCommits) {
  ASSERT_TRUE(store_->Apply(MakeCommit(0, 1, 1, "cp1")).ok());
  EXPECT_EQ(*store_->GetMeta("origin"), "example.org/log");
}

// ----- The record projection -------------------------------------------------

// Every field of a row comes back as written, across commits, in log order.
TEST_P(StoreContractTest, ApplyProjectsRecordsExactly) {
  const std::vector<RecordRow> rows = {
      {.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .route = "r1", .date_from = "2024-01-01",
       .date_to = "2024-01-02", .body = R"({"id":"a","text":"ünïcode \"quoted\""})"},
      {.index = 1, .id = "b", .kind = "claim", .case_id = "c2", .target = "a", .body = R"({"id":"b"})"},
      {.index = 4, .id = "a2", .kind = "incident", .case_id = "c1", .supersedes = "a", .date_from = "2024-01-01",
       .body = R"({"id":"a2"})"},
      {.index = 5, .id = "r", .kind = "retraction", .case_id = "c2", .target = "b", .body = R"({"id":"r"})"}};
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {rows[0], rows[1]})).ok());
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {rows[2], rows[3]})).ok());
  EXPECT_EQ(Query(*store_, All()), rows);
  for (const auto& r : rows) EXPECT_EQ(*store_->FindRecord(r.id), r);
  EXPECT_EQ(store_->FindRecord("A").status().code(), ErrorCode::kNotFound);  // ids are case-sensitive
  EXPECT_EQ(store_->FindRecord("").status().code(), ErrorCode::kNotFound);
}

// `n` rows whose every column differs from row to row and from the other
// columns: a value bound to the wrong row or column shows.
std::vector<RecordRow> ManyRows(uint64_t n) {
  std::vector<RecordRow> rows;
  for (uint64_t i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    rows.push_back({.index = i, .id = "r" + k, .kind = i % 2 ? "incident" : "movement",
                    .case_id = "c" + std::to_string(i % 3), .supersedes = "s" + k, .target = "t" + k,
                    .route = "route-" + k, .date_from = "2024-01-" + std::to_string(10 + i % 20),
                    .date_to = "2024-02-" + std::to_string(10 + i % 19), .body = "{\"i\":" + k + "}"});
  }
  return rows;
}

// SQLite inserts a commit's rows many to a statement: every column of every
// row, across the statements' seams and in the rows left over, lands where
// it belongs, on Apply and on a rebuild.
TEST_P(StoreContractTest, ApplyAndRebuildProjectHundredsOfRowsExactly) {
  const std::vector<RecordRow> rows = ManyRows(300);
  ASSERT_OK(store_->Apply(RecordsCommit(*store_, rows)));
  EXPECT_EQ(Query(*store_, All()), rows);
  for (size_t i = 0; i < rows.size(); i += 37) EXPECT_EQ(*store_->FindRecord(rows[i].id), rows[i]);
  EXPECT_EQ(*store_->FindRecord("r299"), rows.back());
  ASSERT_OK(store_->ReplaceRecords(rows));
  EXPECT_EQ(Query(*store_, All()), rows);
}

// Only a replayed log holds two rows of one id: FindRecord returns the later.
TEST_P(StoreContractTest, FindRecordReturnsTheLatestRowOfAnId) {
  RecordRow first{.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .body = "first"};
  RecordRow second{.index = 1, .id = "a", .kind = "incident", .case_id = "c1", .body = "second"};
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {first, second})).ok());
  EXPECT_EQ(*store_->FindRecord("a"), second);
}

// Every RecordQuery filter alone and combined, against rows whose date
// ranges sit before, across, inside and after the queried window.
TEST_P(StoreContractTest, ForEachRecordAppliesEveryFilter) {
  auto row = [](uint64_t i, std::string id, std::string kind, std::string case_id, std::string route,
                std::string from, std::string to, std::string body) {
    return RecordRow{.index = i, .id = id, .kind = kind, .case_id = case_id, .route = route, .date_from = from,
                     .date_to = to, .body = body};
  };
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {
      row(0, "undated", "incident", "c1", "", "", "", "flood in town"),
      row(1, "before", "incident", "c1", "north", "2024-01-01", "2024-01-04", "Flood upstream"),
      row(2, "touch-start", "casualty", "c1", "north", "2024-01-01", "2024-01-05", "fire"),
      row(3, "across", "incident", "c2", "south", "2024-01-03", "2024-01-12", "flood and fire"),
      row(4, "inside", "casualty", "c2", "", "2024-01-06", "2024-01-06", "quiet"),
      row(5, "open-ended", "route_status", "c1", "north", "2024-01-08", "", "closed: flood"),
      row(6, "touch-end", "incident", "c1", "south", "2024-01-10", "2024-01-11", "fire"),
      row(7, "after", "incident", "c2", "north", "2024-01-11", "2024-01-20", "flood"),
  })).ok());
  struct Case {
    std::string name;
    RecordQuery q;
    std::vector<std::string> want;
  };
  auto q = [](auto set) {
    RecordQuery r;
    set(r);
    return r;
  };
  const std::vector<Case> cases = {
      {"no filter", q([](RecordQuery&) {}),
       {"undated", "before", "touch-start", "across", "inside", "open-ended", "touch-end", "after"}},
      {"kind", q([](RecordQuery& r) { r.kind = "casualty"; }), {"touch-start", "inside"}},
      {"kind matches whole", q([](RecordQuery& r) { r.kind = "incid"; }), {}},
      {"case", q([](RecordQuery& r) { r.case_id = "c2"; }), {"across", "inside", "after"}},
      {"unknown case", q([](RecordQuery& r) { r.case_id = "c9"; }), {}},
      {"route", q([](RecordQuery& r) { r.route = "north"; }), {"before", "touch-start", "open-ended", "after"}},
      {"from", q([](RecordQuery& r) { r.from = "2024-01-10"; }), {"across", "open-ended", "touch-end", "after"}},
      {"to", q([](RecordQuery& r) { r.to = "2024-01-03"; }), {"before", "touch-start", "across"}},
      {"window, ends inclusive",
       q([](RecordQuery& r) {
         r.from = "2024-01-05";
         r.to = "2024-01-10";
       }),
       {"touch-start", "across", "inside", "open-ended", "touch-end"}},
      {"one day", q([](RecordQuery& r) { r.from = r.to = "2024-01-06"; }), {"across", "inside"}},
      {"far future", q([](RecordQuery& r) { r.from = "2030-01-01"; }), {"open-ended"}},
      {"text is a case-sensitive substring", q([](RecordQuery& r) { r.text = "flood"; }),
       {"undated", "across", "open-ended", "after"}},
      {"text capitalised", q([](RecordQuery& r) { r.text = "Flood"; }), {"before"}},
      {"text absent", q([](RecordQuery& r) { r.text = "snow"; }), {}},
      {"limit", q([](RecordQuery& r) { r.limit = 2; }), {"undated", "before"}},
      {"limit above count", q([](RecordQuery& r) { r.limit = 100; }),
       {"undated", "before", "touch-start", "across", "inside", "open-ended", "touch-end", "after"}},
      {"largest limit", q([](RecordQuery& r) { r.limit = std::numeric_limits<uint64_t>::max(); }),
       {"undated", "before", "touch-start", "across", "inside", "open-ended", "touch-end", "after"}},
      {"limit after filters",
       q([](RecordQuery& r) {
         r.text = "fire";
         r.limit = 2;
       }),
       {"touch-start", "across"}},
      {"all filters",
       q([](RecordQuery& r) {
         r.kind = "incident";
         r.case_id = "c1";
         r.route = "south";
         r.from = "2024-01-11";
         r.to = "2024-01-30";
         r.text = "fire";
         r.limit = 1;
       }),
       {"touch-end"}},
  };
  for (const Case& c : cases) {
    for (bool current_only : {true, false}) {  // nothing is replaced here: the same answer
      RecordQuery query = c.q;
      query.current_only = current_only;
      EXPECT_EQ(QueryIds(*store_, query), c.want) << c.name << (current_only ? " (current only)" : "");
      // store.h: MatchesQuery is the one definition of these filters.
      std::vector<std::string> by_definition;
      for (const auto& r : Query(*store_, All())) {
        if (MatchesQuery(r, query) && (!query.limit || by_definition.size() < query.limit)) by_definition.push_back(r.id);
      }
      EXPECT_EQ(by_definition, c.want) << c.name << " (MatchesQuery)";
    }
  }
}

// store.h Replaces, case by case: a later same-case correction replaces;
// an earlier one does not; a chain keeps its head; a supersedes cycle keeps
// its latest record; a same-case retraction replaces whatever its position,
// and is itself replaced by a retraction of it without restoring its target;
// a claim's target is not replaced. (Other cases: OnlyTheSameCaseReplacesARecord.)
TEST_P(StoreContractTest, CurrentViewFollowsReplaces) {
  auto row = [](uint64_t i, std::string id, std::string kind = "incident", std::string supersedes = "",
                std::string target = "") {
    return RecordRow{.index = i, .id = id, .kind = kind, .case_id = "c1", .supersedes = supersedes,
                     .target = target, .body = "{}"};
  };
  // The log: three entries "{}", the body of every row below.
  Commit log = MakeCommit(0, 3, 3, "cp3");
  log.tiles.back().data = testing::BundlesFor({"{}", "{}", "{}"}, 0, 3).at(0).data;
  ASSERT_TRUE(store_->Apply(log).ok());
  struct Case {
    std::string name;
    std::vector<RecordRow> rows;
    std::vector<std::string> current;
  };
  const std::vector<Case> cases = {
      {"later correction", {row(0, "a"), row(1, "a2", "incident", "a")}, {"a2"}},
      {"correction placed before what it corrects", {row(0, "a2", "incident", "a"), row(1, "a")}, {"a2", "a"}},
      {"chain", {row(0, "a"), row(1, "a2", "incident", "a"), row(2, "a3", "incident", "a2")}, {"a3"}},
      {"two corrections of one record", {row(0, "a"), row(1, "x", "incident", "a"), row(2, "y", "incident", "a")},
       {"x", "y"}},
      {"correction of a missing record", {row(0, "a", "incident", "ghost")}, {"a"}},
      {"cycle of two", {row(0, "a", "incident", "b"), row(1, "b", "incident", "a")}, {"b"}},
      {"cycle of three",
       {row(0, "a", "incident", "c"), row(1, "b", "incident", "a"), row(2, "c", "incident", "b")},
       {"c"}},
      {"self-correction", {row(0, "a", "incident", "a")}, {"a"}},
      {"retraction", {row(0, "a"), row(1, "r", "retraction", "", "a")}, {"r"}},
      {"retraction placed before its target", {row(0, "r", "retraction", "", "a"), row(1, "a")}, {"r"}},
      {"retraction of a retraction", {row(0, "a"), row(1, "r", "retraction", "", "a"), row(2, "rr", "retraction", "", "r")},
       {"rr"}},
      {"retraction of a corrected record", {row(0, "a"), row(1, "a2", "incident", "a"), row(2, "r", "retraction", "", "a")},
       {"a2", "r"}},
      {"claim about a record", {row(0, "a"), row(1, "cl", "claim", "", "a")}, {"a", "cl"}},
      {"target on another kind", {row(0, "a"), row(1, "n", "incident", "", "a")}, {"a", "n"}},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(store_->ReplaceRecords(c.rows).ok()) << c.name;
    RecordQuery q;
    EXPECT_EQ(QueryIds(*store_, q), c.current) << c.name;
    EXPECT_EQ(QueryIds(*store_, All()), Ids(c.rows)) << c.name;
  }
}

// current_only looks at every record, not only those the other filters
// keep, and a limit counts current records only.
TEST_P(StoreContractTest, CurrentViewIsDecidedBeforeFiltersAndLimit) {
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {
      {.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .date_from = "2024-01-01", .body = "flood"},
      {.index = 1, .id = "b", .kind = "incident", .case_id = "c1", .date_from = "2024-01-01", .body = "flood"},
      {.index = 2, .id = "a2", .kind = "casualty", .case_id = "c1", .supersedes = "a", .body = "no match"},
      {.index = 3, .id = "c", .kind = "incident", .case_id = "c1", .date_from = "2024-01-01", .body = "flood"},
  })).ok());
  RecordQuery q;
  q.kind = "incident";
  q.from = "2024-01-01";
  q.text = "flood";
  EXPECT_EQ(QueryIds(*store_, q), (std::vector<std::string>{"b", "c"}));
  q.limit = 1;
  EXPECT_EQ(QueryIds(*store_, q), std::vector<std::string>{"b"});
  q.current_only = false;
  EXPECT_EQ(QueryIds(*store_, q), std::vector<std::string>{"a"});
}

// A limit counts current records only, however many replaced ones come
// first (more than one batch of store.cc's ForEachRecord), and a callback's
// error ends a current_only query too.
TEST_P(StoreContractTest, LimitCountsCurrentRecordsPastManyReplacedOnes) {
  std::vector<RecordRow> rows;
  auto add = [&](std::string id, std::string kind, std::string supersedes = "", std::string target = "") {
    rows.push_back({.index = rows.size(), .id = id, .kind = kind, .case_id = "c1", .supersedes = supersedes,
                    .target = target, .body = "{}"});
  };
  for (int i = 0; i < 300; ++i) add("a" + std::to_string(i), "incident");
  for (int k = 0; k < 150; ++k) add("a" + std::to_string(2 * k) + "-v2", "incident", "a" + std::to_string(2 * k));
  for (int k = 0; k < 150; ++k) add("ret" + std::to_string(k), "retraction", "", "a" + std::to_string(2 * k + 1));
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, rows)).ok());
  RecordQuery q;
  q.kind = "incident";
  q.limit = 5;
  EXPECT_EQ(QueryIds(*store_, q), (std::vector<std::string>{"a0-v2", "a2-v2", "a4-v2", "a6-v2", "a8-v2"}));
  q.limit = 0;
  EXPECT_EQ(QueryIds(*store_, q).size(), 150u);
  q.kind.clear();
  q.limit = 152;
  std::vector<std::string> ids = QueryIds(*store_, q);
  ASSERT_EQ(ids.size(), 152u);
  EXPECT_EQ(ids[149], "a298-v2");
  EXPECT_EQ(ids[150], "ret0");
  EXPECT_EQ(ids[151], "ret1");
  q.limit = 0;
  EXPECT_EQ(QueryIds(*store_, q).size(), 300u);
  int calls = 0;
  EXPECT_EQ(store_->ForEachRecord(q, [&](const RecordRow&) {
    ++calls;
    return InvalidArgumentError("stop");
  }).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);
}

// tree_size reads the log as it was at that size: its rows only, and the
// current view of that tree (a correction or retraction appended later
// replaces nothing there), whatever the other filters; with ids, the rows
// of those ids in log order, under the same view.
TEST_P(StoreContractTest, TreeSizeAndIdsReadTheCurrentViewOfThatTree) {
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {
      {.index = 0, .id = "case", .kind = "case", .case_id = "c1", .body = "{}"},
      {.index = 1, .id = "a", .kind = "incident", .case_id = "c1", .body = "{}"},
      {.index = 2, .id = "b", .kind = "incident", .case_id = "c1", .body = "{}"},
      {.index = 3, .id = "t", .kind = "tag", .case_id = "c1", .body = "{}"},
      {.index = 4, .id = "a2", .kind = "incident", .case_id = "c1", .supersedes = "a", .body = "{}"},
      {.index = 5, .id = "x", .kind = "retraction", .case_id = "c2", .target = "b", .body = "{}"},  // inert
      {.index = 6, .id = "r", .kind = "retraction", .case_id = "c1", .target = "b", .body = "{}"},
      {.index = 7, .id = "t2", .kind = "tag", .case_id = "c1", .supersedes = "t", .body = "{}"},
  })).ok());
  auto q = [](std::optional<uint64_t> size, std::string kind = "",
              std::optional<std::vector<std::string>> ids = std::nullopt) {
    RecordQuery r;
    r.case_id = "c1";
    r.kind = std::move(kind);
    r.tree_size = size;
    r.ids = std::move(ids);
    return r;
  };
  EXPECT_EQ(QueryIds(*store_, q(0)), std::vector<std::string>{});
  EXPECT_EQ(QueryIds(*store_, q(3)), (std::vector<std::string>{"case", "a", "b"}));
  EXPECT_EQ(QueryIds(*store_, q(5)), (std::vector<std::string>{"case", "b", "t", "a2"}));
  EXPECT_EQ(QueryIds(*store_, q(7)), (std::vector<std::string>{"case", "t", "a2", "r"}));
  EXPECT_EQ(QueryIds(*store_, q(8)), QueryIds(*store_, q(std::nullopt)));
  EXPECT_EQ(QueryIds(*store_, q(100)), (std::vector<std::string>{"case", "a2", "r", "t2"}));
  EXPECT_EQ(QueryIds(*store_, q(7, "tag")), std::vector<std::string>{"t"});
  EXPECT_EQ(QueryIds(*store_, q(8, "tag")), std::vector<std::string>{"t2"});
  EXPECT_EQ(QueryIds(*store_, q(4, "incident")), (std::vector<std::string>{"a", "b"}));
  // Ids in any order, repeated or of no row; the answer in log order.
  const std::vector<std::string> named = {"b", "a", "ghost", "a", "t2"};
  EXPECT_EQ(QueryIds(*store_, q(4, "", named)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(QueryIds(*store_, q(6, "", named)), std::vector<std::string>{"b"});
  EXPECT_EQ(QueryIds(*store_, q(8, "", named)), std::vector<std::string>{"t2"});
  EXPECT_EQ(QueryIds(*store_, q(8, "incident", named)), std::vector<std::string>{});
  EXPECT_EQ(QueryIds(*store_, q(8, "", std::vector<std::string>{})), std::vector<std::string>{});
  RecordQuery every = q(8, "", named);
  every.current_only = false;
  EXPECT_EQ(QueryIds(*store_, every), (std::vector<std::string>{"a", "b", "t2"}));
  every.case_id = "c2";
  EXPECT_EQ(QueryIds(*store_, every), std::vector<std::string>{});
  RecordQuery first = q(8);
  first.limit = 1;
  first.ids = named;
  EXPECT_EQ(QueryIds(*store_, first), std::vector<std::string>{"t2"});
}

// Every ForEach* walk stops at the first error its callback returns and
// returns that error.
TEST_P(StoreContractTest, EveryWalkStopsAtTheCallbacksError) {
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {{.index = 0, .id = "a", .kind = "incident", .case_id = "c1"},
                                                    {.index = 1, .id = "b", .kind = "claim", .case_id = "c1", .target = "a"},
                                                    {.index = 2, .id = "c", .kind = "incident", .case_id = "c1", .supersedes = "a"}}))
                  .ok());
  ASSERT_TRUE(store_->Apply(MakeCommit(3, 4, 4, "cp4")).ok());
  int calls = 0;
  auto stop = [&](auto&&...) {
    ++calls;
    return InvalidArgumentError("stop");
  };
  EXPECT_EQ(store_->ForEachRecord(All(), stop).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ForEachIdAndKind(stop).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ForEachReferrer("a", stop).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ForEachCheckpoint(stop).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(calls, 4);
}

// Referrers are every record that supersedes `id` or targets it (a
// retraction, a claim), from any case and either side of it in the log:
// the callers apply SameCase and Replaces themselves.
TEST_P(StoreContractTest, ForEachReferrerFindsEverySupersedesAndTarget) {
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {
      {.index = 0, .id = "early-fix", .kind = "incident", .case_id = "c1", .supersedes = "a"},
      {.index = 1, .id = "a", .kind = "incident", .case_id = "c1"},
      {.index = 2, .id = "a2", .kind = "incident", .case_id = "c1", .supersedes = "a"},
      {.index = 3, .id = "claim", .kind = "claim", .case_id = "c1", .target = "a"},
      {.index = 4, .id = "other-case", .kind = "retraction", .case_id = "c2", .target = "a"},
      {.index = 5, .id = "unrelated", .kind = "incident", .case_id = "c1", .supersedes = "b", .target = "aa"},
      {.index = 6, .id = "retract", .kind = "retraction", .case_id = "c1", .target = "a"},
  })).ok());
  EXPECT_EQ(ReferrerIds(*store_, "a"),
            (std::vector<std::string>{"early-fix", "a2", "claim", "other-case", "retract"}));
  EXPECT_EQ(ReferrerIds(*store_, "b"), std::vector<std::string>{"unrelated"});
  EXPECT_EQ(ReferrerIds(*store_, "A"), std::vector<std::string>{});
  EXPECT_EQ(ReferrerIds(*store_, "missing"), std::vector<std::string>{});
  // An empty id names no record: nothing refers to it, however many rows
  // have an empty supersedes or target.
  EXPECT_EQ(ReferrerIds(*store_, ""), std::vector<std::string>{});
}

TEST_P(StoreContractTest, ForEachIdAndKindListsEveryRowOnce) {
  ASSERT_TRUE(store_->Apply(RecordsCommit(*store_, {
      {.index = 0, .id = "a", .kind = "incident", .case_id = "c1"},
      {.index = 1, .id = "a", .kind = "incident", .case_id = "c1"},  // a replayed row: listed again
      {.index = 2, .id = "a2", .kind = "incident", .case_id = "c1", .supersedes = "a"},
      {.index = 3, .id = "r", .kind = "retraction", .case_id = "c2", .target = "a2"},
  })).ok());
  std::multiset<std::tuple<std::string, std::string, std::string>> got;
  ASSERT_TRUE(store_->ForEachIdAndKind([&](const std::string& id, const std::string& kind, const std::string& c) {
    got.emplace(id, kind, c);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(got, (std::multiset<std::tuple<std::string, std::string, std::string>>{
                     {"a", "incident", "c1"}, {"a", "incident", "c1"}, {"a2", "incident", "c1"},
                     {"r", "retraction", "c2"}}));
}

// ReplaceRecords swaps the whole projection and touches nothing else; rows
// handed over out of order are still read in log order.
TEST_P(StoreContractTest, ReplaceRecordsSwapsTheWholeProjection) {
  Commit log = MakeCommit(0, 4, 4, "cp4");  // entries 2 and 3 are not projected
  log.records = {{.index = 0, .id = "old", .kind = "incident", .case_id = "c1", .body = "rebuilt"},
                 {.index = 1, .id = "gone", .kind = "incident", .case_id = "c1", .body = "1"}};
  ASSERT_TRUE(store_->Apply(WithBodies(*store_, log)).ok());
  EXPECT_EQ(QueryIds(*store_, All()), (std::vector<std::string>{"old", "gone"}));
  const std::vector<RecordRow> rows = {
      {.index = 3, .id = "new2", .kind = "incident", .case_id = "c1", .supersedes = "new", .body = "e"},
      {.index = 0, .id = "old", .kind = "incident", .case_id = "c1", .body = "rebuilt"},
      {.index = 1, .id = "new", .kind = "incident", .case_id = "c1", .body = "1"}};
  ASSERT_TRUE(store_->ReplaceRecords(rows).ok());
  EXPECT_EQ(QueryIds(*store_, All()), (std::vector<std::string>{"old", "new", "new2"}));
  EXPECT_EQ(QueryIds(*store_, RecordQuery{}), (std::vector<std::string>{"old", "new2"}));
  EXPECT_EQ(store_->FindRecord("gone").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindRecord("old")->body, "rebuilt");
  EXPECT_EQ(ReferrerIds(*store_, "new"), std::vector<std::string>{"new2"});
  EXPECT_EQ(store_->LatestCheckpoint()->size, 4u);  // the log itself is untouched
  EXPECT_TRUE(store_->ReadTile(merkle::kEntriesLevel, 0).ok());
  ASSERT_TRUE(store_->ReplaceRecords({}).ok());
  EXPECT_EQ(QueryIds(*store_, All()), std::vector<std::string>{});
  // Records applied after a reindex join the rebuilt projection.
  Commit next = RecordsCommit(*store_, {{.index = 4, .id = "later", .kind = "incident", .case_id = "c1"}});
  ASSERT_TRUE(store_->Apply(next).ok());
  EXPECT_EQ(QueryIds(*store_, All()), std::vector<std::string>{"later"});
}

// RebuildRecords takes the projection a batch at a time (reindex of a large
// log in bounded memory) and is all or nothing: a failing batch source
// leaves the old projection whole.
TEST_P(StoreContractTest, RebuildRecordsInBatchesIsAllOrNothing) {
  Commit log = MakeCommit(0, 3, 3, "cp3");  // entry 2 ("e") is not projected
  log.records = {{.index = 0, .id = "old", .kind = "incident", .case_id = "c1"},
                 {.index = 1, .id = "old2", .kind = "incident", .case_id = "c1"}};
  ASSERT_TRUE(store_->Apply(WithBodies(*store_, log)).ok());
  std::vector<std::vector<RecordRow>> batches = {
      {{.index = 2, .id = "c", .kind = "incident", .case_id = "c1", .body = "e"},
       {.index = 0, .id = "a", .kind = "incident", .case_id = "c1"}},
      {},  // an empty batch is not the end
      {{.index = 1, .id = "b", .kind = "incident", .case_id = "c1", .supersedes = "a"}}};
  auto source = [&](size_t fail_at) {
    return [&batches, fail_at, i = size_t{0}](std::vector<RecordRow>* batch) mutable -> Result<bool> {
      EXPECT_TRUE(batch->empty());
      if (i == fail_at) return IoError("injected");
      if (i == batches.size()) return false;
      *batch = batches[i++];
      return true;
    };
  };
  for (size_t fail_at : {0, 1, 3}) {
    EXPECT_EQ(store_->RebuildRecords(source(fail_at)).code(), ErrorCode::kIo) << fail_at;
    EXPECT_EQ(QueryIds(*store_, All()), (std::vector<std::string>{"old", "old2"})) << fail_at;
  }
  ASSERT_TRUE(store_->RebuildRecords(source(99)).ok());
  EXPECT_EQ(QueryIds(*store_, All()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(QueryIds(*store_, RecordQuery{}), (std::vector<std::string>{"b", "c"}));
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreContractTest, ::testing::ValuesIn(testing::BackendNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(MemoryStoreTest, InjectedFailureLeavesStoreUnchanged) {
  MemoryStore st("o");
  ASSERT_TRUE(st.Apply(MakeCommit(0, 1, 1, "cp1")).ok());
  st.InjectFailure(MemoryStore::Op::kApply, IoError("disk full"), 0, /*sticky=*/true);
  EXPECT_EQ(st.Apply(MakeCommit(1, 2, 2, "cp2")).code(), ErrorCode::kIo);
  EXPECT_EQ(st.Apply(MakeCommit(1, 2, 2, "cp2")).code(), ErrorCode::kIo);
  EXPECT_EQ(st.LatestCheckpoint()->size, 1u);
  EXPECT_EQ(st.ReadTile(0, 0)->id.width, 1u);
  st.ClearFailures();
  EXPECT_TRUE(st.Apply(MakeCommit(1, 2, 2, "cp2")).ok());
}

TEST(MemoryStoreTest, FailureAfterNCalls) {
  MemoryStore st("o");
  st.InjectFailure(MemoryStore::Op::kApply, IoError("boom"), /*after=*/1);
  EXPECT_TRUE(st.Apply(MakeCommit(0, 1, 1, "a")).ok());
  EXPECT_FALSE(st.Apply(MakeCommit(1, 2, 2, "b")).ok());
  EXPECT_TRUE(st.Apply(MakeCommit(1, 2, 2, "b")).ok());  // not sticky
}

TEST(SqliteStoreTest, CreateRefusesExistingFileAndOpenNamesMissingOne) {
  std::string p = TempPath("exists.db");
  std::filesystem::remove(p);
  ASSERT_TRUE(SqliteStore::Create(p, "o").ok());
  EXPECT_EQ(SqliteStore::Create(p, "o").status().code(), ErrorCode::kAlreadyExists);
  auto missing = SqliteStore::Open(TempPath("missing.db"), SqliteStore::Mode::kReadOnly);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.db"), std::string::npos);
}

TEST(SqliteStoreTest, RejectsAFileThatIsNotAStore) {
  std::string p = TempPath("garbage.db");
  {
    FILE* f = std::fopen(p.c_str(), "wb");
    std::fputs("this is not a database, just some text that is long enough to look like a header", f);
    std::fclose(f);
  }
  auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption) << s.status().ToString();
}

TEST(SqliteStoreTest, SurvivesReopen) {
  std::string p = TempPath("reopen.db");
  std::filesystem::remove(p);
  {
    auto s = SqliteStore::Create(p, "o");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Apply(MakeCommit(0, 2, 2, "cp2")).ok());
  }
  auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->LatestCheckpoint()->note, "cp2");
  EXPECT_TRUE((*s)->QuickCheck().ok());
  // A read-only handle cannot write.
  EXPECT_FALSE((*s)->Apply(MakeCommit(2, 3, 3, "cp3")).ok());
}

// WAL checkpoints run on a thread of their own and the WAL stays bounded
// (sqlite_store.h). With a policy of a few pages, 120 commits of 72 KiB
// each: the database file takes the pages while the writer is still open
// (the background checkpoints ran), the WAL file never grows past the
// bound plus one commit, and everything reads back, through the writer and
// through a reader open all along.
TEST(SqliteStoreTest, CheckpointsOffTheCommittingThreadKeepTheWalBounded) {
  constexpr int kMaxPages = 24;
  SqliteStore::SetWalPolicyForTesting({.checkpoint_pages = 4, .max_pages = kMaxPages});
  const std::string p = TempPath("checkpoints.db");
  std::filesystem::remove(p);
  auto w = SqliteStore::Create(p, "o");
  ASSERT_OK(w);
  auto r = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
  ASSERT_OK(r);
  constexpr uint64_t kCommits = 120;
  auto tile_of = [](uint64_t i) { return std::string(8192, static_cast<char>('a' + i % 26)); };
  auto bundle_of = [](uint64_t i) { return std::string(65536, static_cast<char>('A' + i % 26)); };
  uintmax_t max_wal = 0;
  for (uint64_t i = 0; i < kCommits; ++i) {
    Commit c;
    c.base_size = i * merkle::kTileWidth;
    c.new_size = (i + 1) * merkle::kTileWidth;
    c.tiles.push_back(TileData{merkle::TileId{0, i, merkle::kTileWidth}, tile_of(i)});
    c.tiles.push_back(TileData{merkle::TileId{merkle::kEntriesLevel, i, merkle::kTileWidth}, bundle_of(i)});
    c.checkpoint = "cp" + std::to_string(i);
    ASSERT_OK((*w)->Apply(c));
    ASSERT_EQ((*r)->LatestCheckpoint()->note, c.checkpoint);
    std::error_code ec;
    max_wal = std::max(max_wal, std::filesystem::file_size(p + "-wal", ec));
  }
  // 72 KiB of blobs and their b-tree pages: about 11 pages a commit.
  constexpr uintmax_t kFrame = 24 + 16384;
  EXPECT_LE(max_wal, 32 + (kMaxPages + 16) * kFrame);
  EXPECT_GE(std::filesystem::file_size(p), kCommits * 72 * 1024 / 2) << "the database file did not take the pages";
  for (uint64_t i = 0; i < kCommits; ++i) {
    for (SqliteStore* s : {w->get(), r->get()}) {
      auto t = s->ReadTile(0, i);
      ASSERT_OK(t);
      EXPECT_EQ(t->data, tile_of(i));
      auto b = s->ReadTile(merkle::kEntriesLevel, i);
      ASSERT_OK(b);
      EXPECT_EQ(b->data, bundle_of(i));
    }
  }
  EXPECT_TRUE((*w)->QuickCheck().ok());
  SqliteStore::SetWalPolicyForTesting({});
}

// Runs `sql` on the database at `path` with the sqlite3 program (the store
// module alone includes sqlite3.h), so a test can lay out or inspect a file
// by hand; returns what it printed. A failure fails the test.
std::string RunSqlite3(const std::string& path, const std::string& sql) {
  const std::string script = path + ".sql";
  if (FILE* f = std::fopen(script.c_str(), "w")) {
    std::fputs(sql.c_str(), f);
    std::fclose(f);
  }
  const std::string cmd = "sqlite3 -bail '" + path + "' < '" + script + "' 2>&1";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << cmd << ": " << out;
  return out;
}

// A store written in format 1 (records.body held a copy of each entry, and
// (case_id, kind, date_from) was indexed; docs/formats.md) is read as it is
// and upgraded to format 2 when first opened for writing. Bodies always come
// from the bundles: a stale copy in format 1's column is never read.
TEST(SqliteStoreTest, ReadsFormat1AndUpgradesItWhenOpenedForWriting) {
  std::string p = TempPath("format1.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  const std::vector<RecordRow> rows = {
      {.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .date_from = "2024-01-02", .body = R"({"id":"a"})"},
      {.index = 1, .id = "a2", .kind = "incident", .case_id = "c1", .supersedes = "a", .date_from = "2024-01-03",
       .body = R"({"id":"a2"})"}};
  {
    auto s = SqliteStore::Create(p, "o");
    ASSERT_OK(s);
    ASSERT_OK((*s)->Apply(RecordsCommit(**s, rows)));
  }
  RunSqlite3(p,
             "BEGIN; DROP INDEX records_by_id; DROP INDEX records_by_kind; DROP INDEX records_by_supersedes;"
             " DROP INDEX records_by_target; ALTER TABLE records RENAME TO r2;"
             "CREATE TABLE records(idx INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,"
             " case_id TEXT NOT NULL, supersedes TEXT NOT NULL, target TEXT NOT NULL, route TEXT NOT NULL,"
             " date_from TEXT NOT NULL, date_to TEXT NOT NULL, body TEXT NOT NULL);"
             "INSERT INTO records SELECT *, 'stale copy' FROM r2; DROP TABLE r2;"
             "CREATE INDEX records_by_id ON records(id);"
             "CREATE INDEX records_by_kind ON records(case_id, kind, date_from);"
             "CREATE INDEX records_by_supersedes ON records(supersedes) WHERE supersedes != '';"
             "CREATE INDEX records_by_target ON records(target) WHERE target != '';"
             "UPDATE meta SET value = '1' WHERE key = 'format'; COMMIT;");
  RecordQuery dated = All();
  dated.to = "2024-01-02";  // a2 starts on the 3rd
  for (auto mode : {SqliteStore::Mode::kReadOnly, SqliteStore::Mode::kReadWrite}) {
    auto s = SqliteStore::Open(p, mode);
    ASSERT_OK(s);
    EXPECT_EQ(*(*s)->GetMeta("format"), mode == SqliteStore::Mode::kReadOnly ? "1" : "2");
    EXPECT_EQ(*(*s)->FindRecord("a"), rows[0]);
    EXPECT_EQ(Query(**s, All()), rows);
    EXPECT_EQ(QueryIds(**s, dated), std::vector<std::string>{"a"});
    EXPECT_EQ(ReferrerIds(**s, "a"), std::vector<std::string>{"a2"});
  }
  auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadWrite);  // already format 2: opens as it is
  ASSERT_OK(s);
  EXPECT_OK((*s)->QuickCheck());
  RecordRow later{.index = 2, .id = "b", .kind = "incident", .case_id = "c1", .body = R"({"id":"b"})"};
  ASSERT_OK((*s)->Apply(RecordsCommit(**s, {later})));
  EXPECT_EQ(QueryIds(**s, RecordQuery{}), (std::vector<std::string>{"a2", "b"}));
  EXPECT_EQ(RunSqlite3(p, "SELECT name FROM pragma_table_info('records');"),
            "idx\nid\nkind\ncase_id\nsupersedes\ntarget\nroute\ndate_from\ndate_to\n");
}

// A case's rows come in log order from records_by_case, (case_id, idx),
// without the temporary B-tree SQLite sorted a whole case in before; a store
// made before the index gets it when first opened for writing.
TEST(SqliteStoreTest, ACaseScanNeedsNoSortAndOlderStoresGetTheIndex) {
  std::string p = TempPath("by-case.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  const std::vector<RecordRow> rows = {
      {.index = 0, .id = "a", .kind = "incident", .case_id = "c1", .body = R"({"id":"a"})"},
      {.index = 1, .id = "b", .kind = "source", .case_id = "c2", .body = R"({"id":"b"})"},
      {.index = 2, .id = "c", .kind = "closure", .case_id = "c1", .body = R"({"id":"c"})"}};
  {
    auto s = SqliteStore::Create(p, "o");
    ASSERT_OK(s);
    ASSERT_OK((*s)->Apply(RecordsCommit(**s, rows)));
  }
  // The shape of ScanRecords' query for a case at a tree size.
  const std::string plan =
      "EXPLAIN QUERY PLAN SELECT idx, id FROM records WHERE 1 AND case_id = 'c1' AND idx < 3 ORDER BY idx;";
  EXPECT_EQ(RunSqlite3(p, plan).find("TEMP B-TREE"), std::string::npos) << RunSqlite3(p, plan);
  const std::string has = "SELECT count(*) FROM sqlite_master WHERE name = 'records_by_case';";
  RunSqlite3(p, "DROP INDEX records_by_case;");
  RecordQuery c1 = All();
  c1.case_id = "c1";
  {
    auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadOnly);
    ASSERT_OK(s);
    EXPECT_EQ(QueryIds(**s, c1), (std::vector<std::string>{"a", "c"}));
  }
  EXPECT_EQ(RunSqlite3(p, has), "0\n") << "read only, the store is left as it is";
  {
    auto s = SqliteStore::Open(p, SqliteStore::Mode::kReadWrite);
    ASSERT_OK(s);
    EXPECT_EQ(QueryIds(**s, c1), (std::vector<std::string>{"a", "c"}));
  }
  EXPECT_EQ(RunSqlite3(p, has), "1\n");
}

// A row whose entry is not in the log cannot be read: Corruption naming the
// record and the entry, not an empty body.
TEST(SqliteStoreTest, ARowWithoutItsEntryReadsAsCorruption) {
  std::string p = TempPath("noentry.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  auto s = SqliteStore::Create(p, "o");
  ASSERT_OK(s);
  ASSERT_OK((*s)->ReplaceRecords({{.index = 300, .id = "ghost", .kind = "incident", .case_id = "c1", .body = "{}"}}));
  auto found = (*s)->FindRecord("ghost");
  EXPECT_EQ(found.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(found.status().message().find("entry 300"), std::string::npos) << found.status().ToString();
  Status scan = (*s)->ForEachRecord(All(), [](const RecordRow&) { return Status::Ok(); });
  EXPECT_EQ(scan.code(), ErrorCode::kCorruption) << scan.ToString();
}

// A row SQLite refuses (two rows at one index), inside a statement of many
// rows or among the rows left over: the commit fails whole, naming the
// rows, and the store holds what it held.
TEST(SqliteStoreTest, ARefusedRowFailsTheWholeCommitAndNamesIt) {
  for (const size_t dup : {size_t{50}, size_t{150}}) {
    testing::ScratchDir dir;
    auto s = SqliteStore::Create(dir.path() + "/s.db", "o");
    ASSERT_OK(s);
    std::vector<RecordRow> rows = ManyRows(200);
    rows[dup].index = rows[dup - 1].index;
    Status st = (*s)->Apply(RecordsCommit(**s, rows));
    ASSERT_FALSE(st.ok());
    // The first statement holds rows 0..127 (fewer only where SQLite allows
    // fewer than 1,152 parameters); row 150 is among the rows left over.
    const std::string want = dup < 128 ? "projecting records r0 .. r" : "projecting record r150 (entry 149)";
    EXPECT_NE(st.message().find(want), std::string::npos) << st.ToString();
    EXPECT_EQ((*s)->LatestCheckpoint().status().code(), ErrorCode::kNotFound);
    EXPECT_TRUE(Query(**s, All()).empty());
    EXPECT_EQ((*s)->ReadTile(0, 0).status().code(), ErrorCode::kNotFound);
  }
}

TEST(FileLockTest, SecondLockInAnotherProcessFailsWithPid) {
  std::string p = TempPath("LOCK");
  auto l = FileLock::Acquire(p);
  ASSERT_TRUE(l.ok());
  pid_t child = fork();
  if (child == 0) {
    auto l2 = FileLock::Acquire(p);
    bool ok = !l2.ok() && l2.status().code() == ErrorCode::kFailedPrecondition &&
              l2.status().message().find(std::to_string(getppid())) != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace lifeline::store
