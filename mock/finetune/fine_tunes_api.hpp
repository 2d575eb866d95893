#pragma once
// The fine-tuning API: /api/repos/{namespace}/{repo_name}/fine_tunes/... and the list routes of
// organizations and users (docs/fine-tuning.md).
#include "../config.hpp"
#include "../core/clock.hpp"
#include "../http/router.hpp"
#include "../world/fixtures.hpp"

namespace oxen::mock {

void add_fine_tune_routes(Router& router, const Clock& clock, const Fixtures& fixtures);

}  // namespace oxen::mock
