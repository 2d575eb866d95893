#pragma once
// The dashboard at /__admin/: its page and files (compiled in from mock/admin/dashboard/), and
// GET /__admin/events, which tells an open page which of its views to fetch again. The page shows
// only what the admin API answers; it has no data of its own.
#include <string>
#include <vector>

#include "../core/clock.hpp"
#include "../events/event_hub.hpp"
#include "../http/router.hpp"

namespace oxen::mock {

class MockApp;

void add_dashboard_routes(Router& router, MockApp& app);

// The views ("requests", "models", "jobs", "faults", "clock") a request may have changed.
std::vector<std::string> views_changed_by(const Request& request, bool internal);

// Tells the open dashboards of namespace `ns` that `views` changed.
void notify_dashboards(EventHub& hub, const Clock& clock, const std::string& ns,
                       const std::vector<std::string>& views);

}  // namespace oxen::mock
