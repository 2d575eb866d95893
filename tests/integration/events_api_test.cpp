// GET /api/events over real HTTP: completion events in order with the documented payloads,
// per-key scoping, keep-alives on the mock's clock, the subscriber cap and disconnect cleanup.
#include <doctest/doctest.h>

#include <condition_variable>
#include <future>

#include "contract_checks.hpp"
#include "sse_reader.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

constexpr auto kWait = std::chrono::seconds(10);

// An open GET /api/events, read on its own thread. Every wait is bounded.
class EventStream {
 public:
  EventStream(TestServer& server, std::string key = "test-key", std::string ns = "")
      : client_(server.client(key)) {
    client_.set_read_timeout(30, 0);
    httplib::Headers headers;
    if (!ns.empty()) headers.emplace("X-Mock-Namespace", ns);
    auto headers_seen = std::make_shared<std::promise<int>>();
    auto status = headers_seen->get_future();
    thread_ = std::thread([this, headers, headers_seen] {
      bool signalled = false;
      auto res = client_.Get(
          "/api/events", headers,
          [&](const httplib::Response& r) {
            content_type_ = r.get_header_value("Content-Type");
            headers_seen->set_value(r.status);
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
      if (!signalled) headers_seen->set_value(res ? res->status : -1);
      std::lock_guard lock(mutex_);
      ended_ = true;
      changed_.notify_all();
    });
    REQUIRE(status.wait_for(kWait) == std::future_status::ready);
    status_ = status.get();
  }
  ~EventStream() { close(); }

  int status() const { return status_; }
  const std::string& content_type() const { return content_type_; }

  // Waits until `n` frames (events or comments) have arrived; returns them all.
  std::vector<oxen::SseEvent> wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kWait, [&] { return events_.size() >= n || ended_; });
    return events_;
  }
  std::vector<oxen::SseEvent> completions() {
    std::lock_guard lock(mutex_);
    std::vector<oxen::SseEvent> out;
    for (const auto& e : events_)
      if (e.event == "media_generation_completed") out.push_back(e);
    return out;
  }

  void close() {
    if (!thread_.joinable()) return;
    stop_ = true;
    client_.stop();
    thread_.join();
  }

 private:
  httplib::Client client_;
  oxen::SseReader reader_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<oxen::SseEvent> events_;
  std::atomic<bool> stop_{false};
  bool ended_ = false;
  int status_ = 0;
  std::string content_type_;
};

std::string enqueue(TestServer& server, const json& body, const std::string& key = "test-key") {
  auto res = server.client(key).Post("/api/ai/queue", body.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return parse_json(res->body)["generations"][0]["generation_id"];
}

json generation(TestServer& server, const std::string& id) {
  auto res = server.client().Get(("/api/ai/queue/" + id).c_str());
  REQUIRE(res);
  return parse_json(res->body);
}

}  // namespace

TEST_CASE("completion events arrive in order with the documented payloads - none for cancelled") {
  TestServer server;
  EventStream stream(server);
  REQUIRE(stream.status() == 200);
  CHECK(stream.content_type() == "text/event-stream");

  auto video = enqueue(server, {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", "waves"}});
  auto image = enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "a fox"}});
  auto cancelled = enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "gone"}});
  auto failed = enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "x [mock:fail]"}});
  REQUIRE(server.client().Delete(("/api/ai/queue/" + cancelled).c_str())->status == 200);
  server.app().clock().advance(20000);  // one step: the events still come in completion order

  auto frames = stream.wait_for(3);
  auto events = stream.completions();
  REQUIRE(events.size() == 3);
  std::vector<json> data;
  for (const auto& e : events) {
    data.push_back(parse_json(e.data));
    CHECK_SCHEMA("event_media_generation_completed", data.back());
  }
  // image and failed complete at 2.5 s (enqueue order), the video at 9 s.
  CHECK(data[0]["generation_id"] == image);
  CHECK(data[1]["generation_id"] == failed);
  CHECK(data[2]["generation_id"] == video);

  CHECK(data[0] == json{{"generation_id", image}, {"status", "succeeded"}, {"media_type", "image"},
                        {"model", "flux-2-dev"}, {"url", generation(server, image)["result_url"]}});
  CHECK(data[1] == json{{"generation_id", failed}, {"status", "failed"}, {"media_type", "image"},
                        {"error", "Insufficient credits"}});
  CHECK(data[2]["media_type"] == "video");
  CHECK(data[2]["url"] == generation(server, video)["result_url"]);
  for (const auto& d : data) CHECK(d["generation_id"] != cancelled);
}

TEST_CASE("keep-alive comments follow the mock's clock") {
  TestServer server;
  EventStream stream(server);
  REQUIRE(stream.status() == 200);
  server.app().clock().advance(14999);
  server.app().clock().advance(1);
  auto frames = stream.wait_for(1);
  REQUIRE(frames.size() >= 1);
  CHECK(frames[0].event.empty());
  CHECK(frames[0].comments == std::vector<std::string>{"keep-alive"});
}

