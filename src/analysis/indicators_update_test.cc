// UpdateIndicators against the reference, ComputeIndicators on the grown
// dataset: random cases (routes, operators, a baseline, need standards with
// an equivalent, a population, sometimes no end, sometimes watches of two
// of the three routes) grown by random batches of random rows — movements
// on any day (old ones too, with zero figures and zero or stopped cargo, in
// quantities whose sums depend on the order they are added in), movements
// with a period, route statuses whose spans overlap earlier ones, outages,
// incidents — each batch appended as ExtendDataset does (Reopen, Append,
// Finalize) and each result updated from the previous batch's. The JSON, with every record list, must be the
// same byte for byte, whether the update merged or fell back.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "analysis/format.h"
#include "analysis/indicators.h"
#include "analysis/indicators_update.h"

namespace lifeline::analysis {
namespace {

constexpr int32_t kDay0 = 19358;  // 2023-01-01
// Few days, routes and figures, so that batches often land on cells that
// already have rows, some of them with zero figures (a baseline's day that
// turns positive, a cargo cell that delivers for the first time).
constexpr int kDays = 8;

int Pick(int lo, int hi) { return *rc::gen::inRange(lo, hi); }

// A case without any movement yet: what stays fixed while it grows.
Dataset GenCase() {
  Dataset ds;
  ds.case_id = "c";
  ds.case_record = ds.ids.Intern("case");
  ds.started = kDay0;
  if (*rc::gen::arbitrary<bool>()) ds.ended = kDay0 + kDays - 1;
  int32_t flour = ds.commodities.Intern("flour"), kg = ds.units.Intern("kg");
  int32_t wheat = ds.commodities.Intern("wheat"), kcal = ds.units.Intern("kcal");
  ds.needs.push_back({flour, 0.5, kg, "b", ds.ids.Intern("ns1"), {{wheat, kg, 2.0}}});
  ds.needs.push_back({wheat, 2000, kcal, "b", ds.ids.Intern("ns2")});
  ds.population.push_back({kDay0 + Pick(0, 5), Pick(0, 1000)});
  if (*rc::gen::arbitrary<bool>()) ds.dependency.push_back({"flour", 0.8, ds.case_record});
  Baseline b;
  b.route = ds.routes.Intern("r0");
  b.vehicles = Pick(0, 10);
  b.cargo.push_back({kg, 100});
  b.record = ds.ids.Intern("bl");
  ds.baselines.push_back(b);
  // Watches of two of the routes: a day counts as watched only while no
  // movement is on the third (a batch that first uses it changes the
  // routes a watch must cover, on every day).
  if (*rc::gen::arbitrary<bool>()) {
    ds.AppendWatch("w0", "r0", kDay0 + Pick(0, 3), kDay0 + Pick(3, kDays), kBothWays, kMeasureVehicles | kMeasureCargo);
    ds.AppendWatch("w1", "r1", kDay0, kDay0 + kDays - 1, kBothWays, kMeasureVehicles | kMeasureCargo | kMeasurePersons);
  }
  return ds;
}

void AddMovement(Dataset& ds, const std::string& id) {
  const bool period = Pick(0, 6) == 0;
  const int day = kDay0 + Pick(0, kDays), len = Pick(0, 5);
  int32_t row = ds.AppendMovement(id, day, "r" + std::to_string(Pick(0, 3)), "op" + std::to_string(Pick(0, 3)),
                                  *rc::gen::arbitrary<bool>() ? Direction::kIn : Direction::kOut,
                                  static_cast<Outcome>(Pick(0, 3)), Pick(0, 3), Pick(0, 3), Pick(0, 2),
                                  period ? day : kNoDay, period ? day + len : kNoDay);
  static const char* kCommodities[] = {"flour", "wheat", "fuel"};
  static const char* kUnits[] = {"kg", "l"};
  for (int i = Pick(0, 3); i > 0; --i) {
    ds.AppendCargo(row, kCommodities[Pick(0, 3)], Pick(0, 3) * 3.3, kUnits[Pick(0, 2)]);
  }
}

void AddOther(Dataset& ds, const std::string& id) {
  const int64_t at = (kDay0 + Pick(0, kDays)) * int64_t{86400} + Pick(0, 24) * 3600;
  switch (Pick(0, 3)) {
    case 0:
      ds.AppendRouteStatus(id, "r" + std::to_string(Pick(0, 2)), at, Pick(0, 2) ? kForever : at + Pick(1, 100) * 3600,
                           static_cast<RouteState>(Pick(1, 4)), kVehicles, static_cast<uint8_t>(Pick(1, 4)));
      break;
    case 1:
      ds.AppendOutage(id, "electricity", at, Pick(0, 2) ? kForever : at + Pick(1, 60) * 3600);
      break;
    default:
      ds.AppendIncident(id, static_cast<int32_t>(at / 86400), 0, Pick(0, 3), Pick(3, 5), Pick(0, 2));
  }
}

// Rows of one batch: movements only, or with other kinds among them.
void AddBatch(Dataset& ds, int batch, bool movements_only) {
  for (int i = Pick(1, 8); i > 0; --i) {
    const std::string id = "b" + std::to_string(batch) + "-" + std::to_string(i);
    if (movements_only || Pick(0, 3) != 0) {
      AddMovement(ds, id);
    } else {
      AddOther(ds, id);
    }
  }
}

RC_GTEST_PROP(UpdateIndicatorsProperty, EqualsAWholeComputationAfterEveryBatch, ()) {
  Dataset ds = GenCase();
  AddBatch(ds, 0, false);
  ds.Finalize();
  const CheckpointRef cp{1, "root"};
  const IndicatorOptions o;
  auto first = ComputeIndicators(ds, cp, o);
  RC_ASSERT(first.ok());
  Indicators prev = std::move(*first);
  int merged = 0, continued = 0;
  const int batches = Pick(1, 6);
  for (int b = 1; b <= batches; ++b) {
    const DatasetMark mark = MarkOf(ds);
    ds.Reopen();
    AddBatch(ds, b, Pick(0, 3) != 0);
    ds.Finalize();
    auto want = ComputeIndicators(ds, cp, o);
    auto got = UpdateIndicators(ds, cp, o, mark, std::move(prev));
    RC_ASSERT(want.ok());
    RC_ASSERT(got.ok());
    merged += got->incremental;
    continued += got->incremental && got->continued;
    RC_ASSERT(IndicatorsJsonText(got->indicators) == IndicatorsJsonText(*want));
    prev = std::move(got->indicators);
  }
  RC_CLASSIFY(merged > 0, "some batch merged");
  RC_CLASSIFY(continued > 0, "some batch merged with its figures continued from the sums");
}

// An empty case of `days` days from kDay0.
Dataset Days(int days) {
  Dataset ds;
  ds.case_id = "c";
  ds.case_record = ds.ids.Intern("case");
  ds.started = kDay0;
  ds.ended = kDay0 + days - 1;
  return ds;
}

// Statuses, outages and incidents are not merged; movements on the days of
// the range are.
TEST(UpdateIndicatorsTest, MergesMovementsAndComputesOtherRowsWhole) {
  Dataset ds = Days(10);
  ds.AppendMovement("m1", kDay0 + 2, "r0", "op", Direction::kIn, Outcome::kCompleted, 1, 2, 0);
  ds.Finalize();
  const CheckpointRef cp{1, "root"};
  auto prev = ComputeIndicators(ds, cp, IndicatorOptions{});
  ASSERT_TRUE(prev.ok());
  DatasetMark mark = MarkOf(ds);
  ds.Reopen();
  ds.AppendMovement("m0", kDay0 + 2, "r0", "op", Direction::kIn, Outcome::kCompleted, 3, 0, 0);
  ds.Finalize();
  auto merged = UpdateIndicators(ds, cp, IndicatorOptions{}, mark, *prev);
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged->incremental);
  EXPECT_EQ(merged->indicators.totals.flows.at(0).delivered.records, (std::vector<std::string>{"m0", "m1"}));
  EXPECT_EQ(merged->indicators.totals.flows.at(0).delivered.vehicles, 4);
  mark = MarkOf(ds);
  ds.Reopen();
  ds.AppendRouteStatus("s1", "r0", (kDay0 + 1) * int64_t{86400}, kForever, RouteState::kOpen, 0);
  ds.Finalize();
  auto whole = UpdateIndicators(ds, cp, IndicatorOptions{}, mark, merged->indicators);
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->incremental);
}

