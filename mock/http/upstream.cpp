#include "upstream.hpp"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "../../conformance/contract/text.hpp"

namespace oxen::mock {

namespace {

// Headers that describe one hop, or that the mock sets itself, are not relayed.
bool relayed(const std::string& name) {
  const std::string lower = ascii_lower(name);
  return lower != "content-type" && lower != "content-length" && lower != "content-encoding" &&
         lower != "transfer-encoding" && lower != "connection" && lower != "keep-alive" &&
         lower != "date" && lower != "server";
}

// A boundary that none of the parts contains.
std::string multipart_body(const std::vector<FormPart>& parts, std::string& boundary) {
  for (int attempt = 0;; ++attempt) {
    boundary = "oxen-mock-boundary-" + std::to_string(attempt);
    bool clash = false;
    for (const auto& part : parts)
      clash = clash || part.content.find(boundary) != std::string::npos;
    if (!clash) break;
  }
  std::string body;
  for (const auto& part : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (!part.filename.empty()) body += "; filename=\"" + part.filename + "\"";
    body += "\r\n";
    if (!part.content_type.empty()) body += "Content-Type: " + part.content_type + "\r\n";
    body += "\r\n" + part.content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

}  // namespace

Upstream::Upstream(const std::string& url, int timeout_ms, size_t max_body_bytes)
    : timeout_ms_(timeout_ms), max_body_bytes_(max_body_bytes) {
  static const std::regex shape(R"(^(https?)://([^/?#\s]+)(/[^?#\s]*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, shape))
    throw std::invalid_argument("--upstream: expected http(s)://host[:port][/prefix], got '" + url +
                                "'");
  https_ = m[1] == "https";
  origin_ = std::string(m[1]) + "://" + std::string(m[2]);
  prefix_ = m[3];
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

UpstreamAnswer Upstream::forward(const Request& request) const {
  httplib::Client client(origin_);
  const time_t secs = timeout_ms_ / 1000, usecs = (timeout_ms_ % 1000) * 1000;
  client.set_connection_timeout(secs, usecs);
  client.set_read_timeout(secs, usecs);
  client.set_write_timeout(secs, usecs);
  if (https_) {
    client.enable_server_certificate_verification(true);
    if (std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt"))
      client.set_ca_cert_path("/etc/ssl/certs/ca-certificates.crt");
  }

  httplib::Request out;
  out.method = request.method;
  // The mock's routes all start with /api, which the upstream's prefix replaces.
  out.path = prefix_ + (request.path.rfind("/api", 0) == 0 ? request.path.substr(4) : request.path);
  if (!request.query_string.empty()) out.path += "?" + request.query_string;
  for (const char* name : {"Authorization", "Accept", "X-Mock-Namespace"})
    if (auto value = request.header(name)) out.headers.emplace(name, *value);
  if (!request.form.empty()) {
    std::string boundary;
    out.body = multipart_body(request.form, boundary);
    out.headers.emplace("Content-Type", "multipart/form-data; boundary=" + boundary);
  } else {
    out.body = request.body;
    if (auto type = request.header("Content-Type"))
      out.headers.emplace("Content-Type", *type);
    else if (!out.body.empty())
      out.headers.emplace("Content-Type", "application/json");
  }

  UpstreamAnswer answer;
  bool too_large = false;
  const auto sent = std::chrono::steady_clock::now();
  out.content_receiver = [&](const char* data, size_t length, uint64_t, uint64_t) {
    if (answer.body.size() + length > max_body_bytes_) {
      too_large = true;
      return false;  // stops the transfer
    }
    answer.body.append(data, length);
    answer.arrivals.emplace_back(answer.body.size(),
                                 std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - sent)
                                     .count());
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!client.send(out, res, error)) {
    answer.timed_out =
        !too_large && (error == httplib::Error::ConnectionTimeout || error == httplib::Error::Read);
    if (too_large)
      answer.error = "the answer is larger than " + std::to_string(max_body_bytes_) + " bytes";
    else if (error == httplib::Error::Connection)
      answer.error = "connection refused or host unreachable";
    else if (answer.timed_out)  // httplib reports a read timeout and a closed connection alike
      answer.error = "no complete answer within " + std::to_string(timeout_ms_) +
                     " ms, or the upstream closed the connection";
    else
      answer.error = httplib::to_string(error);
    return answer;
  }
  answer.ok = true;
  answer.status = res.status;
  answer.content_type = res.get_header_value("Content-Type");
  for (const auto& [name, value] : res.headers)
    if (relayed(name)) answer.headers.emplace(name, value);
  return answer;
}

}  // namespace oxen::mock
