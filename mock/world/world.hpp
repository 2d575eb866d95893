#pragma once
// All the state a client can change, as one value. The default namespace has one World; each
// X-Mock-Namespace gets its own, built from the same fixtures, so parallel tests never meet.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../core/clock.hpp"
#include "../faults/faults.hpp"
#include "../queue/generation_queue.hpp"
#include "../registry/registry.hpp"
#include "fixtures.hpp"

namespace oxen::mock {

struct World {
  World(const Fixtures& fixtures, const Clock& clock, const Config& config);
  void reset();
  // The state a client can change, as JSON (schema admin_state), and back. Import is all or
  // nothing: a document that does not fit leaves the world as it was.
  nlohmann::json export_state() const;
  void import_state(const nlohmann::json& state);

  Registry registry;
  Faults faults;
  GenerationQueue queue;  // async generations (mock/queue)
};

// The worlds by namespace name ("" is the default one), created on first use.
class Worlds {
 public:
  Worlds(const Fixtures& fixtures, const Clock& clock, const Config& config)
      : fixtures_(fixtures), clock_(clock), config_(config) {}

  // Throws ApiError("too_many_namespaces") beyond the limit.
  World& get(const std::string& name = "");
  void reset_all();
  std::vector<std::string> names();

 private:
  const Fixtures& fixtures_;
  const Clock& clock_;
  const Config& config_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<World>> worlds_;
};

}  // namespace oxen::mock
