#include "evidence/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <map>

#include "base/file.h"
#include "crypto/sha256.h"

namespace lifeline::evidence {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 1 << 20;

bool IsSha256Name(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads `fd` to the end, feeding `sink`; returns the byte count.
Result<uint64_t> Stream(int fd, const std::string& name, crypto::Sha256Stream* hash,
                        const std::function<Status(const char*, size_t)>& sink,
                        const std::function<void(uint64_t)>& progress) {
  std::vector<char> buf(kChunk);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("reading " + name, errno);
    }
    if (n == 0) return total;
    hash->Update(ByteSpan(reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(n)));
    if (sink) LIFELINE_RETURN_IF_ERROR(sink(buf.data(), static_cast<size_t>(n)));
    total += static_cast<uint64_t>(n);
    if (progress) progress(total);
  }
}

}  // namespace

std::string MediaTypeOf(const std::string& file_name) {
  static const std::map<std::string, std::string> kTypes = {
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"},       {".gif", "image/gif"},
      {".webp", "image/webp"}, {".mp4", "video/mp4"},  {".mov", "video/quicktime"}, {".pdf", "application/pdf"},
      {".txt", "text/plain"}, {".html", "text/html"},  {".json", "application/json"}, {".csv", "text/csv"},
      {".mp3", "audio/mpeg"}, {".wav", "audio/wav"},   {".zip", "application/zip"},  {".3gpp", "audio/3gpp"},
      {".m4a", "audio/mp4"},  {".amr", "audio/amr"}};
  std::string ext = std::filesystem::path(file_name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string BlobStore::PathOf(const std::string& sha256) const {
  return dir_ + "/sha256/" + sha256.substr(0, 2) + "/" + sha256;
}

bool BlobStore::Has(const std::string& sha256) const {
  std::error_code ec;
  return fs::is_regular_file(PathOf(sha256), ec);
}

Status BlobStore::Remove(const std::string& sha256) {
  if (!IsSha256Name(sha256)) return InvalidArgumentError("\"" + sha256 + "\" is not a SHA-256 (64 lowercase hex digits)");
  const std::string path = PathOf(sha256);
  if (unlink(path.c_str()) != 0) return errno == ENOENT ? Status::Ok() : ErrnoError("removing " + path, errno);
  return SyncDirectory(fs::path(path).parent_path().string());
}

Result<BlobInfo> BlobStore::HashFile(const std::string& path, const std::function<void(uint64_t)>& progress) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + " does not exist");
    return ErrnoError("opening " + path, errno);
  }
  crypto::Sha256Stream h;
  auto n = Stream(fd, path, &h, nullptr, progress);
  close(fd);
  if (!n.ok()) return n.status();
  crypto::Hash d = h.Finish();
  return BlobInfo{HexEncode(d), *n, false};
}

Result<BlobInfo> BlobStore::Add(const std::string& path, const std::function<void(uint64_t)>& progress) {
  int in = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (errno == ENOENT) return NotFoundError(path + " does not exist");
    return ErrnoError("opening " + path, errno);
  }
  struct stat st;
  if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(in);
    return InvalidArgumentError(path + " is not a regular file");
  }
  std::error_code ec;
  fs::create_directories(dir_ + "/tmp", ec);
  if (ec) {
    close(in);
    return IoError("creating " + dir_ + "/tmp: " + ec.message());
  }
  static std::atomic<uint64_t> counter{0};
  std::string tmp = dir_ + "/tmp/" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  int out = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);  // evidence: the owner reads it, no one writes
  if (out < 0) {
    int err = errno;
    close(in);
    return ErrnoError("creating " + tmp, err);
  }
  auto cleanup = [&](Status s) {
    close(out);
    unlink(tmp.c_str());
    return s;
  };
  crypto::Sha256Stream h;
  auto n = Stream(in, path, &h,
                  [&](const char* p, size_t len) -> Status {
                    while (len > 0) {
                      ssize_t w = write(out, p, len);
                      if (w < 0) {
                        if (errno == EINTR) continue;
                        return ErrnoError("writing " + tmp, errno);
                      }
                      p += w;
                      len -= static_cast<size_t>(w);
                    }
                    return Status::Ok();
                  },
                  progress);
  close(in);
  if (!n.ok()) return cleanup(n.status());
  if (fsync(out) != 0) return cleanup(ErrnoError("syncing " + tmp, errno));
  close(out);
  std::string sha = HexEncode(h.Finish());
  std::string dest = PathOf(sha);
  bool existed = Has(sha);
  fs::create_directories(fs::path(dest).parent_path(), ec);
  if (ec) {
    unlink(tmp.c_str());
    return IoError("creating " + fs::path(dest).parent_path().string() + ": " + ec.message());
  }
  // At this point the content is durable under its temporary name; the
  // rename publishes it under its hash. A crash before the rename leaves a
  // temporary file that Verify reports.
  if (rename(tmp.c_str(), dest.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("renaming " + tmp + " to " + dest, err);
  }
  LIFELINE_RETURN_IF_ERROR(SyncDirectory(fs::path(dest).parent_path().string()));
  return BlobInfo{sha, *n, existed};
}

Result<std::vector<BlobProblem>> BlobStore::Verify(uint64_t* checked,
                                                   const std::function<void(uint64_t, uint64_t)>& progress) const {
  std::vector<BlobProblem> problems;
  *checked = 0;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return problems;
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return IoError("listing " + dir_ + ": " + ec.message());
  for (const auto& p : files) {
    std::string rel = fs::relative(p, dir_, ec).string();
    std::string name = p.filename().string();
    if (rel.rfind("tmp/", 0) == 0) {
      problems.push_back({rel, "a temporary file left by an interrupted add (safe to delete)"});
    } else if (!IsSha256Name(name) || rel != "sha256/" + name.substr(0, 2) + "/" + name) {
      problems.push_back({rel, "not a blob name (sha256/<2 hex>/<64 hex>)"});
    } else {
      auto info = HashFile(p.string());
      if (!info.ok()) {
        problems.push_back({rel, info.status().message()});
      } else if (info->sha256 != name) {
        problems.push_back({rel, "content hashes to " + info->sha256 + ": the file was altered"});
      }
      ++*checked;
    }
    if (progress) progress(*checked, files.size());
  }
  return problems;
}

}  // namespace lifeline::evidence
