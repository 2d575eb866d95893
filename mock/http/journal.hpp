#pragma once
// What clients sent and what they got back: one ServeEvent per request, kept in a bounded ring.
// Secrets are scrubbed before an event is stored.
#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../conformance/contract/violation.hpp"
#include "message.hpp"

namespace oxen::mock {

struct ServeEvent {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;  // mock clock
  std::string ns;  // X-Mock-Namespace of the call, "" for the default namespace
  std::string method, path, query;
  Headers headers;   // redacted
  std::string body;  // capped and redacted
  bool body_truncated = false;
  std::string route;  // matched pattern, "" when none
  int status = 0;
  std::string error_kind;
  Violations request_findings;   // request-schema violations
  Violations response_findings;  // self-check of the response against its schema
  std::string fault;             // description of an injected fault, if any
  int64_t duration_us = 0;
  bool streamed = false;

  nlohmann::json to_json() const;
};

class Journal {
 public:
  explicit Journal(size_t capacity = 1000, size_t body_cap = 64 * 1024)
      : capacity_(capacity), body_cap_(body_cap) {}

  // Scrubs secrets (Authorization, API-key headers, the presented token anywhere in the body),
  // caps the body, numbers the event and stores it, evicting the oldest beyond capacity.
  void record(ServeEvent event, const std::string& secret);
  std::vector<ServeEvent> snapshot() const;
  void clear();
  void clear(const std::string& ns);  // only the events of one namespace
  uint64_t total_recorded() const;
  size_t capacity() const { return capacity_; }
  size_t body_cap() const { return body_cap_; }

 private:
  size_t capacity_, body_cap_;
  mutable std::mutex mutex_;
  std::deque<ServeEvent> events_;
  uint64_t next_sequence_ = 1;
};

// Replaces every occurrence of `secret` in `text` (no-op for an empty secret).

}  // namespace oxen::mock
