#pragma once
// The evaluations API (batch inference over a data file of the hub): POST
// /api/repos/{namespace}/{repo}/evaluations/{branch}/{file} and GET .../evaluations/{id}.
#include "../config.hpp"
#include "../core/clock.hpp"
#include "../http/router.hpp"
#include "../world/fixtures.hpp"

namespace oxen::mock {

void add_evaluation_routes(Router& router, const Clock& clock, const Fixtures& fixtures, const Config& config);

}  // namespace oxen::mock
