#pragma once
// What a chat completion says, before it is framed as JSON or as a stream: token counting,
// the default text generator, and the answer itself.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxen::mock::chat {

// Token counting (an approximation, applied the same way to prompts and completions): a token is
// a run of ASCII letters and digits of at most 8 bytes, or one other non-space character (a whole
// UTF-8 sequence), together with the whitespace before it. Whitespace at the very end is a token
// of its own. The tokens of a text concatenate back to exactly that text.
std::vector<std::string_view> tokenize(std::string_view text);
size_t count_tokens(std::string_view text);
// The first `n` tokens of `text`, concatenated.
std::string first_tokens(std::string_view text, size_t n);

// The text of a message's content: the string itself, or its text parts joined by "\n".
std::string message_text(const nlohmann::json& message);

// Prompt tokens of a request: 1 + for each message (1 + tokens of its text + tokens of its
// name + tokens of each tool call's name and arguments + 85 per image part + 200 per video,
// audio or file part) + tokens of the tools' JSON text, when tools are given.
int count_prompt_tokens(const nlohmann::json& request);

// Plausible deterministic prose: whole sentences, about `target_tokens` tokens long (between half
// and one and a half times), decided by `seed` alone.
std::string generate_text(uint64_t seed, size_t target_tokens);

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
};

struct Completion {
  std::optional<std::string> content;  // nullopt renders as null
  std::vector<ToolCall> tool_calls;
  std::string finish_reason = "stop";
  int prompt_tokens = 0;
  int completion_tokens = 0;
};

// Completion tokens of an answer: its content plus each call's name and arguments.
int count_completion_tokens(const Completion& c);

// Applies `stop` sequences (content ends before the first one; finish "stop") and `max_tokens`
// (content cut to exactly that many tokens; finish "length").
void apply_limits(Completion& c, const std::vector<std::string>& stop, std::optional<int> max_tokens);

}  // namespace oxen::mock::chat
