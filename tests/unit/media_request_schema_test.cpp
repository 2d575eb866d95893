// Registry-driven validation: a model's own request_schema judges the parameters of a media
// request, compiled once per model.
#include <doctest/doctest.h>

#include "media/media_api.hpp"
#include "world/fixtures.hpp"

using namespace oxen::mock;
using nlohmann::json;

namespace {

json model(const Fixtures& f, const std::string& id) {
  for (const auto& m : f.models["models"])
    if (m["id"] == id) return m;
  FAIL("no model " << id);
  return {};
}

}  // namespace

TEST_CASE("a model's request_schema judges the request's parameters") {
  auto fixtures = Fixtures::load();
  Config config;
  config.clock_mode = Clock::Mode::manual;
  Clock clock(Clock::Mode::manual, 0);
  auto services = std::make_shared<MediaServices>(config, clock, fixtures);
  auto flux = model(fixtures, "flux-2-dev");

  SUBCASE("valid parameters pass") {
    CHECK(model_violations(*services, flux, {{"prompt", "a fox"}, {"aspect_ratio", "16:9"}, {"num_inference_steps", 30}}).empty());
  }
  SUBCASE("enum, range and type failures name the field by JSON pointer") {
    auto v = model_violations(*services, flux, {{"prompt", "x"}, {"aspect_ratio", "5:1"}});
    REQUIRE(!v.empty());
    CHECK(v[0].pointer == "/aspect_ratio");
    CHECK(v[0].rule == "enum");
    v = model_violations(*services, flux, {{"prompt", "x"}, {"num_inference_steps", 51}});
    REQUIRE(!v.empty());
    CHECK(v[0].pointer == "/num_inference_steps");
    CHECK(v[0].rule == "maximum");
    v = model_violations(*services, flux, {{"prompt", 3}});
    REQUIRE(!v.empty());
    CHECK(v[0].pointer == "/prompt");
    CHECK(v[0].rule == "type");
  }
  SUBCASE("required fields") {
    auto topaz = model(fixtures, "topazlabs-upscale-starlight-2-5-video");
    auto v = model_violations(*services, topaz, {{"resolution", "4k"}});
    REQUIRE(!v.empty());
    CHECK(v[0].pointer == "/input_video");
    CHECK(v[0].rule == "required");
  }
  SUBCASE("the endpoint's own fields are not judged by the model") {
    auto params = model_params({{"model", "flux-2-dev"}, {"prompt", "x"}, {"response_format", "url"}}, {"model", "response_format"});
    CHECK(params == json{{"prompt", "x"}});
  }
  SUBCASE("compiled once per model; models without a schema judge nothing") {
    CHECK(services->request_schema(flux) == services->request_schema(flux));
    CHECK(services->request_schema(model(fixtures, "gpt-4o")) == nullptr);
    CHECK(model_violations(*services, model(fixtures, "gpt-4o"), {{"anything", 1}}).empty());
  }
  SUBCASE("model_outputs reads capabilities.output") {
    CHECK(model_outputs(flux, "image"));
    CHECK_FALSE(model_outputs(flux, "video"));
    CHECK(model_outputs(model(fixtures, "kling-video-o3-omni"), "video"));
  }
}
