// The pipeline's stream wrapper: frames counted as they reach the connection, checked against
// the operation's declared frame schemas and stream rules, and the end told apart.
#include <doctest/doctest.h>

#include "http/observed_stream.hpp"

using namespace oxen::mock;

namespace {

struct FakeSink : StreamSink {
  std::string sent;
  bool open = true, stop = false;
  bool write(std::string_view bytes) override {
    if (!open) return false;
    sent += bytes;
    return true;
  }
  bool alive() const override { return open && !stop; }
  bool stopping() const override { return stop; }
  void abort() override { open = false; }
};

}  // namespace

TEST_CASE("frames are checked against the operation's frame schemas") {
  const auto& chat = *oxen::ApiDocument::builtin().find("createChatCompletion");
  FakeSink sink;
  ObservedStream observed(sink, chat, &oxen::SchemaStore::builtin());
  CHECK(observed.write(": keep-alive\n\n"));
  CHECK(observed.write("data: {\"object\": \"chat.completion.chunk\"}\n\n"));
  CHECK(observed.write("data: {not json\n\n"));
  CHECK(observed.write("data: [DONE]\n\n"));
  const auto& outcome = observed.finish();
  CHECK(outcome.frames == 4);
  CHECK(outcome.ended_by == "done");
  REQUIRE(!observed.findings().empty());
  CHECK(observed.findings().front().pointer.rfind("/frames/0", 0) == 0);
  CHECK(observed.findings().back().pointer == "/frames/1");
  CHECK(observed.findings().back().rule == "json");
  CHECK(sink.sent.find("[DONE]") != std::string::npos);
}

TEST_CASE("how a stream ended: done, fault, client gone, shutdown") {
  const auto& events = *oxen::ApiDocument::builtin().find("streamEvents");
  {
    FakeSink sink;
    ObservedStream observed(sink, events, nullptr);
    observed.abort();
    CHECK(observed.finish().ended_by == "fault");
  }
  {
    FakeSink sink;
    ObservedStream observed(sink, events, nullptr);
    sink.open = false;
    CHECK_FALSE(observed.write("data: {}\n\n"));
    CHECK(observed.finish().ended_by == "client_gone");
    CHECK(observed.finish().frames == 0);
  }
  {
    FakeSink sink;
    ObservedStream observed(sink, events, &oxen::SchemaStore::builtin());
    sink.stop = true;
    CHECK(observed.finish().ended_by == "shutdown");
    // An event the operation does not declare is a finding.
    FakeSink other;
    ObservedStream checked(other, events, &oxen::SchemaStore::builtin());
    checked.write("event: surprise\ndata: {}\n\n");
    REQUIRE(checked.findings().size() == 1);
    CHECK(checked.findings()[0].rule == "event");
  }
}

TEST_CASE("a chat stream is held to the harness's rules; only a finished one to its end") {
  const auto& chat = *oxen::ApiDocument::builtin().find("createChatCompletion");
  const std::string no_role =
      R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})"
      "\n\n";
  auto rules_of = [](const ObservedStream& observed) {
    std::string rules;
    for (const auto& v : observed.findings())
      rules += (rules.empty() ? "" : " ") + v.pointer + " " + v.rule;
    return rules;
  };
  {
    FakeSink sink;
    ObservedStream observed(sink, chat, &oxen::SchemaStore::builtin());
    observed.write(no_role);
    observed.finish();
    CHECK(rules_of(observed) == "/frames/0/choices/0/delta/role role_first  done  finish_reason");
  }
  {
    FakeSink sink;
    ObservedStream observed(sink, chat, &oxen::SchemaStore::builtin());
    observed.write(no_role);
    sink.open = false;  // the client went away: no [DONE] or finish_reason is owed
    CHECK(observed.finish().ended_by == "client_gone");
    CHECK(rules_of(observed) == "/frames/0/choices/0/delta/role role_first");
  }
  {
    // Streamed tool-call arguments must satisfy the request's tool.
    auto tools = nlohmann::json::parse(R"([{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "required": ["city"]}}}])");
    FakeSink sink;
    ObservedStream observed(sink, chat, &oxen::SchemaStore::builtin(), nlohmann::json{{"tools", tools}});
    observed.write(
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})"
        "\n\ndata: [DONE]\n\n");
    observed.finish();
    REQUIRE(observed.findings().size() == 1);
    CHECK(observed.findings()[0].rule == "tool_arguments_schema");
    CHECK(observed.findings()[0].message.rfind("tool call 0: ", 0) == 0);
  }
}
