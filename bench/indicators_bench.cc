// Daily indicators over millions of movements, timed: bench/run_analysis.sh
// compares them with DuckDB (bench/duckdb/indicators.mjs) aggregating the
// same rows, written once as CSV by this program.
//
//   indicators_bench csv FILE N        write N synthetic movements as CSV
//   indicators_bench run N [--reps R]  build the same N rows with the
//                                      Dataset Append API and time
//                                      ComputeIndicators over them
//   ... run N --explain                with the record lists, each result
//                                      then written as JSON (streamed, to
//                                      a discarding stream): the memory of
//                                      `indicators --format json` less the
//                                      store's load
//
// The rows are deterministic (a hash of the row number): 10 years of days,
// 3 routes, 12 operators, 70 % inbound, 90 % completed, and one cargo line
// (8 commodities, in kg) on every inbound movement. `run` prints one JSON
// line: the build's seconds, the aggregation's (median of R), the peak RSS,
// the bytes of the dataset's parts (capacities: reserved but untouched pages
// of a column are not resident), and checksums of the totals (compared with DuckDB's by run_analysis.sh).
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

#include "analysis/format.h"
#include "analysis/indicators.h"
#include "analysis/json_writer.h"
#include "record/values.h"

namespace {

using lifeline::analysis::Direction;
using lifeline::analysis::Outcome;

constexpr int32_t kFirstDay = 18262;  // 2020-01-01
constexpr int32_t kDays = 3653;       // to 2029-12-31
constexpr const char* kRoutes[] = {"rt-north", "rt-south", "rt-air"};
constexpr const char* kOperators[] = {"ICRC",     "UNHCR",    "WFP",      "MSF",       "peacekeepers", "commercial",
                                      "civilians", "UNICEF", "IOM",      "red-crescent", "government",   "NGO-other"};
constexpr const char* kCommodities[] = {"wheat flour", "rice", "cooking oil", "sugar",
                                        "medicine",    "fuel", "baby food",   "water"};

uint64_t Mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct Row {
  int32_t day;
  int route, op, commodity;
  Direction dir;
  Outcome outcome;
  int64_t vehicles, persons, patients;
  double kg;  // cargo, inbound only
};

Row Generate(uint64_t i) {
  uint64_t a = Mix(i * 2), b = Mix(i * 2 + 1);
  Row r;
  r.day = kFirstDay + static_cast<int32_t>(a % kDays);
  r.route = static_cast<int>((a >> 16) % 3);
  r.op = static_cast<int>((a >> 24) % 12);
  r.dir = (a >> 32) % 10 < 7 ? Direction::kIn : Direction::kOut;
  uint64_t o = (a >> 40) % 100;
  r.outcome = o < 90 ? Outcome::kCompleted : o < 97 ? Outcome::kStopped : Outcome::kTurnedBack;
  r.vehicles = 1 + static_cast<int64_t>(b % 40);
  r.persons = static_cast<int64_t>((b >> 8) % 200);
  r.patients = static_cast<int64_t>((b >> 16) % 6);
  r.commodity = static_cast<int>((b >> 24) % 8);
  r.kg = static_cast<double>(100 + (b >> 32) % 19900);  // whole kg: sums are exact in both engines
  return r;
}

int WriteCsv(const char* path, uint64_t n) {
  FILE* f = std::fopen(path, "w");
  if (!f) {
    std::perror(path);
    return 1;
  }
  std::vector<std::string> dates(kDays);
  for (int32_t d = 0; d < kDays; ++d) dates[static_cast<size_t>(d)] = lifeline::record::FormatDate({kFirstDay + d});
  std::fputs("id,date,route,operator,direction,outcome,vehicles,persons,patients,commodity,quantity,unit\n", f);
  for (uint64_t i = 0; i < n; ++i) {
    Row r = Generate(i);
    std::fprintf(f, "mv-%llu,%s,%s,%s,%s,%s,%lld,%lld,%lld,", static_cast<unsigned long long>(i),
                 dates[static_cast<size_t>(r.day - kFirstDay)].c_str(), kRoutes[r.route], kOperators[r.op],
                 r.dir == Direction::kIn ? "in" : "out", lifeline::analysis::OutcomeName(r.outcome).data(), static_cast<long long>(r.vehicles),
                 static_cast<long long>(r.persons), static_cast<long long>(r.patients));
    if (r.dir == Direction::kIn) {
      std::fprintf(f, "%s,%.0f,kg\n", kCommodities[r.commodity], r.kg);
    } else {
      std::fputs(",,\n", f);
    }
  }
  return std::fclose(f) == 0 ? 0 : 1;
}

double PeakRssMib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

template <typename... Vectors>
size_t CapacityBytes(const Vectors&... v) {
  return (... + (v.capacity() * sizeof(typename Vectors::value_type)));
}

// The bytes the dataset's parts hold (their buffers' capacities), per part.
nlohmann::json DatasetBytes(const lifeline::analysis::Dataset& ds) {
  const auto& m = ds.movements;
  const auto& c = ds.cargo;
  return {{"ids", ds.ids.MemoryBytes()},
          {"movements.day,route,op,record", CapacityBytes(m.day, m.route, m.op, m.record)},
          {"movements.direction,outcome", CapacityBytes(m.direction, m.outcome)},
          {"movements.vehicles,persons,patients",
           m.vehicles.MemoryBytes() + m.persons.MemoryBytes() + m.patients.MemoryBytes()},
          {"movements.period_from,period_to", CapacityBytes(m.period_from, m.period_to)},
          {"movements.qualifier,reported_by,given", CapacityBytes(m.qualifier, m.reported_by, m.given)},
          {"cargo", CapacityBytes(c.movement, c.commodity, c.quantity, c.unit)}};
}

int Run(uint64_t n, int reps, bool explain) {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  lifeline::analysis::Dataset ds;
  ds.case_id = "synth";
  ds.case_record = ds.ids.Intern("synth");
  ds.started = kFirstDay;
  ds.ended = kFirstDay + kDays - 1;
  int32_t routes[3], ops[12];
  for (int i = 0; i < 3; ++i) routes[i] = ds.routes.Intern(kRoutes[i]);
  for (int i = 0; i < 12; ++i) ops[i] = ds.operators.Intern(kOperators[i]);
  ds.ReserveMovements(n, n);
  char id[32];
  for (uint64_t i = 0; i < n; ++i) {
    Row r = Generate(i);
    int len = std::snprintf(id, sizeof id, "mv-%llu", static_cast<unsigned long long>(i));
    int32_t rec = ds.ids.Intern(std::string_view(id, static_cast<size_t>(len)));
    int32_t row = ds.AppendMovementRow(rec, r.day, routes[r.route], ops[r.op], r.dir, r.outcome, r.vehicles,
                                       r.persons, r.patients);
    if (r.dir == Direction::kIn) ds.AppendCargo(row, kCommodities[r.commodity], r.kg, "kg");
  }
  ds.Finalize();
  double build_s = std::chrono::duration<double>(Clock::now() - t0).count();

  lifeline::analysis::IndicatorOptions opts;
  opts.explain = explain;
  std::vector<double> secs;
  nlohmann::json check;
  for (int rep = 0; rep < reps; ++rep) {
    auto t1 = Clock::now();
    auto ind = lifeline::analysis::ComputeIndicators(ds, {1, "bench"}, opts);
    secs.push_back(std::chrono::duration<double>(Clock::now() - t1).count());
    if (!ind.ok()) {
      std::cerr << ind.status().ToString() << "\n";
      return 1;
    }
    if (explain) {
      std::ofstream null("/dev/null");
      lifeline::analysis::JsonWriter w(null, 2);
      lifeline::analysis::WriteObject(w, lifeline::analysis::IndicatorsMembers(*ind));
    }
    // Checksums of what was aggregated, to compare with DuckDB's.
    int64_t groups = 0, movements = 0, vehicles = 0;
    for (const auto& d : ind->days) {
      for (const auto& f : d.flows) {
        ++groups;
        movements += f.delivered.movements + f.stopped.movements;
        vehicles += f.delivered.vehicles + f.stopped.vehicles;
      }
    }
    double cargo = 0;
    int64_t cargo_groups = 0;
    for (const auto& d : ind->days) {
      for (const auto& c : d.cargo) {
        ++cargo_groups;
        cargo += c.delivered + c.stopped;
      }
    }
    check = {{"flow_groups", groups},
             {"movements", movements},
             {"vehicles", vehicles},
             {"cargo_groups", cargo_groups},
             {"cargo_kg", cargo}};
  }
  std::vector<double> sorted = secs;
  std::sort(sorted.begin(), sorted.end());
  std::cout << nlohmann::json{{"rows", n},
                              {"build_seconds", build_s},
                              {"seconds", secs},
                              {"seconds_median", sorted[sorted.size() / 2]},
                              {"explain", explain},
                              {"peak_rss_mib", PeakRssMib()},
                              {"dataset_bytes", DatasetBytes(ds)},
                              {"check", check}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "csv") return WriteCsv(argv[2], std::stoull(argv[3]));
  if (argc >= 3 && std::string(argv[1]) == "run") {
    int reps = 1;
    bool explain = false;
    for (int i = 3; i < argc; ++i) {
      if (std::string(argv[i]) == "--explain") explain = true;
      if (std::string(argv[i]) == "--reps" && i + 1 < argc) reps = std::stoi(argv[++i]);
    }
    return Run(std::stoull(argv[2]), std::max(1, reps), explain);
  }
  std::cerr << "usage: indicators_bench csv FILE N | run N [--reps R] [--explain]\n";
  return 2;
}
