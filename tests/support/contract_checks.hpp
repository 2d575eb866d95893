#pragma once
// Assertions that a JSON document satisfies a named contract schema, with readable failures.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "schema_store.hpp"

namespace oxen::test {

inline std::string violations_text(const Violations& vs) {
  std::string out;
  for (const auto& v : vs) out += "  " + v.pointer + " [" + v.rule + "] " + v.message + "\n";
  return out;
}

// The JSON body of a response, or a failed check when it is not JSON.
inline nlohmann::json parse_json(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) FAIL_CHECK("body is not JSON: " << body.substr(0, 200));
  return j;
}

// Every response a self-checking server journaled passed its schema (Server: TestServer).
template <class Server>
void check_no_response_findings(Server& server) {
  for (const auto& e : server.app().journal().snapshot()) {
    INFO(e.method << " " << e.path << " -> " << e.status << "\n" << violations_text(e.response_findings));
    CHECK(e.response_findings.empty());
  }
}

}  // namespace oxen::test

#define CHECK_SCHEMA(schema, value)                                                         \
  do {                                                                                      \
    auto oxen_violations_ = ::oxen::SchemaStore::builtin().validate((schema), (value));     \
    INFO("schema " << (schema) << ":\n" << ::oxen::test::violations_text(oxen_violations_)); \
    CHECK(oxen_violations_.empty());                                                        \
  } while (0)
