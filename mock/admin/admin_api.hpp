#pragma once
#include "../http/router.hpp"

namespace oxen::mock {

class MockApp;

// /__admin: health, reset, requests (journal), clock, faults, state. One small handler per
// endpoint; all of them act on the caller's X-Mock-Namespace where state is per namespace.
void add_admin_routes(Router& router, MockApp& app);

// "250ms", "2s", "1.5m", "1h" -> milliseconds; throws std::invalid_argument.
int64_t parse_duration_ms(const std::string& text);

}  // namespace oxen::mock
