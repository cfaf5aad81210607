// POST /api/v1/records: records as JSON (an object or an array) or JSON
// Lines, validated and appended to the log in one batch (record/submit.h),
// or only checked with dry_run=true. Writes are serialised by
// Context::write_mu within this process; across processes by the store's
// LOCK on SQLite (a busy store is a 503 with Retry-After), and on
// PostgreSQL by the log itself, which rebases on a head another writer
// moved and re-checks ids checked before the move (log/log.h). A server
// reading a replica (--read-db) checks a write against the primary.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/kinds.h"
#include "log/log.h"
#include "record/canonical.h"
#include "record/seal.h"
#include "record/submit.h"
#include "server/handlers.h"
#include "server/reply.h"
#include "store_dir/store_dir.h"

namespace lifeline::server {
namespace {

using nlohmann::json;
using Candidates = std::vector<record::Candidate>;
constexpr size_t kMaxRecords = 10000;

// One candidate per non-blank line; false with res filled on a bad line.
bool ParseJsonLines(const std::string& body, Candidates* out, http::Response& res) {
  size_t line = 0, pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string_view text(body.data() + pos, end - pos);
    ++line;
    pos = end + 1;
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto rec = record::ParseJson(text);
    if (!rec.ok()) {
      SendError(res, 400, "request line " + std::to_string(line) + ": " + rec.status().message());
      return false;
    }
    out->push_back({"request:" + std::to_string(line), std::move(*rec)});
  }
  return true;
}

// The request's records by its Content-Type; false with res filled when
// they cannot be read, there are none or too many.
bool ParseCandidates(const http::Request& req, Candidates* out, http::Response& res) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  if (type == "application/json") {
    auto doc = record::ParseJson(req.body);
    if (!doc.ok()) {
      SendError(res, 400, "request body: " + doc.status().message());
      return false;
    }
    if (doc->is_array()) {
      for (size_t i = 0; i < doc->size(); ++i) out->push_back({"request[" + std::to_string(i) + "]", (*doc)[i]});
    } else {
      out->push_back({"request", std::move(*doc)});
    }
  } else if (type == "application/x-ndjson" || type == "application/jsonl") {
    if (!ParseJsonLines(req.body, out, res)) return false;
  } else {
    SendError(res, 415, "send records as application/json (an object or an array) or application/x-ndjson");
    return false;
  }
  if (out->empty()) {
    SendError(res, 400, "no records in the request");
    return false;
  }
  if (out->size() > kMaxRecords) {
    SendError(res, 413, "at most 10000 records per request");
    return false;
  }
  return true;
}

// A verifier adds claims (corroboration, disputes) and nothing else.
Status OnlyClaims(const Candidates& candidates) {
  for (const auto& c : candidates) {
    const json* kind = c.record.is_object() && c.record.contains("kind") ? &c.record.at("kind") : nullptr;
    if (kind == nullptr || !kind->is_string() || *kind != kinds::kClaim) {
      return FailedPreconditionError(c.where + ": the verifier role submits only claim records (monitor or admin for other kinds)");
    }
  }
  return Status::Ok();
}

