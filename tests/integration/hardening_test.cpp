// Bad and hostile input, many threads, many streams: the mock answers with documented errors,
// keeps its invariants and stops cleanly. Every loop is bounded in count and time.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TEST_CASE("a body nested 100,000 deep is a 400, not a stack overflow") {
  TestServer server;
  auto c = server.client();
  std::string deep = R"({"model": "gpt-4o", "messages": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  for (auto path : {"/api/ai/chat/completions", "/api/ai/images/generate", "/api/ai/queue"}) {
    CAPTURE(path);
    auto res = c.Post(path, deep, "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    auto body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["detail"].get<std::string>().find("nests deeper") != std::string::npos);
  }
  CHECK(c.Get("/api/ai/models")->status == 200);
}

TEST_CASE("malformed bodies get the documented error and change nothing") {
  TestServer server;
  auto c = server.client();
  const std::vector<std::string> bodies = {"{", "[1,2", "\"model\"", "{\"model\": gpt}",
                                           std::string("\xff\xfe", 2),
                                           // a number beyond a double (found by the request fuzzer)
                                           R"({"model": "gpt-4o", "messages": [[3e333333333]]})"};
  for (const auto& body : bodies) {
    CAPTURE(body);
    auto res = c.Post("/api/ai/chat/completions", body, "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK_SCHEMA("error_oxen", parse_json(res->body));
    // The journal says why, at the body's root: not JSON at all, or JSON of the wrong type.
    auto findings = server.app().journal().snapshot().back().request_findings;
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].pointer == "");
    CHECK(findings[0].rule == (body == "\"model\"" ? "type" : "json"));
    CHECK(parse_json(res->body)["error"]["detail"].get<std::string>().find(findings[0].message) != std::string::npos);
  }
  CHECK(server.app().world()->registry.size() == parse_json(c.Get("/api/ai/models")->body)["data"].size());
}

TEST_CASE("request limits get their documented bodies: body 413, headers 431 or 400") {
  auto config = oxen::test::test_config();
  config.max_body_bytes = 4096;
  TestServer server(config);
  auto c = server.client();
  auto expect = [](const httplib::Result& res, int status, const std::string& type) {
    REQUIRE(res);
    CHECK(res->status == status);
    auto body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == type);
  };
  SUBCASE("a body over --max-body-bytes") {
    json body = {{"model", "gpt-4o"}, {"messages", {{{"role", "user"}, {"content", std::string(5000, 'x')}}}}};
    expect(c.Post("/api/ai/chat/completions", body.dump(), "application/json"), 413, "payload_too_large");
  }
  SUBCASE("more header fields than --max-headers (100)") {
    httplib::Headers headers;
    for (int i = 0; i < 150; ++i) headers.emplace("X-Field-" + std::to_string(i), "v");
    expect(c.Get("/api/ai/models", headers), 431, "request_headers_too_large");
    httplib::Headers fewer;
    for (int i = 0; i < 80; ++i) fewer.emplace("X-Field-" + std::to_string(i), "v");
    CHECK(c.Get("/api/ai/models", fewer)->status == 200);
  }
  SUBCASE("more header bytes than --max-header-bytes (64 KiB)") {
    httplib::Headers headers;
    for (int i = 0; i < 20; ++i) headers.emplace("X-Field-" + std::to_string(i), std::string(4000, 'v'));
    expect(c.Get("/api/ai/models", headers), 431, "request_headers_too_large");
  }
  SUBCASE("one header line longer than the HTTP library reads (8 KiB)") {
    expect(c.Get("/api/ai/models", {{"X-Long", std::string(10000, 'v')}}), 400, "invalid_params");
  }
  // The registry is untouched and the server still answers.
  CHECK(c.Get("/api/ai/models")->status == 200);
}

TEST_CASE("100 slow-loris connections do not hold up normal requests") {
  auto config = oxen::test::test_config();
  config.worker_threads = 256;
  TestServer server(config);
  std::vector<int> sockets;
  for (int i = 0; i < 100; ++i) {
    int fd = connect_to(server.port());
    REQUIRE(fd >= 0);
    const std::string partial = "GET /api/ai/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    CHECK(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL) > 0);
    sockets.push_back(fd);
  }
  auto c = server.client();
  for (int i = 0; i < 20; ++i) {
    auto res = c.Get("/api/ai/models/gpt-4o");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  for (int fd : sockets) ::close(fd);
}

TEST_CASE("stopping the server ends 200 open event streams") {
  auto config = oxen::test::test_config();
  config.worker_threads = 512;
  config.max_event_subscribers = 250;
  auto server = std::make_unique<TestServer>(config);
  std::atomic<int> ended{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 200; ++i) {
    readers.emplace_back([&] {
      auto c = server->client();
      c.set_read_timeout(20, 0);
      c.Get("/api/events", [](const char*, size_t) { return true; });
      ++ended;
    });
  }
  REQUIRE(server->app().media().events().wait_for_subscribers(200, std::chrono::milliseconds(20000)));
  server.reset();  // stop(): every stream must end, or this would never return
  for (auto& r : readers) r.join();
  CHECK(ended == 200);
}

TEST_CASE("a storm of 64 threads keeps every invariant and loses no journal entry") {
  auto config = oxen::test::test_config();
  config.worker_threads = 128;
  config.journal_capacity = 100000;
  TestServer server(config);
  const auto& deployment = oxen::StateMachine::builtin("deployment");
  std::atomic<int> sent{0}, errors{0}, illegal{0};
  const std::vector<std::string> customs = {"oxen:acme/support-bot", "oxen:acme/product-shots",
                                            "oxen:acme/broken-lora", "oxen:ox-brave-jade-gecko"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      auto c = server.client();
      for (int i = 0; i < 25; ++i) {
        const std::string id = customs[(t + i) % customs.size()];
        httplib::Result res = [&] {
          switch ((t * 7 + i) % 6) {
            case 0: return c.Post(("/api/ai/models/" + id + "/activate").c_str());
            case 1: return c.Post(("/api/ai/models/" + id + "/deactivate").c_str());
            case 2: return c.Get(("/api/ai/models/" + id).c_str());
            case 3: return c.Post("/api/ai/queue", R"({"model": "flux-2-dev", "prompt": "storm"})", "application/json");
            case 4: return c.Get("/api/ai/queue");
            default: return t == 0 && i == 24 ? c.Delete(("/api/ai/models/" + id).c_str())
                                              : c.Get("/api/ai/models");
          }
        }();
        ++sent;
        if (!res || res->status >= 500) {
          ++errors;
          continue;
        }
        if (res->status == 200 && res->body.find("\"deployments\":[{") != std::string::npos) {
          auto m = json::parse(res->body);
          if (m.contains("deployments") && !deployment.is_state(m["deployments"][0]["status"])) ++illegal;
        }
        if (i % 10 == 0) server.app().clock().advance(500);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(errors == 0);
  CHECK(illegal == 0);
  CHECK(server.app().journal().total_recorded() == static_cast<uint64_t>(sent.load()));
  CHECK(server.app().journal().snapshot().size() == static_cast<size_t>(sent.load()));
  for (const auto& model : server.app().world()->registry.list())
    if (model["model_type"] == "custom") CHECK(deployment.is_state(model["deployments"][0]["status"]));
}
