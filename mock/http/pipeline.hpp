#pragma once
// Every request passes the same stations:
//   route -> authenticate -> parse + validate request -> handler -> self-check -> journal.
// A handler only does its endpoint's work.
#include <memory>
#include <string>

#include "../../conformance/contract/schema_store.hpp"
#include "../config.hpp"
#include "../core/api_error.hpp"
#include "../core/clock.hpp"
#include "journal.hpp"
#include "router.hpp"
#include "../world/world.hpp"

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

 private:
  std::string authenticate(const Request& request) const;  // returns the token or throws
  nlohmann::json parse_body(const Request& request) const;
  void validate_body(const Route& route, const nlohmann::json& body, ServeEvent& event) const;
  void self_check(const Route* route, const Response& response, ServeEvent& event) const;

  const Config& config_;
  const ErrorCatalog& errors_;
  Journal& journal_;
  const Clock& clock_;
  Worlds& worlds_;
  const SchemaStore& schemas_;
  Router router_;
};

}  // namespace oxen::mock