TEST_CASE("streams see only their own API key's and namespace's events - many at once") {
  TestServer server;  // 16 worker threads: a cap of 8 streams
  std::vector<std::unique_ptr<EventStream>> mine;
  for (int i = 0; i < 6; ++i) mine.push_back(std::make_unique<EventStream>(server));
  EventStream other_key(server, "other-key");
  EventStream other_ns(server, "test-key", "elsewhere");
  for (auto& s : mine) REQUIRE(s->status() == 200);

  auto id = enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "a fox"}});
  server.app().clock().advance(3000);
  for (auto& s : mine) {
    auto frames = s->wait_for(1);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].event == "media_generation_completed");
    CHECK(parse_json(frames[0].data)["generation_id"] == id);
  }
  // The others get the next keep-alive and nothing before it.
  server.app().clock().advance(15000);
  for (auto* s : {&other_key, &other_ns}) {
    auto frames = s->wait_for(1);
    REQUIRE(frames.size() >= 1);
    CHECK(frames[0].comments == std::vector<std::string>{"keep-alive"});
    CHECK(s->completions().empty());
  }
}

TEST_CASE("open streams are capped with a documented 503 - closed streams are cleaned up") {
  auto config = oxen::test::test_config();
  config.max_event_subscribers = 2;
  TestServer server(config);
  auto& hub = server.app().media().events();
  auto a = std::make_unique<EventStream>(server);
  EventStream b(server);
  REQUIRE(a->status() == 200);
  REQUIRE(b.status() == 200);
  CHECK(hub.subscribers() == 2);

  auto res = server.client().Get("/api/events");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->get_header_value("Retry-After") == "5");
  auto body = parse_json(res->body);
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "service_unavailable");
  CHECK(body["error"]["detail"].get<std::string>().find("At most 2") != std::string::npos);

  a->close();
  // The server notices at its next writes; each advance makes a keep-alive due.
  bool cleaned = false;
  for (int i = 0; i < 40 && !cleaned; ++i) {
    server.app().clock().advance(15000);
    cleaned = hub.wait_for_subscribers(1, std::chrono::milliseconds(250));
  }
  CHECK(cleaned);
  EventStream c(server);
  CHECK(c.status() == 200);
}

TEST_CASE("imported jobs publish their completion events with no queue call first") {
  TestServer server;
  auto admin = server.client("");
  auto id = enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "a fox"}});
  auto state = parse_json(admin.Get("/__admin/state")->body);
  REQUIRE(admin.Post("/__admin/reset")->status == 200);
  // Into a namespace that has never seen a queue request, as a restart with --state-file would.
  const httplib::Headers fresh = {{"X-Mock-Namespace", "imported"}};
  REQUIRE(admin.Post("/__admin/state", fresh, state.dump(), "application/json")->status == 200);

  EventStream stream(server, "test-key", "imported");
  REQUIRE(stream.status() == 200);
  server.app().clock().advance(20000);
  stream.wait_for(1);
  auto events = stream.completions();
  REQUIRE(events.size() == 1);
  CHECK(parse_json(events[0].data)["generation_id"] == id);
}

TEST_CASE("deployment status changes reach the streams of the key that started them") {
  TestServer server;
  EventStream mine(server);
  EventStream other(server, "other-key");
  REQUIRE(mine.status() == 200);
  const std::string model = "oxen:acme/product-shots";
  const int64_t t0 = server.app().clock().now_s();
  auto c = server.client();
  REQUIRE(c.Post(("/api/ai/models/" + model + "/activate").c_str())->status == 200);
  server.app().clock().advance(3000);  // deploying -> active after 2 s
  REQUIRE(c.Post(("/api/ai/models/" + model + "/deactivate").c_str())->status == 200);
  server.app().clock().advance(2000);  // deactivating -> inactive after 1 s

  std::vector<json> changes;
  for (const auto& e : mine.wait_for(4)) {
    if (e.event != "deployment_status_changed") continue;
    changes.push_back(parse_json(e.data));
    CHECK_SCHEMA("event_deployment_status_changed", changes.back());
  }
  REQUIRE(changes.size() == 4);
  const std::pair<const char*, const char*> steps[] = {
      {"inactive", "deploying"}, {"deploying", "active"}, {"active", "deactivating"}, {"deactivating", "inactive"}};
  const int64_t at[] = {0, 2, 3, 4};
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(changes[i]["model"] == model);
    CHECK(changes[i]["previous_status"] == steps[i].first);
    CHECK(changes[i]["status"] == steps[i].second);
    CHECK(changes[i]["at"] == t0 + at[i]);
  }
  // Another key's stream hears none of it: its first frame is its own job's completion.
  enqueue(server, {{"model", "flux-2-dev"}, {"prompt", "a fox"}}, "other-key");
  server.app().clock().advance(5000);
  auto theirs = other.wait_for(1);
  REQUIRE(!theirs.empty());
  CHECK(theirs.front().event == "media_generation_completed");
}
