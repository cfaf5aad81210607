#include "record/view.h"

#include "base/bytes.h"
#include "base/kinds.h"
#include "log/log.h"
#include "log/reader.h"
#include "merkle/hash.h"
#include "merkle/proof.h"
#include "note/checkpoint.h"
#include "note/receipt.h"
#include "record/corroboration.h"

namespace lifeline::record {

using nlohmann::json;

namespace {

json Withhold(json j) {
  if (j.is_object() && j.contains("confidential")) j["confidential"] = "(withheld)";
  return j;
}

}  // namespace

json WithheldBody(const std::string& body) { return Withhold(json::parse(body, nullptr, false)); }

std::string Summary(const json& r) {
  for (const char* k : {"title", "name", "description", "text", "reason", "event_type", "status", "utility"}) {
    if (r.contains(k) && r[k].is_string()) {
      std::string s = r[k].get<std::string>();
      if (s.size() > 60) {
        size_t cut = 57;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
        s = s.substr(0, cut) + "...";
      }
      return s;
    }
  }
  return "";
}

namespace {

// True when the entry's confidential member (if any) is sealed, so that its
// bytes may be shown to anyone.
// Who recorded an entry (its `by`), or "".
std::string AuthorOf(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  return j.is_object() && j.contains("by") && j.at("by").is_string() ? j.at("by").get<std::string>() : "";
}

bool EntryIsPublishable(const json& entry) {
  if (!entry.is_object() || !entry.contains("confidential")) return true;
  const json& c = entry["confidential"];
  return c.is_object() && c.contains("sealed");
}

}  // namespace

Result<json> ViewRecord(store::LogStore& st, const note::Verifier& log_key, const std::string& id,
                        const SealKey* reveal) {
  LIFELINE_ASSIGN_OR_RETURN(store::RecordRow row, st.FindRecord(id));
  LIFELINE_ASSIGN_OR_RETURN(Corroboration corr, Corroborate(st, id));
  json body = json::parse(row.body, nullptr, false);
  // The entry equals row.body (checked below): whether its bytes may be shown.
  const bool publishable = EntryIsPublishable(body);
  json rec;
  if (reveal != nullptr) {
    auto opened = UnsealConfidential(body, *reveal);
    if (!opened.ok()) return opened.status().Annotate("record " + id);
    rec = std::move(*opened);
  } else {
    rec = Withhold(std::move(body));
  }
  // History: older versions through `supersedes`, newer through referrers.
  // Each step goes to an earlier entry (a record supersedes only what came
  // before it: store.h), so the walk ends even on a cycle an old log holds.
  std::vector<std::string> older, newer;
  // Only earlier versions of the same case (store.h Replaces), so the walk
  // ends even on a cycle an old log may hold.
  bool corrects_another_author = false;
  uint64_t at = row.index;
  for (std::string cur = row.supersedes; !cur.empty();) {
    auto r = st.FindRecord(cur);
    if (!r.ok() || r->index >= at || !store::SameCase(*r, row.case_id)) break;
    if (older.empty()) corrects_another_author = AuthorOf(r->body) != AuthorOf(row.body);
    older.push_back(cur);
    at = r->index;
    cur = r->supersedes;
  }
  std::vector<store::RecordRow> refs;
  LIFELINE_RETURN_IF_ERROR(st.ForEachReferrer(id, [&](const store::RecordRow& r) {
    if (store::SameCase(r, row.case_id)) refs.push_back(r);
    return Status::Ok();
  }));
  json claims = json::array();
  for (const auto& r : refs) {
    if (r.supersedes == id && r.index > row.index) newer.push_back(r.id);
    if (r.kind == kinds::kClaim) {
      json c = json::parse(r.body, nullptr, false);
      json claim = {{"id", r.id}, {"stance", c.value("stance", "")}, {"party", c.value("party", "")},
                    {"text", c.value("text", "")}};
      // A claim about one field: which, and what the party says it is.
      if (c.contains("field")) claim["field"] = c.at("field");
      if (c.contains("value")) claim["value"] = c.at("value");
      claims.push_back(std::move(claim));
    }
  }
  json sources = json::array();
  if (rec.contains("sources") && rec["sources"].is_array()) {
    for (const auto& s : rec["sources"]) {
      if (!s.is_string()) continue;
      auto sr = st.FindRecord(s.get<std::string>());
      if (!sr.ok() || !store::SameCase(*sr, row.case_id)) continue;
      json sj = json::parse(sr->body, nullptr, false);
      sources.push_back({{"id", sr->id}, {"publisher", sj.value("publisher", "")}, {"title", sj.value("title", "")},
                         {"url", sj.value("url", "")}, {"published", sj.value("published", "")}});
    }
  }
  // Inclusion of the entry in the latest checkpoint, checked here.
  LIFELINE_ASSIGN_OR_RETURN(store::StoredCheckpoint cp, st.LatestCheckpoint());
  auto opened = note::OpenCheckpoint(cp.note, log_key);
  if (!opened.ok()) return opened.status().Annotate("the latest checkpoint does not verify");
  log::LogReader reader(&st);
  LIFELINE_ASSIGN_OR_RETURN(std::string entry, reader.Entry(row.index));
  if (entry != row.body) {
    return CorruptionError("the query tables' copy of " + id + " differs from log entry " + std::to_string(row.index) +
                           " (run `lifeline reindex`)");
  }
  LIFELINE_ASSIGN_OR_RETURN(std::string receipt, log::MakeReceipt(reader, row.index, cp.size, cp.note));
  LIFELINE_ASSIGN_OR_RETURN(std::vector<merkle::Hash> proof, reader.InclusionProof(row.index, cp.size));
  Status proven =
      merkle::VerifyInclusion(row.index, cp.size, merkle::LeafHash(AsBytes(entry)), proof, opened->checkpoint.root);
  if (!proven.ok()) return CorruptionError("inclusion proof fails: " + proven.message());
  json proof_b64 = json::array();
  for (const auto& h : proof) proof_b64.push_back(Base64Encode(h));
  std::string root = Base64Encode(opened->checkpoint.root);
  json out = {{"ok", true},
              {"record", rec},
              {"index", row.index},
              {"status", corr.status},
              {"publishers", corr.publishers},
              {"confirmed_by", corr.confirmed_by},
              {"disputed_by", corr.disputed_by},
              {"disputed_fields", corr.disputed_fields},
              {"retracted_by", corr.retracted_by},
              {"claims", claims},
              {"sources", sources},
              {"older_versions", older},
              {"corrects_another_author", corrects_another_author},
              {"newer_versions", newer},
              {"checkpoint", {{"size", cp.size}, {"root", root}}},
              {"checkpoint_note", cp.note},
              {"receipt", receipt},
              {"leaf_index", row.index},
              {"tree_size", cp.size},
              {"root", root},
              {"proof", proof_b64}};
  if (publishable) out["entry"] = Base64Encode(AsBytes(entry));
  return out;
}

void UsePublishedCheckpoint(nlohmann::json& view, const std::function<std::string(const std::string&)>& published) {
  if (!published || !view.contains("checkpoint_note") || !view["checkpoint_note"].is_string()) return;
  const std::string note = view["checkpoint_note"].get<std::string>();
  const std::string cosigned = published(note);
  view["checkpoint_note"] = cosigned;
  if (view.contains("receipt") && view["receipt"].is_string()) {
    view["receipt"] = note::WithPublishedNote(view["receipt"].get<std::string>(), note, cosigned);
  }
}

}  // namespace lifeline::record
