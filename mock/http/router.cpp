#include "router.hpp"

#include <algorithm>

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

Route& Router::add(std::string method, std::string pattern, Handler handler) {
  Route& route = routes_.emplace_back();
  route.method = std::move(method);
  route.segments = split_path(pattern);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  return route;
}

std::optional<PathParams> Router::match_pattern(const std::vector<std::string>& pattern,
                                                const std::vector<std::string>& path) {
  PathParams params;
  // Greedy "{name+}" may appear once; literals after it anchor to the end of the path.
  size_t pi = 0, si = 0;
  for (; pi < pattern.size(); ++pi) {
    const auto& p = pattern[pi];
    bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (!is_param) {
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
  for (const auto& route : routes_) {
    auto params = match_pattern(route.segments, parts);
    if (!params) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      result.route = &route;
      result.params = std::move(*params);
      result.allowed_methods.clear();
      return result;
    }
    if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(),
                  route.method) == result.allowed_methods.end())
      result.allowed_methods.push_back(route.method);
  }
  return result;
}

}  // namespace oxen::mock
