// Chat completions over real HTTP on 127.0.0.1:0: answers, errors, streams, tool calls and
// structured output; every response and every stream chunk validated against its schema.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "chat/completion.hpp"
#include "contract_checks.hpp"
#include "sse_reader.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

constexpr const char* kChat = "/api/ai/chat/completions";

const json kWeatherTool = json::parse(R"({"type": "function", "function": {
  "name": "get_weather", "description": "Get current weather for a city",
  "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}},
                 "required": ["city"]}}})");
const json kTimeTool = json::parse(R"({"type": "function", "function": {
  "name": "get_local_time", "description": "Current time in a timezone",
  "parameters": {"type": "object", "additionalProperties": false, "required": ["timezone", "format"],
    "properties": {"timezone": {"type": "string", "minLength": 3},
                   "format": {"enum": ["12h", "24h"]},
                   "offset_minutes": {"type": "integer", "minimum": -720, "maximum": 840, "multipleOf": 15},
                   "when": {"type": "string", "format": "date-time"},
                   "extras": {"type": "array", "maxItems": 2, "items": {"type": "object",
                      "required": ["key"], "properties": {"key": {"type": "string"}, "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}}}}}}}})");

json user(const std::string& text) { return {{"role", "user"}, {"content", text}}; }

json chat_body(const std::string& model, const std::string& text) {
  return {{"model", model}, {"messages", json::array({user(text)})}};
}

// A POST of `body` to the chat endpoint, for tests that read the stream as it arrives.
httplib::Request chat_request(const json& body) {
  httplib::Request req;
  req.method = "POST";
  req.path = kChat;
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  return req;
}

httplib::Result post(httplib::Client& c, const json& body, const std::string& path = kChat) {
  return c.Post(path.c_str(), body.dump(), "application/json");
}

json chat_ok(httplib::Client& c, const json& body, const std::string& path = kChat) {
  auto res = post(c, body, path);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  json j = parse_json(res->body);
  CHECK_SCHEMA("chat_response", j);
  const auto& u = j["usage"];
  CHECK(u["total_tokens"] == u["prompt_tokens"].get<int>() + u["completion_tokens"].get<int>());
  return j;
}

json chat_error(httplib::Client& c, const json& body, int status) {
  auto res = post(c, body);
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  json j = parse_json(res->body);
  CHECK_SCHEMA(j.contains("status") ? "error_oxen" : "error_openai", j);
  return j;
}

std::string detail_of(const json& error) { return error["error"].value("detail", ""); }

struct Streamed {
  std::vector<json> chunks;  // every data frame but [DONE], each validated
  bool done = false;         // ended with data: [DONE]
  std::string content;       // concatenated content deltas
  std::map<int, json> calls;  // tool calls assembled from their deltas
  std::string finish_reason;
  json usage;
};

Streamed assemble(const std::string& bytes) {
  Streamed s;
  auto events = oxen::parse_sse(bytes);
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].data == "[DONE]") {
      CHECK(i + 1 == events.size());
      s.done = true;
      continue;
    }
    json chunk = parse_json(events[i].data);
    CHECK_SCHEMA("chat_chunk", chunk);
    if (!s.chunks.empty()) {
      CHECK(chunk["id"] == s.chunks[0]["id"]);
      CHECK(chunk["created"] == s.chunks[0]["created"]);
    }
    if (chunk.contains("usage") && chunk["usage"].is_object()) s.usage = chunk["usage"];
    for (const auto& choice : chunk["choices"]) {
      const auto& delta = choice["delta"];
      if (delta.contains("content") && delta["content"].is_string()) s.content += delta["content"].get<std::string>();
      if (delta.contains("tool_calls"))
        for (const auto& call : delta["tool_calls"]) {
          json& target = s.calls[call["index"].get<int>()];
          if (call.contains("id")) {
            CHECK_FALSE(target.contains("id"));  // the head delta comes once, first
            target = {{"id", call["id"]}, {"type", call["type"]}, {"name", call["function"]["name"]}, {"arguments", ""}};
          } else {
            CHECK(target.contains("id"));
            CHECK_FALSE(call["function"].contains("name"));
          }
          target["arguments"] = target["arguments"].get<std::string>() + call["function"].value("arguments", "");
        }
      if (!choice["finish_reason"].is_null()) s.finish_reason = choice["finish_reason"];
    }
    s.chunks.push_back(std::move(chunk));
  }
  return s;
}

Streamed stream_ok(httplib::Client& c, json body) {
  body["stream"] = true;
  auto res = post(c, body);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/event-stream", 0) == 0);
  auto s = assemble(res->body);
  CHECK(s.done);
  REQUIRE(!s.chunks.empty());
  CHECK(s.chunks[0]["choices"][0]["delta"]["role"] == "assistant");
  return s;
}

}  // namespace

TEST_CASE("POST /api/ai/chat/completions answers like the documented example") {
  TestServer server;
  auto c = server.client();

  SUBCASE("the quick start request, answered by the built-in chat script") {
    auto j = chat_ok(c, chat_body("claude-sonnet-4-6", "What is a great name for an ox?"));
    CHECK(j["object"] == "chat.completion");
    CHECK(j["model"] == "claude-sonnet-4-6");
    CHECK(j["id"].get<std::string>().size() == std::string("chatcmpl-").size() + 36);
    CHECK(j["created"] == server.app().clock().now_s());
    CHECK(j["choices"].size() == 1);
    CHECK(j["choices"][0]["index"] == 0);
    CHECK(j["choices"][0]["message"]["role"] == "assistant");
    CHECK(j["choices"][0]["message"]["content"] == "How about \"Beauregard\"?");
    CHECK(j["choices"][0]["finish_reason"] == "stop");
    CHECK(j["usage"]["prompt_tokens"] == 11);
  }
  SUBCASE("multi-turn script with a turn index") {
    json body = {{"model", "gpt-4o"}, {"messages", {{{"role", "system"}, {"content", "You are a helpful assistant."}},
                                                     user("What is the capital of France?"),
                                                     {{"role", "assistant"}, {"content", "The capital of France is Paris."}},
                                                     user("What is its population?")}}};
    CHECK(chat_ok(c, body)["choices"][0]["message"]["content"].get<std::string>().find("Paris has") == 0);
  }
  SUBCASE("deterministic: same request, same content; fresh ids; created follows the clock") {
    auto body = chat_body("gpt-4o", "Tell me about oxen.");
    auto a = chat_ok(c, body);
    server.app().clock().advance(5000);
    auto b = chat_ok(c, body);
    CHECK(a["choices"][0]["message"]["content"] == b["choices"][0]["message"]["content"]);
    CHECK(a["usage"] == b["usage"]);
    CHECK(a["id"] != b["id"]);
    CHECK(b["created"].get<int64_t>() == a["created"].get<int64_t>() + 5);
    auto other = chat_ok(c, chat_body("gpt-4o", "Tell me about yaks."));
    CHECK(other["choices"][0]["message"]["content"] != a["choices"][0]["message"]["content"]);
    auto seeded = body;
    seeded["seed"] = 7;
    CHECK(chat_ok(c, seeded)["choices"][0]["message"]["content"] != a["choices"][0]["message"]["content"]);
    auto sampled = body;
    sampled["temperature"] = 1.5;
    sampled["user"] = "someone";
    CHECK(chat_ok(c, sampled)["choices"][0]["message"]["content"] == a["choices"][0]["message"]["content"]);
  }
  SUBCASE("the legacy path behaves the same") {
    auto body = chat_body("gpt-4o", "Tell me about oxen.");
    auto a = chat_ok(c, body);
    auto b = chat_ok(c, body, "/api/chat/completions");
    CHECK(a["choices"] == b["choices"]);
  }
  SUBCASE("a second mock with the same seed answers the same ids in the same order") {
    TestServer twin;
    auto t = twin.client();
    auto body = chat_body("gpt-4o", "Tell me about oxen.");
    auto mine = chat_ok(c, body);
    auto theirs = chat_ok(t, body);
    CHECK(mine["id"] == theirs["id"]);
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: max_tokens, stop, token usage") {
  TestServer server;
  auto c = server.client();
  auto body = chat_body("gpt-4o", "Write a long story.");
  auto full = chat_ok(c, body);
  int full_tokens = full["usage"]["completion_tokens"];
  REQUIRE(full_tokens > 5);

  SUBCASE("max_tokens truncates to exactly N tokens, finish_reason length") {
    for (int n : {1, 2, 5}) {
      body["max_tokens"] = n;
      auto cut = chat_ok(c, body);
      CHECK(cut["usage"]["completion_tokens"] == n);
      CHECK(cut["choices"][0]["finish_reason"] == "length");
      std::string text = cut["choices"][0]["message"]["content"];
      CHECK(full["choices"][0]["message"]["content"].get<std::string>().rfind(text, 0) == 0);
      CHECK(cut["usage"]["prompt_tokens"] == full["usage"]["prompt_tokens"]);
    }
  }
  SUBCASE("max_completion_tokens is the same limit; a limit the answer fits in changes nothing") {
    body["max_completion_tokens"] = 3;
    CHECK(chat_ok(c, body)["usage"]["completion_tokens"] == 3);
    body.erase("max_completion_tokens");
    body["max_tokens"] = full_tokens;
    CHECK(chat_ok(c, body)["choices"][0]["finish_reason"] == "stop");
    body["max_tokens"] = 4294967299;  // 2^32 + 3 must not wrap around to 3
    CHECK(chat_ok(c, body)["usage"]["completion_tokens"] == full_tokens);
  }
  SUBCASE("stop sequences end the content before them") {
    body["stop"] = json::array({"."});
    auto j = chat_ok(c, body);
    std::string text = j["choices"][0]["message"]["content"];
    CHECK(text.find('.') == std::string::npos);
    CHECK(j["choices"][0]["finish_reason"] == "stop");
  }
  SUBCASE("n choices: choice 0 is the single answer, the others differ; usage sums them") {
    body["n"] = 3;
    auto j = chat_ok(c, body);
    REQUIRE(j["choices"].size() == 3);
    int sum = 0;
    for (int i = 0; i < 3; ++i) {
      CHECK(j["choices"][i]["index"] == i);
      sum += static_cast<int>(oxen::mock::chat::count_tokens(j["choices"][i]["message"]["content"].get<std::string>()));
    }
    CHECK(j["choices"][0]["message"] == full["choices"][0]["message"]);
    CHECK(j["choices"][1]["message"]["content"] != j["choices"][0]["message"]["content"]);
    CHECK(j["usage"]["completion_tokens"] == sum);
    CHECK(j["usage"]["prompt_tokens"] == full["usage"]["prompt_tokens"]);
  }
  SUBCASE("prompt tokens grow with the prompt") {
    auto longer = chat_body("gpt-4o", "Write a long story about a patient ox and a curious farmer.");
    CHECK(chat_ok(c, longer)["usage"]["prompt_tokens"].get<int>() > full["usage"]["prompt_tokens"].get<int>());
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: errors") {
  TestServer server;
  auto c = server.client();

  SUBCASE("missing or empty model: the documented shape B 400") {
    json expected = {{"error", {{"message", "You must specify a model to call"}}}};
    CHECK(chat_error(c, {{"messages", {user("hi")}}}, 400) == expected);
    CHECK(chat_error(c, {{"model", ""}, {"messages", {user("hi")}}}, 400) == expected);
    CHECK(chat_error(c, {{"model", nullptr}, {"messages", {user("hi")}}}, 400) == expected);
  }
  SUBCASE("response_format: null is the same as none") {
    json body = chat_body("gpt-4o", "hi");
    body["response_format"] = nullptr;
    auto res = c.Post("/api/ai/chat/completions", body.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  SUBCASE("empty messages: shape B 400") {
    CHECK(chat_error(c, {{"model", "gpt-4o"}, {"messages", json::array()}}, 400) ==
          json{{"error", {{"message", "Messages array cannot be empty"}}}});
  }
  SUBCASE("other schema violations: 400 invalid_params naming the JSON pointer") {
    struct Case {
      json patch;
      std::string pointer;
    };
    std::vector<Case> cases = {
        {{{"temperature", 2.5}}, "/temperature"},
        {{{"max_tokens", 0}}, "/max_tokens"},
        {{{"top_p", -1}}, "/top_p"},
        {{{"stream", "yes"}}, "/stream"},
        {{{"n", 9}}, "/n"},
        {{{"tool_choice", "sometimes"}}, "/tool_choice"},
        {{{"response_format", {{"type", "yaml"}}}}, "/response_format"},
        {{{"messages", {{{"role", "robot"}, {"content", "x"}}}}}, "/messages/0/role"},
        {{{"messages", {{{"role", "tool"}, {"content", "x"}}}}}, "/messages/0/tool_call_id"},
        {{{"messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}, {"image_url", {{"url", "ftp://x/y.png"}}}}}}}}}},
         "/messages/0/content/0/image_url/url"},
        {{{"tools", {{{"type", "function"}, {"function", {{"description", "no name"}}}}}}}, "/tools/0/function/name"},
    };
    for (const auto& k : cases) {
      json body = chat_body("gpt-4o", "hi");
      body.update(k.patch);
      auto e = chat_error(c, body, 400);
      INFO(body.dump() << " -> " << e.dump());
      CHECK(e["error"]["type"] == "invalid_params");
      CHECK(detail_of(e).rfind(k.pointer, 0) == 0);
    }
  }
  SUBCASE("malformed JSON") {
    auto res = c.Post(kChat, "{\"model\": ", "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK_SCHEMA("error_oxen", parse_json(res->body));
  }
  SUBCASE("no API key: 401") {
    auto anonymous = server.client("");
    auto res = post(anonymous, chat_body("gpt-4o", "hi"));
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  SUBCASE("unknown model: 404 Model not found") {
    CHECK(chat_error(c, chat_body("no-such-model", "hi"), 404) == json{{"error", {{"message", "Model not found: no-such-model"}}}});
  }
  SUBCASE("a model of another endpoint: 400") {
    auto e = chat_error(c, chat_body("flux-2-dev", "hi"), 400);
    CHECK(e["error"]["type"] == "invalid_params");
    CHECK(detail_of(e).find("/images/generate") != std::string::npos);
  }
  SUBCASE("custom models: active answers; inactive is a 400 naming the status, not woken") {
    chat_ok(c, chat_body("oxen:acme/support-bot", "hi"));
    auto r = c.Post("/api/ai/models/oxen:acme/support-bot/deactivate");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto e = chat_error(c, chat_body("oxen:acme/support-bot", "hi"), 400);
    CHECK(detail_of(e).find("deactivating") != std::string::npos);
    server.app().clock().advance(60'000);
    e = chat_error(c, chat_body("oxen:acme/support-bot", "hi"), 400);
    CHECK(detail_of(e).find("inactive") != std::string::npos);
    c.Post("/api/ai/models/oxen:acme/support-bot/activate");
    server.app().clock().advance(60'000);
    chat_ok(c, chat_body("oxen:acme/support-bot", "hi"));
  }
  SUBCASE("a tool message must answer an earlier tool call") {
    json body = {{"model", "gpt-4o"}, {"messages", {user("hi"), {{"role", "tool"}, {"tool_call_id", "call_x"}, {"content", "42"}}}}};
    auto e = chat_error(c, body, 400);
    CHECK(detail_of(e).rfind("/messages/1/tool_call_id", 0) == 0);
  }
  SUBCASE("tool_choice naming a tool that is not offered; required without tools") {
    json body = chat_body("gpt-4o", "hi");
    body["tools"] = {kWeatherTool};
    body["tool_choice"] = {{"type", "function"}, {"function", {{"name", "get_time"}}}};
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/tool_choice/function/name", 0) == 0);
    body.erase("tools");
    body["tool_choice"] = "required";
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/tool_choice", 0) == 0);
  }
  SUBCASE("unusable tool parameters or output schema") {
    json body = chat_body("gpt-4o", "hi");
    body["tools"] = {{{"type", "function"}, {"function", {{"name", "f"}, {"parameters", {{"$ref", "https://elsewhere/x.json"}}}}}}};
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/tools/0/function/parameters", 0) == 0);
    // A keyword value the validator cannot parse (found by the request fuzzer: it used to abort).
    body["tools"][0]["function"]["parameters"] = json::parse(R"({"type": "object", "properties": {"city": {"type": "s~ring"}}})");
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/tools/0/function/parameters", 0) == 0);
    // Self-referring $refs would send a validator into endless recursion: refused up front.
    body["tools"][0]["function"]["parameters"] = json::parse(R"({"type": "object", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "properties": {"x": {"$ref": "#/definitions/a"}}})");
    CHECK(detail_of(chat_error(c, body, 400)).find("leads back to itself") != std::string::npos);
    body["tools"][0]["function"]["parameters"] = json{{"type", "object"}, {"properties", {{"x", {{"$ref", "#/properties/x"}}}}}};
    CHECK(detail_of(chat_error(c, body, 400)).find("leads back to itself") != std::string::npos);
    body.erase("tools");
    body.erase("tool_choice");
    body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "loop"}, {"schema", {{"$ref", "#"}}}}}};
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/response_format/json_schema/schema", 0) == 0);
    // A schema no value can satisfy within the generator's bounds is refused, not answered.
    body["response_format"]["json_schema"]["schema"] = {{"type", "string"}, {"minLength", 100000000}};
    CHECK(detail_of(chat_error(c, body, 400)).rfind("/response_format/json_schema/schema", 0) == 0);
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: content parts and model input capabilities") {
  oxen::mock::Config config = oxen::test::test_config();
  config.chat_max_file_bytes = 300;  // small limits keep the bodies small
  config.chat_max_audio_bytes = 200;
  TestServer server(config);
  auto c = server.client();
  auto with_parts = [](const std::string& model, json parts) {
    return json{{"model", model}, {"messages", {{{"role", "user"}, {"content", std::move(parts)}}}}};
  };
  json text = {{"type", "text"}, {"text", "What is in this?"}};
  auto image = [](const std::string& url) { return json{{"type", "image_url"}, {"image_url", {{"url", url}}}}; };
  auto video = json{{"type", "video_url"}, {"video_url", {{"url", "https://example.com/clip.mp4"}}}};
  auto audio = [](const std::string& url) { return json{{"type", "audio_url"}, {"audio_url", {{"url", url}}}}; };
  auto file = [](json f) { return json{{"type", "file"}, {"file", std::move(f)}}; };
  std::string small_pdf = "data:application/pdf;base64," + std::string(200, 'A');
  std::string big_pdf = "data:application/pdf;base64," + std::string(800, 'A');

  SUBCASE("accepted parts; URLs are validated, never fetched") {
    chat_ok(c, with_parts("gpt-4o", {text, image("https://oxen.ai/assets/images/homepage/hero-ox.png")}));
    chat_ok(c, with_parts("claude-sonnet-4-6", {image("data:image/jpeg;base64,/9j/4AAQ"), text}));
    chat_ok(c, with_parts("gemini-3-flash-preview", {video, text}));
    chat_ok(c, with_parts("gpt-audio", {audio("data:audio/wav;base64,UklGRg=="), text}));
    chat_ok(c, with_parts("gemini-3-1-pro-preview", {audio("https://example.com/a.ogg"), text}));
    chat_ok(c, with_parts("gpt-5-4-2026-03-05", {file({{"filename", "a.pdf"}, {"file_data", small_pdf}}), text}));
    chat_ok(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_url", "https://example.com/report.pdf?sig=1"}}), text}));
  }
  SUBCASE("a part the model cannot take: 400 invalid_params naming the part") {
    struct Case {
      std::string model;
      json part;
      std::string modality;
    };
    for (const auto& k : std::vector<Case>{{"claude-sonnet-4-6", video, "video"},
                                           {"gpt-4o", audio("https://example.com/a.mp3"), "audio"},
                                           {"gpt-4o", file({{"file_data", small_pdf}}), "file"},
                                           {"oxen:acme/support-bot", image("https://example.com/a.png"), "image"}}) {
      auto e = chat_error(c, with_parts(k.model, {text, k.part}), 400);
      CHECK(e["error"]["type"] == "invalid_params");
      CHECK(detail_of(e) == "/messages/0/content/1: model '" + k.model + "' does not accept " + k.modality + " input.");
    }
  }
  SUBCASE("files: only application/pdf, up to the size limit; shape A invalid_file_input") {
    auto e = chat_error(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_data", "data:image/tiff;base64,AAAA"}})}), 400);
    CHECK(e == json::parse(R"({"error": {"type": "invalid_file_input", "title": "The provided file could not be used.",
      "detail": "Unsupported file type 'image/tiff'. Supported file types: application/pdf."},
      "status": "error", "status_message": "invalid_file_input", "status_description": "The provided file could not be used."})"));
    e = chat_error(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_url", "https://example.com/scan.TIFF"}})}), 400);
    CHECK(detail_of(e) == "Unsupported file type 'image/tiff'. Supported file types: application/pdf.");
    e = chat_error(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_data", big_pdf}})}), 400);
    CHECK(e["error"]["type"] == "invalid_file_input");
    CHECK(detail_of(e).rfind("File is too large (600 bytes)", 0) == 0);
  }
  SUBCASE("files: exactly one of file_data and file_url") {
    auto e = chat_error(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_data", small_pdf}, {"file_url", "https://e.com/a.pdf"}})}), 400);
    CHECK(detail_of(e).rfind("/messages/0/content/0/file", 0) == 0);
    e = chat_error(c, with_parts("gpt-5-4-2026-03-05", {file({{"file_id", "file-abc"}})}), 400);
    CHECK(detail_of(e).rfind("/messages/0/content/0/file", 0) == 0);
  }
  SUBCASE("audio: size limit and the formats of OpenAI audio models") {
    auto e = chat_error(c, with_parts("gpt-audio", {audio("data:audio/wav;base64," + std::string(400, 'A'))}), 400);
    CHECK(e["error"]["type"] == "invalid_file_input");
    CHECK(detail_of(e).rfind("Audio file is too large", 0) == 0);
    e = chat_error(c, with_parts("gpt-audio", {audio("data:audio/ogg;base64,AAAA")}), 400);
    CHECK(detail_of(e) == "Unsupported audio format 'ogg'. Supported audio formats: wav, mp3.");
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: streaming") {
  TestServer server;
  auto c = server.client();
  auto body = chat_body("gpt-4o", "Tell me about oxen.");
  auto plain = chat_ok(c, body);

  SUBCASE("role first, content deltas, finish_reason last, [DONE]; deltas join to the plain answer") {
    auto s = stream_ok(c, body);
    CHECK(s.content == plain["choices"][0]["message"]["content"]);
    CHECK(s.finish_reason == "stop");
    CHECK(s.chunks.back()["choices"][0]["finish_reason"] == "stop");
    for (size_t i = 0; i + 1 < s.chunks.size(); ++i) CHECK(s.chunks[i]["choices"][0]["finish_reason"].is_null());
    CHECK(s.usage.is_null());
    CHECK(s.chunks[0]["created"] == plain["created"]);
  }
  SUBCASE("include_usage: a last chunk with empty choices and the same usage") {
    body["stream_options"] = {{"include_usage", true}};
    auto s = stream_ok(c, body);
    CHECK(s.chunks.back()["choices"].empty());
    CHECK(s.usage == plain["usage"]);
    CHECK(s.content == plain["choices"][0]["message"]["content"]);
  }
  SUBCASE("max_tokens in a stream") {
    body["max_tokens"] = 4;
    body["stream_options"] = {{"include_usage", true}};
    auto s = stream_ok(c, body);
    CHECK(s.finish_reason == "length");
    CHECK(s.usage["completion_tokens"] == 4);
    CHECK(s.chunks.size() == 1 + 4 + 1 + 1);
  }
  SUBCASE("n choices stream one after the other, each under its index") {
    body["n"] = 2;
    body["stream_options"] = {{"include_usage", true}};
    auto both = chat_ok(c, body);
    body["stream"] = true;
    auto res = post(c, body);
    REQUIRE(res);
    std::map<int, std::string> texts;
    std::map<int, int> finishes;
    for (const auto& e : oxen::parse_sse(res->body)) {
      if (e.data == "[DONE]") continue;
      auto chunk = parse_json(e.data);
      CHECK_SCHEMA("chat_chunk", chunk);
      for (const auto& ch : chunk["choices"]) {
        texts[ch["index"]] += ch["delta"].value("content", "");
        if (!ch["finish_reason"].is_null()) ++finishes[ch["index"]];
      }
      if (chunk["usage"].is_object()) CHECK(chunk["usage"] == both["usage"]);
    }
    CHECK(texts[0] == both["choices"][0]["message"]["content"]);
    CHECK(texts[1] == both["choices"][1]["message"]["content"]);
    CHECK(finishes[0] == 1);
    CHECK(finishes[1] == 1);
  }
  SUBCASE("the legacy path streams too") {
    body["stream"] = true;
    auto res = post(c, body, "/api/chat/completions");
    REQUIRE(res);
    CHECK(assemble(res->body).content == plain["choices"][0]["message"]["content"]);
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: stream pacing runs on the mock's clock") {
  oxen::mock::Config config = oxen::test::test_config();
  config.chat_first_token_ms = 1000;
  config.chat_tokens_per_second = 20;  // one token every 50 ms
  TestServer server(config);
  auto& clock = server.app().clock();
  const int64_t start = clock.now_ms();

  std::mutex mutex;
  std::condition_variable progress;
  std::vector<std::pair<int64_t, std::string>> received;  // (mock time, bytes)
  std::atomic<bool> finished{false};
  json body = chat_body("gpt-4o", "Tell me about oxen.");
  body["max_tokens"] = 6;
  body["stream"] = true;
  std::thread client([&] {
    auto c = server.client();
    auto req = chat_request(body);
    req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
      std::lock_guard lock(mutex);
      received.emplace_back(clock.now_ms() - start, std::string(data, size));
      progress.notify_all();
      return true;
    };
    c.send(req);
    finished = true;
    progress.notify_all();
  });
  // Drive the clock in 50 ms steps until the stream has ended (bounded).
  for (int step = 0; step < 400 && !finished; ++step) {
    clock.advance(50);
    std::unique_lock lock(mutex);
    progress.wait_for(lock, std::chrono::milliseconds(20));
  }
  client.join();
  REQUIRE(finished);
  std::string all;
  int64_t first_data_at = -1;
  for (const auto& [at, bytes] : received) {
    if (first_data_at < 0 && bytes.find("data:") != std::string::npos) first_data_at = at;
    all += bytes;
  }
  auto s = assemble(all);
  CHECK(s.done);
  CHECK(first_data_at >= 1000);          // nothing before the time to first token
  CHECK(received.back().first >= 1000 + 5 * 50);  // the sixth token is due 250 ms later
}

TEST_CASE("chat completions: an aborted stream, then a healthy request") {
  oxen::mock::Config config = oxen::test::test_config();
  config.chat_tokens_per_second = 10;
  TestServer server(config);
  auto& clock = server.app().clock();
  json body = chat_body("gpt-4o", "Tell me about oxen.");
  body["stream"] = true;
  std::atomic<int> frames{0};
  {
    auto c = server.client();
    auto req = chat_request(body);
    req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++frames < 2; };
    std::thread driver([&] {
      for (int i = 0; i < 200 && frames < 2; ++i) {
        clock.advance(100);
        std::this_thread::yield();
      }
    });
    auto res = c.send(req);
    driver.join();
    CHECK_FALSE(res);  // the client gave up mid-stream
  }
  // The writer notices on its next frame; the clock moves it there.
  clock.advance(60'000);
  auto c = server.client();
  body.erase("stream");
  chat_ok(c, body);
}

TEST_CASE("the journal tells how each stream ended") {
  oxen::mock::Config config = oxen::test::test_config();
  TestServer server(config);
  auto c = server.client();
  json body = chat_body("gpt-4o", "Tell me about oxen.");
  body["stream"] = true;
  auto last_entry = [&] {
    auto entries = server.app().journal().snapshot();
    REQUIRE(!entries.empty());
    return entries.back().to_json();
  };

  auto whole = post(c, body);
  REQUIRE(whole);
  auto entry = last_entry();
  CHECK_SCHEMA("admin_requests", json({{"count", 1}, {"total_recorded", 1}, {"requests", {entry}}}));
  CHECK(entry["stream"]["ended_by"] == "done");
  CHECK(entry["stream"]["frames"] == oxen::parse_sse(whole->body).size());
  CHECK(entry["response_findings"].empty());

  auto cut = c.Post(kChat, {{"X-Mock-Fault", "cut_after=2"}}, body.dump(), "application/json");
  entry = last_entry();
  CHECK(entry["stream"]["ended_by"] == "fault");
  CHECK(entry["stream"]["frames"] == 2);

  SUBCASE("a client that goes away") {
    auto paced = oxen::test::test_config();
    paced.chat_tokens_per_second = 10;
    TestServer slow(paced);
    auto sc = slow.client();
    auto req = chat_request(body);
    int received = 0;
    req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++received < 2; };
    std::thread driver([&] {
      for (int i = 0; i < 200 && received < 2; ++i) {
        slow.app().clock().advance(100);
        std::this_thread::yield();
      }
    });
    CHECK_FALSE(sc.send(req));
    driver.join();
    // The writer notices on its next frame; the clock moves it there (bounded wait).
    std::string ended_by;
    for (int i = 0; i < 500 && ended_by != "client_gone"; ++i) {
      slow.app().clock().advance(1000);
      ended_by = slow.app().journal().snapshot().back().to_json()["stream"]["ended_by"];
      if (ended_by != "client_gone") std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(ended_by == "client_gone");
  }
}

TEST_CASE("chat completions: tool calls") {
  TestServer server;
  auto c = server.client();
  json ask = chat_body("gpt-4o", "What is the weather in Paris?");
  ask["tools"] = {kWeatherTool, kTimeTool};
  auto weather_schema = oxen::compile_schema(kWeatherTool["function"]["parameters"]);
  auto time_schema = oxen::compile_schema(kTimeTool["function"]["parameters"]);

  auto check_call = [&](const json& call, size_t index, const std::string& name) {
    CHECK(call["index"] == index);
    CHECK(call["type"] == "function");
    CHECK(call["id"].get<std::string>().rfind("call_", 0) == 0);
    CHECK(call["function"]["name"] == name);
    json args = json::parse(call["function"]["arguments"].get<std::string>());
    auto violations = (name == "get_weather" ? weather_schema : time_schema).validate(args);
    INFO(args.dump() << "\n" << oxen::test::violations_text(violations));
    CHECK(violations.empty());
  };

  SUBCASE("auto: a tool whose name the user mentions is called; content is null") {
    auto j = chat_ok(c, ask);
    const auto& choice = j["choices"][0];
    CHECK(choice["finish_reason"] == "tool_calls");
    CHECK(choice["message"]["content"].is_null());
    REQUIRE(choice["message"]["tool_calls"].size() == 1);
    check_call(choice["message"]["tool_calls"][0], 0, "get_weather");
  }
  SUBCASE("auto with nothing mentioned, or tool_choice none: text") {
    json other = ask;
    other["messages"] = {user("Tell me a joke.")};
    CHECK(chat_ok(c, other)["choices"][0]["finish_reason"] == "stop");
    ask["tool_choice"] = "none";
    auto j = chat_ok(c, ask);
    CHECK(j["choices"][0]["finish_reason"] == "stop");
    CHECK_FALSE(j["choices"][0]["message"].contains("tool_calls"));
  }
  SUBCASE("forced by name") {
    ask["tool_choice"] = {{"type", "function"}, {"function", {{"name", "get_local_time"}}}};
    auto calls = chat_ok(c, ask)["choices"][0]["message"]["tool_calls"];
    REQUIRE(calls.size() == 1);
    check_call(calls[0], 0, "get_local_time");
  }
  SUBCASE("required with several tools: parallel calls; parallel_tool_calls false: one") {
    ask["tool_choice"] = "required";
    auto calls = chat_ok(c, ask)["choices"][0]["message"]["tool_calls"];
    REQUIRE(calls.size() == 2);
    check_call(calls[0], 0, "get_weather");
    check_call(calls[1], 1, "get_local_time");
    CHECK(calls[0]["id"] != calls[1]["id"]);
    ask["parallel_tool_calls"] = false;
    CHECK(chat_ok(c, ask)["choices"][0]["message"]["tool_calls"].size() == 1);
  }
  SUBCASE("arguments always validate, over many requests") {
    ask["tool_choice"] = "required";
    for (int i = 0; i < 25; ++i) {
      ask["seed"] = i;
      auto calls = chat_ok(c, ask)["choices"][0]["message"]["tool_calls"];
      REQUIRE(calls.size() == 2);
      check_call(calls[0], 0, "get_weather");
      check_call(calls[1], 1, "get_local_time");
    }
  }
  SUBCASE("the tool loop: the follow-up with the results ends with text that uses them") {
    auto first = chat_ok(c, ask);
    json assistant = first["choices"][0]["message"];
    std::string id = assistant["tool_calls"][0]["id"];
    json follow = ask;
    follow["messages"].push_back(assistant);
    follow["messages"].push_back({{"role", "tool"}, {"tool_call_id", id}, {"content", "{\"temperature_c\": 18, \"conditions\": \"Partly cloudy\"}"}});
    auto j = chat_ok(c, follow);
    CHECK(j["choices"][0]["finish_reason"] == "stop");
    std::string text = j["choices"][0]["message"]["content"];
    CHECK(text.find("get_weather") != std::string::npos);
    CHECK(text.find("Partly cloudy") != std::string::npos);
  }
  SUBCASE("streamed tool calls assemble to the same calls") {
    ask["tool_choice"] = "required";
    auto plain = chat_ok(c, ask)["choices"][0]["message"]["tool_calls"];
    auto s = stream_ok(c, ask);
    CHECK(s.finish_reason == "tool_calls");
    CHECK(s.content.empty());
    REQUIRE(s.calls.size() == 2);
    for (int i = 0; i < 2; ++i) {
      CHECK(s.calls[i]["id"] == plain[i]["id"]);
      CHECK(s.calls[i]["name"] == plain[i]["function"]["name"]);
      CHECK(s.calls[i]["arguments"] == plain[i]["function"]["arguments"]);
    }
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: structured output") {
  TestServer server;
  auto c = server.client();
  auto body = chat_body("gpt-4o", "Describe an ox.");

  SUBCASE("json_object: the content is a JSON object") {
    body["response_format"] = {{"type", "json_object"}};
    auto j = chat_ok(c, body);
    auto content = json::parse(j["choices"][0]["message"]["content"].get<std::string>());
    CHECK(content.is_object());
  }
  SUBCASE("json_schema: the content validates against the given schema") {
    json schema = json::parse(R"({"type": "object", "additionalProperties": false,
      "required": ["name", "weight_kg", "colors", "born"],
      "properties": {"name": {"type": "string", "minLength": 1}, "weight_kg": {"type": "number", "minimum": 300, "maximum": 1200},
                     "colors": {"type": "array", "minItems": 1, "items": {"enum": ["black", "brown", "white"]}},
                     "born": {"type": "string", "format": "date"},
                     "working": {"type": "boolean"}}})");
    body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "ox"}, {"strict", true}, {"schema", schema}}}};
    auto compiled = oxen::compile_schema(schema);
    for (int i = 0; i < 10; ++i) {
      body["seed"] = i;
      auto j = chat_ok(c, body);
      auto content = json::parse(j["choices"][0]["message"]["content"].get<std::string>());
      INFO(content.dump());
      CHECK(compiled.accepts(content));
    }
    body["stream"] = true;
    auto s = stream_ok(c, body);
    CHECK(compiled.accepts(json::parse(s.content)));
  }
  check_no_response_findings(server);
}

TEST_CASE("chat completions: tool and output schemas as real clients send them") {
  TestServer server;
  auto c = server.client();
  // The Vercel AI SDK: zod through zod-to-json-schema (draft-07; .regex() is `pattern`).
  const json booking = json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
    "additionalProperties": false, "required": ["flight", "phone", "email", "passengers", "seat"],
    "properties": {
      "flight": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
      "phone": {"type": "string", "pattern": "^\\+?[1-9]\\d{1,14}$"},
      "email": {"type": "string", "format": "email",
                "pattern": "^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$"},
      "passengers": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"$ref": "#/definitions/passenger"}},
      "seat": {"anyOf": [{"type": "string", "pattern": "^\\d{1,2}[A-F]$"}, {"type": "null"}]},
      "legs": {"type": "array", "items": [{"type": "string", "pattern": "^[A-Z]{3}$"}, {"type": "string", "pattern": "^[A-Z]{3}$"}],
               "additionalItems": {"type": "integer", "minimum": 0}, "minItems": 2}},
    "definitions": {"passenger": {"type": "object", "additionalProperties": false, "required": ["name", "age"],
      "properties": {"name": {"type": "string", "minLength": 1}, "age": {"type": "integer", "minimum": 0, "maximum": 120}}}}})");
  // LangChain JS: z.tuple([z.string(), z.number()]) and the same with .rest(z.boolean()), in 2020-12.
  const json plot = json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["point", "tagged"], "properties": {
      "point": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": false, "minItems": 2, "maxItems": 2},
      "tagged": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": {"type": "boolean"}, "minItems": 2},
      "style": {"$ref": "#/$defs/style"}},
    "$defs": {"style": {"type": "object", "properties": {"color": {"enum": ["red", "green"]}, "width": {"type": "number", "exclusiveMinimum": 0, "maximum": 4}}}}})");
  json ask = chat_body("gpt-4o", "Book a flight and plot it.");
  ask["tools"] = {{{"type", "function"}, {"function", {{"name", "book_flight"}, {"parameters", booking}}}},
                  {{"type", "function"}, {"function", {{"name", "plot_point"}, {"parameters", plot}}}}};
  ask["tool_choice"] = "required";
  auto booking_schema = oxen::compile_schema(booking);
  auto plot_schema = oxen::compile_schema(plot);

  SUBCASE("arguments satisfy the client's own schema, tuples position by position") {
    bool saw_rest = false;
    for (int i = 0; i < 15; ++i) {
      ask["seed"] = i;
      auto calls = chat_ok(c, ask)["choices"][0]["message"]["tool_calls"];
      REQUIRE(calls.size() == 2);
      json booked = json::parse(calls[0]["function"]["arguments"].get<std::string>());
      json plotted = json::parse(calls[1]["function"]["arguments"].get<std::string>());
      INFO(booked.dump() << "\n" << plotted.dump());
      CHECK(oxen::test::violations_text(booking_schema.validate(booked)) == "");
      CHECK(oxen::test::violations_text(plot_schema.validate(plotted)) == "");
      // What the client's zod schema checks, read without the validator.
      REQUIRE(plotted["point"].size() == 2);
      CHECK(plotted["point"][0].is_string());
      CHECK(plotted["point"][1].is_number());
      const json& tagged = plotted["tagged"];
      REQUIRE(tagged.size() >= 2);
      CHECK(tagged[0].is_string());
      CHECK(tagged[1].is_number());
      for (size_t k = 2; k < tagged.size(); ++k) CHECK(tagged[k].is_boolean());
      saw_rest = saw_rest || tagged.size() > 2;
    }
    CHECK(saw_rest);
  }
  SUBCASE("json_schema output with a pattern and a tuple") {
    json body = chat_body("gpt-4o", "Plot a point.");
    body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "plot"}, {"strict", true}, {"schema", plot}}}};
    for (int i = 0; i < 5; ++i) {
      body["seed"] = i;
      auto content = json::parse(chat_ok(c, body)["choices"][0]["message"]["content"].get<std::string>());
      INFO(content.dump());
      CHECK(plot_schema.accepts(content));
      CHECK(content["point"].size() == 2);
    }
  }
  SUBCASE("a schema no value satisfies: 400 naming the node and the reason") {
    json body = chat_body("gpt-4o", "hi");
    body["tools"] = {{{"type", "function"}, {"function", {{"name", "f"}, {"parameters", json::parse(
        R"({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 3}}})")}}}}};
    body["tool_choice"] = "required";
    std::string detail = detail_of(chat_error(c, body, 400));
    CHECK(detail == "/tools/0/function/parameters/properties/n: cannot produce arguments that satisfy the parameters of 'f': "
                    "the schema is unsatisfiable: minimum 5 > maximum 3");
    body.erase("tools");
    body.erase("tool_choice");
    body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "pin"}, {"schema", json::parse(
        R"({"type": "object", "required": ["pin"], "properties": {"pin": {"type": "string", "pattern": "^(?=.*[a-z])\\d{4}$"}}})")}}}};
    detail = detail_of(chat_error(c, body, 400));
    CHECK(detail.rfind("/response_format/json_schema/schema/properties/pin/pattern: cannot produce a value that satisfies it: "
                       "pattern '^(?=.*[a-z])\\d{4}$' uses a construct the mock cannot generate for (lookahead)", 0) == 0);
  }
  check_no_response_findings(server);
}
