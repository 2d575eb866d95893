// The dashboard's server side over real HTTP: its page and files, the admin data it draws from
// (state machines, deployment actions), GET /__admin/events, and how --admin-token, --no-admin
// and namespaces apply to them.
#include <doctest/doctest.h>

#include <algorithm>
#include <future>

#include "contract_checks.hpp"
#include "sse_reader.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

constexpr auto kWait = std::chrono::seconds(10);

// An open GET /__admin/events, read on its own thread; every wait is bounded.
class AdminEvents {
 public:
  AdminEvents(TestServer& server, httplib::Headers headers = {}) : client_(server.client("")) {
    client_.set_read_timeout(30, 0);
    auto seen = std::make_shared<std::promise<int>>();
    auto status = seen->get_future();
    thread_ = std::thread([this, headers, seen] {
      bool signalled = false;
      auto res = client_.Get(
          "/__admin/events", headers,
          [&](const httplib::Response& r) {
            seen->set_value(r.status);
            signalled = true;
            return true;
          },
          [&](const char* data, size_t size) {
            auto events = reader_.feed(std::string_view(data, size));
            std::lock_guard lock(mutex_);
            events_.insert(events_.end(), events.begin(), events.end());
            changed_.notify_all();
            return !stop_;
          });
      if (!signalled) seen->set_value(res ? res->status : -1);
      std::lock_guard lock(mutex_);
      ended_ = true;
      changed_.notify_all();
    });
    REQUIRE(status.wait_for(kWait) == std::future_status::ready);
    status_ = status.get();
  }
  ~AdminEvents() {
    stop_ = true;
    client_.stop();
    thread_.join();
  }
  int status() const { return status_; }

  // Waits until a `changed` event names `view`; returns that event's data (null on timeout).
  json wait_for_view(const std::string& view) {
    std::unique_lock lock(mutex_);
    json found;
    changed_.wait_for(lock, kWait, [&] {
      for (const auto& e : events_) {
        if (e.event != "changed") continue;
        auto data = json::parse(e.data);
        for (const auto& v : data["topics"])
          if (v == view) found = data;
      }
      return !found.is_null() || ended_;
    });
    return found;
  }
  size_t changed_count() {
    std::lock_guard lock(mutex_);
    return std::count_if(events_.begin(), events_.end(),
                         [](const oxen::SseEvent& e) { return e.event == "changed"; });
  }
  bool wait_ended() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return ended_; });
  }

 private:
  httplib::Client client_;
  oxen::SseReader reader_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<oxen::SseEvent> events_;
  std::atomic<bool> stop_ = false;
  bool ended_ = false;
  int status_ = 0;
};

}  // namespace

TEST_CASE("the dashboard's page and files come from the binary, under a strict policy") {
  TestServer server;
  auto c = server.client("");
  for (const char* path : {"/__admin/", "/__admin"}) {
    auto page = c.Get(path);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type").starts_with("text/html"));
    CHECK(page->get_header_value("Content-Security-Policy").starts_with("default-src 'self'"));
    CHECK(page->body.find("/__admin/ui/app.js") != std::string::npos);
  }
  auto script = c.Get("/__admin/ui/app.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type").starts_with("text/javascript"));
  CHECK(script->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(c.Get("/__admin/ui/style.css")->get_header_value("Content-Type").starts_with("text/css"));

  auto missing = c.Get("/__admin/ui/nope.js");
  CHECK(missing->status == 404);
  CHECK_SCHEMA("error_oxen", parse_json(missing->body));
  CHECK(server.app().journal().total_recorded() == 0);  // admin calls are not journaled
  CHECK(c.Get("/__admin/ui/..%2Findex.html")->status == 404);
}

