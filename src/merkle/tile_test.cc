#include "merkle/tile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/status_testing.h"

namespace lifeline::merkle {
namespace {

TEST(TileTest, IndexPaths) {
  const struct {
    uint64_t index;
    const char* path;
  } kCases[] = {
      {0, "000"},
      {5, "005"},
      {999, "999"},
      {1000, "x001/000"},
      {1234, "x001/234"},
      {999999, "x999/999"},
      {1000000, "x001/x000/000"},
      {1234067, "x001/x234/067"},
      {UINT64_MAX, "x018/x446/x744/x073/x709/x551/615"},
  };
  for (const auto& c : kCases) EXPECT_EQ(TileIndexPath(c.index), c.path) << c.index;
}

TEST(TileTest, TilePaths) {
  EXPECT_EQ(TilePath({0, 0, 256}), "tile/0/000");
  EXPECT_EQ(TilePath({0, 1234067, 17}), "tile/0/x001/x234/067.p/17");
  EXPECT_EQ(TilePath({1, 0, 1}), "tile/1/000.p/1");
  EXPECT_EQ(TilePath({2, 1234, 255}), "tile/2/x001/234.p/255");
  EXPECT_EQ(TilePath({kEntriesLevel, 1234, 256}), "tile/entries/x001/234");
  EXPECT_EQ(TilePath({kEntriesLevel, 0, 3}), "tile/entries/000.p/3");
}

TEST(TileTest, ParseRoundTrips) {
  std::vector<TileId> ids;
  for (uint32_t level : {0u, 1u, 2u, 7u, 63u, kEntriesLevel}) {
    for (uint64_t index : {uint64_t{0}, uint64_t{1}, uint64_t{999}, uint64_t{1000}, uint64_t{1001},
                           uint64_t{1234067}, uint64_t{1000000000}, UINT64_MAX}) {
      for (uint32_t width : {1u, 17u, 255u, 256u}) ids.push_back({level, index, width});
    }
  }
  for (const TileId& id : ids) {
    const std::string path = TilePath(id);
    Result<TileId> parsed = ParseTilePath(path);
    ASSERT_OK(parsed) << path;
    EXPECT_EQ(*parsed, id) << path;
  }
}

TEST(TileTest, ParseRejectsNonCanonicalPaths) {
  const char* const kBad[] = {
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "tiles/0/000",
      "/tile/0/000",
      "tile/00/000",             // leading zero in the level
      "tile/01/000",
      "tile/64/000",             // level beyond 63
      "tile/-1/000",
      "tile/+1/000",
      "tile/data/000",           // sumdb's name, not tlog-tiles'
      "tile/8/0/000",            // sumdb's tile height element
      "tile/Entries/000",
      "tile/0/0000",             // four digits
      "tile/0/00",
      "tile/0/5",
      "tile/0/x01",              // a group of two digits
      "tile/0/x01/000",
      "tile/0/x001",             // the last group has no x
      "tile/0/001/000",          // a group before the last lacks its x
      "tile/0/x000/005",         // zero padding beyond three digits
      "tile/0/x000/x001/005",
      "tile/0/x001/x02/000",
      "tile/0/abc",
      "tile/0/00a",
      "tile/0/000/",
      "tile/0/000.p",            // .p without a width
      "tile/0/000.p/",
      "tile/0/000.p/0",          // width 0
      "tile/0/000.p/256",        // a full tile is written without .p
      "tile/0/000.p/300",
      "tile/0/000.p/017",        // leading zero in the width
      "tile/0/000.p/07",
      "tile/0/000.p/1/",
      "tile/0/000.p/1.p/1",
      "tile/0/000.p/x",
      "tile/0/000.p/-1",
      "tile/0/x001.p/000",
      "tile/entries/000.p/0",
      "tile/entries/x000/001",
      "tile/entries",
      "tile/0/x018/x446/x744/x073/x709/x551/616",  // 2^64
      "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
      "tile/0/000 ",
      " tile/0/000",
  };
  for (const char* path : kBad) {
    Result<TileId> parsed = ParseTilePath(path);
    EXPECT_FALSE(parsed.ok()) << "accepted \"" << path << "\"";
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(parsed.status().message().find(path), std::string::npos) << parsed.status().message();
    }
  }
}

std::vector<std::string> Paths(const std::vector<TileId>& ids) {
  std::vector<std::string> out;
  for (const TileId& id : ids) out.push_back(TilePath(id));
  return out;
}

// "L0:256 L1:1+p17": full tiles and the partial width per level.
std::string Summary(const std::vector<TileId>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size();) {
    const uint32_t level = ids[i].level;
    uint64_t full = 0;
    uint32_t partial = 0;
    for (; i < ids.size() && ids[i].level == level; ++i) {
      if (ids[i].is_full()) {
        EXPECT_EQ(ids[i].index, full) << "full tiles out of order at level " << level;
        ++full;
      } else {
        EXPECT_EQ(partial, 0u) << "two partial tiles at level " << level;
        EXPECT_EQ(ids[i].index, full) << "the partial tile must follow the full ones";
        partial = ids[i].width;
      }
    }
    if (!out.empty()) out += ' ';
    out += (level == kEntriesLevel ? std::string("E") : "L" + std::to_string(level)) + ":" +
           std::to_string(full);
    if (partial != 0) out += "+p" + std::to_string(partial);
  }
  return out;
}

