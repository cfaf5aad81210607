#include "log/tree_state.h"

#include "base/check.h"

namespace lifeline::log {

using merkle::Hash;
using merkle::kTileWidth;
using store::TileData;

std::string TreeState::TileBytes(std::span<const Hash> hashes) {
  std::string s;
  s.reserve(hashes.size() * crypto::kHashSize);
  for (const Hash& h : hashes) s.append(reinterpret_cast<const char*>(h.data()), h.size());
  return s;
}

Result<TreeState> TreeState::Load(store::LogStore& store, uint64_t size) {
  TreeState t;
  t.size_ = size;
  uint64_t level_size = size;  // hashes at this level
  for (uint32_t level = 0; level_size > 0; ++level, level_size /= kTileWidth) {
    t.partial_.emplace_back();
    uint32_t w = static_cast<uint32_t>(level_size % kTileWidth);
    if (w == 0) continue;
    merkle::TileId id{level, level_size / kTileWidth, w};
    auto tile = store.ReadTile(level, id.index);
    if (!tile.ok()) {
      return CorruptionError("loading the tree of size " + std::to_string(size) + ": " +
                             merkle::TilePath(id) + ": " + tile.status().message());
    }
    if (tile->id.width < w || tile->data.size() != size_t{tile->id.width} * 32) {
      return CorruptionError("loading the tree of size " + std::to_string(size) + ": " +
                             merkle::TilePath(id) + " is stored with width " +
                             std::to_string(tile->id.width) + " and " + std::to_string(tile->data.size()) +
                             " bytes");
    }
    for (uint32_t i = 0; i < w; ++i) {
      t.partial_[level].push_back(crypto::HashFromBytes(std::string_view(tile->data).substr(i * 32, 32)));
    }
  }
  uint32_t bw = static_cast<uint32_t>(size % kTileWidth);
  if (bw > 0) {
    merkle::TileId id{merkle::kEntriesLevel, size / kTileWidth, bw};
    auto b = store.ReadTile(merkle::kEntriesLevel, id.index);
    if (!b.ok()) return CorruptionError("loading " + merkle::TilePath(id) + ": " + b.status().message());
    if (b->id.width < bw) {
      return CorruptionError(merkle::TilePath(id) + " is stored with width " + std::to_string(b->id.width));
    }
    auto parsed = merkle::ParseBundle(b->data, b->id.width);
    if (!parsed.ok()) return parsed.status().Annotate(merkle::TilePath(id));
    // The first bw entries: each is a 2-byte length and its bytes.
    size_t prefix = 0;
    for (uint32_t i = 0; i < bw; ++i) prefix += 2 + (*parsed)[i].size();
    b->data.resize(prefix);
    t.bundle_ = std::move(b->data);
    t.bundle_count_ = bw;
  }
  return t;
}

Hash TreeState::Root() const {
  if (size_ == 0) return merkle::EmptyRoot();
  // Perfect subtrees left to right: higher levels first, and within a
  // partial tile the binary decomposition of its width.
  std::vector<Hash> subtrees;
  for (size_t level = partial_.size(); level-- > 0;) {
    const auto& hs = partial_[level];
    size_t start = 0;
    for (int bit = 7; bit >= 0; --bit) {
      size_t n = size_t{1} << bit;
      if (hs.size() & n) {
        subtrees.push_back(merkle::RootFromLeafHashes(std::span<const Hash>(hs).subspan(start, n)));
        start += n;
      }
    }
  }
  Hash r = subtrees.back();
  for (size_t i = subtrees.size() - 1; i-- > 0;) r = merkle::NodeHash(subtrees[i], r);
  return r;
}

void TreeState::PushLeafHash(const Hash& leaf, std::vector<TileData>* changed, uint32_t* top_touched) {
  Hash h = leaf;
  uint32_t level = 0;
  uint64_t level_size = size_;  // hashes at `level` once h is pushed
  for (;; ++level, level_size /= kTileWidth) {
    if (partial_.size() <= level) partial_.resize(level + 1);
    if (level > *top_touched) *top_touched = level;
    auto& p = partial_[level];
    p.push_back(h);
    if (p.size() < kTileWidth) return;
    // The tile is full: it is final, and its root is a hash of the level above.
    changed->push_back(TileData{merkle::TileId{level, level_size / kTileWidth - 1, kTileWidth}, TileBytes(p)});
    h = merkle::RootFromLeafHashes(p);
    p.clear();
  }
}

void TreeState::AppendLeafHash(const Hash& leaf, std::vector<TileData>* changed) {
  ++size_;
  uint32_t top = 0;
  PushLeafHash(leaf, changed, &top);
}

void TreeState::FlushPartials(std::vector<TileData>* changed) const {
  uint64_t level_size = size_;
  for (uint32_t level = 0; level < partial_.size() && level_size > 0; ++level, level_size /= kTileWidth) {
    const auto& p = partial_[level];
    if (p.empty()) continue;
    changed->push_back(TileData{merkle::TileId{level, level_size / kTileWidth, static_cast<uint32_t>(p.size())},
                                TileBytes(p)});
  }
}

void TreeState::Append(std::span<const std::string> entries, std::vector<TileData>* changed) {
  if (entries.empty()) return;
  uint32_t top = 0;
  for (const std::string& e : entries) {
    merkle::AppendToBundle(&bundle_, e);
    ++bundle_count_;
    ++size_;
    if (bundle_count_ == kTileWidth) {
      changed->push_back(TileData{merkle::TileId{merkle::kEntriesLevel, size_ / kTileWidth - 1, kTileWidth},
                                  std::move(bundle_)});
      bundle_.clear();
      bundle_count_ = 0;
    }
    PushLeafHash(merkle::LeafHash(AsBytes(e)), changed, &top);
  }
  // The partial tiles of every level this batch reached changed; higher
  // levels did not.
  uint64_t level_size = size_;
  for (uint32_t level = 0; level <= top && level < partial_.size(); ++level, level_size /= kTileWidth) {
    const auto& p = partial_[level];
    if (p.empty()) continue;
    changed->push_back(TileData{merkle::TileId{level, level_size / kTileWidth, static_cast<uint32_t>(p.size())},
                                TileBytes(p)});
  }
  if (bundle_count_ > 0) {
    changed->push_back(TileData{merkle::TileId{merkle::kEntriesLevel, size_ / kTileWidth, bundle_count_}, bundle_});
  }
}

}  // namespace lifeline::log
