#pragma once
// The async queue: POST/GET /api/ai/queue, GET/DELETE /api/ai/queue/{generation_id}.
#include <memory>

#include "../http/router.hpp"
#include "../media/media_services.hpp"

namespace oxen::mock {

void add_queue_routes(Router& router, std::shared_ptr<MediaServices> services);

}  // namespace oxen::mock
