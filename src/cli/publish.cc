#include "cli/publish.h"

#include <stdio.h>  // renameat2, RENAME_EXCHANGE
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "base/file.h"
#include "cli/serve_options.h"
#include "log/export.h"
#include "server/server.h"
#include "store/lock.h"
#include "store_dir/store_dir.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kPublicationMeta = R"(<meta name="lifeline-publication" content="publication.json">)";
constexpr uint64_t kPageSize = 1000;      // the API's largest page of records
constexpr size_t kSizesRemembered = 64;  // as many as the dashboard remembers

// Files of a publication are made durable together (one syncfs) before the
// checkpoint and publication.json, which are fsynced each.
constexpr FileWriteOptions kBulk{.sync = false, .sync_directory = false};

// Writes `data` to `path` unless it holds exactly that already (so that an
// unchanged dashboard file keeps its ETag and mtime for caches).
Status WriteIfChanged(const std::string& path, std::string_view data) {
  auto old = ReadFile(path);
  if (old.ok() && *old == data) return Status::Ok();
  return WriteFileAtomically(path, data, kBulk);
}

// A name used as one path segment: no separators, no dot files.
bool SafeSegment(const std::string& s) {
  return !s.empty() && s[0] != '.' && s.find('/') == std::string::npos && s.find('\0') == std::string::npos;
}

// The API's answers at checkpoint `size`, asked anonymously, written under
// `dir` (snapshot/<size> under a temporary name).
class Snapshot {
 public:
  Snapshot(server::Server* srv, uint64_t size, std::string dir) : srv_(srv), size_(size), dir_(std::move(dir)) {}

  // The body of a 200 answer to `target`; an error naming it otherwise.
  Result<std::string> Text(const std::string& target) {
    LIFELINE_ASSIGN_OR_RETURN(server::Server::Answer a, srv_->AnonymousGet(target));
    if (a.status != 200) {
      return UnavailableError("GET " + target + " answered " + std::to_string(a.status) + ": " + a.body);
    }
    return std::move(a.body);
  }

  // A JSON answer; one that names a checkpoint must name this one.
  Result<json> Json(const std::string& target) {
    LIFELINE_ASSIGN_OR_RETURN(std::string text, Text(target));
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return InternalError("GET " + target + " answered no JSON object");
    const auto cp = j.find("checkpoint");
    if (cp != j.end() && cp->is_object() && cp->contains("size") && (*cp)["size"] != size_) {
      return InternalError("GET " + target + " answered for checkpoint " + (*cp)["size"].dump() + ", not " +
                           std::to_string(size_));
    }
    return j;
  }

  Status Put(const std::string& rel, const json& j) {
    ++files_;
    return WriteFileAtomically(dir_ + "/" + rel, j.dump(), kBulk);
  }

  Status Copy(const std::string& target, const std::string& rel) {
    LIFELINE_ASSIGN_OR_RETURN(json j, Json(target));
    return Put(rel, j);
  }

  // `target` asking for this checkpoint (at=), for the routes that take it.
  std::string At(const std::string& target) const {
    return target + (target.find('?') == std::string::npos ? "?" : "&") + "at=" + std::to_string(size_);
  }

  uint64_t files() const { return files_; }

 private:
  server::Server* srv_;
  uint64_t size_;
  std::string dir_;
  uint64_t files_ = 0;
};

// Every page of GET /api/v1/records?FILTER, as one answer of the same shape.
Result<json> AllRecords(Snapshot& s, const std::string& filter) {
  json all = json::array();
  for (uint64_t off = 0;; off += kPageSize) {
    LIFELINE_ASSIGN_OR_RETURN(json page, s.Json("/api/v1/records?" + filter + "&limit=" + std::to_string(kPageSize) +
                                                "&offset=" + std::to_string(off)));
    const uint64_t total = page.value("total", uint64_t{0});
    for (auto& r : page["records"]) all.push_back(std::move(r));
    if (page["records"].empty() || all.size() >= total) break;
  }
  const size_t n = all.size();
  return json{{"ok", true}, {"records", std::move(all)}, {"total", n}, {"offset", 0}, {"limit", n}};
}

