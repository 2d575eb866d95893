#include "models_api.hpp"

#include "../core/api_error.hpp"
#include "../world/world.hpp"

namespace oxen::mock {

namespace {

nlohmann::json list_body(nlohmann::json data) {
  return {{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace

void add_models_routes(Router& router) {
  router.bind("listModels", [](Context& ctx) {
    const auto& r = ctx.request;
    ModelFilter filter{r.query_param("developer_name"), r.query_param("action"),
                       r.query_param("provider_name")};
    if (!filter.developer_name && !filter.action && !filter.provider_name)
      return Response::json_text(*ctx.world.registry.list_body());
    return Response::json(list_body(ctx.world.registry.list(filter)));
  });

  router.bind("searchModels", [](Context& ctx) {
    auto text = ctx.request.query_param("search");
    if (!text || text->empty())
      throw invalid_params("search: the query parameter is required and must not be empty");
    return Response::json(list_body(ctx.world.registry.search(*text)));
  });

  router.bind("activateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.activate(ctx.param("id")));
  });

  router.bind("deactivateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.deactivate(ctx.param("id")));
  });

  router.bind("getModel", [](Context& ctx) {
    // The mock's deployments are always current, so "live" only needs validating.
    auto status = ctx.request.query_param("deployment_status");
    if (status && *status != "live")
      throw invalid_params("deployment_status: must be \"live\" when given");
    auto model = ctx.world.registry.model_body(ctx.param("id"));
    if (!model) throw ApiError("model_not_found", {{"id", ctx.param("id")}});
    return Response::json_text(*model);
  });

  router.bind("deleteModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.remove(ctx.param("id")));
  });
}

}  // namespace oxen::mock
