// Test control over HTTP: the admin API, faults (rules and the X-Mock-Fault header),
// namespaces, rate limiting, the clock.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

json call(httplib::Client& c, const std::string& method, const std::string& path,
          const json& body = nullptr, int expected = 200, const httplib::Headers& headers = {}) {
  std::string text = body.is_null() ? "" : body.dump();
  auto res = method == "GET"    ? c.Get(path.c_str(), headers)
             : method == "POST" ? c.Post(path.c_str(), headers, text, "application/json")
                                : c.Delete(path.c_str(), headers);
  REQUIRE(res);
  INFO(method << " " << path << " -> " << res->status << " " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

int status_of(const httplib::Result& res) { return res ? res->status : -1; }

}  // namespace

TEST_CASE("health, clock and reset") {
  TestServer server;
  auto c = server.client("");

  auto health = call(c, "GET", "/__admin/health");
  CHECK_SCHEMA("admin_health", health);
  CHECK(health["status"] == "ok");
  CHECK(health["clock"]["mode"] == "manual");

  SUBCASE("the clock advances by durations and never backwards") {
    auto before = call(c, "GET", "/__admin/clock")["now_ms"].get<int64_t>();
    auto after = call(c, "POST", "/__admin/clock", {{"advance", "1.5s"}});
    CHECK_SCHEMA("admin_clock", after);
    CHECK(after["now_ms"] == before + 1500);
    CHECK(call(c, "POST", "/__admin/clock", {{"advance", 250}})["now_ms"] == before + 1750);
    call(c, "POST", "/__admin/clock", {{"now_ms", before}}, 400);
    call(c, "POST", "/__admin/clock", {{"advance", "soon"}}, 400);
    call(c, "POST", "/__admin/clock", {{"mode", "real"}});
    CHECK(call(c, "POST", "/__admin/clock", {{"advance", "1s"}}, 400)["error"]["detail"]
              .get<std::string>()
              .find("real mode") != std::string::npos);
  }
  SUBCASE("the clock drives a deployment to completion without sleeping") {
    auto api = server.client();
    api.Post("/api/ai/models/oxen:acme/product-shots/activate");
    call(c, "POST", "/__admin/clock", {{"advance", "1m"}});
    auto model = parse_json(api.Get("/api/ai/models/oxen:acme/product-shots")->body);
    CHECK(model["deployments"][0]["status"] == "active");
  }
  SUBCASE("reset brings back fixtures, journal, faults and clock") {
    auto api = server.client();
    auto start = call(c, "GET", "/__admin/clock")["now_ms"];
    CHECK(status_of(api.Delete("/api/ai/models/oxen:acme/broken-lora")) == 200);
    call(c, "POST", "/__admin/faults", {{"action", {{"status", 500}}}}, 201);
    call(c, "POST", "/__admin/clock", {{"advance", "1h"}});
    call(c, "POST", "/__admin/reset");
    CHECK(status_of(api.Get("/api/ai/models/oxen:acme/broken-lora")) == 200);
    CHECK(call(c, "GET", "/__admin/faults")["faults"].empty());
    CHECK(call(c, "GET", "/__admin/clock")["now_ms"] == start);
    CHECK(call(c, "GET", "/__admin/requests")["count"] == 1);  // the GET after the reset
  }
}

TEST_CASE("the journal over HTTP") {
  TestServer server;
  auto api = server.client("sk-journal-secret");
  auto admin = server.client("");
  api.Get("/api/ai/models");
  api.Get("/api/ai/models/nope");
  api.Post("/api/ai/models/oxen:acme/support-bot/deactivate", "", "application/json");

  auto all = call(admin, "GET", "/__admin/requests");
  CHECK_SCHEMA("admin_requests", all);
  CHECK(all["count"] == 3);
  CHECK(all.dump().find("sk-journal-secret") == std::string::npos);
  for (const auto& r : all["requests"]) {
    CHECK(r["headers"]["Authorization"] == "[redacted]");
    // What the client sent, not the addresses the HTTP library adds as headers.
    CHECK_FALSE(r["headers"].contains("REMOTE_ADDR"));
    CHECK_FALSE(r["headers"].contains("LOCAL_PORT"));
  }

  CHECK(call(admin, "GET", "/__admin/requests?status=404")["count"] == 1);
  CHECK(call(admin, "GET", "/__admin/requests?method=POST")["count"] == 1);
  CHECK(call(admin, "GET", "/__admin/requests?path=/api/ai/models/*")["count"] == 2);
  auto first = all["requests"][0]["sequence"].get<int>();
  CHECK(call(admin, "GET", "/__admin/requests?since=" + std::to_string(first))["count"] == 2);

  call(admin, "DELETE", "/__admin/requests");
  CHECK(call(admin, "GET", "/__admin/requests")["count"] == 0);
}

TEST_CASE("the journal feed holds every request for one reader") {
  SUBCASE("off unless the mock is started with --journal-feed") {
    TestServer server;
    auto admin = server.client("");
    auto refused = call(admin, "GET", "/__admin/requests/feed", nullptr, 400);
    CHECK(refused["error"]["detail"].get<std::string>().find("--journal-feed") != std::string::npos);
  }

  auto config = oxen::test::test_config();
  config.journal_capacity = 2;
  config.journal_feed = 4;
  TestServer server(config);
  auto admin = server.client("");
  auto api = server.client("sk-feed-secret");
  const httplib::Headers suite_a = {{"X-Mock-Namespace", "suite-a"}};

  SUBCASE("every namespace, past the ring's capacity and a reset, until read") {
    api.Get("/api/ai/models");
    api.Get("/api/ai/models", suite_a);
    api.Get("/api/ai/models/nope");
    call(admin, "POST", "/__admin/reset");
    CHECK(call(admin, "GET", "/__admin/requests")["count"] == 0);  // the ring is empty

    auto page = call(admin, "GET", "/__admin/requests/feed");
    CHECK_SCHEMA("admin_feed", page);
    CHECK(page.dump().find("sk-feed-secret") == std::string::npos);
    REQUIRE(page["count"] == 3);
    CHECK(page["dropped"] == 0);
    CHECK(page["total_recorded"] == 3);
    CHECK(page["requests"][1]["namespace"] == "suite-a");
    CHECK(page["requests"][2]["path"] == "/api/ai/models/nope");

    // Reading after a sequence number forgets what came before it; paging with limit.
    CHECK(call(admin, "GET", "/__admin/requests/feed?after=1&limit=1")["requests"][0]["sequence"] == 2);
    CHECK(call(admin, "GET", "/__admin/requests/feed?after=0")["count"] == 2);
    CHECK(call(admin, "GET", "/__admin/requests/feed?after=3")["count"] == 0);
  }
  SUBCASE("beyond its limit the oldest unread entry is dropped, leaving a gap") {
    for (int i = 0; i < 6; ++i) api.Get("/api/ai/models");
    auto page = call(admin, "GET", "/__admin/requests/feed");
    CHECK(page["dropped"] == 2);
    REQUIRE(page["count"] == 4);
    CHECK(page["requests"][0]["sequence"] == 3);
  }
  SUBCASE("bad paging parameters name themselves") {
    for (const char* query : {"after=-1", "after=x", "limit=0", "limit=1001", "after=99999999999999999999"})
      CHECK(call(admin, "GET", std::string("/__admin/requests/feed?") + query, nullptr, 400)["error"]["detail"]
                .get<std::string>()
                .find(std::string(query).substr(0, std::string(query).find('='))) != std::string::npos);
  }
}

TEST_CASE("fault rules by position reproduce exactly") {
  TestServer server;
  auto admin = server.client("");
  auto api = server.client();

  SUBCASE("429 on the 3rd call, with Retry-After and the documented body shape") {
    auto rule = call(admin, "POST", "/__admin/faults",
                     {{"match", {{"method", "GET"}, {"path", "/api/ai/models"}, {"nth", 3}}},
                      {"action", {{"status", 429}, {"retry_after", 2}}}},
                     201);
    std::vector<int> statuses;
    for (int i = 0; i < 5; ++i) {
      auto res = api.Get("/api/ai/models");
      REQUIRE(res);
      statuses.push_back(res->status);
      if (res->status == 429) {
        CHECK(res->get_header_value("Retry-After") == "2");
        auto body = parse_json(res->body);
        CHECK_SCHEMA("error_oxen", body);
        CHECK(body["error"]["type"] == "rate_limited");
      }
    }
    CHECK(statuses == std::vector<int>{200, 200, 429, 200, 200});
    auto listed = call(admin, "GET", "/__admin/faults");
    CHECK_SCHEMA("admin_faults", listed);
    CHECK(listed["faults"][0]["matched"] == 5);
    CHECK(listed["faults"][0]["fired"] == 1);
    call(admin, "DELETE", "/__admin/faults/" + rule["id"].get<std::string>());
    call(admin, "DELETE", "/__admin/faults/" + rule["id"].get<std::string>(), nullptr, 404);
  }
  SUBCASE("a probability drawn from the seed gives the same pattern after a reset") {
    auto pattern = [&] {
      call(admin, "POST", "/__admin/faults",
           {{"match", {{"path", "/api/ai/models/*"}, {"probability", 0.5}}},
            {"action", {{"status", 503}}}},
           201);
      std::string out;
      for (int i = 0; i < 40; ++i) out += api.Get("/api/ai/models/gpt-4o")->status == 503 ? 'x' : '.';
      call(admin, "POST", "/__admin/reset");
      return out;
    };
    auto first = pattern();
    CHECK(first.find('x') != std::string::npos);
    CHECK(first.find('.') != std::string::npos);
    CHECK(pattern() == first);
  }
  SUBCASE("one-shot rules, model and api-key matches") {
    call(admin, "POST", "/__admin/faults",
         {{"match", {{"model", "oxen:acme/support-bot"}}}, {"action", {{"status", 500}}}, {"times", 1}},
         201);
    call(admin, "POST", "/__admin/faults",
         {{"match", {{"api_key", "other-key"}}}, {"action", {{"status", 401}}}}, 201);
    CHECK(api.Get("/api/ai/models/gpt-4o")->status == 200);
    auto failed = api.Post("/api/ai/models/oxen:acme/support-bot/deactivate");
    CHECK(failed->status == 500);
    CHECK_SCHEMA("error_oxen", parse_json(failed->body));
    CHECK(api.Post("/api/ai/models/oxen:acme/support-bot/deactivate")->status == 200);
    CHECK(server.client("other-key").Get("/api/ai/models")->status == 401);
    auto listed = call(admin, "GET", "/__admin/faults");
    CHECK(listed.dump().find("other-key") == std::string::npos);
  }
  SUBCASE("invalid rules are refused with the pointer") {
    auto body = call(admin, "POST", "/__admin/faults", {{"action", {{"status", 200}}}}, 400);
    CHECK(body["error"]["detail"].get<std::string>().rfind("/action/status", 0) == 0);
    call(admin, "POST", "/__admin/faults", {{"match", {{"nth", 1}}}}, 400);
  }
}

TEST_CASE("faults that act on the connection") {
  TestServer server;
  auto admin = server.client("");
  auto api = server.client();

  SUBCASE("drop closes the connection without a body") {
    call(admin, "POST", "/__admin/faults",
         {{"match", {{"path", "/api/ai/models"}}}, {"action", {{"drop", true}}}, {"times", 1}}, 201);
    auto dropped = api.Get("/api/ai/models");
    CHECK((!dropped || dropped->body.empty()));
    CHECK(status_of(api.Get("/api/ai/models")) == 200);
  }
  SUBCASE("delay waits on the mock's clock") {
    call(admin, "POST", "/__admin/faults",
         {{"match", {{"path", "/api/ai/models"}}}, {"action", {{"delay_ms", 5000}}}}, 201);
    std::atomic<int> status{0};
    std::thread caller([&] { status = status_of(server.client().Get("/api/ai/models")); });
    // The call is held until the test moves the clock past the delay.
    for (int i = 0; i < 200 && server.app().journal().total_recorded() == 0; ++i) {
      server.app().clock().advance(100);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    caller.join();
    CHECK(status == 200);
    auto entry = server.app().journal().snapshot().back();
    CHECK(entry.fault == "delay_ms=5000");
  }
}

TEST_CASE("the X-Mock-Fault header fails one call without touching shared state") {
  TestServer server;
  auto api = server.client();
  auto res = api.Get("/api/ai/models", {{"X-Mock-Fault", "status=503; retry_after=4"}});
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->get_header_value("Retry-After") == "4");
  CHECK_SCHEMA("error_oxen", parse_json(res->body));
  CHECK(api.Get("/api/ai/models")->status == 200);

  auto bad = api.Get("/api/ai/models", {{"X-Mock-Fault", "status=200"}});
  CHECK(bad->status == 400);
  CHECK(parse_json(bad->body)["error"]["detail"].get<std::string>().rfind("X-Mock-Fault: status", 0) == 0);
  CHECK(api.Get("/api/ai/models", {{"X-Mock-Fault", "explode=1"}})->status == 400);
  CHECK(server.app().journal().snapshot().front().fault == "retry_after=4; status=503");
}

TEST_CASE("namespaces isolate state, journals and faults") {
  TestServer server;
  auto api = server.client();
  auto admin = server.client("");
  const httplib::Headers a = {{"X-Mock-Namespace", "suite-a"}};
  const httplib::Headers b = {{"X-Mock-Namespace", "suite-b"}};

  CHECK(api.Delete("/api/ai/models/oxen:acme/broken-lora", a)->status == 200);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora", a)->status == 404);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora", b)->status == 200);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora")->status == 200);

  call(admin, "POST", "/__admin/faults", {{"action", {{"status", 500}}}}, 201, b);
  CHECK(api.Get("/api/ai/models", b)->status == 500);
  CHECK(api.Get("/api/ai/models", a)->status == 200);

  CHECK(call(admin, "GET", "/__admin/requests", nullptr, 200, a)["count"] == 3);
  CHECK(call(admin, "GET", "/__admin/requests", nullptr, 200, b)["count"] == 2);
  CHECK(call(admin, "GET", "/__admin/requests")["count"] == 1);

  call(admin, "POST", "/__admin/reset", nullptr, 200, a);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora", a)->status == 200);
  CHECK(api.Get("/api/ai/models", b)->status == 500);  // b untouched

  CHECK(api.Get("/api/ai/models", {{"X-Mock-Namespace", "no spaces allowed"}})->status == 400);

  SUBCASE("two namespaces driven in parallel keep independent state") {
    std::atomic<int> wrong{0};
    auto drive = [&](const std::string& ns, const char* action, const char* expected) {
      auto c = server.client();
      httplib::Headers h = {{"X-Mock-Namespace", ns}};
      for (int i = 0; i < 30; ++i) {
        auto res = c.Post((std::string("/api/ai/models/oxen:acme/product-shots/") + action).c_str(), h,
                          "", "application/json");
        if (!res || json::parse(res->body)["deployments"][0]["status"] != expected) ++wrong;
      }
    };
    std::thread ta([&] { drive("par-a", "activate", "deploying"); });
    std::thread tb([&] { drive("par-b", "deactivate", "inactive"); });
    ta.join();
    tb.join();
    CHECK(wrong == 0);
  }
}

