// No false greens: every inference path (chat, images/generate, images/edit, videos/generate and
// the queue) refuses what the live API refuses, with the same body, and a queued job keeps the
// rules of the sync endpoint: where the sync answer is a 400, the job ends failed with its text.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const char* const kStatuses[] = {"inactive", "deploying", "deactivating", "error", "unknown"};

// The built-in fixtures plus one custom text, image and video model per non-active status,
// named oxen:gate/<output>-<status>.
oxen::mock::Fixtures fixtures_with_gated_models() {
  auto base = oxen::mock::Fixtures::load();
  json models = json::parse(base.files.at("models.json"));
  auto like = [&](const std::string& id) {
    for (const auto& m : models["models"])
      if (m["id"] == id) return m;
    throw std::logic_error("no model " + id);
  };
  const std::pair<const char*, json> bases[] = {{"text", like("oxen:acme/support-bot")},
                                                {"image", like("oxen:ox-brave-jade-gecko")},
                                                {"video", like("kling-video-v2-6-pro-text-to-video")}};
  for (const char* status : kStatuses) {
    for (const auto& [output, model] : bases) {
      json m = model;
      m["id"] = std::string("oxen:gate/") + output + "-" + status;
      m["model_type"] = "custom";
      m["deployments"] = json::array({{{"status", status}}});
      models["models"].push_back(m);
    }
  }
  return oxen::mock::Fixtures::from_files({{"models.json", models.dump()}});
}

// What a client reads in an error body: shape A's detail, shape B's message.
std::string error_text(const json& body) {
  const auto& e = body.at("error");
  return e.contains("detail") ? e["detail"].get<std::string>() : e.value("message", "");
}

json post(httplib::Client& c, const std::string& path, const json& body, int expected_status) {
  auto res = c.Post(path.c_str(), body.dump(), "application/json");
  REQUIRE(res);
  INFO(path << " " << body.dump() << " -> " << res->body);
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

std::string not_active_text(const std::string& id, const std::string& status) {
  return "/model: model '" + id + "' is not deployed (deployment status: " + status + "). Activate it with POST /api/ai/models/" +
         id + "/activate and retry once its status is active.";
}

void check_not_active(const json& body, const std::string& id, const std::string& status) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  CHECK(error_text(body) == not_active_text(id, status));
}

// The generation after the clock has run past every job's end.
json finished(TestServer& server, httplib::Client& c, const std::string& id) {
  server.app().clock().advance(60'000);
  auto res = c.Get(("/api/ai/queue/" + id).c_str());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto g = parse_json(res->body);
  CHECK_SCHEMA("generation", g);
  return g;
}

std::string enqueue_one(httplib::Client& c, const json& body) {
  auto answer = post(c, "/api/ai/queue", body, 200);
  CHECK_SCHEMA("queue_create_response", answer);
  return answer["generations"][0]["generation_id"];
}

}  // namespace

TEST_CASE("every non-active deployment status is refused on every inference path, sync and queued") {
  TestServer server(oxen::test::test_config(), fixtures_with_gated_models());
  auto c = server.client();
  for (const std::string status : kStatuses) {
    CAPTURE(status);
    const std::string text = "oxen:gate/text-" + status, image = "oxen:gate/image-" + status,
                      video = "oxen:gate/video-" + status;
    check_not_active(post(c, "/api/ai/chat/completions",
                          {{"model", text}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}}, 400),
                     text, status);
    check_not_active(post(c, "/api/ai/images/generate", {{"model", image}, {"prompt", "a fox"}}, 400), image, status);
    check_not_active(post(c, "/api/ai/images/edit",
                          {{"model", image}, {"prompt", "a fox"}, {"input_image", "https://example.com/a.png"}}, 400),
                     image, status);
    check_not_active(post(c, "/api/ai/videos/generate", {{"model", video}, {"prompt", "a fox"}}, 400), video, status);
    check_not_active(post(c, "/api/ai/queue", {{"model", image}, {"prompt", "a fox"}}, 400), image, status);
    check_not_active(post(c, "/api/ai/queue", {{"model", video}, {"prompt", "a fox"}}, 400), video, status);
  }
  // Nothing was queued by the refusals.
  auto all = parse_json(c.Get("/api/ai/queue?status=queued")->body);
  CHECK(all["count"] == 0);
  check_no_response_findings(server);
}

