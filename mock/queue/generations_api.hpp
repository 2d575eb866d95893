#pragma once
// The generation history: GET /api/ai/generations (paginated, filtered, with the cost
// aggregate) and GET /api/ai/generations/{generation_id}. The rows are the namespace's queue
// rows (async jobs in their current status) and the sync image/video calls recorded below.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "../http/router.hpp"
#include "../media/media_services.hpp"

namespace oxen::mock {

void add_generation_routes(Router& router, std::shared_ptr<MediaServices> services);

// A positive integer query parameter within [1, max] (`fallback` when absent); 400
// invalid_params naming it otherwise. Shared with the fine-tune lists.
size_t page_param(const Context& ctx, const char* name, size_t fallback, size_t max);

// One finished output of a sync images/videos call, as a succeeded generation of the caller:
// `params` are the request parameters echoed in the row, `compute_ms` the time it took (priced
// for time-billed models). When the store is full of jobs still in flight the call is answered
// but not recorded (the history never makes a sync call fail).
void record_sync_generation(MediaServices& services, Context& ctx, const nlohmann::json& model,
                            const std::string& media_type, const nlohmann::json& params,
                            const std::string& result_url, int64_t compute_ms);

}  // namespace oxen::mock
