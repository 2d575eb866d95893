#include "stream.hpp"

namespace oxen::mock::chat {

using nlohmann::json;

std::string sse_data(const std::string& data) { return "data: " + data + "\n\n"; }

std::vector<StreamFrame> stream_frames(const json& head, const std::vector<Completion>& choices,
                                       bool include_usage, const Pacing& pacing) {
  std::vector<StreamFrame> frames;
  size_t token = 0;
  auto due = [&](size_t k) {
    int64_t gap = pacing.tokens_per_second > 0 ? static_cast<int64_t>(1000.0 * static_cast<double>(k) / pacing.tokens_per_second) : 0;
    return pacing.first_token_ms + gap;
  };
  auto chunk = [&](json list) {
    json c = {{"id", head["id"]}, {"object", "chat.completion.chunk"}, {"created", head["created"]},
              {"model", head["model"]}, {"choices", std::move(list)}};
    if (include_usage) c["usage"] = nullptr;
    return c;
  };
  auto push = [&](const json& c, int64_t at) {
    frames.push_back({sse_data(c.dump(-1, ' ', false, json::error_handler_t::replace)), at});
  };

  int completion_tokens = 0;
  for (size_t index = 0; index < choices.size(); ++index) {
    const Completion& completion = choices[index];
    completion_tokens += completion.completion_tokens;
    auto delta = [&](json d, json finish = nullptr) {
      return chunk(json::array({{{"index", index}, {"delta", std::move(d)}, {"finish_reason", std::move(finish)}}}));
    };
    json first = {{"role", "assistant"}};
    if (completion.tool_calls.empty()) first["content"] = "";
    push(delta(first), due(token));
    if (completion.content)
      for (auto piece : tokenize(*completion.content)) push(delta({{"content", std::string(piece)}}), due(token++));
    for (size_t i = 0; i < completion.tool_calls.size(); ++i) {
      const auto& call = completion.tool_calls[i];
      push(delta({{"tool_calls", json::array({{{"index", i}, {"id", call.id}, {"type", "function"},
                                                 {"function", {{"name", call.name}, {"arguments", ""}}}}})}}),
           due(token++));
      for (auto piece : tokenize(call.arguments))
        push(delta({{"tool_calls", json::array({{{"index", i}, {"function", {{"arguments", std::string(piece)}}}}})}}),
             due(token++));
    }
    push(delta(json::object(), completion.finish_reason), due(token > 0 ? token - 1 : 0));
  }
  int64_t end = due(token > 0 ? token - 1 : 0);
  if (include_usage && !choices.empty()) {
    json last = chunk(json::array());
    int prompt = choices.front().prompt_tokens;
    last["usage"] = {{"prompt_tokens", prompt},
                     {"completion_tokens", completion_tokens},
                     {"total_tokens", prompt + completion_tokens}};
    push(last, end);
  }
  frames.push_back({sse_data("[DONE]"), end});
  return frames;
}

std::vector<StreamFrame> stream_frames(const json& head, const Completion& completion, bool include_usage,
                                       const Pacing& pacing) {
  return stream_frames(head, std::vector<Completion>{completion}, include_usage, pacing);
}

}  // namespace oxen::mock::chat
