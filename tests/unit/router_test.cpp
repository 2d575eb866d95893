// The route table: literal segments, one-segment and greedy parameters, 405 detection.
#include <doctest/doctest.h>

#include "http/router.hpp"

using namespace oxen::mock;

TEST_CASE("route matching") {
  Router router;
  auto nothing = [](Context&) { return Response{}; };
  router.get("/api/ai/models/search", nothing);
  router.post("/api/ai/models/{id+}/activate", nothing);
  router.get("/api/ai/models/{id+}", nothing);
  router.get("/api/ai/queue/{id}", nothing);

  SUBCASE("literal routes win when registered first") {
    auto m = router.match("GET", "/api/ai/models/search");
    REQUIRE(m.route);
    CHECK(m.route->pattern == "/api/ai/models/search");
  }
  SUBCASE("greedy parameters take ids with slashes") {
    auto m = router.match("GET", "/api/ai/models/Qwen/Qwen-Image");
    REQUIRE(m.route);
    CHECK(m.params["id"] == "Qwen/Qwen-Image");
    auto a = router.match("POST", "/api/ai/models/oxen:acme/bot/activate");
    REQUIRE(a.route);
    CHECK(a.params["id"] == "oxen:acme/bot");
  }
  SUBCASE("single-segment parameters do not") {
    CHECK_FALSE(router.match("GET", "/api/ai/queue/a/b").route);
    CHECK(router.match("GET", "/api/ai/queue/abc").params["id"] == "abc");
  }
  SUBCASE("a known path with another method reports the allowed ones") {
    auto m = router.match("DELETE", "/api/ai/queue/abc");
    CHECK_FALSE(m.route);
    CHECK(m.allowed_methods == std::vector<std::string>{"GET"});
  }
  SUBCASE("HEAD is served by GET routes") { CHECK(router.match("HEAD", "/api/ai/models/x").route); }
  SUBCASE("unknown paths match nothing") {
    auto m = router.match("GET", "/api/nothing");
    CHECK_FALSE(m.route);
    CHECK(m.allowed_methods.empty());
  }
}
