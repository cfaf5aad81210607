#include "log/export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "log/reader.h"
#include "merkle/tile.h"

namespace lifeline::log {

Status WriteFileAtomically(const std::string& path, std::string_view data, bool sync) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return IoError("creating " + p.parent_path().string() + ": " + ec.message());
  }
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("creating " + tmp, errno);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return ErrnoError("writing " + tmp, err);
    }
    off += static_cast<size_t>(n);
  }
  if (sync && fsync(fd) != 0) {
    int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return ErrnoError("syncing " + tmp, err);
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("renaming " + tmp + " to " + path, err);
  }
  return Status::Ok();
}

Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir, const ProgressFn& progress) {
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint cp, store.LatestCheckpoint());
  ExportReport rep;
  rep.size = cp.size;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("creating " + dir + ": " + ec.message());
  std::vector<merkle::TileId> tiles = merkle::HashTilesForSize(cp.size);
  std::vector<merkle::TileId> bundles = merkle::EntryBundlesForSize(cp.size);
  tiles.insert(tiles.end(), bundles.begin(), bundles.end());
  LogReader reader(&store);
  uint64_t total = tiles.size() + 1;
  for (const auto& t : tiles) {
    LIFELINE_ASSIGN_OR_RETURN(std::string data, reader.TileAt(t));
    std::string path = dir + "/" + merkle::TilePath(t);
    LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(path, data, /*sync=*/false));
    ++rep.files;
    rep.bytes += data.size();
    if (progress && rep.files % 256 == 0) progress(rep.files, total);
  }
  // Make the tiles durable with one syncfs rather than an fsync each.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoError("opening " + dir, errno);
  int rc = syncfs(dfd);
  int err = errno;
  close(dfd);
  if (rc != 0) return ErrnoError("syncing " + dir, err);
  // Last: the checkpoint, once everything it commits to is in place.
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/checkpoint", cp.note));
  ++rep.files;
  rep.bytes += cp.note.size();
  if (progress) progress(rep.files, total);
  return rep;
}

Status WriteFileDurably(const std::string& path, std::string_view data) {
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(path, data, /*sync=*/true));
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening directory " + dir, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return ErrnoError("syncing directory " + dir, err);
  return Status::Ok();
}

}  // namespace lifeline::log
