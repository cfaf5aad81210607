// The alerts as an Atom feed (RFC 4287), for people and feed readers.
//
// One <entry> per alert (not per evaluation): its <id> is AlertUrn(key), so
// a reader that has seen an entry recognises it when its period or values
// change (its <updated> moves then). Entries carry no <link>: the feed
// points at nothing outside the store; the records behind each alert and
// its checkpoint are named in the text.
//
// Pure: the caller supplies every time; the output is a function of the
// arguments (entries sorted by updated, newest first, then key).
#ifndef LIFELINE_ALERTS_ATOM_H_
#define LIFELINE_ALERTS_ATOM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/evaluate.h"

namespace lifeline::alerts {

struct FeedEntry {
  AlertEvent event;
  int64_t published = 0;  // seconds since the epoch, UTC: first seen
  int64_t updated = 0;    // last change of its period or values
};

// Escapes &, <, >, " and ' for XML text and attribute values, and replaces
// the control characters XML 1.0 forbids by U+FFFD.
std::string XmlEscape(std::string_view s);

// "urn:lifeline:alert:" + the key, percent-encoded outside RFC 3986's
// unreserved characters (so '/' and ':' in keys cannot break the URN).
std::string AlertUrn(std::string_view key);

// "urn:lifeline:feed:" + the log's origin, percent-encoded likewise: the
// feed's id, stable for the store.
std::string FeedUrn(std::string_view origin);

// RFC 3339, UTC, seconds: 2023-06-15T00:00:00Z.
std::string Rfc3339(int64_t seconds);

// The feed. `feed_id` is an IRI identifying the store's feed; `updated` is
// used when there are no entries (else the newest entry's time).
std::string AtomFeed(const std::string& feed_id, const std::string& title, int64_t updated,
                     std::vector<FeedEntry> entries);

}  // namespace lifeline::alerts

#endif  // LIFELINE_ALERTS_ATOM_H_
