#pragma once
// One route table for the whole mock, read like the API reference. Patterns are literal segments
// and parameters: "{id}" takes one segment, "{id+}" one or more (model ids contain '/').
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "message.hpp"

namespace oxen::mock {

struct ServeEvent;
struct World;

using PathParams = std::map<std::string, std::string>;

struct Context {
  const Request& request;
  PathParams params;
  nlohmann::json body;  // parsed JSON body when the route takes one, else null
  std::string api_key;  // the bearer token presented (never logged)
  ServeEvent& event;
  World& world;  // the state of the caller's namespace

  const std::string& param(const std::string& name) const { return params.at(name); }
};

using Handler = std::function<Response(Context&)>;

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  std::string request_schema;   // contract schema the JSON body must satisfy ("" = none)
  std::string response_schema;  // contract schema of a 200 JSON answer, for the self-check
  bool json_body = false;       // parse the body as JSON (implied by request_schema)
  bool authenticated = true;
  bool internal = false;  // the admin API: no API key, faults, rate limit or journal
  // Maps a request-schema violation ("<pointer> <rule>", e.g. "/model required") to an error
  // kind, for endpoints whose docs give a specific message for that case.
  std::map<std::string, std::string> violation_errors;
  std::vector<std::string> segments;

  // Fluent setters, so the route table reads like the API reference.
  Route& request(std::string schema) { request_schema = std::move(schema); json_body = true; return *this; }
  Route& response(std::string schema) { response_schema = std::move(schema); return *this; }
  Route& json() { json_body = true; return *this; }
  Route& open() { authenticated = false; return *this; }
  Route& admin() { authenticated = false; internal = true; return *this; }
  Route& on_violation(const std::string& pointer_rule, std::string kind) {
    violation_errors[pointer_rule] = std::move(kind);
    return *this;
  }
};

class Router {
 public:
  Route& add(std::string method, std::string pattern, Handler handler);
  Route& get(std::string pattern, Handler h) { return add("GET", std::move(pattern), std::move(h)); }
  Route& post(std::string pattern, Handler h) { return add("POST", std::move(pattern), std::move(h)); }
  Route& del(std::string pattern, Handler h) { return add("DELETE", std::move(pattern), std::move(h)); }

  struct Match {
    const Route* route = nullptr;
    PathParams params;
    std::vector<std::string> allowed_methods;  // filled when the path matched another method
  };
  Match match(const std::string& method, const std::string& path) const;
  const std::deque<Route>& routes() const { return routes_; }

 private:
  static std::optional<PathParams> match_pattern(const std::vector<std::string>& pattern,
                                                 const std::vector<std::string>& path);
  std::deque<Route> routes_;  // stable addresses: add() hands out references
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace oxen::mock