TEST_CASE("the state machines as JSON, as compiled in") {
  TestServer server;
  auto c = server.client("");
  auto res = c.Get("/__admin/state-machines");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto body = parse_json(res->body);
  CHECK_SCHEMA("admin_state_machines", body);
  std::set<std::string> names;
  for (const auto& m : body["state_machines"]) names.insert(m["name"]);
  CHECK(names.count("deployment") == 1);
  CHECK(names.count("generation") == 1);
  for (const auto& m : body["state_machines"]) {
    const auto& machine = oxen::StateMachine::builtin(m["name"]);
    CHECK(m["transitions"].size() == machine.transitions().size());
    CHECK(m["states"].size() == machine.states().size());
  }
}

TEST_CASE("deployments are driven from the admin API, per namespace") {
  TestServer server;
  auto c = server.client("");
  const std::string id = "/__admin/models/oxen:acme/product-shots";
  auto status_in = [&](const std::string& ns) {
    auto state = parse_json(c.Get("/__admin/state", {{"X-Mock-Namespace", ns}})->body);
    for (const auto& m : state["registry"]["models"])
      if (m["id"] == "oxen:acme/product-shots")
        return m["deployments"][0]["status"].get<std::string>();
    return std::string("missing");
  };
  const std::string before = status_in("suite-a");

  auto res =
      c.Post((id + "/activate").c_str(), {{"X-Mock-Namespace", "suite-a"}}, "", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto model = parse_json(res->body);
  CHECK_SCHEMA("model", model);
  CHECK(model["deployments"][0]["status"] == "deploying");
  auto state = parse_json(c.Get("/__admin/state", {{"X-Mock-Namespace", "suite-a"}})->body);
  CHECK(state["registry"]["pending"]["oxen:acme/product-shots"]["event"] == "ready");
  CHECK(status_in("") == before);  // the default namespace is untouched

  server.app().clock().advance(60'000);
  CHECK(status_in("suite-a") == "active");
  res = c.Post((id + "/deactivate").c_str(), {{"X-Mock-Namespace", "suite-a"}}, "",
               "application/json");
  CHECK_SCHEMA("model", parse_json(res->body));
  CHECK(parse_json(res->body)["deployments"][0]["status"] == "deactivating");

  SUBCASE("a base model or an unknown one gets its documented error") {
    auto base = c.Post("/__admin/models/Qwen/Qwen-Image/activate", "", "application/json");
    CHECK(base->status == 400);
    CHECK_SCHEMA("error_oxen", parse_json(base->body));
    auto unknown = c.Post("/__admin/models/oxen:acme/nope/activate", "", "application/json");
    CHECK(unknown->status == 404);
    CHECK_SCHEMA("error_openai", parse_json(unknown->body));
  }
}

TEST_CASE("GET /__admin/events tells which views changed, per namespace") {
  TestServer server;
  AdminEvents events(server, {{"X-Mock-Namespace", "suite-a"}});
  CHECK(events.status() == 200);
  REQUIRE(server.app().media().events().wait_for_subscribers(1, kWait));
  auto api = server.client("k");
  auto admin = server.client("");

  api.Get("/api/ai/models", {{"X-Mock-Namespace", "suite-a"}});
  auto requests = events.wait_for_view("requests");
  REQUIRE(!requests.is_null());
  CHECK_SCHEMA("admin_event_changed", requests);
  CHECK(requests["namespace"] == "suite-a");

  admin.Post("/__admin/faults", {{"X-Mock-Namespace", "suite-a"}},
             R"({"match": {"path": "/api/ai/models"}, "action": {"status": 503}})",
             "application/json");
  CHECK(!events.wait_for_view("faults").is_null());

  // A deployment settled by the clock's tick is a change too.
  admin.Post("/__admin/models/oxen:acme/product-shots/activate", {{"X-Mock-Namespace", "suite-a"}},
             "", "application/json");
  auto models = events.wait_for_view("models");
  CHECK_SCHEMA("admin_event_changed", models);
  admin.Post("/__admin/clock", {{"X-Mock-Namespace", "suite-a"}}, R"({"advance": "1m"})",
             "application/json");
  auto clock = events.wait_for_view("clock");
  REQUIRE(!clock.is_null());
  CHECK(clock["now_ms"] == server.app().clock().now_ms());

  SUBCASE("removing the namespace ends its stream") {
    admin.Delete("/__admin/namespaces/suite-a");
    CHECK(events.wait_ended());
  }
}

TEST_CASE("a burst of requests is merged into few admin events") {
  TestServer server;
  AdminEvents events(server);
  REQUIRE(server.app().media().events().wait_for_subscribers(1, kWait));
  auto api = server.client("k");
  constexpr int kRequests = 50;
  for (int i = 0; i < kRequests; ++i) api.Get("/api/ai/models");
  // One more change after the burst: once its event is in, the burst's are too.
  server.client("").Post("/__admin/clock", R"({"advance": 1})", "application/json");
  REQUIRE(!events.wait_for_view("clock").is_null());
  // At most one event per 100 ms: fewer events than requests unless each took that long.
  CHECK(events.changed_count() < kRequests);
}

TEST_CASE("the admin event stream counts against the open-stream limit") {
  auto config = oxen::test::test_config();
  config.max_event_subscribers = 1;
  TestServer server(config);
  AdminEvents first(server);
  CHECK(first.status() == 200);
  REQUIRE(server.app().media().events().wait_for_subscribers(1, kWait));
  auto second = server.client("").Get("/__admin/events");
  REQUIRE(second);
  CHECK(second->status == 503);
  CHECK_SCHEMA("error_oxen", parse_json(second->body));
  CHECK(server.client("k").Get("/api/events")->status == 503);
}

TEST_CASE("the dashboard under --admin-token and --no-admin") {
  SUBCASE("the page opens without the token, every data call and the stream need it") {
    auto config = oxen::test::test_config();
    config.admin_token = "admin-secret";
    TestServer server(config);
    auto c = server.client("");
    CHECK(c.Get("/__admin/")->status == 200);
    CHECK(c.Get("/__admin/ui/app.js")->status == 200);
    CHECK(c.Get("/__admin/state-machines")->status == 401);
    CHECK(c.Post("/__admin/models/oxen:acme/product-shots/activate", "", "application/json")
              ->status == 401);
    CHECK(c.Get("/__admin/events")->status == 401);
    CHECK(c.Get("/__admin/state-machines", {{"X-Mock-Admin-Token", "admin-secret"}})->status ==
          200);
    AdminEvents events(server, {{"X-Mock-Admin-Token", "admin-secret"}});
    CHECK(events.status() == 200);
  }
  SUBCASE("off: no page either") {
    auto config = oxen::test::test_config();
    config.admin_enabled = false;
    TestServer server(config);
    auto c = server.client("");
    CHECK(c.Get("/__admin/")->status == 404);
    CHECK(c.Get("/__admin/ui/app.js")->status == 404);
    CHECK(c.Get("/__admin/events")->status == 404);
  }
}

TEST_CASE("an open admin event stream ends when the server stops") {
  auto server = std::make_unique<TestServer>();
  AdminEvents events(*server);
  REQUIRE(server->app().media().events().wait_for_subscribers(1, kWait));
  server.reset();
  CHECK(events.wait_ended());
}

TEST_CASE("the journal keeps what the mock answered, redacted like the request") {
  TestServer server;
  auto api = server.client("secret-key-123");
  auto res = api.Get("/api/ai/models/nope");
  REQUIRE(res);
  auto journal = parse_json(server.client("").Get("/__admin/requests")->body);
  CHECK_SCHEMA("admin_requests", journal);
  REQUIRE(journal["requests"].size() == 1);
  const auto& entry = journal["requests"][0];
  CHECK(entry["response_body"] == res->body);
  CHECK(entry["response_body_truncated"] == false);
  CHECK(journal.dump().find("secret-key-123") == std::string::npos);
}
