// C2SP tlog-tiles layout maths (https://c2sp.org/tlog-tiles). Pure.
//
// A tile at level L holds up to 256 consecutive hashes of tree level 8*L:
// hash i of tile (L, N) is the perfect node (level 8L, index 256*N + i).
// For a tree of size s, level L has floor(s / 256^L) hashes; they fill
// floor(s / 256^(L+1)) full tiles and one partial tile of width
// floor(s / 256^L) mod 256 when that is not zero. Levels continue while
// floor(s / 256^L) > 0. Entry bundles follow the level-0 tiles.
//
// Paths: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>], with <N> in
// 3-digit groups, "x" before all but the last (1234067 -> x001/x234/067).
#ifndef LIFELINE_MERKLE_TILE_H_
#define LIFELINE_MERKLE_TILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lifeline::merkle {

inline constexpr uint32_t kTileHeight = 8;
inline constexpr uint32_t kTileWidth = 256;  // 1 << kTileHeight
inline constexpr uint64_t kMaxEntrySize = 65535;  // uint16 length prefix in bundles

// Level kEntriesLevel marks an entry bundle rather than a hash tile.
inline constexpr uint32_t kEntriesLevel = 0xffffffff;

struct TileId {
  uint32_t level = 0;   // hash tile level, or kEntriesLevel
  uint64_t index = 0;   // N
  uint32_t width = kTileWidth;  // 1..256; 256 means full

  bool is_full() const { return width == kTileWidth; }
  bool is_entries() const { return level == kEntriesLevel; }
  friend bool operator==(const TileId&, const TileId&) = default;
};

// "x001/x234/067" for 1234067.
std::string TileIndexPath(uint64_t index);

// "tile/0/x001/234.p/17", "tile/entries/000".
std::string TilePath(const TileId& id);

// Parses a path produced by TilePath (strictly: no zero-padding beyond three
// digits, widths 1..255 in .p/). InvalidArgument naming the problem otherwise.
Result<TileId> ParseTilePath(std::string_view path);

// Entry bundles (tile/entries/...): each entry as a uint16 big-endian length
// and its bytes, nothing else.
// Appends `entry` to `bundle`. Aborts if the entry exceeds kMaxEntrySize.
void AppendToBundle(std::string* bundle, std::string_view entry);

// Splits a bundle into its entries (views into `bundle`). Corruption unless it
// holds exactly `width` well-formed entries and nothing else.
Result<std::vector<std::string_view>> ParseBundle(std::string_view bundle, uint32_t width);

// Every hash tile of a tree of `size` leaves (full and partial, all levels),
// level 0 first, in index order within a level. About size / 255 entries.
std::vector<TileId> HashTilesForSize(uint64_t size);

// Every entry bundle of a log of `size` entries.
std::vector<TileId> EntryBundlesForSize(uint64_t size);

// The tile (at level node_level / 8 of a tree of `size`) that holds, or from
// which can be computed, the perfect node (node_level, node_index); the
// node's hash is MTH of hashes [first, first + count) of that tile, where
// `first` and `count` are returned. Precondition: the node is inside size.
struct NodeLocation {
  TileId tile;
  uint32_t first = 0;
  uint32_t count = 0;
};
NodeLocation LocateNode(uint32_t node_level, uint64_t node_index, uint64_t size);

}  // namespace lifeline::merkle

#endif  // LIFELINE_MERKLE_TILE_H_
