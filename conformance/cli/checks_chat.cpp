// The chat checks of the full profile: a completion, and streams graded frame by frame.
#include "runner.hpp"
#include "stream_grade.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

const std::string kPath = "/ai/chat/completions";

json weather_tool() {
  return json::parse(R"({
    "type": "function",
    "function": {
      "name": "get_weather",
      "description": "Current weather for a city.",
      "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"]
      }
    }
  })");
}

// The model the check was priced with.
const json* model_or_skip(Session& s, Outcome& out, const char* check) {
  std::string why;
  const json* m = s.model_for(catalog_entry(check), &why);
  if (!m) out.skip(why + " (see models.list, or pass --chat-model)");
  return m;
}

void check_completion(Session& s, Outcome& out) {
  const json* m = model_or_skip(s, out, "chat.completion");
  if (!m) return;
  json body = {{"model", (*m)["id"]},
               {"messages", json::array({{{"role", "user"}, {"content", "Say hello in five words."}}})},
               {"max_tokens", 32}};
  auto f = s.send("POST", kPath, body.dump());
  const auto* doc = expect_json(out, subject("POST", kPath), f, 200);
  if (!doc) return;
  out.check_schema(s.schemas(), "chat_response", subject("POST", kPath), *doc);
}

void grade_stream(Session& s, Outcome& out, const json& body) {
  const std::string subj = subject("POST", kPath) + " (stream)";
  StreamGrader grader(out, subj, body);
  auto r = s.client().stream(kPath, body.dump(), [&](std::string_view bytes) { return grader.feed(bytes); });
  if (!r.ok) return out.failure(subj, "", "transport", "no response: " + r.transport_error);
  if (r.status != 200) {
    auto j = json::parse(r.body, nullptr, false);
    const Source source = RuleSources::builtin().declares("POST", kPath, 200) ? Source::published : Source::documented;
    return out.failure(subj, "", "status", "expected HTTP 200, got " + std::to_string(r.status),
                       j.is_discarded() ? nullptr : &j, source);
  }
  if (r.content_type.rfind("text/event-stream", 0) != 0)
    out.failure(subj, "", "content_type", "Content-Type is '" + r.content_type + "', not text/event-stream");
  grader.finish();
}

void check_stream(Session& s, Outcome& out) {
  const json* m = model_or_skip(s, out, "chat.stream");
  if (!m) return;
  json body = {{"model", (*m)["id"]},
               {"messages", json::array({{{"role", "user"}, {"content", "Write a haiku about oxen."}}})},
               {"max_tokens", 32},
               {"stream", true},
               {"stream_options", {{"include_usage", true}}}};
  grade_stream(s, out, body);
}

void check_stream_tools(Session& s, Outcome& out) {
  const json* m = model_or_skip(s, out, "chat.stream.tools");
  if (!m) return;
  json tools = json::array({weather_tool()});
  json body = {{"model", (*m)["id"]},
               {"messages", json::array({{{"role", "user"}, {"content", "What is the weather in Paris?"}}})},
               {"max_tokens", 64},
               {"stream", true},
               {"tools", tools},
               {"tool_choice", {{"type", "function"}, {"function", {{"name", "get_weather"}}}}}};
  grade_stream(s, out, body);
}

}  // namespace

void add_chat_checks(std::map<std::string, CheckFn>& fns) {
  fns["chat.completion"] = check_completion;
  fns["chat.stream"] = check_stream;
  fns["chat.stream.tools"] = check_stream_tools;
}

}  // namespace oxen::conformance
