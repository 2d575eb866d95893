#include "faults.hpp"

#include "../../conformance/contract/redact.hpp"

#include <sstream>
#include <stdexcept>

namespace oxen::mock {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

int64_t parse_int(const std::string& key, const std::string& value, int64_t lo, int64_t hi) {
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || n < lo || n > hi)
    throw std::invalid_argument(key + ": expected an integer from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + ", got '" + value + "'");
  return n;
}

}  // namespace

bool FaultAction::empty() const {
  return status == 0 && delay_ms == 0 && !drop && cut_after_chunk < 0 && malformed_at_chunk < 0 &&
         pace_ms == 0;
}

nlohmann::json FaultAction::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (status) j["status"] = status;
  if (retry_after_s >= 0) j["retry_after"] = retry_after_s;
  if (delay_ms) j["delay_ms"] = delay_ms;
  if (drop) j["drop"] = true;
  if (cut_after_chunk >= 0) j["cut_after_chunk"] = cut_after_chunk;
  if (malformed_at_chunk >= 0) j["malformed_at_chunk"] = malformed_at_chunk;
  if (pace_ms) j["pace_ms"] = pace_ms;
  return j;
}

std::string FaultAction::describe() const {
  std::string out;
  const auto fields = to_json();
  for (const auto& [key, value] : fields.items()) {
    if (!out.empty()) out.append("; ");
    out.append(key);
    if (!value.is_boolean()) out.append("=").append(value.dump());
  }
  return out;
}

nlohmann::json FaultRule::to_json() const {
  nlohmann::json m = nlohmann::json::object();
  if (match.method) m["method"] = *match.method;
  if (match.path) m["path"] = *match.path;
  if (match.model) m["model"] = *match.model;
  if (match.api_key) m["api_key"] = kRedacted;
  if (match.nth) m["nth"] = match.nth;
  if (match.probability < 1.0) m["probability"] = match.probability;
  return {{"id", id},           {"match", m},          {"action", action.to_json()},
          {"times", times},     {"matched", matched},  {"fired", fired}};
}

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative wildcard matching with one backtrack point: linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p, ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

FaultRule parse_fault_rule(const nlohmann::json& spec) {
  FaultRule rule;
  const auto match = spec.value("match", nlohmann::json::object());
  auto opt = [&](const char* key) -> std::optional<std::string> {
    if (!match.contains(key)) return std::nullopt;
    return match[key].get<std::string>();
  };
  rule.match.method = opt("method");
  rule.match.path = opt("path");
  rule.match.model = opt("model");
  rule.match.api_key = opt("api_key");
  rule.match.nth = match.value("nth", 0);
  rule.match.probability = match.value("probability", 1.0);
  const auto action = spec.value("action", nlohmann::json::object());
  rule.action.status = action.value("status", 0);
  rule.action.retry_after_s = action.value("retry_after", -1);
  rule.action.delay_ms = action.value("delay_ms", int64_t{0});
  rule.action.drop = action.value("drop", false);
  rule.action.cut_after_chunk = action.value("cut_after_chunk", -1);
  rule.action.malformed_at_chunk = action.value("malformed_at_chunk", -1);
  rule.action.pace_ms = action.value("pace_ms", int64_t{0});
  if (rule.action.empty()) throw std::invalid_argument("/action: names no fault");
  rule.times = spec.value("times", -1);
  return rule;
}

FaultAction parse_fault_header(const std::string& header) {
  FaultAction a;
  std::stringstream parts(header);
  std::string part;
  while (std::getline(parts, part, ';')) {
    part = trim(part);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key = trim(part.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : trim(part.substr(eq + 1));
    if (key == "drop" && eq == std::string::npos) {
      a.drop = true;
    } else if (eq == std::string::npos) {
      throw std::invalid_argument(key + ": expected key=value");
    } else if (key == "status") {
      a.status = static_cast<int>(parse_int(key, value, 400, 599));
    } else if (key == "retry_after") {
      a.retry_after_s = static_cast<int>(parse_int(key, value, 0, 86400));
    } else if (key == "delay_ms") {
      a.delay_ms = parse_int(key, value, 0, 600'000);
    } else if (key == "cut_after") {
      a.cut_after_chunk = static_cast<int>(parse_int(key, value, 0, 1'000'000));
    } else if (key == "malformed_at") {
      a.malformed_at_chunk = static_cast<int>(parse_int(key, value, 1, 1'000'000));
    } else if (key == "pace_ms") {
      a.pace_ms = parse_int(key, value, 0, 60'000);
    } else {
      throw std::invalid_argument("unknown key '" + key + "'");
    }
  }
  if (a.empty()) throw std::invalid_argument("names no fault");
  return a;
}

std::string Faults::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  if (rule.id.empty()) rule.id = "fault-" + std::to_string(next_id_++);
  rules_.push_back(rule);
  return rule.id;
}

bool Faults::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(rules_.begin(), rules_.end(), [&](const auto& r) { return r.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  rng_ = Rng(seed_, "faults");
  next_id_ = 1;
}

std::vector<FaultRule> Faults::list() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<FaultAction> Faults::pick(const FaultCall& call) {
  std::lock_guard lock(mutex_);
  std::optional<FaultAction> chosen;
  for (auto& rule : rules_) {
    const auto& m = rule.match;
    if (m.method && *m.method != call.method) continue;
    if (m.path && !glob_match(*m.path, call.path)) continue;
    if (m.model && *m.model != call.model) continue;
    if (m.api_key && *m.api_key != call.api_key) continue;
    ++rule.matched;
    if (chosen) continue;
    if (rule.times >= 0 && rule.fired >= rule.times) continue;
    if (m.nth > 0 && rule.matched != m.nth) continue;
    if (m.probability < 1.0 && rng_.unit() >= m.probability) continue;
    ++rule.fired;
    chosen = rule.action;
  }
  return chosen;
}

}  // namespace oxen::mock
