#include "ticker.hpp"

#include <algorithm>

namespace oxen::mock {

Ticker::Ticker(const Clock& clock, std::chrono::milliseconds interval)
    : clock_(clock), interval_(std::max(interval, std::chrono::milliseconds(1))) {
  thread_ = std::thread([this] { loop(); });
}

Ticker::~Ticker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Ticker::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    if (clock_.mode() != Clock::Mode::real) continue;
    lock.unlock();
    clock_.notify();
    lock.lock();
  }
}

}  // namespace oxen::mock
