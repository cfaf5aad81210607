// ExtendDataset against a fresh LoadDataset: a case written in a dozen
// submissions (a dozen checkpoints), each dataset extended from the
// previous one, must give the indicators and compliance a load from scratch
// gives, or say it cannot (corrections, retractions, a new case record);
// and the indicators updated from the previous checkpoint's
// (UpdateIndicators) must equal a whole computation's, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "analysis/analysis_testing.h"
#include "analysis/compliance.h"
#include "analysis/format.h"
#include "analysis/headline.h"
#include "analysis/indicators.h"
#include "analysis/indicators_update.h"
#include "base/status_testing.h"

namespace lifeline::analysis {
namespace {

// What a reader sees of a dataset: its indicators with the records behind
// each value, its compliance, and what it left out.
std::string Figures(const Dataset& ds, const CheckpointRef& cp) {
  IndicatorOptions o;
  o.explain = true;
  auto ind = ComputeIndicators(ds, cp, o);
  auto comp = ComputeCompliance(ds, cp, kNoDay, kNoDay);
  EXPECT_OK(ind);
  EXPECT_OK(comp);
  if (!ind.ok() || !comp.ok()) return "";
  std::string skipped;
  for (const auto& s : ds.skipped) skipped += s.message + "\n";
  return IndicatorsJsonText(*ind) + "\n" + ComplianceJson(*comp).dump() + "\n" +
         HeadlineJson(ComputeHeadline(*ind, *comp)).dump() + "\n" + skipped;
}

// The bundled case's lines in submissions: its sources and case record
// first (the case record cites sources, every other record names the
// case), then the rest in file order, a dozen at a time; with
// `movements_apart`, each dozen's movements submitted after the others (a
// submission of movements only is what UpdateIndicators merges).
std::vector<std::vector<std::string>> LachinSubmissions(bool movements_apart = false) {
  std::ifstream in(LIFELINE_SOURCE_DIR "/data/cases/lachin-2022-23/records.jsonl");
  std::vector<std::string> first, rest;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const bool source = line.find("\"kind\":\"source\"") != std::string::npos;
    const bool the_case = line.find("\"kind\":\"case\"") != std::string::npos &&
                          line.find("\"supersedes\"") == std::string::npos;
    (source || the_case ? first : rest).push_back(line);
  }
  std::vector<std::vector<std::string>> out = {first};
  const size_t chunk = rest.size() / 12 + 1;
  for (size_t b = 0; b < rest.size(); b += chunk) {
    std::vector<std::string> lines(rest.begin() + b, rest.begin() + std::min(rest.size(), b + chunk));
    auto movements = std::stable_partition(lines.begin(), lines.end(), [&](const std::string& l) {
      return !movements_apart || l.find("\"kind\":\"movement\"") == std::string::npos;
    });
    std::vector<std::string> moves(movements, lines.end());
    lines.erase(movements, lines.end());
    for (auto* part : {&lines, &moves}) {
      if (!part->empty()) out.push_back(std::move(*part));
    }
  }
  return out;
}

struct ChainCounts {
  int extended = 0, refused = 0, incremental = 0, checkpoints = 0;
};

// Submits `submissions` one checkpoint each; at every checkpoint the
// dataset extended from the previous one (chained) must give a fresh
// load's figures, and the indicators updated from the previous
// checkpoint's (chained: errors would add up) a fresh computation's, byte
// for byte with every record list.
ChainCounts Chain(const std::vector<std::vector<std::string>>& submissions) {
  TestLog log;
  ChainCounts n;
  std::optional<Dataset> prev;
  Indicators prev_ind;
  uint64_t prev_size = 0;
  const IndicatorOptions o;
  for (const auto& submission : submissions) {
    log.Submit(submission);
    EXPECT_FALSE(::testing::Test::HasFailure()) << "submitting at size " << log.size();
    auto cp = ResolveCheckpoint(log.store(), std::nullopt);
    auto fresh = cp.ok() ? LoadDataset(log.store(), "lachin-2022-23", *cp) : Result<Dataset>(cp.status());
    if (!fresh.ok()) {
      ADD_FAILURE() << fresh.status().ToString();
      return n;
    }
    auto want = ComputeIndicators(*fresh, *cp, o);
    EXPECT_OK(want);
    std::optional<Dataset> ext;
    if (prev) {
      auto e = ExtendDataset(log.store(), *prev, prev_size, *cp);
      EXPECT_OK(e);
      if (e.ok()) ext = std::move(*e);
      ++(ext ? n.extended : n.refused);
      if (ext) {
        EXPECT_EQ(Figures(*ext, *cp), Figures(*fresh, *cp)) << "extending " << prev_size << " to " << cp->size;
      }
      const DatasetMark mark = MarkOf(*prev);
      auto got = UpdateIndicators(ext ? *ext : *fresh, *cp, o, mark, std::move(prev_ind));
      EXPECT_OK(got);
      if (got.ok() && want.ok()) {
        n.incremental += got->incremental;
        EXPECT_EQ(IndicatorsJsonText(got->indicators), IndicatorsJsonText(*want))
            << "indicators updated from " << prev_size << " to " << cp->size
            << (got->incremental ? " (merged)" : " (computed whole)");
        prev_ind = std::move(got->indicators);
      }
    } else if (want.ok()) {
      prev_ind = std::move(*want);
    }
    prev = ext ? std::move(*ext) : std::move(*fresh);
    prev_size = cp->size;
    ++n.checkpoints;
  }
  return n;
}

TEST(ExtendDatasetTest, EqualsAFreshLoadAtEveryCheckpointOfTheBundledCase) {
  ChainCounts n = Chain(LachinSubmissions());
  // Both paths ran: the case has corrections and retractions, and chunks
  // of plain records.
  EXPECT_GT(n.extended, 0);
  EXPECT_GT(n.refused, 0);
  std::printf("%d extended, %d loaded afresh, %d indicators merged\n", n.extended, n.refused, n.incremental);
}

// Movements submitted apart: their checkpoints' indicators are merged from
// the previous ones (the other submissions' are computed whole), and every
// one equals a fresh computation.
TEST(UpdateIndicatorsTest, EqualsAFreshComputationAtEveryCheckpointOfTheBundledCase) {
  ChainCounts n = Chain(LachinSubmissions(/*movements_apart=*/true));
  EXPECT_GT(n.incremental, 3);
  EXPECT_LT(n.incremental, n.checkpoints - 1);  // and some fell back
  std::printf("%d checkpoints: %d indicators merged, %d datasets extended, %d loaded afresh\n", n.checkpoints,
              n.incremental, n.extended, n.refused);
}

// A retraction placed before its target takes the target out when it
// arrives: the new record is not appendable although it is plain.
TEST(ExtendDatasetTest, RefusesARecordAnEarlierRetractionNames) {
  TestLog log;
  log.Submit({R"({"kind":"source","id":"s1","case":"c1","publisher":"Monitor","title":"Report"})",
              R"({"kind":"case","id":"c1","title":"Test","region":"R","started":"2023-01-01","sources":["s1"]})",
              R"({"kind":"route","id":"r1","case":"c1","name":"Road","type":"road","sources":["s1"]})"});
  log.AppendUnchecked({R"({"kind":"retraction","id":"x1","case":"c1","retracts":"rs9","reason":"duplicate"})"});
  auto cp1 = ResolveCheckpoint(log.store(), std::nullopt);
  ASSERT_OK(cp1);
  auto base = LoadDataset(log.store(), "c1", *cp1);
  ASSERT_OK(base);
  log.AppendUnchecked({R"({"kind":"route_status","id":"rs9","case":"c1","route":"r1","from":"2023-01-02","status":"open","sources":["s1"]})"});
  auto cp2 = ResolveCheckpoint(log.store(), std::nullopt);
  ASSERT_OK(cp2);
  auto ext = ExtendDataset(log.store(), *base, cp1->size, *cp2);
  ASSERT_OK(ext);
  EXPECT_FALSE(ext->has_value());
  auto fresh = LoadDataset(log.store(), "c1", *cp2);
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->statuses.size(), 0u) << "the retracted status was loaded";
}

// Reopen takes back the "not stated" casualty rows Finalize adds, so an
// incident appended after a Finalize, and a second Finalize, give the rows
// in the order one Finalize of everything gives.
TEST(ExtendDatasetTest, ReopenUndoesFinalize) {
  auto build = [](Dataset& ds, int incidents) {
    for (int i = 0; i < incidents; ++i) {
      ds.AppendIncident("i" + std::to_string(i), 19000 + i, 1, 2 + i, 3 + i, 0);
    }
  };
  Dataset once, twice;
  build(once, 3);
  once.Finalize();
  build(twice, 2);
  twice.Finalize();
  EXPECT_EQ(twice.casualties.size(), 2u);
  twice.Reopen();
  EXPECT_EQ(twice.casualties.size(), 0u);
  twice.AppendIncident("i2", 19002, 1, 4, 5, 0);
  twice.Finalize();
  EXPECT_EQ(twice.casualties.incident, once.casualties.incident);
  EXPECT_EQ(twice.casualties.best, once.casualties.best);
  EXPECT_EQ(twice.synthesized_casualties, 3u);
}

}  // namespace
}  // namespace lifeline::analysis