// cases/<id>/{headline,indicators,compliance,severity,risk,scenarios,records}.json,
// cases/<id>/forecast/<scenario>.json and records/<record id>.json for
// every record of the case, superseded versions included (record pages
// link to them).
Status SnapshotCase(Snapshot& s, const std::string& id) {
  const std::string api = "/api/v1/cases/" + id, out = "cases/" + id + "/";
  for (const char* name : {"headline", "indicators", "compliance", "severity", "risk"}) {
    LIFELINE_RETURN_IF_ERROR(s.Copy(s.At(api + "/" + name), out + name + ".json"));
  }
  LIFELINE_ASSIGN_OR_RETURN(json scenarios, s.Json(api + "/scenarios"));
  LIFELINE_RETURN_IF_ERROR(s.Put(out + "scenarios.json", scenarios));
  for (const auto& name : scenarios["scenarios"]) {
    const std::string n = name.get<std::string>();  // the API's names: [a-z0-9][a-z0-9_-]*
    LIFELINE_RETURN_IF_ERROR(s.Copy(s.At(api + "/forecast?scenario=" + n), out + "forecast/" + n + ".json"));
  }
  LIFELINE_ASSIGN_OR_RETURN(json current, AllRecords(s, "case=" + id));
  LIFELINE_RETURN_IF_ERROR(s.Put(out + "records.json", current));
  LIFELINE_ASSIGN_OR_RETURN(json every, AllRecords(s, "case=" + id + "&all=true"));
  for (const auto& r : every["records"]) {
    const std::string rid = r.at("id").get<std::string>();
    if (!SafeSegment(rid)) return InvalidArgumentError("record id \"" + rid + "\" cannot be a file name");
    LIFELINE_RETURN_IF_ERROR(s.Copy("/api/v1/records/" + rid, "records/" + rid + ".json"));
  }
  return Status::Ok();
}

// The whole snapshot: checkpoint.json, cases.json, each public case, and
// consistency/<from>.json from each size published before.
Result<uint64_t> WriteSnapshot(Snapshot& s, const std::vector<uint64_t>& earlier, uint64_t size,
                               const std::function<void(std::string_view)>& progress) {
  LIFELINE_RETURN_IF_ERROR(s.Copy("/api/v1/checkpoint", "checkpoint.json"));
  LIFELINE_ASSIGN_OR_RETURN(json cases, s.Json("/api/v1/cases"));
  LIFELINE_RETURN_IF_ERROR(s.Put("cases.json", cases));
  uint64_t n = 0;
  for (const auto& c : cases["cases"]) {
    const std::string id = c.at("id").get<std::string>();
    if (!SafeSegment(id)) return InvalidArgumentError("case id \"" + id + "\" cannot be a file name");
    if (progress) progress("publish: case " + id);
    LIFELINE_RETURN_IF_ERROR(SnapshotCase(s, id).Annotate("case " + id));
    ++n;
  }
  for (uint64_t from : earlier) {
    if (from == 0 || from >= size) continue;
    LIFELINE_RETURN_IF_ERROR(s.Copy("/api/v1/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(size),
                                    "consistency/" + std::to_string(from) + ".json"));
  }
  return n;
}

// Moves the finished snapshot `tmp` to `final`, atomically exchanging it
// with one of the same size published before (then removed).
Status InstallDirectory(const std::string& tmp, const std::string& final) {
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final.c_str(), RENAME_NOREPLACE) == 0) return Status::Ok();
  if (errno != EEXIST) return ErrnoError("renaming " + tmp + " to " + final, errno);
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final.c_str(), RENAME_EXCHANGE) != 0) {
    return ErrnoError("exchanging " + tmp + " with " + final, errno);
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);  // now the old snapshot
  return Status::Ok();
}

// The sizes published before (publication.json's "sizes"), oldest first.
std::vector<uint64_t> EarlierSizes(const std::string& out) {
  std::vector<uint64_t> sizes;
  auto text = ReadFile(out + "/publication.json");
  if (!text.ok()) return sizes;
  json j = json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("sizes") || !j["sizes"].is_array()) return sizes;
  for (const auto& s : j["sizes"]) {
    if (s.is_number_unsigned()) sizes.push_back(s.get<uint64_t>());
  }
  return sizes;
}

// Removes snapshot/<n> for every n but `keep` (this one and the previous).
void PruneSnapshots(const std::string& out, const std::set<std::string>& keep) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out + "/snapshot", ec)) {
    if (keep.count(e.path().filename().string()) == 0) fs::remove_all(e.path(), ec);
  }
}

// The dashboard's files as `serve` serves them (its allowlist: no
// node_modules, licences or dot files), index.html marked as a publication.
Result<uint64_t> PublishDashboard(server::Server& srv, const std::string& web, const std::string& out) {
  uint64_t n = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(web, ec), end;
  if (ec) return IoError("reading the dashboard's directory " + web + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return IoError("reading " + web + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name == "node_modules" || name[0] == '.')) it.disable_recursion_pending();
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), web).generic_string();
    LIFELINE_ASSIGN_OR_RETURN(server::Server::Answer a, srv.AnonymousGet("/" + rel));
    if (a.status != 200) continue;  // not one of the dashboard's files
    if (rel == "index.html") {
      const size_t head = a.body.find("<head>");
      if (head == std::string::npos) return InvalidArgumentError(web + "/index.html has no <head>");
      a.body.insert(head + 6, "\n" + std::string(kPublicationMeta));
    }
    LIFELINE_RETURN_IF_ERROR(WriteIfChanged(out + "/" + rel, a.body));
    ++n;
  }
  return n;
}

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  char ts[32];
  std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return ts;
}

