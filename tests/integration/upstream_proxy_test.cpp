// oxen-mock --upstream: every API request forwarded with the client's key, the upstream's answer
// relayed and judged against the contract like the mock's own, drift journaled (or a 502 with
// --fail-on-drift), an unreachable or silent upstream answered with a documented 502/504.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contract_checks.hpp"
#include "drift_server.hpp"
#include "mock_process.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::DriftServer;
using oxen::test::Exchange;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const std::string kKey = "sk-upstream-secret-4242";

oxen::mock::Config proxy_config(const std::string& upstream_url) {
  auto c = oxen::test::test_config();
  c.upstream = upstream_url;
  c.upstream_timeout_ms = 2000;
  return c;
}

std::string api_url(const TestServer& server) {
  return server.base_url() + "/api";
}

// The journal over HTTP, checked against its schema.
json journal(const TestServer& server) {
  auto admin = server.client("");
  auto res = admin.Get("/__admin/requests");
  REQUIRE(res);
  json j = parse_json(res->body);
  CHECK_SCHEMA("admin_requests", j);
  return j["requests"];
}

json last_entry(const TestServer& server) {
  json entries = journal(server);
  REQUIRE(!entries.empty());
  return entries.back();
}

json chat(bool stream) {
  return {{"model", "gpt-4o"},
          {"messages", json::array({{{"role", "user"}, {"content", "Say hello"}}})},
          {"stream", stream}};
}

// A port on 127.0.0.1 that nothing listens on (bound, then freed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Accepts connections into its backlog and never answers.
struct SilentListener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  SilentListener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 8);
    socklen_t length = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    port = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd); }
};

}  // namespace

