#pragma once
// The one way both programs keep an API key out of what they write (the mock's journal and log,
// the harness's reports, recordings and messages): every occurrence of the key becomes
// "[redacted]", and so does the value of every header or JSON member named like a credential.
// An occurrence is the key in any form it travels in, so that a key with '+', ' ' or '/' is
// caught in a query string or a JSON text too: raw, URL-encoded (%2B or %2b, %20 or '+' for a
// space, %2F) and JSON-escaped (\/, \", \\, \u00XX; \/ and \u00XX also after more backslashes,
// as a JSON report quotes an escaped text), also mixed within one occurrence.
// A key shorter than kMinSubstringKey (a test key such as "k") is replaced wherever it stands
// alone, not inside longer words, so that it cannot mangle the data around it ("token").
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace oxen {

inline constexpr std::string_view kRedacted = "[redacted]";
inline constexpr size_t kMinSubstringKey = 8;

// `text` with every occurrence of `secret`, in each of those forms, replaced ("" replaces
// nothing; a short secret only where it is not flanked by letters, digits, '-' or '_').
std::string redact(std::string text, std::string_view secret);

// Case-insensitive: Authorization, Proxy-Authorization, Cookie, Set-Cookie, Bearer, token,
// access/refresh/id/auth_token, secret, client_secret, password; any name containing api-key,
// api_key or apikey; header names ending in -token. Not usage or pricing fields
// (prompt_tokens, input_cost_per_token).
bool is_credential_name(std::string_view name);

// `value` with credential-named members' scalar values replaced and `secret` redacted from every
// string and member name.
nlohmann::json redact_json(nlohmann::json value, std::string_view secret);

}  // namespace oxen
