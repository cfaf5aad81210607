#include "server/tiles.h"

#include <cstdint>
#include <optional>

#include "log/reader.h"
#include "server/handlers.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

// The tree size tile `id` needs (its last leaf's index plus one), or nullopt
// when that does not fit in 64 bits (a path no log of this world reaches).
std::optional<uint64_t> TreeSizeFor(const merkle::TileId& id) {
  const uint32_t shift = id.is_entries() ? 0 : id.level * 8;
  if (shift >= 64) return std::nullopt;
  const uint64_t most = UINT64_MAX >> shift;
  if (id.index > (most - id.width) / merkle::kTileWidth) return std::nullopt;
  return (id.index * merkle::kTileWidth + id.width) << shift;
}

}  // namespace

TileCache::Entry TileCache::Find(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tiles_.find(path);
  return it == tiles_.end() ? Entry{} : it->second;
}

void TileCache::Insert(const std::string& path, Bytes data) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tiles_.size() >= kEntries) tiles_.erase(tiles_.begin());
  tiles_.emplace(path, Entry{std::move(data), nullptr});
}

void TileCache::KeepAnswer(const std::string& path, std::shared_ptr<const http::Prepared> answer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tiles_.find(path);
  if (it != tiles_.end() && !it->second.answer) it->second.answer = std::move(answer);
}

void SendTile(http::Response& res, const merkle::TileId& id, const TileCache::Bytes& data) {
  // A full tile never changes; a partial one is replaced by a wider one
  // as the log grows, but its own bytes never change either.
  res.set_header("Cache-Control", id.is_full() ? "public, max-age=31536000, immutable" : "public, max-age=60");
  // Written straight from the cached bytes, which the response keeps
  // alive: no copy of the tile (up to ~77 KiB for a bundle) per request.
  res.set_shared_content(data, "application/octet-stream");
}

void GetTile(Context& c, const http::Request& req, http::Response& res, const Principal&) {
  std::string path = "tile/" + std::string(req.matches[1]);
  auto id = merkle::ParseTilePath(path);
  if (!id.ok()) return SendError(res, 404, "not a tile path: " + id.status().message());
  if (id->is_full()) {
    if (auto hit = c.tiles.Find(path); hit.data) return SendTile(res, *id, hit.data);
  }
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  // Only tiles of the latest checkpoint's tree exist (a full tile whose
  // last hash is not in the tree yet is not found, not an error).
  auto cp = (*st)->LatestCheckpoint();
  if (!cp.ok()) return SendStatus(res, cp.status());
  const uint64_t have = id->is_entries() ? cp->size : (id->level * 8 >= 64 ? 0 : cp->size >> (id->level * 8));
  if (id->index > (have / merkle::kTileWidth) || id->index * merkle::kTileWidth + id->width > have) {
    // A replica that has not replayed the tree this tile needs says so.
    if (auto need = TreeSizeFor(*id); need && ReplicaBehind(c, *need, cp->size, res)) return;
    return SendError(res, 404, "no such tile in the tree of size " + std::to_string(cp->size) + ": " + path);
  }
  log::LogReader reader(&**st);
  auto data = reader.TileAt(*id);
  if (!data.ok()) {
    if (data.status().code() == ErrorCode::kNotFound) return SendError(res, 404, "no such tile: " + path);
    return SendStatus(res, data.status());
  }
  auto shared = std::make_shared<const std::string>(std::move(*data));
  if (id->is_full()) c.tiles.Insert(path, shared);
  SendTile(res, *id, shared);
}

bool FastTile(Context& c, const http::Request& req, http::Response& res) {
  if (c.opt.private_log || (req.method != "GET" && req.method != "HEAD") || req.has_header("Authorization") ||
      req.path.rfind("/tile/", 0) != 0) {
    return false;
  }
  if (req.path.rfind("/tile/entries/", 0) == 0 && c.gate.LogHidesCasesCached()) return false;
  std::string path = req.path.substr(1);
  auto hit = c.tiles.Find(path);
  if (!hit.data) return false;
  // The same answer for every anonymous request of the tile: made on the
  // first one, then sent as it is.
  if (hit.answer) {
    res.prepared = std::move(hit.answer);
    return true;
  }
  auto id = merkle::ParseTilePath(path);
  if (!id.ok()) return false;
  SendTile(res, *id, hit.data);
  res.keep_prepared = [&c, path](std::shared_ptr<const http::Prepared> p) { c.tiles.KeepAnswer(path, std::move(p)); };
  return true;
}

}  // namespace lifeline::server
