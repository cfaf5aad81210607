// `lifeline serve`: the HTTP face of a store.
//
//   /api/v1/...            the JSON API (openapi.json describes every path)
//   /checkpoint, /tile/... the log for witnesses and verifiers (C2SP
//                          tlog-tiles; full tiles are immutable and cached)
//   /openapi.json          the OpenAPI 3 description
//   /verify.html           the one-file verifier (ServerOptions::verifier_page)
//   /                      the dashboard (static files of web/)
//
// Security: binds 127.0.0.1 unless told otherwise; bearer tokens (tokens.h)
// checked on every request, never logged; anonymous callers read public
// cases only; confidential fields never leave the server except to
// verifier, monitor and admin tokens; request bodies and URIs bounded;
// per-caller rate limits; security headers on every response; no CORS
// unless an origin is named; of the dashboard's directory only its own
// files. Every write is a record appended to the log.
//
// Slow or idle clients cannot starve it (http.h): an event loop on GNU
// libmicrohttpd holds every connection, handlers run on worker threads once
// their request is complete, and connections are bounded in number (in all
// and per remote address), in idle time and in the time their request head
// may take; bodies are bounded while they are read, before authentication.
// http.cc is the only includer of microhttpd.h.
#ifndef LIFELINE_SERVER_SERVER_H_
#define LIFELINE_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace lifeline::server {

struct ServerOptions {
  std::string store_dir;
  // A hot standby of the PostgreSQL database DIR/database names (a libpq
  // connection string; `serve --read-db`): every read is answered from it,
  // while writes, and the lookups that check what is written, go to
  // DIR/database (the primary). "" = read DIR's own store. A size the
  // standby has not replayed yet (at=, to=, a tile of a larger tree) is a
  // 503 with Retry-After, never an older answer.
  std::string read_database;
  // Every read pinned to the log as it is at Create (store_dir::PinReads),
  // for `lifeline publish`: all answers are of one checkpoint while other
  // processes append to a PostgreSQL log.
  bool pin_reads = false;
  std::string host = "127.0.0.1";
  int port = 8080;             // 0: any free port (see Server::port)
  std::string web_dir;         // static files served at / ("" = none)
  std::string cases_dir;       // forecast scenarios: <dir>/<case>/scenarios/*.toml ("" = none)
  size_t max_body_bytes = 1 << 20;  // larger bodies: 413, before routing and authentication
  // An OpenRosa submission (instance and attachments) is spooled to files
  // under DIR/uploads while it arrives; larger ones: 413 while reading.
  size_t max_upload_bytes = 10 << 20;
  unsigned max_connections = 1024;  // open connections in all; more wait in the listen queue
  unsigned max_per_address = 64;    // open connections from one remote address
  int idle_timeout_seconds = 30;    // a connection with no byte either way is closed; a body must arrive within it
  double header_timeout_seconds = 10;  // a request head must be complete within it (slow heads are cut)
  double rate_per_minute = 1200;  // per caller; 0 = unlimited
  double rate_burst = 200;
  std::string cors_origin;     // "" = no CORS headers at all
  bool private_log = false;    // tiles and checkpoint need a token too
  int threads = 0;             // worker threads running handlers; 0 = a default (4 per core, at least 16)
  bool access_log = true;      // one line per request on stderr (no tokens)
  // Called after each write that appended records, and once at start (e.g.
  // to push the latest checkpoint to witnesses). Runs on a background
  // thread, one call at a time; writes during a call cause one more call.
  std::function<void()> after_write;
  // The checkpoint text to publish at /checkpoint given the latest signed
  // note (e.g. with witness cosignatures added); unset = the note itself.
  std::function<std::string(const std::string& latest_note)> published_checkpoint;
  // The witness policy (c2sp.org/tlog-policy text) to serve at
  // /witness-policy, for readers checking cosignatures themselves (the
  // dashboard). Unset = "log <the log's vkey>" and "quorum none". An error
  // is answered as such (e.g. a policy file that no longer parses). Called
  // on worker threads, concurrently: it must be thread-safe.
  std::function<Result<std::string>()> witness_policy;
  // The page served at /verify.html (the one-file verifier with the log's
  // key and witness policy pinned; the CLI makes it); unset = 404. Called
  // on a worker thread for each request; must be thread-safe.
  std::function<Result<std::string>()> verifier_page;
};

class Server {
 public:
  // Opens the store (read side) and checks its checkpoint verifies.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();

  // Binds and serves until Stop(); returns when stopped. `ready` (if set)
  // is called once listening, with the bound port.
  Status Run(const std::function<void(int port)>& ready = nullptr);
  void Stop();

  // One line for the operator on what the log shows anonymous readers: with
  // --private-log nothing; else the checkpoint and hash tiles, and the entry
  // bundles (the records themselves) only while every case is public.
  std::string ExposureNote();

  // A GET of `target` (path and query) answered in this process exactly as
  // a caller with no token would have it answered over HTTP: the same
  // routes, access gate, privacy rules (visibility.h) and headers. For
  // `lifeline publish`, which writes these answers as static files, so
  // that a publication shows no more than the public API. Needs no Run();
  // thread-safe. Rate limits apply as configured (publish turns them off).
  struct Answer {
    int status = 0;
    std::string content_type;
    std::string body;
  };
  Result<Answer> AnonymousGet(const std::string& target);
  // Whether anonymous callers may read the log's entry bundles (no
  // --private-log, and every case public): what /tile/entries/... answers.
  bool EntryBundlesPublic();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lifeline::server

#endif  // LIFELINE_SERVER_SERVER_H_
