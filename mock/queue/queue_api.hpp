#pragma once
// The async queue: POST/GET /api/ai/queue, GET/DELETE /api/ai/queue/{generation_id}.
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "../http/router.hpp"
#include "../media/media_services.hpp"

namespace oxen::mock {

void add_queue_routes(Router& router, std::shared_ptr<MediaServices> services);

// Shared with the generation history (generations_api):
// The namespace's next generation id. A state imported without id counters (an older state
// file) may already hold the next ones, so ids in use are skipped.
std::string new_generation_id(World& world);
// The query parameter `name` when it is one of `allowed`; 400 invalid_params naming it when not.
std::optional<std::string> enum_param(const Context& ctx, const char* name,
                                      std::initializer_list<const char*> allowed);
// The filters both lists take: status, media_type, namespace, model, repo, folder.
QueueFilter queue_filter(const Context& ctx);

}  // namespace oxen::mock
