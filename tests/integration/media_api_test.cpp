// Synchronous media over real HTTP: images/generate, images/edit, videos/generate (and their
// legacy paths), the media URLs they hand out, every error body, every answer validated.
#include <doctest/doctest.h>
#include <png.h>

#include <cstring>

#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::base64_decode;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

json post(httplib::Client& c, const std::string& path, const json& body, int expected_status = 200) {
  auto res = c.Post(path.c_str(), body.dump(), "application/json");
  REQUIRE(res);
  INFO(path << " " << body.dump() << " -> " << res->body.substr(0, 300));
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

struct Png {
  int width = 0, height = 0;
};

// Signature, IHDR first, and a full decode with libpng (which inflates every IDAT).
Png check_png(const std::string& bytes) {
  REQUIRE(bytes.size() > 33);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(bytes.substr(12, 4) == "IHDR");
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()));
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> px(PNG_IMAGE_SIZE(image));
  bool decoded = png_image_finish_read(&image, nullptr, px.data(), 0, nullptr) != 0;
  CHECK(decoded);
  return {static_cast<int>(image.width), static_cast<int>(image.height)};
}

// Fetches a media URL the mock handed out, without any Authorization header.
httplib::Result fetch(TestServer& server, const std::string& url) {
  std::string prefix = server.base_url();
  REQUIRE(url.rfind(prefix + "/api/media/files/", 0) == 0);
  auto plain = server.client("");
  return plain.Get(url.substr(prefix.size()).c_str());
}

void check_error(const json& body, const json& expected) { CHECK(body == expected); }

json invalid_params_detail_prefix(const json& body, const std::string& prefix) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  CHECK(body["status_message"] == "invalid_params");
  std::string detail = body["error"].value("detail", "");
  INFO("detail: " << detail);
  CHECK(detail.rfind(prefix, 0) == 0);
  return body;
}

}  // namespace

TEST_CASE("POST /api/ai/images/generate answers hosted PNGs") {
  TestServer server;
  auto c = server.client();
  json req = {{"model", "flux-2-dev"}, {"prompt", "a red fox in snow"}, {"aspect_ratio", "16:9"}};

  auto body = post(c, "/api/ai/images/generate", req);
  CHECK_SCHEMA("image_generate_response", body);
  CHECK(body["model"] == "flux-2-dev");
  CHECK(body["created"] == server.app().clock().now_s());
  REQUIRE(body["images"].size() == 1);
  std::string url = body["images"][0]["url"];
  CHECK_FALSE(body.contains("image_url"));
  // response_format: null is the same as none (url).
  json with_null = req;
  with_null["response_format"] = nullptr;
  CHECK(post(c, "/api/ai/images/generate", with_null)["images"][0]["url"] == url);

  auto res = fetch(server, url);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "image/png");
  auto png = check_png(res->body);
  CHECK(png.width == 256);
  CHECK(png.height == 144);

  SUBCASE("the same request gives the same URL and bytes; another prompt another image") {
    CHECK(post(c, "/api/ai/images/generate", req)["images"][0]["url"] == url);
    auto other = req;
    other["prompt"] = "a blue fox in snow";
    std::string other_url = post(c, "/api/ai/images/generate", other)["images"][0]["url"];
    CHECK(other_url != url);
    CHECK(fetch(server, other_url)->body != res->body);
  }
  SUBCASE("b64_json carries the same bytes inline") {
    auto b64 = req;
    b64["response_format"] = "b64_json";
    auto inline_body = post(c, "/api/ai/images/generate", b64);
    CHECK_SCHEMA("image_generate_response", inline_body);
    CHECK_FALSE(inline_body["images"][0].contains("url"));
    CHECK(base64_decode(inline_body["images"][0]["b64_json"]) == res->body);
  }
  SUBCASE("n gives several different images; size is honoured") {
    auto many = post(c, "/api/ai/images/generate",
                     {{"model", "Qwen/Qwen-Image"}, {"prompt", "x"}, {"n", 3}, {"size", "320x200"}});
    CHECK_SCHEMA("image_generate_response", many);
    REQUIRE(many["images"].size() == 3);
    CHECK(many["images"][0]["url"] != many["images"][1]["url"]);
    auto p = check_png(fetch(server, many["images"][2]["url"])->body);
    CHECK(p.width == 320);
    CHECK(p.height == 200);
  }
  SUBCASE("the legacy path answers the same") {
    auto legacy = post(c, "/api/images/generate", req);
    CHECK_SCHEMA("image_generate_response", legacy);
    CHECK(legacy["images"][0]["url"] == url);
  }
  check_no_response_findings(server);
}

