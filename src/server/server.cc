#include "server/server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "analysis/compliance.h"
#include "analysis/dataset.h"
#include "analysis/forecast.h"
#include "analysis/headline.h"
#include "analysis/format.h"
#include "analysis/indicators.h"
#include "analysis/verified.h"
#include "base/bytes.h"
#include "base/kinds.h"
#include "store_dir/store_dir.h"
#include "export/export.h"
#include "log/log.h"
#include "log/reader.h"
#include "merkle/tile.h"
#include "note/checkpoint.h"
#include "record/canonical.h"
#include "record/corroboration.h"
#include "record/seal.h"
#include "record/submit.h"
#include "record/values.h"
#include "record/view.h"
#include "report/report.h"
#include "server/http.h"
#include "server/openapi.h"
#include "server/rate_limit.h"
#include "server/tokens.h"
#include "server/visibility.h"
#include "store/sqlite/sqlite_store.h"

namespace lifeline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// What each route asks of its caller.
enum class Access {
  kLog,       // checkpoints and hash tiles: anyone, unless --private-log
  kEntries,   // entry bundles: as kLog, and a token while the log holds a case that is not public
  kRead,      // anyone; what an anonymous caller sees is decided by CaseVisibility
  kSubmit,    // verifier (claims only), monitor, admin
  kAdmin,     // admin
};

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void SendJson(http::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(Dump(j), "application/json");
}

void SendError(http::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"ok", false}, {"error", message}});
}

void SendStatus(http::Response& res, const Status& s) { SendError(res, HttpStatusFor(s), s.message()); }

// A strict decimal parameter.
Result<std::optional<int64_t>> IntParam(const http::Request& req, const char* name, int64_t lo, int64_t hi) {
  if (!req.has_param(name)) return std::optional<int64_t>();
  std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be a non-negative integer");
  }
  int64_t n = std::stoll(v);
  if (n < lo || n > hi) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be between " + std::to_string(lo) +
                                " and " + std::to_string(hi));
  }
  return std::optional<int64_t>(n);
}

Result<std::string> DateParam(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return std::string();
  std::string v = req.get_param_value(name);
  if (!record::ParseDate(v).ok()) {
    return InvalidArgumentError(std::string("parameter ") + name + " must be a date YYYY-MM-DD, not \"" + v + "\"");
  }
  return v;
}

