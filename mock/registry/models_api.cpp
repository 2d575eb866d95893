#include "models_api.hpp"

#include "../core/api_error.hpp"
#include "../world/world.hpp"

namespace oxen::mock {

namespace {

nlohmann::json list_body(nlohmann::json data) {
  return {{"object", "list"}, {"data", std::move(data)}};
}

// A query parameter with surrounding blanks trimmed; an empty value is the same as none
// (`?developer_name=` filters nothing).
std::optional<std::string> given_param(const Context& ctx, const char* name) {
  auto value = ctx.request.query_param(name);
  if (!value) return std::nullopt;
  size_t first = value->find_first_not_of(" \t");
  if (first == std::string::npos) return std::nullopt;
  return value->substr(first, value->find_last_not_of(" \t") - first + 1);
}

}  // namespace

void add_models_routes(Router& router) {
  router.bind("listModels", [](Context& ctx) {
    ModelFilter filter{given_param(ctx, "developer_name"), given_param(ctx, "action"),
                       given_param(ctx, "provider_name")};
    if (!filter.developer_name && !filter.action && !filter.provider_name)
      return Response::json_text(*ctx.world.registry.list_body());
    return Response::json(list_body(ctx.world.registry.list(filter)));
  });

  router.bind("searchModels", [](Context& ctx) {
    auto text = given_param(ctx, "search");
    if (!text)
      throw invalid_params("search: the query parameter is required and must not be empty");
    return Response::json(list_body(ctx.world.registry.search(*text)));
  });

  router.bind("activateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.activate(ctx.param("id"), ctx.owner()));
  });

  router.bind("deactivateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.deactivate(ctx.param("id"), ctx.owner()));
  });

  router.bind("getModel", [](Context& ctx) {
    // The mock's deployments are always current, so "live" only needs validating.
    auto status = ctx.request.query_param("deployment_status");
    if (status && *status != "live")
      throw invalid_params("deployment_status: must be \"live\" when given");
    // The published parameter is "Model ID (UUID) or name": a UUID names the model it derives from.
    auto id = ctx.world.registry.resolve(ctx.param("id"));
    auto model = id ? ctx.world.registry.model_body(*id) : nullptr;
    if (!model) throw ApiError("model_not_found", {{"id", ctx.param("id")}});
    return Response::json_text(*model);
  });

  router.bind("updateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.update(ctx.param("id"), ctx.body));
  });

  router.bind("listFeaturedModels", [](Context& ctx) {
    return Response::json(list_body(ctx.world.registry.featured()));
  });

  // Favorites belong to the API key, like the generations and event streams it owns.
  router.bind("listFavoriteModels", [](Context& ctx) {
    return Response::json(list_body(ctx.world.registry.favorites(ctx.owner())));
  });

  router.bind("favoriteModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.favorite(ctx.param("id"), ctx.owner()));
  });

  router.bind("unfavoriteModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.unfavorite(ctx.param("id"), ctx.owner()));
  });

  router.bind("deleteModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.remove(ctx.param("id")));
  });
}

}  // namespace oxen::mock
