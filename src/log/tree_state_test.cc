#include "log/tree_state.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "base/status_testing.h"
#include "store/memory/memory_store.h"

namespace lifeline::log {
namespace {

using merkle::Hash;

std::vector<std::string> Entries(uint64_t from, uint64_t n) {
  std::vector<std::string> v;
  for (uint64_t i = from; i < from + n; ++i) v.push_back("entry " + std::to_string(i) + "\n");
  return v;
}

// Naive tiles: every hash tile and bundle of a tree, recomputed from scratch.
std::map<std::pair<uint32_t, uint64_t>, std::string> NaiveTiles(const std::vector<std::string>& entries) {
  std::map<std::pair<uint32_t, uint64_t>, std::string> out;
  std::vector<Hash> level;
  for (const auto& e : entries) level.push_back(merkle::LeafHash(AsBytes(e)));
  for (size_t i = 0; i < entries.size(); ++i) {
    merkle::AppendToBundle(&out[{merkle::kEntriesLevel, i / 256}], entries[i]);
  }
  for (uint32_t l = 0; !level.empty(); ++l) {
    for (size_t i = 0; i < level.size(); ++i) {
      out[{l, i / 256}].append(reinterpret_cast<const char*>(level[i].data()), 32);
    }
    std::vector<Hash> up;
    for (size_t i = 0; i + 256 <= level.size(); i += 256) {
      up.push_back(merkle::RootFromLeafHashes(std::span<const Hash>(level).subspan(i, 256)));
    }
    level = std::move(up);
  }
  return out;
}

TEST(TreeStateTest, RootAndTilesMatchNaiveForRandomBatches) {
  std::mt19937_64 rng(42);
  for (uint64_t total : {0u, 1u, 2u, 255u, 256u, 257u, 511u, 512u, 65535u, 65536u, 65537u, 70000u}) {
    auto all = Entries(0, total);
    TreeState t;
    std::map<std::pair<uint32_t, uint64_t>, store::TileData> written;
    uint64_t done = 0;
    while (done < total) {
      uint64_t n = std::min<uint64_t>(total - done, 1 + rng() % 3000);
      std::vector<store::TileData> changed;
      t.Append(std::span<const std::string>(all).subspan(done, n), &changed);
      for (auto& c : changed) written[{c.id.level, c.id.index}] = c;
      done += n;
      std::vector<Hash> leaves;
      for (uint64_t i = 0; i < done; ++i) leaves.push_back(merkle::LeafHash(AsBytes(all[i])));
      if (done < 5000 || done == total) {
        ASSERT_EQ(t.Root(), merkle::RootFromLeafHashes(leaves)) << "size " << done;
      }
    }
    EXPECT_EQ(t.size(), total);
    auto naive = NaiveTiles(all);
    ASSERT_EQ(written.size(), naive.size()) << "total " << total;
    for (const auto& [key, data] : naive) {
      auto it = written.find(key);
      ASSERT_NE(it, written.end());
      EXPECT_EQ(it->second.data, data) << merkle::TilePath(it->second.id);
    }
  }
}

TEST(TreeStateTest, LoadFromTilesReproducesTheState) {
  store::MemoryStore st("o");
  TreeState t;
  std::vector<store::TileData> changed;
  auto all = Entries(0, 70000);
  t.Append(all, &changed);
  store::Commit c{0, t.size(), changed, "cp", {}};
  ASSERT_TRUE(st.Apply(c).ok());
  auto loaded = TreeState::Load(st, t.size());
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->Root(), t.Root());
  // And both continue identically.
  std::vector<store::TileData> a, b;
  auto more = Entries(70000, 300);
  t.Append(more, &a);
  loaded->Append(more, &b);
  EXPECT_EQ(t.Root(), loaded->Root());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].data, b[i].data);
}

TEST(TreeStateTest, LoadReportsAMissingOrWrongWidthTile) {
  store::MemoryStore st("o");
  auto missing = TreeState::Load(st, 10);
  EXPECT_EQ(missing.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(missing.status().message().find("tile/0/000.p/10"), std::string::npos) << missing.status().message();
}

}  // namespace
}  // namespace lifeline::log
