// The media checks: an image and an audio generation answered with the documented bodies (full
// profile), and the mock's audio round trip (mock profile).
#include <algorithm>

#include "runner.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

void check_image_generate(Session& s, Outcome& out) {
  std::string why;
  const json* m = s.model_for(catalog_entry("media.images.generate"), &why);
  if (!m) return out.skip(why);
  const std::string path = "/ai/images/generate";
  // No seed in the request: the mock then answers from its own --seed, so a recording shows it.
  json body = {{"model", (*m)["id"]}, {"prompt", "An ox grazing in a green meadow at dawn."}};
  auto f = s.send("POST", path, body.dump());
  const auto* doc = expect_json(out, subject("POST", path), f, 200);
  if (!doc || !out.check_schema(s.schemas(), "image_generate_response", subject("POST", path), *doc)) return;
  const json images = doc->value("images", json::array());
  if (images.size() != 1)
    out.failure(subject("POST", path), "/images", "count", "asked for one image, got " + std::to_string(images.size()), doc);
}

constexpr const char* kSpokenText = "An ox grazes in a green meadow at dawn.";

// One audio from the first text-to-speech model (the model pages' /audio/speech endpoint).
const json* generate_audio(Session& s, Outcome& out, const std::string& check, const json& body_extra,
                           json* answer) {
  std::string why;
  const json* m = s.model_for(catalog_entry(check), &why);
  if (!m) {
    out.skip(why);
    return nullptr;
  }
  const std::string path = "/ai/audio/generate";
  json body = {{"model", (*m)["id"]}, {"prompt", kSpokenText}};
  body.update(body_extra);
  auto f = s.send("POST", path, body.dump());
  const auto* doc = expect_json(out, subject("POST", path), f, 200);
  if (!doc || !out.check_schema(s.schemas(), "audio_generate_response", subject("POST", path), *doc)) return nullptr;
  const json audios = doc->value("audios", json::array());
  if (audios.size() != 1) {
    out.failure(subject("POST", path), "/audios", "audio_count", "asked for one audio, got " + std::to_string(audios.size()), doc);
    return nullptr;
  }
  *answer = *doc;
  return m;
}

void check_audio_generate(Session& s, Outcome& out) {
  json answer;
  generate_audio(s, out, "media.audio.generate", json::object(), &answer);
}

// The listed base model that takes audio and answers text (a transcription model), or nullptr.
const json* transcription_model(Session& s) {
  const json* models = s.listed_models();
  if (!models) return nullptr;
  auto has = [](const json& m, const char* side, const char* media) {
    const json list = m.value("capabilities", json::object()).value(side, json::array());
    return std::find(list.begin(), list.end(), media) != list.end();
  };
  for (const auto& m : *models)
    if (!is_custom(m) && has(m, "input", "audio") && has(m, "output", "text") && !has(m, "output", "audio")) return &m;
  return nullptr;
}

void check_audio_round_trip(Session& s, Outcome& out) {
  const json* listener = transcription_model(s);
  if (!listener) return out.skip("no listed base model takes audio and answers text");
  json answer;
  if (!generate_audio(s, out, "mock.audio.round_trip", {{"output_format", "wav"}}, &answer)) return;
  const std::string path = "/ai/audio/transcriptions";
  json body = {{"model", (*listener)["id"]}, {"audio_url", answer["audios"][0].value("url", "")}};
  auto f = s.send("POST", path, body.dump());
  const auto* doc = expect_json(out, subject("POST", path), f, 200);
  if (!doc || !out.check_schema(s.schemas(), "audio_transcription_response", subject("POST", path), *doc)) return;
  if (doc->value("text", "") != kSpokenText)
    out.failure(subject("POST", path), "/text", "round_trip", std::string("the audio was made from \"") + kSpokenText + "\"", doc);
}

}  // namespace

void add_media_checks(std::map<std::string, CheckFn>& fns) {
  fns["media.images.generate"] = check_image_generate;
  fns["media.audio.generate"] = check_audio_generate;
  fns["mock.audio.round_trip"] = check_audio_round_trip;
}

}  // namespace oxen::conformance
