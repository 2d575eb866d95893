// The bounded cache behind rendered images and compiled client schemas.
#include <doctest/doctest.h>

#include <stdexcept>

#include "core/lru_cache.hpp"

using oxen::mock::LruCache;

TEST_CASE("made once per key, least recently used out first, bounded by count and weight") {
  int made = 0;
  auto make = [&](std::string v) {
    return [&made, v] {
      ++made;
      return v;
    };
  };
  LruCache<std::string> cache(2, 10, [](const std::string& v) { return v.size(); });
  CHECK(*cache.get("a", make("aaaa")) == "aaaa");
  CHECK(*cache.get("a", make("other")) == "aaaa");
  CHECK(made == 1);
  cache.get("b", make("bbbb"));
  cache.get("a", make("x"));  // a is now the most recent
  cache.get("c", make("cc"));  // over the count: b goes
  CHECK(cache.size() == 2);
  made = 0;
  cache.get("a", make("x"));
  CHECK(made == 0);
  cache.get("b", make("bbbb"));
  CHECK(made == 1);
  // Over the weight: heavy entries push the others out; one heavier than the budget is not kept.
  auto huge = cache.get("h", make(std::string(11, 'h')));
  CHECK(huge->size() == 11);
  made = 0;
  cache.get("h", make(std::string(11, 'h')));
  CHECK(made == 1);
}

TEST_CASE("a value that cannot be made is not cached") {
  LruCache<int> cache(4);
  CHECK_THROWS_AS(cache.get("k", []() -> int { throw std::invalid_argument("no"); }), std::invalid_argument);
  CHECK(cache.size() == 0);
  CHECK(*cache.get("k", [] { return 7; }) == 7);
}
