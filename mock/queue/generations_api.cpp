#include "generations_api.hpp"

#include <charconv>

#include "../core/api_error.hpp"
#include "../world/world.hpp"
#include "generation_cost.hpp"
#include "queue_api.hpp"

namespace oxen::mock {

namespace {

// The published bounds of GenerationsController.index.
constexpr size_t kDefaultPageSize = 50;
constexpr size_t kMaxPageSize = 1000;

Response list(MediaServices& services, Context& ctx) {
  QueueFilter filter = queue_filter(ctx);
  size_t page = page_param(ctx, "page", 1, SIZE_MAX);
  size_t page_size = page_param(ctx, "page_size", kDefaultPageSize, kMaxPageSize);
  auto found = ctx.world.queue.history(filter, ctx.owner(), services.clock().now_ms(), page, page_size);
  // An empty set still has one (empty) page, as common paginators report it.
  size_t pages = found.total_entries == 0 ? 1 : (found.total_entries + page_size - 1) / page_size;
  nlohmann::json total_cost = found.total_cost_micros ? nlohmann::json(format_cost(*found.total_cost_micros))
                                                      : nlohmann::json(nullptr);
  return Response::json({{"count", found.rows.size()},
                         {"generations", found.rows},
                         {"page_number", page},
                         {"page_size", page_size},
                         {"total_pages", pages},
                         {"total_entries", found.total_entries},
                         {"total_cost", total_cost}});
}

Response show(MediaServices& services, Context& ctx) {
  auto row = ctx.world.queue.history_entry(ctx.param("generation_id"), ctx.owner(), services.clock().now_ms());
  if (!row) throw ApiError("resource_not_found");
  return Response::json({{"status", "success"}, {"status_message", "resource_found"}, {"generation", *row}});
}

std::optional<std::string> string_of(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

size_t page_param(const Context& ctx, const char* name, size_t fallback, size_t max) {
  auto value = ctx.request.query_param(name);
  if (!value) return fallback;
  size_t n = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  bool whole = ec == std::errc() && end == value->data() + value->size();
  if (!whole || n < 1 || n > max) {
    std::string range = max == SIZE_MAX ? "an integer >= 1" : "an integer between 1 and " + std::to_string(max);
    throw invalid_params(std::string(name) + ": must be " + range);
  }
  return n;
}

void add_generation_routes(Router& router, std::shared_ptr<MediaServices> services) {
  router.bind("listGenerations", [services](Context& ctx) { return list(*services, ctx); });
  router.bind("getGeneration", [services](Context& ctx) { return show(*services, ctx); });
}

void record_sync_generation(MediaServices& services, Context& ctx, const nlohmann::json& model,
                            const std::string& media_type, const nlohmann::json& params,
                            const std::string& result_url, int64_t compute_ms) {
  GenerationSpec spec;
  spec.generation_id = new_generation_id(ctx.world);
  spec.owner = ctx.owner();
  spec.model_name = model.value("id", "");
  spec.media_type = media_type;
  spec.prompt = ctx.body.contains("prompt") ? ctx.body["prompt"] : nlohmann::json(nullptr);
  spec.echoed = params;
  spec.target_namespace = string_of(ctx.body, "target_namespace");
  spec.result_url = result_url;
  spec.processing_ms = std::max<int64_t>(0, compute_ms);
  spec.cost_micros = generation_cost_micros(model, params, spec.processing_ms);
  ctx.world.queue.record(std::move(spec), services.clock().now_ms(), services.config().max_generations);
}

}  // namespace oxen::mock
