#pragma once
// A small server on 127.0.0.1:0 that answers with a real mock's answers, passed through a
// perturbation: the conformance tests use it to inject one contract change at a time.
#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "test_server.hpp"

namespace oxen::test {

// One exchange as the perturbation sees it; change status/body to inject drift.
struct Exchange {
  std::string method;
  std::string path;   // with the query string, e.g. "/api/ai/models?developer_name=OpenAI"
  bool authenticated = false;
  int status = 0;
  nlohmann::json body;  // parsed JSON (null when the body was not JSON)
  std::string raw;      // used when `body` is null
  bool identified = true;  // false: the answer loses the mock's identity header
  std::string content_type;  // set: replaces the answer's Content-Type
  bool chunked = false;      // true: `raw` is sent with chunked transfer, in small pieces
};

using Perturbation = std::function<void(Exchange&)>;

class DriftServer {
 public:
  explicit DriftServer(Perturbation perturb = {}, mock::Config config = test_config())
      : mock_(std::move(config)), perturb_(std::move(perturb)) {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { forward(req, res); };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1:0");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib 0.11's stop() does nothing until listening has begun.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~DriftServer() {
    server_.stop();
    thread_.join();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api"; }
  TestServer& mock() { return mock_; }

 private:
  void forward(const httplib::Request& req, httplib::Response& res) {
    httplib::Client c("127.0.0.1", mock_.port());
    c.set_read_timeout(10, 0);
    httplib::Headers headers;
    for (const char* name : {"Authorization", "X-Mock-Namespace"})
      if (req.has_header(name)) headers.emplace(name, req.get_header_value(name));
    std::string target = req.target;
    httplib::Result r{nullptr, httplib::Error::Unknown};
    if (req.method == "GET")
      r = c.Get(target.c_str(), headers);
    else if (req.method == "POST")
      r = c.Post(target.c_str(), headers, req.body, "application/json");
    else
      r = c.Delete(target.c_str(), headers, req.body, "application/json");
    if (!r) {
      res.status = 502;
      return;
    }
    Exchange e;
    e.method = req.method;
    e.path = target;
    e.authenticated = req.has_header("Authorization");
    e.status = r->status;
    e.raw = r->body;
    auto parsed = nlohmann::json::parse(r->body, nullptr, false);
    if (!parsed.is_discarded()) e.body = std::move(parsed);
    if (perturb_) perturb_(e);
    res.status = e.status;
    // Still the mock, one change away: it keeps the mock's identity header.
    if (e.identified && r->has_header("X-Oxen-Mock")) res.set_header("X-Oxen-Mock", r->get_header_value("X-Oxen-Mock"));
    const std::string type = !e.content_type.empty() ? e.content_type
                             : e.body.is_null()       ? r->get_header_value("Content-Type")
                                                      : "application/json";
    if (!e.body.is_null()) {
      res.set_content(e.body.dump(), type);
    } else if (e.chunked) {
      res.set_chunked_content_provider(type, [raw = e.raw](size_t offset, httplib::DataSink& sink) {
        if (offset >= raw.size()) {
          sink.done();
          return true;
        }
        return sink.write(raw.data() + offset, std::min<size_t>(7, raw.size() - offset));
      });
    } else {
      res.set_content(e.raw, type);
    }
  }

  TestServer mock_;
  Perturbation perturb_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace oxen::test
