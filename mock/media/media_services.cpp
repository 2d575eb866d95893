#include "media_services.hpp"

#include "../core/rng.hpp"

namespace oxen::mock {

MediaServices::MediaServices(const Config& config, Clock& clock, const Fixtures& fixtures,
                             const ErrorCatalog& errors)
    : config_(config),
      clock_(clock),
      errors_(errors),
      rules_(fixtures.model_rules),
      store_(fixtures.files, config.max_media_files),
      events_(static_cast<size_t>(event_subscriber_cap(config))) {}

std::shared_ptr<const Schema> MediaServices::request_schema(const nlohmann::json& model) {
  const auto& rs = model.value("request_schema", nlohmann::json());
  if (!rs.is_object()) return nullptr;
  std::string id = model.value("id", "");
  std::lock_guard lock(schemas_mutex_);
  auto it = schemas_.find(id);
  if (it != schemas_.end()) return it->second;
  auto compiled = std::make_shared<const Schema>(compile_schema(rs, &SchemaStore::builtin()));
  schemas_.emplace(id, compiled);
  return compiled;
}

void MediaServices::publish(const std::string& ns, const std::vector<FinishedGeneration>& done) {
  for (const auto& g : done) {
    nlohmann::json data = {{"generation_id", g.generation_id}, {"status", g.status}, {"media_type", g.media_type}};
    if (g.status == "succeeded") {
      data["model"] = g.model;
      data["url"] = g.url;
    } else {
      data["error"] = g.error;
    }
    events_.publish(EventScope{ns, g.owner}, "media_generation_completed", data);
  }
}

void MediaServices::publish(const std::string& ns, const std::vector<DeploymentChange>& changes) {
  for (const auto& c : changes)
    events_.publish(EventScope{ns, c.owner}, "deployment_status_changed",
                    {{"model", c.model}, {"status", c.to}, {"previous_status", c.from}, {"at", c.at_ms / 1000}});
}

std::string own_base_url(const Request& request) {
  return "http://" + request.header("Host").value_or("127.0.0.1");
}

}  // namespace oxen::mock
