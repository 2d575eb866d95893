// The models registry: filters, search, deployments on a manual clock, deletion, concurrency.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "core/api_error.hpp"
#include "registry/registry.hpp"
#include "world/fixtures.hpp"

using namespace oxen::mock;
using nlohmann::json;

namespace {

json models_fixture() {
  auto model = [](std::string id, std::string type, std::string developer, json deployments,
                  json fine_tuning = nullptr) {
    return json{{"id", id},
                {"object", "model"},
                {"created", 1},
                {"owned_by", type == "custom" ? "acme" : "oxen"},
                {"display_name", "Name of " + id},
                {"model_type", type},
                {"endpoint", "/chat/completions"},
                {"capabilities", {{"input", {"text"}}, {"output", {"text"}}}},
                {"pricing", {{"method", "token"}}},
                {"deployments", deployments},
                {"developer", {{"name", developer}, {"logo", nullptr}}},
                {"fine_tuning", fine_tuning}};
  };
  return {{"models",
           {model("gpt-4o", "base", "OpenAI", json::array(),
                  {{"actions", {"text_generation"}}, {"cost_per_second", 0.01}}),
            model("claude-sonnet-4-6", "base", "Anthropic", json::array()),
            model("oxen:acme/bot", "custom", "Acme", {{{"status", "inactive"}}}),
            model("oxen:acme/live", "custom", "Acme", {{{"status", "active"}}}),
            model("oxen:acme/doomed", "custom", "Acme", {{{"status", "inactive"}}})}}};
}

json deployments_fixture() {
  return {{"defaults", {{"activate_seconds", 10}, {"deactivate_seconds", 5}}},
          {"models", {{"oxen:acme/doomed", {{"activation", "fail"}}}}}};
}

std::vector<std::string> ids(const json& models) {
  std::vector<std::string> out;
  for (const auto& m : models) out.push_back(m["id"]);
  return out;
}

ModelFilter by_developer(std::string name) {
  ModelFilter f;
  f.developer_name = std::move(name);
  return f;
}

ModelFilter by_action(std::string action) {
  ModelFilter f;
  f.action = std::move(action);
  return f;
}

std::string status(const Registry& r, const std::string& id) { return *r.deployment_status(id); }

}  // namespace

TEST_CASE("listing and filtering") {
  Clock clock(Clock::Mode::manual, 0);
  Registry r(models_fixture(), deployments_fixture(), clock);

  CHECK(r.list().size() == 5);
  SUBCASE("developer_name is case-insensitive") {
    CHECK(ids(r.list(by_developer("openai"))) == std::vector<std::string>{"gpt-4o"});
    CHECK(ids(r.list(by_developer("ANTHROPIC"))) == std::vector<std::string>{"claude-sonnet-4-6"});
    CHECK(r.list(by_developer("nobody")).empty());
  }
  SUBCASE("action matches fine-tuning actions") {
    CHECK(ids(r.list(by_action("Text_Generation"))) == std::vector<std::string>{"gpt-4o"});
    CHECK(r.list(by_action("image_generation")).empty());
  }
  SUBCASE("provider_name matches the developer or the owner") {
    ModelFilter f;
    f.provider_name = "acme";
    CHECK(r.list(f).size() == 3);
  }
  SUBCASE("filters combine") {
    ModelFilter f = by_developer("acme");
    f.action = "text_generation";
    CHECK(r.list(f).empty());
  }
}

TEST_CASE("search is a case-insensitive substring of id or display name") {
  Clock clock(Clock::Mode::manual, 0);
  Registry r(models_fixture(), deployments_fixture(), clock);
  CHECK(ids(r.search("GPT")) == std::vector<std::string>{"gpt-4o"});
  CHECK(ids(r.search("name of claude")) == std::vector<std::string>{"claude-sonnet-4-6"});
  CHECK(r.search("acme/").size() == 3);
  CHECK(r.search("zzz").empty());
}

