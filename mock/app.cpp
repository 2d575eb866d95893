#include "app.hpp"

#include "registry/models_api.hpp"

namespace oxen::mock {

MockApp::MockApp(Config config, Fixtures fixtures)
    : config_(std::move(config)),
      fixtures_(std::move(fixtures)),
      clock_(config_.clock_mode, config_.clock_start_ms),
      journal_(config_.journal_capacity, config_.journal_body_cap),
      errors_(fixtures_.errors),
      worlds_(fixtures_, clock_),
      pipeline_(config_, errors_, journal_, clock_, worlds_) {
  add_models_routes(pipeline_.router());
}

}  // namespace oxen::mock