TEST_CASE("after a reset the same requests get the same ids") {
  TestServer server;
  auto admin = server.client("");
  auto api = server.client();
  auto ids = [&] {
    auto chat = parse_json(api.Post("/api/ai/chat/completions",
                                    R"({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})",
                                    "application/json")
                               ->body);
    auto queued = parse_json(api.Post("/api/ai/queue", R"({"model": "flux-2-dev", "prompt": "an ox", "num_generations": 2})",
                                      "application/json")
                                 ->body);
    return std::vector<std::string>{chat["id"], queued["generations"][0]["generation_id"],
                                    queued["generations"][1]["generation_id"]};
  };
  auto first = ids();
  CHECK(first[1] != first[2]);
  call(admin, "POST", "/__admin/reset");
  CHECK(ids() == first);
  SUBCASE("a namespace counts its own ids, and its reset repeats them too") {
    const httplib::Headers ns = {{"X-Mock-Namespace", "ids"}};
    auto in_ns = [&] {
      return parse_json(api.Post("/api/ai/queue", ns, R"({"model": "flux-2-dev", "prompt": "an ox"})",
                                 "application/json")
                            ->body)["generations"][0]["generation_id"];
    };
    auto once = in_ns();
    CHECK(once != first[1]);
    call(admin, "POST", "/__admin/reset", nullptr, 200, ns);
    CHECK(in_ns() == once);
  }
  SUBCASE("an imported state does not hand out its generation ids again") {
    auto state = call(admin, "GET", "/__admin/state");
    CHECK(state["ids"]["generation"] == 2);
    state.erase("ids");  // a state file written before ids were saved
    call(admin, "POST", "/__admin/reset");
    call(admin, "POST", "/__admin/state", state);
    auto next = ids();
    CHECK(next[1] != first[1]);
    CHECK(next[1] != first[2]);
    CHECK(next[2] != first[1]);
  }
}

