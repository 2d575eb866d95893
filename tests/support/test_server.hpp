#pragma once
// A real oxen-mock on 127.0.0.1:0, started and stopped by the test that owns it.
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "state_machine.hpp"

#include "app.hpp"
#include "http/http_server.hpp"

namespace oxen::test {

inline mock::Config test_config() {
  mock::Config c;
  c.port = 0;
  c.self_check = true;  // every response is validated against its schema and journaled
  c.clock_mode = mock::Clock::Mode::manual;
  c.worker_threads = 16;
  return c;
}

// For tests where time must pass on its own, as for a client that cannot drive the clock (the
// conformance harness following a queued job).
inline mock::Config real_clock_config() {
  mock::Config c = test_config();
  c.clock_mode = mock::Clock::Mode::real;
  return c;
}

class TestServer {
 public:
  explicit TestServer(mock::Config config = test_config(), mock::Fixtures fixtures = mock::Fixtures::load())
      : app_(std::make_unique<mock::MockApp>(std::move(config), std::move(fixtures))),
        server_(std::make_unique<mock::HttpServer>(*app_)) {
    port_ = server_->bind("127.0.0.1", 0);
    if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1:0");
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  mock::MockApp& app() { return *app_; }

  // A client that sends `Authorization: Bearer <key>` (none when key is empty).
  httplib::Client client(const std::string& key = "test-key") const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(5, 0);
    if (!key.empty()) c.set_bearer_token_auth(key.c_str());
    return c;
  }

 private:
  std::unique_ptr<mock::MockApp> app_;
  std::unique_ptr<mock::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace oxen::test
