#include "world.hpp"

#include "../core/api_error.hpp"

namespace oxen::mock {

World::World(const Fixtures& fixtures, const Clock& clock, const Config& config)
    : registry(fixtures.models, fixtures.deployments, clock), faults(config.seed) {}

void World::reset() {
  registry.reset();
  faults.clear();
  queue.reset();
}

nlohmann::json World::export_state() const {
  return {{"version", 1}, {"registry", registry.export_state()}, {"queue", queue.export_state()}};
}

void World::import_state(const nlohmann::json& state) {
  // Each part checks its whole document before it changes anything; the queue is tried on a
  // scratch queue first so that a bad queue cannot leave a half-imported world.
  GenerationQueue queue_check;
  if (state.contains("queue")) queue_check.import_state(state["queue"]);
  registry.import_state(state.at("registry"));
  if (state.contains("queue")) queue.import_state(state["queue"]);
}

World& Worlds::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = worlds_.find(name);
  if (it != worlds_.end()) return *it->second;
  if (worlds_.size() >= config_.max_namespaces)
    throw ApiError("too_many_namespaces", {{"limit", std::to_string(config_.max_namespaces)}});
  return *worlds_.emplace(name, std::make_unique<World>(fixtures_, clock_, config_)).first->second;
}

std::vector<std::string> Worlds::names() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, _] : worlds_) out.push_back(name);
  return out;
}

void Worlds::reset_all() {
  std::lock_guard lock(mutex_);
  for (auto& [_, world] : worlds_) world->reset();
}

}  // namespace oxen::mock
