#pragma once
// The API a proxying mock forwards to (--upstream): one request out, the whole answer back, with
// bounded timeouts and a bounded size. The client's key travels in the forwarded Authorization
// header and nowhere else.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "message.hpp"

namespace oxen::mock {

struct UpstreamAnswer {
  bool ok = false;
  bool timed_out = false;
  std::string error;  // why there is no answer, in words
  int status = 0;
  Headers headers;  // the end-to-end headers worth relaying (not Content-Type)
  std::string content_type;
  std::string body;
  // (bytes received so far, ms since the request went out), one per piece read: when each part
  // of a stream arrived.
  std::vector<std::pair<size_t, int64_t>> arrivals;
};

class Upstream {
 public:
  // `url`: http(s)://host[:port][/prefix]; the prefix stands where the mock's "/api" does.
  // Throws std::invalid_argument for anything else.
  Upstream(const std::string& url, int timeout_ms, size_t max_body_bytes);

  UpstreamAnswer forward(const Request& request) const;

 private:
  std::string origin_, prefix_;
  bool https_ = false;
  int timeout_ms_;
  size_t max_body_bytes_;
};

}  // namespace oxen::mock
