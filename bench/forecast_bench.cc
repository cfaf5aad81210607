// The forecast's Monte Carlo, timed: bench/run_analysis.sh compares it with
// bench/forecast_numpy.py running the same model (same inputs: the model
// this program fits and writes out as JSON).
//
//   forecast_bench [--trajectories N] [--days H] [--threads T] [--reps R]
//                  [--no-drivers] [--model-out FILE] [--percentiles-out FILE]
//
// The case is synthetic and deterministic: a year of history on one road
// whose daily status follows a fixed Markov chain, with food (t) and water
// (l) delivered on open and restricted days, stocks and need standards as
// records. The scenario exercises the whole model: the fitted process
// (each trajectory draws its matrix), bootstrap resamples of the pools,
// restocking (food) and a range of capacities (water on restricted days).
// Fitting it is timed apart from the run. --no-drivers leaves out what
// drives the bands (the re-runs), so that the run does the work the numpy
// reference does. Prints one JSON line: the run's seconds (median of R), the
// fit's, and the peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/forecast.h"

namespace {

using lifeline::analysis::Dataset;
using lifeline::analysis::RouteState;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double U(uint64_t& s) { return static_cast<double>(Mix(s += 0x9e3779b97f4a7c15ULL) >> 11) * 0x1.0p-53; }

Dataset SyntheticCase(int32_t from, int32_t days) {
  Dataset ds;
  ds.case_id = "synth";
  ds.case_record = ds.ids.Intern("synth");
  ds.started = from;
  ds.population.push_back({from, 120000});
  // The chain the history is drawn from (rows: open, restricted, closed).
  const double p[3][3] = {{0.90, 0.07, 0.03}, {0.10, 0.80, 0.10}, {0.05, 0.15, 0.80}};
  const RouteState states[3] = {RouteState::kOpen, RouteState::kRestricted, RouteState::kClosed};
  uint64_t s = 2023;
  int st = 0;
  for (int32_t d = 0; d < days; ++d) {
    double u = U(s);
    st = u < p[st][0] ? 0 : u < p[st][0] + p[st][1] ? 1 : 2;
    ds.AppendRouteStatus("rs-" + std::to_string(d), "road", int64_t{from + d} * 86400, lifeline::analysis::kForever,
                         states[st], st == 1 ? uint32_t{lifeline::analysis::kCargo} : uint32_t{0});
    if (st == 2 || U(s) < 0.2) continue;  // closed, or no convoy that day
    int32_t row = ds.AppendMovement("mv-" + std::to_string(d), from + d, "road", "convoys",
                                    lifeline::analysis::Direction::kIn, lifeline::analysis::Outcome::kCompleted, 10, 0, 0);
    double scale = st == 0 ? 1.0 : 0.4;
    ds.AppendCargo(row, "food", scale * (40'000 + 80'000 * U(s)), "kg");
    ds.AppendCargo(row, "water", scale * (1.0e6 + 1.6e6 * U(s)), "l");
  }
  ds.AppendStock("st-food", "food", from + days - 1, 3'000'000, "kg");
  ds.AppendStock("st-water", "water", from + days - 1, 20'000'000, "l");
  for (auto [name, q, unit] : {std::tuple{"food", 0.6, "kg"}, std::tuple{"water", 15.0, "l"}}) {
    lifeline::analysis::NeedStandard ns;
    ns.commodity = ds.commodities.Intern(name);
    ns.quantity = q;
    ns.unit = ds.units.Intern(unit);
    ns.record = ds.ids.Intern(std::string("ns-") + name);
    ds.needs.push_back(ns);
  }
  ds.Finalize();
  return ds;
}

double PeakRssMib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t trajectories = 100000;
  int32_t days = 365;
  int threads = 0, reps = 1;
  bool drivers = true;
  std::string model_out, percentiles_out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--trajectories") trajectories = std::stoll(next());
    else if (a == "--days") days = std::stoi(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--reps") reps = std::stoi(next());
    else if (a == "--no-drivers") drivers = false;
    else if (a == "--model-out") model_out = next();
    else if (a == "--percentiles-out") percentiles_out = next();
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  using Clock = std::chrono::steady_clock;
  const int32_t from = 19358;  // 2023-01-01
  Dataset ds = SyntheticCase(from, 365);

  lifeline::analysis::Scenario sc;
  sc.name = "bench";
  sc.start = from + 365;
  sc.horizon_days = days;
  sc.trajectories = trajectories;
  sc.seed = 42;
  sc.rationing = 0.9;
  for (auto [name, unit, threshold] : {std::tuple{"food", "kg", 1'000'000.0}, std::tuple{"water", "l", 5'000'000.0}}) {
    lifeline::analysis::ScenarioCommodity c;
    c.name = name;
    c.unit = unit;
    c.threshold = threshold;
    sc.commodities.push_back(c);
  }
  sc.commodities[0].normal_stock = 3'000'000;  // food: restocked to its initial stock
  sc.commodities[0].restock_days = 30;
  sc.commodities[1].inflow_restricted = lifeline::analysis::ScenarioRange{400'000, 1'040'000};  // water
  sc.airlifts.push_back({"food", sc.start + 30, lifeline::analysis::kNoDay, 10'000});

  auto t0 = Clock::now();
  auto m = lifeline::analysis::FitForecast(ds, sc);
  double fit_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!m.ok()) {
    std::cerr << m.status().ToString() << "\n";
    return 1;
  }
  if (!model_out.empty()) {
    nlohmann::json j;
    j["start"] = m->start;
    j["horizon"] = m->horizon;
    j["trajectories"] = m->trajectories;
    j["seed"] = m->seed;
    j["transition"] = m->transition;
    j["transition_given"] = m->transition_given;
    j["transition_counts"] = m->transition_counts;
    j["route_prior"] = m->route_prior;
    j["initial_state"] = m->initial_state;
    j["reopen_offset"] = m->reopen_offset;
    j["percentiles"] = lifeline::analysis::kForecastPercentiles;
    for (const auto& c : m->commodities) {
      nlohmann::json ranges = nlohmann::json::array();
      for (const auto& r : c.inflow_range) {
        ranges.push_back(r ? nlohmann::json::array({r->low, r->high}) : nlohmann::json(nullptr));
      }
      j["commodities"].push_back({{"name", c.name},
                                  {"initial_stock", c.initial_stock},
                                  {"threshold", c.threshold.value_or(0.0)},
                                  {"pools", c.inflow_pool},
                                  {"ranges", ranges},
                                  {"normal_stock", c.normal_stock ? nlohmann::json(*c.normal_stock) : nlohmann::json(nullptr)},
                                  {"restock_days", c.restock_days},
                                  {"consumption", c.consumption},
                                  {"airlift", c.airlift}});
    }
    std::ofstream(model_out) << j.dump() << "\n";
  }

  std::vector<double> secs;
  std::vector<lifeline::analysis::CommodityForecast> out;
  for (int r = 0; r < reps; ++r) {
    auto t1 = Clock::now();
    auto run = lifeline::analysis::RunForecast(*m, {.threads = threads, .drivers = drivers});
    secs.push_back(std::chrono::duration<double>(Clock::now() - t1).count());
    if (!run.ok()) {
      std::cerr << run.status().ToString() << "\n";
      return 1;
    }
    out = std::move(*run);
  }
  if (!percentiles_out.empty()) {
    nlohmann::json j;
    for (const auto& c : out) {
      nlohmann::json dtt = nlohmann::json::array();
      for (const auto& d : c.days_to_threshold) dtt.push_back(d ? nlohmann::json(*d) : nlohmann::json(nullptr));
      j["commodities"].push_back(
          {{"name", c.name}, {"stock", c.stock}, {"days_to_threshold", dtt}, {"never_fraction", c.never_fraction}});
    }
    std::ofstream(percentiles_out) << j.dump() << "\n";
  }
  std::vector<double> sorted = secs;
  std::sort(sorted.begin(), sorted.end());
  nlohmann::json report = {{"trajectories", trajectories},
                           {"days", days},
                           {"commodities", out.size()},
                           {"threads", threads},
                           {"drivers", drivers},
                           {"fit_seconds", fit_s},
                           {"seconds", secs},
                           {"seconds_median", sorted[sorted.size() / 2]},
                           {"peak_rss_mib", PeakRssMib()}};
  std::cout << report.dump() << "\n";
  return 0;
}
