#pragma once
// The HTTP side of the conformance program: a base URL with an optional path prefix
// ("https://hub.oxen.ai/api", "http://127.0.0.1:8080/api"), HTTPS with the system CA store,
// timeouts, and exchanges kept for snapshots. The API key is sent, never stored in an exchange.
#include <functional>
#include <map>
#include <string_view>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace oxen::conformance {

struct BaseUrl {
  std::string scheme;       // "http" | "https"
  std::string host;         // without port
  int port = 0;             // explicit or the scheme's default
  std::string prefix;       // "/api" (no trailing '/'), may be ""
  std::string origin() const;  // scheme://host:port
  std::string to_string() const { return origin() + prefix; }
};

// Throws std::invalid_argument for anything but http(s)://host[:port][/prefix]. User info and
// query strings are refused so that no credential ends up in a base URL.
BaseUrl parse_base_url(const std::string& url);

struct HttpResult {
  bool ok = false;            // a response arrived (any status)
  std::string transport_error;  // when !ok
  int status = 0;
  std::string content_type;
  std::map<std::string, std::string> headers;  // response headers (lower-case names)
  std::string body;
};

// One request/response pair as kept for reports and snapshots (no request headers).
struct Exchange {
  std::string method, path;  // path relative to the base URL, with its query
  int status = 0;
  std::string content_type;
  std::string body;
  std::string request_body;  // what was sent ("" for a GET)
};

struct HttpOptions {
  double timeout_s = 30;         // connect, read and write timeout (the longest silence)
  std::string ca_file;           // "" = system CA store
  double stream_budget_s = 120;  // the longest a whole stream may take, however lively
  bool keep_exchanges = true;    // keep every request/response for exchanges(); off for a poller
};

class ApiClient {
 public:
  ApiClient(BaseUrl base, std::string api_key, HttpOptions options = {});
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `path` is relative to the base URL ("/ai/models?x=1"). `authenticated` false sends no
  // Authorization header.
  HttpResult send(const std::string& method, const std::string& path, const std::string& body = "",
                  bool authenticated = true);
  HttpResult get(const std::string& path, bool authenticated = true) {
    return send("GET", path, "", authenticated);
  }

  // A header sent with every request (e.g. X-Mock-Namespace).
  void set_default_header(const std::string& name, const std::string& value) { defaults_[name] = value; }

  // POST with a streamed answer: `on_bytes` sees the body as it arrives (return false to stop).
  // The result's body holds the first 256 KiB of the stream, for snapshots.
  HttpResult stream(const std::string& path, const std::string& body,
                    const std::function<bool(std::string_view)>& on_bytes);

  const BaseUrl& base() const { return base_; }
  const std::string& api_key() const { return key_; }
  const HttpOptions& options() const { return options_; }
  std::vector<Exchange> exchanges() const;

 private:
  BaseUrl base_;
  std::string key_;
  HttpOptions options_;
  std::map<std::string, std::string> defaults_;
  mutable std::mutex mutex_;
  std::vector<Exchange> exchanges_;
  std::mutex connection_mutex_;
  std::unique_ptr<httplib::Client> connection_;  // kept alive between requests
};

// Percent-encodes a path segment or query value.
std::string url_encode(const std::string& s);
// %XX escapes decoded (a path segment: '+' stays '+').
std::string url_decode(const std::string& s);

}  // namespace oxen::conformance