Status CheckDirectories(const PublishOptions& o) {
  if (o.out_dir.empty()) return InvalidArgumentError("publish needs a directory to write");
  if (o.web_dir.empty() || !fs::is_regular_file(o.web_dir + "/index.html")) {
    return NotFoundError("no dashboard at \"" + o.web_dir + "\" (--web; run scripts/web.sh in a source tree)");
  }
  std::error_code ec;
  for (const std::string& other : {o.store_dir, o.web_dir}) {
    if (fs::exists(o.out_dir, ec) && fs::equivalent(o.out_dir, other, ec)) {
      return InvalidArgumentError("publish would write into " + other + "; name another directory");
    }
  }
  return Status::Ok();
}

// The log: tiles (full ones kept), entry bundles only while public; the
// checkpoint comes last, from the caller.
Result<log::ExportReport> PublishTiles(server::Server& srv, const PublishOptions& o, uint64_t size) {
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs, store_dir::OpenReadable(o.store_dir));
  log::ExportOptions eo;
  eo.size = size;
  eo.latest = false;
  eo.entry_bundles = srv.EntryBundlesPublic();
  eo.write_checkpoint = false;
  eo.keep_full_tiles = true;
  LIFELINE_ASSIGN_OR_RETURN(log::ExportReport rep, log::ExportTiles(*rs.store, o.out_dir, eo));
  if (!eo.entry_bundles) {
    std::error_code ec;
    fs::remove_all(o.out_dir + "/tile/entries", ec);
    if (ec) return IoError("removing " + o.out_dir + "/tile/entries: " + ec.message());
  }
  return rep;
}

// The checkpoint and publication.json, last, each fsynced, once every file
// they lead to is durable.
Status PublishHead(const std::string& out, const json& checkpoint, std::vector<uint64_t> sizes,
                   const std::vector<uint64_t>& consistency_from) {
  LIFELINE_RETURN_IF_ERROR(SyncFileSystem(out));
  LIFELINE_RETURN_IF_ERROR(WriteFileAtomically(out + "/checkpoint", checkpoint.at("note").get<std::string>()));
  const uint64_t size = checkpoint.at("size");
  if (sizes.empty() || sizes.back() != size) sizes.push_back(size);
  if (sizes.size() > kSizesRemembered) sizes.erase(sizes.begin(), sizes.end() - kSizesRemembered);
  json pub{{"ok", true},
           {"format", 1},
           {"snapshot", "snapshot/" + std::to_string(size) + "/"},
           {"checkpoint", {{"size", size}, {"root", checkpoint.at("root")}, {"origin", checkpoint.at("origin")}}},
           {"published", NowUtc()},
           {"consistency_from", consistency_from},
           {"sizes", sizes}};
  return WriteFileAtomically(out + "/publication.json", pub.dump(2) + "\n");
}

Result<server::Server*> Hold(std::unique_ptr<server::Server>& srv, const PublishOptions& o) {
  server::ServerOptions so;
  so.store_dir = o.store_dir;
  so.web_dir = o.web_dir;
  so.cases_dir = o.cases_dir;
  so.rate_per_minute = 0;
  so.access_log = false;
  so.pin_reads = true;  // on PostgreSQL, where the LOCK stops no writer (Publish)
  SetPublishedFace(o.store_dir, &so);
  LIFELINE_ASSIGN_OR_RETURN(srv, server::Server::Create(std::move(so)));
  return srv.get();
}

}  // namespace

