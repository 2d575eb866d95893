// What a generation costs, from its model's pricing (docs/media.md, "Generation history").
#include <doctest/doctest.h>

#include "queue/generation_cost.hpp"

using nlohmann::json;
using oxen::mock::format_cost;
using oxen::mock::generation_cost_micros;

TEST_CASE("generation cost by pricing method") {
  SUBCASE("per_image: the fixed amount per image") {
    json model = {{"pricing", {{"method", "per_image"}, {"cost_per_image", 0.025}}}};
    CHECK(generation_cost_micros(model, json::object(), 9999) == 25000);
  }
  SUBCASE("per_video_output_second: the rate times the requested duration") {
    json model = {{"pricing", {{"method", "per_video_output_second"}, {"cost_per_second", 0.07}}},
                  {"request_schema", {{"properties", {{"duration", {{"default", 5}}}}}}}};
    CHECK(generation_cost_micros(model, {{"duration", 10}}, 0) == 700000);
    CHECK(generation_cost_micros(model, {{"duration", "10"}}, 0) == 700000);
    CHECK(generation_cost_micros(model, json::object(), 0) == 350000);  // the schema's default
    CHECK(generation_cost_micros(model, {{"multi_prompt", {{{"duration", 3}}, {{"duration", 4}}}}}, 0) == 490000);
  }
  SUBCASE("per_video_output_second: a resolution priced apart") {
    json model = {{"pricing",
                   {{"method", "per_video_output_second"},
                    {"cost_per_second", 0.1},
                    {"cost_per_second_by_resolution", {{"480p", 0.05}}}}}};
    CHECK(generation_cost_micros(model, {{"duration", 2}, {"resolution", "480p"}}, 0) == 100000);
    CHECK(generation_cost_micros(model, {{"duration", 2}, {"resolution", "1080p"}}, 0) == 200000);
  }
  SUBCASE("time: the rate times the processing time") {
    json model = {{"pricing", {{"method", "time"}, {"cost_per_second", 0.002}}}};
    CHECK(generation_cost_micros(model, json::object(), 2500) == 5000);
  }
  SUBCASE("unpriced: token pricing, no amount, no pricing") {
    CHECK_FALSE(generation_cost_micros({{"pricing", {{"method", "token"}, {"input_cost_per_token", 1e-6}}}}, json::object(), 1000));
    CHECK_FALSE(generation_cost_micros({{"pricing", {{"method", "per_image"}, {"cost_per_image", nullptr}}}}, json::object(), 0));
    CHECK_FALSE(generation_cost_micros(json::object(), json::object(), 0));
  }
}

TEST_CASE("costs are decimal strings in dollars without trailing zeros") {
  CHECK(format_cost(25000) == "0.025");
  CHECK(format_cost(10000) == "0.01");
  CHECK(format_cost(2500000) == "2.5");
  CHECK(format_cost(3000000) == "3");
  CHECK(format_cost(0) == "0");
  CHECK(format_cost(1) == "0.000001");
}
