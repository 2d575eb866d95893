// The async queue over real HTTP with the clock driven by the test: enqueue, the declared
// lifecycle, polling to terminal, cancel, filters, eviction, every error body.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const json kNotFound = {{"error", {{"type", "resource_not_found"}, {"title", "The requested resource could not be found"}}},
                        {"status", "error"},
                        {"status_message", "resource_not_found"}};

json post(httplib::Client& c, const json& body, int expected_status = 200) {
  auto res = c.Post("/api/ai/queue", body.dump(), "application/json");
  REQUIRE(res);
  INFO(body.dump() << " -> " << res->body);
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

json get(httplib::Client& c, const std::string& path, int expected_status = 200) {
  auto res = c.Get(path.c_str());
  REQUIRE(res);
  INFO(path << " -> " << res->body);
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

json del(httplib::Client& c, const std::string& id, int expected_status = 200) {
  auto res = c.Delete(("/api/ai/queue/" + id).c_str());
  REQUIRE(res);
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

std::vector<std::string> ids_of(const json& enqueued) {
  std::vector<std::string> ids;
  for (const auto& g : enqueued["generations"]) ids.push_back(g["generation_id"]);
  return ids;
}

void check_num_generations_error(const json& body, int max = 4) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  CHECK(body["error"]["detail"] == "num_generations must be an integer between 1 and " + std::to_string(max));
}

}  // namespace

TEST_CASE("enqueue 4 images, advance the clock, poll each to succeeded") {
  TestServer server;
  auto c = server.client();
  auto& clock = server.app().clock();
  int64_t t0 = clock.now_ms();

  auto enqueued = post(c, {{"model", "flux-2-dev"}, {"prompt", "a fox"}, {"num_generations", 4}, {"seed", 11},
                           {"aspect_ratio", "1:1"}, {"custom_knob", {{"a", 1}}}, {"target_repo", "pics"}});
  CHECK_SCHEMA("queue_create_response", enqueued);
  auto ids = ids_of(enqueued);
  REQUIRE(ids.size() == 4);
  for (const auto& g : enqueued["generations"]) CHECK(g["status"] == "queued");

  auto listed = get(c, "/api/ai/queue");
  CHECK_SCHEMA("queue_list_response", listed);
  CHECK(listed["count"] == 4);

  auto one = get(c, "/api/ai/queue/" + ids[0]);
  CHECK_SCHEMA("generation", one);
  CHECK(one["status"] == "queued");
  CHECK(one["model_name"] == "flux-2-dev");
  CHECK(one["media_type"] == "image");
  CHECK(one["prompt"] == "a fox");
  CHECK(one["enqueued_at"] == t0 / 1000);
  CHECK(one["started_at"].is_null());
  CHECK(one["seed"] == 11);  // pass-through parameters are echoed
  CHECK(one["aspect_ratio"] == "1:1");
  CHECK(one["custom_knob"] == json{{"a", 1}});
  CHECK(one["target_repo"] == "pics");
  CHECK(one["target_namespace"].is_null());
  CHECK_FALSE(one.contains("num_generations"));

  clock.advance(500);
  CHECK(get(c, "/api/ai/queue/" + ids[0])["status"] == "processing");
  clock.advance(2000);
  std::set<std::string> urls;
  for (const auto& id : ids) {
    auto g = get(c, "/api/ai/queue/" + id);
    CHECK_SCHEMA("generation", g);
    CHECK(g["status"] == "succeeded");
    CHECK(g["started_at"] == (t0 + 500) / 1000);
    CHECK(g["completed_at"] == (t0 + 2500) / 1000);
    CHECK(g["error_message"].is_null());
    std::string url = g["result_url"];
    urls.insert(url);
    auto media = server.client("").Get(url.substr(server.base_url().size()).c_str());
    REQUIRE(media);
    CHECK(media->status == 200);
    CHECK(media->get_header_value("Content-Type") == "image/png");
    CHECK(media->body.substr(1, 3) == "PNG");
  }
  CHECK(urls.size() == 4);  // four different images

  // Terminal rows leave the default list but stay retrievable and filterable.
  CHECK(get(c, "/api/ai/queue")["count"] == 0);
  auto done = get(c, "/api/ai/queue?status=succeeded");
  CHECK_SCHEMA("queue_list_response", done);
  CHECK(done["count"] == 4);
  CHECK(done["generations"][0]["generation_id"] == ids[0]);  // enqueue order
  check_no_response_findings(server);
}

TEST_CASE("video jobs take their own durations and serve an MP4") {
  TestServer server;
  auto c = server.client();
  auto id = ids_of(post(c, {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", "waves"}, {"duration", 5}}))[0];
  server.app().clock().advance(1000);
  CHECK(get(c, "/api/ai/queue/" + id)["status"] == "processing");
  server.app().clock().advance(7999);
  CHECK(get(c, "/api/ai/queue/" + id)["status"] == "processing");
  server.app().clock().advance(1);
  auto g = get(c, "/api/ai/queue/" + id);
  CHECK_SCHEMA("generation", g);
  CHECK(g["status"] == "succeeded");
  CHECK(g["media_type"] == "video");
  CHECK(g["duration"] == 5);
  auto media = server.client("").Get(g["result_url"].get<std::string>().substr(server.base_url().size()).c_str());
  REQUIRE(media);
  CHECK(media->get_header_value("Content-Type") == "video/mp4");
  CHECK(media->body.substr(4, 4) == "ftyp");
  check_no_response_findings(server);
}

TEST_CASE("failures: the model's request_schema at run time, and the failure marker") {
  TestServer server;
  auto c = server.client();
  auto bad = ids_of(post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}, {"num_inference_steps", 500}}))[0];
  auto broke = ids_of(post(c, {{"model", "flux-2-dev"}, {"prompt", "x [mock:fail]"}}))[0];
  server.app().clock().advance(500);
  auto g = get(c, "/api/ai/queue/" + bad);
  CHECK_SCHEMA("generation", g);
  CHECK(g["status"] == "failed");
  CHECK(g["error_message"].get<std::string>().rfind("/num_inference_steps", 0) == 0);
  CHECK(g["started_at"].is_number());
  CHECK(g["result_url"].is_null());
  CHECK(get(c, "/api/ai/queue/" + broke)["status"] == "processing");
  server.app().clock().advance(2000);
  auto f = get(c, "/api/ai/queue/" + broke);
  CHECK(f["status"] == "failed");
  CHECK(f["error_message"] == "Insufficient credits");
  CHECK(get(c, "/api/ai/queue?status=failed")["count"] == 2);
  check_no_response_findings(server);
}

TEST_CASE("DELETE cancels and the row stays cancelled - terminal rows are left as they are") {
  TestServer server;
  auto c = server.client();
  auto ids = ids_of(post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}, {"num_generations", 2}}));
  auto answer = del(c, ids[0]);
  CHECK_SCHEMA("queue_delete_response", answer);
  CHECK(answer == json{{"status", "success"}, {"generation_id", ids[0]}});
  server.app().clock().advance(600);
  CHECK(del(c, ids[1]) == json{{"status", "success"}, {"generation_id", ids[1]}});  // while processing
  server.app().clock().advance(10000);
  for (const auto& id : ids) {
    auto g = get(c, "/api/ai/queue/" + id);
    CHECK_SCHEMA("generation", g);
    CHECK(g["status"] == "cancelled");
    CHECK(g["result_url"].is_null());
  }
  CHECK(get(c, "/api/ai/queue/" + ids[1])["started_at"].is_number());
  SUBCASE("DELETE on a terminal row: 200, no effect") {
    CHECK(del(c, ids[0]) == json{{"status", "success"}, {"generation_id", ids[0]}});
    CHECK(get(c, "/api/ai/queue/" + ids[0])["status"] == "cancelled");
  }
  CHECK(get(c, "/api/ai/queue?status=cancelled")["count"] == 2);
  check_no_response_findings(server);
}

