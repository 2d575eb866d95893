#pragma once
// The route table, read from the contract's OpenAPI document (schemas/openapi.json): one route per
// operation, served by the handler bound to its operationId. Patterns are literal segments and
// parameters: "{id}" takes one segment, "{id+}" one or more (model ids contain '/').
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../conformance/contract/api_document.hpp"
#include "../core/rng.hpp"
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
  const std::string& ns;  // its name (X-Mock-Namespace, "" for the default one)

  const std::string& param(const std::string& name) const { return params.at(name); }
  // Hash of the API key: generations, event streams and deployment events are scoped by it;
  // the key itself is never stored.
  uint64_t owner() const { return mix64(hash_bytes(api_key)); }
};

using Handler = std::function<Response(Context&)>;

// What the pipeline needs of an operation, taken from the document when the table is built.
struct Route {
  const Operation* operation = nullptr;
  std::string method;
  std::string pattern;          // "/api/ai/models/{id+}"
  Handler handler;              // empty until bound
  std::string request_schema;   // contract schema the JSON body must satisfy ("" = none)
  std::string response_schema;  // contract schema of a 200 JSON answer, for the self-check
  bool json_body = false;       // parse the body as JSON
  std::string form_schema;      // contract schema of a multipart/form-data body ("" = none)
  bool form_body = false;       // a multipart/form-data body is accepted
  bool authenticated = true;
  bool internal = false;  // the admin API: no API key, faults, rate limit or journal
  bool admin_token = false;  // needs --admin-token's header (not the dashboard's page and files)
  // Maps a request-schema violation ("<pointer> <rule>", e.g. "/model required") to an error
  // kind, for endpoints whose docs give a specific message for that case.
  std::map<std::string, std::string> violation_errors;
  std::vector<std::string> segments;
};

class Router {
 public:
  // One route per operation of `document`; the admin API's only when `admin` is on.
  explicit Router(const ApiDocument& document = ApiDocument::builtin(), bool admin = true);

  // Serves `operation_id`, and every legacy path declared an alias of it, with `handler`. Throws
  // std::logic_error when the table has no such operation or it is bound already.
  void bind(std::string_view operation_id, Handler handler);
  // The operationIds still without a handler; the mock refuses to start unless this is empty.
  std::vector<std::string> unbound() const;

  struct Match {
    const Route* route = nullptr;
    PathParams params;
    std::vector<std::string> allowed_methods;  // filled when the path matched another method
  };
  // The most specific route for the path (most literal segments; a one-segment parameter before
  // a greedy one), so "/api/ai/models/search" is not read as a model id.
  Match match(const std::string& method, const std::string& path) const;
  const std::deque<Route>& routes() const { return routes_; }

 private:
  static std::optional<PathParams> match_pattern(const std::vector<std::string>& pattern,
                                                 const std::vector<std::string>& path);
  std::deque<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace oxen::mock
