#pragma once
// Faults on demand: rules that make matching calls fail in a precise, reproducible way — an
// error status with its documented body, a delay, a dropped connection, a stream cut after
// chunk K or a malformed frame at chunk K, slow pacing. Rules live per namespace; a request can
// also carry its own one-off rule in the X-Mock-Fault header.
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../core/rng.hpp"

namespace oxen::mock {

struct FaultAction {
  int status = 0;              // answer with this status and its documented body (0: no)
  int retry_after_s = -1;      // Retry-After header (429/503), -1: default for the status
  int64_t delay_ms = 0;        // wait this long on the mock's clock before answering
  bool drop = false;           // close the connection without a body
  int cut_after_chunk = -1;    // streams: close the connection after this many frames
  int malformed_at_chunk = -1; // streams: replace frame K (1-based) with bytes that are not SSE
  int64_t pace_ms = 0;         // streams: wait this long before every frame

  bool empty() const;
  std::string describe() const;
  nlohmann::json to_json() const;
};

struct FaultMatch {
  std::optional<std::string> method;
  std::optional<std::string> path;  // glob: '*' matches any run of characters
  std::optional<std::string> model;
  std::optional<std::string> api_key;
  int nth = 0;               // fire on the nth matching call only (1-based); 0: every call
  double probability = 1.0;  // drawn from the mock's seed
};

struct FaultRule {
  std::string id;
  FaultMatch match;
  FaultAction action;
  int times = -1;  // how many times it may fire; -1: unlimited
  int matched = 0, fired = 0;

  nlohmann::json to_json() const;  // the api_key is shown redacted
};

// What the pipeline knows about a call when it asks for a fault.
struct FaultCall {
  std::string method, path, model, api_key;
};

// Parses `{"match": {...}, "action": {...}, "times": N}` (schema admin_fault_rule).
// Throws std::invalid_argument with a "<pointer>: reason" message.
FaultRule parse_fault_rule(const nlohmann::json& spec);
// Parses the X-Mock-Fault grammar: "status=429; retry_after=2; delay_ms=100; drop;
// cut_after=7; malformed_at=3; pace_ms=20". Throws std::invalid_argument.
FaultAction parse_fault_header(const std::string& header);
bool glob_match(const std::string& pattern, const std::string& text);

class Faults {
 public:
  explicit Faults(uint64_t seed) : seed_(seed), rng_(seed, "faults") {}

  std::string add(FaultRule rule);  // returns the rule's id
  bool remove(const std::string& id);
  void clear();
  std::vector<FaultRule> list() const;

  // The action of the first rule that matches and fires for this call, counting the call
  // against every matching rule.
  std::optional<FaultAction> pick(const FaultCall& call);

 private:
  uint64_t seed_;
  mutable std::mutex mutex_;
  Rng rng_;
  std::vector<FaultRule> rules_;
  uint64_t next_id_ = 1;
};

}  // namespace oxen::mock
