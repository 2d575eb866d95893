// The worlds by namespace: created on first use, removed whole, and at the limit the least
// recently used idle one evicted, never one in use and never the default one.
#include <doctest/doctest.h>

#include "core/api_error.hpp"
#include "world/world.hpp"

using namespace oxen::mock;

TEST_CASE("namespaces at the limit: idle ones are evicted, held ones never") {
  const Fixtures fixtures = Fixtures::load();
  Clock clock(Clock::Mode::manual, 0);
  Config config;
  config.max_namespaces = 2;
  const ErrorCatalog errors(fixtures.errors);
  Worlds worlds(fixtures, clock, config, errors);
  std::vector<std::string> removed;
  Worlds::Hooks hooks;
  hooks.removed = [&](const std::string& ns) { removed.push_back(ns); };
  worlds.set_hooks(hooks);

  auto default_world = worlds.get("");
  auto a = worlds.get("a");
  // Both held by a request: nothing can make room.
  try {
    worlds.get("b");
    FAIL("a third namespace was made beyond the limit");
  } catch (const ApiError& e) {
    CHECK(e.kind() == "too_many_namespaces");
  }
  a.reset();
  default_world.reset();
  auto b = worlds.get("b");  // a was idle; the default namespace is never evicted
  CHECK(removed == std::vector<std::string>{"a"});
  CHECK(worlds.names() == std::vector<std::string>{"", "b"});

  CHECK_FALSE(worlds.remove(""));
  CHECK_FALSE(worlds.remove("nope"));
  CHECK(worlds.remove("b"));
  CHECK(removed == std::vector<std::string>{"a", "b"});
  // Removed while held: the holder keeps a working world until it lets go.
  CHECK(b->registry.size() > 0);
  CHECK(worlds.get("b") != b);
}

TEST_CASE("ids depend on seed, namespace and count only") {
  Ids a(7, ""), again(7, ""), other_ns(7, "x"), other_seed(8, "");
  const auto first = a.next("generation");
  CHECK(again.next("generation") == first);
  CHECK(other_ns.next("generation") != first);
  CHECK(other_seed.next("generation") != first);
  CHECK(a.next("generation") != first);
  CHECK(a.count("generation") == 2);
  CHECK(a.next("chatcmpl") == again.next("chatcmpl"));  // kinds count apart
  a.reset();
  CHECK(a.next("generation") == first);
}
