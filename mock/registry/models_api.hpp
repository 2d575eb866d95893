#pragma once
#include "../http/router.hpp"

namespace oxen::mock {

// GET /api/ai/models, /models/search, /models/featured, /models/favorites, /models/{id};
// PUT and DELETE /models/{id}; POST activate/deactivate; POST and DELETE /models/{id}/favorite.
void add_models_routes(Router& router);

}  // namespace oxen::mock