TEST_CASE("deployments follow the state machine on the clock") {
  Clock clock(Clock::Mode::manual, 1'000'000);
  Registry r(models_fixture(), deployments_fixture(), clock);

  SUBCASE("activate: inactive -> deploying -> active after the delay; repeats are idempotent") {
    CHECK(r.activate("oxen:acme/bot")["deployments"][0]["status"] == "deploying");
    clock.advance(9'999);
    CHECK(status(r, "oxen:acme/bot") == "deploying");
    CHECK(r.activate("oxen:acme/bot")["deployments"][0]["status"] == "deploying");
    clock.advance(1);
    CHECK(status(r, "oxen:acme/bot") == "active");
    CHECK(r.activate("oxen:acme/bot")["deployments"][0]["status"] == "active");
  }
  SUBCASE("deactivate: active -> deactivating -> inactive") {
    CHECK(r.deactivate("oxen:acme/live")["deployments"][0]["status"] == "deactivating");
    clock.advance(5'000);
    CHECK(status(r, "oxen:acme/live") == "inactive");
    CHECK(r.deactivate("oxen:acme/live")["deployments"][0]["status"] == "inactive");
  }
  SUBCASE("a model marked to fail goes deploying -> error, and can be retried") {
    r.activate("oxen:acme/doomed");
    clock.advance(10'000);
    CHECK(status(r, "oxen:acme/doomed") == "error");
    CHECK(r.activate("oxen:acme/doomed")["deployments"][0]["status"] == "deploying");
  }
  SUBCASE("deactivating while deploying cancels the pending activation") {
    r.activate("oxen:acme/bot");
    r.deactivate("oxen:acme/bot");
    clock.advance(60'000);
    CHECK(status(r, "oxen:acme/bot") == "inactive");
  }
  SUBCASE("base models have no deployment") {
    CHECK_THROWS_WITH_AS(r.activate("gpt-4o"), "base_model_not_deployable", ApiError);
    CHECK_THROWS_WITH_AS(r.deactivate("gpt-4o"), "base_model_not_deployable", ApiError);
    CHECK(status(r, "gpt-4o").empty());
  }
  SUBCASE("unknown ids") {
    CHECK_THROWS_WITH_AS(r.activate("nope"), "model_not_found", ApiError);
    CHECK_FALSE(r.deployment_status("nope"));
  }
}

TEST_CASE("deleting a custom model removes it until reset") {
  Clock clock(Clock::Mode::manual, 0);
  Registry r(models_fixture(), deployments_fixture(), clock);
  auto deleted = r.remove("oxen:acme/bot");
  CHECK(deleted["id"] == "oxen:acme/bot");
  CHECK_FALSE(r.find("oxen:acme/bot"));
  CHECK(r.list().size() == 4);
  CHECK_THROWS_WITH_AS(r.remove("oxen:acme/bot"), "model_not_found", ApiError);
  CHECK_THROWS_WITH_AS(r.remove("gpt-4o"), "base_model_not_deletable", ApiError);
  CHECK(r.find("gpt-4o"));  // a refused delete changes nothing
  r.reset();
  CHECK(r.find("oxen:acme/bot"));
  CHECK(r.list().size() == 5);
}

TEST_CASE("the registry is safe under concurrent actions") {
  Clock clock(Clock::Mode::manual, 0);
  Registry r(models_fixture(), deployments_fixture(), clock);
  const auto& machine = oxen::StateMachine::builtin("deployment");
  std::atomic<int> illegal{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        try {
          const std::string id = (i % 2) ? "oxen:acme/live" : "oxen:acme/doomed";
          json after = (i + t) % 3 == 0 ? r.activate(id) : r.deactivate(id);
          if (!machine.is_state(after["deployments"][0]["status"])) ++illegal;
          if (t == 0 && i % 50 == 0) clock.advance(3'000);
          r.list();
          r.find("gpt-4o");
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(illegal == 0);
  CHECK(failures == 0);
  CHECK(r.list().size() == 5);
}

TEST_CASE("the built-in fixtures load into a registry") {
  auto f = Fixtures::load();
  Clock clock;
  Registry r(f.models, f.deployments, clock);
  CHECK(r.size() >= 20);
  for (auto id : {"Qwen/Qwen-Image", "wan-2.2-t2v-fast", "oxen:acme/support-bot", "claude-sonnet-4-6"})
    CHECK_MESSAGE(r.find(id), id);
}
