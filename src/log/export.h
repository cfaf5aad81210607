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
//
// With ExportOptions::keep_full_tiles (`lifeline publish`, which re-exports
// into a directory a CDN serves as immutable), a full tile or bundle already
// in DIR is compared with the log's and left untouched, so a re-export adds
// only new files and never rewrites an immutable one; a full tile that
// differs is an error (DIR holds another log, or a damaged file), and
// nothing of DIR is changed past that point.
#ifndef LIFELINE_LOG_EXPORT_H_
#define LIFELINE_LOG_EXPORT_H_

#include <string>

#include "base/status.h"
#include "log/verify.h"
#include "store/store.h"

namespace lifeline::log {

struct ExportOptions {
  // The tree to export: the stored checkpoint of this size (0 with
  // `latest`); the latest stored checkpoint by default.
  uint64_t size = 0;
  bool latest = true;
  // Entry bundles too (false: hash tiles only, e.g. while they would show
  // records of a case that is not public).
  bool entry_bundles = true;
  // Write DIR/checkpoint last (false: the caller writes its own, last).
  bool write_checkpoint = true;
  // Leave identical full tiles in DIR as they are (see above).
  bool keep_full_tiles = false;
};

struct ExportReport {
  uint64_t size = 0;
  uint64_t files = 0;   // files written
  uint64_t bytes = 0;   // bytes written
  uint64_t kept = 0;    // full tiles found identical in DIR and left as they were
  std::string note;     // the checkpoint exported (a signed note)
};

// Exports the tree of the store's checkpoint (options.size, or the latest)
// to `dir` (created if needed). `progress` gets (files done, files total).
Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir, const ExportOptions& options,
                                 const ProgressFn& progress = nullptr);
inline Result<ExportReport> ExportTiles(store::LogStore& store, const std::string& dir,
                                        const ProgressFn& progress = nullptr) {
  return ExportTiles(store, dir, ExportOptions{}, progress);
}

}  // namespace lifeline::log

#endif  // LIFELINE_LOG_EXPORT_H_
