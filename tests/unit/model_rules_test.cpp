// The one judgement of a media request for its model (mock/media/model_rules, fixtures/
// model_rules.json): request_schema violations and the rules a schema cannot say, in the words
// the documentation gives for them.
#include <doctest/doctest.h>

#include "core/api_error.hpp"
#include "media/media_api.hpp"
#include "world/fixtures.hpp"

using namespace oxen::mock;
using nlohmann::json;

namespace {

json model(const Fixtures& f, const std::string& id) {
  for (const auto& m : f.models["models"])
    if (m["id"] == id) return m;
  FAIL("no model " << id);
  return {};
}

struct Judge {
  Fixtures fixtures = Fixtures::load();
  Config config;
  Clock clock{Clock::Mode::manual, 0};
  ErrorCatalog errors{fixtures.errors};
  MediaServices services{config, clock, fixtures, errors};

  // The text a client reads for the request, "" when it passes.
  std::string operator()(const std::string& id, const json& params, MediaKind kind = MediaKind::video) {
    try {
      judge_media_request(services, model(fixtures, id), kind, params);
      return "";
    } catch (const ApiError& e) {
      return errors.text(e);
    }
  }
};

const char* const kKling = "kling-video-o3-pro-reference-to-video";
const char* const kSeedance = "bytedance-seedance-2-0-reference-to-video";
const char* const kTopaz = "topazlabs-upscale-starlight-2-5-video";
const char* const kVideoEdit = "kling-video-o3-pro-video-to-video-edit";

json shots(std::initializer_list<int> durations) {
  json out = json::array();
  for (int d : durations) out.push_back({{"prompt", "a shot"}, {"duration", d}});
  return out;
}

json urls(size_t n, const std::string& kind) {
  json out = json::array();
  for (size_t i = 0; i < n; ++i) out.push_back("https://example.com/" + kind + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("valid requests pass") {
  Judge judge;
  CHECK(judge("flux-2-dev", {{"prompt", "a fox"}, {"aspect_ratio", "16:9"}, {"num_inference_steps", 30}}, MediaKind::image) == "");
  CHECK(judge(kKling, {{"multi_prompt", shots({5, 5, 5})}}) == "");
  CHECK(judge(kTopaz, {{"input_video", "https://example.com/in.mp4"}, {"target_fps", 60}}) == "");
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"input_images", urls(9, "i")}, {"input_audios", urls(3, "a")}}) == "");
  CHECK(judge("qwen-image-edit", {{"prompt", "x"}, {"input_image", "data:image/png;base64,iVBORw0KGgo="}}, MediaKind::image_edit) == "");
}

TEST_CASE("documented Topaz texts: Field required, Invalid resolution, target_fps must be between 1 and 60") {
  Judge judge;
  CHECK(judge(kTopaz, {{"resolution", "4k"}}) == "/input_video: Field required");
  CHECK(judge(kTopaz, {{"input_video", "https://example.com/in.mp4"}, {"resolution", "8k"}}) == "/resolution: Invalid resolution");
  CHECK(judge(kTopaz, {{"input_video", "https://example.com/in.mp4"}, {"target_fps", 61}}) ==
        "/target_fps: target_fps must be between 1 and 60");
  CHECK(judge(kTopaz, {{"input_video", "https://example.com/in.mp4"}, {"target_fps", 0}}) ==
        "/target_fps: target_fps must be between 1 and 60");
}