// Every parameter a route accepts; an unknown one is a 400 (a typo must not
// silently widen a query).
Status OnlyParams(const http::Request& req, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : req.params) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) return InvalidArgumentError("unknown parameter \"" + k + "\"");
  }
  return Status::Ok();
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  note::Verifier verifier;
  TokenStore tokens;
  RateLimiter limiter;
  http::Server http;

  // A pool of read-only connections: SqliteStore is not thread-safe, so each
  // request borrows one.
  std::mutex pool_mu;
  std::vector<std::unique_ptr<store::SqliteStore>> pool;

  std::mutex write_mu;  // one writer at a time within this process

  // Analysis results are a function of (case, checkpoint, parameters): kept
  // as the JSON text sent, bounded. `cache` holds results by exact
  // checkpoint (requests with at=); `latest` the one newest result per (case,
  // parameters) for requests of the latest checkpoint, which is reused for
  // kFresh while writes keep making new checkpoints (it names the
  // checkpoint it was computed at), and `flights` makes one request compute
  // while the others for the same key wait for it.
  struct Computed {
    uint64_t size = 0;
    std::chrono::steady_clock::time_point when;
    std::shared_ptr<const std::string> body;
  };
  static constexpr auto kFresh = std::chrono::seconds(1);
  std::mutex cache_mu;
  std::list<std::pair<std::string, std::shared_ptr<const std::string>>> cache;  // most recent first
  std::unordered_map<std::string, Computed> latest;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> flights;
  static constexpr size_t kCacheEntries = 64, kLatestEntries = 256;

  // LogHidesCases, refreshed at most once a second.
  std::mutex hides_mu;
  bool hides_cases = true;
  std::chrono::steady_clock::time_point hides_when;

  // Full tiles never change: cached, bounded.
  std::mutex tile_mu;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> tiles;
  static constexpr size_t kTileCacheEntries = 8192;

  // after_write runs on this thread.
  std::thread after_thread;
  std::mutex after_mu;
  std::condition_variable after_cv;
  bool after_pending = false, after_stop = false;

  Impl(ServerOptions o, note::Verifier v)
      : opt(std::move(o)), verifier(std::move(v)), tokens(opt.store_dir + "/tokens.json"),
        limiter(opt.rate_per_minute, opt.rate_burst) {}

  class Lease {
   public:
    Lease(Impl* impl, std::unique_ptr<store::SqliteStore> s) : impl_(impl), s_(std::move(s)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (s_) {
        std::lock_guard<std::mutex> lock(impl_->pool_mu);
        impl_->pool.push_back(std::move(s_));
      }
    }
    store::SqliteStore& operator*() { return *s_; }
    store::SqliteStore* operator->() { return s_.get(); }

   private:
    Impl* impl_;
    std::unique_ptr<store::SqliteStore> s_;
  };

  Result<Lease> Reader() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        auto s = std::move(pool.back());
        pool.pop_back();
        return Lease(this, std::move(s));
      }
    }
    LIFELINE_ASSIGN_OR_RETURN(auto s, store::SqliteStore::Open(opt.store_dir + "/lifeline.db",
                                                               store::SqliteStore::Mode::kReadOnly));
    return Lease(this, std::move(s));
  }

  // --- who is calling -------------------------------------------------------

  // The caller from the Authorization header. A bad token is an error (401),
  // never silently anonymous.
  Result<Principal> Authenticate(const http::Request& req) {
    Principal p;
    if (!req.has_header("Authorization")) return p;
    std::string h = req.get_header_value("Authorization");
    if (h.rfind("Bearer ", 0) != 0) return InvalidArgumentError("Authorization must be \"Bearer <token>\"");
    auto info = tokens.Authenticate(std::string_view(h).substr(7));
    if (!info.ok()) return InvalidArgumentError("invalid token");  // which way it is invalid is not said
    p.token = std::move(*info);
    return p;
  }

  // Whose bucket a request counts against: the token's id when it is valid,
  // else the remote address.
  std::string LimitKey(const http::Request& req) {
    if (auto p = Authenticate(req); p.ok() && !p->anonymous()) return "token:" + p->token->id;
    return "ip:" + req.remote_addr;
  }

  // Checks `access` for the caller; on refusal fills res (401/403) and
  // returns nullopt.
  std::optional<Principal> Admit(const http::Request& req, http::Response& res, Access access) {
    auto p = Authenticate(req);
    if (!p.ok()) {
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, p.status().message());
      return std::nullopt;
    }
    auto need_token = [&]() -> bool {
      if (!p->anonymous()) return true;
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, "this needs a token (Authorization: Bearer <token>)");
      return false;
    };
    auto need_role = [&](Role r) -> bool {
      if (!need_token()) return false;
      if (p->AtLeast(r)) return true;
      SendError(res, 403, "this needs the " + std::string(RoleName(r)) + " role (the token has " +
                              std::string(RoleName(p->token->role)) + ")");
      return false;
    };
    switch (access) {
      case Access::kLog:
        if (opt.private_log && !need_token()) return std::nullopt;
        break;
      case Access::kEntries:
        if ((opt.private_log || LogHidesCases()) && !need_token()) return std::nullopt;
        break;
      case Access::kRead: break;
      case Access::kSubmit:
        if (!need_role(Role::kVerifier)) return std::nullopt;
        break;
      case Access::kAdmin:
        if (!need_role(Role::kAdmin)) return std::nullopt;
        break;
    }
    return *p;
  }

  // The one decision of what `who` may read (server/visibility.h).
  static Result<CaseVisibility> VisibilityFor(store::LogStore& st, const Principal& who) {
    if (!who.anonymous()) return CaseVisibility::Everything();
    return CaseVisibility::PublicOnly(st);
  }

  // Whether the log holds records of a case that is not public, so that its
  // entry bundles need a token. Read at most once a second: a case withdrawn
  // from the public is hidden in the bundles within a second.
  bool LogHidesCases() {
    std::lock_guard<std::mutex> lock(hides_mu);
    auto now = std::chrono::steady_clock::now();
    if (now - hides_when < std::chrono::seconds(1)) return hides_cases;
    auto st = Reader();
    if (!st.ok()) return true;  // fail closed
    auto v = CaseVisibility::PublicOnly(**st);
    hides_cases = !v.ok() || v->HidesSome();
    hides_when = now;
    return hides_cases;
  }

  // Fills res and returns false when `who` may not read the case. An
  // anonymous caller gets the same 404 for a case that is not public as for
  // one that does not exist: whether it exists is not said.
  bool AdmitCase(store::LogStore& st, const Principal& who, const std::string& case_id, http::Response& res) {
    auto v = VisibilityFor(st, who);
    if (!v.ok()) {
      SendStatus(res, v.status());
      return false;
    }
    if (v->CanRead(case_id)) return true;
    SendError(res, 404, "no public case \"" + case_id + "\" (a token may read cases that are not public)");
    return false;
  }

  // --- handlers -------------------------------------------------------------

  void Cases(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    auto vis = VisibilityFor(**st, who);
    if (!vis.ok()) return SendStatus(res, vis.status());
    store::RecordQuery q;
    q.kind = kinds::kCase;
    json cases = json::array();
    Status s = (*st)->ForEachRecord(q, [&](const store::RecordRow& r) -> Status {
      if (vis->CanRead(r.case_id)) {
        // A case is listed by its case id; a corrected case record (its own
        // id differs) says which record it is.
        json c = record::WithheldBody(r.body);
        if (c.is_object() && r.id != r.case_id) {
          c["record_id"] = r.id;
          c["id"] = r.case_id;
        }
        cases.push_back(std::move(c));
      }
      return Status::Ok();
    });
    if (!s.ok()) return SendStatus(res, s);
    SendJson(res, 200, json{{"ok", true}, {"cases", cases}});
  }

  void ListRecords(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {"case", "kind", "route", "from", "to", "text", "limit", "offset", "all"});
        !s.ok()) {
      return SendStatus(res, s);
    }
    store::RecordQuery q;
    q.case_id = req.get_param_value("case");
    q.kind = req.get_param_value("kind");
    q.route = req.get_param_value("route");
    q.text = req.get_param_value("text");
    auto from = DateParam(req, "from");
    auto to = DateParam(req, "to");
    auto limit = IntParam(req, "limit", 1, 1000);
    auto offset = IntParam(req, "offset", 0, INT64_MAX / 2);
    for (const Status& s : {from.status(), to.status(), limit.status(), offset.status()}) {
      if (!s.ok()) return SendStatus(res, s);
    }
    q.from = *from;
    q.to = *to;
    if (req.has_param("all")) {
      std::string a = req.get_param_value("all");
      if (a != "true" && a != "false") return SendError(res, 400, "parameter all must be true or false");
      q.current_only = a != "true";
    }
    const uint64_t lim = limit->value_or(100), off = offset->value_or(0);
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    // A case the caller may not read lists as empty, as a missing one does.
    auto vis = VisibilityFor(**st, who);
    if (!vis.ok()) return SendStatus(res, vis.status());
    uint64_t total = 0;
    std::vector<store::RecordRow> page;
    Status s = (*st)->ForEachRecord(q, [&](const store::RecordRow& r) -> Status {
      if (!vis->CanRead(r.case_id)) return Status::Ok();
      if (total >= off && page.size() < lim) page.push_back(r);
      ++total;
      return Status::Ok();
    });
    if (!s.ok()) return SendStatus(res, s);
    json items = json::array();
    for (const auto& r : page) {
      auto corr = record::Corroborate(**st, r.id);
      if (!corr.ok()) return SendStatus(res, corr.status());
      json body = record::WithheldBody(r.body);
      items.push_back({{"index", r.index}, {"id", r.id}, {"kind", r.kind}, {"case", r.case_id},
                       {"date_from", r.date_from}, {"date_to", r.date_to}, {"status", corr->status},
                       {"summary", record::Summary(body)}, {"record", body}});
    }
    SendJson(res, 200, json{{"ok", true}, {"records", items}, {"total", total}, {"offset", off}, {"limit", lim}});
  }

  void ShowRecord(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    const std::string id = req.matches[1];
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    auto row = (*st)->FindRecord(id);
    if (!row.ok() && row.status().code() != ErrorCode::kNotFound) return SendStatus(res, row.status());
    auto vis = VisibilityFor(**st, who);
    if (!vis.ok()) return SendStatus(res, vis.status());
    // A record the caller may not read gets the answer of a missing one.
    if (!row.ok() || !vis->CanRead(row->case_id)) return SendError(res, 404, "no record \"" + id + "\"");
    // Confidential fields are opened for the roles that may read them, never
    // for viewers or anonymous callers.
    std::optional<record::SealKey> key;
    if (who.AtLeast(Role::kVerifier)) {
      auto k = record::LoadSealKey(opt.store_dir);
      if (k.ok()) {
        key = std::move(*k);
      } else if (k.status().code() != ErrorCode::kNotFound) {  // no key: nothing was ever sealed
        return SendStatus(res, k.status());
      }
    }
    auto view = record::ViewRecord(**st, verifier, id, key ? &*key : nullptr);
    if (!view.ok()) return SendStatus(res, view.status());
    // The checkpoint as published (with the witnesses' cosignatures when
    // they are of this very checkpoint), in the note and the receipt: the
    // dashboard and verify.html check the quorum on the note the proof is
    // against.
    record::UsePublishedCheckpoint(*view, opt.published_checkpoint);
    SendJson(res, 200, *view);
  }

  // A verifier corrects only claims it wrote: a claim's `supersedes` must
  // name a record of the log recorded `by` this token (or one earlier in the
  // same request, which the token writes). Monitors and admins may correct
  // anyone's records; the record view says when a correction is of another
  // author's record.
  static Status OnlyOwnClaims(store::LogStore& st, const std::vector<record::Candidate>& candidates,
                              const Principal& who) {
    for (const auto& c : candidates) {
      auto it = c.record.find("supersedes");
      if (it == c.record.end() || !it->is_string()) continue;
      auto row = st.FindRecord(it->get<std::string>());
      if (!row.ok()) continue;  // in this request, or missing (validation says which)
      json old = json::parse(row->body, nullptr, false);
      const bool own = old.is_object() && old.contains("by") && old.at("by") == who.name();
      if (!own) {
        return FailedPreconditionError(c.where + ": supersedes: \"" + row->id +
                                     "\" was recorded by another principal; the verifier role corrects only its own claims");
      }
    }
    return Status::Ok();
  }

  void Submit(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {"dry_run"}); !s.ok()) return SendStatus(res, s);
    const bool dry_run = req.get_param_value("dry_run") == "true";
    std::string type = req.get_header_value("Content-Type");
    type = type.substr(0, type.find(';'));
    std::vector<record::Candidate> candidates;
    if (type == "application/json") {
      auto doc = record::ParseJson(req.body);
      if (!doc.ok()) return SendError(res, 400, "request body: " + doc.status().message());
      if (doc->is_array()) {
        for (size_t i = 0; i < doc->size(); ++i) candidates.push_back({"request[" + std::to_string(i) + "]", (*doc)[i]});
      } else {
        candidates.push_back({"request", std::move(*doc)});
      }
    } else if (type == "application/x-ndjson" || type == "application/jsonl") {
      size_t line = 0, pos = 0;
      while (pos < req.body.size()) {
        size_t end = req.body.find('\n', pos);
        if (end == std::string::npos) end = req.body.size();
        std::string_view text(req.body.data() + pos, end - pos);
        ++line;
        pos = end + 1;
        if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto rec = record::ParseJson(text);
        if (!rec.ok()) return SendError(res, 400, "request line " + std::to_string(line) + ": " + rec.status().message());
        candidates.push_back({"request:" + std::to_string(line), std::move(*rec)});
      }
    } else {
      return SendError(res, 415, "send records as application/json (an object or an array) or application/x-ndjson");
    }
    if (candidates.empty()) return SendError(res, 400, "no records in the request");
    if (candidates.size() > 10000) return SendError(res, 413, "at most 10000 records per request");
    // A verifier adds claims (corroboration, disputes) and nothing else.
    if (!who.AtLeast(Role::kMonitor)) {
      for (const auto& c : candidates) {
        const json* kind = c.record.is_object() && c.record.contains("kind") ? &c.record.at("kind") : nullptr;
        if (kind == nullptr || !kind->is_string() || *kind != kinds::kClaim) {
          return SendError(res, 403, c.where + ": the verifier role submits only claim records (monitor or admin for other kinds)");
        }
      }
    }
    record::SubmitOptions so;
    so.dry_run = dry_run;
    so.principal = who.name();
    Result<record::SubmitReport> rep = InternalError("not run");
    std::string checkpoint;
    {
      std::lock_guard<std::mutex> lock(write_mu);
      auto reader = Reader();
      if (!reader.ok()) return SendStatus(res, reader.status());
      if (!who.AtLeast(Role::kMonitor)) {
        if (Status s = OnlyOwnClaims(**reader, candidates, who); !s.ok()) return SendError(res, 403, s.message());
      }
      if (dry_run) {
        // Checks as a real write would; with no key yet, a fresh one (a
        // dry run creates nothing).
        auto key = record::LoadSealKey(opt.store_dir);
        so.seal_key = std::make_shared<const record::SealKey>(key.ok() ? std::move(*key) : record::SealKey::Generate());
        rep = record::Submit(std::move(candidates), **reader, nullptr, so);
      } else {
        auto ws = store_dir::OpenWritable(opt.store_dir);
        if (!ws.ok()) {
          if (ws.status().code() == ErrorCode::kFailedPrecondition) {
            res.set_header("Retry-After", "1");
            return SendError(res, 503, "the store is busy (another writer holds its lock): " + ws.status().message());
          }
          return SendStatus(res, ws.status());
        }
        // Under the writer's lock: a store older than sealing gets its key now.
        auto key = record::LoadOrCreateSealKey(opt.store_dir);
        if (!key.ok()) return SendStatus(res, key.status());
        so.seal_key = std::make_shared<const record::SealKey>(std::move(*key));
        auto lg = log::Log::Open(std::move(ws->store), ws->signer);
        if (!lg.ok()) return SendStatus(res, lg.status());
        rep = record::Submit(std::move(candidates), **reader, lg->get(), so);
        checkpoint = (*lg)->checkpoint();
      }
    }
    if (!rep.ok()) return SendStatus(res, rep.status());
    json rejections = json::array();
    for (const auto& r : rep->rejections) {
      rejections.push_back({{"where", r.where}, {"id", r.id}, {"field", r.field}, {"message", r.message}});
    }
    json out = {{"ok", rep->rejected == 0},  {"dry_run", dry_run},   {"candidates", rep->candidates},
                {"accepted", rep->accepted}, {"unchanged", rep->unchanged}, {"rejected", rep->rejected},
                {"written", rep->written},   {"rejections", rejections}};
    if (rep->first_index) out["first_index"] = *rep->first_index;
    if (!checkpoint.empty()) out["checkpoint"] = checkpoint;
    if (rep->written) NotifyWrite();
    SendJson(res, rep->rejected == 0 ? (rep->written ? 201 : 200) : 422, out);
  }

  // --- analyses -------------------------------------------------------------

  std::shared_ptr<const std::string> CacheGet(const std::string& key) {
    std::lock_guard<std::mutex> lock(cache_mu);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->first == key) {
        cache.splice(cache.begin(), cache, it);
        return it->second;
      }
    }
    return nullptr;
  }

  void CachePut(const std::string& key, std::shared_ptr<const std::string> v) {
    std::lock_guard<std::mutex> lock(cache_mu);
    cache.emplace_front(key, std::move(v));
    if (cache.size() > kCacheEntries) cache.pop_back();
  }

  // The newest result for `key` if it is of checkpoint `size` or fresh.
  std::shared_ptr<const std::string> LatestGet(const std::string& key, uint64_t size) {
    std::lock_guard<std::mutex> lock(cache_mu);
    auto it = latest.find(key);
    if (it == latest.end()) return nullptr;
    const Computed& c = it->second;
    if (c.size == size || std::chrono::steady_clock::now() - c.when < kFresh) return c.body;
    return nullptr;
  }

  void LatestPut(const std::string& key, Computed c) {
    std::lock_guard<std::mutex> lock(cache_mu);
    if (latest.size() >= kLatestEntries && !latest.count(key)) {
      auto oldest = std::min_element(latest.begin(), latest.end(),
                                     [](const auto& a, const auto& b) { return a.second.when < b.second.when; });
      flights.erase(oldest->first);
      latest.erase(oldest);
    }
    latest[key] = std::move(c);
  }

  std::shared_ptr<std::mutex> Flight(const std::string& key) {
    std::lock_guard<std::mutex> lock(cache_mu);
    auto& f = flights[key];
    if (!f) f = std::make_shared<std::mutex>();
    return f;
  }

  static void SendText(http::Response& res, const std::shared_ptr<const std::string>& body) {
    res.status = 200;
    res.set_content(*body, "application/json");
  }

  // Runs `compute` on the case's dataset at the checkpoint (at=, or the
  // latest), cached as described at `cache`; sends the JSON text it returns.
  void Analysis(const http::Request& req, http::Response& res, const Principal& who, const std::string& what,
                std::initializer_list<const char*> params,
                const std::function<Result<std::string>(const analysis::Dataset&, const analysis::CheckpointRef&)>& compute,
                const std::string& extra_key = "") {
    if (Status s = OnlyParams(req, params); !s.ok()) return SendStatus(res, s);
    const std::string case_id = req.matches[1];
    auto at = IntParam(req, "at", 0, INT64_MAX / 2);
    if (!at.ok()) return SendStatus(res, at.status());
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    if (!AdmitCase(**st, who, case_id, res)) return;
    auto vc = analysis::VerifyStoredCheckpoint(**st, verifier, at->has_value() ? std::optional<uint64_t>(**at) : std::nullopt);
    if (!vc.ok()) return SendStatus(res, vc.status());
    const analysis::CheckpointRef& cp = vc->cp;
    std::string key = what + "\n" + case_id + "\n" + extra_key;
    for (const char* p : params) {
      if (std::string_view(p) != "at") key += std::string("\n") + p + "=" + req.get_param_value(p);
    }
    const std::string exact = key + "\n@" + std::to_string(cp.size) + " " + cp.root;
    std::shared_ptr<std::mutex> flight;
    std::unique_lock<std::mutex> computing;
    if (*at) {
      if (auto hit = CacheGet(exact)) return SendText(res, hit);
    } else {
      if (auto hit = LatestGet(key, cp.size)) return SendText(res, hit);
      flight = Flight(key);
      computing = std::unique_lock<std::mutex>(*flight);
      if (auto hit = LatestGet(key, cp.size)) return SendText(res, hit);  // computed meanwhile
    }
    auto ds = analysis::LoadDataset(**st, case_id, cp);
    if (!ds.ok()) return SendStatus(res, ds.status());
    auto out = compute(*ds, cp);
    if (!out.ok()) return SendStatus(res, out.status());
    auto body = std::make_shared<const std::string>(std::move(*out));
    // Only one result per key for the moving latest checkpoint: the soak grew
    // the server to 1 GiB keeping every checkpoint's indicators of a 60 k
    // record case in the exact cache.
    if (*at) {
      CachePut(exact, body);
    } else {
      LatestPut(key, Computed{cp.size, std::chrono::steady_clock::now(), body});
    }
    SendText(res, body);
  }

  static Result<int32_t> DayParam(const http::Request& req, const char* name) {
    LIFELINE_ASSIGN_OR_RETURN(std::string d, DateParam(req, name));
    if (d.empty()) return analysis::kNoDay;
    auto day = record::ParseDate(d);
    if (!day.ok()) return day.status().Annotate(std::string("parameter ") + name);
    return static_cast<int32_t>(day->days);
  }

  // ?from=&to= as the indicators' range, with the records behind each value.
  static Result<analysis::IndicatorOptions> RangeParams(const http::Request& req) {
    analysis::IndicatorOptions o;
    LIFELINE_ASSIGN_OR_RETURN(o.from, DayParam(req, "from"));
    LIFELINE_ASSIGN_OR_RETURN(o.to, DayParam(req, "to"));
    o.explain = true;
    return o;
  }

  void Indicators(const http::Request& req, http::Response& res, const Principal& who) {
    Analysis(req, res, who, "indicators", {"from", "to", "at"},
             [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
               LIFELINE_ASSIGN_OR_RETURN(analysis::IndicatorOptions o, RangeParams(req));
               LIFELINE_ASSIGN_OR_RETURN(analysis::Indicators ind, analysis::ComputeIndicators(ds, cp, o));
               return analysis::IndicatorsJsonText(ind);
             });
  }

  // The headline figures (analysis/headline.h): what the dashboard's
  // overview and the report lead with, by the same rules.
  void Headline(const http::Request& req, http::Response& res, const Principal& who) {
    Analysis(req, res, who, "headline", {"from", "to", "at"},
             [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
               LIFELINE_ASSIGN_OR_RETURN(analysis::IndicatorOptions o, RangeParams(req));
               LIFELINE_ASSIGN_OR_RETURN(analysis::Indicators ind, analysis::ComputeIndicators(ds, cp, o));
               LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance c, analysis::ComputeCompliance(ds, cp, o.from, o.to));
               return Dump(analysis::HeadlineJson(analysis::ComputeHeadline(ind, c)));
             });
  }

  void Compliance(const http::Request& req, http::Response& res, const Principal& who) {
    Analysis(req, res, who, "compliance", {"from", "to", "at"},
             [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
               LIFELINE_ASSIGN_OR_RETURN(int32_t from, DayParam(req, "from"));
               LIFELINE_ASSIGN_OR_RETURN(int32_t to, DayParam(req, "to"));
               LIFELINE_ASSIGN_OR_RETURN(analysis::Compliance c, analysis::ComputeCompliance(ds, cp, from, to));
               return Dump(analysis::ComplianceJson(c));
             });
  }

  // <cases_dir>/<case>/scenarios/<name>.toml
  std::vector<std::string> ScenarioNames(const std::string& case_id) {
    std::vector<std::string> names;
    if (opt.cases_dir.empty()) return names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(opt.cases_dir) / case_id / "scenarios", ec)) {
      if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  void Scenarios(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    const std::string case_id = req.matches[1];
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    if (!AdmitCase(**st, who, case_id, res)) return;
    SendJson(res, 200, json{{"ok", true}, {"scenarios", ScenarioNames(case_id)}});
  }

  // The TOML of the case's scenario `name`, one of ScenarioNames.
  Result<std::string> ScenarioText(const std::string& case_id, const std::string& name) {
    static const std::regex name_re("[a-z0-9][a-z0-9_-]{0,63}");
    if (!std::regex_match(name, name_re)) {
      return InvalidArgumentError("parameter scenario must name a scenario (see .../scenarios)");
    }
    auto names = ScenarioNames(case_id);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return NotFoundError("case " + case_id + " has no scenario \"" + name + "\"");
    }
    return store_dir::ReadFile((fs::path(opt.cases_dir) / case_id / "scenarios" / (name + ".toml")).string());
  }

  void Forecast(const http::Request& req, http::Response& res, const Principal& who) {
    const std::string case_id = req.matches[1];
    {  // before anything about the case's scenarios is said
      auto st = Reader();
      if (!st.ok()) return SendStatus(res, st.status());
      if (!AdmitCase(**st, who, case_id, res)) return;
    }
    std::string name = req.get_param_value("scenario");
    auto text = ScenarioText(case_id, name);
    if (!text.ok()) return SendStatus(res, text.status());
    auto sc = analysis::ParseScenario(*text, name + ".toml");
    if (!sc.ok()) return SendStatus(res, sc.status());
    // The file's content is part of the cache key: an edited scenario is recomputed.
    crypto::Hash h = crypto::Sha256(*text);
    Analysis(req, res, who, "forecast", {"scenario", "at"},
             [&](const analysis::Dataset& ds, const analysis::CheckpointRef& cp) -> Result<std::string> {
               LIFELINE_ASSIGN_OR_RETURN(analysis::ForecastModel model, analysis::FitForecast(ds, *sc));
               analysis::ForecastRunOptions ro;
               ro.threads = 1;  // one request, one core: others are served meanwhile
               LIFELINE_ASSIGN_OR_RETURN(auto run, analysis::RunForecast(model, ro));
               analysis::Forecast f{case_id, cp, name, std::move(model), std::move(run)};
               return Dump(analysis::ForecastJson(f));
             },
             HexEncode(ByteSpan(h.data(), h.size())));
  }

  void Report(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {"lang", "from", "to", "at", "scenario"}); !s.ok()) return SendStatus(res, s);
    report::ReportOptions ro;
    ro.case_id = req.matches[1];
    if (req.has_param("lang")) ro.lang = req.get_param_value("lang");
    auto from = DateParam(req, "from");
    auto to = DateParam(req, "to");
    auto at = IntParam(req, "at", 0, INT64_MAX / 2);
    for (const Status& s : {from.status(), to.status(), at.status()}) {
      if (!s.ok()) return SendStatus(res, s);
    }
    ro.from = *from;
    ro.to = *to;
    if (*at) ro.at = static_cast<uint64_t>(**at);
    if (req.has_param("scenario")) {
      auto text = ScenarioText(ro.case_id, req.get_param_value("scenario"));
      if (!text.ok()) return SendStatus(res, text.status());
      ro.scenario_name = req.get_param_value("scenario");
      ro.scenario_toml = std::move(*text);
    }
    ro.file_name = "sitrep-" + ro.case_id + "-" + ro.lang + ".html";
    if (opt.published_checkpoint) ro.published_note = opt.published_checkpoint;
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    if (!AdmitCase(**st, who, ro.case_id, res)) return;
    auto html = report::RenderReport(**st, verifier, ro);
    if (!html.ok()) return SendStatus(res, html.status());
    // A report is a document with inline styles and no script at all.
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    res.set_content(std::move(*html), "text/html; charset=utf-8");
  }

  void Export(const http::Request& req, http::Response& res, const Principal& who) {
    if (Status s = OnlyParams(req, {"format", "kind", "from", "to", "raw"}); !s.ok()) return SendStatus(res, s);
    const std::string case_id = req.matches[1];
    // CSV cells are spreadsheet-safe unless raw=true (export/export.h).
    exports::CsvExportOptions csv;
    if (req.has_param("raw")) {
      const std::string raw = req.get_param_value("raw");
      if (raw != "true" && raw != "false") return SendError(res, 400, "parameter raw must be true or false");
      csv.raw = raw == "true";
    }
    std::string format = req.has_param("format") ? req.get_param_value("format") : "jsonl";
    store::RecordQuery q;
    q.case_id = case_id;
    q.kind = req.get_param_value("kind");
    auto from = DateParam(req, "from");
    auto to = DateParam(req, "to");
    if (!from.ok()) return SendStatus(res, from.status());
    if (!to.ok()) return SendStatus(res, to.status());
    q.from = *from;
    q.to = *to;
    if (format == "csv" && q.kind.empty()) return SendError(res, 400, "format csv needs kind (one kind per CSV)");
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    if (!AdmitCase(**st, who, case_id, res)) return;
    std::vector<json> records;
    Status s = (*st)->ForEachRecord(q, [&](const store::RecordRow& r) {
      records.push_back(json::parse(r.body, nullptr, false));
      return Status::Ok();
    });
    if (!s.ok()) return SendStatus(res, s);
    // The writers never write `confidential` (export/export.h); it is
    // removed here as well so that no writer can be the one that forgets.
    for (auto& r : records) {
      if (r.is_object()) r.erase("confidential");
    }
    Result<std::string> out = InternalError("unset");
    std::string type = "text/csv; charset=utf-8", ext = "csv";
    if (format == "jsonl") {
      out = exports::WriteJsonLines(records);
      type = "application/x-ndjson";
      ext = "jsonl";
    } else if (format == "csv") {
      out = exports::WriteCsv(records, q.kind, csv);
    } else if (format == "hxl") {
      out = exports::WriteHxlCsv(records, csv);
    } else if (format == "acled") {
      out = exports::WriteAcledCsv(records, csv);
    } else if (format == "geojson") {
      auto g = exports::WriteGeoJson(records);
      out = g.ok() ? Result<std::string>(std::move(g->text)) : Result<std::string>(g.status());
      type = "application/geo+json";
      ext = "geojson";
    } else {
      return SendError(res, 400, "format must be jsonl, csv, hxl, acled or geojson");
    }
    if (!out.ok()) return SendStatus(res, out.status());
    res.set_header("Content-Disposition", "attachment; filename=\"" + case_id + "." + format + "." + ext + "\"");
    res.set_content(std::move(*out), type.c_str());
  }

  void Checkpoint(const http::Request& req, http::Response& res, bool as_json) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    auto cp = (*st)->LatestCheckpoint();
    if (!cp.ok()) return SendStatus(res, cp.status());
    std::string text = opt.published_checkpoint ? opt.published_checkpoint(cp->note) : cp->note;
    res.set_header("Cache-Control", "no-cache");
    if (!as_json) return res.set_content(text, "text/plain; charset=utf-8");
    auto opened = note::OpenCheckpoint(cp->note, verifier);
    if (!opened.ok()) return SendStatus(res, opened.status());
    SendJson(res, 200,
             json{{"ok", true}, {"size", cp->size}, {"root", Base64Encode(opened->checkpoint.root)},
                  {"origin", opened->checkpoint.origin}, {"note", text}, {"vkey", verifier.ToString()}});
  }

  // The witness policy readers check the checkpoint's cosignatures against
  // (the dashboard pins it as it pins the log's key: web/js/trust.js).
  void WitnessPolicy(const http::Request& req, http::Response& res) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    std::string text = "log " + verifier.ToString() + "\nquorum none\n";
    if (opt.witness_policy) {
      auto p = opt.witness_policy();
      if (!p.ok()) return SendStatus(res, p.status());
      text = std::move(*p);
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::move(text), "text/plain; charset=utf-8");
  }

  // RFC 9162 section 2.1.4 consistency proof between two sizes of the
  // latest tree (from >= 1: a proof from the empty tree says nothing).
  void Consistency(const http::Request& req, http::Response& res) {
    if (Status s = OnlyParams(req, {"from", "to"}); !s.ok()) return SendStatus(res, s);
    auto from = IntParam(req, "from", 1, INT64_MAX / 2);
    if (!from.ok()) return SendStatus(res, from.status());
    auto to = IntParam(req, "to", 1, INT64_MAX / 2);
    if (!to.ok()) return SendStatus(res, to.status());
    if (!*from || !*to) return SendError(res, 400, "parameters from and to are required");
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    auto cp = (*st)->LatestCheckpoint();
    if (!cp.ok()) return SendStatus(res, cp.status());
    const auto size1 = static_cast<uint64_t>(**from);
    const auto size2 = static_cast<uint64_t>(**to);
    if (size1 > size2 || size2 > cp->size) {
      return SendError(res, 400, "need 1 <= from <= to <= " + std::to_string(cp->size) + " (the latest tree size)");
    }
    log::LogReader reader(&**st);
    auto proof = reader.ConsistencyProof(size1, size2);
    if (!proof.ok()) return SendStatus(res, proof.status());
    json hashes = json::array();
    for (const auto& h : *proof) hashes.push_back(Base64Encode(h));
    SendJson(res, 200, json{{"ok", true}, {"from", size1}, {"to", size2}, {"proof", hashes}});
  }

  void Tile(const http::Request& req, http::Response& res) {
    std::string path = "tile/" + std::string(req.matches[1]);
    auto id = merkle::ParseTilePath(path);
    if (!id.ok()) return SendError(res, 404, "not a tile path: " + id.status().message());
    if (id->is_full()) {
      std::lock_guard<std::mutex> lock(tile_mu);
      auto it = tiles.find(path);
      if (it != tiles.end()) return SendTile(res, *id, it->second);
    }
    auto st = Reader();
    if (!st.ok()) return SendStatus(res, st.status());
    // Only tiles of the latest checkpoint's tree exist (a full tile whose
    // last hash is not in the tree yet is not found, not an error).
    auto cp = (*st)->LatestCheckpoint();
    if (!cp.ok()) return SendStatus(res, cp.status());
    const uint64_t have = id->is_entries() ? cp->size : (id->level * 8 >= 64 ? 0 : cp->size >> (id->level * 8));
    if (id->index > (have / merkle::kTileWidth) || id->index * merkle::kTileWidth + id->width > have) {
      return SendError(res, 404, "no such tile in the tree of size " + std::to_string(cp->size) + ": " + path);
    }
    log::LogReader reader(&**st);
    auto data = reader.TileAt(*id);
    if (!data.ok()) {
      if (data.status().code() == ErrorCode::kNotFound) return SendError(res, 404, "no such tile: " + path);
      return SendStatus(res, data.status());
    }
    auto shared = std::make_shared<const std::string>(std::move(*data));
    if (id->is_full()) {
      std::lock_guard<std::mutex> lock(tile_mu);
      if (tiles.size() >= kTileCacheEntries) tiles.erase(tiles.begin());
      tiles.emplace(path, shared);
    }
    SendTile(res, *id, shared);
  }

  static void SendTile(http::Response& res, const merkle::TileId& id, const std::shared_ptr<const std::string>& data) {
    // A full tile never changes; a partial one is replaced by a wider one
    // as the log grows, but its own bytes never change either.
    res.set_header("Cache-Control", id.is_full() ? "public, max-age=31536000, immutable" : "public, max-age=60");
    // Written straight from the cached bytes, which the response keeps
    // alive: no copy of the tile (up to ~77 KiB for a bundle) per request.
    res.set_shared_content(data, "application/octet-stream");
  }

  // LogHidesCases as last read, without touching the store (for the event
  // thread): true when not read within the last second.
  bool LogHidesCasesCached() {
    std::lock_guard<std::mutex> lock(hides_mu);
    return hides_cases || std::chrono::steady_clock::now() - hides_when >= std::chrono::seconds(1);
  }

  // A cached full tile is sent from the event thread, with no worker and no
  // store: only where Guard would admit anyone (no --private-log, no
  // Authorization header to check, and for an entry bundle a log known,
  // within the last second, to hold public cases only).
  void FastTiles() {
    http.set_fast_handler([this](const http::Request& req, http::Response& res) {
      if (opt.private_log || (req.method != "GET" && req.method != "HEAD") || req.has_header("Authorization") ||
          req.path.rfind("/tile/", 0) != 0) {
        return false;
      }
      if (req.path.rfind("/tile/entries/", 0) == 0 && LogHidesCasesCached()) return false;
      std::shared_ptr<const std::string> data;
      {
        std::lock_guard<std::mutex> lock(tile_mu);
        auto it = tiles.find(req.path.substr(1));
        if (it == tiles.end()) return false;
        data = it->second;
      }
      auto id = merkle::ParseTilePath(req.path.substr(1));
      if (!id.ok()) return false;
      SendTile(res, *id, data);
      return true;
    });
  }

  void Tokens(const http::Request& req, http::Response& res) {
    if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
    auto list = tokens.List();
    if (!list.ok()) return SendStatus(res, list.status());
    json arr = json::array();
    for (const auto& t : *list) {
      arr.push_back({{"id", t.id}, {"role", RoleName(t.role)}, {"label", t.label}, {"created", t.created},
                     {"revoked", t.revoked}});
    }
    SendJson(res, 200, json{{"ok", true}, {"tokens", arr}});
  }

  // --- after writes ---------------------------------------------------------

  void NotifyWrite() {
    if (!opt.after_write) return;
    std::lock_guard<std::mutex> lock(after_mu);
    after_pending = true;
    after_cv.notify_one();
  }

  void AfterWriteLoop() {
    std::unique_lock<std::mutex> lock(after_mu);
    for (;;) {
      after_cv.wait(lock, [&] { return after_pending || after_stop; });
      if (after_stop) return;
      after_pending = false;  // writes during the call trigger one more run
      lock.unlock();
      opt.after_write();
      lock.lock();
    }
  }

  // --- wiring ---------------------------------------------------------------

  using Handler = std::function<void(const http::Request&, http::Response&, const Principal&)>;

  http::Handler Guard(Access access, Handler h) {
    return [this, access, h = std::move(h)](const http::Request& req, http::Response& res) {
      auto who = Admit(req, res, access);
      if (!who) return;
      h(req, res, *who);
    };
  }

  void Routes() {
    auto bind = [this](void (Impl::*m)(const http::Request&, http::Response&, const Principal&)) -> Handler {
      return [this, m](const http::Request& q, http::Response& r, const Principal& p) { (this->*m)(q, r, p); };
    };
    // The router tries the patterns in this order, one regex match each:
    // the log's tiles, fetched in bulk, come first.
    http.Get("/checkpoint",
             Guard(Access::kLog, [this](const auto& q, auto& r, const Principal&) { Checkpoint(q, r, false); }));
    http.Get(R"(/tile/(entries/.+))",
             Guard(Access::kEntries, [this](const auto& q, auto& r, const Principal&) { Tile(q, r); }));
    http.Get(R"(/tile/(.+))", Guard(Access::kLog, [this](const auto& q, auto& r, const Principal&) { Tile(q, r); }));
    http.Get("/api/v1/cases", Guard(Access::kRead, bind(&Impl::Cases)));
    http.Get("/api/v1/records", Guard(Access::kRead, bind(&Impl::ListRecords)));
    http.Post("/api/v1/records", Guard(Access::kSubmit, bind(&Impl::Submit)));
    http.Get(R"(/api/v1/records/([a-z0-9._:-]{1,200}))", Guard(Access::kRead, bind(&Impl::ShowRecord)));
    const std::string c = R"(/api/v1/cases/([a-z0-9._:-]{1,200}))";
    http.Get(c + "/indicators", Guard(Access::kRead, bind(&Impl::Indicators)));
    http.Get(c + "/compliance", Guard(Access::kRead, bind(&Impl::Compliance)));
    http.Get(c + "/headline", Guard(Access::kRead, bind(&Impl::Headline)));
    http.Get(c + "/scenarios", Guard(Access::kRead, bind(&Impl::Scenarios)));
    http.Get(c + "/forecast", Guard(Access::kRead, bind(&Impl::Forecast)));
    http.Get(c + "/export", Guard(Access::kRead, bind(&Impl::Export)));
    http.Get(c + "/report", Guard(Access::kRead, bind(&Impl::Report)));
    http.Get("/api/v1/checkpoint",
             Guard(Access::kLog, [this](const auto& q, auto& r, const Principal&) { Checkpoint(q, r, true); }));
    http.Get("/witness-policy",
             Guard(Access::kLog, [this](const auto& q, auto& r, const Principal&) { WitnessPolicy(q, r); }));
    http.Get("/api/v1/consistency",
             Guard(Access::kLog, [this](const auto& q, auto& r, const Principal&) { Consistency(q, r); }));
    http.Get("/api/v1/tokens", Guard(Access::kAdmin, [this](const auto& q, auto& r, const Principal&) { Tokens(q, r); }));
    http.Get("/openapi.json", [](const http::Request&, http::Response& res) {
      res.set_content(std::string(OpenApiDocument()), "application/json");
    });
    http.Get("/verify.html", [this](const http::Request&, http::Response& res) { VerifierPage(res); });
  }

  // verify.html is one page with inline script and styles that loads nothing
  // (its own CSP meta tag says the same); its pins change with the policy.
  void VerifierPage(http::Response& res) {
    if (!opt.verifier_page) return SendError(res, 404, "not found");
    auto page = opt.verifier_page();
    if (!page.ok()) return SendStatus(res, page.status());
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
                   "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::move(*page), "text/html; charset=utf-8");
  }

  void Headers() {
    http.set_post_routing_handler([this](const http::Request& req, http::Response& res) {
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Cross-Origin-Opener-Policy", "same-origin");
      // The dashboard loads its own scripts and styles only. Reports and
      // verify.html set their own policy (a second header would be
      // enforced too, and block verify.html's inline script).
      if (!res.has_header("Content-Security-Policy")) {
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
      }
      if (req.path.rfind("/api/", 0) == 0 && !res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
      if (!opt.cors_origin.empty()) {
        res.set_header("Access-Control-Allow-Origin", opt.cors_origin);
        res.set_header("Vary", "Origin");
      }
    });
    // Rate limits before anything else: by token id when the token is
    // valid, else by remote address. The log's tiles are exempt: mirrors and
    // witnesses fetch them in bulk, and they are immutable and cached.
    http.set_pre_routing_handler([this](const http::Request& req, http::Response& res) {
      int retry = 1;
      if (limiter.enabled() && req.path.rfind("/tile/", 0) != 0 && !limiter.Allow(LimitKey(req), &retry)) {
        res.set_header("Retry-After", std::to_string(retry));
        SendError(res, 429, "too many requests; retry in " + std::to_string(retry) + " s");
        return http::HandlerResponse::kHandled;
      }
      // web/ holds the npm tree the dashboard's files are copied from: never served.
      if (req.path.rfind("/node_modules", 0) == 0 || req.path.find("/.") != std::string::npos) {
        SendError(res, 404, "not found");
        return http::HandlerResponse::kHandled;
      }
      if (req.method == "OPTIONS" && opt.cors_origin.empty()) {
        SendError(res, 403, "cross-origin requests are not enabled on this server (serve --cors-origin)");
        return http::HandlerResponse::kHandled;
      }
      return http::HandlerResponse::kUnhandled;
    });
    http.set_error_handler([](const http::Request&, http::Response& res) {
      if (!res.body.empty()) return;
      std::string msg = res.status == 413 ? "request body too large" : res.status == 404 ? "not found" : "error";
      SendError(res, res.status, msg);
    });
    http.set_exception_handler([](const http::Request& req, http::Response& res, std::exception_ptr ep) {
      // The exception's text goes to the operator's log, never to the caller.
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s %s: %s\n", req.method.c_str(), req.path.c_str(), e.what());
      } catch (...) {
        std::fprintf(stderr, "internal error: %s %s: an unknown exception\n", req.method.c_str(), req.path.c_str());
      }
      SendError(res, 500, "internal error");
    });
    if (opt.access_log) {
      http.set_logger([](const http::Request& req, const http::Response& res) {
        // The method, path and status only: never headers (tokens) or bodies.
        std::time_t t = std::time(nullptr);
        char ts[32];
        std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
        std::fprintf(stderr, "%s %s %s %s %d\n", ts, req.remote_addr.c_str(), req.method.c_str(), req.path.c_str(),
                     res.status);
      });
    }
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  if (impl_->after_thread.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->after_mu);
      impl_->after_stop = true;
    }
    impl_->after_cv.notify_one();
    impl_->after_thread.join();
  }
}

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(options.store_dir));
  auto cp = rs.store->LatestCheckpoint();
  if (!cp.ok()) return cp.status();
  auto opened = note::OpenCheckpoint(cp->note, rs.verifier);
  if (!opened.ok()) return opened.status().Annotate("the store's latest checkpoint does not verify");
  if (!options.web_dir.empty() && !fs::is_directory(options.web_dir)) {
    return NotFoundError("the dashboard directory " + options.web_dir + " does not exist");
  }
  auto impl = std::make_unique<Impl>(std::move(options), rs.verifier);
  impl->pool.push_back(std::move(rs.store));
  Impl* p = impl.get();
  impl->Routes();
  impl->Headers();
  impl->FastTiles();
  if (!impl->opt.web_dir.empty()) {
    // The dashboard's own files only (web/index.html and what it loads:
    // scripts/web.sh vendors the libraries into web/vendor/); never
    // package.json, node_modules, dotfiles, licences or source maps.
    http::StaticAllowlist allow;
    allow.files = {"index.html"};
    allow.dirs = {"css", "js", "i18n", "vendor"};
    allow.extensions = {".css", ".js", ".json", ".png"};
    impl->http.set_mount_point(impl->opt.web_dir, std::move(allow));
  }
  if (impl->opt.after_write) {
    impl->after_pending = true;  // once at start too: a checkpoint may wait for its cosignatures
    impl->after_thread = std::thread([p] { p->AfterWriteLoop(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::ExposureNote() {
  if (impl_->opt.private_log) return "the log is private (--private-log): its checkpoint and tiles need a token";
  if (impl_->LogHidesCases()) {
    return "the log holds cases that are not public: its entry bundles (/tile/entries/...) need a token; "
           "the checkpoint and hash tiles, which show no record, are public";
  }
  return "every case in the log is public: its checkpoint and tiles, records included, are readable by anyone "
         "(entry bundles will need a token if a case is made private; --private-log closes them all)";
}

Status Server::Run(const std::function<void(int port)>& ready) {
  const ServerOptions& o = impl_->opt;
  http::Options h;
  h.host = o.host;
  h.port = o.port;
  h.max_body_bytes = o.max_body_bytes;
  h.max_connections = o.max_connections;
  h.max_per_address = o.max_per_address;
  h.idle_timeout = std::chrono::seconds(o.idle_timeout_seconds);
  h.header_timeout = std::chrono::milliseconds(static_cast<int64_t>(o.header_timeout_seconds * 1000));
  h.threads = o.threads;
  return impl_->http.Listen(h, ready);
}

void Server::Stop() { impl_->http.Stop(); }

}  // namespace lifeline::server
