#include "state_machine.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "embedded.hpp"

namespace oxen {

StateMachine::StateMachine(const nlohmann::json& table) {
  name_ = table.at("name").get<std::string>();
  for (const auto& s : table.at("states")) states_.insert(s.get<std::string>());
  for (const auto& s : table.value("terminal", nlohmann::json::array())) {
    if (!states_.count(s)) throw std::invalid_argument("terminal state not declared: " + s.dump());
    terminal_.insert(s.get<std::string>());
  }
  for (const auto& t : table.at("transitions")) {
    Transition tr{t.at("from"), t.at("on"), t.at("to")};
    for (const auto* s : {&tr.from, &tr.to})
      if (!states_.count(*s)) throw std::invalid_argument("state not declared: " + *s);
    transitions_.push_back(std::move(tr));
  }
}

std::optional<std::string> StateMachine::next(const std::string& from, const std::string& on) const {
  for (const auto& t : transitions_)
    if (t.from == from && t.on == on) return t.to;
  return std::nullopt;
}

bool StateMachine::legal(const std::string& from, const std::string& to) const {
  if (from == to) return is_state(from);
  for (const auto& t : transitions_)
    if (t.from == from && t.to == to) return true;
  return false;
}

const StateMachine& StateMachine::builtin(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<StateMachine>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return *it->second;
  const std::string path = "state_machines/" + name + ".json";
  for (const auto& file : embedded_schemas()) {
    if (file.path == path) {
      auto machine = std::make_unique<StateMachine>(nlohmann::json::parse(file.data));
      return *cache.emplace(name, std::move(machine)).first->second;
    }
  }
  throw std::out_of_range("no state machine named '" + name + "'");
}

}  // namespace oxen
