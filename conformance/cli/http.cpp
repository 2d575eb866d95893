#include "http.hpp"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace oxen::conformance {

std::string BaseUrl::origin() const {
  return scheme + "://" + host + ":" + std::to_string(port);
}

BaseUrl parse_base_url(const std::string& url) {
  BaseUrl b;
  auto sep = url.find("://");
  if (sep == std::string::npos) throw std::invalid_argument("base URL needs a scheme: " + url);
  b.scheme = url.substr(0, sep);
  for (auto& c : b.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (b.scheme != "http" && b.scheme != "https")
    throw std::invalid_argument("base URL scheme must be http or https");
  std::string rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string::npos)
    throw std::invalid_argument("base URL must not have a query or fragment");
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  b.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  if (authority.find('@') != std::string::npos)
    throw std::invalid_argument("base URL must not carry credentials; use --api-key or OXEN_API_KEY");
  if (authority.empty()) throw std::invalid_argument("base URL has no host");
  b.port = b.scheme == "https" ? 443 : 80;
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    b.host = authority.substr(0, colon);
    try {
      b.port = std::stoi(authority.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::invalid_argument("base URL has a bad port");
    }
  } else {
    b.host = authority;
  }
  if (b.host.empty() || b.port <= 0 || b.port > 65535) throw std::invalid_argument("base URL has no host or a bad port");
  return b;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

ApiClient::ApiClient(BaseUrl base, std::string api_key, HttpOptions options)
    : base_(std::move(base)), key_(std::move(api_key)), options_(std::move(options)) {}

ApiClient::~ApiClient() = default;

namespace {

void configure(httplib::Client& client, const HttpOptions& options, bool https) {
  auto secs = static_cast<time_t>(options.timeout_s);
  auto usecs = static_cast<time_t>((options.timeout_s - static_cast<double>(secs)) * 1e6);
  client.set_connection_timeout(secs, usecs);
  client.set_read_timeout(secs, usecs);
  client.set_write_timeout(secs, usecs);
  if (https) {
    client.enable_server_certificate_verification(true);
    std::string ca = options.ca_file;
    if (ca.empty() && std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt"))
      ca = "/etc/ssl/certs/ca-certificates.crt";
    if (!ca.empty()) client.set_ca_cert_path(ca.c_str());
  }
}

// What went wrong, in words that tell a timeout from a refused connection.
std::string transport_error(httplib::Error error, double timeout_s) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", timeout_s);
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::ConnectionTimeout:
      return std::string("connecting timed out after ") + seconds + " s";
    case httplib::Error::Read:
      return std::string("reading the answer failed: timed out after ") + seconds + " s or the connection closed";
    case httplib::Error::Write:
      return std::string("sending the request failed: timed out after ") + seconds + " s or the connection closed";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

HttpResult ApiClient::send(const std::string& method, const std::string& path, const std::string& body,
                           bool authenticated) {
  std::lock_guard connection_lock(connection_mutex_);
  if (!connection_) {
    connection_ = std::make_unique<httplib::Client>(base_.origin());
    configure(*connection_, options_, base_.scheme == "https");
    connection_->set_keep_alive(true);
  }
  httplib::Client& client = *connection_;
  httplib::Headers headers{{"Accept", "application/json"}, {"User-Agent", "oxen-conformance"}};
  for (const auto& [name, value] : defaults_) headers.emplace(name, value);
  if (authenticated && !key_.empty()) headers.emplace("Authorization", "Bearer " + key_);
  const std::string full = base_.prefix + path;

  httplib::Result res{nullptr, httplib::Error::Unknown};
  if (method == "GET")
    res = client.Get(full.c_str(), headers);
  else if (method == "POST")
    res = client.Post(full.c_str(), headers, body, "application/json");
  else if (method == "DELETE")
    res = client.Delete(full.c_str(), headers, body, "application/json");
  else
    throw std::invalid_argument("unsupported method " + method);

  HttpResult out;
  if (!res) {
    out.transport_error = transport_error(res.error(), options_.timeout_s);
    connection_.reset();  // start afresh next time
    return out;
  }
  out.ok = true;
  out.status = res->status;
  out.body = res->body;
  out.content_type = res->get_header_value("Content-Type");
  for (const auto& [name, value] : res->headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[lower] = value;
  }
  if (!options_.keep_exchanges) return out;
  std::lock_guard lock(mutex_);
  exchanges_.push_back(Exchange{method, path, out.status, out.content_type, out.body, body});
  return out;
}

HttpResult ApiClient::stream(const std::string& path, const std::string& body,
                             const std::function<bool(std::string_view)>& on_bytes) {
  httplib::Client client(base_.origin());
  configure(client, options_, base_.scheme == "https");
  HttpResult out;
  httplib::Request req;
  req.method = "POST";
  req.path = base_.prefix + path;
  req.headers = {{"Accept", "text/event-stream"}, {"User-Agent", "oxen-conformance"}};
  for (const auto& [name, value] : defaults_) req.headers.emplace(name, value);
  if (!key_.empty()) req.headers.emplace("Authorization", "Bearer " + key_);
  req.headers.emplace("Content-Type", "application/json");
  req.body = body;
  req.response_handler = [&](const httplib::Response& r) {
    out.status = r.status;
    out.content_type = r.get_header_value("Content-Type");
    return true;
  };
  // The read timeout bounds each silence; a server that keeps sending comments is bounded by the
  // stream's overall budget.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.stream_budget_s);
  bool over_budget = false;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (std::chrono::steady_clock::now() > deadline) {
      over_budget = true;
      return false;
    }
    if (out.body.size() < 256 * 1024) out.body.append(data, std::min(n, 256 * 1024 - out.body.size()));
    // Error answers are read whole; only a 200 event stream is graded as it arrives.
    if (out.status != 200) return true;
    return on_bytes(std::string_view(data, n));
  };
  auto res = client.send(req);
  if (over_budget) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", options_.stream_budget_s);
    out.transport_error = std::string("the stream did not end within its budget of ") + seconds + " s";
    return out;
  }
  if (!res && out.status == 0) {
    out.transport_error = transport_error(res.error(), options_.timeout_s);
    return out;
  }
  out.ok = true;
  if (!options_.keep_exchanges) return out;
  std::lock_guard lock(mutex_);
  exchanges_.push_back(Exchange{"POST", path, out.status, out.content_type, out.body, body});
  return out;
}

std::vector<Exchange> ApiClient::exchanges() const {
  std::lock_guard lock(mutex_);
  return exchanges_;
}

}  // namespace oxen::conformance
