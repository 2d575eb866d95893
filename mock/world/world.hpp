#pragma once
// All the state a client can change, as one value. The default namespace has one World; each
// X-Mock-Namespace gets its own, built from the same fixtures, so parallel tests never meet.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "../core/clock.hpp"
#include "../registry/registry.hpp"
#include "fixtures.hpp"

namespace oxen::mock {

struct World {
  World(const Fixtures& fixtures, const Clock& clock);
  void reset();

  Registry registry;
};

// The worlds by namespace name ("" is the default one), created on first use.
class Worlds {
 public:
  Worlds(const Fixtures& fixtures, const Clock& clock, size_t max_namespaces = 256)
      : fixtures_(fixtures), clock_(clock), max_namespaces_(max_namespaces) {}

  // Throws ApiError("too_many_namespaces") beyond the limit.
  World& get(const std::string& name = "");
  void reset_all();

 private:
  const Fixtures& fixtures_;
  const Clock& clock_;
  size_t max_namespaces_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<World>> worlds_;
};

}  // namespace oxen::mock
