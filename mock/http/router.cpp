#include "router.hpp"

#include <algorithm>
#include <stdexcept>

namespace oxen::mock {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Higher is more specific: literal segments first, then fewer greedy parameters.
int specificity(const Route& route) {
  int score = 0;
  for (const auto& s : route.segments) score += !is_param(s) ? 4 : s[s.size() - 2] == '+' ? 0 : 1;
  return score;
}

}  // namespace

Router::Router(const ApiDocument& document, bool admin) {
  for (const auto& op : document.operations()) {
    if (op.admin && !admin) continue;
    Route& route = routes_.emplace_back();
    route.operation = &op;
    route.method = op.method;
    route.pattern = op.pattern();
    route.segments = split_path(route.pattern);
    route.request_schema = op.request_schema;
    if (auto ok = op.response_schemas.find(200); ok != op.response_schemas.end())
      route.response_schema = ok->second;
    route.json_body = op.json_body;
    route.form_schema = op.form_schema;
    route.form_body = op.form_body;
    route.authenticated = op.authenticated;
    route.internal = op.admin;
    route.admin_token = op.admin_token;
    route.violation_errors = op.violation_errors;
  }
}

void Router::bind(std::string_view operation_id, Handler handler) {
  bool found = false;
  for (auto& route : routes_) {
    const Operation& op = *route.operation;
    if (op.id != operation_id && op.alias_of != operation_id) continue;
    if (route.handler) throw std::logic_error("operation " + op.id + " is bound twice");
    route.handler = handler;
    found = true;
  }
  if (!found)
    throw std::logic_error("no operation " + std::string(operation_id) + " in schemas/openapi.json");
}

std::vector<std::string> Router::unbound() const {
  std::vector<std::string> out;
  for (const auto& route : routes_)
    if (!route.handler) out.push_back(route.operation->id);
  return out;
}

std::optional<PathParams> Router::match_pattern(const std::vector<std::string>& pattern,
                                                const std::vector<std::string>& path) {
  PathParams params;
  // Greedy "{name+}" may appear once; literals after it anchor to the end of the path.
  size_t pi = 0, si = 0;
  for (; pi < pattern.size(); ++pi) {
    const auto& p = pattern[pi];
    if (!is_param(p)) {
      if (si >= path.size() || path[si] != p) return std::nullopt;
      ++si;
      continue;
    }
    std::string name = p.substr(1, p.size() - 2);
    if (name.back() == '+') {
      name.pop_back();
      size_t rest = pattern.size() - pi - 1;
      if (path.size() < si + 1 + rest) return std::nullopt;
      size_t end = path.size() - rest;
      std::string value;
      for (size_t k = si; k < end; ++k) value += (k > si ? "/" : "") + path[k];
      params[name] = value;
      si = end;
    } else {
      if (si >= path.size()) return std::nullopt;
      params[name] = path[si++];
    }
  }
  if (si != path.size()) return std::nullopt;
  return params;
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  auto parts = split_path(path);
  Match result;
  int best = -1;
  for (const auto& route : routes_) {
    auto params = match_pattern(route.segments, parts);
    if (!params) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      if (int score = specificity(route); score > best) {
        best = score;
        result.route = &route;
        result.params = std::move(*params);
      }
    } else if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(),
                         route.method) == result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.method);
    }
  }
  if (result.route) result.allowed_methods.clear();
  return result;
}

}  // namespace oxen::mock