Result<PublishReport> Publish(const PublishOptions& o, const std::function<void(std::string_view)>& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  LIFELINE_RETURN_IF_ERROR(CheckDirectories(o));
  std::unique_ptr<server::Server> holder;  // first: it names a directory that is no store
  LIFELINE_ASSIGN_OR_RETURN(server::Server* srv, Hold(holder, o));
  // Every answer is of one checkpoint: on SQLite the log stands still while
  // it is published (its writers take the LOCK); on PostgreSQL, whose
  // writers take no LOCK, the server's reads are pinned to one snapshot
  // (ServerOptions::pin_reads) and the routes that take at= are asked for
  // that checkpoint.
  LIFELINE_ASSIGN_OR_RETURN(auto lock, store::FileLock::Acquire(o.store_dir + "/LOCK"));
  const std::string snap_root = o.out_dir + "/snapshot";
  // Answers read before the size is known, or written outside the snapshot
  // (none of them names a checkpoint to check).
  Snapshot probe(srv, 0, "");
  LIFELINE_ASSIGN_OR_RETURN(json checkpoint, probe.Json("/api/v1/checkpoint"));
  PublishReport rep;
  rep.size = checkpoint.at("size");
  say("publish: checkpoint " + std::to_string(rep.size) + ": tiles");
  LIFELINE_ASSIGN_OR_RETURN(log::ExportReport tiles, PublishTiles(*srv, o, rep.size));
  rep.tiles_written = tiles.files;
  rep.tiles_kept = tiles.kept;
  rep.entry_bundles = srv->EntryBundlesPublic();
  say("publish: the dashboard");
  LIFELINE_ASSIGN_OR_RETURN(rep.dashboard_files, PublishDashboard(*srv, o.web_dir, o.out_dir));
  for (const char* file : {"verify.html", "witness-policy"}) {
    LIFELINE_ASSIGN_OR_RETURN(std::string text, probe.Text(std::string("/") + file));
    LIFELINE_RETURN_IF_ERROR(WriteIfChanged(o.out_dir + "/" + file, text));
  }
  LIFELINE_RETURN_IF_ERROR(WriteIfChanged(o.out_dir + "/nginx.conf", NginxRules()));
  const std::vector<uint64_t> earlier = EarlierSizes(o.out_dir);
  const std::string final = snap_root + "/" + std::to_string(rep.size);
  const std::string tmp = snap_root + "/.tmp-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  Snapshot snap(srv, rep.size, tmp);
  auto cases = WriteSnapshot(snap, earlier, rep.size, progress);
  if (!cases.ok()) {
    fs::remove_all(tmp, ec);
    return cases.status().Annotate("writing the snapshot of checkpoint " + std::to_string(rep.size));
  }
  rep.cases = *cases;
  rep.snapshots = snap.files();
  LIFELINE_RETURN_IF_ERROR(SyncFileSystem(tmp));
  LIFELINE_RETURN_IF_ERROR(InstallDirectory(tmp, final));
  std::vector<uint64_t> from;
  for (uint64_t s : earlier) {
    if (s != 0 && s < rep.size) from.push_back(s);
  }
  LIFELINE_RETURN_IF_ERROR(PublishHead(o.out_dir, checkpoint, earlier, from));
  std::set<std::string> keep{std::to_string(rep.size)};
  if (!earlier.empty()) keep.insert(std::to_string(earlier.back()));
  PruneSnapshots(o.out_dir, keep);
  return rep;
}

std::string NginxRules() {
  // add_header is not inherited by a location that has its own, so each
  // location names all of its headers.
  const std::string common = "    add_header X-Content-Type-Options nosniff always;\n"
                             "    add_header Referrer-Policy no-referrer always;\n";
  const std::string dashboard_csp =
      "    add_header Content-Security-Policy \"default-src 'self'; img-src 'self' data:; style-src 'self' "
      "'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'\" always;\n";
  const std::string no_cache = "    add_header Cache-Control \"no-cache\" always;\n";
  return "# Written by `lifeline publish` (docs/publish.md). Include it in a server block\n"
         "# whose root is the publication's directory:\n"
         "#   server { listen 80; root /srv/lifeline; include /srv/lifeline/nginx.conf; }\n"
         "# Full tiles and bundles never change (C2SP tlog-tiles): cached for a year.\n"
         "# Partial tiles, the checkpoint, publication.json, the snapshots and the\n"
         "# dashboard change with each publication: revalidated at every use (ETag).\n"
         "etag on;\n"
         "types {\n"
         "    text/html html;\n    text/css css;\n    text/javascript js mjs;\n"
         "    application/json json;\n    image/png png;\n}\n"
         "default_type application/octet-stream;\n"
         "location = /nginx.conf { return 404; }\n"
         "location ~ \"^/tile/.*\\.p/[0-9]+$\" {\n"
         "    types { }\n    default_type application/octet-stream;\n" +
         no_cache + common +
         "}\n"
         "location /tile/ {\n"
         "    types { }\n    default_type application/octet-stream;\n"
         "    add_header Cache-Control \"public, max-age=31536000, immutable\" always;\n" +
         common +
         "}\n"
         "location ~ \"^/(checkpoint|witness-policy)$\" {\n"
         "    types { }\n    default_type \"text/plain; charset=utf-8\";\n" +
         no_cache + common +
         "}\n"
         "location = /verify.html {\n" +
         no_cache + common +
         "}\n"
         "location / {\n"
         "    charset utf-8;\n    charset_types application/json text/css text/javascript;\n" +
         no_cache + common + dashboard_csp + "}\n";
}

}  // namespace lifeline::cli
