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

// The bytes of a b64_json answer.
inline std::string base64_decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, acc = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
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