TEST_CASE("documented Kling O3 texts: total duration 3-15 s, per-shot range, at most 4 images") {
  Judge judge;
  const std::string too_short =
      "duration value '2' is invalid. Try using duration='5' instead, as duration support may vary by model and mode.";
  CHECK(judge(kKling, {{"prompt", "x"}, {"duration", 2}}) == "/duration: " + too_short);
  CHECK(judge(kKling, {{"multi_prompt", shots({1, 1})}}) == "/multi_prompt: " + too_short);
  CHECK(judge(kKling, {{"multi_prompt", shots({10, 6})}}) ==
        "/multi_prompt: Total shot duration (16s) exceeds maximum allowed (15s).");
  CHECK(judge(kKling, {{"prompt", "x"}, {"duration", 16}}) ==
        "/duration: Total shot duration (16s) exceeds maximum allowed (15s).");
  CHECK(judge(kKling, {{"multi_prompt", shots({16})}}) == "/multi_prompt/0/duration: Input should be '1', '2', ... or '15'");
  // A shot without a duration counts its default, 5 s: four of them are 20 s.
  json four = json::array({{{"prompt", "a"}}, {{"prompt", "b"}}, {{"prompt", "c"}}, {{"prompt", "d"}}});
  CHECK(judge(kKling, {{"multi_prompt", four}}) == "/multi_prompt: Total shot duration (20s) exceeds maximum allowed (15s).");

  json elements = json::array({{{"frontal_image_url", "https://example.com/f.png"},
                                {"reference_image_urls", urls(2, "r")}}});
  CHECK(judge(kKling, {{"prompt", "x"}, {"elements", elements}, {"input_image", urls(1, "i")}}) == "");
  CHECK(judge(kKling, {{"prompt", "x"}, {"elements", elements}, {"input_image", urls(2, "i")}}) ==
        "/input_image: At most 4 images are allowed across elements and input_image (5 given).");
  // The schema's dependency (a tail image needs a start image) names the missing field.
  CHECK(judge(kKling, {{"prompt", "x"}, {"tail_image_url", "https://example.com/t.png"}}) ==
        "/start_image_url: Field required");
}

TEST_CASE("documented Seedance texts: audio needs an image or video, too many input files, invalid duration") {
  Judge judge;
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"input_audios", urls(1, "a")}}) ==
        "/input_audios: Audio requires at least one image or video");
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"input_audios", urls(1, "a")}, {"input_videos", json::array()}}) ==
        "/input_audios: Audio requires at least one image or video");
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"input_images", urls(9, "i")}, {"input_videos", urls(3, "v")},
                          {"input_audios", urls(1, "a")}}) == "/input_images: Too many input files");
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"input_images", urls(10, "i")}}) == "/input_images: Too many input files");
  CHECK(judge(kSeedance, {{"prompt", "x"}, {"duration", 3}}) == "/duration: Invalid duration");
}

TEST_CASE("media URLs: Invalid URL when malformed, the documented 403 text for a reserved unfetchable host") {
  Judge judge;
  CHECK(judge(kVideoEdit, {{"prompt", "x"}}) == "/input_video: Field required");
  CHECK(judge(kVideoEdit, {{"prompt", "x"}, {"input_video", "not a url"}}) == "/input_video: Invalid URL");
  CHECK(judge(kVideoEdit, {{"prompt", "x"}, {"input_video", "ftp://example.com/v.mp4"}}) == "/input_video: Invalid URL");
  CHECK(judge(kVideoEdit, {{"prompt", "x"}, {"input_video", "https:///v.mp4"}}) == "/input_video: Invalid URL");
  CHECK(judge(kVideoEdit, {{"prompt", "x"}, {"input_video", "https://cdn.forbidden.example/v.mp4"}}) ==
        "/input_video: 403 Client Error: Forbidden for url: https://cdn.forbidden.example/v.mp4");
  CHECK(judge("qwen-image-edit", {{"prompt", "x"}, {"input_image", "https://img.invalid/cat.png"}}, MediaKind::image_edit) ==
        "/input_image: 403 Client Error: Forbidden for url: https://img.invalid/cat.png");
  CHECK(judge("flux-2-dev", {{"prompt", "x"}, {"input_image", json::array({"https://example.com/a.png", "bad"})}},
              MediaKind::image_edit) == "/input_image/1: Invalid URL");
}

