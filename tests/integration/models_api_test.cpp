// The Models API over real HTTP on 127.0.0.1:0: every endpoint, every error body, every
// response validated against its schema.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const json kModelNotFound = [] { return json{{"error", {{"message", "Model not found: nope"}}}}; }();

json get_json(httplib::Client& c, const std::string& path, int expected_status = 200) {
  auto res = c.Get(path.c_str());
  REQUIRE(res);
  CHECK(res->status == expected_status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  return parse_json(res->body);
}

json post_json(httplib::Client& c, const std::string& path, int expected_status = 200) {
  auto res = c.Post(path.c_str());
  REQUIRE(res);
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

std::string status_of(const json& model) { return model["deployments"][0]["status"]; }

}  // namespace

TEST_CASE("GET /api/ai/models lists the fixtures, filtered") {
  TestServer server;
  auto c = server.client();

  auto all = get_json(c, "/api/ai/models");
  CHECK_SCHEMA("model_list", all);
  CHECK(all["object"] == "list");
  CHECK(all["data"].size() == server.app().world()->registry.size());

  auto openai = get_json(c, "/api/ai/models?developer_name=openai");
  CHECK_SCHEMA("model_list", openai);
  REQUIRE(!openai["data"].empty());
  for (const auto& m : openai["data"]) CHECK(m["developer"]["name"] == "OpenAI");

  auto none = get_json(c, "/api/ai/models?developer_name=nobody-at-all");
  CHECK(none["data"].empty());

  auto tuneable = get_json(c, "/api/ai/models?action=text_generation");
  for (const auto& m : tuneable["data"]) CHECK(m["fine_tuning"].is_object());
  check_no_response_findings(server);
}

TEST_CASE("GET /api/ai/models/search") {
  TestServer server;
  auto c = server.client();

  auto kling = get_json(c, "/api/ai/models/search?search=KLING");
  CHECK_SCHEMA("model_list", kling);
  REQUIRE(kling["data"].size() >= 4);
  for (const auto& m : kling["data"]) {
    std::string haystack = m["id"].get<std::string>() + " " + m["display_name"].get<std::string>();
    std::transform(haystack.begin(), haystack.end(), haystack.begin(), ::tolower);
    CHECK(haystack.find("kling") != std::string::npos);
  }

  SUBCASE("missing or empty search is 400 invalid_params naming the parameter") {
    for (auto path : {"/api/ai/models/search", "/api/ai/models/search?search="}) {
      auto body = get_json(c, path, 400);
      CHECK_SCHEMA("error_oxen", body);
      CHECK(body["error"]["type"] == "invalid_params");
      CHECK(body["error"]["title"] ==
            "Invalid parameters supplied, please check your request and try again.");
      CHECK(body["error"]["detail"].get<std::string>().rfind("search:", 0) == 0);
    }
  }
  check_no_response_findings(server);
}

TEST_CASE("GET /api/ai/models/{id}") {
  TestServer server;
  auto c = server.client();

  SUBCASE("ids with '/', ':' and '.'") {
    for (std::string id : {"Qwen/Qwen-Image", "wan-2.2-t2v-fast", "oxen:acme/support-bot"}) {
      auto model = get_json(c, "/api/ai/models/" + id);
      CHECK_SCHEMA("model", model);
      CHECK(model["id"] == id);
    }
  }
  SUBCASE("list and retrieve agree") {
    auto all = get_json(c, "/api/ai/models");
    for (const auto& m : all["data"]) CHECK(get_json(c, "/api/ai/models/" + m["id"].get<std::string>()) == m);
  }
  SUBCASE("request_schema is served") {
    auto flux = get_json(c, "/api/ai/models/flux-2-dev");
    CHECK(flux["request_schema"]["properties"].contains("prompt"));
  }
  SUBCASE("deployment_status=live is accepted, other values are not") {
    CHECK_SCHEMA("model", get_json(c, "/api/ai/models/oxen:acme/support-bot?deployment_status=live"));
    auto bad = get_json(c, "/api/ai/models/flux-2-dev?deployment_status=stale", 400);
    CHECK_SCHEMA("error_oxen", bad);
    CHECK(bad["error"]["detail"].get<std::string>().rfind("deployment_status:", 0) == 0);
  }
  SUBCASE("unknown model is the documented 404") {
    auto body = get_json(c, "/api/ai/models/nope", 404);
    CHECK_SCHEMA("error_openai", body);
    CHECK(body == kModelNotFound);
  }
  check_no_response_findings(server);
}

TEST_CASE("deployments over HTTP, driven by the clock") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();

  SUBCASE("activate -> deploying -> active; idempotent repeats") {
    auto m = post_json(c, "/api/ai/models/oxen:acme/product-shots/activate");
    CHECK_SCHEMA("model", m);
    CHECK(status_of(m) == "deploying");
    CHECK(status_of(post_json(c, "/api/ai/models/oxen:acme/product-shots/activate")) == "deploying");
    clock.advance(60'000);
    CHECK(status_of(get_json(c, "/api/ai/models/oxen:acme/product-shots")) == "active");
    CHECK(status_of(post_json(c, "/api/ai/models/oxen:acme/product-shots/activate")) == "active");
  }
  SUBCASE("deactivate -> deactivating -> inactive") {
    CHECK(status_of(post_json(c, "/api/ai/models/oxen:acme/support-bot/deactivate")) == "deactivating");
    clock.advance(60'000);
    CHECK(status_of(get_json(c, "/api/ai/models/oxen:acme/support-bot")) == "inactive");
  }
  SUBCASE("a model in error can be activated again") {
    CHECK(status_of(post_json(c, "/api/ai/models/oxen:acme/broken-lora/activate")) == "deploying");
  }
  SUBCASE("the fixture marked to fail goes deploying -> error") {
    const std::string path = "/api/ai/models/oxen:tutorials/cyberpunkart-ft_img_gen_12345";
    CHECK(status_of(post_json(c, path + "/activate")) == "deploying");
    clock.advance(60'000);
    CHECK(status_of(get_json(c, path)) == "error");
  }
  SUBCASE("base models answer 400 invalid_params") {
    for (auto action : {"activate", "deactivate"}) {
      auto body = post_json(c, std::string("/api/ai/models/gpt-4o/") + action, 400);
      CHECK_SCHEMA("error_oxen", body);
      CHECK(body["error"]["type"] == "invalid_params");
      CHECK(body["error"]["detail"].get<std::string>().find("base model") != std::string::npos);
    }
  }
  SUBCASE("unknown ids answer the documented 404") {
    CHECK(post_json(c, "/api/ai/models/nope/activate", 404) == kModelNotFound);
    CHECK(post_json(c, "/api/ai/models/nope/deactivate", 404) == kModelNotFound);
  }
  check_no_response_findings(server);
}

TEST_CASE("DELETE /api/ai/models/{id}") {
  TestServer server;
  auto c = server.client();

  auto res = c.Delete("/api/ai/models/oxen:acme/broken-lora");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto deleted = parse_json(res->body);
  CHECK_SCHEMA("model", deleted);
  CHECK(deleted["id"] == "oxen:acme/broken-lora");
  get_json(c, "/api/ai/models/oxen:acme/broken-lora", 404);
  auto again = c.Delete("/api/ai/models/oxen:acme/broken-lora");
  CHECK(again->status == 404);

  auto base = c.Delete("/api/ai/models/gpt-4o");
  CHECK(base->status == 400);
  CHECK_SCHEMA("error_oxen", parse_json(base->body));
  CHECK(get_json(c, "/api/ai/models/gpt-4o")["id"] == "gpt-4o");
  check_no_response_findings(server);
}

TEST_CASE("authentication") {
  auto check_401 = [](const httplib::Result& res) {
    REQUIRE(res);
    CHECK(res->status == 401);
    auto body = parse_json(res->body);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "unauthenticated");
    CHECK(body["status_message"] == "unauthenticated");
  };

  SUBCASE("by default any non-empty bearer token is accepted") {
    TestServer server;
    auto anonymous = server.client("");
    check_401(anonymous.Get("/api/ai/models"));
    check_401(anonymous.Get("/api/ai/models", {{"Authorization", "Basic abc"}}));
    check_401(anonymous.Get("/api/ai/models", {{"Authorization", "Bearer "}}));
    check_401(anonymous.Post("/api/ai/models/oxen:acme/support-bot/activate"));
    CHECK(server.client("anything").Get("/api/ai/models")->status == 200);
    CHECK(anonymous.Get("/api/ai/models", {{"Authorization", "bearer lower-case"}})->status == 200);
  }
  SUBCASE("with --api-key only the given keys are") {
    auto config = oxen::test::test_config();
    config.api_keys = {"k1", "k2"};
    TestServer server(config);
    CHECK(server.client("k2").Get("/api/ai/models")->status == 200);
    check_401(server.client("k3").Get("/api/ai/models"));
  }
}

TEST_CASE("unknown routes and methods get JSON error bodies") {
  TestServer server;
  auto c = server.client();

  auto missing = c.Get("/api/ai/nothing-here");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  auto body = parse_json(missing->body);
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "resource_not_found");

  auto wrong = c.Put("/api/ai/models", "{}", "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "GET");
  CHECK_SCHEMA("error_oxen", parse_json(wrong->body));
  check_no_response_findings(server);
}

TEST_CASE("the journal records requests with secrets redacted") {
  TestServer server;
  auto c = server.client("sk-very-secret");
  c.Get("/api/ai/models/flux-2-dev?note=sk-very-secret");
  auto events = server.app().journal().snapshot();
  REQUIRE(events.size() == 1);
  const auto& e = events.front();
  CHECK(e.method == "GET");
  CHECK(e.path == "/api/ai/models/flux-2-dev");
  CHECK(e.route == "/api/ai/models/{id+}");
  CHECK(e.status == 200);
  std::string dumped = e.to_json().dump();
  CHECK(dumped.find("sk-very-secret") == std::string::npos);
  CHECK(e.headers.find("Authorization")->second == "[redacted]");

  // A key sent in the path (a client that builds URLs wrongly) is redacted there too.
  c.Get("/api/ai/models/sk-very-secret");
  CHECK(server.app().journal().snapshot().back().path == "/api/ai/models/[redacted]");
}

TEST_CASE("concurrent clients see consistent deployments") {
  TestServer server;
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  const auto& machine = oxen::StateMachine::builtin("deployment");
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto c = server.client();
      for (int i = 0; i < 40; ++i) {
        const char* action = (i + t) % 2 ? "/activate" : "/deactivate";
        auto res = c.Post((std::string("/api/ai/models/oxen:acme/support-bot") + action).c_str());
        if (!res || res->status != 200) {
          ++bad;
          continue;
        }
        auto m = json::parse(res->body);
        if (!machine.is_state(m["deployments"][0]["status"])) ++bad;
        if (!c.Get("/api/ai/models") || !c.Get("/api/ai/models/gpt-4o")) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(bad == 0);
  check_no_response_findings(server);
}

TEST_CASE("empty filter values are absent; search is trimmed") {
  TestServer server;
  auto c = server.client();
  auto all = get_json(c, "/api/ai/models");
  CHECK(get_json(c, "/api/ai/models?developer_name=&action=&provider_name=") == all);
  CHECK(get_json(c, "/api/ai/models?developer_name=%20") == all);
  auto flux = get_json(c, "/api/ai/models/search?search=flux");
  CHECK(!flux["data"].empty());
  CHECK(get_json(c, "/api/ai/models/search?search=%20flux%20") == flux);
  auto blank = c.Get("/api/ai/models/search?search=%20%20");
  REQUIRE(blank);
  CHECK(blank->status == 400);
}
