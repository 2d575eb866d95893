#include "frame_grader.hpp"

#include "api_document.hpp"
#include "schema_store.hpp"
#include "text.hpp"

namespace oxen {

using nlohmann::json;

StreamRules StreamRules::chat(json tools, size_t max_frames) {
  StreamRules r;
  r.frame_schema = "chat_chunk";
  r.terminator = "[DONE]";
  r.tools = std::move(tools);
  r.max_frames = max_frames;
  return r;
}

StreamRules StreamRules::of(const Operation& operation, json tools) {
  StreamRules r;
  r.frame_schema = operation.frame_schema;
  r.event_schemas = operation.event_schemas;
  r.terminator = operation.frame_terminator;
  r.tools = std::move(tools);
  return r;
}

StreamRules& StreamRules::asked_by(const json& request) {
  if (!request.is_object()) return *this;
  if (request.contains("tools")) tools = request["tools"];
  const json options = request.value("stream_options", json());
  usage_expected = options.is_object() && options.value("include_usage", false) == true;
  const json choice = request.value("tool_choice", json());
  if (choice == "required")
    forced_tool = "*";
  else if (choice.is_object() && choice.contains("function") && choice["function"].is_object())
    forced_tool = choice["function"].value("name", "");
  return *this;
}

FrameGrader::FrameGrader(const SchemaStore& schemas, StreamRules rules, OnFinding on_finding,
                         OnFrame on_frame)
    : schemas_(schemas),
      rules_(std::move(rules)),
      on_finding_(std::move(on_finding)),
      on_frame_(std::move(on_frame)) {}

void FrameGrader::report(size_t frame, std::string part, std::string pointer, std::string rule,
                         std::string message, const json* value) {
  reported_ = true;
  StreamFinding f{frame,
                  std::move(part),
                  {std::move(pointer), std::move(rule), std::move(message)},
                  std::nullopt};
  if (value) f.value = *value;
  on_finding_(f);
}

// Each line is blank, a comment, or a known field.
void FrameGrader::lint_lines(std::string_view bytes) {
  for (char ch : bytes) {
    if (ch != '\n' && ch != '\r') {
      if (partial_line_.size() < 200) partial_line_ += ch;
      continue;
    }
    const std::string& l = partial_line_;
    bool ok = l.empty() || l[0] == ':';
    for (std::string_view field : {"data", "event", "id", "retry"})
      if (l == field || (l.starts_with(field) && l.size() > field.size() && l[field.size()] == ':'))
        ok = true;
    if (!ok && ++bad_lines_ <= 3)
      report(0, "after frame " + std::to_string(frames_), "", "framing",
             "a line that is not an SSE field: " + shorten(l, 80));
    partial_line_.clear();
  }
}

bool FrameGrader::feed(std::string_view bytes) {
  bytes_ += bytes.size();
  lint_lines(bytes);
  for (const auto& e : reader_.feed(bytes)) {
    if (over_budget_) break;
    frame(e);
  }
  return !over_budget_;
}

void FrameGrader::frame(const SseEvent& e) {
  if (e.data.empty() && !e.comments.empty()) return;  // a keep-alive comment
  const size_t n = ++frames_;
  if (rules_.max_frames && n > rules_.max_frames) {
    over_budget_ = true;
    return report(0, "", "", "budget",
                  "more than " + std::to_string(rules_.max_frames) + " frames");
  }
  if (done_) return report(n, "", "", "done_last", "a frame after data: " + rules_.terminator);
  if (e.data.empty()) return report(n, "", "", "framing", "an event without a data: field");
  const std::string* schema = &rules_.frame_schema;
  if (!e.event.empty() && e.event != "message") {
    if (auto named = rules_.event_schemas.find(e.event); named != rules_.event_schemas.end())
      schema = &named->second;
    else
      report(n, "", "", "event", "unexpected event: " + e.event);
  } else if (schema->empty() && !rules_.event_schemas.empty()) {
    report(n, "", "", "event", "a frame without an event name; only named events are declared");
  }
  if (!rules_.terminator.empty() && e.data == rules_.terminator) {
    done_ = true;
    return;
  }
  if (schema->empty()) return;
  auto data = json::parse(e.data, nullptr, false);
  if (data.is_discarded())
    return report(n, "", "", "json", "data is not JSON: " + shorten(e.data, 100));
  const Violations violations = schemas_.validate(*schema, data);
  for (const auto& v : violations) report(n, "", v.pointer, v.rule, v.message, &data);
  if (on_frame_) on_frame_(n, *schema, data);
  if (violations.empty() && *schema == "chat_chunk") chunk(n, data);
}

// A chat chunk valid against chat_chunk.
void FrameGrader::chunk(size_t n, const json& c) {
  if (id_.empty())
    id_ = c["id"];
  else if (c["id"] != id_)
    report(n, "", "/id", "chunk_id", "chunks of one stream carry different ids", &c);

  const auto& choices = c["choices"];
  if (choices.empty()) {
    // The usage chunk: after every choice finished, carrying usage.
    if (!c.contains("usage") || c["usage"].is_null())
      report(n, "", "/choices", "empty_choices", "a chunk with no choices and no usage", &c);
    else if (finish_.empty())
      report(n, "", "/usage", "usage_last", "usage chunk before any finish_reason", &c);
    usage_seen_ = true;
    return;
  }
  if (usage_seen_)
    report(n, "", "/choices", "usage_last", "a choice chunk after the usage chunk", &c);
  for (size_t i = 0; i < choices.size(); ++i) {
    const auto& ch = choices[i];
    const std::string p = "/choices/" + std::to_string(i);
    const int index = ch["index"];
    const auto& delta = ch["delta"];
    const bool finishes = ch.contains("finish_reason") && !ch["finish_reason"].is_null();
    if (choices_.insert(index).second && (!delta.contains("role") || delta["role"] != "assistant"))
      report(n, "", p + "/delta/role", "role_first",
             "the first chunk of a choice must carry role \"assistant\"", &c);
    if (finish_.count(index)) {
      const bool text = delta.contains("content") && delta["content"].is_string() &&
                        !delta["content"].get<std::string>().empty();
      if (text || delta.contains("tool_calls") || finishes)
        report(n, "", p, "finish_reason",
               "choice " + std::to_string(index) + " continues after its finish_reason", &c);
    }
    if (delta.contains("content") && delta["content"].is_string())
      content_ += delta["content"].get<std::string>();
    if (delta.contains("tool_calls"))
      tool_calls(n, index, p + "/delta/tool_calls/", delta["tool_calls"], c);
    if (finishes) finish_[index] = ch["finish_reason"];
  }
  seen_chunk_ = true;
}

void FrameGrader::tool_calls(size_t n, int choice, const std::string& pointer, const json& calls,
                             const json& c) {
  for (size_t k = 0; k < calls.size(); ++k) {
    const auto& tc = calls[k];
    const std::string tp = pointer + std::to_string(k);
    const int index = tc["index"];
    const bool fresh = !calls_.count({choice, index});
    auto& call = calls_[{choice, index}];
    const std::string which = "tool call " + std::to_string(index);
    if (fresh) {
      if (!tc.contains("id"))
        report(n, "", tp + "/id", "tool_call_id",
               "the first delta of a tool call must carry its id", &c);
      if (!tc.contains("function") || !tc["function"].contains("name"))
        report(n, "", tp + "/function/name", "tool_call_name",
               "the first delta of a tool call must name the function", &c);
    } else if (tc.contains("id")) {
      report(n, "", tp + "/id", "tool_call_id",
             which + (tc["id"] != call.id ? " changes its id" : " repeats its id"), &c);
    }
    if (tc.contains("id") && call.id.empty()) call.id = tc["id"];
    if (tc.contains("function")) {
      const auto& fn = tc["function"];
      if (fn.contains("name") && call.name.empty()) call.name = fn["name"];
      if (fn.contains("arguments")) call.arguments += fn["arguments"].get<std::string>();
    }
  }
}

void FrameGrader::finish() {
  const bool chat = rules_.frame_schema == "chat_chunk";
  if (reader_.pending())
    report(0, "", "", "framing", "the stream ends inside an event (no blank line)");
  if (frames_ == 0 && bytes_ > 0)
    report(0, "", "", "framing", "no SSE event in " + std::to_string(bytes_) + " bytes");
  // Only news when no frame was reported already (a stream of nothing but the terminator).
  if (chat && !seen_chunk_ && frames_ > 0 && !over_budget_ && !reported_)
    report(0, "", "", "chunks", "no chat chunk in the stream");
  if (!rules_.terminator.empty() && !done_ && !over_budget_)
    report(0, "", "", "done", "the stream does not end with data: " + rules_.terminator);
  if (!chat || over_budget_) return;
  if (seen_chunk_ && finish_.empty()) {
    report(0, "", "", "finish_reason", "no chunk carries a finish_reason");
  } else {
    for (int index : choices_)
      if (!finish_.count(index))
        report(0, "", "", "finish_reason",
               "choice " + std::to_string(index) + " has no finish_reason");
  }
  if (rules_.usage_expected && seen_chunk_ && !usage_seen_)
    report(0, "", "", "usage", "stream_options.include_usage asked for a usage chunk; none came");
  if (!rules_.forced_tool.empty() && seen_chunk_) {
    for (int index : choices_) {
      bool called = false;
      for (const auto& [key, call] : calls_)
        called = called || (key.first == index && (rules_.forced_tool == "*" || call.name == rules_.forced_tool));
      if (!called)
        report(0, index ? "choice " + std::to_string(index) : "", "", "tool_choice",
               rules_.forced_tool == "*" ? "tool_choice \"required\" but no tool was called"
                                         : "tool_choice forced '" + rules_.forced_tool + "' but it was not called");
    }
  }
  finish_tool_calls();
}

// The arguments of each streamed call: JSON, for a tool of the request, valid against its
// parameters.
void FrameGrader::finish_tool_calls() {
  for (const auto& [key, call] : calls_) {
    const auto [choice, index] = key;
    const std::string part = (choice ? "choice " + std::to_string(choice) + " " : "") +
                             "tool call " + std::to_string(index);
    if (auto f = finish_.find(choice); f != finish_.end() && f->second != "tool_calls")
      report(0, part, "", "finish_reason", "tool calls streamed but finish_reason is " + f->second);
    const json args = json::parse(call.arguments, nullptr, false);
    if (args.is_discarded()) {
      report(0, part, "/function/arguments", "tool_arguments_json",
             "argument fragments do not concatenate to JSON: " + shorten(call.arguments, 100));
      continue;
    }
    if (!rules_.tools.is_array()) continue;
    const json* function = nullptr;
    for (const auto& t : rules_.tools)
      if (t.is_object() && t.contains("function") && t["function"].is_object() &&
          t["function"].value("name", "") == call.name)
        function = &t["function"];
    if (!function) {
      report(0, part, "/function/name", "tool_name",
             "no tool named '" + call.name + "' in the request");
      continue;
    }
    if (!function->contains("parameters")) continue;
    try {
      for (const auto& v : compile_schema((*function)["parameters"], &schemas_).validate(args))
        report(0, part, "/function/arguments" + v.pointer, "tool_arguments_schema",
               v.rule + ": " + v.message, &args);
    } catch (const std::exception& e) {
      report(0, part, "/function/parameters", "tool_parameters",
             std::string("not a usable schema: ") + e.what());
    }
  }
}

}  // namespace oxen
