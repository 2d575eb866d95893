#pragma once
// What clients sent and what they got back: one ServeEvent per request, kept in a bounded ring.
// Secrets are redacted before an event is stored. A streamed response is recorded when its
// headers go out and completed with its outcome when the stream ends.
//
// Optionally a second, consuming view — the feed — holds every event until one reader (the
// conformance harness) has fetched it, whatever the ring evicts or a reset clears meanwhile.
// It is bounded too: beyond its limit the oldest unread event is dropped and counted, so the
// reader sees a gap in the sequence numbers and can say it missed requests.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../conformance/contract/violation.hpp"
#include "message.hpp"

namespace oxen::mock {

// How a streamed response went.
struct StreamOutcome {
  int64_t frames = 0;               // writes that reached the connection
  std::string ended_by = "open";    // open, done, fault, client_gone, shutdown
  int64_t duration_ms = 0;
};

struct ServeEvent {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;  // mock clock
  std::string ns;  // X-Mock-Namespace of the call, "" for the default namespace
  std::string method, path, query;
  Headers headers;   // redacted
  std::string body;  // capped and redacted
  bool body_truncated = false;
  std::string response_body;  // what the mock answered ("" for a stream), capped and redacted
  bool response_body_truncated = false;
  std::string route;  // matched pattern, "" when none
  int status = 0;
  std::string error_kind;
  Violations request_findings;   // request-schema violations
  Violations response_findings;  // self-check of the response against its schema
  std::string source = "generated";  // who answered: generated (the mock), forwarded (the upstream), recorded
  std::string fault;             // description of an injected fault, if any
  int64_t duration_us = 0;
  bool streamed = false;
  StreamOutcome stream;  // when streamed

  nlohmann::json to_json() const;
};

// One page of the feed: the unread events after a sequence number, oldest first.
struct FeedPage {
  std::vector<ServeEvent> events;
  uint64_t dropped = 0;  // unread events dropped over the limit since the mock started
};

class Journal {
 public:
  // feed_limit: the most unread events the feed holds; 0 turns the feed off.
  explicit Journal(size_t capacity = 1000, size_t body_cap = 64 * 1024, size_t feed_limit = 0)
      : capacity_(capacity), body_cap_(body_cap), feed_limit_(feed_limit) {}

  // Redacts secrets (credential headers, the presented token anywhere), caps the body, numbers
  // the event and stores it, evicting the oldest beyond capacity. Returns its sequence number.
  uint64_t record(ServeEvent event, const std::string& secret);
  // The end of a streamed response: its outcome, and the self-check findings of its frames.
  // Nothing happens when the entry has been evicted or cleared meanwhile.
  void finish_stream(uint64_t sequence, const StreamOutcome& outcome, const Violations& findings);
  std::vector<ServeEvent> snapshot() const;
  // Clearing empties the ring (of every namespace, or of one); the feed keeps its unread events.
  void clear();
  void clear(const std::string& ns);  // only the events of one namespace
  uint64_t total_recorded() const;
  size_t capacity() const { return capacity_; }
  size_t body_cap() const { return body_cap_; }

  bool feed_enabled() const { return feed_limit_ > 0; }
  size_t feed_limit() const { return feed_limit_; }
  // Forgets the feed's events up to `after` (the reader has them) and returns at most `limit`
  // of the ones after it, of every namespace.
  FeedPage read_feed(uint64_t after, size_t limit);

 private:
  using Entry = std::shared_ptr<ServeEvent>;  // shared by the ring and the feed
  size_t capacity_, body_cap_, feed_limit_;
  mutable std::mutex mutex_;
  std::deque<Entry> events_;
  std::deque<Entry> feed_;
  uint64_t feed_dropped_ = 0;
  uint64_t next_sequence_ = 1;
};

}  // namespace oxen::mock