TEST_CASE("queue errors") {
  TestServer server;
  auto c = server.client();
  SUBCASE("num_generations outside 1..4 or not an integer") {
    for (json n : {json(0), json(5), json(-1), json("2"), json(1.5), json(true)})
      check_num_generations_error(post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}, {"num_generations", n}}, 400));
  }
  SUBCASE("a text-only model") {
    auto body = post(c, {{"model", "gpt-4o"}, {"prompt", "x"}}, 400);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["detail"] == ":unsupported_media_type");
  }
  SUBCASE("unknown model, missing model") {
    CHECK(post(c, {{"model", "nope"}, {"prompt", "x"}}, 404) == json{{"error", {{"message", "Model not found: nope"}}}});
    CHECK_SCHEMA("error_oxen", post(c, {{"prompt", "x"}}, 400));
  }
  SUBCASE("unknown generation ids: GET and DELETE are 404 resource_not_found") {
    CHECK(get(c, "/api/ai/queue/7cf9b23a-1234-5678-9abc-def012345678", 404) == kNotFound);
    CHECK(del(c, "7cf9b23a-1234-5678-9abc-def012345678", 404) == kNotFound);
  }
  SUBCASE("list filters must be known values") {
    auto body = get(c, "/api/ai/queue?status=done", 400);
    CHECK_SCHEMA("error_oxen", body);
    CHECK(body["error"]["detail"].get<std::string>().rfind("status:", 0) == 0);
    get(c, "/api/ai/queue?media_type=audio", 400);
  }
  SUBCASE("another API key sees nothing of it") {
    auto id = ids_of(post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}}))[0];
    auto other = server.client("other-key");
    CHECK(get(other, "/api/ai/queue/" + id, 404) == kNotFound);
    CHECK(del(other, id, 404) == kNotFound);
    CHECK(get(other, "/api/ai/queue")["count"] == 0);
  }
  check_no_response_findings(server);
}

