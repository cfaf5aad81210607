// A progress bar on stderr for long commands, shown only when stderr is a
// terminal (and not with --json or --quiet), redrawn at most 10 times a
// second. Not thread-safe.
#ifndef LIFELINE_CLI_PROGRESS_H_
#define LIFELINE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace lifeline::cli {

class Progress {
 public:
  Progress(std::string label, bool enabled);
  ~Progress();  // ends the line if anything was drawn
  void Update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// True when stderr is a terminal.
bool StderrIsTerminal();

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_PROGRESS_H_
