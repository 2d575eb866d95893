#include "app.hpp"

#include <iostream>

#include "admin/admin_api.hpp"
#include "admin/dashboard.hpp"
#include "chat/chat_api.hpp"
#include "events/events_api.hpp"
#include "finetune/evaluations_api.hpp"
#include "finetune/fine_tunes_api.hpp"
#include "media/audio_api.hpp"
#include "media/media_api.hpp"
#include "queue/generations_api.hpp"
#include "queue/queue_api.hpp"
#include "registry/models_api.hpp"

namespace oxen::mock {

MockApp::MockApp(Config config, Fixtures fixtures)
    : config_(std::move(config)),
      fixtures_(std::move(fixtures)),
      clock_(config_.clock_mode, config_.clock_start_ms),
      journal_(config_.journal_capacity, config_.journal_body_cap, config_.journal_feed),
      errors_(fixtures_.errors),
      media_(std::make_shared<MediaServices>(config_, clock_, fixtures_, errors_)),
      worlds_(fixtures_, clock_, config_, errors_),
      pipeline_(config_, errors_, journal_, clock_, worlds_),
      ticker_(clock_, std::chrono::milliseconds(config_.ticker_interval_ms)) {
  Worlds::Hooks hooks;
  hooks.finished = [this](const std::string& ns, const std::vector<FinishedGeneration>& done) {
    media_->publish(ns, done);
    notify_dashboards(media_->events(), clock_, ns, {"jobs"});
  };
  hooks.deployments = [this](const std::string& ns, const std::vector<DeploymentChange>& changes) {
    media_->publish(ns, changes);
    notify_dashboards(media_->events(), clock_, ns, {"models"});
  };
  hooks.removed = [this](const std::string& ns) {
    journal_.clear(ns);
    media_->events().close_namespace(ns);
  };
  hooks.busy = [media = media_.get()](const std::string& ns) { return media->events().subscribers(ns) > 0; };
  worlds_.set_hooks(std::move(hooks));
  // Every tick of the clock (the ticker, or a test moving manual time) advances every namespace.
  clock_.on_tick([this](int64_t now_ms) {
    worlds_.advance(now_ms);
    media_->events().wake_all();
  });

  if (config_.admin_enabled) {
    add_admin_routes(pipeline_.router(), *this);
    add_dashboard_routes(pipeline_.router(), *this);
  }
  add_models_routes(pipeline_.router());
  add_chat_routes(pipeline_.router(), config_, clock_, fixtures_);
  add_media_routes(pipeline_.router(), media_);
  add_audio_routes(pipeline_.router(), media_);
  add_queue_routes(pipeline_.router(), media_);
  add_generation_routes(pipeline_.router(), media_);
  add_events_routes(pipeline_.router(), media_);
  add_fine_tune_routes(pipeline_.router(), clock_, fixtures_);
  add_evaluation_routes(pipeline_.router(), clock_, fixtures_, config_);
  if (auto missing = pipeline_.router().unbound(); !missing.empty()) {
    std::string ids;
    for (const auto& id : missing) ids += (ids.empty() ? "" : ", ") + id;
    throw std::logic_error("schemas/openapi.json operations without a handler: " + ids);
  }

  if (!config_.state_file.empty()) {
    state_file_ = std::make_unique<StateFile>(config_.state_file);
    if (auto saved = state_file_->load()) {
      try {
        world()->import_state(*saved);
      } catch (const std::exception& e) {
        throw std::runtime_error("state file " + config_.state_file + ": " + e.what());
      }
    }
    pipeline_.on_change([this](const std::string& ns, World& w) { persist(ns, w); });
  }
}

Response MockApp::handle(const Request& request) {
  Response response = pipeline_.handle(request);
  if (media_->events().subscribers() == 0) return response;  // nobody is looking
  const auto match = pipeline_.router().match(request.method, request.path);
  const bool internal = match.route && match.route->internal;
  auto views = views_changed_by(request, internal);
  const std::string ns = request.header("X-Mock-Namespace").value_or("");
  if (request.path == "/__admin/reset" && ns.empty()) {  // every namespace was reset
    for (const auto& name : worlds_.names()) notify_dashboards(media_->events(), clock_, name, views);
  } else {
    notify_dashboards(media_->events(), clock_, ns, views);
  }
  // A stream's journal entry is completed when it ends.
  if (response.stream && !internal) {
    response.stream = [inner = std::move(response.stream), this, ns](StreamSink& sink) {
      inner(sink);
      notify_dashboards(media_->events(), clock_, ns, {"requests"});
    };
  }
  return response;
}

void MockApp::reset() {
  worlds_.reset_all();
  journal_.clear();
  clock_.reset(config_.clock_mode, config_.clock_start_ms);
  pipeline_.rate_limiter().reset();
}

void MockApp::persist(const std::string& ns, World& world) {
  if (!ns.empty()) return;  // only the default namespace is persisted
  try {
    state_file_->save(world.export_state());
  } catch (const std::exception& e) {
    std::cerr << "oxen-mock: " << e.what() << "\n";
  }
}

}  // namespace oxen::mock
