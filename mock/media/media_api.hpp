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
// Throws model_output_mismatch unless the model's capabilities.output has `media`.
void require_output(const nlohmann::json& model, const std::string& media);
// The body without the endpoint's own fields: what the model's request_schema judges.
nlohmann::json model_params(const nlohmann::json& body, std::initializer_list<const char*> drop);
enum class MediaKind { image, image_edit, video, audio };
// The one judgement of a media request for its model, used by the sync endpoints (which answer
// the ApiError) and by the queue (whose job fails with its text): the prompt rules, an edit's
// source image, the model's request_schema and rules (fixtures/model_rules.json) in the API's
// words. `params` is the body without the endpoint's own fields; what broke is added to
// `findings` when given. Throws ApiError.
void judge_media_request(MediaServices& services, const nlohmann::json& model, MediaKind kind,
                         const nlohmann::json& params, Violations* findings = nullptr);
// The seed an image or video is derived from: the request's integer `seed`, else the mock's.
uint64_t media_seed(const nlohmann::json& body, const Config& config);

}  // namespace oxen::mock
