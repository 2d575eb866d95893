#pragma once
// A chat completion as server-sent events: `data: {chunk}\n\n` frames, then `data: [DONE]\n\n`.
//   1. a delta with role "assistant" (and content "" for a text answer);
//   2. one delta per content token, or, per tool call, a delta with index, id, type, name and
//      empty arguments followed by deltas with only index and argument fragments;
//   3. an empty delta with finish_reason;
//   4. with include_usage, a chunk with empty choices and usage (and "usage": null on the others);
//   5. data: [DONE].
// Each frame has a due time (ms after the request) from the pacing: the first token after
// first_token_ms, then one token every 1000 / tokens_per_second ms.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "completion.hpp"

namespace oxen::mock::chat {

struct Pacing {
  int64_t first_token_ms = 0;
  double tokens_per_second = 0;  // 0: no delay between tokens
};

struct StreamFrame {
  std::string bytes;   // a whole SSE event, blank line included
  int64_t due_ms = 0;  // after the start of the request, on the mock's clock
};

// `head` holds id, created and model of the completion. With several choices (`n`), each
// choice's frames follow the previous one's (each chunk names its choice index); the usage
// chunk sums the completion tokens of all of them.
std::vector<StreamFrame> stream_frames(const nlohmann::json& head, const std::vector<Completion>& choices,
                                       bool include_usage, const Pacing& pacing);
std::vector<StreamFrame> stream_frames(const nlohmann::json& head, const Completion& completion,
                                       bool include_usage, const Pacing& pacing);

std::string sse_data(const std::string& data);  // "data: <data>\n\n"

}  // namespace oxen::mock::chat