TEST_CASE("a namespace can be removed, and idle ones make room at the limit") {
  auto config = oxen::test::test_config();
  config.max_namespaces = 3;  // the default namespace and two more
  TestServer server(config);
  auto admin = server.client("");
  auto api = server.client();
  auto in = [](const char* ns) { return httplib::Headers{{"X-Mock-Namespace", ns}}; };

  CHECK(api.Delete("/api/ai/models/oxen:acme/broken-lora", in("a"))->status == 200);
  call(admin, "POST", "/__admin/faults", {{"action", {{"status", 500}}}}, 201, in("a"));
  CHECK(call(admin, "GET", "/__admin/requests", nullptr, 200, in("a"))["count"] == 1);

  auto removed = call(admin, "DELETE", "/__admin/namespaces/a");
  CHECK(removed == json{{"status", "deleted"}, {"namespace", "a"}});
  auto health = call(admin, "GET", "/__admin/health");
  CHECK(std::find(health["namespaces"].begin(), health["namespaces"].end(), "a") == health["namespaces"].end());
  auto again = call(admin, "DELETE", "/__admin/namespaces/a", nullptr, 404);
  CHECK_SCHEMA("error_oxen", again);
  // Used again, it starts from the fixtures: no fault, the model back, an empty journal.
  CHECK(call(admin, "GET", "/__admin/requests", nullptr, 200, in("a"))["count"] == 0);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora", in("a"))->status == 200);

  SUBCASE("at the limit the least recently used namespace is evicted") {
    CHECK(api.Delete("/api/ai/models/oxen:acme/broken-lora", in("b"))->status == 200);
    CHECK(api.Get("/api/ai/models", in("a"))->status == 200);  // a used after b
    CHECK(api.Get("/api/ai/models", in("c"))->status == 200);  // evicts b
    auto names = call(admin, "GET", "/__admin/health")["namespaces"];
    CHECK(names == json::array({"", "a", "c"}));
    CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora", in("b"))->status == 200);  // b anew
  }
  SUBCASE("a namespace with an open event stream is not idle") {
    httplib::Client events("127.0.0.1", server.port());
    events.set_bearer_token_auth("test-key");
    std::atomic<bool> stop{false};
    std::thread reader([&] {
      events.Get("/api/events", in("a"), [&](const char*, size_t) { return !stop.load(); });
    });
    REQUIRE(server.app().media().events().wait_for_subscribers(1, std::chrono::seconds(10)));
    CHECK(api.Get("/api/ai/models", in("b"))->status == 200);  // b is newer than a
    CHECK(api.Get("/api/ai/models", in("c"))->status == 200);  // evicts b, not a
    auto names = call(admin, "GET", "/__admin/health")["namespaces"];
    CHECK(names == json::array({"", "a", "c"}));
    // Removing a closes its streams.
    call(admin, "DELETE", "/__admin/namespaces/a");
    CHECK(server.app().media().events().wait_for_subscribers(0, std::chrono::seconds(10)));
    stop = true;
    events.stop();
    reader.join();
    CHECK(api.Get("/api/ai/models", in("d"))->status == 200);  // into a's place
    CHECK(call(admin, "GET", "/__admin/health")["namespaces"] == json::array({"", "c", "d"}));
  }
}

