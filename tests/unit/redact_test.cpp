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

TEST_CASE("a key with '+', spaces or '/' is redacted in every form it travels in") {
  const std::string key = "sk-oxen/a+b c=9f";

  SUBCASE("raw") { CHECK(redact("Bearer " + key + ".", key) == "Bearer [redacted]."); }

  SUBCASE("URL-encoded: %XX in either case, '+' or %20 for the space") {
    for (const char* form : {"sk-oxen%2Fa%2Bb%20c%3D9f", "sk-oxen%2fa%2bb%20c%3d9f", "sk-oxen%2Fa%2Bb+c%3D9f",
                             "sk-oxen/a%2Bb+c=9f", "sk%2Doxen%2Fa%2Bb%20c%3D9f"})
      CHECK_MESSAGE(redact(std::string("/x?key=") + form + "&n=1", key) == "/x?key=[redacted]&n=1", form);
  }

  SUBCASE("JSON-escaped: \\/ and \\u00XX, also quoted in JSON again") {
    for (const char* form : {R"(sk-oxen\/a+b c=9f)", R"(sk-oxen\/a\u002bb\u0020c\u003d9f)",
                             R"(sk-oxen\u002Fa\u002Bb c=9f)", R"(sk-oxen\/a%2Bb+c=9f)",
                             R"(sk-oxen\\/a\\u002bb c=9f)", R"(sk-oxen\\\\/a\\\\u002bb c=9f)"})  // quoted again
      CHECK_MESSAGE(redact(std::string(R"({"note": "key )") + form + R"("})", key) == R"({"note": "key [redacted]"})",
                    form);
  }

  SUBCASE("a '+' of the text is not a '+' of the key, and a near miss is left alone") {
    // Only a space of the key may be written '+'; the key's '+' must be '+' or %2B.
    CHECK(redact("sk-oxen/a b c=9f", key) == "sk-oxen/a b c=9f");
    CHECK(redact("sk-oxen/a%2Bb c=9", key) == "sk-oxen/a%2Bb c=9");
    CHECK(redact("sk-oxen%2Fa%2Bb%20c%3D9e", key) == "sk-oxen%2Fa%2Bb%20c%3D9e");
  }

  SUBCASE("escape characters of the key itself are read both ways") {
    // '%' and '\' in a key: raw, or escaped (%25, \\), whichever reading matches.
    CHECK(redact("a=pct%25key\\x", "pct%key\\x") == "a=[redacted]");
    CHECK(redact("a=pct%key\\\\x", "pct%key\\x") == "a=[redacted]");
    CHECK(redact("a=pct%key\\x", "pct%key\\x") == "a=[redacted]");
  }

  SUBCASE("a short key in an encoded form, standing alone") {
    CHECK(redact("k=a%2Bb&x=a+bz", "a+b") == "k=[redacted]&x=a+bz");
  }

  SUBCASE("redact_json: members and values, as the journal and snapshots store them") {
    json body = {{"url", "https://x/?k=sk-oxen%2Fa%2Bb+c%3D9f"}, {"text", key}};
    CHECK(oxen::redact_json(body, key).dump() == R"({"text":"[redacted]","url":"https://x/?k=[redacted]"})");
  }
}
