#include "journal.hpp"

#include <algorithm>
#include <cctype>

#include "../../conformance/contract/redact.hpp"

namespace oxen::mock {

namespace {
nlohmann::json violations_json(const Violations& vs) {
  auto out = nlohmann::json::array();
  for (const auto& v : vs) out.push_back({{"pointer", v.pointer}, {"rule", v.rule}, {"message", v.message}});
  return out;
}
}  // namespace

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
  j["stream"] = streamed ? nlohmann::json{{"frames", stream.frames},
                                          {"ended_by", stream.ended_by},
                                          {"duration_ms", stream.duration_ms}}
                         : nlohmann::json(nullptr);
  return j;
}

uint64_t Journal::record(ServeEvent event, const std::string& secret) {
  for (auto& [name, value] : event.headers)
    value = is_credential_name(name) ? std::string(kRedacted) : redact(value, secret);
  event.path = redact(std::move(event.path), secret);
  event.query = redact(std::move(event.query), secret);
  event.body = redact(std::move(event.body), secret);
  if (event.body.size() > body_cap_) {
    event.body.resize(body_cap_);
    event.body_truncated = true;
  }
  std::lock_guard lock(mutex_);
  event.sequence = next_sequence_++;
  const uint64_t sequence = event.sequence;
  events_.push_back(std::move(event));
  while (events_.size() > capacity_) events_.pop_front();
  return sequence;
}

void Journal::finish_stream(uint64_t sequence, const StreamOutcome& outcome, const Violations& findings) {
  std::lock_guard lock(mutex_);
  // Sequences grow along the ring, so the entry is found by bisection.
  auto it = std::lower_bound(events_.begin(), events_.end(), sequence,
                             [](const ServeEvent& e, uint64_t s) { return e.sequence < s; });
  if (it == events_.end() || it->sequence != sequence) return;
  it->stream = outcome;
  it->response_findings.insert(it->response_findings.end(), findings.begin(), findings.end());
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
