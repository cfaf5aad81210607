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

// Full tiles by path ("tile/0/001", "tile/entries/x001/002"), each with the
// anonymous answer for it once one was sent from the event thread (the
// same bytes and headers, made once). Thread-safe.
class TileCache {
 public:
  using Bytes = std::shared_ptr<const std::string>;
  static constexpr size_t kEntries = 8192;
  struct Entry {
    Bytes data;
    std::shared_ptr<const http::Prepared> answer;  // null until first sent by FastTile
  };

  // The entry for `path`; data is null when the tile is not cached.
  Entry Find(const std::string& path);
  void Insert(const std::string& path, Bytes data);
  // Keeps `answer` with the tile, if it is still cached.
  void KeepAnswer(const std::string& path, std::shared_ptr<const http::Prepared> answer);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> tiles_;
};

// The response for a tile's bytes: its Cache-Control (a full tile is
// immutable) and the bytes themselves, shared, not copied.
void SendTile(http::Response& res, const merkle::TileId& id, const TileCache::Bytes& data);

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_TILES_H_
