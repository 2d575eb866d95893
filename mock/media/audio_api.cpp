#include "audio_api.hpp"

#include <cmath>
#include <cstdio>

#include "../chat/completion.hpp"
#include "../core/api_error.hpp"
#include "../core/rng.hpp"
#include "../http/journal.hpp"
#include "../world/world.hpp"
#include "media_api.hpp"

namespace oxen::mock {

namespace {

using nlohmann::json;

constexpr const char* kFilesPath = "/api/media/files/";
// Bounds the samples one request can make (48 kHz x 300 s is 29 MB of WAV), so a long text at a
// slow speed cannot exhaust memory.
constexpr double kMaxAudioSeconds = 300;

// The body without its nulls: the published request declares every optional field nullable,
// meaning "not given", and the model's request_schema judges only what was given.
json given_fields(const json& body) {
  json out = json::object();
  for (const auto& [name, value] : body.items())
    if (!value.is_null()) out[name] = value;
  return out;
}

// A default the model's request_schema declares for `field`, else `fallback`.
json schema_default(const json& model, const char* field, json fallback) {
  const auto& rs = model.value("request_schema", json());
  if (!rs.is_object() || !rs.contains("properties") || !rs["properties"].contains(field)) return fallback;
  return rs["properties"][field].value("default", fallback);
}

[[noreturn]] void refuse(Context& ctx, std::string pointer, std::string rule, std::string message) {
  Violation v{std::move(pointer), std::move(rule), std::move(message)};
  ctx.event.request_findings.push_back(v);
  throw invalid_params(describe(v));
}

void require_input(const json& model, const std::string& media) {
  const auto inputs = model.value("capabilities", json::object()).value("input", json::array());
  if (std::find(inputs.begin(), inputs.end(), media) != inputs.end()) return;
  std::string list;
  for (const auto& i : inputs) list += (list.empty() ? "" : ", ") + i.get<std::string>();
  throw ApiError("model_input_mismatch",
                 {{"id", model.value("id", "")}, {"media", media}, {"inputs", list.empty() ? "none" : list}});
}

// A synthesis request: what is spoken and how, judged for its model.
struct Speech {
  json model;
  AudioRecipe recipe;
};

// `params` holds the model's own fields (prompt, audio_urls, sample_rate, ...) without nulls.
// `text_pointer`: the field the text came from, named when it is too long.
Speech prepare(MediaServices& services, Context& ctx, const json& params, const std::string& text,
               const char* text_pointer, std::string style, const std::string& format_name) {
  Speech s;
  s.model = find_model(ctx, ctx.body["model"].get<std::string>());
  require_output(s.model, "audio");
  ctx.world.registry.require_active(s.model["id"]);
  judge_media_request(services, s.model, MediaKind::audio, params, &ctx.event.request_findings);

  AudioRecipe& r = s.recipe;
  r.seed = media_seed(params, services.config());
  r.model = s.model["id"];
  r.text = text;
  r.voice = params.value("voice", "");
  for (const auto& url : params.value("audio_urls", json::array())) style += "\n" + url.dump();
  if (params.contains("image_url")) style += "\n" + params["image_url"].dump();
  r.style = std::move(style);
  r.format = audio_format(format_name).value_or(AudioFormat::mp3);  // request values passed their enum
  json rate = params.value("sample_rate", schema_default(s.model, "sample_rate", 24000));
  r.sample_rate = rate.is_number_integer() && supported_sample_rate(rate.get<int>()) ? rate.get<int>() : 24000;
  r.speed = params.value("speed", 1.0);
  r.volume = params.value("volume", 1.0);
  r.pitch = params.value("pitch", 0);
  if (double seconds = speech_seconds(r.text, r.speed); seconds > kMaxAudioSeconds)
    refuse(ctx, text_pointer, "audio_length",
           "the text makes " + std::to_string(static_cast<long>(seconds)) + " s of audio at this speed; at most " +
               std::to_string(static_cast<long>(kMaxAudioSeconds)) + " s are generated per request");
  return s;
}

Response generate(MediaServices& services, Context& ctx) {
  json params = given_fields(model_params(ctx.body, {"model", "response_format", "save_to_workbench", "target_namespace"}));
  const std::string text = params.value("prompt", "");
  std::string format = params.value("output_format", schema_default(find_model(ctx, ctx.body["model"]), "output_format", "mp3"));
  Speech s = prepare(services, ctx, params, text, "/prompt", "", format);

  std::string name = services.store().add_audio(s.recipe);
  json item;
  if (ctx.body.value("response_format", json()).is_string() && ctx.body["response_format"] == "b64_json")
    item = {{"b64_json", base64_encode(*services.store().audio_bytes(s.recipe))}};
  else
    item = {{"url", own_base_url(ctx.request) + kFilesPath + name}};
  return Response::json(
      {{"created", services.clock().now_s()}, {"model", s.model["id"]}, {"audios", json::array({item})}});
}

// The SDK's response_format names; the published output_format names are accepted as well.
std::string speech_format(Context& ctx, const json& body) {
  std::string from_response = body.value("response_format", "");
  std::string from_output = body.value("output_format", "");
  if (from_response == "opus") from_response = "ogg_opus";
  if (!from_response.empty() && !from_output.empty() && from_response != from_output)
    refuse(ctx, "/output_format", "conflict",
           "output_format '" + from_output + "' contradicts response_format '" + body.value("response_format", "") + "'");
  if (!from_response.empty()) return from_response;
  return from_output.empty() ? "mp3" : from_output;
}

Response speech(MediaServices& services, Context& ctx) {
  json body = given_fields(ctx.body);
  // The SDK sends `input`; the per-model page shows `prompt` (the model's own field) next to it.
  // The spoken text is `input` when given, else `prompt`; a prompt next to an input directs the
  // voice, like `instructions`.
  if (!body.contains("input") && !body.contains("prompt"))
    refuse(ctx, "/input", "required", "Field required (or give prompt)");
  std::string text = body.contains("input") ? body["input"].get<std::string>() : body["prompt"].get<std::string>();
  std::string style = body.value("instructions", "");
  if (body.contains("input") && body.contains("prompt")) style += "\n" + body["prompt"].get<std::string>();
  std::string format = speech_format(ctx, body);

  json params = model_params(body, {"model", "input", "response_format", "output_format", "instructions", "stream_format",
                                    "target_namespace"});
  params["prompt"] = body.contains("input") ? body["input"] : body["prompt"];
  Speech s = prepare(services, ctx, params, text, body.contains("input") ? "/input" : "/prompt", style, format);

  Response r;
  r.content_type = audio_content_type(s.recipe.format);
  r.body = *services.store().audio_bytes(s.recipe);
  return r;
}

std::string timestamp(double seconds, char separator) {
  long ms = std::lround(seconds * 1000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld%c%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
  return buf;
}

Response transcription(MediaServices& services, Context& ctx) {
  const json& body = ctx.body;
  auto model = find_model(ctx, body["model"].get<std::string>());
  require_input(model, "audio");
  require_output(model, "text");
  ctx.world.registry.require_active(model["id"]);
  if (auto broken = services.rules().judge(model, nullptr, given_fields(model_params(body, {"model", "file"})))) {
    ctx.event.request_findings.push_back(*broken);
    throw invalid_params(describe(*broken));
  }

  // The audio: the uploaded file, or the mock's own file behind audio_url. A URL elsewhere
  // cannot be fetched offline; its text comes from the seed and the URL.
  std::string bytes, source;
  if (body.contains("file")) {
    for (const auto& part : ctx.request.form)
      if (part.name == "file") bytes = part.content;
    if (!sniff_audio(bytes))
      refuse(ctx, "/file", "audio", "not a recognised audio file (wav, mp3, ogg, flac, m4a or webm)");
    source = bytes;
  } else {
    std::string url = body["audio_url"];
    if (auto at = url.find(kFilesPath); at != std::string::npos) {
      auto media = services.store().fetch(url.substr(at + std::string_view(kFilesPath).size()));
      if (!media) refuse(ctx, "/audio_url", "unfetchable_url", "404 Client Error: Not Found for url: " + url);
      bytes = std::move(media->bytes);
      if (!sniff_audio(bytes)) refuse(ctx, "/audio_url", "audio", "not a recognised audio file: " + url);
    }
    source = bytes.empty() ? url : bytes;
  }
  std::string text = embedded_text(bytes).value_or("");
  if (text.empty())
    text = chat::generate_text(mix64(services.config().seed ^ hash_bytes(source) ^ hash_bytes(model["id"].get<std::string>())), 16);
  double duration = wav_seconds(bytes).value_or(speech_seconds(text, 1.0));

  std::string format = body.value("response_format", "json");
  Response r;
  if (format == "text") {
    r.content_type = "text/plain; charset=utf-8";
    r.body = text + "\n";
  } else if (format == "srt") {
    r.content_type = "text/plain; charset=utf-8";
    r.body = "1\n" + timestamp(0, ',') + " --> " + timestamp(duration, ',') + "\n" + text + "\n\n";
  } else if (format == "vtt") {
    r.content_type = "text/vtt; charset=utf-8";
    r.body = "WEBVTT\n\n" + timestamp(0, '.') + " --> " + timestamp(duration, '.') + "\n" + text + "\n\n";
  } else if (format == "verbose_json") {
    r = Response::json({{"task", "transcribe"},
                        {"language", body.value("language", "english")},
                        {"duration", duration},
                        {"text", text},
                        {"segments", json::array({{{"id", 0}, {"start", 0.0}, {"end", duration}, {"text", text}}})}});
  } else {
    r = Response::json({{"text", text}});
  }
  return r;
}

}  // namespace

void add_audio_routes(Router& router, std::shared_ptr<MediaServices> services) {
  router.bind("generateAudio", [services](Context& ctx) { return generate(*services, ctx); });
  router.bind("createSpeech", [services](Context& ctx) { return speech(*services, ctx); });
  router.bind("createTranscription", [services](Context& ctx) { return transcription(*services, ctx); });
}

}  // namespace oxen::mock
