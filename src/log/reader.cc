#include "log/reader.h"

#include "log/tree_state.h"

namespace lifeline::log {

using merkle::Hash;

void LogReader::SetOverlay(const std::vector<store::TileData>* overlay) { overlay_ = overlay; }

Result<const store::TileData*> LogReader::Fetch(uint32_t level, uint64_t index, uint32_t min_width) {
  if (overlay_ != nullptr) {
    // The last write of a key in a commit is the widest one.
    for (auto it = overlay_->rbegin(); it != overlay_->rend(); ++it) {
      if (it->id.level == level && it->id.index == index) return &*it;
    }
  }
  auto key = std::make_pair(level, index);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second.id.width >= min_width) return &it->second;
    cache_.erase(it);
  }
  LIFELINE_ASSIGN_OR_RETURN(store::TileData t, store_->ReadTile(level, index));
  if (cache_.size() >= 64) cache_.clear();
  return &cache_.insert_or_assign(key, std::move(t)).first->second;
}

Result<std::string> LogReader::TileAt(const merkle::TileId& tile) {
  LIFELINE_ASSIGN_OR_RETURN(const store::TileData* t, Fetch(tile.level, tile.index, tile.width));
  if (t->id.width < tile.width) {
    return CorruptionError(merkle::TilePath(tile) + " is needed but only width " +
                           std::to_string(t->id.width) + " is stored");
  }
  if (tile.is_entries()) {
    if (t->id.width == tile.width) {
      LIFELINE_RETURN_IF_ERROR(merkle::ParseBundle(t->data, tile.width).status().Annotate(merkle::TilePath(tile)));
      return t->data;
    }
    LIFELINE_ASSIGN_OR_RETURN(auto entries, merkle::ParseBundle(t->data, t->id.width));
    std::string out;
    for (uint32_t i = 0; i < tile.width; ++i) merkle::AppendToBundle(&out, entries[i]);
    return out;
  }
  if (t->data.size() != size_t{t->id.width} * 32) {
    return CorruptionError(merkle::TilePath(t->id) + " holds " + std::to_string(t->data.size()) +
                           " bytes, not " + std::to_string(t->id.width) + " hashes");
  }
  return t->data.substr(0, size_t{tile.width} * 32);
}

Result<Hash> LogReader::Node(uint32_t level, uint64_t index, uint64_t size) {
  merkle::NodeLocation loc = merkle::LocateNode(level, index, size);
  LIFELINE_ASSIGN_OR_RETURN(const store::TileData* t, Fetch(loc.tile.level, loc.tile.index, loc.first + loc.count));
  if (t->id.width < loc.first + loc.count || t->data.size() < size_t{t->id.width} * 32) {
    return CorruptionError("node " + std::to_string(level) + "/" + std::to_string(index) + " needs " +
                           merkle::TilePath(loc.tile) + " up to hash " + std::to_string(loc.first + loc.count) +
                           "; stored width is " + std::to_string(t->id.width));
  }
  std::vector<Hash> hs(loc.count);
  for (uint32_t i = 0; i < loc.count; ++i) {
    hs[i] = crypto::HashFromBytes(std::string_view(t->data).substr((loc.first + i) * 32, 32));
  }
  return merkle::RootFromLeafHashes(hs);
}

merkle::NodeReader LogReader::NodesOf(uint64_t size) {
  return [this, size](uint32_t level, uint64_t index) { return Node(level, index, size); };
}

Result<Hash> LogReader::Root(uint64_t size) { return merkle::TreeRoot(size, NodesOf(size)); }

Result<std::vector<Hash>> LogReader::InclusionProof(uint64_t index, uint64_t size) {
  return merkle::InclusionProof(index, size, NodesOf(size));
}

Result<std::vector<Hash>> LogReader::ConsistencyProof(uint64_t size1, uint64_t size2) {
  return merkle::ConsistencyProof(size1, size2, NodesOf(size2));
}

Result<std::string> LogReader::Entry(uint64_t index) {
  uint64_t bundle = index / merkle::kTileWidth;
  LIFELINE_ASSIGN_OR_RETURN(const store::TileData* t, Fetch(merkle::kEntriesLevel, bundle, static_cast<uint32_t>(index % merkle::kTileWidth) + 1));
  auto entries = merkle::ParseBundle(t->data, t->id.width);
  if (!entries.ok()) return entries.status().Annotate(merkle::TilePath(t->id));
  uint64_t i = index % merkle::kTileWidth;
  if (i >= entries->size()) return NotFoundError("entry " + std::to_string(index) + " is not in the log");
  return std::string((*entries)[i]);
}

}  // namespace lifeline::log
