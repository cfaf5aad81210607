// DatasetCache: one dataset per case shared by the analysis routes, extended
// to a later checkpoint when only plain records came (in place when no
// request holds it), loaded afresh when a correction came, and an older
// checkpoint's dataset not kept. And
// IndicatorsCache on top: the indicators merged from the previous
// checkpoint's after a write of movements, equal to a whole computation.
#include "server/dataset_cache.h"

#include <gtest/gtest.h>

#include "analysis/analysis_testing.h"
#include "analysis/format.h"
#include "base/status_testing.h"
#include "server/indicators_cache.h"

namespace lifeline::server {
namespace {

using analysis::CheckpointRef;

const std::vector<std::string> kCase = {
    R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
    R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","sources":["s1"]})",
    R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})"};

std::string RouteStatus(const std::string& id, const std::string& from, const std::string& status) {
  return R"({"kind":"route_status","id":")" + id + R"(","case":"c1","route":"r1","from":")" + from +
         R"(","status":")" + status + R"(","sources":["s1"]})";
}

// A correction of rs2: takes a record out, so the dataset cannot be extended.
const std::string kCorrection =
    R"({"kind":"route_status","id":"rs2b","case":"c1","route":"r1","from":"2023-01-06","status":"closed",)"
    R"("supersedes":"rs2","sources":["s1"]})";

CheckpointRef Latest(analysis::TestLog& log) { return *analysis::ResolveCheckpoint(log.store(), std::nullopt); }

TEST(DatasetCacheTest, SharesExtendsAndReloads) {
  analysis::TestLog log;
  log.Submit(kCase);
  log.Submit({RouteStatus("rs1", "2023-01-02", "open")});
  DatasetCache cache;
  const CheckpointRef cp1 = Latest(log);
  auto a = cache.Get(log.store(), "c1", cp1);
  ASSERT_OK(a);
  auto b = cache.Get(log.store(), "c1", cp1);
  ASSERT_OK(b);
  EXPECT_EQ(a->get(), b->get()) << "the second route of one checkpoint shares the dataset";

  log.Submit({RouteStatus("rs2", "2023-01-05", "closed")});
  const CheckpointRef cp2 = Latest(log);
  auto c = cache.Get(log.store(), "c1", cp2);
  ASSERT_OK(c);
  EXPECT_EQ((*c)->statuses.size(), 2u);
  EXPECT_EQ(cache.stats().extended, 1u);

  // A correction takes a record out: loaded afresh, not extended.
  log.Submit({kCorrection});
  const CheckpointRef cp3 = Latest(log);
  auto d = cache.Get(log.store(), "c1", cp3);
  ASSERT_OK(d);
  EXPECT_EQ((*d)->statuses.size(), 2u);
  EXPECT_EQ(cache.stats().extended, 1u);
  EXPECT_EQ(cache.stats().loaded, 2u);

  // An older checkpoint is loaded for the asker and not kept.
  auto old = cache.Get(log.store(), "c1", cp1);
  ASSERT_OK(old);
  EXPECT_EQ((*old)->statuses.size(), 1u);
  auto again = cache.Get(log.store(), "c1", cp3);
  ASSERT_OK(again);
  EXPECT_EQ(again->get(), d->get());
  EXPECT_EQ(cache.stats().loaded, 3u);
}

// The indicators of `ds` at `cp` against those of a fresh load there.
void ExpectAsLoaded(analysis::TestLog& log, const analysis::Dataset& ds, const CheckpointRef& cp) {
  auto fresh = analysis::LoadDataset(log.store(), "c1", cp);
  ASSERT_OK(fresh);
  auto got = analysis::ComputeIndicators(ds, cp, {});
  auto want = analysis::ComputeIndicators(*fresh, cp, {});
  ASSERT_OK(got);
  ASSERT_OK(want);
  EXPECT_EQ(analysis::IndicatorsJsonText(*got), analysis::IndicatorsJsonText(*want)) << "at " << cp.size;
}