// A baseline's day names the movements delivered on its route only once
// they delivered some of its measure: a first vehicle on a day whose old
// movement gave none brings that old movement into the day's list.
TEST(UpdateIndicatorsTest, ABaselineDayTurningPositiveNamesItsOldMovements) {
  Dataset ds = Days(4);
  Baseline b;
  b.route = ds.routes.Intern("r0");
  b.vehicles = 5;
  b.record = ds.ids.Intern("bl");
  ds.baselines.push_back(b);
  ds.AppendMovement("m1", kDay0 + 1, "r0", "op", Direction::kIn, Outcome::kCompleted, 0, 4, 0);
  ds.Finalize();
  const CheckpointRef cp{1, "root"};
  auto prev = ComputeIndicators(ds, cp, IndicatorOptions{});
  ASSERT_TRUE(prev.ok());
  const DatasetMark mark = MarkOf(ds);
  ds.Reopen();
  ds.AppendMovement("m2", kDay0 + 1, "r0", "op", Direction::kIn, Outcome::kCompleted, 2, 0, 0);
  ds.Finalize();
  auto got = UpdateIndicators(ds, cp, IndicatorOptions{}, mark, *prev);
  auto want = ComputeIndicators(ds, cp, IndicatorOptions{});
  ASSERT_TRUE(got.ok() && want.ok());
  EXPECT_EQ(want->days.at(1).baseline.at(0).records, (std::vector<std::string>{"bl", "m1", "m2"}));
  EXPECT_EQ(IndicatorsJsonText(got->indicators), IndicatorsJsonText(*want));
}

}  // namespace
}  // namespace lifeline::analysis
