#pragma once
#include "../http/router.hpp"

namespace oxen::mock {

// GET /api/ai/models, /models/search, /models/{id}; POST activate/deactivate; DELETE.
void add_models_routes(Router& router);

}  // namespace oxen::mock