// A verifier corrects only claims it wrote: a claim's `supersedes` must
// name a record of the log recorded `by` this token (or one earlier in the
// same request, which the token writes). Monitors and admins may correct
// anyone's records; the record view says when a correction is of another
// author's record.
Status OnlyOwnClaims(store::LogStore& st, const Candidates& candidates, const Principal& who) {
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

// Checks as a real write would; with no key yet, a fresh one (a dry run
// creates nothing).
Result<record::SubmitReport> DryRun(Context& c, store::LogStore& reader, Candidates candidates,
                                    record::SubmitOptions so) {
  auto key = record::LoadSealKey(c.opt.store_dir);
  so.seal_key = std::make_shared<const record::SealKey>(key.ok() ? std::move(*key) : record::SealKey::Generate());
  return record::Submit(std::move(candidates), reader, nullptr, so);
}

// Opens the log for writing (write_mu held) into c.writer / c.writer_key;
// false with res filled when the store is busy or cannot be opened.
bool OpenWriter(Context& c, http::Response& res) {
  auto ws = store_dir::OpenWritable(c.opt.store_dir);
  if (!ws.ok()) {
    // FailedPrecondition: on SQLite another writer holds the lock (a CLI
    // import, `publish`); on PostgreSQL the directory names another log's
    // database. The message says which.
    if (ws.status().code() == ErrorCode::kFailedPrecondition) {
      res.set_header("Retry-After", "1");
      SendError(res, 503, "the store cannot take writes now: " + ws.status().message());
    } else {
      SendStatus(res, ws.status());
    }
    return false;
  }
  // Under the writer's lock: a store older than sealing gets its key now.
  auto key = record::LoadOrCreateSealKey(c.opt.store_dir);
  if (!key.ok()) {
    SendStatus(res, key.status());
    return false;
  }
  const bool keep = ws->lock == nullptr;  // PostgreSQL: no lock to release between writes
  auto lg = log::Log::Open(std::move(ws->store), ws->signer);
  if (!lg.ok()) {
    SendStatus(res, lg.status());
    return false;
  }
  c.writer = std::move(*lg);
  c.writer_key = std::make_shared<const record::SealKey>(std::move(*key));
  if (!keep) c.writer_lock = std::move(ws->lock);
  return true;
}

// Appends (write_mu held): sets *rep and *checkpoint; false with res filled
// when the store is busy or cannot be opened for writing. On PostgreSQL the
// log stays open for the next request (it rebases on other writers'
// commits) unless the write failed, when the next request opens it afresh;
// on SQLite it is closed, and the LOCK released, after every write.
bool Append(Context& c, store::LogStore& reader, Candidates candidates, record::SubmitOptions so,
            Result<record::SubmitReport>* rep, std::string* checkpoint, http::Response& res) {
  if (c.writer == nullptr && !OpenWriter(c, res)) return false;
  so.seal_key = c.writer_key;
  *rep = record::Submit(std::move(candidates), reader, c.writer.get(), so);
  *checkpoint = c.writer->checkpoint();
  if (c.writer_lock != nullptr || !rep->ok()) {
    c.writer.reset();
    c.writer_lock.reset();
  }
  return true;
}

json ReportJson(const record::SubmitReport& rep, bool dry_run, const std::string& checkpoint) {
  json rejections = json::array();
  for (const auto& r : rep.rejections) {
    rejections.push_back(r.ToJson());
  }
  json out = {{"ok", rep.rejected == 0},  {"dry_run", dry_run},   {"candidates", rep.candidates},
              {"accepted", rep.accepted}, {"unchanged", rep.unchanged}, {"rejected", rep.rejected},
              {"written", rep.written},   {"rejections", rejections}};
  if (rep.first_index) out["first_index"] = *rep.first_index;
  if (!checkpoint.empty()) out["checkpoint"] = checkpoint;
  return out;
}

}  // namespace

std::optional<Written> WriteRecords(Context& c, Candidates candidates, const Principal& who, bool dry_run,
                                    http::Response& res) {
  const bool verifier_only = !who.AtLeast(Role::kMonitor);
  if (verifier_only) {
    if (Status s = OnlyClaims(candidates); !s.ok()) return SendError(res, 403, s.message()), std::nullopt;
  }
  record::SubmitOptions so;
  so.dry_run = dry_run;
  so.principal = who.name();
  Result<record::SubmitReport> rep = InternalError("not run");
  std::string checkpoint;
  {
    std::lock_guard<std::mutex> lock(c.write_mu);
    auto reader = c.write_checks().Borrow();
    if (!reader.ok()) return SendStatus(res, reader.status()), std::nullopt;
    if (verifier_only) {
      if (Status s = OnlyOwnClaims(**reader, candidates, who); !s.ok()) return SendError(res, 403, s.message()), std::nullopt;
    }
    if (dry_run) {
      rep = DryRun(c, **reader, std::move(candidates), so);
    } else if (!Append(c, **reader, std::move(candidates), so, &rep, &checkpoint, res)) {
      return std::nullopt;
    }
  }
  if (!rep.ok()) return SendStatus(res, rep.status()), std::nullopt;
  if (rep->written) c.after_write.Notify();
  return Written{std::move(*rep), std::move(checkpoint)};
}

void PostRecords(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {"dry_run"}); !s.ok()) return SendStatus(res, s);
  const bool dry_run = req.get_param_value("dry_run") == "true";
  Candidates candidates;
  if (!ParseCandidates(req, &candidates, res)) return;
  auto w = WriteRecords(c, std::move(candidates), who, dry_run, res);
  if (!w) return;
  const record::SubmitReport& rep = w->report;
  SendJson(res, rep.rejected == 0 ? (rep.written ? 201 : 200) : 422, ReportJson(rep, dry_run, w->checkpoint));
}

}  // namespace lifeline::server
