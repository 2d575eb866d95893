#include "pipeline.hpp"

#include <chrono>
#include <iostream>

#include "../faults/faulty_stream.hpp"
#include "../../conformance/contract/text.hpp"
#include "../../conformance/contract/redact.hpp"
#include "../record/recordings.hpp"
#include "observed_stream.hpp"

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

bool is_form(const Request& request) {
  return ascii_lower(request.header("Content-Type").value_or("")).rfind("multipart/form-data", 0) == 0;
}

bool changes_state(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool media_type_is(const std::string& content_type, std::string_view type) {
  return ascii_lower(content_type).rfind(type, 0) == 0;
}

// Takes frames without a connection, so that an upstream's stream is judged whole before any of
// it is relayed.
class DiscardSink : public StreamSink {
 public:
  bool write(std::string_view) override { return true; }
  bool alive() const override { return true; }
  void abort() override {}
};

}  // namespace

bool valid_namespace(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

Pipeline::Pipeline(const Config& config, const ErrorCatalog& errors, Journal& journal,
                   const Clock& clock, Worlds& worlds, const SchemaStore& schemas)
    : config_(config),
      errors_(errors),
      journal_(journal),
      clock_(clock),
      worlds_(worlds),
      schemas_(schemas),
      rate_limiter_(clock, config.rate_limit_per_s),
      router_(ApiDocument::builtin(), config.admin_enabled) {
  mode_ = record_mode(config);
  if (mode_ == RecordMode::proxy || mode_ == RecordMode::record || mode_ == RecordMode::record_on_miss)
    upstream_.emplace(config.upstream, config.upstream_timeout_ms, config.upstream_max_body_bytes);
  if (mode_ != RecordMode::off && mode_ != RecordMode::proxy)
    recordings_ = std::make_unique<Recordings>(config.record_dir, config.record_ignore,
                                               config.record_max_bytes);
}

Response Pipeline::error_response(const ApiError& error) const {
  auto rendered = errors_.render(error);
  Response r = Response::json(rendered.body, rendered.status);
  for (auto& [name, value] : rendered.headers) r.headers.emplace(name, value);
  return r;
}

Response Pipeline::fault_response(int status, int retry_after_s) const {
  std::string kind;
  switch (status) {
    case 400: kind = "invalid_params"; break;
    case 401: kind = "unauthenticated"; break;
    case 404: kind = "resource_not_found"; break;
    case 429: kind = "rate_limited"; break;
    case 503: kind = "service_unavailable"; break;
    default: kind = "unknown_error";
  }
  if ((status == 429 || status == 503) && retry_after_s < 0) retry_after_s = 1;
  ApiError::Params params{{"detail", "injected fault"}};
  if (retry_after_s >= 0) params["retry_after"] = std::to_string(retry_after_s);
  Response r = error_response(ApiError(kind, params));
  r.status = status;
  if (retry_after_s >= 0) {
    r.headers.erase("Retry-After");
    r.headers.emplace("Retry-After", std::to_string(retry_after_s));
  }
  return r;
}

std::string Pipeline::authenticate(const Request& request) const {
  auto header = request.header("Authorization");
  if (!header) throw ApiError("unauthenticated", {{"reason", "missing Authorization header"}});
  std::string value = *header;
  if (value.size() < 7 || ascii_lower(value.substr(0, 7)) != "bearer ")
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

void Pipeline::check_admin_token(const Request& request) const {
  if (config_.admin_token.empty()) return;
  if (request.header("X-Mock-Admin-Token").value_or("") != config_.admin_token)
    throw ApiError("unauthenticated", {{"reason", "admin token required"}});
}

void Pipeline::check_header_limits(const Request& request) const {
  if (request.headers.size() > config_.max_headers)
    throw ApiError("request_headers_too_large",
                   {{"detail", std::to_string(request.headers.size()) + " header fields; at most " +
                                   std::to_string(config_.max_headers) + " are accepted"}});
  size_t bytes = 0;
  for (const auto& [name, value] : request.headers) bytes += name.size() + value.size() + 4;  // ": ", CRLF
  if (bytes > config_.max_header_bytes)
    throw ApiError("request_headers_too_large",
                   {{"detail", "header fields of " + std::to_string(bytes) + " bytes; at most " +
                                   std::to_string(config_.max_header_bytes) + " are accepted"}});
}

nlohmann::json Pipeline::parse_body(const Request& request, ServeEvent& event) const {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return nlohmann::json::object();
  // A body that is not JSON is journaled as a finding at the root (rule "json"), so whoever
  // reads the journal sees why the call was refused, as with a schema violation.
  auto refuse = [&event](std::string reason) {
    event.request_findings.push_back({"", "json", reason});
    return invalid_params(std::move(reason));
  };
  if (json_depth(request.body) > config_.max_json_depth)
    throw refuse("request body nests deeper than " + std::to_string(config_.max_json_depth) +
                 " levels");
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    throw refuse("request body is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::out_of_range&) {  // a number too large for a double: 1e999
    throw refuse("request body has a number too large to represent");
  }
}

nlohmann::json Pipeline::parse_form(const Request& request, ServeEvent& event) const {
  if (request.form_broken) {
    event.request_findings.push_back({"", "multipart", "request body is not valid multipart/form-data"});
    throw invalid_params("request body is not valid multipart/form-data");
  }
  nlohmann::json body = nlohmann::json::object();
  for (const auto& part : request.form) {
    nlohmann::json value = part.filename.empty() ? part.content : part.filename;
    if (!body.contains(part.name))
      body[part.name] = std::move(value);
    else if (body[part.name].is_array())
      body[part.name].push_back(std::move(value));
    else
      body[part.name] = nlohmann::json::array({body[part.name], std::move(value)});
  }
  // The journal keeps what the client sent in readable form: the fields, and each file's size.
  nlohmann::json journaled = body;
  for (const auto& part : request.form)
    if (!part.filename.empty())
      journaled[part.name] = {{"filename", part.filename},
                              {"content_type", part.content_type},
                              {"bytes", part.content.size()}};
  event.body = journaled.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return body;
}

void Pipeline::validate_body(const Route& route, const std::string& schema, const nlohmann::json& body,
                             ServeEvent& event) const {
  if (schema.empty()) return;
  event.request_findings = schemas_.validate(schema, body);
  if (event.request_findings.empty()) return;
  for (const auto& v : event.request_findings) {
    auto special = route.violation_errors.find(v.pointer + " " + v.rule);
    if (special != route.violation_errors.end()) throw ApiError(special->second);
  }
  throw invalid_params(describe(event.request_findings.front()));
}

std::optional<FaultAction> Pipeline::choose_fault(const Request& request, const Context& ctx) const {
  if (auto header = request.header("X-Mock-Fault")) {
    try {
      return parse_fault_header(*header);
    } catch (const std::invalid_argument& e) {
      throw invalid_params(std::string("X-Mock-Fault: ") + e.what());
    }
  }
  FaultCall call{request.method, request.path, "", ctx.api_key};
  if (ctx.body.is_object() && ctx.body.contains("model") && ctx.body["model"].is_string())
    call.model = ctx.body["model"];
  else if (ctx.params.count("id"))
    call.model = ctx.params.at("id");
  return ctx.world.faults.pick(call);
}

void Pipeline::self_check(const Route* route, const Response& response, ServeEvent& event) const {
  if (response.stream || response.drop || response.content_type != "application/json") return;
  std::string schema;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status >= 400)
    schema = body.is_object() && body.contains("status") ? "error_oxen" : "error_openai";
  else if (route && response.status == 200)
    schema = route->response_schema;
  else if (route && route->operation->response_schemas.count(response.status))  // 201 and the like
    schema = route->operation->response_schemas.at(response.status);
  if (schema.empty() || !schemas_.has(schema)) return;
  event.response_findings = schemas_.validate(schema, body);
}

void Pipeline::log(const ServeEvent& event, const std::string& secret) const {
  if (config_.log == LogFormat::off) return;
  const std::string path = redact(event.path, secret);
  std::string line;
  if (config_.log == LogFormat::json) {
    line = nlohmann::json{{"method", event.method},      {"path", path},
                          {"status", event.status},      {"duration_us", event.duration_us},
                          {"error", event.error_kind},   {"fault", event.fault},
                          {"namespace", event.ns}}
               .dump();
  } else {
    line = event.method + " " + path + " " + std::to_string(event.status) + " " +
           std::to_string(event.duration_us) + "us" +
           (event.error_kind.empty() ? "" : " " + event.error_kind) +
           (event.fault.empty() ? "" : " fault(" + event.fault + ")");
  }
  std::cerr << line + "\n";
}

std::function<void(StreamSink&)> Pipeline::observed(std::function<void(StreamSink&)> stream,
                                                    const Operation& operation, bool check_frames,
                                                    uint64_t sequence, nlohmann::json request) {
  const SchemaStore* schemas = check_frames ? &schemas_ : nullptr;
  Journal* journal = &journal_;
  return [stream = std::move(stream), &operation, schemas, journal, sequence,
          request = std::move(request)](StreamSink& sink) {
    ObservedStream observed(sink, operation, schemas, request);
    stream(observed);
    journal->finish_stream(sequence, observed.finish(), observed.findings());
  };
}

Response Pipeline::forward(const Route& route, const Context& ctx, bool form, ServeEvent& event) const {
  // The request is judged as the mock would judge it, but sent on all the same: the upstream, not
  // the mock, decides what it accepts.
  const std::string& schema = form ? route.form_schema : route.request_schema;
  if ((form || route.json_body) && !schema.empty())
    event.request_findings = schemas_.validate(schema, ctx.body);
  UpstreamAnswer answer = upstream_->forward(ctx.request);
  if (!answer.ok)
    throw ApiError(answer.timed_out ? "upstream_timeout" : "upstream_failed", {{"detail", answer.error}});
  event.source = "forwarded";
  Response response;
  response.status = answer.status;
  response.headers = std::move(answer.headers);
  response.content_type = answer.content_type;
  if (media_type_is(answer.content_type, "text/event-stream")) {
    auto frames = sse_frames(answer.body);
    DiscardSink discard;
    ObservedStream judged(discard, *route.operation, &schemas_, ctx.body);
    for (const auto& frame : frames) judged.write(frame);
    judged.finish();
    event.response_findings = judged.findings();
    size_t end = 0, arrival = 0;
    for (const auto& frame : frames) {
      end += frame.size();
      while (arrival + 1 < answer.arrivals.size() && answer.arrivals[arrival].first < end) ++arrival;
      response.frame_offsets_ms.push_back(answer.arrivals.empty() ? 0 : answer.arrivals[arrival].second);
    }
    response.body = std::move(answer.body);  // kept for a recording
    response.stream = [frames = std::move(frames)](StreamSink& sink) {
      for (const auto& frame : frames)
        if (!sink.write(frame)) return;
    };
  } else {
    response.body = std::move(answer.body);
    const bool json = media_type_is(response.content_type, "application/json");
    if (json && !nlohmann::json::accept(response.body)) {
      event.response_findings.push_back({"", "json", "the upstream's answer is not valid JSON"});
    } else if (json) {
      Response judged = response;  // judged as JSON whatever its charset parameter says
      judged.content_type = "application/json";
      self_check(&route, judged, event);
    } else if (response.status == 200 && !route.response_schema.empty()) {
      event.response_findings.push_back(
          {"", "content-type", "the upstream answered " + response.content_type + ", not application/json"});
    }
  }
  if (config_.fail_on_drift && !event.request_findings.empty())
    throw ApiError("upstream_drift", {{"detail", "request: " + describe(event.request_findings.front())}});
  if (config_.fail_on_drift && !event.response_findings.empty())
    throw ApiError("upstream_drift", {{"detail", "answer: " + describe(event.response_findings.front())}});
  return response;
}

std::optional<Response> Pipeline::replay_or_forward(const Route& route, const Context& ctx, bool form,
                                                    ServeEvent& event) const {
  if (!recordings_) return upstream_ ? std::optional(forward(route, ctx, form, event)) : std::nullopt;
  const std::string key = recordings_->match_key(ctx.request, ctx.body, ctx.api_key);
  const size_t ordinal = ctx.world.replay.next(key);
  if (mode_ == RecordMode::replay || mode_ == RecordMode::record_on_miss) {
    if (auto recorded = recordings_->find(key, ordinal, config_.record_pacing ? &clock_ : nullptr)) {
      event.source = "recorded";
      return recorded;
    }
    if (mode_ == RecordMode::replay && config_.record_strict)
      throw ApiError("recording_not_found",
                     {{"method", ctx.request.method}, {"path", ctx.request.path}, {"key", key}});
    if (mode_ == RecordMode::replay) return std::nullopt;
  }
  Response response = forward(route, ctx, form, event);
  std::string why;
  if (recordings_->store(ctx.request, ctx.body, ctx.api_key, ordinal, response, why).empty())
    std::cerr << "oxen-mock: " + ctx.request.method + " " + redact(ctx.request.path, ctx.api_key) +
                     " not recorded: " + why + "\n";
  return response;
}

Response Pipeline::handle(const Request& request) {
  auto started = std::chrono::steady_clock::now();
  ServeEvent event;
  event.timestamp_ms = clock_.now_ms();
  event.method = request.method;
  event.path = request.path;
  event.query = request.query_string;
  // At most the accepted number of header fields is kept (an oversized request is still journaled).
  for (auto it = request.headers.begin();
       it != request.headers.end() && event.headers.size() < config_.max_headers; ++it)
    event.headers.insert(*it);
  event.body = request.body;

  std::string token;
  Response response;
  nlohmann::json stream_request;  // what a streamed answer is judged against (its tools, options)
  std::shared_ptr<World> world;  // held for the request: removing the namespace meanwhile is safe
  auto match = router_.match(request.method, request.path);
  const bool internal = match.route && match.route->internal;
  try {
    check_header_limits(request);
    event.ns = request.header("X-Mock-Namespace").value_or("");
    if (!event.ns.empty() && !valid_namespace(event.ns))
      throw invalid_params("X-Mock-Namespace: 1 to 64 characters of A-Z a-z 0-9 . _ -");
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
    if (internal && route.admin_token) check_admin_token(request);
    if (route.authenticated) token = authenticate(request);
    if (!internal && rate_limiter_.enabled()) {
      if (int wait_s = rate_limiter_.take(token); wait_s > 0)
        throw ApiError("rate_limited", {{"retry_after", std::to_string(wait_s)},
                                        {"detail", "more than the configured requests per second"}});
    }
    world = worlds_.get(event.ns);
    Context ctx{request, std::move(match.params), nullptr, token, event, *world, event.ns};
    const bool form = route.form_body && is_form(request);
    if (form)
      ctx.body = parse_form(request, event);
    else if (route.json_body && is_form(request))
      throw invalid_params("this operation takes an application/json body, not multipart/form-data");
    else if (route.json_body)
      ctx.body = parse_body(request, event);
    std::optional<FaultAction> fault;
    if (!internal) fault = choose_fault(request, ctx);
    if (fault) {
      event.fault = fault->describe();
      if (fault->delay_ms > 0) clock_.sleep_until(clock_.now_ms() + fault->delay_ms);
    }
    if (fault && fault->drop) {
      response.drop = true;
    } else if (fault && fault->status) {
      response = fault_response(fault->status, fault->retry_after_s);
    } else {
      std::optional<Response> elsewhere;  // recorded or forwarded
      if (!internal) elsewhere = replay_or_forward(route, ctx, form, event);
      if (elsewhere) {
        response = std::move(*elsewhere);
      } else {
        if (form)
          validate_body(route, route.form_schema, ctx.body, event);
        else if (route.json_body)
          validate_body(route, route.request_schema, ctx.body, event);
        response = route.handler(ctx);
      }
      if (response.stream && ctx.body.is_object()) stream_request = ctx.body;
      if (fault && response.stream) {
        auto inner = std::move(response.stream);
        auto action = *fault;
        const Clock* clock = &clock_;
        response.stream = [inner, action, clock](StreamSink& sink) {
          FaultyStream faulty(sink, action, *clock);
          inner(faulty);
        };
      }
    }
  } catch (const ApiError& e) {
    event.error_kind = e.kind();
    response = error_response(e);
  } catch (const std::exception& e) {
    event.error_kind = "unknown_error";
    response = error_response(ApiError("unknown_error", {{"reason", e.what()}}));
    std::cerr << "oxen-mock: internal error on " << request.method << " " << request.path << ": "
              << e.what() << "\n";
  }

  const bool forwarded = event.source == "forwarded";  // judged when it arrived
  if (config_.self_check && !forwarded) self_check(match.route, response, event);
  event.status = response.status;
  event.streamed = static_cast<bool>(response.stream);
  if (!response.stream && !internal) event.response_body = response.body;
  event.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  log(event, token);
  const std::string ns = event.ns;
  if (!internal) {
    // Frames under a fault are not the mock's own output, so they are not self-checked.
    const bool check_frames = config_.self_check && event.fault.empty() && !forwarded;
    const uint64_t sequence = journal_.record(std::move(event), token);
    if (response.stream)
      response.stream = observed(std::move(response.stream), *match.route->operation, check_frames,
                                 sequence, std::move(stream_request));
  }
  if (world && on_change_ && changes_state(request.method) && response.status < 300 && !response.drop)
    on_change_(ns, *world);
  // Every answer says it comes from the mock: oxen-conformance runs its destructive profile only
  // against a server that does. A proxy's answers are the upstream's, with its identity or none,
  // so that the harness never mistakes a proxied live API for the mock.
  if (!upstream_) response.headers.emplace(kMockIdentityHeader, OXEN_MOCK_VERSION);
  return response;
}

}  // namespace oxen::mock
