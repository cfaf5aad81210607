// `lifeline serve` and `lifeline token`.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/publish.h"
#include "cli/serve_options.h"
#include "cli/verifier.h"
#include "store_dir/store_dir.h"
#include "server/server.h"
#include "server/tokens.h"
#include "witness/witness.h"

namespace lifeline::cli {
namespace {

using nlohmann::json;

server::Server* g_server = nullptr;

void OnSignal(int) {
  if (g_server != nullptr) g_server->Stop();
}

struct ServeArgs {
  server::ServerOptions o;
  std::string web = "-";
  std::string cases = "-";
};

// Sends the latest checkpoint to the store's witnesses, if it has any, and
// reports on stderr (a failure only when quiet).
void PushToWitnesses(const std::string& dir, bool quiet) {
  auto policy = witness::LoadPolicy(dir);
  if (!policy.ok() || policy->witnesses.empty()) return;  // none configured
  auto rs = store_dir::OpenReadable(dir);
  if (!rs.ok()) {
    std::fprintf(stderr, "witness push: %s\n", rs.status().ToString().c_str());
    return;
  }
  auto rep = witness::PushToWitnesses(dir, *rs->store, rs->verifier, witness::kDefaultTimeout);
  if (!rep.ok()) {
    std::fprintf(stderr, "witness push: %s\n", rep.status().ToString().c_str());
  } else if (!quiet || !rep->quorum_met) {
    std::fprintf(stderr, "witness push: checkpoint %llu cosigned by %zu of %zu witnesses; quorum (%s) %s\n",
                 static_cast<unsigned long long>(rep->size), rep->cosigners.size(), rep->witnesses.size(),
                 rep->quorum.c_str(), rep->quorum_met ? "met" : "NOT met");
  }
}

int CmdServe(const Globals& g, ServeArgs a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  a.o.store_dir = *dir;
  a.o.web_dir = a.web == "-" ? DefaultWebDir() : a.web;
  a.o.cases_dir = a.cases == "-" ? DefaultCasesDir() : a.cases;
  a.o.access_log = !g.quiet;
  SetPublishedFace(*dir, &a.o);
  const std::string d = *dir;
  // After API writes, on the server's after-write thread (coalesced): what
  // the write commands run after theirs.
  a.o.after_write = [d, g] {
    PushToWitnesses(d, g.quiet);
    AlertsAfterWrite(g, d);
  };
  if (Status w = store_dir::CheckWritable(*dir); !w.ok()) return Fail(g, w.Annotate("serve"));
  auto srv = server::Server::Create(a.o);
  if (!srv.ok()) return Fail(g, srv.status().Annotate("serve"));
  g_server = srv->get();
  if (!g.quiet) std::cerr << "serve: " << (*srv)->ExposureNote() << "\n";
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  Status s = (*srv)->Run([&](int port) {
    std::string url = "http://" + (a.o.host.find(':') != std::string::npos ? "[" + a.o.host + "]" : a.o.host) + ":" +
                      std::to_string(port) + "/";
    if (g.json) {
      std::cout << json{{"ok", true}, {"url", url}, {"port", port}}.dump() << std::endl;
    } else {
      std::cout << "serving " << *dir << " at " << url;
      if (!a.o.web_dir.empty()) std::cout << " (dashboard from " << a.o.web_dir << ")";
      if (!a.o.read_database.empty()) std::cout << "; reads from the replica given by --read-db";
      std::cout << "\nAPI: " << url << "api/v1/   OpenAPI: " << url << "openapi.json   tiles: " << url
                << "checkpoint\n" << std::flush;
    }
  });
  g_server = nullptr;
  if (!s.ok()) return Fail(g, s);
  return 0;
}

struct PublishArgs {
  std::string dir;
  std::string web = "-";
  std::string cases = "-";
};

int CmdPublish(const Globals& g, const PublishArgs& a) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  PublishOptions o{.store_dir = *dir,
                   .out_dir = a.dir,
                   .web_dir = a.web == "-" ? DefaultWebDir() : a.web,
                   .cases_dir = a.cases == "-" ? DefaultCasesDir() : a.cases};
  auto rep = Publish(o, [&](std::string_view line) {
    if (!g.quiet) std::cerr << line << "\n";
  });
  if (!rep.ok()) return Fail(g, rep.status().Annotate("publishing to " + a.dir));
  if (g.json) {
    std::cout << json{{"ok", true}, {"dir", a.dir}, {"size", rep->size}, {"tiles_written", rep->tiles_written},
                      {"tiles_kept", rep->tiles_kept}, {"entry_bundles", rep->entry_bundles}, {"cases", rep->cases},
                      {"snapshots", rep->snapshots}, {"dashboard_files", rep->dashboard_files}}
                     .dump()
              << "\n";
  } else if (!g.quiet) {
    std::cout << "published checkpoint " << rep->size << " to " << a.dir << ": " << rep->cases << " public cases ("
              << rep->snapshots << " API answers), " << rep->tiles_written << " tiles written, " << rep->tiles_kept
              << " full tiles kept, " << rep->dashboard_files << " dashboard files"
              << (rep->entry_bundles ? "" : "; no entry bundles (the log holds a case that is not public)")
              << "\nserve it with nginx: include " << a.dir << "/nginx.conf (docs/publish.md)\n";
  }
  return 0;
}

int CmdTokenCreate(const Globals& g, const std::string& role, const std::string& label) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  auto r = server::ParseRole(role);
  if (!r.ok()) return Fail(g, r.status());
  if (auto rs = store_dir::OpenReadable(*dir); !rs.ok()) return Fail(g, rs.status());
  server::TokenStore ts(*dir + "/tokens.json");
  auto token = ts.Create(*r, label);
  if (!token.ok()) return Fail(g, token.status());
  if (g.json) {
    std::cout << json{{"ok", true}, {"token", *token}, {"role", role}}.dump() << "\n";
  } else {
    std::cout << *token << "\n";
    if (!g.quiet) std::cerr << "a " << role << " token; it is shown only this once (the store keeps its hash)\n";
  }
  return 0;
}

