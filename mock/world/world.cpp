#include "world.hpp"

#include "../core/api_error.hpp"

namespace oxen::mock {

namespace {
// The id kinds whose counters are state: they name stored things, so a restart with the state
// file must not hand them out again. Chat completion ids name nothing stored.
const char* const kStoredIdKinds[] = {"generation", "fine_tune", "fine_tune_deployment", "evaluation"};
}  // namespace

World::World(const Fixtures& fixtures, const Clock& clock, const Config& config, const ErrorCatalog& errors,
             const std::string& name, Listeners listeners)
    : name(name), registry(fixtures.models, fixtures.deployments, clock), faults(config.seed), ids(config.seed, name) {
  queue.set_listener(std::move(listeners.finished));
  registry.set_change_listener(std::move(listeners.deployments));
  queue.set_start_check([this, &errors](const GenerationSpec& job) -> std::string {
    try {
      registry.require_active(job.model_name);
      return "";
    } catch (const ApiError& e) {
      return errors.text(e);
    }
  });
}

void World::reset() {
  registry.reset();
  faults.clear();
  queue.reset();
  fine_tunes.reset();
  evaluations.reset();
  ids.reset();
  replay.clear();
}

nlohmann::json World::export_state() const {
  nlohmann::json counters = nlohmann::json::object();
  for (const char* kind : kStoredIdKinds) counters[kind] = ids.count(kind);
  return {{"version", 1},
          {"registry", registry.export_state()},
          {"queue", queue.export_state()},
          {"fine_tunes", fine_tunes.export_state()},
          {"evaluations", evaluations.export_state()},
          {"ids", counters}};
}

void World::import_state(const nlohmann::json& state) {
  // Each part checks its whole document before it changes anything; the queue is tried on a
  // scratch queue first so that a bad queue cannot leave a half-imported world.
  GenerationQueue queue_check;
  if (state.contains("queue")) queue_check.import_state(state["queue"]);
  FineTuneStore fine_tunes_check;
  if (state.contains("fine_tunes")) fine_tunes_check.import_state(state["fine_tunes"]);
  EvaluationStore evaluations_check;
  if (state.contains("evaluations")) evaluations_check.import_state(state["evaluations"]);
  std::map<std::string, uint64_t> counters;
  if (state.contains("ids")) counters = state["ids"].get<std::map<std::string, uint64_t>>();
  registry.import_state(state.at("registry"));
  if (state.contains("queue")) queue.import_state(state["queue"]);
  if (state.contains("fine_tunes")) fine_tunes.import_state(state["fine_tunes"]);
  if (state.contains("evaluations")) evaluations.import_state(state["evaluations"]);
  for (const auto& [kind, n] : counters) ids.set_count(kind, n);
}

std::shared_ptr<World> Worlds::get(const std::string& name) {
  std::string evicted;
  std::shared_ptr<World> world;
  {
    std::lock_guard lock(mutex_);
    if (auto it = worlds_.find(name); it != worlds_.end()) {
      it->second.last_used = ++uses_;
      return it->second.world;
    }
    if (worlds_.size() >= config_.max_namespaces) {
      evicted = evictable_locked();
      if (evicted.empty())
        throw ApiError("too_many_namespaces", {{"limit", std::to_string(config_.max_namespaces)}});
      worlds_.erase(evicted);
    }
    World::Listeners listeners;
    if (hooks_.finished)
      listeners.finished = [hook = hooks_.finished, name](const std::vector<FinishedGeneration>& done) { hook(name, done); };
    if (hooks_.deployments)
      listeners.deployments = [hook = hooks_.deployments, name](const std::vector<DeploymentChange>& changes) {
        hook(name, changes);
      };
    world = std::make_shared<World>(fixtures_, clock_, config_, errors_, name, std::move(listeners));
    worlds_.emplace(name, Entry{world, ++uses_});
  }
  if (!evicted.empty() && hooks_.removed) hooks_.removed(evicted);
  return world;
}

std::string Worlds::evictable_locked() {
  std::string oldest;
  uint64_t oldest_use = UINT64_MAX;
  for (const auto& [name, entry] : worlds_) {
    if (name.empty() || entry.world.use_count() > 1 || entry.last_used >= oldest_use) continue;
    if (hooks_.busy && hooks_.busy(name)) continue;
    oldest = name;
    oldest_use = entry.last_used;
  }
  return oldest;
}

bool Worlds::remove(const std::string& name) {
  if (name.empty()) return false;
  {
    std::lock_guard lock(mutex_);
    if (worlds_.erase(name) == 0) return false;
  }
  if (hooks_.removed) hooks_.removed(name);
  return true;
}

void Worlds::advance(int64_t now_ms) {
  std::vector<std::shared_ptr<World>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [_, entry] : worlds_) all.push_back(entry.world);
  }
  for (const auto& world : all) {
    world->registry.advance(now_ms);
    world->queue.advance(now_ms);
    world->fine_tunes.advance(now_ms);
  }
}

std::vector<std::string> Worlds::names() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, _] : worlds_) out.push_back(name);
  return out;
}

void Worlds::reset_all() {
  std::lock_guard lock(mutex_);
  for (auto& [_, entry] : worlds_) entry.world->reset();
}

}  // namespace oxen::mock
