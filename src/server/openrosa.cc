// ODK's OpenRosa APIs on `lifeline serve` (docs/api.md, "OpenRosa"): the
// Form List API (GET /formList and each form's XForm, made from the schema
// by intake/xform.h) and the Submission API (HEAD and POST /submission),
// also under /key/<token>/ for clients that can send no Bearer header. A
// submission is an instance (intake/instance.h) whose record takes exactly
// the path of POST /api/v1/records (WriteRecords), with an evidence form's
// attachment put in the evidence store first (and removed again when the
// form is refused and no record names it); the answer carries the
// record's id, its log index and its c2sp.org/tlog-proof@v1 receipt, since
// the write signs the checkpoint that includes it before it returns.
#include <nlohmann/json.hpp>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/kinds.h"
#include "crypto/md5.h"
#include "evidence/blob_store.h"
#include "intake/instance.h"
#include "intake/xform.h"
#include "record/view.h"
#include "server/handlers.h"
#include "server/openrosa_xml.h"
#include "server/reply.h"

namespace lifeline::server {
namespace {

using nlohmann::json;

constexpr size_t kMaxInstanceBytes = 1 << 20;

// The kind of form `form_id` ("lifeline-<kind>") among `kinds`, or nullopt.
std::optional<std::string> KindOf(std::string_view form_id, const std::vector<std::string>& kinds) {
  for (const std::string& kind : kinds) {
    if (intake::FormId(kind) == form_id) return kind;
  }
  return std::nullopt;
}

// Every kind with a form.
const std::vector<std::string>& AllFormKinds() { return intake::FormKindsFor(intake::FormRole::kMonitor); }

// The kinds whose forms `who` may submit (docs/api.md, "Roles"): a
// verifier's claim, a monitor's or admin's every form, a viewer's none.
const std::vector<std::string>& FormKindsOf(const Principal& who) {
  static const std::vector<std::string> kNone;
  if (who.AtLeast(Role::kMonitor)) return AllFormKinds();
  if (who.AtLeast(Role::kVerifier)) return intake::FormKindsFor(intake::FormRole::kVerifier);
  return kNone;
}

// Where this caller reached us: scheme, Host and any /key/<token> prefix,
// so that download URLs work for the client that listed them. Behind a TLS
// proxy (README, "Deployment") the proxy's X-Forwarded-Proto: https keeps
// the URLs on https, so that a path token is never sent back over plain
// HTTP; the header only changes this caller's own answer.
std::string BaseUrl(const http::Request& req) {
  std::string host = req.get_header_value("Host");
  static const std::regex kHost(R"([A-Za-z0-9.:\[\]-]{1,255})");
  if (!std::regex_match(host, kHost)) host = "localhost";
  const bool tls = req.get_header_value("X-Forwarded-Proto") == "https";
  std::string_view token = PathToken(req.path);
  return (tls ? "https://" : "http://") + host + (token.empty() ? "" : "/key/" + std::string(token));
}

void SendXml(http::Response& res, int status, std::string xml) {
  res.status = status;
  res.set_content(std::move(xml), "text/xml; charset=utf-8");
}

void SendOpenRosaError(http::Response& res, int status, const std::string& message) {
  SendXml(res, status, openrosa::ResponseXml("error", message));
}

// The choices every form offers: the cases, sources and routes of the log
// (any token reads every case: visibility.h).
Result<intake::FormChoices> Choices(Context& c) {
  auto st = c.readers.Borrow();
  if (!st.ok()) return st.status();
  return intake::ReadFormChoices(**st, "");
}

}  // namespace

bool IsOpenRosaPath(const std::string& path) {
  static const std::regex kPaths(R"((/key/[^/]+)?/(formList|submission|forms/[^/]+\.xml))");
  return std::regex_match(path, kPaths);
}

void FinishOpenRosa(const Context& c, http::Response& res) {
  res.set_header("X-OpenRosa-Version", "1.0");
  res.set_header("X-OpenRosa-Accept-Content-Length", std::to_string(c.opt.max_upload_bytes));
  if (res.status == 401) {
    res.headers.erase("WWW-Authenticate");
    res.set_header("WWW-Authenticate", R"(Basic realm="lifeline", charset="UTF-8")");
  }
  if (res.status < 400 || res.get_header_value("Content-Type") != "application/json") return;
  json j = json::parse(res.body, nullptr, false);
  std::string message = j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>()
                                                                                        : "error";
  res.headers.erase("Content-Type");
  SendOpenRosaError(res, res.status, message);
}

void GetFormList(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {"formID", "verbose", "listAllVersions"}); !s.ok()) return SendStatus(res, s);
  auto choices = Choices(c);
  if (!choices.ok()) return SendStatus(res, choices.status());
  const std::string only = req.get_param_value("formID");
  std::vector<openrosa::FormEntry> entries;
  for (const std::string& kind : FormKindsOf(who)) {
    if (!only.empty() && intake::FormId(kind) != only) continue;
    auto form = intake::BuildXForm(kind, *choices);
    if (!form.ok()) return SendStatus(res, form.status());
    entries.push_back({form->form_id, "Lifeline: " + kind, form->version, crypto::Md5Hex(AsBytes(form->xml)),
                       BaseUrl(req) + "/forms/" + form->form_id + ".xml"});
  }
  SendXml(res, 200, openrosa::FormListXml(entries));
}

