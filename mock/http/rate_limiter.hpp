#pragma once
// An optional token bucket per API key (--rate-limit N/s), on the mock's clock.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "../core/clock.hpp"

namespace oxen::mock {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double per_second) : clock_(clock), rate_(per_second) {}

  bool enabled() const { return rate_ > 0; }
  // Takes one token for `key`; when none is left returns the whole seconds until one is.
  int take(const std::string& key);
  void reset();

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const Clock& clock_;
  double rate_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace oxen::mock
