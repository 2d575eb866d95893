#pragma once
// GET /api/events: completion notifications as server-sent events, per API key.
#include <memory>

#include "../http/router.hpp"
#include "../media/media_services.hpp"

namespace oxen::mock {

void add_events_routes(Router& router, std::shared_ptr<MediaServices> services);

}  // namespace oxen::mock