void GetForm(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {}); !s.ok()) return SendStatus(res, s);
  auto kind = KindOf(req.matches[1], AllFormKinds());
  if (!kind) return SendError(res, 404, "no form \"" + req.matches[1] + "\" (GET /formList lists them)");
  if (!KindOf(req.matches[1], FormKindsOf(who))) {
    return SendError(res, 403, "this token's role does not submit " + *kind +
                                   " records (GET /formList lists the forms it may fill)");
  }
  auto choices = Choices(c);
  if (!choices.ok()) return SendStatus(res, choices.status());
  auto form = intake::BuildXForm(*kind, *choices);
  if (!form.ok()) return SendStatus(res, form.status());
  SendXml(res, 200, std::move(form->xml));
}

void HeadSubmission(Context&, const http::Request&, http::Response& res, const Principal&) { res.status = 204; }

namespace {

const http::FormPart* FindPart(const http::Request& req, const std::string& name) {
  for (const http::FormPart& p : req.parts) {
    if (p.name == name || (!p.filename.empty() && p.filename == name)) return &p;
  }
  return nullptr;
}

// A claim's value, asked as text, typed by the field it is about
// (intake::TypeClaimValueFromLog); other records as they are.
Status TypeClaim(Context& c, json& record) {
  if (record.value("kind", "") != kinds::kClaim) return Status::Ok();
  auto st = c.readers.Borrow();
  if (!st.ok()) return st.status();
  return intake::TypeClaimValueFromLog(**st, record);
}

// An attachment into the evidence store, its sha256, size and media type
// (and file name) into the record; a sha256 the form already carries must
// be the attachment's. A blob the store did not hold before is named in
// *added (even when the form is then refused). Error: InvalidArgument
// naming the file.
Status StoreAttachment(const Context& c, const http::Request& req, const std::string& file_name, json& record,
                       std::vector<std::string>* added) {
  const http::FormPart* part = FindPart(req, file_name);
  if (part == nullptr) {
    return InvalidArgumentError("the instance names the attachment \"" + file_name +
                                "\", which is not a part of the submission");
  }
  evidence::BlobStore blobs(c.opt.store_dir + "/blobs");
  LIFELINE_ASSIGN_OR_RETURN(evidence::BlobInfo info, blobs.Add(part->file));
  if (!info.existed) added->push_back(info.sha256);
  if (record.contains("sha256") && record["sha256"] != info.sha256) {
    return InvalidArgumentError("sha256: the form says " + record["sha256"].dump() + " but the attachment \"" +
                                file_name + "\" hashes to " + info.sha256);
  }
  record["sha256"] = info.sha256;
  record["size"] = info.size;
  if (!record.contains("media_type")) {
    const bool typed = !part->content_type.empty() && part->content_type != "application/octet-stream";
    record["media_type"] = typed ? part->content_type : evidence::MediaTypeOf(file_name);
  }
  if (!record.contains("file_name")) record["file_name"] = file_name;
  return Status::Ok();
}

// The instance of the submission; false with res filled (400, 413, or 404
// for a form that is not one of ours).
bool ReadInstance(Context& c, const http::Request& req, http::Response& res, intake::Instance* out) {
  const http::FormPart* xml = FindPart(req, "xml_submission_file");
  if (req.spool == nullptr || xml == nullptr) {
    SendOpenRosaError(res, 400, "send multipart/form-data with the instance as the xml_submission_file part");
    return false;
  }
  if (xml->size > kMaxInstanceBytes) {
    SendOpenRosaError(res, 413, "xml_submission_file is over 1 MiB");
    return false;
  }
  auto text = ReadFile(xml->file);
  if (!text.ok()) return SendStatus(res, text.status()), false;
  auto form_id = openrosa::InstanceFormId(*text);
  if (!form_id.ok()) return SendOpenRosaError(res, 400, form_id.status().message()), false;
  if (!KindOf(*form_id, AllFormKinds())) {
    SendOpenRosaError(res, 404, "form \"" + *form_id + "\" is not one of this server's (GET /formList lists them)");
    return false;
  }
  auto inst = intake::ParseInstance(*text);
  const Status read = inst.ok() ? TypeClaim(c, inst->record) : inst.status();
  if (!read.ok()) return SendOpenRosaError(res, HttpStatusFor(read), "xml_submission_file: " + read.message()), false;
  *out = std::move(*inst);
  return true;
}

// Removes the blobs in `added` (this request's, new to the store) that no
// record of the log names, after the request was refused. Called with
// blob_mu held, so no other submission stored the same file meanwhile. A
// blob whose references cannot be checked is kept: an unreferenced blob
// is harmless (evidence verify does not count it), a lost one is not.
void ForgetBlobs(Context& c, const std::vector<std::string>& added) {
  if (added.empty()) return;
  auto st = c.write_checks().Borrow();
  if (!st.ok()) return;
  evidence::BlobStore blobs(c.opt.store_dir + "/blobs");
  for (const std::string& sha256 : added) {
    store::RecordQuery q;
    q.text = sha256;  // evidence's sha256, a source's archived_sha256, or anywhere else
    q.current_only = false;
    q.limit = 1;
    bool named = false;
    Status s = (**st).ForEachRecord(q, [&named](const store::RecordRow&) {
      named = true;
      return Status::Ok();
    });
    if (s.ok() && !named) (void)blobs.Remove(sha256);
  }
}

// A rejected submission: 409 for an instance already logged with other
// content, else 400 naming the field, its problem and the schema's hint.
void SendRejection(const record::Rejection& r, http::Response& res) {
  std::string what = (r.field.empty() ? "" : r.field + ": ") + r.message + " (hint: " + r.hint + ")";
  if (r.cause == record::Rejection::Cause::kIdConflict) {
    return SendOpenRosaError(res, 409, "this instanceID was submitted before with other content: " + what);
  }
  SendOpenRosaError(res, 400, what);
}

// The record's place in the log and its receipt, from the store `st`.
Result<openrosa::Accepted> AcceptedRecord(Context& c, store::LogStore& st, const std::string& id) {
  LIFELINE_ASSIGN_OR_RETURN(json view, record::ViewRecord(st, c.verifier, id));
  record::UsePublishedCheckpoint(view, c.opt.published_checkpoint);
  openrosa::Accepted a;
  a.id = id;
  a.index = view.at("leaf_index").get<uint64_t>();
  a.tree_size = view.at("tree_size").get<uint64_t>();
  a.receipt = view.at("receipt").get<std::string>();
  return a;
}

}  // namespace

