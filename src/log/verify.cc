#include "log/verify.h"

#include <map>
#include <vector>

#include "log/tree_state.h"
#include "merkle/tile.h"
#include "note/checkpoint.h"

namespace lifeline::log {
namespace {

using merkle::Hash;
using merkle::kTileWidth;
using merkle::TileId;
using merkle::TilePath;

std::string HashAt(std::string_view tile, size_t i) {
  return Base64Encode(AsBytes(tile.substr(i * 32, 32)));
}

// Compares a recomputed tile with the stored one; names the first differing
// hash. For level 0 a difference means an entry or the tile was altered; the
// caller knows which entries the tile covers.
Status CompareTile(store::LogStore& store, const store::TileData& want, uint64_t* compared) {
  auto got = store.ReadTile(want.id.level, want.id.index);
  if (!got.ok()) {
    if (got.status().code() == ErrorCode::kNotFound) {
      return CorruptionError(TilePath(want.id) + ": missing from the store");
    }
    return got.status().Annotate("reading " + TilePath(want.id));
  }
  ++*compared;
  if (got->id.width != want.id.width) {
    return CorruptionError(TilePath(want.id) + ": stored with width " + std::to_string(got->id.width) +
                           ", the log's size gives " + std::to_string(want.id.width));
  }
  if (got->data.size() != want.data.size()) {
    return CorruptionError(TilePath(want.id) + ": stored with " + std::to_string(got->data.size()) +
                           " bytes, expected " + std::to_string(want.data.size()));
  }
  for (size_t i = 0; i < want.id.width; ++i) {
    if (std::string_view(got->data).substr(i * 32, 32) != std::string_view(want.data).substr(i * 32, 32)) {
      std::string what = TilePath(want.id) + ": hash " + std::to_string(i) + " is " + HashAt(got->data, i) +
                         " but recomputes to " + HashAt(want.data, i);
      if (want.id.level == 0) {
        uint64_t entry = want.id.index * kTileWidth + i;
        what += " (entry " + std::to_string(entry) + " in " +
                TilePath(TileId{merkle::kEntriesLevel, want.id.index, want.id.width}) +
                " or this tile was altered)";
      }
      return CorruptionError(what);
    }
  }
  return Status::Ok();
}

// Compares the leaf hashes of bundle `b` with the stored tile/0/<b>, which
// must have exactly as many hashes as the bundle has entries; a difference
// names the entry. This is the one read of each level-0 tile.
Status CompareLeaves(store::LogStore& store, uint64_t b, const std::vector<Hash>& leaves, uint64_t* compared) {
  TileId tid{0, b, static_cast<uint32_t>(leaves.size())};
  auto got = store.ReadTile(0, b);
  if (!got.ok()) {
    if (got.status().code() == ErrorCode::kNotFound) return CorruptionError(TilePath(tid) + ": missing from the store");
    return got.status().Annotate("reading " + TilePath(tid));
  }
  ++*compared;
  if (got->id.width != leaves.size() || got->data.size() != leaves.size() * 32) {
    return CorruptionError(TilePath(tid) + ": stored with width " + std::to_string(got->id.width) + " and " +
                           std::to_string(got->data.size()) + " bytes; the log's size needs " +
                           std::to_string(leaves.size()) + " hashes");
  }
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::string_view stored = std::string_view(got->data).substr(i * 32, 32);
    if (stored != AsChars(leaves[i])) {
      uint64_t entry = b * kTileWidth + i;
      return CorruptionError("entry " + std::to_string(entry) + " (in " +
                             TilePath(TileId{merkle::kEntriesLevel, b, tid.width}) + ") hashes to " +
                             Base64Encode(leaves[i]) + " but " + TilePath(tid) + " hash " + std::to_string(i) +
                             " is " + HashAt(got->data, i) + ": the entry or the tile was altered");
    }
  }
  return Status::Ok();
}

struct HistoryItem {
  uint64_t seq;
  uint64_t size;
  Hash root;
};

}  // namespace

