// The durable state of alerts in a store directory: which alerts were
// raised, and for each alert and webhook whether it was delivered.
//
// File: DIR/alerts.state.jsonl, JSON Lines, rewritten whole and atomically
// (write DIR/alerts.state.jsonl.tmp.PID, fsync, rename, fsync DIR) after
// every change, so a crash leaves the old or the new file, never a mix.
// Lines (docs/alerts.md):
//
//   {"alert": <EventJson>, "first_seen": S, "updated": S}
//   {"delivery": {"key": K, "rule": R, "url": U, "status": "pending"|"delivered"|"failed",
//                 "attempts": N, "next_attempt_ms": MS, "last_error": E, "delivered_at": S}}
//
// (S: seconds since the epoch, UTC; MS: milliseconds.) Secrets are never
// written here: they stay in the rules file.
//
// Not thread-safe; callers serialise processes with a lock on DIR/alerts.lock.
#ifndef LIFELINE_ALERTS_STATE_H_
#define LIFELINE_ALERTS_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/evaluate.h"
#include "alerts/rules.h"
#include "base/status.h"

namespace lifeline::alerts {

enum class DeliveryStatus : uint8_t { kPending, kDelivered, kFailed };
std::string_view DeliveryStatusName(DeliveryStatus s);

struct Delivery {
  std::string key;   // the alert's
  std::string rule;  // the rule whose webhook this is
  std::string url;
  DeliveryStatus status = DeliveryStatus::kPending;
  int64_t attempts = 0;
  int64_t next_attempt_ms = 0;  // pending: not before this time
  std::string last_error;
  int64_t delivered_at = 0;  // seconds
};

struct StoredAlert {
  AlertEvent event;
  int64_t first_seen = 0;  // seconds
  int64_t updated = 0;     // seconds: last change of anything but its checkpoint
};

struct RecordReport {
  int64_t raised = 0;   // alerts seen for the first time
  int64_t changed = 0;  // known alerts whose period or values changed
  int64_t queued = 0;   // deliveries created
};

class AlertState {
 public:
  // Reads `path`; a missing file is an empty state. Corruption names the line.
  static Result<AlertState> Load(const std::string& path);

  // Writes the state atomically to the path it was loaded from.
  Status Save() const;

  // Merges an evaluation: new keys are added, known ones replaced when
  // anything but their checkpoint changed (an unchanged alert keeps the
  // checkpoint it was first computed at). For each event, a pending delivery
  // is created for every webhook of its rule that has none yet, so each
  // (alert, webhook) is delivered once. `now` in seconds.
  RecordReport Record(const std::vector<AlertEvent>& events, const RuleSet& rules, int64_t now);

  const std::string& path() const { return path_; }
  std::vector<StoredAlert>& alerts() { return alerts_; }
  const std::vector<StoredAlert>& alerts() const { return alerts_; }
  std::vector<Delivery>& deliveries() { return deliveries_; }
  const std::vector<Delivery>& deliveries() const { return deliveries_; }
  const StoredAlert* Find(const std::string& key) const;

 private:
  std::string path_;
  std::vector<StoredAlert> alerts_;
  std::vector<Delivery> deliveries_;
};

// Writes `data` to `path` atomically and durably: a temporary file in the
// same directory, fsync, rename over `path`, fsync of the directory.
Status WriteFileAtomic(const std::string& path, const std::string& data);

}  // namespace lifeline::alerts

#endif  // LIFELINE_ALERTS_STATE_H_
