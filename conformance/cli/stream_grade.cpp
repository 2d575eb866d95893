#include "stream_grade.hpp"

namespace oxen::conformance {

using nlohmann::json;

StreamGrader::StreamGrader(Outcome& out, std::string subject, json tools, size_t max_frames)
    : out_(out), subject_(std::move(subject)), tools_(std::move(tools)), max_frames_(max_frames) {}

// The reader drops lines that are not fields (e.g. a frame that lost its "data: " prefix), so
// the framing is also linted line by line: each line is blank, a comment, or a known field.
void StreamGrader::lint_lines(std::string_view bytes) {
  for (char ch : bytes) {
    if (ch != '\n' && ch != '\r') {
      if (partial_line_.size() < 200) partial_line_ += ch;
      continue;
    }
    const std::string& l = partial_line_;
    bool ok = l.empty() || l[0] == ':';
    for (const char* field : {"data", "event", "id", "retry"}) {
      std::string f = field;
      if (l == f || l.rfind(f + ":", 0) == 0) ok = true;
    }
    if (!ok && ++bad_lines_ <= 3)
      out_.failure(subject_ + " after frame " + std::to_string(frames_), "", "framing",
                   "a line that is not an SSE field: " + shorten(l, 80));
    partial_line_.clear();
  }
}

bool StreamGrader::feed(std::string_view bytes) {
  bytes_ += bytes.size();
  lint_lines(bytes);
  for (const auto& e : reader_.feed(bytes)) {
    if (over_budget_) break;
    frame(e);
  }
  return !over_budget_;
}

void StreamGrader::frame(const SseEvent& e) {
  if (e.data.empty() && !e.comments.empty()) return;  // keep-alive comment
  ++frames_;
  if (frames_ > max_frames_) {
    over_budget_ = true;
    out_.failure(subject_, "", "budget", "more than " + std::to_string(max_frames_) + " frames");
    return;
  }
  const std::string subj = subject_ + " frame " + std::to_string(frames_);
  if (done_) return out_.failure(subj, "", "done_last", "a frame after data: [DONE]");
  if (e.data.empty()) return out_.failure(subj, "", "framing", "an event without a data: field");
  if (!e.event.empty() && e.event != "message")
    out_.failure(subj, "", "framing", "unexpected event: " + e.event);
  if (e.data == "[DONE]") {
    done_ = true;
    return;
  }
  auto c = json::parse(e.data, nullptr, false);
  if (c.is_discarded()) return out_.failure(subj, "", "json", "data is not JSON: " + shorten(e.data, 100));
  if (!out_.check_schema(SchemaStore::builtin(), "chat_chunk", subj, c)) return;
  chunk(c, subj);
}

void StreamGrader::chunk(const json& c, const std::string& subj) {
  if (id_.empty()) id_ = c["id"];
  else if (c["id"] != id_) out_.failure(subj, "/id", "chunk_id", "chunks of one stream carry different ids", &c);

  const auto& choices = c["choices"];
  if (choices.empty()) {
    // The usage chunk: after every choice finished, carrying usage.
    if (!c.contains("usage") || c["usage"].is_null())
      out_.failure(subj, "/choices", "empty_choices", "a chunk with no choices and no usage", &c);
    else if (finish_.empty())
      out_.failure(subj, "/usage", "usage_last", "usage chunk before any finish_reason", &c);
    usage_seen_ = true;
    return;
  }
  if (usage_seen_) out_.failure(subj, "/choices", "usage_last", "a choice chunk after the usage chunk", &c);
  for (size_t i = 0; i < choices.size(); ++i) {
    const auto& ch = choices[i];
    std::string p = "/choices/" + std::to_string(i);
    int index = ch["index"];
    const auto& delta = ch["delta"];
    if (!seen_chunk_ && (!delta.contains("role") || delta["role"] != "assistant"))
      out_.failure(subj, p + "/delta/role", "role_first", "the first chunk must carry role \"assistant\"", &c);
    if (finish_.count(index)) {
      bool carries = (delta.contains("content") && delta["content"].is_string() && !delta["content"].get<std::string>().empty()) ||
                     delta.contains("tool_calls") ||
                     (ch.contains("finish_reason") && !ch["finish_reason"].is_null());
      if (carries)
        out_.failure(subj, p, "finish_reason", "choice " + std::to_string(index) + " continues after its finish_reason", &c);
    }
    if (delta.contains("content") && delta["content"].is_string()) content_ += delta["content"].get<std::string>();
    if (delta.contains("tool_calls")) {
      const auto& calls = delta["tool_calls"];
      for (size_t k = 0; k < calls.size(); ++k) {
        const auto& tc = calls[k];
        std::string tp = p + "/delta/tool_calls/" + std::to_string(k);
        int ti = tc["index"];
        bool fresh = !calls_.count(ti);
        auto& call = calls_[ti];
        if (fresh) {
          call.first_frame = frames_;
          if (!tc.contains("id")) out_.failure(subj, tp + "/id", "tool_call_id", "the first delta of a tool call must carry its id", &c);
          if (!tc.contains("function") || !tc["function"].contains("name"))
            out_.failure(subj, tp + "/function/name", "tool_call_name", "the first delta of a tool call must name the function", &c);
        } else if (tc.contains("id") && tc["id"] != call.id) {
          out_.failure(subj, tp + "/id", "tool_call_id", "tool call " + std::to_string(ti) + " changes its id", &c);
        } else if (tc.contains("id")) {
          out_.failure(subj, tp + "/id", "tool_call_id", "tool call " + std::to_string(ti) + " repeats its id", &c);
        }
        if (tc.contains("id") && call.id.empty()) call.id = tc["id"];
        if (tc.contains("function")) {
          const auto& fn = tc["function"];
          if (fn.contains("name") && call.name.empty()) call.name = fn["name"];
          if (fn.contains("arguments")) call.arguments += fn["arguments"].get<std::string>();
        }
      }
    }
    if (ch.contains("finish_reason") && !ch["finish_reason"].is_null()) finish_[index] = ch["finish_reason"];
  }
  seen_chunk_ = true;
}

void StreamGrader::finish() {
  const std::string subj = subject_;
  if (reader_.pending()) out_.failure(subj, "", "framing", "the stream ends inside an event (no blank line)");
  if (frames_ == 0 && bytes_ > 0) out_.failure(subj, "", "framing", "no SSE event in " + std::to_string(bytes_) + " bytes");
  if (!seen_chunk_ && frames_ > 0 && !over_budget_) out_.failure(subj, "", "chunks", "no chat chunk in the stream");
  if (!done_ && !over_budget_) out_.failure(subj, "", "done", "the stream does not end with data: [DONE]");
  if (seen_chunk_ && finish_.empty()) out_.failure(subj, "", "finish_reason", "no chunk carries a finish_reason");
  for (const auto& [index, call] : calls_) {
    std::string where = subj + " tool call " + std::to_string(index);
    if (!finish_.empty() && finish_.begin()->second != "tool_calls")
      out_.failure(where, "", "finish_reason", "tool calls streamed but finish_reason is " + finish_.begin()->second);
    auto args = json::parse(call.arguments, nullptr, false);
    if (args.is_discarded()) {
      out_.failure(where, "/function/arguments", "tool_arguments_json",
                   "argument fragments do not concatenate to JSON: " + shorten(call.arguments, 100));
      continue;
    }
    const json* params = nullptr;
    if (tools_.is_array())
      for (const auto& t : tools_)
        if (t.contains("function") && t["function"].value("name", "") == call.name && t["function"].contains("parameters"))
          params = &t["function"]["parameters"];
    if (tools_.is_array() && !params) {
      out_.failure(where, "/function/name", "tool_name", "no tool named '" + call.name + "' in the request");
      continue;
    }
    if (!params) continue;
    for (const auto& v : compile_schema(*params, &SchemaStore::builtin()).validate(args))
      out_.failure(where, "/function/arguments" + v.pointer, "tool_arguments_schema",
                   v.rule + ": " + v.message, &args);
  }
}

}  // namespace oxen::conformance
