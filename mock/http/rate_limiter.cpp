#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace oxen::mock {

int RateLimiter::take(const std::string& key) {
  if (!enabled()) return 0;
  std::lock_guard lock(mutex_);
  const double burst = std::max(1.0, rate_);
  int64_t now = clock_.now_ms();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!fresh) b.tokens = std::min(burst, b.tokens + (now - b.at_ms) * rate_ / 1000.0);
  b.at_ms = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate_)));
}

void RateLimiter::reset() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
}

}  // namespace oxen::mock
