#include "model_rules.hpp"

#include <cmath>

#include "../core/api_error.hpp"

namespace oxen::mock {

namespace {

using json = nlohmann::json;

std::vector<std::string> tokens_of(const std::string& pointer) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    size_t end = pointer.find('/', at + 1);
    if (end == std::string::npos) end = pointer.size();
    std::string token = pointer.substr(at + 1, end - at - 1);
    std::string plain;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size()) {
        plain += token[++i] == '1' ? '/' : '~';
      } else {
        plain += token[i];
      }
    }
    out.push_back(std::move(plain));
    at = end;
  }
  return out;
}

// Whether pointer `p` matches `pattern`, where a `*` token matches any one token.
bool matches(const std::string& pattern, const std::string& p) {
  auto want = tokens_of(pattern), have = tokens_of(p);
  if (want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (want[i] != "*" && want[i] != have[i]) return false;
  return true;
}

struct Found {
  std::string pointer;
  const json* value;
};

// Every value of `doc` at `pattern`.
void collect(const json& doc, const std::vector<std::string>& tokens, size_t i, const std::string& at,
             std::vector<Found>& out) {
  if (i == tokens.size()) {
    out.push_back({at, &doc});
    return;
  }
  const std::string& t = tokens[i];
  if (doc.is_array()) {
    for (size_t k = 0; k < doc.size(); ++k)
      if (t == "*" || t == std::to_string(k)) collect(doc[k], tokens, i + 1, at + "/" + std::to_string(k), out);
  } else if (doc.is_object()) {
    for (const auto& [key, value] : doc.items())
      if (t == "*" || t == key) collect(value, tokens, i + 1, at + "/" + escape_pointer_token(key), out);
  }
}

std::vector<Found> find_all(const json& doc, const std::string& pattern) {
  std::vector<Found> out;
  collect(doc, tokens_of(pattern), 0, "", out);
  return out;
}

// A value counts as given when it is neither null nor an empty array.
bool given(const json& v) { return !v.is_null() && !(v.is_array() && v.empty()); }

std::string plain(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())
    return std::to_string(static_cast<int64_t>(v.get<double>()));
  return v.dump();
}

// The schema of the value at `pointer`, walking properties, items and additionalProperties.
const json* schema_at(const json& schema, const std::string& pointer) {
  const json* node = &schema;
  for (const auto& t : tokens_of(pointer)) {
    if (!node->is_object()) return nullptr;
    if (auto p = node->find("properties"); p != node->end() && p->contains(t)) {
      node = &(*p)[t];
    } else if (auto it = node->find("items"); it != node->end() && it->is_object()) {
      node = &*it;
    } else if (auto ap = node->find("additionalProperties"); ap != node->end() && ap->is_object()) {
      node = &*ap;
    } else {
      return nullptr;
    }
  }
  return node;
}

// The template filled, or nullopt when a placeholder is left over.
std::optional<std::string> filled(const std::string& text, const ApiError::Params& params) {
  std::string out = fill_template(text, params);
  for (size_t open = out.find('{'); open != std::string::npos; open = out.find('{', open + 1)) {
    size_t close = out.find('}', open);
    if (close == std::string::npos) break;
    std::string name = out.substr(open + 1, close - open - 1);
    bool placeholder = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
    if (placeholder) return std::nullopt;
  }
  return out;
}

const json& member(const json& object, const char* name) {
  static const json none;
  if (!object.is_object()) return none;
  auto it = object.find(name);
  return it == object.end() ? none : *it;
}

}  // namespace

ModelRules::ModelRules(json fixture) : fixture_(std::move(fixture)) {}

const json& ModelRules::entry_of(const std::string& model_id) const {
  return member(member(fixture_, "models"), model_id.c_str());
}

Violation ModelRules::worded(const json& model, const json& params, const Violation& v) const {
  const std::string id = model.value("id", "");
  // The model's own wording by pointer, then the default by keyword.
  std::vector<std::string> candidates;
  for (const auto& [pattern, text] : member(entry_of(id), "messages").items()) {
    if (!matches(pattern, v.pointer)) continue;
    if (text.is_string()) candidates.push_back(text);
    else if (text.contains(v.rule)) candidates.push_back(text[v.rule]);
  }
  const json& defaults = member(fixture_, "messages");
  if (defaults.contains(v.rule)) candidates.push_back(defaults[v.rule]);
  if (candidates.empty()) return v;

  ApiError::Params values;
  auto tokens = tokens_of(v.pointer);
  if (!tokens.empty()) values["field"] = tokens.back();
  if (auto found = find_all(params, v.pointer); found.size() == 1) values["value"] = plain(*found.front().value);
  const json request_schema = model.value("request_schema", json::object());
  if (const json* node = schema_at(request_schema, v.pointer); node && node->is_object())
    for (const auto& [key, value] : node->items())
      if (value.is_primitive()) values[key] = plain(value);
  for (const auto& text : candidates)
    if (auto message = filled(text, values)) return {v.pointer, v.rule, *message};
  return v;
}