TEST_CASE("state export and import") {
  TestServer server;
  auto admin = server.client("");
  auto api = server.client();
  api.Delete("/api/ai/models/oxen:acme/broken-lora");
  api.Post("/api/ai/models/oxen:acme/product-shots/activate");
  auto state = call(admin, "GET", "/__admin/state");
  CHECK_SCHEMA("admin_state", state);
  CHECK(state["registry"]["pending"].contains("oxen:acme/product-shots"));

  call(admin, "POST", "/__admin/reset");
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora")->status == 200);
  call(admin, "POST", "/__admin/state", state);
  CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora")->status == 404);
  call(admin, "POST", "/__admin/clock", {{"advance", "1m"}});
  CHECK(parse_json(api.Get("/api/ai/models/oxen:acme/product-shots")->body)["deployments"][0]["status"] ==
        "active");

  SUBCASE("the queue travels with the state") {
    auto enqueued = parse_json(api.Post("/api/ai/queue",
                                        R"({"model": "kling-video-v2-6-pro-text-to-video", "prompt": "an ox", "num_generations": 2})",
                                        "application/json")
                                   ->body);
    REQUIRE(enqueued["generations"].size() == 2);
    const std::string id = enqueued["generations"][0]["generation_id"];
    auto with_queue = call(admin, "GET", "/__admin/state");
    CHECK_SCHEMA("admin_state", with_queue);
    CHECK(with_queue["queue"].size() == 2);
    call(admin, "POST", "/__admin/reset");
    CHECK(api.Get(("/api/ai/queue/" + id).c_str())->status == 404);
    call(admin, "POST", "/__admin/state", with_queue);
    // The imported job keeps its plan: the clock takes it to the end without sleeping.
    call(admin, "POST", "/__admin/clock", {{"advance", "10m"}});
    auto row = parse_json(api.Get(("/api/ai/queue/" + id).c_str())->body);
    CHECK(row["status"] == "succeeded");
  }
  SUBCASE("a bad document changes nothing") {
    auto broken = state;
    broken["registry"]["models"][0]["object"] = "not-a-model";
    call(admin, "POST", "/__admin/state", broken, 400);
    CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora")->status == 404);
    auto bad_queue = state;
    bad_queue["queue"] = json::array({{{"generation_id", "x"}}});
    call(admin, "POST", "/__admin/state", bad_queue, 400);
    CHECK(api.Get("/api/ai/models/oxen:acme/broken-lora")->status == 404);
  }
}

