// Chat completions without HTTP: token counting, generated text, limits, stream framing.
#include <doctest/doctest.h>

#include "chat/completion.hpp"
#include "chat/stream.hpp"
#include "contract_checks.hpp"
#include "sse_reader.hpp"

using namespace oxen::mock::chat;
using nlohmann::json;

TEST_CASE("token counting") {
  SUBCASE("words, punctuation and their leading whitespace are tokens") {
    auto tokens = tokenize("What is a great name for an ox?");
    REQUIRE(tokens.size() == 9);
    CHECK(tokens[0] == "What");
    CHECK(tokens[1] == " is");
    CHECK(tokens[8] == "?");
  }
  SUBCASE("long runs split every 8 characters; UTF-8 sequences stay whole") {
    CHECK(count_tokens("Beauregard") == 2);
    CHECK(count_tokens("\xC3\xA9t\xC3\xA9") == 3);  // é t é
    CHECK(count_tokens("") == 0);
    CHECK(count_tokens("   ") == 1);
    CHECK(count_tokens("end.  ") == 3);
  }
  SUBCASE("the tokens concatenate back to the text") {
    for (std::string text : {"Hello, world!", "  lead and trail  ", "a\nb\tc", "{\"city\":\"Paris\"}",
                             "x1234567890abcdefg", "\xE2\x82\xAC 5"}) {
      std::string joined;
      for (auto t : tokenize(text)) joined += t;
      CHECK(joined == text);
    }
  }
  SUBCASE("first_tokens cuts on token boundaries") {
    CHECK(first_tokens("The capital of France is Paris.", 3) == "The capital of");
    CHECK(first_tokens("short", 10) == "short");
    CHECK(first_tokens("a b", 0).empty());
  }
  SUBCASE("prompt tokens: 1 + per message 1 + its tokens (+ part and tool costs)") {
    json request = {{"messages", {{{"role", "user"}, {"content", "What is a great name for an ox?"}}}}};
    CHECK(count_prompt_tokens(request) == 11);
    request["messages"].push_back({{"role", "user"}, {"content", {{{"type", "text"}, {"text", "Look"}},
                                                                  {{"type", "image_url"}, {"image_url", {{"url", "https://x/y.png"}}}}}}});
    CHECK(count_prompt_tokens(request) == 11 + 1 + 1 + 85);
  }
}

TEST_CASE("generated text is deterministic prose near the asked length") {
  CHECK(generate_text(42, 40) == generate_text(42, 40));
  CHECK(generate_text(42, 40) != generate_text(43, 40));
  for (uint64_t seed = 0; seed < 50; ++seed) {
    auto text = generate_text(seed, 40);
    CHECK(count_tokens(text) >= 20);
    CHECK(count_tokens(text) <= 60 + 30);  // whole sentences: may overshoot by one sentence
    CHECK(text.back() == '.');
    CHECK(std::isupper(static_cast<unsigned char>(text.front())));
  }
}

TEST_CASE("limits: stop sequences and max_tokens") {
  Completion c;
  c.content = "One two three. Four five six.";
  SUBCASE("max_tokens truncates to exactly N tokens with finish_reason length") {
    apply_limits(c, {}, 4);
    CHECK(*c.content == "One two three.");
    CHECK(count_tokens(*c.content) == 4);
    CHECK(c.finish_reason == "length");
  }
  SUBCASE("a max_tokens the answer fits in changes nothing") {
    apply_limits(c, {}, 100);
    CHECK(c.finish_reason == "stop");
    CHECK(*c.content == "One two three. Four five six.");
  }
  SUBCASE("the content ends before the first stop sequence") {
    apply_limits(c, {"five", "two"}, std::nullopt);
    CHECK(*c.content == "One ");
    CHECK(c.finish_reason == "stop");
  }
}

TEST_CASE("stream framing") {
  json head = {{"id", "chatcmpl-00000000-0000-4000-8000-000000000000"}, {"created", 1775000000}, {"model", "gpt-4o"}};
  const auto& store = oxen::SchemaStore::builtin();

  SUBCASE("text: role first, one delta per token, finish, usage, [DONE]") {
    Completion c;
    c.content = "Hello there, ox.";
    c.prompt_tokens = 5;
    c.completion_tokens = static_cast<int>(count_tokens(*c.content));
    auto frames = stream_frames(head, c, true, {});
    std::string all;
    for (const auto& f : frames) all += f.bytes;
    auto events = oxen::parse_sse(all);
    REQUIRE(events.size() == 1 + 5 + 1 + 1 + 1);
    CHECK(events.back().data == "[DONE]");
    std::string text;
    for (size_t i = 0; i + 1 < events.size(); ++i) {
      auto chunk = json::parse(events[i].data);
      CHECK(store.validate("chat_chunk", chunk).empty());
      CHECK(chunk["id"] == head["id"]);
      if (i + 2 < events.size()) {
        CHECK(chunk["usage"].is_null());
        text += chunk["choices"][0]["delta"].value("content", "");
      }
    }
    CHECK(json::parse(events[0].data)["choices"][0]["delta"]["role"] == "assistant");
    auto finish = json::parse(events[6].data);
    CHECK(finish["choices"][0]["finish_reason"] == "stop");
    auto usage = json::parse(events[7].data);
    CHECK(usage["choices"].empty());
    CHECK(usage["usage"]["total_tokens"] == 5 + c.completion_tokens);
    CHECK(text == *c.content);
  }

  SUBCASE("tool calls: a head delta per call, then argument fragments") {
    Completion c;
    c.finish_reason = "tool_calls";
    c.tool_calls = {{"call_a", "get_weather", "{\"city\":\"Paris\"}"}, {"call_b", "get_time", "{}"}};
    auto frames = stream_frames(head, c, false, {});
    std::string all;
    for (const auto& f : frames) all += f.bytes;
    auto events = oxen::parse_sse(all);
    std::map<int, std::string> args;
    std::map<int, std::string> names;
    for (size_t i = 0; i + 1 < events.size(); ++i) {
      auto chunk = json::parse(events[i].data);
      CHECK(store.validate("chat_chunk", chunk).empty());
      CHECK_FALSE(chunk.contains("usage"));
      const auto& delta = chunk["choices"][0]["delta"];
      if (!delta.contains("tool_calls")) continue;
      const auto& call = delta["tool_calls"][0];
      int index = call["index"];
      if (call.contains("id")) {
        CHECK(call["type"] == "function");
        CHECK(call["function"]["arguments"] == "");
        names[index] = call["function"]["name"];
      } else {
        CHECK(call.size() == 2);  // index and function
        CHECK(call["function"].size() == 1);
      }
      args[index] += call["function"]["arguments"].get<std::string>();
    }
    CHECK(names[0] == "get_weather");
    CHECK(names[1] == "get_time");
    CHECK(args[0] == "{\"city\":\"Paris\"}");
    CHECK(args[1] == "{}");
    CHECK(json::parse(events[events.size() - 2].data)["choices"][0]["finish_reason"] == "tool_calls");
  }

  SUBCASE("pacing: first token after first_token_ms, then 1000 / tokens_per_second apart") {
    Completion c;
    c.content = "a b c";
    auto frames = stream_frames(head, c, false, {500, 10});
    REQUIRE(frames.size() == 1 + 3 + 1 + 1);
    CHECK(frames[0].due_ms == 500);
    CHECK(frames[1].due_ms == 500);
    CHECK(frames[2].due_ms == 600);
    CHECK(frames[3].due_ms == 700);
    CHECK(frames.back().due_ms == 700);
  }
}
