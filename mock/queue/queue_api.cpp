#include "queue_api.hpp"

#include "../core/api_error.hpp"
#include "../http/journal.hpp"
#include "../media/media_api.hpp"
#include "../world/world.hpp"
#include "generation_cost.hpp"

namespace oxen::mock {

namespace {

const char* const kStatuses[] = {"queued", "processing", "succeeded", "failed", "cancelled"};

std::optional<std::string> optional_string(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

int num_generations(const nlohmann::json& body, int max) {
  auto it = body.find("num_generations");
  if (it == body.end() || it->is_null()) return 1;
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > max)
    throw ApiError("num_generations_out_of_range", {{"max", std::to_string(max)}});
  return static_cast<int>(it->get<int64_t>());
}

// Which sync endpoint's rules a job keeps: an edit model's (its endpoint is /images/edit) needs
// its source image like images/edit does.
MediaKind job_kind(const nlohmann::json& model, const std::string& media) {
  if (media == "video") return MediaKind::video;
  return model.value("endpoint", "") == "/images/edit" ? MediaKind::image_edit : MediaKind::image;
}

Response enqueue(MediaServices& services, Context& ctx) {
  const auto& body = ctx.body;
  const Config& config = services.config();
  auto model = find_model(ctx, body["model"].get<std::string>());
  std::string media = model_outputs(model, "video") ? "video"
                      : model_outputs(model, "image") ? "image"
                                                      : "";
  if (media.empty()) throw ApiError("unsupported_media_type", {{"id", model.value("id", "")}});
  ctx.world.registry.require_active(model["id"]);
  int count = num_generations(body, config.max_num_generations);

  // What the sync endpoint would refuse is judged when the job runs, as documented for
  // model-specific parameters: the generation fails with the sync answer's text as its
  // error_message instead of the request being refused.
  auto params = model_params(body, {"model", "num_generations", "target_namespace", "target_repo",
                                    "target_directory", "response_format"});
  std::string prompt = body.value("prompt", nlohmann::json()).is_string() ? body["prompt"].get<std::string>() : "";
  std::string failure;
  bool refused = false;  // by the model's rules: it fails as soon as it starts
  try {
    judge_media_request(services, model, job_kind(model, media), params, &ctx.event.request_findings);
  } catch (const ApiError& e) {
    failure = services.errors().text(e);
    refused = true;
  }
  if (!refused && !config.queue_fail_marker.empty() && prompt.find(config.queue_fail_marker) != std::string::npos)
    failure = "Insufficient credits";

  bool image = media == "image";
  int64_t queued_ms = image ? config.image_job_queued_ms : config.video_job_queued_ms;
  int64_t processing_ms = image ? config.image_job_processing_ms : config.video_job_processing_ms;
  std::string base = own_base_url(ctx.request);
  uint64_t owner = ctx.owner();
  uint64_t seed = media_seed(body, config);

  std::vector<GenerationSpec> specs;
  nlohmann::json answer = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    GenerationSpec spec;
    spec.generation_id = new_generation_id(ctx.world);
    spec.owner = owner;
    spec.model_name = model["id"];
    spec.media_type = media;
    spec.prompt = body.contains("prompt") ? body["prompt"] : nlohmann::json(nullptr);
    spec.echoed = model_params(body, {"model", "num_generations", "prompt", "target_namespace",
                                      "target_repo", "target_directory"});
    spec.target_namespace = optional_string(body, "target_namespace");
    spec.target_repo = optional_string(body, "target_repo");
    spec.target_directory = optional_string(body, "target_directory");
    spec.queued_ms = std::max<int64_t>(0, queued_ms);
    spec.processing_ms = refused ? 0 : std::max<int64_t>(0, processing_ms);
    spec.failure = failure;
    spec.cost_micros = generation_cost_micros(model, params, spec.processing_ms);
    if (failure.empty()) {
      std::string name;
      if (image) {
        ImageRecipe recipe;
        recipe.seed = seed;
        recipe.model = spec.model_name;
        recipe.prompt = prompt;
        recipe.index = i;
        auto dims = image_dimensions(body.value("aspect_ratio", nlohmann::json()).is_string() ? body["aspect_ratio"].get<std::string>() : "",
                                     body.value("size", nlohmann::json()).is_string() ? body["size"].get<std::string>() : "",
                                     config.image_long_side_px, config.image_max_side_px);
        recipe.width = dims.width;
        recipe.height = dims.height;
        name = services.store().add_image(recipe);
      } else {
        std::string aspect = body.value("aspect_ratio", nlohmann::json()).is_string() ? body["aspect_ratio"].get<std::string>() : "16:9";
        name = services.store().add_video(video_fixture_for(aspect), spec.generation_id);
      }
      spec.result_url = base + "/api/media/files/" + name;
    }
    answer.push_back({{"generation_id", spec.generation_id}, {"status", "queued"}});
    specs.push_back(std::move(spec));
  }
  if (!ctx.world.queue.enqueue(std::move(specs), services.clock().now_ms(), config.max_generations))
    throw ApiError("queue_full", {{"limit", std::to_string(config.max_generations)}});
  return Response::json({{"generations", answer}});
}

Response list(MediaServices& services, Context& ctx) {
  auto rows = ctx.world.queue.list(queue_filter(ctx), ctx.owner(), services.clock().now_ms());
  return Response::json({{"count", rows.size()}, {"generations", rows}});
}

}  // namespace

std::string new_generation_id(World& world) {
  std::string id;
  do id = world.ids.next("generation");
  while (world.queue.contains(id));
  return id;
}

std::optional<std::string> enum_param(const Context& ctx, const char* name,
                                      std::initializer_list<const char*> allowed) {
  auto value = ctx.request.query_param(name);
  if (!value) return std::nullopt;
  std::string list;
  for (const char* a : allowed) {
    if (*value == a) return value;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw invalid_params(std::string(name) + ": must be one of " + list);
}

QueueFilter queue_filter(const Context& ctx) {
  QueueFilter f;
  f.status = enum_param(ctx, "status", {kStatuses[0], kStatuses[1], kStatuses[2], kStatuses[3], kStatuses[4]});
  f.media_type = enum_param(ctx, "media_type", {"image", "video"});
  f.target_namespace = ctx.request.query_param("namespace");
  f.model = ctx.request.query_param("model");
  f.repo = ctx.request.query_param("repo");
  f.folder = ctx.request.query_param("folder");
  return f;
}

void add_queue_routes(Router& router, std::shared_ptr<MediaServices> services) {
  router.bind("createQueuedGeneration", [services](Context& ctx) { return enqueue(*services, ctx); });

  router.bind("listQueuedGenerations", [services](Context& ctx) { return list(*services, ctx); });

  router.bind("getQueuedGeneration", [services](Context& ctx) {
    auto g = ctx.world.queue.get(ctx.param("generation_id"), ctx.owner(), services->clock().now_ms());
    if (!g) throw ApiError("resource_not_found");
    return Response::json(*g);
  });

  router.bind("cancelQueuedGeneration", [services](Context& ctx) {
    const std::string& id = ctx.param("generation_id");
    auto outcome = ctx.world.queue.cancel(id, ctx.owner(), services->clock().now_ms());
    if (outcome == GenerationQueue::CancelOutcome::not_found) throw ApiError("resource_not_found");
    // On a terminal row the documented "no effect": the same success answer, nothing changes.
    return Response::json({{"status", "success"}, {"generation_id", id}});
  });
}

}  // namespace oxen::mock
