#pragma once
// Every request passes the same stations:
//   route -> namespace -> authenticate -> rate limit -> parse body -> faults -> validate
//   -> handler -> (stream faults) -> self-check -> journal -> persist.
// A handler only does its endpoint's work.
#include <functional>
#include <memory>
#include <string>

#include "../../conformance/contract/schema_store.hpp"
#include "../config.hpp"
#include "../core/api_error.hpp"
#include "../core/clock.hpp"
#include "../world/world.hpp"
#include "journal.hpp"
#include "rate_limiter.hpp"
#include "router.hpp"
#include "../record/recordings.hpp"
#include "upstream.hpp"

namespace oxen::mock {

class Pipeline {
 public:
  Pipeline(const Config& config, const ErrorCatalog& errors, Journal& journal, const Clock& clock,
           Worlds& worlds, const SchemaStore& schemas = SchemaStore::builtin());

  Router& router() { return router_; }
  Response handle(const Request& request);

  // Renders an error kind into its documented response (also used by the HTTP layer for errors
  // it detects itself, such as an oversized body).
  Response error_response(const ApiError& error) const;
  // The documented error answer for an injected status (429 carries Retry-After).
  Response fault_response(int status, int retry_after_s) const;

  // Called after every successful change of a namespace's state (POST/PUT/DELETE answered 2xx).
  void on_change(std::function<void(const std::string& ns, World&)> listener) {
    on_change_ = std::move(listener);
  }
  RateLimiter& rate_limiter() { return rate_limiter_; }

 private:
  std::string authenticate(const Request& request) const;  // returns the token or throws
  void check_admin_token(const Request& request) const;
  void check_header_limits(const Request& request) const;  // throws request_headers_too_large
  nlohmann::json parse_body(const Request& request, ServeEvent& event) const;
  // A multipart/form-data body as the object its schema judges: each text field by name (a
  // repeated name gives an array), each file part as its file name; the bytes stay in
  // request.form for the handler.
  nlohmann::json parse_form(const Request& request, ServeEvent& event) const;
  void validate_body(const Route& route, const std::string& schema, const nlohmann::json& body,
                     ServeEvent& event) const;
  std::optional<FaultAction> choose_fault(const Request& request, const Context& ctx) const;
  void self_check(const Route* route, const Response& response, ServeEvent& event) const;
  // Wraps a streamed response so that the journal entry `sequence` learns how it ended and, when
  // `check_frames`, what its frames broke of the operation's declared frames and the stream rules
  // (`request`: the request's body, whose tools, usage option and forced tool the stream must keep).
  std::function<void(StreamSink&)> observed(std::function<void(StreamSink&)> stream,
                                            const Operation& operation, bool check_frames,
                                            uint64_t sequence, nlohmann::json request);
  void log(const ServeEvent& event, const std::string& secret) const;  // the key redacted from the path
  // With --upstream this station takes the handler's place: the request goes to the upstream and
  // its answer comes back, judged like the mock's own (request findings, the answer's schema, a
  // stream's frames); with --fail-on-drift a finding turns the answer into a 502.
  Response forward(const Route& route, const Context& ctx, bool form, ServeEvent& event) const;
  // With --record: the recorded answer, or (recording) the upstream's, stored; nullopt when the
  // mock's own handler answers (a replay miss, or neither option given).
  std::optional<Response> replay_or_forward(const Route& route, const Context& ctx, bool form,
                                            ServeEvent& event) const;

  const Config& config_;
  const ErrorCatalog& errors_;
  Journal& journal_;
  const Clock& clock_;
  Worlds& worlds_;
  const SchemaStore& schemas_;
  RateLimiter rate_limiter_;
  Router router_;
  std::optional<Upstream> upstream_;
  RecordMode mode_ = RecordMode::off;
  std::unique_ptr<Recordings> recordings_;
  std::function<void(const std::string&, World&)> on_change_;
};

// Valid X-Mock-Namespace values: 1-64 of [A-Za-z0-9._-].
bool valid_namespace(const std::string& name);

}  // namespace oxen::mock
