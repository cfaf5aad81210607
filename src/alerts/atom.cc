#include "alerts/atom.h"

#include <algorithm>
#include <cstdio>

#include "record/values.h"

namespace lifeline::alerts {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 has no escape for these
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

std::string Urn(std::string out, std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string AlertUrn(std::string_view key) { return Urn("urn:lifeline:alert:", key); }
std::string FeedUrn(std::string_view origin) { return Urn("urn:lifeline:feed:", origin); }

std::string Rfc3339(int64_t t) {
  int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t s = t - d * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return record::FormatDate(record::Day{d}) + buf;
}

std::string AtomFeed(const std::string& feed_id, const std::string& title, int64_t updated,
                     std::vector<FeedEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const FeedEntry& a, const FeedEntry& b) {
    if (a.updated != b.updated) return a.updated > b.updated;
    return a.event.key < b.event.key;
  });
  if (!entries.empty()) updated = entries.front().updated;
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  x += "  <id>" + XmlEscape(feed_id) + "</id>\n";
  x += "  <title>" + XmlEscape(title) + "</title>\n";
  x += "  <updated>" + Rfc3339(updated) + "</updated>\n";
  x += "  <author><name>Lifeline</name></author>\n";
  x += "  <generator>Lifeline</generator>\n";
  for (const FeedEntry& fe : entries) {
    const AlertEvent& e = fe.event;
    std::string text = e.summary + ". Case " + e.case_id + ", rule " + e.rule_id + " (" +
                       std::string(RuleTypeName(e.type)) + "), severity " + e.severity + ". Period " + e.first_day +
                       " .. " + e.last_day + (e.ongoing ? " (ongoing)" : "") + ". Computed at checkpoint " +
                       std::to_string(e.checkpoint.size) + " " + e.checkpoint.root + ".";
    if (!e.records.empty()) {
      text += " Records:";
      for (const auto& r : e.records) text += " " + r;
      text += ".";
    }
    x += "  <entry>\n";
    x += "    <id>" + XmlEscape(AlertUrn(e.key)) + "</id>\n";
    x += "    <title>" + XmlEscape(e.title) + "</title>\n";
    x += "    <published>" + Rfc3339(fe.published) + "</published>\n";
    x += "    <updated>" + Rfc3339(fe.updated) + "</updated>\n";
    x += "    <category term=\"" + XmlEscape(e.severity) + "\"/>\n";
    x += "    <summary type=\"text\">" + XmlEscape(text) + "</summary>\n";
    x += "  </entry>\n";
  }
  x += "</feed>\n";
  return x;
}

}  // namespace lifeline::alerts