TEST_CASE("prompt rules and the edit's source image") {
  Judge judge;
  CHECK(judge("flux-2-dev", {{"prompt", "  "}}, MediaKind::image) == "Prompt cannot be empty");
  CHECK(judge("flux-2-dev", json::object(), MediaKind::image) == "Prompt cannot be empty");
  CHECK(judge("qwen-image-edit", {{"prompt", "x"}}, MediaKind::image_edit) == "/input_image: Field required");
  // An empty list of source images is no source image (a queued edit job would otherwise pass).
  CHECK(judge("qwen-image-edit", {{"prompt", "x"}, {"input_image", json::array()}}, MediaKind::image_edit) ==
        "/input_image: Field required");
  CHECK(judge(kKling, {{"prompt", "x"}, {"multi_prompt", shots({5})}}) ==
        "Getting model response error: 422 - Value error, Cannot provide both 'prompt' and 'multi_prompt'.");
  CHECK(judge(kKling, {{"multi_prompt", json::array()}}) ==
        "Getting model response error: 422 - Value error, Either 'prompt' or 'multi_prompt' must be provided.");
  CHECK(judge(kKling, {{"prompt", ""}}) == "Prompt cannot be empty");
  CHECK(judge(kTopaz, {{"input_video", "https://example.com/in.mp4"}}) == "");  // an upscaler takes no prompt
}

TEST_CASE("a keyword without a documented text keeps the validator's words, with the pointer") {
  Judge judge;
  auto text = judge("flux-2-dev", {{"prompt", "x"}, {"guidance", "high"}}, MediaKind::image);
  CHECK(text.rfind("/guidance: Value type not permitted", 0) == 0);
}

TEST_CASE("request schemas compile once per model; models without one judge nothing") {
  Judge judge;
  auto flux = model(judge.fixtures, "flux-2-dev");
  CHECK(judge.services.request_schema(flux) == judge.services.request_schema(flux));
  CHECK(judge.services.request_schema(model(judge.fixtures, "gpt-4o")) == nullptr);
  CHECK(model_params({{"model", "flux-2-dev"}, {"prompt", "x"}, {"response_format", "url"}}, {"model", "response_format"}) ==
        json{{"prompt", "x"}});
}

TEST_CASE("model_rules.json: a rule for a model the fixtures do not have is refused at start") {
  auto rules = json::parse(Fixtures::load().files.at("model_rules.json"));
  rules["models"]["no-such-model"] = {{"rules", json::array()}};
  CHECK_THROWS_WITH_AS(Fixtures::from_files({{"model_rules.json", rules.dump()}}),
                       doctest::Contains("model_rules.json: /models/no-such-model"), FixtureError);
  rules["models"].erase("no-such-model");
  rules["models"][kSeedance]["rules"].push_back({{"count", json::array({"/input_images"})}});
  CHECK_THROWS_AS(Fixtures::from_files({{"model_rules.json", rules.dump()}}), FixtureError);
}

TEST_CASE("Seed Audio: at most 3 reference clips, an image excludes them, its ranges and rates") {
  Judge judge;
  const char* seed = "bytedance-seed-audio-1-0";
  auto audio = [&](const json& params) { return judge(seed, params, MediaKind::audio); };
  CHECK(audio({{"prompt", "x"}, {"audio_urls", urls(3, "a")}}) == "");
  CHECK(audio({{"prompt", "x"}, {"audio_urls", urls(4, "a")}}) == "/audio_urls: At most 3 reference audio clips are allowed");
  CHECK(audio({{"prompt", "x"}, {"image_url", "https://example.com/i.png"}}) == "");
  CHECK(audio({{"prompt", "x"}, {"image_url", "https://example.com/i.png"}, {"audio_urls", urls(1, "a")}}) ==
        "/audio_urls: image_url cannot be combined with audio_urls");
  // An empty list is not a reference (the rule judges given values only).
  CHECK(audio({{"prompt", "x"}, {"image_url", "https://example.com/i.png"}, {"audio_urls", json::array()}}) == "");
  CHECK(audio({{"prompt", "x"}, {"audio_urls", {"nope"}}}) == "/audio_urls/0: Invalid URL");
  CHECK(audio({{"prompt", "x"}, {"sample_rate", 22050}}) == "/sample_rate: Invalid sample_rate");
  CHECK(audio({{"prompt", "x"}, {"pitch", -13}}) == "/pitch: pitch must be between -12 and 12");
  CHECK(audio({{"prompt", " "}}) == "Prompt cannot be empty");
}
