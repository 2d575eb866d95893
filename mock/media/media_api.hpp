#pragma once
// Synchronous media: POST /api/ai/images/generate, /api/ai/images/edit, /api/ai/videos/generate
// (and the legacy /api/images/generate, /api/images/edit, /api/videos/generate), plus
// GET /api/media/files/<name>, which serves the bytes behind every media URL the mock hands out.
#include <memory>

#include "../http/router.hpp"
#include "media_services.hpp"

namespace oxen::mock {

void add_media_routes(Router& router, std::shared_ptr<MediaServices> services);

// Shared with the queue: the model by id (404 model_not_found when unknown).
nlohmann::json find_model(Context& ctx, const std::string& id);
bool model_outputs(const nlohmann::json& model, const std::string& media);
// The body without the endpoint's own fields: what the model's request_schema judges.
nlohmann::json model_params(const nlohmann::json& body, std::initializer_list<const char*> drop);
// Violations of the model's request_schema (none when it has no schema).
Violations model_violations(MediaServices& services, const nlohmann::json& model,
                            const nlohmann::json& params);
// The seed an image or video is derived from: the request's integer `seed`, else the mock's.
uint64_t media_seed(const nlohmann::json& body, const Config& config);

}  // namespace oxen::mock