TEST(TileTest, HashTilesForSize) {
  EXPECT_TRUE(HashTilesForSize(0).empty());
  EXPECT_EQ(Paths(HashTilesForSize(1)), (std::vector<std::string>{"tile/0/000.p/1"}));
  EXPECT_EQ(Paths(HashTilesForSize(255)), (std::vector<std::string>{"tile/0/000.p/255"}));
  EXPECT_EQ(Paths(HashTilesForSize(256)), (std::vector<std::string>{"tile/0/000", "tile/1/000.p/1"}));
  EXPECT_EQ(Paths(HashTilesForSize(257)),
            (std::vector<std::string>{"tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1"}));
  EXPECT_EQ(Summary(HashTilesForSize(65536)), "L0:256 L1:1 L2:0+p1");
  EXPECT_EQ(Summary(HashTilesForSize(65537)), "L0:256+p1 L1:1 L2:0+p1");
  // The spec's example: 273 full level-0 tiles, one of width 112, one full
  // level-1 tile, one of width 17, one level-2 tile of width 1.
  EXPECT_EQ(Summary(HashTilesForSize(70000)), "L0:273+p112 L1:1+p17 L2:0+p1");
  EXPECT_EQ(Summary(HashTilesForSize(16777216 + 65536 + 256 + 5)), "L0:65793+p5 L1:257+p1 L2:1+p1 L3:0+p1");
  // The top tile is always partial.
  for (uint64_t size : {1ull, 255ull, 256ull, 257ull, 65535ull, 65536ull, 65537ull, 16777216ull}) {
    const std::vector<TileId> tiles = HashTilesForSize(size);
    ASSERT_FALSE(tiles.empty());
    EXPECT_FALSE(tiles.back().is_full()) << size;
  }
}

TEST(TileTest, HashTilesMatchTheSpecFormula) {
  for (uint64_t size = 0; size <= 70000; size += (size < 1100 ? 1 : 97)) {
    uint64_t expected = 0;
    for (uint64_t c = size; c > 0; c /= 256) expected += (c + 255) / 256;
    const std::vector<TileId> tiles = HashTilesForSize(size);
    ASSERT_EQ(tiles.size(), expected) << size;
    for (const TileId& t : tiles) {
      uint64_t hashes = size;
      for (uint32_t l = 0; l < t.level; ++l) hashes /= 256;
      ASSERT_EQ(t.width, std::min<uint64_t>(256, hashes - t.index * 256)) << size;
    }
  }
}