int CmdTokenList(const Globals& g) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  server::TokenStore ts(*dir + "/tokens.json");
  auto list = ts.List();
  if (!list.ok()) return Fail(g, list.status());
  json arr = json::array();
  for (const auto& t : *list) {
    if (g.json) {
      arr.push_back({{"id", t.id}, {"role", server::RoleName(t.role)}, {"label", t.label}, {"created", t.created},
                     {"revoked", t.revoked}});
    } else {
      std::printf("%s  %-8s  %s  %s%s\n", t.id.c_str(), std::string(server::RoleName(t.role)).c_str(),
                  t.created.c_str(), t.revoked ? "(revoked) " : "", t.label.c_str());
    }
  }
  if (g.json) std::cout << json{{"ok", true}, {"tokens", arr}}.dump() << "\n";
  return 0;
}

int CmdTokenRevoke(const Globals& g, const std::string& id) {
  auto dir = StoreDir(g);
  if (!dir.ok()) return Fail(g, dir.status());
  server::TokenStore ts(*dir + "/tokens.json");
  Status s = ts.Revoke(id);
  if (!s.ok()) return Fail(g, s);
  if (g.json) {
    std::cout << json{{"ok", true}, {"revoked", id}}.dump() << "\n";
  } else if (!g.quiet) {
    std::cout << "revoked token " << id << "\n";
  }
  return 0;
}

}  // namespace

std::string DefaultCasesDir() {
#ifdef LIFELINE_SOURCE_CASES_DIR
  std::error_code ec;
  if (std::filesystem::is_directory(LIFELINE_SOURCE_CASES_DIR, ec)) return LIFELINE_SOURCE_CASES_DIR;
#endif
  return "";
}

void SetPublishedFace(const std::string& store_dir, server::ServerOptions* o) {
  // /verify.html: the one-file verifier with this log's key and witness
  // policy pinned, made per request so that a policy edit shows at once.
  o->verifier_page = [d = store_dir, web = o->web_dir] { return VerifierPage(d, web); };
  // Witnesses (docs/witness.md): /checkpoint carries their cosignatures.
  o->published_checkpoint = [d = store_dir](const std::string& note) {
    auto p = witness::PublishedCheckpoint(d, note);
    return p.ok() ? *p : note;
  };
  // The policy readers check cosignatures against: DIR/witness-policy, or
  // without one the log alone with no quorum (read per request: an edit by
  // `lifeline witness ...` is served at once).
  o->witness_policy = [d = store_dir]() -> Result<std::string> {
    auto policy = witness::LoadPolicy(d);
    if (policy.ok()) return witness::FormatPolicy(*policy);
    if (policy.status().code() != ErrorCode::kNotFound) return policy.status();
    auto rs = store_dir::OpenReadable(d);
    if (!rs.ok()) return rs.status();
    witness::Policy none;
    if (Status s = witness::EnsureLog(none, rs->verifier); !s.ok()) return s;
    return witness::FormatPolicy(none);
  };
}

