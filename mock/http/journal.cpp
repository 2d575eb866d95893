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

// Sequences grow along the ring and the feed, so an entry is found by bisection.
template <class Entries>
auto find_sequence(Entries& entries, uint64_t sequence) {
  auto it = std::lower_bound(entries.begin(), entries.end(), sequence,
                             [](const auto& e, uint64_t s) { return e->sequence < s; });
  return it != entries.end() && (*it)->sequence == sequence ? it : entries.end();
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
                      {"response_body", response_body},
                      {"response_body_truncated", response_body_truncated},
                      {"route", route},
                      {"status", status},
                      {"duration_us", duration_us},
                      {"streamed", streamed},
                      {"request_findings", violations_json(request_findings)},
                      {"response_findings", violations_json(response_findings)},
                      {"source", source}};
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
  event.response_body = redact(std::move(event.response_body), secret);
  if (event.response_body.size() > body_cap_) {
    event.response_body.resize(body_cap_);
    event.response_body_truncated = true;
  }
  std::lock_guard lock(mutex_);
  event.sequence = next_sequence_++;
  const uint64_t sequence = event.sequence;
  auto entry = std::make_shared<ServeEvent>(std::move(event));
  events_.push_back(entry);
  while (events_.size() > capacity_) events_.pop_front();
  if (feed_enabled()) {
    feed_.push_back(std::move(entry));
    for (; feed_.size() > feed_limit_; ++feed_dropped_) feed_.pop_front();
  }
  return sequence;
}

void Journal::finish_stream(uint64_t sequence, const StreamOutcome& outcome, const Violations& findings) {
  std::lock_guard lock(mutex_);
  // The ring may have evicted an entry the feed still holds, or the other way round.
  Entry entry;
  if (auto it = find_sequence(events_, sequence); it != events_.end())
    entry = *it;
  else if (auto at = find_sequence(feed_, sequence); at != feed_.end())
    entry = *at;
  if (!entry) return;
  entry->stream = outcome;
  entry->response_findings.insert(entry->response_findings.end(), findings.begin(), findings.end());
}

std::vector<ServeEvent> Journal::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<ServeEvent> out;
  out.reserve(events_.size());
  for (const auto& e : events_) out.push_back(*e);
  return out;
}

FeedPage Journal::read_feed(uint64_t after, size_t limit) {
  std::lock_guard lock(mutex_);
  while (!feed_.empty() && feed_.front()->sequence <= after) feed_.pop_front();
  FeedPage page;
  page.dropped = feed_dropped_;
  for (auto it = feed_.begin(); it != feed_.end() && page.events.size() < limit; ++it)
    page.events.push_back(**it);
  return page;
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

void Journal::clear(const std::string& ns) {
  std::lock_guard lock(mutex_);
  std::erase_if(events_, [&](const Entry& e) { return e->ns == ns; });
}

uint64_t Journal::total_recorded() const {
  std::lock_guard lock(mutex_);
  return next_sequence_ - 1;
}

}  // namespace oxen::mock
