// The entries of `lifeline log append`: one per line of a file or of stdin
// ('\n' ends a line and is not part of the entry unless keep_newline; a
// last line without one is an entry too; with base64 each line is the
// base64 of one entry).
//
// Every line is checked before anything is appended, and the input is read
// twice to keep that promise in bounded memory: Check() reads it all and
// reports the first bad line by name and number; ForEach() reads it again,
// block by block, and hands over the entries. A file is read from disk both
// times (its size does not bound the memory used); stdin, which cannot be
// read twice, is held in memory.
//
// Thread safety: none; one object per command.
#ifndef LIFELINE_CLI_ENTRY_LINES_H_
#define LIFELINE_CLI_ENTRY_LINES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::cli {

class EntryLines {
 public:
  // `file` empty or "-": stdin (read now, whole). A file is only opened.
  static Result<EntryLines> Open(const std::string& file, bool base64, bool keep_newline);

  // Reads every line; InvalidArgument naming the input and line of the
  // first entry that is not valid base64 or is over merkle::kMaxEntrySize.
  // Returns the number of entries.
  Result<uint64_t> Check();
  // Calls fn with each entry in order (the view lasts until fn returns).
  // Precondition: Check() succeeded (an input that changed since is an
  // error, not a partial append: fn's earlier calls are then the caller's to
  // undo or report).
  Status ForEach(const std::function<Status(std::string_view)>& fn);

 private:
  EntryLines(std::string name, std::string path, bool base64, bool keep_newline)
      : name_(std::move(name)), path_(std::move(path)), base64_(base64), keep_newline_(keep_newline) {}
  // One pass over the input: fn gets each checked entry.
  Status Pass(const std::function<Status(std::string_view)>& fn);

  std::string name_;   // for messages: the path, or "stdin"
  std::string path_;   // empty: stdin, held in stdin_
  std::string stdin_;
  bool base64_ = false;
  bool keep_newline_ = false;
};

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_ENTRY_LINES_H_
