// The one stream grader of the contract library, as the harness and the mock's self-check use it:
// a good stream passes, and each rule broken gives its own finding.
#include "frame_grader.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "api_document.hpp"
#include "schema_store.hpp"

using nlohmann::json;
using oxen::FrameGrader;
using oxen::StreamRules;

namespace {

// "frame part pointer rule" of each finding, joined by "; " (e.g. "2  /choices/0/delta/role
// role_first").
std::string grade(const std::string& stream, StreamRules rules = StreamRules::chat()) {
  std::string found;
  FrameGrader grader(oxen::SchemaStore::builtin(), std::move(rules),
                     [&](const oxen::StreamFinding& f) {
                       found += (found.empty() ? "" : "; ") + std::to_string(f.frame) + " " +
                                f.part + " " + f.violation.pointer + " " + f.violation.rule;
                     });
  grader.feed(stream);
  grader.finish();
  return found;
}

json choice(json delta, json finish = nullptr, int index = 0) {
  return {{"index", index}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}};
}

std::string frame(json choices, std::string id = "chatcmpl-1") {
  json c = {{"id", id},
            {"object", "chat.completion.chunk"},
            {"created", 1},
            {"model", "m"},
            {"choices", choices}};
  return "data: " + c.dump() + "\n\n";
}

std::string chunk(json delta, json finish = nullptr) {
  return frame({choice(std::move(delta), std::move(finish))});
}

std::string usage_chunk() {
  json c = {{"id", "chatcmpl-1"},
            {"object", "chat.completion.chunk"},
            {"created", 1},
            {"model", "m"},
            {"choices", json::array()},
            {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 2}, {"total_tokens", 3}}}};
  return "data: " + c.dump() + "\n\n";
}

const std::string kDone = "data: [DONE]\n\n";
const std::string kRole = chunk({{"role", "assistant"}, {"content", ""}});
const std::string kHi = chunk({{"content", "Hi"}});
const std::string kStop = chunk(json::object(), "stop");

json weather_tools() {
  return json::parse(R"([{"type": "function", "function": {"name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])");
}

std::string call(json tool_call, json finish = nullptr) {
  return chunk({{"role", "assistant"}, {"tool_calls", json::array({std::move(tool_call)})}},
               std::move(finish));
}

json first_call(std::string arguments = "{\"ci") {
  return {{"index", 0},
          {"id", "call_1"},
          {"type", "function"},
          {"function", {{"name", "get_weather"}, {"arguments", std::move(arguments)}}}};
}

json next_call(std::string arguments) {
  return {{"index", 0}, {"function", {{"arguments", std::move(arguments)}}}};
}

}  // namespace

TEST_CASE("a good chat stream passes") {
  SUBCASE("text, a keep-alive comment, the usage chunk and [DONE], in pieces of any size") {
    const std::string stream = ": keep-alive\n\n" + kRole + kHi + kStop + usage_chunk() + kDone;
    std::vector<std::string> found;
    FrameGrader grader(oxen::SchemaStore::builtin(), StreamRules::chat(),
                       [&](const oxen::StreamFinding& f) { found.push_back(f.violation.rule); });
    for (size_t at = 0; at < stream.size(); at += 7)
      grader.feed(std::string_view(stream).substr(at, 7));
    grader.finish();
    CHECK(found.empty());
    CHECK(grader.frames() == 5);
    CHECK(grader.content() == "Hi");
  }
  SUBCASE("tool calls whose arguments satisfy the tool's parameters") {
    StreamRules rules = StreamRules::chat(weather_tools());
    CHECK(
        grade(call(first_call()) + call(next_call("ty\": \"Paris\"}"), "tool_calls") + kDone, rules)
            .empty());
  }
  SUBCASE("two choices, each with its own finish_reason") {
    const std::string two =
        frame({choice({{"role", "assistant"}, {"content", "a"}}),
               choice({{"role", "assistant"}, {"content", "b"}}, nullptr, 1)}) +
        frame({choice(json::object(), "stop"), choice(json::object(), "length", 1)}) + kDone;
    CHECK(grade(two).empty());
  }
}

