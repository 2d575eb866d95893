#include "redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace oxen {

namespace {

// Characters a key is made of: a short key inside a run of them is part of another word.
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether text[at, at + 2) is two hex digits (either case) that spell the byte `c`.
bool hex_byte_at(std::string_view text, size_t at, char c) {
  if (at + 2 > text.size()) return false;
  const int hi = hex_value(text[at]), lo = hex_value(text[at + 1]);
  return hi >= 0 && lo >= 0 && hi * 16 + lo == static_cast<unsigned char>(c);
}

// The lengths of text from `at` that spell the one key byte `c` in a form a key travels in: raw;
// URL-encoded (%XX in either case, '+' for a space); JSON-escaped (\/, \", \\, \u00XX). \/ and
// \u00XX count after any run of backslashes, since a JSON text quoted inside another (a body
// excerpt in a report) doubles them at every level. A 0 ends the list.
std::array<size_t, 5> spellings(std::string_view text, size_t at, char c) {
  std::array<size_t, 5> out{};
  size_t n = 0;
  if (at >= text.size()) return out;
  const char t = text[at];
  if (t == c || (t == '+' && c == ' ')) out[n++] = 1;
  if (t == '%' && hex_byte_at(text, at + 1, c)) out[n++] = 3;
  if (t != '\\' || at + 1 >= text.size()) return out;
  if (text[at + 1] == c && (c == '"' || c == '\\')) out[n++] = 2;
  size_t e = at;
  while (e < text.size() && text[e] == '\\') ++e;  // the escape's own backslashes
  if (e < text.size() && text[e] == '/' && c == '/') out[n++] = e + 1 - at;
  if (e + 5 <= text.size() && text[e] == 'u' && text[e + 1] == '0' && text[e + 2] == '0' && hex_byte_at(text, e + 3, c))
    out[n++] = e + 5 - at;
  return out;
}

// The end of the longest spelling of `secret` that starts at `at`, or npos. Forms may mix within
// one occurrence (a key URL-encoded by one tool, then JSON-escaped by another), and a byte such as
// '%' or '\' can be itself or the start of an escape, so every reading is followed at once.
size_t match_at(std::string_view text, size_t at, std::string_view secret) {
  std::vector<size_t> ends = {at};
  for (char c : secret) {
    std::vector<size_t> next;
    for (size_t e : ends)
      for (size_t len : spellings(text, e, c))
        if (len && std::find(next.begin(), next.end(), e + len) == next.end()) next.push_back(e + len);
    if (next.empty()) return std::string::npos;
    ends = std::move(next);
  }
  return *std::max_element(ends.begin(), ends.end());
}

// Whether a spelling of a key that begins with `first` can start at text[at]; this alone rules
// out almost every byte of a text, so a long body costs one comparison per byte.
bool may_start(std::string_view text, size_t at, char first) {
  const char t = text[at];
  return t == first || t == '%' || t == '\\' || (t == '+' && first == ' ');
}

}  // namespace

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  const bool anywhere = secret.size() >= kMinSubstringKey;
  std::string out;
  size_t copied = 0;  // text before this offset is in `out`
  for (size_t at = 0; at < text.size(); ++at) {
    if (!may_start(text, at, secret.front())) continue;
    const size_t end = match_at(text, at, secret);
    if (end == std::string::npos) continue;
    if (!anywhere && ((at > 0 && key_char(text[at - 1])) || (end < text.size() && key_char(text[end])))) continue;
    out.append(text, copied, at - copied).append(kRedacted);
    copied = end;
    at = end - 1;
  }
  if (copied == 0) return text;
  out.append(text, copied);
  return out;
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
