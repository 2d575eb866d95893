#pragma once
// What the media, queue and events routes share: the media store behind the URLs, the event
// hub, the model rules and compiled model request schemas. Owned by the routes; created once per MockApp. The
// per-namespace state (queues, ids) lives in the worlds.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../../conformance/contract/schema_store.hpp"
#include "../config.hpp"
#include "../core/api_error.hpp"
#include "../core/clock.hpp"
#include "../events/event_hub.hpp"
#include "../http/message.hpp"
#include "../queue/generation_queue.hpp"
#include "../registry/registry.hpp"
#include "../world/fixtures.hpp"
#include "media_store.hpp"
#include "model_rules.hpp"

namespace oxen::mock {

class MediaServices {
 public:
  MediaServices(const Config& config, Clock& clock, const Fixtures& fixtures, const ErrorCatalog& errors);

  const Config& config() const { return config_; }
  Clock& clock() { return clock_; }
  MediaStore& store() { return store_; }
  EventHub& events() { return events_; }
  const ErrorCatalog& errors() const { return errors_; }
  const ModelRules& rules() const { return rules_; }

  // The model's request_schema compiled once per model id; nullptr when it has none.
  std::shared_ptr<const Schema> request_schema(const nlohmann::json& model);

  // Sends one `media_generation_completed` event per finished generation of namespace `ns`.
  void publish(const std::string& ns, const std::vector<FinishedGeneration>& done);
  // Sends one `deployment_status_changed` event per change, to the key that caused it.
  void publish(const std::string& ns, const std::vector<DeploymentChange>& changes);

 private:
  const Config& config_;
  Clock& clock_;
  const ErrorCatalog& errors_;
  ModelRules rules_;
  MediaStore store_;
  EventHub events_;

  std::mutex schemas_mutex_;
  std::map<std::string, std::shared_ptr<const Schema>> schemas_;
};

// "http://<Host header>" of the request (the mock's own address as the client sees it).
std::string own_base_url(const Request& request);

}  // namespace oxen::mock