TEST_CASE("num_generations maximum is configurable") {
  auto config = oxen::test::test_config();
  config.max_num_generations = 12;
  TestServer server(config);
  auto c = server.client();
  CHECK(ids_of(post(c, {{"model", "flux-2-dev"}, {"num_generations", 12}})).size() == 12);
  check_num_generations_error(post(c, {{"model", "flux-2-dev"}, {"num_generations", 13}}, 400), 12);
}

TEST_CASE("list filters") {
  TestServer server;
  auto c = server.client();
  post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}, {"target_namespace", "acme"}, {"target_repo", "r1"}, {"target_directory", "d1"}});
  post(c, {{"model", "wan-2.2-t2v-fast"}, {"prompt", "y"}});
  auto count = [&](const std::string& q) { return get(c, "/api/ai/queue" + q)["count"].get<int>(); };
  CHECK(count("") == 2);
  CHECK(count("?model=flux-2-dev") == 1);
  CHECK(count("?media_type=video") == 1);
  CHECK(count("?namespace=acme") == 1);
  CHECK(count("?repo=r1") == 1);
  CHECK(count("?folder=d1") == 1);
  CHECK(count("?folder=d2") == 0);
  CHECK(count("?status=queued&media_type=image") == 1);
  SUBCASE("namespaces of the mock are isolated") {
    httplib::Headers ns{{"X-Mock-Namespace", "other"}};
    auto res = c.Get("/api/ai/queue", ns);
    REQUIRE(res);
    CHECK(parse_json(res->body)["count"] == 0);
  }
  check_no_response_findings(server);
}

TEST_CASE("stored generations are bounded: oldest terminal rows evicted, then 503") {
  auto config = oxen::test::test_config();
  config.max_generations = 3;
  TestServer server(config);
  auto c = server.client();
  auto first = ids_of(post(c, {{"model", "flux-2-dev"}, {"prompt", "x"}, {"num_generations", 2}}));
  server.app().clock().advance(5000);  // both succeed
  auto more = ids_of(post(c, {{"model", "flux-2-dev"}, {"num_generations", 2}}));
  CHECK(get(c, "/api/ai/queue/" + first[0], 404) == kNotFound);  // evicted
  CHECK(get(c, "/api/ai/queue/" + first[1])["status"] == "succeeded");
  auto next = ids_of(post(c, {{"model", "flux-2-dev"}}));
  CHECK(get(c, "/api/ai/queue/" + first[1], 404) == kNotFound);
  auto full = post(c, {{"model", "flux-2-dev"}}, 503);  // three active rows: nothing to evict
  CHECK_SCHEMA("error_oxen", full);
  CHECK(full["error"]["type"] == "service_unavailable");
  CHECK(get(c, "/api/ai/queue")["count"] == 3);
  check_no_response_findings(server);
}
