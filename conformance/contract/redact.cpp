#include "redact.hpp"

#include <algorithm>
#include <cctype>

namespace oxen {

namespace {

// Characters a key is made of: a short key inside a run of them is part of another word.
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

}  // namespace

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  const bool anywhere = secret.size() >= kMinSubstringKey;
  for (size_t at = text.find(secret); at != std::string::npos;) {
    const size_t end = at + secret.size();
    if (anywhere || ((at == 0 || !key_char(text[at - 1])) && (end == text.size() || !key_char(text[end])))) {
      text.replace(at, secret.size(), kRedacted);
      at = text.find(secret, at + kRedacted.size());
    } else {
      at = text.find(secret, at + 1);
    }
  }
  return text;
}

bool is_credential_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* exact : {"authorization", "proxy-authorization", "cookie", "set-cookie", "bearer", "token",
                            "access_token", "refresh_token", "id_token", "auth_token", "secret", "client_secret",
                            "password"})
    if (lower == exact) return true;
  for (const char* part : {"api-key", "api_key", "apikey"})
    if (lower.find(part) != std::string::npos) return true;
  return lower.ends_with("-token");  // X-Mock-Admin-Token; not input_cost_per_token or prompt_tokens
}

nlohmann::json redact_json(nlohmann::json value, std::string_view secret) {
  if (value.is_string()) return redact(value.get<std::string>(), secret);
  if (value.is_array()) {
    for (auto& v : value) v = redact_json(std::move(v), secret);
    return value;
  }
  if (!value.is_object()) return value;
  nlohmann::json out = nlohmann::json::object();
  for (auto& [key, v] : value.items()) {
    const bool hide = is_credential_name(key) && (v.is_string() || v.is_number());
    out[redact(key, secret)] = hide ? nlohmann::json(kRedacted) : redact_json(std::move(v), secret);
  }
  return out;
}

}  // namespace oxen
