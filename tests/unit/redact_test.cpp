// One redaction routine for both programs: every occurrence of the key, of any length, and every
// credential-named header or member.
#include <doctest/doctest.h>

#include "redact.hpp"

using nlohmann::json;
using oxen::redact;

TEST_CASE("the key is redacted wherever it occurs; a short one wherever it stands alone") {
  CHECK(redact("key sk-12345678 and xsk-12345678x", "sk-12345678") == "key [redacted] and x[redacted]x");
  CHECK(redact("unchanged", "") == "unchanged");
  // A key that the replacement itself contains does not loop forever.
  CHECK(redact("x[redacted]y[redacted]", "[redacted]") == "x[redacted]y[redacted]");
  // A test key such as "k": every standalone use, never the k of "token".
  CHECK(redact(R"({"api": "k", "token_k": "k k", "kind": "k-2"})", "k") ==
        R"({"api": "[redacted]", "token_k": "[redacted] [redacted]", "kind": "k-2"})");
  CHECK(redact("Bearer k", "k") == "Bearer [redacted]");
  CHECK(redact("k", "k") == "[redacted]");
}

TEST_CASE("credential names, as headers or JSON members") {
  for (const char* name : {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Api-Key", "api_key",
                           "apiKey", "access_token", "X-Mock-Admin-Token", "client_secret", "Password", "bearer"})
    CHECK_MESSAGE(oxen::is_credential_name(name), name);
  for (const char* name : {"model", "Content-Type", "max_tokens", "prompt_tokens", "input_cost_per_token"})
    CHECK_MESSAGE(!oxen::is_credential_name(name), name);

  json body = {{"model", "m"}, {"api_key", "sk-1"}, {"nested", {{{"token", 42}, {"text", "said sk-1"}}}},
               {"sk-1", true}, {"usage", {{"prompt_tokens", 3}}}};
  json out = oxen::redact_json(body, "sk-1");
  CHECK(out["model"] == "m");
  CHECK(out["api_key"] == "[redacted]");
  CHECK(out["nested"][0]["token"] == "[redacted]");
  CHECK(out["nested"][0]["text"] == "said [redacted]");
  CHECK(out.contains("[redacted]"));
  CHECK(out.dump().find("sk-1") == std::string::npos);
}
