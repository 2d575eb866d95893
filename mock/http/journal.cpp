#include "journal.hpp"

#include <algorithm>
#include <cctype>

namespace oxen::mock {

namespace {
constexpr const char* kRedacted = "[redacted]";

nlohmann::json violations_json(const Violations& vs) {
  auto out = nlohmann::json::array();
  for (const auto& v : vs) out.push_back({{"pointer", v.pointer}, {"rule", v.rule}, {"message", v.message}});
  return out;
}
}  // namespace

std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos))
    text.replace(pos, secret.size(), kRedacted), pos += std::char_traits<char>::length(kRedacted);
  return text;
}

bool is_secret_header(const std::string& name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
         lower.find("api-key") != std::string::npos || lower.find("api_key") != std::string::npos ||
         lower.find("token") != std::string::npos;
}

nlohmann::json ServeEvent::to_json() const {
  nlohmann::json headers_json = nlohmann::json::object();
  for (const auto& [name, value] : headers) headers_json[name] = value;
  nlohmann::json j = {{"sequence", sequence},
                      {"timestamp_ms", timestamp_ms},
                      {"namespace", ns},
                      {"method", method},
                      {"path", path},
                      {"query", query},
                      {"headers", headers_json},
                      {"body", body},
                      {"body_truncated", body_truncated},
                      {"route", route},
                      {"status", status},
                      {"duration_us", duration_us},
                      {"streamed", streamed},
                      {"request_findings", violations_json(request_findings)},
                      {"response_findings", violations_json(response_findings)}};
  j["error_kind"] = error_kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(error_kind);
  j["fault"] = fault.empty() ? nlohmann::json(nullptr) : nlohmann::json(fault);
  return j;
}

void Journal::record(ServeEvent event, const std::string& secret) {
  for (auto& [name, value] : event.headers)
    value = is_secret_header(name) ? kRedacted : scrub(value, secret);
  event.query = scrub(std::move(event.query), secret);
  event.body = scrub(std::move(event.body), secret);
  if (event.body.size() > body_cap_) {
    event.body.resize(body_cap_);
    event.body_truncated = true;
  }
  std::lock_guard lock(mutex_);
  event.sequence = next_sequence_++;
  events_.push_back(std::move(event));
  while (events_.size() > capacity_) events_.pop_front();
}

std::vector<ServeEvent> Journal::snapshot() const {
  std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

void Journal::clear(const std::string& ns) {
  std::lock_guard lock(mutex_);
  std::erase_if(events_, [&](const ServeEvent& e) { return e.ns == ns; });
}

uint64_t Journal::total_recorded() const {
  std::lock_guard lock(mutex_);
  return next_sequence_ - 1;
}

}  // namespace oxen::mock
