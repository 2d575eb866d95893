#include "http_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "../app.hpp"
#include "elastic_pool.hpp"

namespace oxen::mock {

namespace {

Request to_request(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  r.body = in.body;
  r.remote_addr = in.remote_addr;
  // httplib adds the connection's addresses as headers; they are not what the client sent.
  for (const auto& [name, value] : in.headers)
    if (name != "REMOTE_ADDR" && name != "REMOTE_PORT" && name != "LOCAL_ADDR" && name != "LOCAL_PORT")
      r.headers.emplace(name, value);
  for (const auto& [name, value] : in.params) {
    r.query.emplace(name, value);
    r.query_string += (r.query_string.empty() ? "" : "&") + name + "=" + value;
  }
  return r;
}

class SinkAdapter : public StreamSink {
 public:
  SinkAdapter(httplib::DataSink& sink, const std::atomic<bool>* stopping)
      : sink_(sink), stopping_(stopping) {}
  bool write(std::string_view bytes) override {
    return alive() && sink_.write(bytes.data(), bytes.size());
  }
  // A server that is stopping ends its streams, or stop() would wait for them forever.
  bool alive() const override {
    return !aborted_ && !(stopping_ && stopping_->load()) && sink_.is_writable();
  }
  bool stopping() const override { return stopping_ && stopping_->load(); }
  void abort() override { aborted_ = true; }
  bool aborted() const { return aborted_; }

 private:
  httplib::DataSink& sink_;
  const std::atomic<bool>* stopping_;
  bool aborted_ = false;
};

void write_response(const Response& in, httplib::Response& out,
                    const std::atomic<bool>* stopping = nullptr) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) out.set_header(name, value);
  if (in.drop) {
    // A provider that fails at once makes httplib close the connection after the headers.
    out.set_content_provider(1, in.content_type,
                             [](size_t, size_t, httplib::DataSink&) { return false; });
  } else if (in.stream) {
    auto stream = in.stream;
    out.set_chunked_content_provider(in.content_type, [stream, stopping](size_t, httplib::DataSink& sink) {
      SinkAdapter adapter(sink, stopping);
      stream(adapter);
      if (adapter.aborted()) return false;  // httplib closes the connection
      sink.done();
      return true;
    });
  } else {
    out.set_content(in.body, in.content_type);
  }
}

}  // namespace

HttpServer::HttpServer(MockApp& app) : app_(app), server_(std::make_unique<httplib::Server>()) {
  const Config& config = app_.config();
  const size_t initial = http_pool_initial_threads(config), maximum = http_pool_threads(config);
  server_->new_task_queue = [initial, maximum] { return new ElasticPool(initial, maximum); };
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(config.keep_alive_max_requests);
  server_->set_keep_alive_timeout(config.idle_timeout_s);
  server_->set_read_timeout(config.read_timeout_s, 0);
  server_->set_write_timeout(config.write_timeout_s, 0);
  server_->set_payload_max_length(config.max_body_bytes);

  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    write_response(app_.handle(to_request(req)), res, &stopping_);
  };
  // httplib 0.11 waits for the peer to close when a POST has neither Content-Length nor chunked
  // encoding (curl -X POST without -d does that); HTTP/1.1 says such a request has no body.
  auto dispatch_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& read) {
    Request request = to_request(req);
    bool has_body = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    auto too_large = [&] {
      auto detail = "request body is larger than " + std::to_string(app_.config().max_body_bytes) +
                    " bytes or could not be read";
      write_response(app_.pipeline().error_response(ApiError("payload_too_large", {{"detail", detail}})),
                     res, &stopping_);
    };
    if (has_body && req.is_multipart_form_data()) {
      // httplib's own parser splits the parts; the pipeline turns them into the body it validates.
      bool read_all = read(
          [&](const httplib::MultipartFormData& part) {
            request.form.push_back({part.name, part.filename, part.content_type, ""});
            return true;
          },
          [&](const char* data, size_t size) {
            if (!request.form.empty()) request.form.back().content.append(data, size);
            return true;
          });
      if (!read_all && res.status == 413) return too_large();
      request.form_broken = !read_all;
    } else if (has_body && !read([&](const char* data, size_t size) {
                 request.body.append(data, size);
                 return true;
               })) {
      return too_large();
    }
    write_response(app_.handle(request), res, &stopping_);
  };
  server_->Get(".*", dispatch);
  server_->Options(".*", dispatch);
  server_->Post(".*", dispatch_with_body);
  server_->Put(".*", dispatch_with_body);
  server_->Patch(".*", dispatch_with_body);
  server_->Delete(".*", dispatch_with_body);

  // httplib answers some requests itself (body over the limit, unparsable request line); give
  // those the documented error bodies too.
  server_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.status < 400) return;
    if (!res.body.empty()) return;
    std::string kind = res.status == 413 ? "payload_too_large" : "invalid_params";
    std::string detail = res.status == 413 ? "request body exceeds " +
                                                 std::to_string(app_.config().max_body_bytes) +
                                                 " bytes"
                                           : "malformed request (" + req.method + " " + req.path + ")";
    auto r = app_.pipeline().error_response(ApiError(kind, {{"detail", detail}}));
    r.status = res.status;
    write_response(r, res, &stopping_);
  });
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(const std::string& host, int port) {
  // httplib 0.11 listens with a backlog of 5, so bursts of connects (hundreds of event
  // subscribers, a load test) stall for a second at a time. Keep the listening socket and ask
  // again with the system's maximum: Linux lets a second listen() change the backlog.
  int listening_fd = -1;
  server_->set_socket_options([&listening_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listening_fd = sock;
  });
  int bound = port == 0 ? server_->bind_to_any_port(host)
                        : (server_->bind_to_port(host, port) ? port : -1);
  if (bound > 0 && listening_fd >= 0) ::listen(listening_fd, SOMAXCONN);
  return bound;
}

void HttpServer::serve() {
  serving_ = true;
  if (!stopping_) server_->listen_after_bind();
  served_ = true;
}

void HttpServer::stop() {
  stopping_ = true;
  app_.clock().cancel_waits();  // fault delays, latencies and pacing end now, in either clock mode
  app_.clock().notify();        // wakes streams waiting on the clock so they see the stop
  while (serving_ && !served_ && !server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->stop();
}

}  // namespace oxen::mock