TEST_CASE("the admin API can be guarded or turned off") {
  SUBCASE("guarded by its own token") {
    auto config = oxen::test::test_config();
    config.admin_token = "admin-secret";
    TestServer server(config);
    auto c = server.client("");
    CHECK(c.Get("/__admin/health")->status == 401);
    CHECK(c.Get("/__admin/health", {{"X-Mock-Admin-Token", "admin-secret"}})->status == 200);
  }
  SUBCASE("off") {
    auto config = oxen::test::test_config();
    config.admin_enabled = false;
    TestServer server(config);
    CHECK(server.client("").Get("/__admin/health")->status == 404);
  }
}

TEST_CASE("rate limiting per API key") {
  auto config = oxen::test::test_config();
  config.rate_limit_per_s = 2;
  TestServer server(config);
  auto first = server.client("key-1");
  CHECK(first.Get("/api/ai/models")->status == 200);
  CHECK(first.Get("/api/ai/models")->status == 200);
  auto limited = first.Get("/api/ai/models");
  CHECK(limited->status == 429);
  CHECK(limited->get_header_value("Retry-After") == "1");
  CHECK_SCHEMA("error_oxen", parse_json(limited->body));
  CHECK(server.client("key-2").Get("/api/ai/models")->status == 200);  // its own bucket
  server.app().clock().advance(1000);
  CHECK(first.Get("/api/ai/models")->status == 200);
}
