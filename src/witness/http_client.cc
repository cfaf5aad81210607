#include "witness/http_client.h"

// cpp-httplib's client. Debian's libcpp-httplib is a compiled library: the
// defines of its pkg-config file (OpenSSL, zlib, brotli support) come with
// PkgConfig::HTTPLIB and must match, or the objects disagree on its layout.
// This file is the witness module's only includer of httplib.h (see
// http_client.h for why a library other than server includes it).
#include <httplib.h>

#include <cctype>

#include "base/bytes.h"
#include "witness/witness.h"

namespace lifeline::witness {
namespace {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets
  int port = 0;
  std::string path;    // "" or "/prefix" without a trailing '/'
};

Result<Url> ParseUrl(std::string_view url) {
  Url u;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return InvalidArgumentError("URL \"" + std::string(url) + "\" has no scheme (want http:// or https://)");
  u.scheme = std::string(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") {
    return InvalidArgumentError("URL \"" + std::string(url) + "\": scheme \"" + u.scheme + "\" is not http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgumentError("URL \"" + std::string(url) + "\" has a query or fragment");
  }
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgumentError("URL \"" + std::string(url) + "\" has a space or control character");
    }
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgumentError("URL \"" + std::string(url) + "\" has user information");
  }
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgumentError("URL \"" + std::string(url) + "\": unclosed '['");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return InvalidArgumentError("URL \"" + std::string(url) + "\": junk after ']'");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (u.host.empty()) return InvalidArgumentError("URL \"" + std::string(url) + "\" has no host");
  u.port = u.scheme == "https" ? 443 : 80;
  if (has_port) {
    Result<uint64_t> p = ParseDecimal(port, "port", 65535);
    if (!p.ok() || *p == 0) return InvalidArgumentError("URL \"" + std::string(url) + "\": bad port \"" + std::string(port) + "\"");
    u.port = static_cast<int>(*p);
  }
  return u;
}

std::string ErrorText(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "could not connect";
    case httplib::Error::Read: return "error or timeout reading the response";
    case httplib::Error::Write: return "error or timeout sending the request";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::Canceled: return "response larger than " + std::to_string(internal::kMaxResponseBytes) + " bytes";
    case httplib::Error::SSLConnection: return "TLS connection failed";
    case httplib::Error::SSLServerVerification: return "TLS server certificate did not verify";
    default: return httplib::to_string(e);
  }
}

}  // namespace

Status CheckWitnessUrl(std::string_view url) {
  Result<Url> u = ParseUrl(url);
  return u.ok() ? Status::Ok() : u.status();
}

namespace internal {

Result<HttpResponse> PostAddCheckpoint(const std::string& base_url, const std::string& body,
                                       std::chrono::milliseconds timeout) {
  LIFELINE_ASSIGN_OR_RETURN(Url u, ParseUrl(base_url));
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  httplib::Client cli(u.scheme + "://" + host + ":" + std::to_string(u.port));
  const auto sec = static_cast<time_t>(timeout.count() / 1000);
  const auto usec = static_cast<time_t>((timeout.count() % 1000) * 1000);
  cli.set_connection_timeout(sec, usec);
  cli.set_read_timeout(sec, usec);
  cli.set_write_timeout(sec, usec);
  cli.set_follow_location(false);

  httplib::Request req;
  req.method = "POST";
  req.path = u.path + "/add-checkpoint";
  req.body = body;
  req.set_header("Content-Type", "text/plain; charset=utf-8");
  req.set_header("User-Agent", "lifeline-witness-client");
  std::string received;
  req.content_receiver = [&received](const char* data, size_t n, uint64_t, uint64_t) {
    if (received.size() + n > kMaxResponseBytes) return false;
    received.append(data, n);
    return true;
  };
  httplib::Result res = cli.send(req);
  if (!res) return UnavailableError("POST " + base_url + "/add-checkpoint: " + ErrorText(res.error()));
  HttpResponse out;
  out.status = res->status;
  out.content_type = res->get_header_value("Content-Type");
  out.body = res->body.empty() ? std::move(received) : res->body;
  return out;
}

}  // namespace internal
}  // namespace lifeline::witness
