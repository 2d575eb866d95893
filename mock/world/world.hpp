#pragma once
// All the state a client can change, as one value. The default namespace has one World; each
// X-Mock-Namespace gets its own, built from the same fixtures, so parallel tests never meet.
// Everything a namespace owns lives here and is created, reset, exported, imported and removed
// together: registry and deployments, queue, fine-tunes, faults and ids. Its completion events and journal
// entries are keyed by its name and go with it (see Worlds::Hooks).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../core/api_error.hpp"
#include "../core/clock.hpp"
#include "../faults/faults.hpp"
#include "../finetune/evaluation_store.hpp"
#include "../finetune/fine_tune_store.hpp"
#include "../queue/generation_queue.hpp"
#include "../record/recordings.hpp"
#include "../registry/registry.hpp"
#include "fixtures.hpp"
#include "ids.hpp"

namespace oxen::mock {

struct World {
  // Who hears the world's events (the event hub), from the moment the world exists: imported
  // jobs publish their events without any queue call first.
  struct Listeners {
    GenerationQueue::Listener finished;     // finished generations
    Registry::ChangeListener deployments;  // deployment status changes
  };
  // A job starts only while its model is active; otherwise it fails with the text of the error
  // (`errors`) that the sync endpoints answer.
  World(const Fixtures& fixtures, const Clock& clock, const Config& config, const ErrorCatalog& errors,
        const std::string& name, Listeners listeners = {});
  void reset();
  // The state a client can change, as JSON (schema admin_state), and back. Import is all or
  // nothing: a document that does not fit leaves the world as it was.
  nlohmann::json export_state() const;
  void import_state(const nlohmann::json& state);

  const std::string name;  // "" for the default namespace
  Registry registry;
  Faults faults;
  GenerationQueue queue;  // async generations (mock/queue)
  FineTuneStore fine_tunes;  // fine-tune jobs (mock/finetune)
  EvaluationStore evaluations;  // batch inference over the hub's data files (mock/finetune)
  Ids ids;
  ReplayPositions replay;  // --record: how far each recorded request has been replayed
};

// The worlds by namespace name ("" is the default one), created on first use. At the limit of
// `--max-namespaces` the least recently used idle namespace is evicted to make room; the
// default one never is.
class Worlds {
 public:
  struct Hooks {
    // Gets the finished generations of namespace `ns`.
    std::function<void(const std::string& ns, const std::vector<FinishedGeneration>&)> finished;
    // Gets the deployment status changes of namespace `ns`.
    std::function<void(const std::string& ns, const std::vector<DeploymentChange>&)> deployments;
    // A namespace was removed or evicted: drop what is kept elsewhere under its name.
    std::function<void(const std::string& ns)> removed;
    // Whether something outside a request holds on to the namespace (an open event stream), so
    // it must not be evicted.
    std::function<bool(const std::string& ns)> busy;
  };

  Worlds(const Fixtures& fixtures, const Clock& clock, const Config& config, const ErrorCatalog& errors)
      : fixtures_(fixtures), clock_(clock), config_(config), errors_(errors) {}
  // Set once, before the first world is made.
  void set_hooks(Hooks hooks) { hooks_ = std::move(hooks); }

  // The world stays alive while the caller holds it, even if it is removed meanwhile. Throws
  // ApiError("too_many_namespaces") when the limit is reached and no namespace is idle.
  std::shared_ptr<World> get(const std::string& name = "");
  // Removes a namespace (not the default one); false when there is none by that name.
  bool remove(const std::string& name);
  void reset_all();
  // Runs every namespace's deployments, queue and fine-tunes up to `now_ms` (the clock's tick).
  void advance(int64_t now_ms);
  std::vector<std::string> names();

 private:
  struct Entry {
    std::shared_ptr<World> world;
    uint64_t last_used = 0;
  };
  // The least recently used namespace nobody holds, or "" when there is none.
  std::string evictable_locked();

  const Fixtures& fixtures_;
  const Clock& clock_;
  const Config& config_;
  const ErrorCatalog& errors_;
  Hooks hooks_;
  std::mutex mutex_;
  std::map<std::string, Entry> worlds_;
  uint64_t uses_ = 0;
};

}  // namespace oxen::mock
