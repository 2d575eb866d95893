// The generation history over real HTTP with the clock driven by the test: queue jobs in their
// current status and sync image/video calls, newest first, with cost; pages, filters, bad
// parameters, another key's rows, reset and the exported state.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "contract_checks.hpp"
#include "mock_process.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

json post(httplib::Client& c, const std::string& path, const json& body, int expected = 200,
          const httplib::Headers& headers = {}) {
  auto res = c.Post(path.c_str(), headers, body.dump(), "application/json");
  REQUIRE(res);
  INFO(path << " " << body.dump() << " -> " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

json get(httplib::Client& c, const std::string& path, int expected = 200, const httplib::Headers& headers = {}) {
  auto res = c.Get(path.c_str(), headers);
  REQUIRE(res);
  INFO(path << " -> " << res->body);
  CHECK(res->status == expected);
  return parse_json(res->body);
}

json history(httplib::Client& c, const std::string& query = "", const httplib::Headers& headers = {}) {
  auto page = get(c, "/api/ai/generations" + query, 200, headers);
  CHECK_SCHEMA("generations_list_response", page);
  return page;
}

std::string enqueue_one(httplib::Client& c, const json& body) {
  auto answer = post(c, "/api/ai/queue", body);
  REQUIRE(answer["generations"].size() == 1);
  return answer["generations"][0]["generation_id"];
}

void check_invalid_param(httplib::Client& c, const std::string& query, const std::string& name) {
  auto body = get(c, "/api/ai/generations" + query, 400);
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  CHECK(body["error"]["detail"].get<std::string>().rfind(name + ":", 0) == 0);
}

}  // namespace

TEST_CASE("a queue job appears in the history with its current status, and is charged once it succeeds") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  auto id = enqueue_one(c, {{"model", "flux-2-dev"}, {"prompt", "a fox"}, {"seed", 3}, {"target_repo", "pics"}});

  auto page = history(c);
  REQUIRE(page["count"] == 1);
  CHECK(page["generations"][0]["generation_id"] == id);
  CHECK(page["generations"][0]["status"] == "queued");
  CHECK(page["generations"][0]["cost"].is_null());
  CHECK(page["generations"][0]["seed"] == 3);  // request parameters merged in, as the queue does
  CHECK(page["total_cost"].is_null());

  clock.advance(500);
  CHECK(history(c)["generations"][0]["status"] == "processing");

  clock.advance(2000);
  auto shown = get(c, "/api/ai/generations/" + id);
  CHECK_SCHEMA("generations_show_response", shown);
  CHECK(shown["status"] == "success");
  CHECK(shown["status_message"] == "resource_found");
  const auto& g = shown["generation"];
  CHECK(g["status"] == "succeeded");
  CHECK(g["cost"] == "0.025");  // flux-2-dev: per_image, 0.025 each
  CHECK(g["result_url"] == get(c, "/api/ai/queue/" + id)["result_url"]);
  CHECK(g["target_repo"] == "pics");
  CHECK(history(c)["total_cost"] == "0.025");
  check_no_response_findings(server);
}

TEST_CASE("failed and cancelled jobs are listed but not charged") {
  TestServer server;
  auto c = server.client();
  auto failing = enqueue_one(c, {{"model", "flux-2-dev"}, {"prompt", "a fox [mock:fail]"}});
  auto cancelled = enqueue_one(c, {{"model", "flux-2-dev"}, {"prompt", "an owl"}});
  REQUIRE(c.Delete(("/api/ai/queue/" + cancelled).c_str())->status == 200);
  server.app().clock().advance(5000);

  auto page = history(c);
  REQUIRE(page["total_entries"] == 2);
  CHECK(page["total_cost"].is_null());
  auto failed = get(c, "/api/ai/generations/" + failing)["generation"];
  CHECK(failed["status"] == "failed");
  CHECK(failed["cost"].is_null());
  CHECK(get(c, "/api/ai/generations/" + cancelled)["generation"]["status"] == "cancelled");
  check_no_response_findings(server);
}

