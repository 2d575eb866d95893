#include "media_api.hpp"

#include <algorithm>

#include "../core/api_error.hpp"
#include "../http/journal.hpp"
#include "../queue/generations_api.hpp"
#include "../world/world.hpp"

namespace oxen::mock {

namespace {

constexpr const char* kFilesPath = "/api/media/files/";

bool blank(const nlohmann::json& s) {
  return !s.is_string() || s.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string string_field(const nlohmann::json& body, const char* name, std::string fallback = "") {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A model takes prompts unless its request_schema declares neither prompt nor multi_prompt
// (upscalers such as Topaz take only an input video).
bool takes_prompt(const nlohmann::json& model) {
  const auto& rs = model.value("request_schema", nlohmann::json());
  if (!rs.is_object() || !rs.contains("properties")) return true;
  return rs["properties"].contains("prompt") || rs["properties"].contains("multi_prompt");
}

// The request parameters a history row echoes: all but those it has fields for, and the image
// count (each row is one image).
nlohmann::json history_params(const nlohmann::json& body) {
  return model_params(body, {"model", "prompt", "n", "num_images", "response_format", "target_namespace"});
}

void simulate_latency(MediaServices& services, int64_t latency_ms) {
  if (latency_ms <= 0) return;
  auto& clock = services.clock();
  clock.sleep_until(clock.now_ms() + latency_ms);
}

nlohmann::json with_format(bool url, const std::string& base, const std::string& name,
                           const std::function<std::string()>& bytes) {
  if (url) return {{"url", base + kFilesPath + name}};
  return {{"b64_json", base64_encode(bytes())}};
}

Response images(MediaServices& services, Context& ctx, bool edit) {
  const auto& body = ctx.body;
  auto model = find_model(ctx, body["model"].get<std::string>());
  require_output(model, "image");
  ctx.world.registry.require_active(model["id"]);
  std::string prompt = body["prompt"].get<std::string>();

  auto params = model_params(body, {"model", "response_format", "target_namespace", "n", "size", "mask", "image"});
  if (edit && body.contains("image") && !body.contains("input_image")) {
    // The OpenAPI's `image` is the reference pages' `input_image`, in the model's own form.
    const auto& rs = model.value("request_schema", nlohmann::json());
    bool wants_array = false;
    if (rs.is_object() && rs.contains("properties") && rs["properties"].is_object()) {
      auto spec = rs["properties"].value("input_image", nlohmann::json::object());
      wants_array = spec.is_object() && spec.value("type", nlohmann::json()) == "array";
    }
    params["input_image"] = wants_array ? nlohmann::json::array({body["image"]}) : body["image"];
  }
  judge_media_request(services, model, edit ? MediaKind::image_edit : MediaKind::image, params,
                      &ctx.event.request_findings);

  const Config& config = services.config();
  int64_t started_ms = services.clock().now_ms();
  simulate_latency(services, config.image_latency_ms);
  int count = body.contains("n") ? body["n"].get<int>() : body.value("num_images", 1);
  auto dims = image_dimensions(string_field(body, "aspect_ratio"), string_field(body, "size"),
                               config.image_long_side_px, config.image_max_side_px);
  bool url = string_field(body, "response_format", "url") == "url";
  std::string base = own_base_url(ctx.request);
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    ImageRecipe recipe;
    recipe.seed = media_seed(body, config);
    recipe.model = model["id"];
    recipe.prompt = edit ? prompt + "\n" + params.value("input_image", nlohmann::json()).dump() : prompt;
    recipe.index = i;
    recipe.width = dims.width;
    recipe.height = dims.height;
    // Hosted even when answered inline, so that the history shows every image by its URL.
    std::string name = services.store().add_image(recipe);
    list.push_back(with_format(url, base, name, [&] { return *services.store().image_bytes(recipe); }));
    record_sync_generation(services, ctx, model, "image", history_params(body), base + kFilesPath + name,
                           (services.clock().now_ms() - started_ms) / count);
  }
  nlohmann::json answer = {{"model", model["id"]}, {"created", services.clock().now_s()}, {"images", list}};
  if (config.legacy_media_url_keys && url) answer["image_url"] = list[0]["url"];
  return Response::json(answer);
}

Response videos(MediaServices& services, Context& ctx) {
  const auto& body = ctx.body;
  auto model = find_model(ctx, body["model"].get<std::string>());
  require_output(model, "video");
  ctx.world.registry.require_active(model["id"]);
  judge_media_request(services, model, MediaKind::video, model_params(body, {"model", "response_format", "target_namespace"}),
                      &ctx.event.request_findings);

  const Config& config = services.config();
  int64_t started_ms = services.clock().now_ms();
  simulate_latency(services, config.video_latency_ms);
  std::string fixture = video_fixture_for(string_field(body, "aspect_ratio", "16:9"));
  bool url = string_field(body, "response_format", "url") == "url";
  std::string identity = model["id"].get<std::string>() + "\n" + std::to_string(media_seed(body, config)) +
                         "\n" + model_params(body, {"response_format", "target_namespace"}).dump();
  std::string name = services.store().add_video(fixture, identity);  // hosted for the history too
  std::string base = own_base_url(ctx.request);
  nlohmann::json item = with_format(url, base, name, [&] { return services.store().video_bytes(fixture); });
  record_sync_generation(services, ctx, model, "video", history_params(body), base + kFilesPath + name,
                         services.clock().now_ms() - started_ms);
  nlohmann::json answer = {{"model", model["id"]},
                           {"created", services.clock().now_s()},
                           {"videos", nlohmann::json::array({item})}};
  if (config.legacy_media_url_keys && url) answer["video_url"] = item["url"];
  return Response::json(answer);
}

}  // namespace

nlohmann::json find_model(Context& ctx, const std::string& id) {
  auto model = ctx.world.registry.find(id);
  if (!model) throw ApiError("model_not_found", {{"id", id}});
  return *model;
}

void require_output(const nlohmann::json& model, const std::string& media) {
  if (model_outputs(model, media)) return;
  std::string outputs;
  for (const auto& o : model["capabilities"].value("output", nlohmann::json::array()))
    outputs += (outputs.empty() ? "" : ", ") + o.get<std::string>();
  throw ApiError("model_output_mismatch",
                 {{"id", model.value("id", "")}, {"media", media}, {"outputs", outputs.empty() ? "none" : outputs}});
}

bool model_outputs(const nlohmann::json& model, const std::string& media) {
  const auto caps = model.value("capabilities", nlohmann::json::object());
  const auto out = caps.value("output", nlohmann::json::array());
  return std::find(out.begin(), out.end(), media) != out.end();
}

nlohmann::json model_params(const nlohmann::json& body, std::initializer_list<const char*> drop) {
  nlohmann::json params = body.is_object() ? body : nlohmann::json::object();
  for (const char* name : drop) params.erase(name);
  return params;
}

void judge_media_request(MediaServices& services, const nlohmann::json& model, MediaKind kind,
                         const nlohmann::json& params, Violations* findings) {
  // Given: present, not null, and not an empty array.
  auto has = [&](const char* name) {
    return params.contains(name) && !params[name].is_null() && !(params[name].is_array() && params[name].empty());
  };
  if (kind == MediaKind::video) {
    bool has_multi = has("multi_prompt");
    if (has("prompt") && params.contains("multi_prompt") && !params["multi_prompt"].is_null())
      throw ApiError("video_prompt_conflict");
    if (!has("prompt") && !has_multi && takes_prompt(model)) throw ApiError("video_prompt_missing");
    if (has("prompt") && blank(params["prompt"])) throw ApiError("prompt_empty");
  } else if (takes_prompt(model) && blank(params.value("prompt", nlohmann::json()))) {
    throw ApiError("prompt_empty");
  }
  if (kind == MediaKind::image_edit && !has("input_image")) {
    Violation missing{"/input_image", "required", "Field required"};
    if (findings) findings->push_back(missing);
    throw invalid_params(describe(missing));
  }
  auto schema = services.request_schema(model);
  if (auto broken = services.rules().judge(model, schema.get(), params)) {
    if (findings) findings->push_back(*broken);
    throw invalid_params(describe(*broken));
  }
}

uint64_t media_seed(const nlohmann::json& body, const Config& config) {
  auto it = body.find("seed");
  if (it != body.end() && it->is_number_integer()) return static_cast<uint64_t>(it->get<int64_t>());
  return config.seed;
}

void add_media_routes(Router& router, std::shared_ptr<MediaServices> services) {
  router.bind("generateImage", [services](Context& ctx) { return images(*services, ctx, false); });
  router.bind("editImage", [services](Context& ctx) { return images(*services, ctx, true); });
  router.bind("generateVideo", [services](Context& ctx) { return videos(*services, ctx); });

  // Like the live API's presigned URLs, media URLs need no Authorization header (the document
  // gives the operation `security: []`).
  router.bind("getMediaFile", [services](Context& ctx) {
    auto media = services->store().fetch(ctx.param("name"));
    if (!media) throw ApiError("resource_not_found");
    Response r;
    r.content_type = media->content_type;
    r.body = std::move(media->bytes);
    r.headers.emplace("Cache-Control", "private, max-age=86400");
    return r;
  });
}

}  // namespace oxen::mock
