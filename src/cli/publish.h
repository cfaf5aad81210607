// `lifeline publish DIR`: the public face of a store as static files, so
// that the dashboard and the witnesses' tiles run from any static host or
// CDN with no Lifeline process (docs/publish.md has the layout and the
// cache rules).
//
//   DIR/checkpoint, DIR/tile/...   the log (C2SP tlog-tiles), as published
//                                  (with witness cosignatures)
//   DIR/index.html, css/, js/, i18n/, vendor/
//                                  the dashboard; index.html carries
//                                  <meta name="lifeline-publication">, which
//                                  puts it in its static mode
//   DIR/verify.html, witness-policy
//   DIR/snapshot/<N>/...           the API's answers at checkpoint N (below)
//   DIR/publication.json           which snapshot is current, and its checkpoint
//   DIR/nginx.conf                 the cache rules, to include in nginx
//
// Privacy: every snapshot is the answer of the public API to a caller with
// no token (server::Server::AnonymousGet: the same routes, gate and
// visibility rules), and entry bundles are written only while anonymous
// callers may read them; bundles of earlier publications are removed when
// they may not. So a publication shows exactly what the public API shows.
//
// Consistency: every snapshot is of the same checkpoint N. On SQLite the
// store's writer lock (DIR/LOCK of the store) is held throughout; on
// PostgreSQL, whose writers take no lock, every read is pinned to one
// snapshot of the database (a REPEATABLE READ transaction,
// store_dir::PinReads) and the analyses are asked for N (at=), so writers
// append meanwhile and the publication is still of N alone. Order on disk:
// the tiles first (full tiles already in DIR are kept byte for byte, never
// rewritten), then the dashboard's files, then snapshot/<N> built under a
// temporary name and renamed into place, then the checkpoint, then
// publication.json; every file replaced atomically. A reader of DIR never
// sees a checkpoint whose tiles are missing, nor a publication.json whose
// snapshot is incomplete. The snapshot of the previous publication is kept
// (readers with the old publication.json still find it); older ones go.
#ifndef LIFELINE_CLI_PUBLISH_H_
#define LIFELINE_CLI_PUBLISH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lifeline::cli {

struct PublishOptions {
  std::string store_dir;
  std::string out_dir;
  std::string web_dir;    // the dashboard's files (with scripts/web.sh's vendor/)
  std::string cases_dir;  // forecast scenarios, as `serve --cases-dir`
};

struct PublishReport {
  uint64_t size = 0;           // the checkpoint published
  uint64_t tiles_written = 0;  // tiles and bundles written (partial ones each time)
  uint64_t tiles_kept = 0;     // full tiles already in DIR, identical, left alone
  bool entry_bundles = false;  // false: hash tiles only (a case is not public)
  uint64_t cases = 0;          // public cases
  uint64_t snapshots = 0;      // API answers written under snapshot/<N>/
  uint64_t dashboard_files = 0;
};

// Publishes as above. `progress` gets one line per step (for stderr).
// Errors name the step and the path or API answer that failed; DIR keeps
// its previous publication then (at worst with more tiles).
Result<PublishReport> Publish(const PublishOptions& options,
                              const std::function<void(std::string_view)>& progress = nullptr);

// The nginx rules for a publication (DIR/nginx.conf): included in a server
// block whose root is the publication's directory.
std::string NginxRules();

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_PUBLISH_H_