std::optional<Violation> ModelRules::check_urls(const json& params) const {
  const json& messages = member(fixture_, "messages");
  for (const auto& pattern : member(fixture_, "url_fields")) {
    for (const auto& [pointer, value] : find_all(params, pattern.get<std::string>())) {
      if (!value->is_string()) continue;
      const std::string url = value->get<std::string>();
      if (url.rfind("data:", 0) == 0 && url.find(',') != std::string::npos) continue;
      size_t scheme_end = url.find("://");
      std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
      std::string host;
      if (scheme == "http" || scheme == "https") {
        size_t start = scheme_end + 3;
        host = url.substr(start, url.find_first_of("/?#", start) - start);
        if (size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
        if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.erase(colon);
      }
      bool well_formed = !host.empty() && url.find_first_of(" \t\r\n") == std::string::npos;
      if (!well_formed) return Violation{pointer, "url", messages.value("invalid_url", "Invalid URL")};
      for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const auto& h : member(fixture_, "unfetchable_hosts")) {
        std::string blocked = h.get<std::string>();
        bool hit = host == blocked || (host.size() > blocked.size() && host.ends_with("." + blocked));
        if (hit)
          return Violation{pointer, "url",
                           fill_template(messages.value("unfetchable_url", "403 Client Error: Forbidden for url: {url}"), {{"url", url}})};
      }
    }
  }
  return std::nullopt;
}

std::optional<Violation> ModelRules::check_rule(const json& rule, const json& params) const {
  if (rule.contains("sum")) {
    auto items = find_all(params, rule["each"].get<std::string>());
    if (items.empty()) return std::nullopt;
    const std::string name = rule["sum"];
    double total = 0;
    for (const auto& item : items) {
      const json& v = member(*item.value, name.c_str());
      total += v.is_number() ? v.get<double>() : rule.value("default", 0.0);
    }
    const char* broken = rule.contains("minimum") && total < rule["minimum"].get<double>()   ? "minimum"
                         : rule.contains("maximum") && total > rule["maximum"].get<double>() ? "maximum"
                                                                                              : nullptr;
    if (!broken) return std::nullopt;
    std::string pointer = rule["each"].get<std::string>();
    pointer = pointer.substr(0, pointer.rfind('/'));
    std::string text = member(rule["messages"], broken).is_string() ? rule["messages"][broken].get<std::string>()
                                                                    : "the total {total} is out of range";
    return Violation{pointer, "sum", fill_template(text, {{"total", plain(json(total))}})};
  }
  if (rule.contains("count")) {
    size_t count = 0;
    for (const auto& pattern : rule["count"])
      for (const auto& found : find_all(params, pattern.get<std::string>()))
        count += found.value->is_array() ? found.value->size() : (found.value->is_null() ? 0 : 1);
    if (count <= rule["maximum"].get<size_t>()) return std::nullopt;
    std::string pointer = rule.value("pointer", rule["count"][0].get<std::string>());
    return Violation{pointer, "count", fill_template(rule["message"], {{"count", std::to_string(count)}})};
  }
  for (const auto& when : rule["when"]) {
    auto present = find_all(params, when.get<std::string>());
    if (present.empty() || !given(*present.front().value)) continue;
    if (rule.contains("excludes")) {
      for (const auto& other : rule["excludes"]) {
        auto there = find_all(params, other.get<std::string>());
        if (!there.empty() && given(*there.front().value))
          return Violation{there.front().pointer, "excludes", rule["message"]};
      }
      continue;
    }
    for (const auto& need : rule["requires"]) {
      auto there = find_all(params, need.get<std::string>());
      if (!there.empty() && given(*there.front().value)) return std::nullopt;
    }
    return Violation{present.front().pointer, "requires", rule["message"]};
  }
  return std::nullopt;
}

std::optional<Violation> ModelRules::judge(const json& model, const Schema* request_schema, const json& params) const {
  if (request_schema) {
    auto violations = request_schema->validate(params);
    if (!violations.empty()) return worded(model, params, violations.front());
  }
  if (auto broken = check_urls(params)) return broken;
  const std::string id = model.value("id", "");
  for (const auto& rule : member(entry_of(id), "rules"))
    if (auto broken = check_rule(rule, params)) return broken;
  return std::nullopt;
}

}  // namespace oxen::mock