TEST_CASE("sync image and video calls are recorded as succeeded generations") {
  TestServer server;
  auto c = server.client();
  auto images = post(c, "/api/ai/images/generate",
                     {{"model", "flux-2-dev"}, {"prompt", "two cats"}, {"n", 2}, {"response_format", "b64_json"}});
  REQUIRE(images["images"].size() == 2);
  post(c, "/api/ai/videos/generate",
       {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", "waves"}, {"duration", 10}});

  auto page = history(c);
  REQUIRE(page["total_entries"] == 3);
  const auto& video = page["generations"][0];  // newest first
  CHECK(video["media_type"] == "video");
  CHECK(video["status"] == "succeeded");
  CHECK(video["cost"] == "0.7");  // 10 s at 0.07 per output second
  CHECK(video["duration"] == 10);
  for (int i : {1, 2}) {
    const auto& image = page["generations"][i];
    CHECK(image["media_type"] == "image");
    CHECK(image["prompt"] == "two cats");
    CHECK(image["cost"] == "0.025");
    // Answered inline, still reachable by URL from the history.
    auto url = image["result_url"].get<std::string>();
    auto file = c.Get(url.substr(url.find("/api/media/files/")).c_str());
    REQUIRE(file);
    CHECK(file->status == 200);
  }
  CHECK(page["total_cost"] == "0.75");

  SUBCASE("the queue views do not show them") {
    std::string id = video["generation_id"];
    CHECK(get(c, "/api/ai/queue?status=succeeded")["count"] == 0);
    get(c, "/api/ai/queue/" + id, 404);
    CHECK(c.Delete(("/api/ai/queue/" + id).c_str())->status == 404);
    CHECK(get(c, "/api/ai/generations/" + id)["generation"]["generation_id"] == id);
  }
  SUBCASE("a refused call is not a generation") {
    post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "  "}}, 400);
    CHECK(history(c)["total_entries"] == 3);
  }
  check_no_response_findings(server);
}

TEST_CASE("pages, filters and the cost aggregate over the whole filter set") {
  TestServer server;
  auto c = server.client();
  for (int i = 0; i < 5; ++i) post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "p" + std::to_string(i)}});
  enqueue_one(c, {{"model", "flux-2-dev"}, {"prompt", "queued one"}, {"target_namespace", "acme"}, {"target_directory", "out"}});

  auto first = history(c, "?page_size=2");
  CHECK(first["count"] == 2);
  CHECK(first["page_number"] == 1);
  CHECK(first["page_size"] == 2);
  CHECK(first["total_entries"] == 6);
  CHECK(first["total_pages"] == 3);
  CHECK(first["total_cost"] == "0.125");  // the five sync images; the queued job is not charged yet
  CHECK(first["generations"][0]["prompt"] == "queued one");

  auto last = history(c, "?page_size=2&page=3");
  CHECK(last["count"] == 2);
  CHECK(last["generations"][1]["prompt"] == "p0");
  CHECK(history(c, "?page_size=2&page=4")["count"] == 0);
  CHECK(history(c)["page_size"] == 50);

  CHECK(history(c, "?status=queued")["total_entries"] == 1);
  CHECK(history(c, "?status=succeeded")["total_entries"] == 5);
  CHECK(history(c, "?media_type=video")["total_entries"] == 0);
  CHECK(history(c, "?model=flux-2-dev")["total_entries"] == 6);
  CHECK(history(c, "?model=other")["total_cost"].is_null());
  CHECK(history(c, "?namespace=acme")["total_entries"] == 1);
  CHECK(history(c, "?folder=out")["total_entries"] == 1);
  CHECK(history(c, "?repo=none")["total_entries"] == 0);
  auto empty = history(c, "?repo=none");
  CHECK(empty["total_pages"] == 1);
  check_no_response_findings(server);
}

