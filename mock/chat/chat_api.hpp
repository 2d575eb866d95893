#pragma once
// POST /api/ai/chat/completions (and the legacy POST /api/chat/completions): OpenAI-compatible,
// deterministic, streamed on request, with tool calls and structured output.
#include <nlohmann/json.hpp>

#include "../config.hpp"
#include "../core/clock.hpp"
#include "../http/router.hpp"
#include "../world/fixtures.hpp"

namespace oxen::mock {

void add_chat_routes(Router& router, const Config& config, const Clock& clock, const Fixtures& fixtures);

}  // namespace oxen::mock
