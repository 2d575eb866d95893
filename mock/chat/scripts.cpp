#include "scripts.hpp"

#include <algorithm>

#include "../world/fixtures.hpp"
#include "completion.hpp"
#include "../../conformance/contract/text.hpp"

namespace oxen::mock::chat {

namespace {

}  // namespace

TextMatcher::TextMatcher(const nlohmann::json& spec) : ignore_case_(spec.value("ignore_case", false)) {
  if (spec.contains("exact")) {
    kind_ = Kind::exact;
    text_ = spec["exact"];
  } else if (spec.contains("contains")) {
    kind_ = Kind::contains;
    text_ = spec["contains"];
  } else {
    kind_ = Kind::regex;
    text_ = spec.value("regex", "");
    auto flags = std::regex::ECMAScript;
    if (ignore_case_) flags |= std::regex::icase;
    regex_ = std::regex(text_, flags);
  }
  if (ignore_case_ && kind_ != Kind::regex) text_ = ascii_lower(text_);
}

bool TextMatcher::matches(const std::string& text) const {
  switch (kind_) {
    case Kind::exact: return (ignore_case_ ? ascii_lower(text) : text) == text_;
    case Kind::contains: return (ignore_case_ ? ascii_lower(text) : text).find(text_) != std::string::npos;
    case Kind::regex: return std::regex_search(text, regex_);
  }
  return false;
}

Transcript Transcript::of(const nlohmann::json& request) {
  Transcript t;
  t.model = request.value("model", "");
  const auto messages = request.value("messages", nlohmann::json::array());
  for (const auto& m : messages) {
    std::string role = m.value("role", "");
    if (role == "user") t.last_user = message_text(m);
    else if (role == "system") {
      if (!t.system.empty()) t.system += '\n';
      t.system += message_text(m);
    }
    else if (role == "assistant") ++t.turn;
  }
  if (!messages.empty() && messages.back().value("role", "") == "tool") t.tool_result = message_text(messages.back());
  if (request.contains("tools") && request["tools"].is_array())
    for (const auto& tool : request["tools"])
      if (tool.contains("function") && tool["function"].contains("name")) t.tools.push_back(tool["function"]["name"]);
  return t;
}

ChatScripts::ChatScripts(const nlohmann::json& fixture) {
  const auto rules = fixture.value("rules", nlohmann::json::array());
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string pointer = "/rules/" + std::to_string(i);
    ScriptRule rule;
    rule.name = r.value("name", "rule " + std::to_string(i));
    const auto& when = r["when"];
    try {
      if (when.contains("model")) rule.model = when["model"];
      if (when.contains("last_user")) rule.last_user.emplace(when["last_user"]);
      if (when.contains("system")) rule.system.emplace(when["system"]);
      if (when.contains("tool_result")) rule.tool_result.emplace(when["tool_result"]);
    } catch (const std::regex_error& e) {
      throw FixtureError("chat_scripts.json", pointer + "/when", std::string("bad regex: ") + e.what());
    }
    if (when.contains("tool")) rule.tool = when["tool"];
    if (when.contains("turn")) rule.turn = when["turn"].get<int>();
    const auto& then = r["then"];
    if (then.contains("content")) {
      rule.has_content = true;
      if (then["content"].is_string()) rule.content = then["content"];
    }
    if (then.contains("tool_calls"))
      for (const auto& call : then["tool_calls"]) {
        ScriptedCall c;
        c.name = call["name"];
        if (call.contains("arguments")) c.arguments = call["arguments"];
        rule.tool_calls.push_back(std::move(c));
      }
    rules_.push_back(std::move(rule));
  }
}

const ScriptRule* ChatScripts::match(const Transcript& t) const {
  for (const auto& rule : rules_) {
    if (rule.model && *rule.model != t.model) continue;
    if (rule.last_user && (!t.last_user || !rule.last_user->matches(*t.last_user))) continue;
    if (rule.system && !rule.system->matches(t.system)) continue;
    if (rule.tool_result && (!t.tool_result || !rule.tool_result->matches(*t.tool_result))) continue;
    if (rule.tool && std::find(t.tools.begin(), t.tools.end(), *rule.tool) == t.tools.end()) continue;
    if (rule.turn && *rule.turn != t.turn) continue;
    return &rule;
  }
  return nullptr;
}

}  // namespace oxen::mock::chat
