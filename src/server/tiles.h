// The log's tiles (C2SP tlog-tiles) as served: full tiles never change, so
// they are kept in memory once read (at most kEntries, any one evicted when
// full) and answered from there, from the event thread itself when no
// access check needs the store (see FastTile). Partial tiles are read from
// the store each time.
#ifndef LIFELINE_SERVER_TILES_H_
#define LIFELINE_SERVER_TILES_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "merkle/tile.h"
#include "server/http.h"

namespace lifeline::server {

// Full tiles by path ("tile/0/001", "tile/entries/x001/002"). Thread-safe.
class TileCache {
 public:
  using Bytes = std::shared_ptr<const std::string>;
  static constexpr size_t kEntries = 8192;

  // The tile's bytes, or null when it is not cached.
  Bytes Find(const std::string& path);
  void Insert(const std::string& path, Bytes data);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Bytes> tiles_;
};

// The response for a tile's bytes: its Cache-Control (a full tile is
// immutable) and the bytes themselves, shared, not copied.
void SendTile(http::Response& res, const merkle::TileId& id, const TileCache::Bytes& data);

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_TILES_H_