TEST_CASE("images/generate errors") {
  TestServer server;
  auto c = server.client();
  const json prompt_empty = {{"error", {{"message", "Prompt cannot be empty"}}}};

  SUBCASE("unknown model: 404 Model not found") {
    check_error(post(c, "/api/ai/images/generate", {{"model", "nope"}, {"prompt", "x"}}, 404),
                {{"error", {{"message", "Model not found: nope"}}}});
  }
  SUBCASE("empty, blank or missing prompt") {
    check_error(post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", ""}}, 400), prompt_empty);
    check_error(post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "  "}}, 400), prompt_empty);
    check_error(post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}}, 400), prompt_empty);
  }
  SUBCASE("a model that does not output images") {
    auto body = post(c, "/api/ai/images/generate", {{"model", "gpt-4o"}, {"prompt", "x"}}, 400);
    invalid_params_detail_prefix(body, "Model 'gpt-4o' does not produce image");
    body = post(c, "/api/ai/images/generate", {{"model", "kling-video-o3-omni"}, {"prompt", "x"}}, 400);
    invalid_params_detail_prefix(body, "Model 'kling-video-o3-omni' does not produce image");
  }
  SUBCASE("response_format only url or b64_json") {
    auto body = post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "x"}, {"response_format", "png"}}, 400);
    invalid_params_detail_prefix(body, "/response_format");
  }
  SUBCASE("the model's request_schema: enum, range, type") {
    invalid_params_detail_prefix(
        post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "x"}, {"aspect_ratio", "5:1"}}, 400),
        "/aspect_ratio");
    invalid_params_detail_prefix(
        post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "x"}, {"num_inference_steps", 99}}, 400),
        "/num_inference_steps");
    invalid_params_detail_prefix(
        post(c, "/api/ai/images/generate", {{"model", "oxen:ox-brave-jade-gecko"}, {"prompt", "x"}, {"width", "wide"}}, 400),
        "/width");
  }
  SUBCASE("missing model") {
    invalid_params_detail_prefix(post(c, "/api/ai/images/generate", {{"prompt", "x"}}, 400), "/model");
  }
  check_no_response_findings(server);
}

TEST_CASE("POST /api/ai/images/edit takes input_image (primary) or image") {
  TestServer server;
  auto c = server.client();
  auto a = post(c, "/api/ai/images/edit",
                {{"model", "qwen-image-edit"}, {"prompt", "make it night"}, {"input_image", "https://example.com/a.png"}});
  CHECK_SCHEMA("image_generate_response", a);
  check_png(fetch(server, a["images"][0]["url"])->body);

  auto b = post(c, "/api/images/edit",
                {{"model", "qwen-image-edit"}, {"prompt", "make it night"}, {"image", "https://example.com/a.png"}, {"mask", nullptr}});
  CHECK_SCHEMA("image_generate_response", b);
  CHECK(b["images"][0]["url"] == a["images"][0]["url"]);  // the same edit, either field name

  auto several = post(c, "/api/ai/images/edit",
                      {{"model", "flux-2-dev"}, {"prompt", "x"}, {"input_image", {"https://example.com/a.png", "https://example.com/b.png"}}});
  CHECK_SCHEMA("image_generate_response", several);
  auto single = post(c, "/api/ai/images/edit",
                     {{"model", "gpt-image-2-edit"}, {"prompt", "x"}, {"input_image", "https://example.com/a.png"}, {"response_format", "b64_json"}});
  CHECK(single["images"][0].contains("b64_json"));

  SUBCASE("errors") {
    check_error(post(c, "/api/ai/images/edit", {{"model", "qwen-image-edit"}, {"prompt", ""}}, 400),
                {{"error", {{"message", "Prompt cannot be empty"}}}});
    check_error(post(c, "/api/ai/images/edit", {{"model", "nope"}, {"prompt", "x"}}, 404),
                {{"error", {{"message", "Model not found: nope"}}}});
    invalid_params_detail_prefix(post(c, "/api/ai/images/edit", {{"model", "claude-sonnet-4-6"}, {"prompt", "x"}}, 400),
                                 "Model 'claude-sonnet-4-6' does not produce image");
    invalid_params_detail_prefix(
        post(c, "/api/ai/images/edit", {{"model", "qwen-image-edit"}, {"prompt", "x"}, {"input_image", 5}}, 400), "/input_image");
  }
  check_no_response_findings(server);
}