TEST_CASE("each broken rule of a chat stream gives its finding") {
  SUBCASE("framing") {
    CHECK(grade(kRole + kStop.substr(6) + kDone) == "0 after frame 0  framing; 0   finish_reason");
    CHECK(grade(kRole + kStop + kDone.substr(0, kDone.size() - 1)) == "0   framing; 0   done");
    CHECK(grade("not an event stream") ==
          "0   framing; 0   framing; 0   done");  // unterminated, no event
    CHECK(grade(kRole + "event: surprise\n" + kStop + kDone) == "2   event");
    CHECK(grade(kRole + "event: x\n\n" + kStop + kDone) == "2   framing");
  }
  SUBCASE("every frame is JSON valid against chat_chunk") {
    CHECK(grade(kRole + "data: {nope\n\n" + kStop + kDone) == "2   json");
    CHECK(grade(kRole + frame({choice({{"content", 7}})}) + kStop + kDone) ==
          "2  /choices/0/delta/content type");
  }
  SUBCASE("[DONE] last, and there") {
    CHECK(grade(kRole + kStop + kDone + kHi) == "4   done_last");
    CHECK(grade(kRole + kStop) == "0   done");
    CHECK(grade(kDone) == "0   chunks");
  }
  SUBCASE("one id, role first") {
    CHECK(grade(kRole + frame({choice(json::object(), "stop")}, "chatcmpl-2") + kDone) ==
          "2  /id chunk_id");
    CHECK(grade(kHi + kStop + kDone) == "1  /choices/0/delta/role role_first");
  }
  SUBCASE("one finish_reason per choice, nothing after it") {
    CHECK(grade(kRole + kHi + kDone) == "0   finish_reason");
    CHECK(grade(kRole + kStop + kHi + kDone) == "3  /choices/0 finish_reason");
    CHECK(grade(kRole + kStop + kStop + kDone) == "3  /choices/0 finish_reason");
    const std::string two =
        frame({choice({{"role", "assistant"}}), choice({{"role", "assistant"}}, nullptr, 1)}) +
        kStop + kDone;
    CHECK(grade(two) == "0   finish_reason");
    CHECK(grade(kRole + frame({choice({{"content", "b"}}, "stop", 1)}) + kStop + kDone) ==
          "2  /choices/0/delta/role role_first");
  }
  SUBCASE("the usage chunk comes after the finish, and carries usage") {
    CHECK(grade(kRole + usage_chunk() + kStop + kDone) ==
          "2  /usage usage_last; 3  /choices usage_last");
    std::string empty = usage_chunk();
    empty.replace(empty.find(",\"usage\""), empty.find("}}") + 1 - empty.find(",\"usage\""), "");
    CHECK(grade(kRole + kStop + empty + kDone) == "3  /choices empty_choices");
  }
  SUBCASE("tool-call deltas") {
    StreamRules rules = StreamRules::chat(weather_tools());
    auto two_deltas = [&](json second, const std::string& finish = "tool_calls") {
      return grade(call(first_call()) + call(std::move(second), finish) + kDone, rules);
    };
    CHECK(
        two_deltas(
            {{"index", 0}, {"id", "call_2"}, {"function", {{"arguments", "ty\": \"Paris\"}"}}}}) ==
        "2  /choices/0/delta/tool_calls/0/id tool_call_id");
    CHECK(
        two_deltas(
            {{"index", 0}, {"id", "call_1"}, {"function", {{"arguments", "ty\": \"Paris\"}"}}}}) ==
        "2  /choices/0/delta/tool_calls/0/id tool_call_id");
    CHECK(two_deltas(next_call("ty\": 7}")) ==
          "0 tool call 0 /function/arguments/city tool_arguments_schema");
    CHECK(two_deltas(next_call("ty\": ")) ==
          "0 tool call 0 /function/arguments tool_arguments_json");
    CHECK(two_deltas(next_call("ty\": \"Paris\"}"), "stop") == "0 tool call 0  finish_reason");
    CHECK(grade(call({{"index", 0}, {"function", {{"arguments", "{}"}}}}, "tool_calls") + kDone,
                rules) ==
          "1  /choices/0/delta/tool_calls/0/id tool_call_id; 1  "
          "/choices/0/delta/tool_calls/0/function/name tool_call_name; 0 tool call 0 "
          "/function/name tool_name");
  }
  SUBCASE("a frame budget") {
    StreamRules rules = StreamRules::chat(nullptr, 2);
    CHECK(grade(kRole + kHi + kStop + kDone, rules) == "0   budget");
  }
}

TEST_CASE("the frames an operation declares: named events against their schemas") {
  const auto& events = *oxen::ApiDocument::builtin().find("streamEvents");
  const StreamRules rules = StreamRules::of(events);
  const std::string done =
      R"({"generation_id": "g", "status": "succeeded", "media_type": "image", "model": "m", "url": "u"})";
  CHECK(grade(": keep-alive\n\nevent: media_generation_completed\ndata: " + done + "\n\n", rules)
            .empty());
  CHECK(grade("event: media_generation_completed\ndata: {\"status\": \"succeeded\"}\n\n", rules)
            .find("1  /generation_id required") != std::string::npos);
  CHECK(grade("event: surprise\ndata: {}\n\n", rules) == "1   event");
  CHECK(grade("data: {}\n\n", rules) == "1   event");
  SUBCASE("each frame's JSON is handed on after its schema check") {
    std::vector<std::string> seen;
    FrameGrader grader(
        oxen::SchemaStore::builtin(), rules,
        [&](const oxen::StreamFinding& f) { seen.push_back(f.violation.rule); },
        [&](size_t frame, const std::string& schema, const json& data) {
          seen.push_back(std::to_string(frame) + " " + schema + " " + data.value("status", ""));
        });
    grader.feed("event: media_generation_completed\ndata: {\"status\": \"failed\"}\n\n");
    REQUIRE(seen.size() >= 2);
    CHECK(std::find(seen.begin(), seen.end(), "required") != seen.end());
    CHECK(seen.back() == "1 event_media_generation_completed failed");
  }
}
