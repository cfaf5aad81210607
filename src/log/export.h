// Writes a log as a static C2SP tlog-tiles tree that any tiles client (or a
// plain web server) can serve:
//
//   DIR/checkpoint
//   DIR/tile/<L>/<N>[.p/<W>]        hash tiles of the checkpoint's tree
//   DIR/tile/entries/<N>[.p/<W>]    entry bundles
//
// Each file is written to a temporary name and renamed; the file system is
// synced (syncfs) before the checkpoint is written, last, so a reader of DIR never sees a checkpoint
// whose tiles are missing. Partial tiles of older exports are left in place:
// they are prefixes of today's, as tlog-tiles allows.
#ifndef LIFELINE_LOG_EXPORT_H_
#define LIFELINE_LOG_EXPORT_H_

#include <string>

#include "base/status.h"
#include "log/verify.h"
#include "store/store.h"

namespace lifeline::log {

struct ExportReport {
  uint64_t size = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Exports the tree of the store's latest checkpoint to `dir` (created if
// needed). `progress` gets (files done, files total).
Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir,
                                 const ProgressFn& progress = nullptr);

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_EXPORT_H_
