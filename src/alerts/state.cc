#include "alerts/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/file.h"

namespace lifeline::alerts {

namespace {

using nlohmann::json;

// An event without its checkpoint: what decides whether an alert changed.
json Comparable(const AlertEvent& e) {
  json j = EventJson(e);
  j.erase("checkpoint");
  return j;
}

Result<Delivery> DeliveryFromJson(const json& j) {
  try {
    Delivery d;
    d.key = j.at("key").get<std::string>();
    d.rule = j.at("rule").get<std::string>();
    d.url = j.at("url").get<std::string>();
    std::string s = j.at("status").get<std::string>();
    if (s == "pending") {
      d.status = DeliveryStatus::kPending;
    } else if (s == "delivered") {
      d.status = DeliveryStatus::kDelivered;
    } else if (s == "failed") {
      d.status = DeliveryStatus::kFailed;
    } else {
      return CorruptionError("unknown delivery status \"" + s + "\"");
    }
    d.attempts = j.at("attempts").get<int64_t>();
    d.next_attempt_ms = j.at("next_attempt_ms").get<int64_t>();
    d.last_error = j.at("last_error").get<std::string>();
    d.delivered_at = j.at("delivered_at").get<int64_t>();
    return d;
  } catch (const json::exception& e) {
    return CorruptionError(std::string("delivery: ") + e.what());
  }
}

json DeliveryJson(const Delivery& d) {
  return {{"key", d.key},
          {"rule", d.rule},
          {"url", d.url},
          {"status", DeliveryStatusName(d.status)},
          {"attempts", d.attempts},
          {"next_attempt_ms", d.next_attempt_ms},
          {"last_error", d.last_error},
          {"delivered_at", d.delivered_at}};
}


}  // namespace

std::string_view DeliveryStatusName(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::kPending: return "pending";
    case DeliveryStatus::kDelivered: return "delivered";
    case DeliveryStatus::kFailed: return "failed";
  }
  return "?";
}

Status WriteFileAtomic(const std::string& path, const std::string& data) {
  return WriteFileAtomically(path, data);
}

Result<AlertState> AlertState::Load(const std::string& path) {
  AlertState st;
  st.path_ = path;
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return st;
    return IoError("cannot read " + path);
  }
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto where = [&] { return path + ":" + std::to_string(n); };
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return CorruptionError(where() + ": not a JSON object");
    if (j.contains("alert")) {
      auto ev = EventFromJson(j["alert"]);
      if (!ev.ok()) return ev.status().Annotate(where());
      StoredAlert a{std::move(*ev), j.value("first_seen", int64_t{0}), j.value("updated", int64_t{0})};
      st.alerts_.push_back(std::move(a));
    } else if (j.contains("delivery")) {
      auto d = DeliveryFromJson(j["delivery"]);
      if (!d.ok()) return d.status().Annotate(where());
      st.deliveries_.push_back(std::move(*d));
    } else {
      return CorruptionError(where() + ": neither an alert nor a delivery");
    }
  }
  if (in.bad()) return IoError("reading " + path);
  return st;
}

Status AlertState::Save() const {
  std::string out;
  for (const StoredAlert& a : alerts_) {
    out += json{{"alert", EventJson(a.event)}, {"first_seen", a.first_seen}, {"updated", a.updated}}.dump(
               -1, ' ', false, json::error_handler_t::replace) +
           "\n";
  }
  for (const Delivery& d : deliveries_) {
    out += json{{"delivery", DeliveryJson(d)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
  return WriteFileAtomic(path_, out);
}

const StoredAlert* AlertState::Find(const std::string& key) const {
  for (const StoredAlert& a : alerts_) {
    if (a.event.key == key) return &a;
  }
  return nullptr;
}

RecordReport AlertState::Record(const std::vector<AlertEvent>& events, const RuleSet& rules, int64_t now) {
  RecordReport rep;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < alerts_.size(); ++i) index[alerts_[i].event.key] = i;
  for (const AlertEvent& e : events) {
    auto it = index.find(e.key);
    if (it == index.end()) {
      index[e.key] = alerts_.size();
      alerts_.push_back({e, now, now});
      ++rep.raised;
    } else if (Comparable(alerts_[it->second].event) != Comparable(e)) {
      alerts_[it->second].event = e;
      alerts_[it->second].updated = now;
      ++rep.changed;
    }
    for (const Rule& r : rules.rules) {
      if (r.id != e.rule_id) continue;
      for (const Webhook& w : r.webhooks) {
        bool have = false;
        for (const Delivery& d : deliveries_) have = have || (d.key == e.key && d.url == w.url);
        if (have) continue;
        Delivery d;
        d.key = e.key;
        d.rule = r.id;
        d.url = w.url;
        deliveries_.push_back(std::move(d));
        ++rep.queued;
      }
    }
  }
  return rep;
}

}  // namespace lifeline::alerts
