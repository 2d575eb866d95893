#include "world.hpp"

#include "../core/api_error.hpp"

namespace oxen::mock {

World::World(const Fixtures& fixtures, const Clock& clock)
    : registry(fixtures.models, fixtures.deployments, clock) {}

void World::reset() { registry.reset(); }

World& Worlds::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = worlds_.find(name);
  if (it != worlds_.end()) return *it->second;
  if (worlds_.size() >= max_namespaces_)
    throw ApiError("too_many_namespaces", {{"limit", std::to_string(max_namespaces_)}});
  return *worlds_.emplace(name, std::make_unique<World>(fixtures_, clock_)).first->second;
}

void Worlds::reset_all() {
  std::lock_guard lock(mutex_);
  for (auto& [_, world] : worlds_) world->reset();
}

}  // namespace oxen::mock
