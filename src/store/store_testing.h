// Test helpers for store (header-only, not part of the library): the LogStore
// backends that the contract suites (store_test.cc, store_property_test.cc)
// run against, each made by one factory under one name.
//
// Adding a backend is one entry in Backends(): every contract test and every
// property runs on it with no other change. The PostgreSQL backend needs the
// test cluster ctest starts (postgres/postgres_testing.h); without it its
// tests fail, saying how to start one.
#ifndef LIFELINE_STORE_STORE_TESTING_H_
#define LIFELINE_STORE_STORE_TESTING_H_

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "base/status.h"
#include "merkle/tile.h"
#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_testing.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace lifeline::store::testing {

// Makes a new, empty store for a log named `origin`. `scratch_dir` exists, is
// empty, belongs to this one store, and is removed by the caller after the
// store is destroyed; a backend that keeps no files may ignore it. Each call
// returns an independent store.
using StoreFactory =
    std::function<Result<std::unique_ptr<LogStore>>(const std::string& scratch_dir, const std::string& origin)>;

struct Backend {
  std::string name;  // a test-name fragment: letters and digits only
  StoreFactory make;
};

// The entry bundles a test commit carries: a backend may read a row's body
// back from the bundle of its entry (store.h), so a commit whose rows have
// bodies holds them as entries. `entries` is the whole log; the bundles
// touched by entries [base, size) are returned at their width for `size`.
inline std::vector<TileData> BundlesFor(const std::vector<std::string>& entries, uint64_t base, uint64_t size) {
  std::vector<TileData> out;
  if (size <= base) return out;
  for (uint64_t n = base / merkle::kTileWidth; n <= (size - 1) / merkle::kTileWidth; ++n) {
    const uint64_t first = n * merkle::kTileWidth;
    const auto width = static_cast<uint32_t>(std::min<uint64_t>(merkle::kTileWidth, size - first));
    TileData t{merkle::TileId{merkle::kEntriesLevel, n, width}, ""};
    for (uint64_t i = first; i < first + width; ++i) merkle::AppendToBundle(&t.data, entries.at(i));
    out.push_back(std::move(t));
  }
  return out;
}

inline Result<std::unique_ptr<LogStore>> MakeMemoryStore(const std::string&, const std::string& origin) {
  return std::unique_ptr<LogStore>(std::make_unique<MemoryStore>(origin));
}

inline Result<std::unique_ptr<LogStore>> MakeSqliteStore(const std::string& scratch_dir, const std::string& origin) {
  auto s = SqliteStore::Create(scratch_dir + "/lifeline.db", origin);
  if (!s.ok()) return s.status();
  return std::unique_ptr<LogStore>(std::move(*s));
}

// A store in a schema of its own on the test cluster; `scratch_dir` unused.
inline Result<std::unique_ptr<LogStore>> MakePostgresStore(const std::string&, const std::string& origin) {
  auto conninfo = NewTestSchema();
  if (!conninfo.ok()) return conninfo.status();
  auto s = PostgresStore::Create(*conninfo, origin);
  if (!s.ok()) return s.status();
  return std::unique_ptr<LogStore>(std::move(*s));
}

inline const std::vector<Backend>& Backends() {
  static const std::vector<Backend> backends = {
      {"memory", MakeMemoryStore},
      {"sqlite", MakeSqliteStore},
      {"postgres", MakePostgresStore},
  };
  return backends;
}

inline std::vector<std::string> BackendNames() {
  std::vector<std::string> names;
  for (const auto& b : Backends()) names.push_back(b.name);
  return names;
}

// The factory of backend `name`; aborts the test binary on an unknown name.
inline const StoreFactory& FactoryFor(const std::string& name) {
  for (const auto& b : Backends()) {
    if (b.name == name) return b.make;
  }
  std::abort();
}

// A fresh, empty directory under the system's temporary directory, removed
// with everything in it when this object is destroyed.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<uint64_t> next{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("lifeline-store-" + std::to_string(getpid()) + "-" + std::to_string(next++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A store of one backend with its scratch directory; the store is destroyed
// (closed) before the directory is removed.
struct ScratchStore {
  ScratchDir dir;
  std::unique_ptr<LogStore> store;
};

// Makes a ScratchStore of backend `name` for a log named `origin`.
inline Result<std::unique_ptr<ScratchStore>> MakeScratchStore(const std::string& name, const std::string& origin) {
  auto out = std::make_unique<ScratchStore>();
  auto s = FactoryFor(name)(out->dir.path(), origin);
  if (!s.ok()) return s.status();
  out->store = std::move(*s);
  return out;
}

}  // namespace lifeline::store::testing

#endif  // LIFELINE_STORE_STORE_TESTING_H_