// No request holds the cached dataset: a later checkpoint extends that
// object itself. A correction then finds it unheld too; the dataset the
// attempt left part-extended is dropped and the case loaded afresh.
TEST(DatasetCacheTest, ExtendsInPlaceWhenNoRequestHoldsIt) {
  analysis::TestLog log;
  log.Submit(kCase);
  log.Submit({RouteStatus("rs1", "2023-01-02", "open")});
  DatasetCache cache;
  const analysis::Dataset* first = nullptr;
  {
    auto a = cache.Get(log.store(), "c1", Latest(log));
    ASSERT_OK(a);
    first = a->get();
  }
  log.Submit({RouteStatus("rs2", "2023-01-05", "closed")});
  {
    const CheckpointRef cp = Latest(log);
    auto b = cache.Get(log.store(), "c1", cp);
    ASSERT_OK(b);
    EXPECT_EQ(b->get(), first) << "not extended in place";
    EXPECT_EQ((*b)->statuses.size(), 2u);
    ExpectAsLoaded(log, **b, cp);
  }
  EXPECT_EQ(cache.stats().in_place, 1u);
  log.Submit({kCorrection});
  const CheckpointRef cp = Latest(log);
  auto c = cache.Get(log.store(), "c1", cp);
  ASSERT_OK(c);
  EXPECT_EQ((*c)->statuses.size(), 2u);
  ExpectAsLoaded(log, **c, cp);
  EXPECT_EQ(cache.stats().extended, 1u);
  EXPECT_EQ(cache.stats().loaded, 2u);
  auto again = cache.Get(log.store(), "c1", cp);
  ASSERT_OK(again);
  EXPECT_EQ(again->get(), c->get()) << "the fresh load was not kept";
}

std::string Movement(const std::string& id, const std::string& date, int vehicles) {
  return R"({"kind":"movement","id":")" + id + R"(","case":"c1","route":"r1","date":")" + date +
         R"(","direction":"in","operator":"ICRC","vehicles":)" + std::to_string(vehicles) + R"(,"sources":["s1"]})";
}

TEST(IndicatorsCacheTest, MergesAfterMovementsAndEqualsAWholeComputation) {
  analysis::TestLog log;
  log.Submit(kCase);
  log.Submit({RouteStatus("rs1", "2023-01-02", "open"), Movement("m1", "2023-01-03", 2)});
  DatasetCache datasets;
  IndicatorsCache cache;
  const analysis::IndicatorOptions o;
  auto check = [&](const CheckpointRef& cp) {
    auto ds = datasets.Get(log.store(), "c1", cp);
    ASSERT_OK(ds);
    auto got = cache.Get("c1", **ds, cp, o);
    ASSERT_OK(got);
    auto fresh = analysis::LoadDataset(log.store(), "c1", cp);
    ASSERT_OK(fresh);
    auto want = analysis::ComputeIndicators(*fresh, cp, o);
    ASSERT_OK(want);
    EXPECT_EQ(analysis::IndicatorsJsonText(**got), analysis::IndicatorsJsonText(*want)) << "at " << cp.size;
  };
  check(Latest(log));
  log.Submit({Movement("m0", "2023-01-03", 5), Movement("m2", "2023-01-02", 1)});
  check(Latest(log));
  EXPECT_EQ(cache.stats().merged, 1u);
  check(Latest(log));
  EXPECT_EQ(cache.stats().hits, 1u);
  log.Submit({RouteStatus("rs2", "2023-01-03", "closed"), Movement("m3", "2023-01-03", 1)});
  check(Latest(log));  // a status: computed whole
  EXPECT_EQ(cache.stats().merged, 1u);
  EXPECT_EQ(cache.stats().whole, 2u);
  log.Submit({Movement("m4", "2023-01-02", 3)});  // within the range (the case has no end)
  check(Latest(log));
  EXPECT_EQ(cache.stats().merged, 2u);
}

TEST(DatasetCacheTest, AMissingCaseIsNotFoundAndNotKept) {
  analysis::TestLog log;
  log.Submit(kCase);
  DatasetCache cache;
  auto none = cache.Get(log.store(), "no-such-case", Latest(log));
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(cache.stats().loaded, 0u);
  EXPECT_EQ(cache.cases(), 0u) << "a failed load left an entry";
}

}  // namespace
}  // namespace lifeline::server
