// Server: a Context (context.h) and the HTTP server its routes are
// installed on (routes.h); the handlers are in the files handlers.h names.
#include "server/server.h"

#include <filesystem>

#include "base/file.h"

#include "note/checkpoint.h"
#include "server/context.h"
#include "server/handlers.h"
#include "server/http.h"
#include "server/routes.h"
#include "store_dir/store_dir.h"

namespace lifeline::server {

struct Server::Impl {
  Impl(ServerOptions o, note::Verifier v) : ctx(std::move(o), std::move(v)) {}
  Context ctx;  // outlives http, whose handlers refer to it
  http::Server http;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

// The HTTP server stops first; the after-write thread then (Context's AfterWrite).
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  LIFELINE_ASSIGN_OR_RETURN(store_dir::ReadableStore rs,
                            store_dir::OpenReadable(options.store_dir, options.read_database));
  std::string snapshot;
  if (options.pin_reads) {
    LIFELINE_ASSIGN_OR_RETURN(snapshot, store_dir::PinReads(*rs.store));
  }
  auto cp = rs.store->LatestCheckpoint();
  if (!cp.ok()) return cp.status();
  auto opened = note::OpenCheckpoint(cp->note, rs.verifier);
  if (!opened.ok()) return opened.status().Annotate("the store's latest checkpoint does not verify");
  if (!options.web_dir.empty() && !std::filesystem::is_directory(options.web_dir)) {
    return NotFoundError("the dashboard directory " + options.web_dir + " does not exist");
  }
  auto impl = std::make_unique<Impl>(std::move(options), rs.verifier);
  impl->ctx.readers.Give(std::move(rs.store));
  impl->ctx.readers.Pin(std::move(snapshot));
  InstallRoutes(impl->ctx, impl->http);
  impl->ctx.after_write.Start(impl->ctx.opt.after_write);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::ExposureNote() {
  if (impl_->ctx.opt.private_log) return "the log is private (--private-log): its checkpoint and tiles need a token";
  if (impl_->ctx.gate.LogHidesCases()) {
    return "the log holds cases that are not public: its entry bundles (/tile/entries/...) need a token; "
           "the checkpoint and hash tiles, which show no record, are public";
  }
  return "every case in the log is public: its checkpoint and tiles, records included, are readable by anyone "
         "(entry bundles will need a token if a case is made private; --private-log closes them all)";
}

Result<Server::Answer> Server::AnonymousGet(const std::string& target) {
  LIFELINE_ASSIGN_OR_RETURN(http::Target t, http::ParseTarget(target));
  http::Request req;
  req.method = "GET";
  req.target = target;
  req.path = std::move(t.path);
  req.params = std::move(t.params);
  req.remote_addr = "127.0.0.1";
  http::Response res;
  impl_->http.Dispatch(req, res);
  Answer a;
  a.status = res.status;
  a.content_type = res.get_header_value("Content-Type");
  if (res.shared_body) {
    a.body = *res.shared_body;
  } else if (!res.file_path.empty()) {
    LIFELINE_ASSIGN_OR_RETURN(a.body, ReadFile(res.file_path));
  } else {
    a.body = std::move(res.body);
  }
  return a;
}

bool Server::EntryBundlesPublic() { return impl_->ctx.gate.EntriesPublic(); }

Status Server::Run(const std::function<void(int port)>& ready) {
  const ServerOptions& o = impl_->ctx.opt;
  http::Options h;
  h.host = o.host;
  h.port = o.port;
  h.max_body_bytes = o.max_body_bytes;
  h.max_connections = o.max_connections;
  h.max_per_address = o.max_per_address;
  h.idle_timeout = std::chrono::seconds(o.idle_timeout_seconds);
  h.header_timeout = std::chrono::milliseconds(static_cast<int64_t>(o.header_timeout_seconds * 1000));
  h.threads = o.threads;
  h.upload_max_bytes = o.max_upload_bytes;
  h.spool_dir = o.store_dir + "/uploads";
  h.is_upload = [](std::string_view path) { return IsOpenRosaPath(std::string(path)); };
  std::error_code ec;
  std::filesystem::create_directories(h.spool_dir, ec);
  if (ec) return IoError("cannot make " + h.spool_dir + ": " + ec.message());
  return impl_->http.Listen(h, ready);
}

void Server::Stop() { impl_->http.Stop(); }

}  // namespace lifeline::server
