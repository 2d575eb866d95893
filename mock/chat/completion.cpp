#include "completion.hpp"

#include <algorithm>

#include "../core/rng.hpp"

namespace oxen::mock::chat {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

constexpr size_t kMaxRun = 8;

constexpr const char* kNouns[] = {
    "answer", "dataset", "model", "river", "question", "pattern", "garden", "signal", "record",
    "version", "ox", "field", "library", "harvest", "bridge", "journey", "lantern", "schema",
    "request", "summary", "detail", "result", "window", "mountain", "branch", "season"};
constexpr const char* kVerbs[] = {
    "shows", "follows", "keeps", "builds", "explains", "carries", "describes", "shapes",
    "reveals", "measures", "supports", "connects", "tracks", "gathers", "balances", "guides"};
constexpr const char* kAdjectives[] = {
    "steady", "careful", "bright", "quiet", "useful", "simple", "clear", "patient", "small",
    "reliable", "gentle", "curious", "honest", "broad", "early", "familiar"};
constexpr const char* kLinks[] = {"In short,", "Put simply,", "For example,", "In practice,",
                                  "As a rule,", "Over time,", "Meanwhile,", "Above all,"};

template <size_t N>
std::string pick(const char* const (&list)[N], Rng& rng) {
  return list[rng.below(N)];
}

std::string sentence(Rng& rng, bool first) {
  std::string s;
  if (!first && rng.below(3) == 0) s = pick(kLinks, rng) + " the ";
  else s = "The ";
  s += pick(kAdjectives, rng) + " " + pick(kNouns, rng) + " " + pick(kVerbs, rng) + " the " +
       pick(kNouns, rng);
  switch (rng.below(4)) {
    case 0: s += " of the " + pick(kAdjectives, rng) + " " + pick(kNouns, rng); break;
    case 1: s += " and " + pick(kVerbs, rng) + " a " + pick(kNouns, rng); break;
    case 2: s += ", " + pick(kAdjectives, rng) + " and " + pick(kAdjectives, rng); break;
    default: break;
  }
  s += ".";
  return s;
}

}  // namespace

std::vector<std::string_view> tokenize(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && is_space(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) {
      out.push_back(text.substr(start));
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (is_alnum(c)) {
      size_t run = 0;
      while (i < text.size() && run < kMaxRun && is_alnum(static_cast<unsigned char>(text[i]))) ++i, ++run;
    } else {
      i = std::min(text.size(), i + utf8_length(c));
    }
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

size_t count_tokens(std::string_view text) { return tokenize(text).size(); }

std::string first_tokens(std::string_view text, size_t n) {
  auto tokens = tokenize(text);
  if (n >= tokens.size()) return std::string(text);
  size_t length = 0;
  for (size_t i = 0; i < n; ++i) length += tokens[i].size();
  return std::string(text.substr(0, length));
}

std::string message_text(const nlohmann::json& message) {
  if (!message.is_object() || !message.contains("content")) return {};
  const auto& content = message["content"];
  if (content.is_string()) return content;
  std::string out;
  if (!content.is_array()) return out;
  for (const auto& part : content) {
    if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") || !part["text"].is_string())
      continue;
    if (!out.empty()) out += '\n';
    out += part["text"].get<std::string>();
  }
  return out;
}

int count_prompt_tokens(const nlohmann::json& request) {
  size_t total = 1;
  for (const auto& m : request.value("messages", nlohmann::json::array())) {
    total += 1 + count_tokens(message_text(m));
    if (m.contains("name") && m["name"].is_string()) total += count_tokens(m["name"].get<std::string>());
    if (m.contains("content") && m["content"].is_array())
      for (const auto& part : m["content"]) {
        std::string type = part.is_object() ? part.value("type", "") : "";
        if (type == "image_url") total += 85;
        else if (type == "video_url" || type == "audio_url" || type == "file") total += 200;
      }
    if (m.contains("tool_calls") && m["tool_calls"].is_array())
      for (const auto& call : m["tool_calls"]) {
        const auto fn = call.value("function", nlohmann::json::object());
        total += count_tokens(fn.value("name", "")) + count_tokens(fn.value("arguments", ""));
      }
  }
  if (request.contains("tools") && request["tools"].is_array() && !request["tools"].empty())
    total += count_tokens(request["tools"].dump());
  return static_cast<int>(total);
}

std::string generate_text(uint64_t seed, size_t target_tokens) {
  Rng rng(seed, "chat-text");
  size_t low = std::max<size_t>(1, target_tokens / 2), high = std::max<size_t>(low, target_tokens * 3 / 2);
  size_t want = static_cast<size_t>(rng.between(static_cast<int64_t>(low), static_cast<int64_t>(high)));
  std::string text;
  while (count_tokens(text) < want) {
    bool first = text.empty();
    if (!first) text += ' ';
    text += sentence(rng, first);
  }
  return text;
}

int count_completion_tokens(const Completion& c) {
  size_t total = c.content ? count_tokens(*c.content) : 0;
  for (const auto& call : c.tool_calls) total += count_tokens(call.name) + count_tokens(call.arguments);
  return static_cast<int>(total);
}

void apply_limits(Completion& c, const std::vector<std::string>& stop, std::optional<int> max_tokens) {
  if (!c.content) return;
  size_t cut = std::string::npos;
  for (const auto& s : stop)
    if (!s.empty()) cut = std::min(cut, c.content->find(s));
  if (cut != std::string::npos) {
    c.content->resize(cut);
    c.finish_reason = "stop";
  }
  if (max_tokens && *max_tokens >= 0 && count_tokens(*c.content) > static_cast<size_t>(*max_tokens)) {
    *c.content = first_tokens(*c.content, static_cast<size_t>(*max_tokens));
    c.finish_reason = "length";
  }
}

}  // namespace oxen::mock::chat
