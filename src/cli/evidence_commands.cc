// `lifeline evidence add|verify`: files hashed into the blob store under
// DIR/blobs/ (evidence/blob_store.h), each with its `evidence` record.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/kinds.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/record_writes.h"
#include "evidence/blob_store.h"
#include "record/values.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct EvidenceArgs {
  std::string file, case_id, id, media_type, captured_at, description;
  std::vector<std::string> sources;
};

int CmdEvidenceAdd(const Globals& g, const EvidenceArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  if (!fs::exists(*dir + "/lifeline.db") && !fs::exists(*dir + "/database")) return Fail(g, NotFoundError("no store at " + *dir));
  evidence::BlobStore blobs(*dir + "/blobs");
  Progress progress("hashing", ShowProgress(g));
  std::error_code ec;
  uint64_t total = fs::file_size(a.file, ec);
  auto info = blobs.Add(a.file, [&](uint64_t d) { progress.Update(d, total); });
  if (!info.ok()) return Fail(g, info.status());
  json rec = {{"kind", "evidence"},
              {"id", a.id.empty() ? "ev-" + info->sha256.substr(0, 16) : a.id},
              {"case", a.case_id},
              {"sources", a.sources},
              {"sha256", info->sha256},
              {"media_type", a.media_type.empty() ? evidence::MediaTypeOf(a.file) : a.media_type},
              {"size", info->size},
              {"file_name", fs::path(a.file).filename().string()}};
  if (!a.captured_at.empty()) rec["captured_at"] = a.captured_at;
  if (!a.description.empty()) rec["description"] = a.description;
  rec["custody"] = json::array({{{"at", record::NowUtc()}, {"by", CliPrincipal()},
                                 {"action", "added to the evidence store from " + fs::path(a.file).filename().string()}}});
  // The same file added again under the same id is the same record: keep the
  // custody it was first logged with, so the submission finds it unchanged
  // instead of refusing a record that differs only in the time it was added.
  if (auto rs = store_dir::OpenReadable(*dir); rs.ok()) {
    if (auto row = rs->store->FindRecord(rec["id"].get<std::string>()); row.ok() && row->kind == kinds::kEvidence) {
      json old = json::parse(row->body, nullptr, false);
      if (old.is_object() && old.value("sha256", "") == info->sha256 && old.contains("custody")) {
        rec["custody"] = old["custody"];
      }
    }
  }
  record::SubmitOptions opts;
  return SubmitAndReport(g, "evidence " + fs::path(a.file).filename().string() + " (sha256 " + info->sha256 + ")",
                         {record::Candidate{a.file, rec}}, opts);
}

int CmdEvidenceVerify(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto rs = store_dir::OpenReadable(*dir);
  if (!rs.ok()) return Fail(g, rs.status());
  evidence::BlobStore blobs(*dir + "/blobs");
  Progress progress("rehashing", ShowProgress(g));
  uint64_t checked = 0;
  auto problems = blobs.Verify(&checked, [&](uint64_t d, uint64_t t) { progress.Update(d, t); });
  if (!problems.ok()) return Fail(g, problems.status());
  // Every evidence record's file must be present.
  store::RecordQuery q;
  q.kind = kinds::kEvidence;
  q.current_only = false;
  uint64_t records = 0;
  Status s = rs->store->ForEachRecord(q, [&](const store::RecordRow& r) {
    ++records;
    json j = json::parse(r.body, nullptr, false);
    std::string sha = j.value("sha256", "");
    if (!blobs.Has(sha)) problems->push_back({"record " + r.id, "its file (sha256 " + sha + ") is not in the store"});
    return Status::Ok();
  });
  if (!s.ok()) return Fail(g, s);
  if (g.json) {
    json arr = json::array();
    for (const auto& p : *problems) arr.push_back({{"path", p.path}, {"message", p.message}});
    std::cout << json{{"ok", problems->empty()}, {"blobs", checked}, {"records", records}, {"problems", arr}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    for (const auto& p : *problems) std::cout << "FAIL " << p.path << ": " << p.message << "\n";
    if (problems->empty()) {
      std::cout << "OK " << checked << " blobs rehashed; all " << records << " evidence records have their file\n";
    }
  }
  if (!problems->empty()) {
    return Fail(g, CorruptionError(std::to_string(problems->size()) + " problem(s) in the evidence store"));
  }
  return 0;
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  // The parsed arguments live as long as the callbacks that hold them.
  auto a = std::make_shared<EvidenceArgs>();
  auto* ev = app.add_subcommand("evidence", "evidence files: add (hash into the blob store + record), verify");
  ev->require_subcommand(1);
  auto* ev_add = ev->add_subcommand("add", "add a file to the evidence store and append its evidence record");
  ev_add->add_option("FILE", a->file, "the file")->required();
  ev_add->add_option("--case", a->case_id, "case id")->required();
  ev_add->add_option("--source", a->sources, "source record id(s) it comes from")->required();
  ev_add->add_option("--id", a->id, "record id (default: ev-<first 16 hex of its SHA-256>)");
  ev_add->add_option("--media-type", a->media_type, "e.g. image/jpeg (default: from the extension)");
  ev_add->add_option("--captured-at", a->captured_at, "when it was captured (RFC 3339)");
  ev_add->add_option("--description", a->description, "what it shows");
  ev_add->callback([&, a] { action = [&, a] { return CmdEvidenceAdd(g, *a); }; });
  auto* ev_verify = ev->add_subcommand("verify", "rehash every evidence file and check every record has its file");
  ev_verify->callback([&, a] { action = [&, a] { return CmdEvidenceVerify(g); }; });
}

}  // namespace lifeline::cli