TEST_CASE("POST /api/ai/videos/generate answers real MP4s") {
  TestServer server;
  auto c = server.client();
  auto body = post(c, "/api/ai/videos/generate",
                   {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", "waves"}, {"aspect_ratio", "9:16"}});
  CHECK_SCHEMA("video_generate_response", body);
  CHECK(body["model"] == "kling-video-v2-6-pro-text-to-video");
  REQUIRE(body["videos"].size() == 1);
  auto res = fetch(server, body["videos"][0]["url"]);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "video/mp4");
  CHECK(res->body.substr(4, 4) == "ftyp");
  CHECK(res->body == server.app().fixtures().files.at("media/video-9x16.mp4"));

  SUBCASE("b64_json") {
    auto inline_body = post(c, "/api/videos/generate",
                            {{"model", "wan-2.2-t2v-fast"}, {"prompt", "waves"}, {"response_format", "b64_json"}});
    CHECK_SCHEMA("video_generate_response", inline_body);
    CHECK(base64_decode(inline_body["videos"][0]["b64_json"]).substr(4, 4) == "ftyp");
  }
  SUBCASE("multi_prompt alone, and an upscaler with no prompt at all") {
    auto multi = post(c, "/api/ai/videos/generate",
                      {{"model", "kling-video-o3-pro-reference-to-video"},
                       {"multi_prompt", {{{"prompt", "shot one"}, {"duration", 5}}, {{"prompt", "shot two"}, {"duration", 5}}}}});
    CHECK_SCHEMA("video_generate_response", multi);
    auto topaz = post(c, "/api/ai/videos/generate",
                      {{"model", "topazlabs-upscale-starlight-2-5-video"}, {"input_video", "https://example.com/v.mp4"}});
    CHECK_SCHEMA("video_generate_response", topaz);
  }
  SUBCASE("errors") {
    const std::string prefix = "Getting model response error: 422 - Value error, ";
    auto both = post(c, "/api/ai/videos/generate",
                     {{"model", "kling-video-o3-pro-reference-to-video"}, {"prompt", "a"}, {"multi_prompt", {{{"prompt", "b"}}}}}, 400);
    CHECK(both["error"]["detail"] == prefix + "Cannot provide both 'prompt' and 'multi_prompt'.");
    CHECK_SCHEMA("error_oxen", both);
    auto neither = post(c, "/api/ai/videos/generate", {{"model", "kling-video-o3-pro-reference-to-video"}}, 400);
    CHECK(neither["error"]["detail"] == prefix + "Either 'prompt' or 'multi_prompt' must be provided.");
    auto empty_multi = post(c, "/api/ai/videos/generate",
                            {{"model", "kling-video-o3-pro-reference-to-video"}, {"multi_prompt", json::array()}}, 400);
    CHECK(empty_multi["error"]["detail"] == prefix + "Either 'prompt' or 'multi_prompt' must be provided.");
    check_error(post(c, "/api/ai/videos/generate", {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", ""}}, 400),
                {{"error", {{"message", "Prompt cannot be empty"}}}});
    check_error(post(c, "/api/ai/videos/generate", {{"model", "nope"}, {"prompt", "x"}}, 404),
                {{"error", {{"message", "Model not found: nope"}}}});
    invalid_params_detail_prefix(post(c, "/api/ai/videos/generate", {{"model", "flux-2-dev"}, {"prompt", "x"}}, 400),
                                 "Model 'flux-2-dev' does not produce video");
    invalid_params_detail_prefix(
        post(c, "/api/ai/videos/generate", {{"model", "kling-video-v2-6-pro-text-to-video"}, {"prompt", "x"}, {"duration", 7}}, 400),
        "/duration");
    invalid_params_detail_prefix(
        post(c, "/api/ai/videos/generate", {{"model", "topazlabs-upscale-starlight-2-5-video"}, {"resolution", "4k"}}, 400),
        "/input_video");
    invalid_params_detail_prefix(
        post(c, "/api/ai/videos/generate", {{"model", "wan-2.2-t2v-fast"}, {"prompt", "x"}, {"response_format", "gif"}}, 400),
        "/response_format");
  }
  check_no_response_findings(server);
}

TEST_CASE("media URLs: unknown names and traversal are 404 - no auth needed") {
  TestServer server;
  auto plain = server.client("");
  const json not_found = {{"error", {{"type", "resource_not_found"}, {"title", "The requested resource could not be found"}}},
                          {"status", "error"},
                          {"status_message", "resource_not_found"}};
  for (auto path : {"/api/media/files/0123456789abcdef0123456789abcdef.png", "/api/media/files/..%2F..%2Fetc%2Fpasswd",
                    "/api/media/files/../../etc/passwd", "/api/media/files/x.png"}) {
    auto res = plain.Get(path);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == 404);
    CHECK_SCHEMA("error_oxen", parse_json(res->body));
  }
  auto res = plain.Get("/api/media/files/0123456789abcdef0123456789abcdef.png");
  CHECK(parse_json(res->body) == not_found);
}

TEST_CASE("the legacy image_url / video_url keys, when asked for") {
  auto config = oxen::test::test_config();
  config.legacy_media_url_keys = true;
  TestServer server(config);
  auto c = server.client();
  auto image = post(c, "/api/ai/images/generate", {{"model", "flux-2-dev"}, {"prompt", "x"}});
  CHECK_SCHEMA("image_generate_response", image);
  CHECK(image["image_url"] == image["images"][0]["url"]);
  auto video = post(c, "/api/ai/videos/generate", {{"model", "wan-2.2-t2v-fast"}, {"prompt", "x"}});
  CHECK_SCHEMA("video_generate_response", video);
  CHECK(video["video_url"] == video["videos"][0]["url"]);
  check_no_response_findings(server);
}