TEST_CASE("a queued job whose model is deactivated or deleted before it starts ends failed with that message") {
  TestServer server;
  auto c = server.client();
  const std::string model = "oxen:acme/product-shots";
  post(c, "/api/ai/models/" + model + "/activate", json::object(), 200);
  server.app().clock().advance(5'000);
  auto job = enqueue_one(c, {{"model", model}, {"prompt", "a bottle on a table"}});
  post(c, "/api/ai/models/" + model + "/deactivate", json::object(), 200);
  // The job starts after 0.5 s of queueing, while the deployment winds down (1 s).
  server.app().clock().advance(600);
  auto g = finished(server, c, job);
  CHECK(g["status"] == "failed");
  CHECK(g["result_url"].is_null());
  // The job started, saw the deployment winding down, and failed on the spot.
  CHECK(g["error_message"] == not_active_text(model, "deactivating"));
  CHECK(g["completed_at"] == g["started_at"]);

  const std::string gecko = "oxen:ox-brave-jade-gecko";
  auto orphan = enqueue_one(c, {{"model", gecko}, {"prompt", "a gecko"}});
  REQUIRE(c.Delete(("/api/ai/models/" + gecko).c_str())->status == 200);
  auto o = finished(server, c, orphan);
  CHECK(o["status"] == "failed");
  CHECK(o["error_message"] == "Model not found: " + gecko);

  // An active custom model's job succeeds.
  post(c, "/api/ai/models/" + model + "/activate", json::object(), 200);
  server.app().clock().advance(5'000);
  CHECK(finished(server, c, enqueue_one(c, {{"model", model}, {"prompt", "a bottle"}}))["status"] == "succeeded");
  check_no_response_findings(server);
}

TEST_CASE("the queue keeps the sync endpoints' rules: the sync 400's text is the failed job's error_message") {
  TestServer server;
  auto c = server.client();
  const json image_edit = {{"model", "qwen-image-edit"}, {"prompt", "make it snow"}};
  struct Case {
    const char* what;
    const char* path;
    json body;
    std::string text;
  };
  const Case cases[] = {
      {"empty prompt", "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", " "}}, "Prompt cannot be empty"},
      {"the model's schema, documented wording", "/api/ai/videos/generate",
       {{"model", "topazlabs-upscale-starlight-2-5-video"}, {"input_video", "https://example.com/in.mp4"}, {"target_fps", 90}},
       "/target_fps: target_fps must be between 1 and 60"},
      {"a required input", "/api/ai/videos/generate", {{"model", "topazlabs-upscale-starlight-2-5-video"}, {"resolution", "4k"}},
       "/input_video: Field required"},
      {"both prompt forms", "/api/ai/videos/generate",
       {{"model", "kling-video-o3-pro-reference-to-video"}, {"prompt", "x"}, {"multi_prompt", json::array({{{"prompt", "y"}}})}},
       "Getting model response error: 422 - Value error, Cannot provide both 'prompt' and 'multi_prompt'."},
      {"neither prompt form", "/api/ai/videos/generate", {{"model", "kling-video-o3-pro-reference-to-video"}},
       "Getting model response error: 422 - Value error, Either 'prompt' or 'multi_prompt' must be provided."},
      {"total duration out of range", "/api/ai/videos/generate",
       {{"model", "kling-video-o3-pro-reference-to-video"},
        {"multi_prompt", json::array({{{"prompt", "a"}, {"duration", 10}}, {{"prompt", "b"}, {"duration", 10}}})}},
       "/multi_prompt: Total shot duration (20s) exceeds maximum allowed (15s)."},
      {"audio without an image or video", "/api/ai/videos/generate",
       {{"model", "bytedance-seedance-2-0-reference-to-video"}, {"prompt", "x"}, {"input_audios", json::array({"https://example.com/a.mp3"})}},
       "/input_audios: Audio requires at least one image or video"},
      {"an unfetchable source", "/api/ai/images/edit",
       {{"model", "qwen-image-edit"}, {"prompt", "x"}, {"input_image", "https://photos.invalid/cat.png"}},
       "/input_image: 403 Client Error: Forbidden for url: https://photos.invalid/cat.png"},
      {"an edit without its source image", "/api/ai/images/edit", image_edit, "/input_image: Field required"},
  };
  for (const auto& k : cases) {
    CAPTURE(k.what);
    auto sync = post(c, k.path, k.body, 400);
    CHECK(error_text(sync) == k.text);
    auto g = finished(server, c, enqueue_one(c, k.body));
    CHECK(g["status"] == "failed");
    CHECK(g["error_message"] == k.text);
    CHECK(g["completed_at"] == g["started_at"]);
  }
  // With its source image, the edit model's job succeeds.
  json with_source = image_edit;
  with_source["input_image"] = "https://example.com/street.png";
  CHECK(finished(server, c, enqueue_one(c, with_source))["status"] == "succeeded");
  CHECK(post(c, "/api/ai/images/edit", {{"model", "qwen-image-edit"}, {"prompt", "x"}, {"image", "https://example.com/a.png"}}, 200)
            .contains("images"));
  check_no_response_findings(server);
}
