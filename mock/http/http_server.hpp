#pragma once
// Serves a MockApp over HTTP with cpp-httplib, tuned deliberately: its defaults (Nagle on,
// 5 requests per connection, a pool the size of the core count) cost two orders of magnitude.
#include <atomic>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace oxen::mock {

class MockApp;

class HttpServer {
 public:
  explicit HttpServer(MockApp& app);
  ~HttpServer();

  // Binds host:port (port 0 picks a free one); returns the bound port, or -1.
  int bind(const std::string& host, int port);
  void serve();  // blocks until stop()
  void stop();

 private:
  MockApp& app_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<bool> stopping_{false};
  // httplib 0.11's stop() does nothing before listening has begun, so stop() and serve() meet
  // through these: a stop that comes first makes serve() return at once, a stop that comes
  // while serve() is starting waits for the listening to begin.
  std::atomic<bool> serving_{false}, served_{false};
};

}  // namespace oxen::mock