Result<VerifyReport> VerifyLog(store::LogStore& store, const note::Verifier& key, const ProgressFn& progress) {
  VerifyReport rep;
  // 0. The store's own record of its origin must be the key's name, or no
  // writer could open it (a tiles directory has no such record).
  auto origin = store.GetMeta("origin");
  if (origin.ok() && *origin != key.name()) {
    return CorruptionError("the store's meta table names the origin \"" + *origin + "\", not the log key's name \"" +
                           key.name() + "\"");
  }
  if (!origin.ok() && origin.status().code() != ErrorCode::kNotFound) return origin.status().Annotate("reading the origin");
  // 1. Every checkpoint: signature, origin, stored size, monotonic sizes.
  std::vector<HistoryItem> history;
  uint64_t seq = 0;
  Status s = store.ForEachCheckpoint([&](const store::StoredCheckpoint& cp) -> Status {
    ++seq;
    std::string name = "checkpoint #" + std::to_string(seq) + " (size " + std::to_string(cp.size) + ")";
    auto opened = note::OpenCheckpoint(cp.note, key);
    if (!opened.ok()) return VerificationFailedError(name + ": " + opened.status().message());
    if (opened->checkpoint.size != cp.size) {
      return CorruptionError(name + ": its body says size " + std::to_string(opened->checkpoint.size));
    }
    if (!history.empty() && cp.size < history.back().size) {
      return VerificationFailedError(name + ": smaller than checkpoint #" + std::to_string(history.back().seq) +
                                     " (size " + std::to_string(history.back().size) + ")");
    }
    history.push_back(HistoryItem{seq, cp.size, opened->checkpoint.root});
    return Status::Ok();
  });
  LIFELINE_RETURN_IF_ERROR(s);
  if (history.empty()) return CorruptionError("the store holds no checkpoint");
  rep.checkpoints = history.size();
  const uint64_t size = history.back().size;
  rep.size = size;
  rep.root_base64 = Base64Encode(history.back().root);

  // 2. Rebuild the tree from the entries, comparing every full tile as it
  // completes and every checkpoint's root when the tree reaches its size.
  TreeState tree;
  size_t next_cp = 0;
  auto check_roots = [&]() -> Status {
    while (next_cp < history.size() && history[next_cp].size == tree.size()) {
      Hash r = tree.Root();
      if (r != history[next_cp].root) {
        return VerificationFailedError("checkpoint #" + std::to_string(history[next_cp].seq) + " (size " +
                                       std::to_string(tree.size()) + "): root " +
                                       Base64Encode(history[next_cp].root) + " but the entries give " +
                                       Base64Encode(r));
      }
      ++next_cp;
    }
    return Status::Ok();
  };
  LIFELINE_RETURN_IF_ERROR(check_roots());
  std::vector<store::TileData> changed;
  for (uint64_t b = 0; b * kTileWidth < size; ++b) {
    uint32_t w = static_cast<uint32_t>(std::min<uint64_t>(kTileWidth, size - b * kTileWidth));
    TileId bid{merkle::kEntriesLevel, b, w};
    auto bundle = store.ReadTile(merkle::kEntriesLevel, b);
    if (!bundle.ok()) {
      if (bundle.status().code() == ErrorCode::kNotFound) {
        return CorruptionError(TilePath(bid) + ": missing from the store");
      }
      return bundle.status().Annotate("reading " + TilePath(bid));
    }
    if (bundle->id.width != w) {
      return CorruptionError(TilePath(bid) + ": stored with width " + std::to_string(bundle->id.width) +
                             ", the log's size gives " + std::to_string(w));
    }
    auto entries = merkle::ParseBundle(bundle->data, w);
    if (!entries.ok()) return entries.status().Annotate(TilePath(bid));
    // Leaf hashes first, against the stored level-0 tile, so that an
    // altered entry is named before any root it changes is compared.
    std::vector<Hash> leaves;
    leaves.reserve(w);
    for (std::string_view e : *entries) leaves.push_back(merkle::LeafHash(AsBytes(e)));
    LIFELINE_RETURN_IF_ERROR(CompareLeaves(store, b, leaves, &rep.tiles));
    for (const Hash& leaf : leaves) {
      changed.clear();
      tree.AppendLeafHash(leaf, &changed);
      for (const auto& t : changed) {
        if (t.id.level > 0) LIFELINE_RETURN_IF_ERROR(CompareTile(store, t, &rep.tiles));  // level 0: above
      }
      LIFELINE_RETURN_IF_ERROR(check_roots());
    }
    rep.entries += w;
    if (progress && (b % 64 == 0 || rep.entries == size)) progress(rep.entries, size);
  }
  changed.clear();
  tree.FlushPartials(&changed);
  for (const auto& t : changed) {
    if (t.id.level > 0) LIFELINE_RETURN_IF_ERROR(CompareTile(store, t, &rep.tiles));
  }
  if (next_cp != history.size()) {
    return InternalError("checkpoint #" + std::to_string(history[next_cp].seq) + " was not reached");
  }
  if (progress) progress(size, size);
  return rep;
}

}  // namespace lifeline::log