namespace {

// Appends the instance's record and answers 201 (202 for a resend) with its
// receipt, or refuses it (403, 409, 400) with res filled.
void WriteInstance(Context& c, intake::Instance inst, http::Response& res, const Principal& who) {
  const std::string id = inst.record.value("id", "");
  std::vector<record::Candidate> candidates{{"xml_submission_file", std::move(inst.record)}};
  auto w = WriteRecords(c, std::move(candidates), who, false, res);
  if (!w) return;
  if (!w->report.rejections.empty()) return SendRejection(w->report.rejections.front(), res);
  auto st = c.write_checks().Borrow();
  if (!st.ok()) return SendStatus(res, st.status());
  auto accepted = AcceptedRecord(c, **st, id);
  if (!accepted.ok()) return SendStatus(res, accepted.status());
  const bool resent = !w->report.written;
  std::string message = (resent ? "Already recorded as " : "Recorded as ") + id + ", entry " +
                        std::to_string(accepted->index) + " of the log; keep the receipt to prove it.";
  SendXml(res, resent ? 202 : 201, openrosa::ResponseXml("submit_success", message, &*accepted));
}

}  // namespace

void PostSubmission(Context& c, const http::Request& req, http::Response& res, const Principal& who) {
  if (Status s = OnlyParams(req, {"deviceID"}); !s.ok()) return SendStatus(res, s);
  intake::Instance inst;
  if (!ReadInstance(c, req, res, &inst)) return;
  if (inst.attachments.empty()) return WriteInstance(c, std::move(inst), res, who);
  // From storing the attachments to the answer: a refused form's new blobs
  // are removed again, and no other submission of the same file can
  // reference one in between.
  std::lock_guard<std::mutex> lock(c.blob_mu);
  std::vector<std::string> added;
  Status stored = Status::Ok();
  for (const auto& [field, file_name] : inst.attachments) {
    stored = StoreAttachment(c, req, file_name, inst.record, &added);
    if (!stored.ok()) break;
  }
  if (stored.ok()) {
    WriteInstance(c, std::move(inst), res, who);
  } else {
    SendOpenRosaError(res, HttpStatusFor(stored), stored.message());
  }
  if (res.status != 201 && res.status != 202) ForgetBlobs(c, added);
}

}  // namespace lifeline::server