void AddServeCommands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "serve the API, the dashboard and the log's tiles over HTTP");
  serve->add_option("--host", a->o.host, "address to listen on (default 127.0.0.1: this machine only)");
  serve->add_option("--port", a->o.port, "port (default 8080; 0 = any free port)")->check(CLI::Range(0, 65535));
  serve->add_option("--web", a->web, "the dashboard's directory (default: web/ of the source tree; \"\" = none)");
  serve->add_option("--cases-dir", a->cases, "where forecast scenarios are: DIR/<case>/scenarios/*.toml (default: data/cases)");
  serve->add_option("--max-body", a->o.max_body_bytes, "largest request body in bytes (default 1 MiB)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30));
  serve->add_option("--max-upload", a->o.max_upload_bytes,
                    "largest OpenRosa submission (instance and attachments) in bytes (default 10 MiB)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32));
  serve->add_option("--rate-limit", a->o.rate_per_minute, "requests a minute per token or address (default 1200; 0 = off)")
      ->check(CLI::NonNegativeNumber);
  serve->add_option("--burst", a->o.rate_burst, "requests allowed at once above the rate (default 200)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--cors-origin", a->o.cors_origin, "allow cross-origin reads from this origin (default: none)");
  serve->add_option("--read-db", a->o.read_database,
                    "answer reads from this hot standby of the store's PostgreSQL database (a libpq connection "
                    "string; a password belongs in ~/.pgpass); writes still go to DIR/database");
  serve->add_flag("--private-log", a->o.private_log, "tiles and checkpoint need a token too (default: public, for witnesses)");
  serve->add_option("--threads", a->o.threads, "worker threads running requests (default: 4 per core, at least 16)")->check(CLI::Range(1, 1024));
  serve->add_option("--max-connections", a->o.max_connections, "open connections in all; more wait until one closes (default 1024)")
      ->check(CLI::Range(1u, 100000u));
  serve->add_option("--max-per-address", a->o.max_per_address, "open connections from one remote address (default 64)")
      ->check(CLI::Range(1u, 100000u));
  serve->add_option("--idle-timeout", a->o.idle_timeout_seconds,
                    "seconds a connection may be silent, and a request body may take (default 30)")
      ->check(CLI::Range(1, 3600));
  serve->add_option("--header-timeout", a->o.header_timeout_seconds,
                    "seconds a request's head may take in all, however slowly it comes (default 10)")
      ->check(CLI::Range(0.1, 3600.0));
  serve->callback([&, a] { action = [&, a] { return CmdServe(g, *a); }; });

  auto pa = std::make_shared<PublishArgs>();
  auto* publish = app.add_subcommand(
      "publish",
      "write the public face of the store to DIR for any static host or CDN: the log's tiles and checkpoint, the "
      "dashboard, verify.html, and per public case a JSON snapshot of every API answer the dashboard needs; "
      "re-publishing adds only new tiles (docs/publish.md)");
  publish->add_option("DIR", pa->dir, "the directory to write (created if needed)")->required();
  publish->add_option("--web", pa->web, "the dashboard's directory (default: web/ of the source tree)");
  publish->add_option("--cases-dir", pa->cases, "where forecast scenarios are: DIR/<case>/scenarios/*.toml (default: data/cases)");
  publish->callback([&, pa] { action = [&, pa] { return CmdPublish(g, *pa); }; });

  auto* token = app.add_subcommand("token", "API tokens (stored hashed in the store directory)");
  token->require_subcommand(1);
  auto role = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>();
  auto* create = token->add_subcommand("create", "make a token and print it (once)");
  create->add_option("--role", *role, "viewer, verifier, monitor or admin")->required();
  create->add_option("--label", *label, "who or what it is for");
  create->callback([&, role, label] { action = [&, role, label] { return CmdTokenCreate(g, *role, *label); }; });
  auto* list = token->add_subcommand("list", "list tokens (ids, roles, labels)");
  list->callback([&] { action = [&] { return CmdTokenList(g); }; });
  auto id = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("ID", *id, "the token's id (8 hex digits)")->required();
  revoke->callback([&, id] { action = [&, id] { return CmdTokenRevoke(g, *id); }; });
}

}  // namespace lifeline::cli
