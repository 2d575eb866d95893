#pragma once
// A state machine declared as data (schemas/state_machines/*.json): the mock follows it, and the
// conformance checks judge observed transitions by it.
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace oxen {

class StateMachine {
 public:
  struct Transition {
    std::string from, on, to;
  };

  // Throws std::invalid_argument when the table names an undeclared state.
  explicit StateMachine(const nlohmann::json& table);
  // A machine compiled into the binary, by name ("deployment", "generation").
  static const StateMachine& builtin(const std::string& name);

  // The state reached from `from` on `on` (an action or an event), if the table allows it.
  std::optional<std::string> next(const std::string& from, const std::string& on) const;
  // Whether an observer may see `from` followed by `to` (staying put is always legal).
  bool legal(const std::string& from, const std::string& to) const;
  bool is_state(const std::string& s) const { return states_.count(s) != 0; }
  bool is_terminal(const std::string& s) const { return terminal_.count(s) != 0; }

  const std::string& name() const { return name_; }
  const std::vector<Transition>& transitions() const { return transitions_; }
  const std::set<std::string>& states() const { return states_; }

 private:
  std::string name_;
  std::set<std::string> states_, terminal_;
  std::vector<Transition> transitions_;
};

}  // namespace oxen
