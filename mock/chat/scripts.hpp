#pragma once
// Chat scripts (fixtures/chat_scripts.json): rules that decide the answer to a transcript. The
// first rule whose every condition holds wins; no rule matching means generated text.
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace oxen::mock::chat {

class TextMatcher {
 public:
  // `spec` is {exact|contains|regex, ignore_case?}; throws std::regex_error on a bad regex.
  explicit TextMatcher(const nlohmann::json& spec);
  bool matches(const std::string& text) const;

 private:
  enum class Kind { exact, contains, regex } kind_ = Kind::exact;
  std::string text_;
  bool ignore_case_ = false;
  std::regex regex_;
};

struct ScriptedCall {
  std::string name;
  std::optional<nlohmann::json> arguments;  // generated from the tool's schema when absent
};

struct ScriptRule {
  std::string name;
  // Conditions (all that are given must hold).
  std::optional<std::string> model;
  std::optional<TextMatcher> last_user, system, tool_result;
  std::optional<std::string> tool;
  std::optional<int> turn;
  // Answer.
  bool has_content = false;
  std::optional<std::string> content;  // nullopt with has_content: null
  std::vector<ScriptedCall> tool_calls;
};

// The facts of a request that rules look at.
struct Transcript {
  std::string model;
  std::optional<std::string> last_user;    // text of the last user message
  std::string system;                      // system messages' text, joined by "\n"
  std::optional<std::string> tool_result;  // content of the last message when it is a tool result
  std::vector<std::string> tools;          // names of the offered tools
  int turn = 0;                            // assistant messages so far

  static Transcript of(const nlohmann::json& request);
};

class ChatScripts {
 public:
  ChatScripts() = default;
  // `fixture` is chat_scripts.json (already schema-checked). Throws FixtureError naming the rule
  // when a regex does not compile.
  explicit ChatScripts(const nlohmann::json& fixture);

  const ScriptRule* match(const Transcript& t) const;
  size_t size() const { return rules_.size(); }

 private:
  std::vector<ScriptRule> rules_;
};

}  // namespace oxen::mock::chat
