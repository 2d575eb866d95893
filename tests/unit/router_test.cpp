// The route table read from an OpenAPI document: literal segments, one-segment and greedy
// parameters, the most specific route first, 405 detection, and handlers bound by operationId.
#include <doctest/doctest.h>

#include <algorithm>

#include "app.hpp"
#include "http/router.hpp"

using namespace oxen;
using namespace oxen::mock;
using nlohmann::json;

namespace {

json op(const std::string& id) { return {{"operationId", id}, {"responses", json::object()}}; }

// Path keys sort as text, so the greedy "/api/ai/models/{id}" pattern may come before the
// literal ones it would swallow: matching must not depend on that order.
ApiDocument test_document() {
  json multi = {{"name", "id"}, {"in", "path"}, {"required", true}, {"x-oxen-multi-segment", true}};
  json legacy = op("listLegacy");
  legacy["x-oxen-alias-of"] = "listQueue";
  legacy["deprecated"] = true;
  json admin = op("adminHealth");
  admin["x-oxen-admin"] = true;
  admin["security"] = json::array({{{"adminToken", json::array()}}});
  return ApiDocument(json{
      {"openapi", "3.1.0"},
      {"security", json::array({{{"bearerAuth", json::array()}}})},
      {"paths",
       {{"/api/ai/models/search", {{"get", op("searchModels")}}},
        {"/api/ai/models/{id}", {{"parameters", {multi}}, {"get", op("getModel")}}},
        {"/api/ai/models/{id}/activate", {{"parameters", {multi}}, {"post", op("activateModel")}}},
        {"/api/ai/queue/{id}", {{"get", op("getQueued")}}},
        {"/api/ai/queue", {{"get", op("listQueue")}}},
        {"/api/queue", {{"get", legacy}}},
        {"/__admin/health", {{"get", admin}}}}}});
}

}  // namespace

TEST_CASE("route matching") {
  const ApiDocument doc = test_document();
  Router router(doc);
  auto nothing = [](Context&) { return Response{}; };
  for (const char* id : {"searchModels", "getModel", "activateModel", "getQueued", "listQueue", "adminHealth"})
    router.bind(id, nothing);

  SUBCASE("a literal route wins over a parameter that would take its segment") {
    auto m = router.match("GET", "/api/ai/models/search");
    REQUIRE(m.route);
    CHECK(m.route->operation->id == "searchModels");
  }
  SUBCASE("multi-segment parameters take ids with slashes") {
    auto m = router.match("GET", "/api/ai/models/Qwen/Qwen-Image");
    REQUIRE(m.route);
    CHECK(m.route->pattern == "/api/ai/models/{id+}");
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
  SUBCASE("a legacy alias is served by the handler of its operation") {
    auto m = router.match("GET", "/api/queue");
    REQUIRE(m.route);
    CHECK(m.route->operation->id == "listLegacy");
    CHECK(m.route->handler);
  }
  SUBCASE("the admin API is marked internal and needs no API key") {
    auto m = router.match("GET", "/__admin/health");
    REQUIRE(m.route);
    CHECK(m.route->internal);
    CHECK_FALSE(m.route->authenticated);
    CHECK(router.match("GET", "/api/ai/queue").route->authenticated);
  }
}

TEST_CASE("handlers are bound by operationId") {
  const ApiDocument doc = test_document();
  auto nothing = [](Context&) { return Response{}; };

  SUBCASE("an operation without a handler is listed") {
    Router router(doc);
    router.bind("getModel", nothing);
    auto missing = router.unbound();
    CHECK(std::find(missing.begin(), missing.end(), "getModel") == missing.end());
    CHECK(std::find(missing.begin(), missing.end(), "searchModels") != missing.end());
  }
  SUBCASE("a handler for an operation the document does not declare is refused") {
    Router router(doc);
    CHECK_THROWS_AS(router.bind("noSuchOperation", nothing), std::logic_error);
  }
  SUBCASE("binding an operation twice is refused") {
    Router router(doc);
    router.bind("getModel", nothing);
    CHECK_THROWS_AS(router.bind("getModel", nothing), std::logic_error);
  }
  SUBCASE("without the admin API its operations are not routes") {
    Router router(doc, /*admin=*/false);
    CHECK_FALSE(router.match("GET", "/__admin/health").route);
    CHECK_THROWS_AS(router.bind("adminHealth", nothing), std::logic_error);
  }
}

TEST_CASE("the mock has a handler for every operation of schemas/openapi.json, and no other") {
  // MockApp refuses to start when an operation has no handler, and bind() refuses a handler for
  // an operation the document does not declare.
  Config config;
  config.clock_mode = Clock::Mode::manual;
  std::unique_ptr<MockApp> app;
  REQUIRE_NOTHROW(app = std::make_unique<MockApp>(config, Fixtures::load()));
  CHECK(app->pipeline().router().unbound().empty());
  CHECK(app->pipeline().router().routes().size() == ApiDocument::builtin().operations().size());
}