TEST_CASE("--upstream forwards API requests with the client's key and relays the answers") {
  auto upstream_config = oxen::test::test_config();
  upstream_config.api_keys = {kKey};  // only the client's own key opens the upstream
  TestServer upstream(upstream_config);
  TestServer proxy(proxy_config(api_url(upstream)));
  auto client = proxy.client(kKey);

  SUBCASE("a JSON answer is the upstream's, judged and journaled as forwarded") {
    auto direct = upstream.client(kKey).Get("/api/ai/models?developer_name=OpenAI");
    auto res = client.Get("/api/ai/models?developer_name=OpenAI");
    REQUIRE(res);
    REQUIRE(direct);
    CHECK(res->status == 200);
    CHECK(parse_json(res->body) == parse_json(direct->body));
    // The identity header is the upstream's: a proxied live API never passes for the mock.
    CHECK(res->get_header_value("X-Oxen-Mock") == direct->get_header_value("X-Oxen-Mock"));
    CHECK(res->get_header_value_count("X-Oxen-Mock") == 1);
    json entry = last_entry(proxy);
    CHECK(entry["source"] == "forwarded");
    CHECK(entry["query"] == "developer_name=OpenAI");
    CHECK(entry["response_findings"].empty());
    json seen = last_entry(upstream);
    CHECK(seen["path"] == "/api/ai/models");
    CHECK(seen["query"] == "developer_name=OpenAI");
    CHECK(seen["status"] == 200);
  }
  SUBCASE("the upstream decides who is let in, and its error body is relayed") {
    auto res = proxy.client("sk-some-other-key").Get("/api/ai/models");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK_SCHEMA("error_oxen", parse_json(res->body));
    CHECK(last_entry(proxy)["source"] == "forwarded");
  }
  SUBCASE("a POST's body is forwarded and its answer relayed") {
    auto res = client.Post("/api/ai/chat/completions", chat(false).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK_SCHEMA("chat_response", parse_json(res->body));
    CHECK(parse_json(last_entry(upstream)["body"].get<std::string>()) == chat(false));
    CHECK(last_entry(proxy)["response_findings"].empty());
  }
  SUBCASE("a stream is relayed frame by frame, its frames judged") {
    auto res = client.Post("/api/ai/chat/completions", chat(true).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type").rfind("text/event-stream", 0) == 0);
    CHECK(res->body.find("data: [DONE]") != std::string::npos);
    json entry = last_entry(proxy);
    CHECK(entry["streamed"] == true);
    CHECK(entry["source"] == "forwarded");
    CHECK(entry["response_findings"].empty());
    CHECK(entry["stream"]["frames"] == last_entry(upstream)["stream"]["frames"]);
  }
  SUBCASE("a request the contract refuses is journaled with its findings and still forwarded") {
    json body = chat(false);
    body["temperature"] = "hot";
    auto res = client.Post("/api/ai/chat/completions", body.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);  // the upstream's answer
    json entry = last_entry(proxy);
    CHECK(entry["source"] == "forwarded");
    REQUIRE(!entry["request_findings"].empty());
    CHECK(entry["request_findings"][0]["pointer"] == "/temperature");
    CHECK(last_entry(upstream)["path"] == "/api/ai/chat/completions");
  }
  SUBCASE("the admin API stays the proxy's own") {
    auto before = journal(upstream).size();
    auto res = proxy.client("").Get("/__admin/clock");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(journal(upstream).size() == before);
  }
  SUBCASE("the key is in no journal entry of the proxy") {
    client.Get("/api/ai/models");
    client.Post("/api/ai/chat/completions", chat(true).dump(), "application/json");
    CHECK(journal(proxy).dump().find(kKey) == std::string::npos);
  }
}

TEST_CASE(
    "--upstream judges the upstream's answers: drift is journaled, or a 502 with --fail-on-drift") {
  DriftServer drifted([](Exchange& e) {
    if (e.path.rfind("/api/ai/models", 0) == 0 && e.body.is_object() && e.body.contains("data"))
      for (auto& model : e.body["data"]) model.erase("id");
  });

  SUBCASE("without --fail-on-drift the answer is relayed and the finding journaled") {
    TestServer proxy(proxy_config(drifted.base_url()));
    auto res = proxy.client(kKey).Get("/api/ai/models");
    REQUIRE(res);
    CHECK(res->status == 200);
    json entry = last_entry(proxy);
    CHECK(entry["source"] == "forwarded");
    REQUIRE(!entry["response_findings"].empty());
    CHECK(entry["response_findings"][0]["pointer"] == "/data/0/id");
    CHECK(entry["response_findings"][0]["rule"] == "required");
  }
  SUBCASE("with --fail-on-drift the client gets the documented 502") {
    auto config = proxy_config(drifted.base_url());
    config.fail_on_drift = true;
    TestServer proxy(config);
    auto res = proxy.client(kKey).Get("/api/ai/models");
    REQUIRE(res);
    CHECK(res->status == 502);
    json body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "contract_drift");
    CHECK(body["error"]["detail"].get<std::string>().find("/data/0") != std::string::npos);
    json entry = last_entry(proxy);
    CHECK(entry["error_kind"] == "upstream_drift");
    CHECK(!entry["response_findings"].empty());
    CHECK_FALSE(res->has_header("X-Oxen-Mock"));
  }
  SUBCASE("with --fail-on-drift an answer within the contract passes") {
    auto config = proxy_config(drifted.base_url());
    config.fail_on_drift = true;
    TestServer proxy(config);
    auto res =
        proxy.client(kKey).Post("/api/ai/chat/completions", chat(false).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}

TEST_CASE(
    "--upstream that cannot be reached or does not answer: a documented 502/504, never a hang") {
  SUBCASE("nothing listens: 502") {
    TestServer proxy(proxy_config("http://127.0.0.1:" + std::to_string(closed_port()) + "/api"));
    auto res = proxy.client(kKey).Get("/api/ai/models");
    REQUIRE(res);
    CHECK(res->status == 502);
    json body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "bad_gateway");
    CHECK(last_entry(proxy)["error_kind"] == "upstream_failed");
  }
  SUBCASE("it never answers: 504 after --upstream-timeout-ms") {
    SilentListener silent;
    auto config = proxy_config("http://127.0.0.1:" + std::to_string(silent.port) + "/api");
    config.upstream_timeout_ms = 200;
    TestServer proxy(config);
    auto res =
        proxy.client(kKey).Post("/api/ai/chat/completions", chat(false).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 504);
    json body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "gateway_timeout");
  }
  SUBCASE("an answer over --upstream-max-body-bytes: 502") {
    TestServer upstream;
    auto config = proxy_config(api_url(upstream));
    config.upstream_max_body_bytes = 100;
    TestServer proxy(config);
    auto res = proxy.client(kKey).Get("/api/ai/models");
    REQUIRE(res);
    CHECK(res->status == 502);
    CHECK(parse_json(res->body)["error"]["detail"] == "the answer is larger than 100 bytes");
  }
  SUBCASE("a malformed --upstream stops start-up") {
    CHECK_THROWS_AS(TestServer(proxy_config("ftp://example")), std::invalid_argument);
  }
}

TEST_CASE("oxen-mock --upstream: the key is in none of its log lines") {
  TestServer upstream;
  oxen::test::MockProcess proxy(
      {"--upstream", api_url(upstream), "--log", "json", "--clock", "manual"});
  httplib::Client client("127.0.0.1", proxy.port());
  client.set_bearer_token_auth(kKey.c_str());
  client.set_read_timeout(10, 0);
  auto res = client.Get(("/api/ai/models/" + kKey).c_str());  // the key in a path, too
  REQUIRE(res);
  CHECK(res->status == 404);
  REQUIRE(client.Post("/api/ai/chat/completions", chat(true).dump(), "application/json"));
  REQUIRE(proxy.stop() == 0);
  std::string output = proxy.output() + proxy.rest_of_output();
  CHECK(output.find("/api/ai/chat/completions") != std::string::npos);
  CHECK(output.find(kKey) == std::string::npos);
  auto seen = upstream.client("").Get("/__admin/requests");
  REQUIRE(seen);
  CHECK(seen->body.find(kKey) == std::string::npos);  // the upstream mock's journal redacts it too
}