TEST_CASE("bad page parameters and filters answer 400 invalid_params naming the parameter") {
  TestServer server;
  auto c = server.client();
  check_invalid_param(c, "?page=0", "page");
  check_invalid_param(c, "?page=two", "page");
  check_invalid_param(c, "?page=-1", "page");
  check_invalid_param(c, "?page_size=0", "page_size");
  check_invalid_param(c, "?page_size=1001", "page_size");
  check_invalid_param(c, "?page_size=5x", "page_size");
  check_invalid_param(c, "?status=done", "status");
  check_invalid_param(c, "?media_type=audio", "media_type");
  CHECK(history(c, "?page_size=1000")["page_size"] == 1000);
}

TEST_CASE("unknown ids and another key's generations answer 404 resource_not_found") {
  TestServer server;
  auto mine = server.client("key-a");
  auto theirs = server.client("key-b");
  auto id = enqueue_one(mine, {{"model", "flux-2-dev"}, {"prompt", "mine"}});

  for (const std::string& path : {"/api/ai/generations/" + id, std::string("/api/ai/generations/no-such-id")}) {
    auto& client = path.find(id) != std::string::npos ? theirs : mine;
    auto body = get(client, path, 404);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["type"] == "resource_not_found");
  }
  CHECK(history(theirs)["total_entries"] == 0);
  CHECK(history(mine)["total_entries"] == 1);
  check_no_response_findings(server);
}

TEST_CASE("the history is per mock namespace, bounded, reset, and kept in the exported state") {
  oxen::mock::Config config = oxen::test::test_config();
  config.max_generations = 3;
  TestServer server(config);
  auto c = server.client();
  auto admin = server.client("");
  const httplib::Headers other = {{"X-Mock-Namespace", "other"}};
  post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "elsewhere"}}, 200, other);
  for (int i = 0; i < 4; ++i) post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "p" + std::to_string(i)}});

  auto page = history(c);
  CHECK(page["total_entries"] == 3);  // the oldest finished row was evicted
  CHECK(page["generations"][2]["prompt"] == "p1");
  CHECK(history(c, "", other)["total_entries"] == 1);

  auto state = parse_json(admin.Get("/__admin/state")->body);
  CHECK_SCHEMA("admin_state", state);
  REQUIRE(admin.Post("/__admin/reset")->status == 200);
  CHECK(history(c)["total_entries"] == 0);

  // What --state-file writes and reads back on restart.
  const httplib::Headers fresh = {{"X-Mock-Namespace", "restored"}};
  REQUIRE(admin.Post("/__admin/state", fresh, state.dump(), "application/json")->status == 200);
  auto restored = history(c, "", fresh);
  CHECK(restored["total_entries"] == 3);
  CHECK(restored["total_cost"] == "0.075");
  CHECK(restored["generations"] == page["generations"]);
  check_no_response_findings(server);
}

TEST_CASE("--state-file keeps the history, sync calls and their cost included, across a restart") {
  auto path = std::filesystem::temp_directory_path() / ("oxen-mock-" + std::to_string(::getpid()) + "-history.json");
  std::filesystem::remove(path);
  auto connect = [](const oxen::test::MockProcess& p) {
    httplib::Client c("127.0.0.1", p.port());
    c.set_read_timeout(10, 0);
    c.set_bearer_token_auth("k");
    return c;
  };
  json before;
  {
    oxen::test::MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
    auto c = connect(mock);
    post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "kept"}});
    enqueue_one(c, {{"model", "flux-2-dev"}, {"prompt", "still queued"}});
    before = history(c);
    mock.stop();
  }
  oxen::test::MockProcess mock({"--state-file", path.string(), "--clock", "manual"});
  auto c = connect(mock);
  auto after = history(c);
  CHECK(after["total_entries"] == 2);
  CHECK(after["total_cost"] == "0.025");
  CHECK(after["generations"] == before["generations"]);
  std::filesystem::remove(path);
}
