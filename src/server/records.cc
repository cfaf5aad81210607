// GET /api/v1/cases, /api/v1/records and /api/v1/records/<id>.
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "base/kinds.h"
#include "record/corroboration.h"
#include "record/seal.h"
#include "record/view.h"
#include "server/handlers.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

// The filters of GET /api/v1/records, checked.
Result<store::RecordQuery> RecordFilters(const http::Request& req) {
  LIFELINE_RETURN_IF_ERROR(OnlyParams(req, {"case", "kind", "route", "from", "to", "text", "limit", "offset", "all"}));
  store::RecordQuery q;
  q.case_id = req.get_param_value("case");
  q.kind = req.get_param_value("kind");
  q.route = req.get_param_value("route");
  q.text = req.get_param_value("text");
  LIFELINE_ASSIGN_OR_RETURN(q.from, DateParam(req, "from"));
  LIFELINE_ASSIGN_OR_RETURN(q.to, DateParam(req, "to"));
  return q;
}

// One listed record: where it is, its status and its body as anyone may see it.
Result<json> ListedRecord(store::LogStore& st, const store::RecordRow& r) {
  LIFELINE_ASSIGN_OR_RETURN(auto corr, record::Corroborate(st, r.id));
  json body = record::WithheldBody(r.body);
  return json{{"index", r.index}, {"id", r.id}, {"kind", r.kind}, {"case", r.case_id},
              {"date_from", r.date_from}, {"date_to", r.date_to}, {"status", corr.status},
              {"summary", record::Summary(body)}, {"record", body}};
}

// 404 for a record that is not there (or that the caller may not read).
// On a server reading a replica it may be one written since and not yet
// replayed: the answer says so, with Retry-After.
void SendNoRecord(Context& c, store::LogStore& st, const std::string& id, http::Response& res) {
  std::string message = "no record \"" + id + "\"";
  if (c.replica()) {
    auto cp = st.LatestCheckpoint();
    if (!cp.ok()) return SendStatus(res, cp.status());
    message += " on this server's replica of the log, which has replayed it up to size " + std::to_string(cp->size) +
               ": a record written since may not be here yet";
    res.set_header("Retry-After", "1");
  }
  SendError(res, 404, message);
}

}  // namespace

void GetCases(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  auto vis = Gate::VisibilityFor(**st, who);
  if (!vis.ok()) return SendStatus(res, vis.status());
  store::RecordQuery q;
  q.kind = kinds::kCase;
  json cases = json::array();
  Status s = (*st)->ForEachRecord(q, [&](const store::RecordRow& r) -> Status {
    if (vis->CanRead(r.case_id)) {
      // A case is listed by its case id; a corrected case record (its own
      // id differs) says which record it is.
      json cj = record::WithheldBody(r.body);
      if (cj.is_object() && r.id != r.case_id) {
        cj["record_id"] = r.id;
        cj["id"] = r.case_id;
      }
      cases.push_back(std::move(cj));
    }
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  SendJson(res, 200, json{{"ok", true}, {"cases", cases}});
}

void GetRecords(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  auto q = RecordFilters(req);
  auto limit = IntParam(req, "limit", 1, 1000);
  auto offset = IntParam(req, "offset", 0, INT64_MAX / 2);
  for (const Status& s : {q.status(), limit.status(), offset.status()}) {
    if (!s.ok()) return SendStatus(res, s);
  }
  if (req.has_param("all")) {
    std::string a = req.get_param_value("all");
    if (a != "true" && a != "false") return SendError(res, 400, "parameter all must be true or false");
    q->current_only = a != "true";
  }
  const uint64_t lim = limit->value_or(100), off = offset->value_or(0);
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  // A case the caller may not read lists as empty, as a missing one does.
  auto vis = Gate::VisibilityFor(**st, who);
  if (!vis.ok()) return SendStatus(res, vis.status());
  uint64_t total = 0;
  std::vector<store::RecordRow> page;
  Status s = (*st)->ForEachRecord(*q, [&](const store::RecordRow& r) -> Status {
    if (!vis->CanRead(r.case_id)) return Status::Ok();
    if (total >= off && page.size() < lim) page.push_back(r);
    ++total;
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  json items = json::array();
  for (const auto& r : page) {
    auto item = ListedRecord(**st, r);
    if (!item.ok()) return SendStatus(res, item.status());
    items.push_back(std::move(*item));
  }
  SendJson(res, 200, json{{"ok", true}, {"records", items}, {"total", total}, {"offset", off}, {"limit", lim}});
}

void GetRecord(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  const std::string id = req.matches[1];
  auto st = c.readers.Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  auto row = (*st)->FindRecord(id);
  if (!row.ok() && row.status().code() != ErrorCode::kNotFound) return SendStatus(res, row.status());
  auto vis = Gate::VisibilityFor(**st, who);
  if (!vis.ok()) return SendStatus(res, vis.status());
  // A record the caller may not read gets the answer of a missing one.
  if (!row.ok() || !vis->CanRead(row->case_id)) return SendNoRecord(c, **st, id, res);
  // Confidential fields are opened for the roles that may read them, never
  // for viewers or anonymous callers.
  std::optional<record::SealKey> key;
  if (who.AtLeast(Role::kVerifier)) {
    auto k = record::LoadSealKey(c.opt.store_dir);
    if (k.ok()) {
      key = std::move(*k);
    } else if (k.status().code() != ErrorCode::kNotFound) {  // no key: nothing was ever sealed
      return SendStatus(res, k.status());
    }
  }
  auto view = record::ViewRecord(**st, c.verifier, id, key ? &*key : nullptr);
  if (!view.ok()) return SendStatus(res, view.status());
  // The checkpoint as published (with the witnesses' cosignatures when
  // they are of this very checkpoint), in the note and the receipt: the
  // dashboard and verify.html check the quorum on the note the proof is
  // against.
  record::UsePublishedCheckpoint(*view, c.opt.published_checkpoint);
  SendJson(res, 200, *view);
}

}  // namespace lifeline::server
