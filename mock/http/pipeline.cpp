#include "pipeline.hpp"

#include <chrono>
#include <iostream>

namespace oxen::mock {

namespace {

// Deepest nesting of arrays/objects, scanned without recursion so hostile bodies cannot
// exhaust the stack before the parser sees them.
size_t json_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Pipeline::Pipeline(const Config& config, const ErrorCatalog& errors, Journal& journal,
                   const Clock& clock, Worlds& worlds, const SchemaStore& schemas)
    : config_(config),
      errors_(errors),
      journal_(journal),
      clock_(clock),
      worlds_(worlds),
      schemas_(schemas) {}

Response Pipeline::error_response(const ApiError& error) const {
  auto rendered = errors_.render(error);
  Response r = Response::json(rendered.body, rendered.status);
  for (auto& [name, value] : rendered.headers) r.headers.emplace(name, value);
  return r;
}

std::string Pipeline::authenticate(const Request& request) const {
  auto header = request.header("Authorization");
  if (!header) throw ApiError("unauthenticated", {{"reason", "missing Authorization header"}});
  std::string value = *header;
  if (value.size() < 7 || lower(value.substr(0, 7)) != "bearer ")
    throw ApiError("unauthenticated", {{"reason", "Authorization must be 'Bearer <key>'"}});
  std::string token = value.substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  while (!token.empty() && token.back() == ' ') token.pop_back();
  if (token.empty()) throw ApiError("unauthenticated", {{"reason", "empty API key"}});
  if (!config_.api_keys.empty() &&
      std::find(config_.api_keys.begin(), config_.api_keys.end(), token) == config_.api_keys.end())
    throw ApiError("unauthenticated", {{"reason", "unknown API key"}});
  return token;
}

nlohmann::json Pipeline::parse_body(const Request& request) const {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return nlohmann::json::object();
  if (json_depth(request.body) > config_.max_json_depth)
    throw invalid_params("request body nests deeper than " + std::to_string(config_.max_json_depth) +
                         " levels");
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    throw invalid_params("request body is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
}

void Pipeline::validate_body(const Route& route, const nlohmann::json& body,
                             ServeEvent& event) const {
  if (route.request_schema.empty()) return;
  event.request_findings = schemas_.validate(route.request_schema, body);
  if (event.request_findings.empty()) return;
  for (const auto& v : event.request_findings) {
    auto special = route.violation_errors.find(v.pointer + " " + v.rule);
    if (special != route.violation_errors.end()) throw ApiError(special->second);
  }
  throw invalid_params(describe(event.request_findings.front()));
}

void Pipeline::self_check(const Route* route, const Response& response, ServeEvent& event) const {
  if (response.stream || response.content_type != "application/json") return;
  std::string schema;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status >= 400)
    schema = body.is_object() && body.contains("status") ? "error_oxen" : "error_openai";
  else if (route && response.status == 200)
    schema = route->response_schema;
  if (schema.empty() || !schemas_.has(schema)) return;
  event.response_findings = schemas_.validate(schema, body);
}

Response Pipeline::handle(const Request& request) {
  auto started = std::chrono::steady_clock::now();
  ServeEvent event;
  event.timestamp_ms = clock_.now_ms();
  event.method = request.method;
  event.path = request.path;
  event.query = request.query_string;
  event.headers = request.headers;
  event.body = request.body;

  std::string token;
  Response response;
  auto match = router_.match(request.method, request.path);
  try {
    if (!match.route) {
      if (!match.allowed_methods.empty()) {
        std::string allowed;
        for (const auto& m : match.allowed_methods) allowed += (allowed.empty() ? "" : ", ") + m;
        throw ApiError("method_not_allowed",
                       {{"method", request.method}, {"path", request.path}, {"allowed", allowed}});
      }
      throw ApiError("route_not_found", {{"method", request.method}, {"path", request.path}});
    }
    const Route& route = *match.route;
    event.route = route.pattern;
    if (route.authenticated) token = authenticate(request);
    World& world = worlds_.get(request.header("X-Mock-Namespace").value_or(""));
    Context ctx{request, std::move(match.params), nullptr, token, event, world};
    if (route.json_body) {
      ctx.body = parse_body(request);
      validate_body(route, ctx.body, event);
    }
    response = route.handler(ctx);
  } catch (const ApiError& e) {
    event.error_kind = e.kind();
    response = error_response(e);
  } catch (const std::exception& e) {
    event.error_kind = "unknown_error";
    response = error_response(ApiError("unknown_error", {{"reason", e.what()}}));
    std::cerr << "oxen-mock: internal error on " << request.method << " " << request.path << ": "
              << e.what() << "\n";
  }

  if (config_.self_check) self_check(match.route, response, event);
  event.status = response.status;
  event.streamed = static_cast<bool>(response.stream);
  event.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  if (config_.log != LogFormat::off) {
    std::string line;
    if (config_.log == LogFormat::json) {
      line = nlohmann::json{{"method", event.method},    {"path", event.path},
                            {"status", event.status},    {"duration_us", event.duration_us},
                            {"error", event.error_kind}}
                 .dump();
    } else {
      line = event.method + " " + event.path + " " + std::to_string(event.status) + " " +
             std::to_string(event.duration_us) + "us" +
             (event.error_kind.empty() ? "" : " " + event.error_kind);
    }
    std::cerr << line + "\n";
  }
  journal_.record(std::move(event), token);
  return response;
}

}  // namespace oxen::mock
