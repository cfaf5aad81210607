// Generates synthetic inputs for the import benchmark (bench/run_import.sh).
//
//   gen_records jsonl N > records.jsonl     a source, a case, a route, then N
//                                           movement records citing them
//   gen_records acled N > events.csv        N ACLED-shaped rows (codebook
//                                           columns; invented, not ACLED data)
// Deterministic: the same N gives the same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

uint64_t Next(uint64_t* x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

void Jsonl(uint64_t n) {
  std::printf(
      "{\"kind\":\"source\",\"id\":\"src-bench\",\"case\":\"bench\",\"publisher\":\"Bench Monitor\","
      "\"title\":\"Synthetic daily tallies\"}\n"
      "{\"kind\":\"case\",\"id\":\"bench\",\"title\":\"Synthetic case\",\"region\":\"Nowhere\","
      "\"started\":\"2000-01-01\",\"sources\":[\"src-bench\"]}\n"
      "{\"kind\":\"route\",\"id\":\"road\",\"case\":\"bench\",\"name\":\"The road\",\"type\":\"road\","
      "\"sources\":[\"src-bench\"]}\n");
  uint64_t x = 0x9E3779B97F4A7C15ull;
  static const char* kOps[] = {"ICRC", "peacekeepers", "commercial", "civilians"};
  static const char* kGoods[] = {"flour", "medicine", "fuel", "vegetables"};
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t r = Next(&x);
    int day = static_cast<int>(i % 3650);
    int y = 2000 + day / 365, d = day % 365, m = d / 31 + 1, dd = d % 28 + 1;
    std::printf(
        "{\"kind\":\"movement\",\"id\":\"mv-%llu\",\"case\":\"bench\",\"route\":\"road\",\"date\":\"%04d-%02d-%02d\","
        "\"direction\":\"%s\",\"operator\":\"%s\",\"vehicles\":%llu,\"persons\":%llu,"
        "\"cargo\":[{\"commodity\":\"%s\",\"quantity\":%llu.%llu,\"unit\":\"t\"}],\"sources\":[\"src-bench\"]}\n",
        static_cast<unsigned long long>(i), y, m > 12 ? 12 : m, dd, (r & 1) ? "in" : "out", kOps[(r >> 1) & 3],
        static_cast<unsigned long long>((r >> 3) % 40), static_cast<unsigned long long>((r >> 9) % 300),
        kGoods[(r >> 17) & 3], static_cast<unsigned long long>((r >> 19) % 500),
        static_cast<unsigned long long>((r >> 29) % 10));
  }
}

void Acled(uint64_t n) {
  std::printf(
      "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
      "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
      "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp\n");
  uint64_t x = 0x2545F4914F6CDD1Dull;
  static const char* kTypes[][2] = {{"Battles", "Armed clash"},
                                    {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
                                    {"Violence against civilians", "Attack"},
                                    {"Protests", "Peaceful protest"}};
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t r = Next(&x);
    int day = static_cast<int>(i % 3650);
    int y = 2010 + day / 365, d = day % 365, m = d / 31 + 1, dd = d % 28 + 1;
    const auto& t = kTypes[r & 3];
    std::printf(
        "SYN%llu,%04d-%02d-%02d,%d,%llu,Political violence,%s,%s,Military Forces of Synthland,,1,"
        "\"Rebels of the North, faction %llu\",,2,12,,999,Nowhere,Synthland,Province %llu,District %llu,,"
        "Town %llu,%.4f,%.4f,%llu,Synthetic Daily,National,\"On this day, a synthetic event was recorded; "
        "\"\"no\"\" real data.\",%llu,,1700000000\n",
        static_cast<unsigned long long>(i), y, m > 12 ? 12 : m, dd, y, static_cast<unsigned long long>(1 + (r >> 2) % 3),
        t[0], t[1], static_cast<unsigned long long>((r >> 5) % 9), static_cast<unsigned long long>((r >> 9) % 20),
        static_cast<unsigned long long>((r >> 14) % 90), static_cast<unsigned long long>((r >> 21) % 500),
        -60.0 + static_cast<double>((r >> 30) % 12000) / 100.0, -170.0 + static_cast<double>((r >> 44) % 34000) / 100.0,
        static_cast<unsigned long long>(1 + (r >> 58) % 3), static_cast<unsigned long long>((r >> 40) % 12));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gen_records jsonl|acled N\n");
    return 2;
  }
  uint64_t n = std::strtoull(argv[2], nullptr, 10);
  std::string what = argv[1];
  if (what == "jsonl") {
    Jsonl(n);
  } else if (what == "acled") {
    Acled(n);
  } else {
    std::fprintf(stderr, "usage: gen_records jsonl|acled N\n");
    return 2;
  }
  return 0;
}
