#pragma once
// Frame-by-frame grading of a streamed chat completion, fed as the bytes arrive: `data:` framing,
// every chunk valid against chat_chunk, role first, one finish_reason per choice at the end, an
// optional usage chunk after it, [DONE] last, and tool-call deltas (id once per index, argument
// fragments that concatenate to JSON satisfying the tool's parameters).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "findings.hpp"
#include "sse_reader.hpp"

namespace oxen::conformance {

class StreamGrader {
 public:
  // `tools`: the request's tools array (their parameters judge the arguments), may be null.
  StreamGrader(Outcome& out, std::string subject, nlohmann::json tools = nullptr, size_t max_frames = 10000);

  // Returns false once the frame budget is spent (stop reading then).
  bool feed(std::string_view bytes);
  // End of stream: judges what must have happened by now.
  void finish();

  size_t frames() const { return frames_; }
  const std::string& content() const { return content_; }

 private:
  void frame(const SseEvent& e);
  void lint_lines(std::string_view bytes);
  void chunk(const nlohmann::json& c, const std::string& subj);

  Outcome& out_;
  std::string subject_;
  nlohmann::json tools_;
  size_t max_frames_;
  SseReader reader_;
  std::string partial_line_;  // for the line lint: every line must be an SSE field or comment
  size_t bad_lines_ = 0;
  size_t frames_ = 0, bytes_ = 0;
  bool done_ = false, over_budget_ = false, seen_chunk_ = false, usage_seen_ = false;
  std::string id_, content_;
  std::map<int, std::string> finish_;  // choice index -> finish_reason
  struct ToolCall {
    std::string id, name, arguments;
    size_t first_frame = 0;
  };
  std::map<int, ToolCall> calls_;
};

}  // namespace oxen::conformance
