#include "cli/entry_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "base/bytes.h"
#include "merkle/tile.h"

namespace lifeline::cli {
namespace {

constexpr size_t kBlock = 1 << 20;

// The longest line an entry may come from: its base64 (4 per 3 bytes,
// padded) and the newline.
size_t MaxLine(bool base64) {
  return base64 ? (merkle::kMaxEntrySize + 2) / 3 * 4 + 1 : merkle::kMaxEntrySize + 1;
}

std::string Where(const std::string& name, uint64_t lineno) { return name + ":" + std::to_string(lineno) + ": "; }

}  // namespace

Result<EntryLines> EntryLines::Open(const std::string& file, bool base64, bool keep_newline) {
  if (file.empty() || file == "-") {
    EntryLines e("stdin", "", base64, keep_newline);
    std::string block(kBlock, '\0');
    while (std::cin) {
      std::cin.read(block.data(), static_cast<std::streamsize>(block.size()));
      e.stdin_.append(block.data(), static_cast<size_t>(std::cin.gcount()));
    }
    if (std::cin.bad()) return IoError("reading stdin");
    return e;
  }
  std::ifstream probe(file, std::ios::binary);
  if (!probe) return ErrnoError("opening " + file, errno);
  return EntryLines(file, file, base64, keep_newline);
}

Result<uint64_t> EntryLines::Check() {
  uint64_t n = 0;
  LIFELINE_RETURN_IF_ERROR(Pass([&n](std::string_view) {
    ++n;
    return Status::Ok();
  }));
  return n;
}

Status EntryLines::ForEach(const std::function<Status(std::string_view)>& fn) { return Pass(fn); }

Status EntryLines::Pass(const std::function<Status(std::string_view)>& fn) {
  std::ifstream file;
  if (!path_.empty()) {
    file.open(path_, std::ios::binary);
    if (!file) return ErrnoError("opening " + path_, errno);
  }
  size_t stdin_at = 0;
  // Fills `out` with the next block of input; false at the end.
  auto read = [&](std::string& out) -> Result<bool> {
    if (path_.empty()) {
      const size_t n = std::min(kBlock, stdin_.size() - stdin_at);
      out.assign(stdin_, stdin_at, n);
      stdin_at += n;
      return n > 0;
    }
    out.resize(kBlock);
    file.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<size_t>(file.gcount()));
    if (file.bad()) return IoError("reading " + path_);
    return !out.empty();
  };
  const size_t max_line = MaxLine(base64_);
  uint64_t lineno = 0;
  // One line: its text without the newline, and whether it had one.
  auto line = [&](std::string_view text, bool newline) -> Status {
    ++lineno;
    std::string decoded;
    std::string_view entry = text;
    if (base64_) {
      auto d = Base64Decode(text);
      if (!d.ok()) return InvalidArgumentError(Where(name_, lineno) + d.status().message() + " (nothing was appended)");
      decoded = std::move(*d);
      entry = decoded;
    } else if (keep_newline_ && newline) {
      entry = std::string_view(text.data(), text.size() + 1);  // the newline follows the text in its buffer
    }
    if (entry.size() > merkle::kMaxEntrySize) {
      return InvalidArgumentError(Where(name_, lineno) + "entry is " + std::to_string(entry.size()) +
                                  " bytes; the limit is " + std::to_string(merkle::kMaxEntrySize) +
                                  " (nothing was appended)");
    }
    return fn(entry);
  };
  std::string block, carry;  // carry: the start of a line the last block did not end
  for (;;) {
    LIFELINE_ASSIGN_OR_RETURN(bool more, read(block));
    if (!more) break;
    size_t pos = 0;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(block.data() + pos, '\n', block.size() - pos));
      if (nl == nullptr) break;
      const size_t end = static_cast<size_t>(nl - block.data());
      if (carry.empty()) {
        LIFELINE_RETURN_IF_ERROR(line(std::string_view(block).substr(pos, end - pos), true));
      } else {
        carry.append(block, pos, end - pos + 1);
        LIFELINE_RETURN_IF_ERROR(line(std::string_view(carry).substr(0, carry.size() - 1), true));
        carry.clear();
      }
      pos = end + 1;
    }
    carry.append(block, pos, std::string::npos);
    if (carry.size() > max_line) {
      return InvalidArgumentError(Where(name_, lineno + 1) + "a line of more than " + std::to_string(max_line) +
                                  " bytes: an entry is at most " + std::to_string(merkle::kMaxEntrySize) +
                                  " bytes (nothing was appended)");
    }
  }
  if (!carry.empty()) LIFELINE_RETURN_IF_ERROR(line(carry, false));
  return Status::Ok();
}

}  // namespace lifeline::cli
