#pragma once
// The project's one grader of server-sent event streams, fed bytes as they arrive: the harness
// grades what a server sends with it, the mock its own output (--self-check). Every line is an SSE
// field or a comment, every frame is JSON valid against the schema its operation declares for it,
// and the terminator comes last. Chat completion streams (frames of chat_chunk) follow the chat
// rules too: one id per stream, role "assistant" first in each choice, one finish_reason per choice
// and nothing after it, the usage chunk (empty choices) after the finish, and tool-call deltas that
// carry the id and name once, in the first delta of each call, with argument fragments that
// concatenate to JSON satisfying the tool's parameters.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "sse_reader.hpp"
#include "violation.hpp"

namespace oxen {

struct Operation;
class SchemaStore;

// What the frames of one stream must be.
struct StreamRules {
  std::string
      frame_schema;  // of each frame without an event name; "chat_chunk": the chat rules too
  std::map<std::string, std::string> event_schemas;  // `event:` name -> schema of its data
  std::string terminator;  // data of the last frame, e.g. "[DONE]" ("" = none)
  nlohmann::json
      tools;  // a chat request's tools, whose parameters judge the arguments (null = unknown)
  size_t max_frames = 0;  // frames graded before giving up (0 = no limit)
  bool usage_expected = false;  // the request asked for a usage chunk (stream_options.include_usage)
  std::string forced_tool;      // the request forced this tool (tool_choice); "*" = any (required)

  static StreamRules chat(nlohmann::json tools = nullptr, size_t max_frames = 0);
  // As `operation` declares its text/event-stream answer in schemas/openapi.json.
  static StreamRules of(const Operation& operation, nlohmann::json tools = nullptr);
  // What the chat request asks of its stream: its tools, a usage chunk, a forced tool call.
  StreamRules& asked_by(const nlohmann::json& request);
};

struct StreamFinding {
  size_t frame =
      0;  // the frame it is about (from 1, keep-alive comments not counted); 0 = the stream
  std::string
      part;  // what else it is about ("tool call 0", "after frame 3"), "" = the frame or stream
  Violation violation;                  // its pointer points into `value`
  std::optional<nlohmann::json> value;  // the frame's JSON or a tool call's arguments, for excerpts
};

class FrameGrader {
 public:
  using OnFinding = std::function<void(const StreamFinding&)>;
  // Each frame's JSON with the schema it was checked against, right after its schema findings.
  using OnFrame =
      std::function<void(size_t frame, const std::string& schema, const nlohmann::json& data)>;

  FrameGrader(const SchemaStore& schemas, StreamRules rules, OnFinding on_finding,
              OnFrame on_frame = {});

  // Returns false once the frame budget is spent (stop reading then).
  bool feed(std::string_view bytes);
  // The stream has ended on its own: judges what must have happened by then. A stream cut short
  // (a fault, a client gone) is not asked to have finished.
  void finish();

  size_t frames() const { return frames_; }
  const std::string& content() const { return content_; }  // the content deltas, joined

 private:
  void lint_lines(std::string_view bytes);
  void frame(const SseEvent& event);
  void chunk(size_t frame, const nlohmann::json& c);
  void tool_calls(size_t frame, int choice, const std::string& pointer, const nlohmann::json& calls,
                  const nlohmann::json& c);
  void finish_tool_calls();
  void report(size_t frame, std::string part, std::string pointer, std::string rule,
              std::string message, const nlohmann::json* value = nullptr);

  const SchemaStore& schemas_;
  StreamRules rules_;
  OnFinding on_finding_;
  OnFrame on_frame_;
  SseReader reader_;
  std::string partial_line_;  // for the line lint: the reader drops lines that are not fields
  size_t bad_lines_ = 0, frames_ = 0, bytes_ = 0;
  bool done_ = false, over_budget_ = false, reported_ = false;
  // Chat rules.
  bool seen_chunk_ = false, usage_seen_ = false;
  std::string id_, content_;
  std::map<int, std::string> finish_;  // choice index -> finish_reason
  std::set<int> choices_;              // every choice index seen
  struct ToolCall {
    std::string id, name, arguments;
  };
  std::map<std::pair<int, int>, ToolCall> calls_;  // (choice, tool call index) -> what it streamed
};

}  // namespace oxen
