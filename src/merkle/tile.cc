#include "merkle/tile.h"

#include <algorithm>
#include <array>
#include <bit>

#include "base/bytes.h"
#include "base/check.h"

namespace lifeline::merkle {
namespace {

// Tile levels are 0..63 per tlog-tiles, though a tree of at most 2^64
// leaves only ever has levels 0..7.
constexpr uint64_t kMaxTileLevel = 63;

void AppendThreeDigits(std::string* out, uint64_t v) {
  out->push_back(static_cast<char>('0' + v / 100));
  out->push_back(static_cast<char>('0' + v / 10 % 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

bool IsThreeDigits(std::string_view s) {
  return s.size() == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
         s[2] >= '0' && s[2] <= '9';
}

// Number of hashes at tile level `level` of a tree of `size` leaves.
uint64_t HashesAtTileLevel(uint64_t size, uint32_t level) {
  return level >= 8 ? 0 : size >> (kTileHeight * level);
}

void AppendTilesOfLevel(uint32_t level, uint64_t hashes, std::vector<TileId>* out) {
  for (uint64_t n = 0; n < hashes / kTileWidth; ++n) out->push_back(TileId{level, n, kTileWidth});
  if (const uint64_t w = hashes % kTileWidth; w != 0) {
    out->push_back(TileId{level, hashes / kTileWidth, static_cast<uint32_t>(w)});
  }
}

}  // namespace

std::string TileIndexPath(uint64_t index) {
  // Least significant group first; a uint64 has at most 20 digits, 7 groups.
  std::array<uint64_t, 7> groups;
  size_t count = 0;
  do {
    groups[count++] = index % 1000;
    index /= 1000;
  } while (index != 0);
  std::string out;
  out.reserve(count * 5);
  for (size_t i = count; i-- > 0;) {
    if (i != 0) out.push_back('x');
    AppendThreeDigits(&out, groups[i]);
    if (i != 0) out.push_back('/');
  }
  return out;
}

std::string TilePath(const TileId& id) {
  LIFELINE_CHECK(id.width >= 1 && id.width <= kTileWidth, "tile width must be 1..256");
  std::string out = "tile/";
  out += id.is_entries() ? std::string("entries") : std::to_string(id.level);
  out.push_back('/');
  out += TileIndexPath(id.index);
  if (!id.is_full()) {
    out += ".p/";
    out += std::to_string(id.width);
  }
  return out;
}

Result<TileId> ParseTilePath(std::string_view path) {
  auto fail = [path](std::string why) {
    return InvalidArgumentError("tile path \"" + std::string(path) + "\": " + why);
  };
  constexpr std::string_view kPrefix = "tile/";
  if (!path.starts_with(kPrefix)) return fail("does not start with tile/");
  std::string_view rest = path.substr(kPrefix.size());

  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return fail("has no tile index");
  const std::string_view level_text = rest.substr(0, slash);
  rest = rest.substr(slash + 1);
  TileId id;
  if (level_text == "entries") {
    id.level = kEntriesLevel;
  } else {
    Result<uint64_t> level = ParseDecimal(level_text, "level", kMaxTileLevel);
    if (!level.ok()) return fail(level.status().message());
    id.level = static_cast<uint32_t>(*level);
  }

  // The first ".p/" ends the index: any later one makes the width text fail.
  if (const size_t p = rest.find(".p/"); p != std::string_view::npos) {
    Result<uint64_t> width = ParseDecimal(rest.substr(p + 3), "partial width", kTileWidth - 1);
    if (!width.ok()) return fail(width.status().message());
    if (*width == 0) return fail("partial width 0");
    id.width = static_cast<uint32_t>(*width);
    rest = rest.substr(0, p);
  }

  // Index groups: "xDDD/" for all but the last, "DDD" last; no group of
  // zeros in front, so each index has exactly one path.
  uint64_t index = 0;
  bool first = true;
  while (true) {
    const size_t next = rest.find('/');
    const bool last = next == std::string_view::npos;
    std::string_view group = last ? rest : rest.substr(0, next);
    if (!last) {
      if (!group.starts_with('x')) return fail("index group \"" + std::string(group) + "\" lacks its x");
      group.remove_prefix(1);
    }
    if (!IsThreeDigits(group)) {
      return fail("index group \"" + std::string(group) + "\" is not three digits");
    }
    const uint64_t d = static_cast<uint64_t>(group[0] - '0') * 100 +
                       static_cast<uint64_t>(group[1] - '0') * 10 +
                       static_cast<uint64_t>(group[2] - '0');
    if (first && !last && d == 0) return fail("index has a leading group of zeros");
    if (index > (UINT64_MAX - d) / 1000) return fail("index does not fit in 64 bits");
    index = index * 1000 + d;
    first = false;
    if (last) break;
    rest = rest.substr(next + 1);
  }
  id.index = index;
  // Belt and braces: the rules above are meant to accept exactly TilePath's
  // output; a mismatch here is a bug in one or the other.
  if (TilePath(id) != path) return fail("is not in canonical form");
  return id;
}

std::vector<TileId> HashTilesForSize(uint64_t size) {
  std::vector<TileId> tiles;
  for (uint32_t level = 0;; ++level) {
    const uint64_t hashes = HashesAtTileLevel(size, level);
    if (hashes == 0) break;
    AppendTilesOfLevel(level, hashes, &tiles);
  }
  return tiles;
}

std::vector<TileId> EntryBundlesForSize(uint64_t size) {
  std::vector<TileId> bundles;
  AppendTilesOfLevel(kEntriesLevel, size, &bundles);
  return bundles;
}

// The node covers hashes [node_index << r, (node_index + 1) << r) of tile
// level L = node_level / 8, r = node_level % 8; those 2^r hashes are aligned
// to 2^r, so they never straddle two tiles.
NodeLocation LocateNode(uint32_t node_level, uint64_t node_index, uint64_t size) {
  LIFELINE_CHECK(node_level < 64, "node level must be below 64");
  LIFELINE_CHECK(node_index < (size >> node_level), "node must lie inside the tree");
  const uint32_t tile_level = node_level / kTileHeight;
  const uint32_t r = node_level % kTileHeight;
  const uint64_t first_hash = node_index << r;  // at tile level tile_level
  const uint64_t tile_index = first_hash / kTileWidth;
  const uint64_t hashes = HashesAtTileLevel(size, tile_level);
  const uint64_t width = std::min<uint64_t>(kTileWidth, hashes - tile_index * kTileWidth);
  NodeLocation loc;
  loc.tile = TileId{tile_level, tile_index, static_cast<uint32_t>(width)};
  loc.first = static_cast<uint32_t>(first_hash % kTileWidth);
  loc.count = uint32_t{1} << r;
  return loc;
}

void AppendToBundle(std::string* bundle, std::string_view entry) {
  LIFELINE_CHECK(entry.size() <= merkle::kMaxEntrySize, "entry larger than a bundle can hold");
  PutBigEndian16(bundle, static_cast<uint16_t>(entry.size()));
  bundle->append(entry);
}

Result<std::vector<std::string_view>> ParseBundle(std::string_view bundle, uint32_t width) {
  std::vector<std::string_view> out;
  out.reserve(width);
  size_t pos = 0;
  while (pos < bundle.size()) {
    if (bundle.size() - pos < 2) {
      return CorruptionError("bundle ends inside the length of entry " + std::to_string(out.size()));
    }
    size_t n = (static_cast<uint8_t>(bundle[pos]) << 8) | static_cast<uint8_t>(bundle[pos + 1]);
    pos += 2;
    if (bundle.size() - pos < n) {
      return CorruptionError("entry " + std::to_string(out.size()) + " of the bundle claims " +
                             std::to_string(n) + " bytes; only " + std::to_string(bundle.size() - pos) +
                             " remain");
    }
    out.push_back(bundle.substr(pos, n));
    pos += n;
  }
  if (out.size() != width) {
    return CorruptionError("bundle holds " + std::to_string(out.size()) + " entries, expected " +
                           std::to_string(width));
  }
  return out;
}

}  // namespace lifeline::merkle