TEST(TileTest, EntryBundlesFollowLevelZero) {
  EXPECT_TRUE(EntryBundlesForSize(0).empty());
  EXPECT_EQ(Paths(EntryBundlesForSize(1)), (std::vector<std::string>{"tile/entries/000.p/1"}));
  EXPECT_EQ(Paths(EntryBundlesForSize(256)), (std::vector<std::string>{"tile/entries/000"}));
  EXPECT_EQ(Paths(EntryBundlesForSize(513)),
            (std::vector<std::string>{"tile/entries/000", "tile/entries/001", "tile/entries/002.p/1"}));
  EXPECT_EQ(Summary(EntryBundlesForSize(70000)), "E:273+p112");
  for (uint64_t size : {1ull, 255ull, 256ull, 257ull, 70000ull}) {
    std::vector<TileId> level0;
    for (const TileId& t : HashTilesForSize(size)) {
      if (t.level == 0) level0.push_back({kEntriesLevel, t.index, t.width});
    }
    EXPECT_EQ(EntryBundlesForSize(size), level0) << size;
  }
}

// LocateNode against the definition: tile (L, N) hash i is the perfect node
// (8L, 256N + i), and a node at level 8L + r covers 2^r of them.
TEST(TileTest, LocateNodeMatchesNaiveComputation) {
  for (uint64_t size : {1ull, 2ull, 255ull, 256ull, 257ull, 511ull, 4097ull, 65535ull, 65536ull,
                        65537ull, 70000ull, 16777216ull + 12345ull}) {
    for (uint32_t level = 0; (size >> level) > 0; ++level) {
      const uint64_t nodes = size >> level;
      const uint64_t step = nodes > 600 ? nodes / 300 : 1;
      for (uint64_t index = 0; index < nodes; index += step) {
        const NodeLocation loc = LocateNode(level, index, size);
        const uint32_t tile_level = level / 8;
        // The leaf range the node covers, and the one the located hashes cover.
        const uint64_t first_leaf = index << level;
        const uint64_t span = uint64_t{1} << (8 * tile_level);
        const uint64_t located_first_leaf = (loc.tile.index * 256 + loc.first) * span;
        const uint64_t located_leaves = loc.count * span;
        ASSERT_EQ(loc.tile.level, tile_level);
        ASSERT_EQ(located_first_leaf, first_leaf) << size << " " << level << " " << index;
        ASSERT_EQ(located_leaves, uint64_t{1} << level);
        ASSERT_LE(loc.first + loc.count, loc.tile.width);
        // The tile is one that exists for this size.
        uint64_t hashes = size >> (8 * tile_level);
        ASSERT_EQ(loc.tile.width, std::min<uint64_t>(256, hashes - loc.tile.index * 256));
      }
    }
  }
  EXPECT_EQ(LocateNode(0, 300, 1000).tile, (TileId{0, 1, 256}));
  EXPECT_EQ(LocateNode(0, 300, 1000).first, 44u);
  EXPECT_EQ(LocateNode(0, 300, 1000).count, 1u);
  EXPECT_EQ(LocateNode(3, 5, 1000).tile, (TileId{0, 0, 256}));
  EXPECT_EQ(LocateNode(3, 5, 1000).first, 40u);
  EXPECT_EQ(LocateNode(3, 5, 1000).count, 8u);
  EXPECT_EQ(LocateNode(8, 2, 1000).tile, (TileId{1, 0, 3}));
  EXPECT_EQ(LocateNode(9, 0, 1000).tile, (TileId{1, 0, 3}));
  EXPECT_EQ(LocateNode(9, 0, 1000).count, 2u);
  EXPECT_EQ(LocateNode(0, 999, 1000).tile, (TileId{0, 3, 232}));
}

TEST(TileDeathTest, LocateNodeOutsideTheTreeAborts) {
  EXPECT_DEATH(LocateNode(0, 1000, 1000), "invariant violated");
  EXPECT_DEATH(LocateNode(4, 62, 1000), "invariant violated");
}

TEST(BundleTest, ParsesExactlyAndRejectsGarbage) {
  std::string b;
  AppendToBundle(&b, "ab");
  AppendToBundle(&b, "");
  AppendToBundle(&b, "cde");
  auto p = ParseBundle(b, 3);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0], "ab");
  EXPECT_EQ((*p)[1], "");
  EXPECT_EQ((*p)[2], "cde");
  EXPECT_FALSE(ParseBundle(b, 2).ok());
  EXPECT_FALSE(ParseBundle(b + "x", 3).ok());
  EXPECT_FALSE(ParseBundle(b.substr(0, b.size() - 1), 3).ok());
}

}  // namespace
}  // namespace lifeline::merkle
