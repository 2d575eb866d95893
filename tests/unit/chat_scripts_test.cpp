// Chat script matching (fixtures/chat_scripts.json format).
#include <doctest/doctest.h>

#include "chat/scripts.hpp"
#include "world/fixtures.hpp"

using namespace oxen::mock::chat;
using nlohmann::json;

namespace {

json request(json messages, json extra = json::object()) {
  json r = {{"model", "gpt-4o"}, {"messages", std::move(messages)}};
  r.update(extra);
  return r;
}

}  // namespace

TEST_CASE("chat scripts: the first rule whose conditions all hold") {
  ChatScripts scripts(json::parse(R"({"rules": [
    {"name": "exact", "when": {"last_user": {"exact": "Hi"}}, "then": {"content": "exact"}},
    {"name": "case", "when": {"last_user": {"contains": "weather", "ignore_case": true}, "tool": "get_weather"},
     "then": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo"}}]}},
    {"name": "regex", "when": {"last_user": {"regex": "^order #[0-9]+$"}}, "then": {"content": "regex"}},
    {"name": "model+system", "when": {"model": "claude-sonnet-4-6", "system": {"contains": "pirate"}}, "then": {"content": "Arr"}},
    {"name": "tool result", "when": {"tool_result": {"contains": "sunny"}}, "then": {"content": "Bring sunglasses."}},
    {"name": "second turn", "when": {"turn": 1}, "then": {"content": null}}
  ]})"));
  REQUIRE(scripts.size() == 6);
  auto match = [&](const json& r) -> std::string {
    const ScriptRule* rule = scripts.match(Transcript::of(r));
    return rule ? rule->name : "";
  };
  json user_hi = {{"role", "user"}, {"content", "Hi"}};

  CHECK(match(request({user_hi})) == "exact");
  CHECK(match(request({{{"role", "user"}, {"content", "hi"}}})) == "");
  SUBCASE("contains, case-insensitive, and only when the tool is offered") {
    json ask = {{"role", "user"}, {"content", "What is the WEATHER like?"}};
    CHECK(match(request({ask})) == "");
    json tools = {{"tools", {{{"type", "function"}, {"function", {{"name", "get_weather"}}}}}}};
    CHECK(match(request({ask}, tools)) == "case");
    const ScriptRule* rule = scripts.match(Transcript::of(request({ask}, tools)));
    REQUIRE(rule->tool_calls.size() == 1);
    CHECK(rule->tool_calls[0].arguments == json{{"city", "Oslo"}});
  }
  SUBCASE("regex searches the last user message; text parts count") {
    CHECK(match(request({{{"role", "user"}, {"content", "order #123"}}})) == "regex");
    CHECK(match(request({{{"role", "user"}, {"content", {{{"type", "text"}, {"text", "order #9"}}}}}})) == "regex");
    CHECK(match(request({{{"role", "user"}, {"content", "my order #123"}}})) == "");
  }
  SUBCASE("model and system") {
    json messages = {{{"role", "system"}, {"content", "Talk like a pirate."}}, {{"role", "user"}, {"content", "Hello"}}};
    CHECK(match(request(messages)) == "");
    CHECK(match(request(messages, {{"model", "claude-sonnet-4-6"}})) == "model+system");
  }
  SUBCASE("tool results and turn index") {
    json messages = {{{"role", "user"}, {"content", "Weather?"}},
                     {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {{{"id", "c1"}, {"type", "function"}, {"function", {{"name", "w"}, {"arguments", "{}"}}}}}}},
                     {{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "sunny, 21 C"}}};
    CHECK(match(request(messages)) == "tool result");
    messages[2]["content"] = "rain";
    CHECK(match(request(messages)) == "second turn");
    const ScriptRule* rule = scripts.match(Transcript::of(request(messages)));
    CHECK(rule->has_content);
    CHECK_FALSE(rule->content.has_value());
  }
}

TEST_CASE("chat scripts: a bad regex names the rule") {
  CHECK_THROWS_AS(ChatScripts(json::parse(R"({"rules": [{"when": {"last_user": {"regex": "("}}, "then": {"content": "x"}}]})")),
                  oxen::mock::FixtureError);
}

TEST_CASE("the built-in chat scripts load and answer the documented examples") {
  auto fixtures = oxen::mock::Fixtures::load();
  ChatScripts scripts(fixtures.chat_scripts);
  const ScriptRule* rule = scripts.match(Transcript::of(request({{{"role", "user"}, {"content", "What is a great name for an ox?"}}})));
  REQUIRE(rule);
  CHECK(rule->content == "How about \"Beauregard\"?");
}
