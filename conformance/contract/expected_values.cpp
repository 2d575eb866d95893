#include "expected_values.hpp"

#include <algorithm>
#include <regex>
#include <vector>

#include "text.hpp"

namespace oxen {

namespace {

using nlohmann::json;

std::vector<std::string> pointer_tokens(const std::string& pointer) {
  std::vector<std::string> out;
  for (size_t at = 0; at < pointer.size();) {
    size_t end = pointer.find('/', at + 1);
    if (end == std::string::npos) end = pointer.size();
    std::string token;
    for (size_t i = at + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    out.push_back(std::move(token));
    at = end;
  }
  return out;
}

// The schema nodes that apply at tokens[i...] below `at`; every branch is followed, since the
// validator reports the keyword of whichever branch the value broke.
void nodes_at(JsonNode at, const std::vector<std::string>& tokens, size_t i, const DocumentLookup& lookup,
              std::vector<JsonNode>& out, int depth) {
  if (depth > 32) return;
  JsonNode n = resolve_ref_or_null(at, lookup);
  if (!n.node || !n.node->is_object()) return;
  const json& s = *n.node;
  auto below = [&](const json& child, size_t next) { nodes_at({&child, n.root}, tokens, next, lookup, out, depth + 1); };
  for (const char* key : {"allOf", "anyOf", "oneOf"})
    if (auto it = s.find(key); it != s.end() && it->is_array())
      for (const auto& branch : *it) below(branch, i);
  for (const char* key : {"if", "then", "else"})
    if (auto it = s.find(key); it != s.end()) below(*it, i);
  if (i == tokens.size()) {
    out.push_back(n);
    return;
  }
  const std::string& token = tokens[i];
  auto props = s.find("properties");
  if (props != s.end() && props->is_object() && props->contains(token)) {
    below((*props)[token], i + 1);
  } else if (auto extra = s.find("additionalProperties"); extra != s.end() && extra->is_object()) {
    below(*extra, i + 1);
  }
  if (auto items = s.find("items"); items != s.end() && !token.empty() &&
                                    token.find_first_not_of("0123456789") == std::string::npos) {
    if (items->is_object()) below(*items, i + 1);
    const size_t index = std::stoul(token);
    if (items->is_array() && index < items->size()) below((*items)[index], i + 1);
  }
}

std::string listed(const std::vector<json>& values) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < kListedEnumValues; ++i)
    out += (i ? ", " : "") + shorten(values[i].dump(-1, ' ', false, json::error_handler_t::replace), 60);
  if (values.size() > kListedEnumValues) out += ", … (" + std::to_string(values.size() - kListedEnumValues) + " more)";
  return out;
}

bool breaks_pattern(const std::string& pattern, const json& value) {
  if (!value.is_string()) return false;
  try {
    return !std::regex_search(value.get<std::string>(), std::regex(pattern));
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

std::string expected_values(const std::string& rule, JsonNode schema, const DocumentLookup& lookup,
                            const json& instance, const std::string& pointer) {
  if (rule != "enum" && rule != "const" && rule != "pattern") return "";
  const json* value = nullptr;
  try {
    value = &instance.at(json::json_pointer(pointer));
  } catch (const std::exception&) {
    return "";
  }
  std::vector<JsonNode> nodes;
  nodes_at(schema, pointer_tokens(pointer), 0, lookup, nodes, 0);
  std::vector<json> expected;  // allowed values, or patterns; each once
  auto add = [&](const json& v) {
    if (std::find(expected.begin(), expected.end(), v) == expected.end()) expected.push_back(v);
  };
  for (const auto& n : nodes) {
    auto it = n.node->find(rule);
    if (it == n.node->end()) continue;
    if (rule == "enum" && it->is_array() && std::find(it->begin(), it->end(), *value) == it->end())
      for (const auto& v : *it) add(v);
    if (rule == "const" && *it != *value) add(*it);
    if (rule == "pattern" && it->is_string() && breaks_pattern(*it, *value)) add(*it);
  }
  if (expected.empty()) return "";
  if (rule == "enum") return "allowed: " + listed(expected);
  if (rule == "const") return "expected: " + listed(expected);
  std::string patterns;
  for (const auto& p : expected) patterns += (patterns.empty() ? "" : " and ") + shorten(p.get<std::string>(), 120);
  return "pattern: " + patterns;
}

}  // namespace oxen
