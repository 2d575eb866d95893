#include "clock.hpp"

#include <algorithm>
#include <chrono>

namespace oxen::mock {

Clock::Clock(Mode mode, int64_t start_ms)
    : manual_(mode == Mode::manual), frozen_ms_(start_ms), offset_ms_(0) {}

int64_t Clock::system_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t Clock::now_ms() const {
  return manual_.load() ? frozen_ms_.load() : system_ms() + offset_ms_.load();
}

void Clock::reset(Mode mode, int64_t start_ms) {
  frozen_ms_ = start_ms;
  offset_ms_ = 0;
  manual_ = mode == Mode::manual;
  notify();
}

bool Clock::set_ms(int64_t ms) {
  if (!manual_.load() || ms < frozen_ms_.load()) return false;
  frozen_ms_ = ms;
  notify();
  return true;
}

void Clock::set_mode(Mode mode) {
  int64_t reading = now_ms();
  if (mode == Mode::manual) {
    frozen_ms_ = reading;
    manual_ = true;
  } else {
    offset_ms_ = reading - system_ms();
    manual_ = false;
  }
  notify();
}

bool Clock::advance(int64_t ms) {
  if (!manual_.load()) return false;
  if (ms > 0) frozen_ms_ += ms;
  notify();
  return true;
}

void Clock::on_tick(Listener listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

bool Clock::sleep_until(int64_t target_ms, const std::function<bool()>& cancelled) const {
  constexpr int64_t kSliceMs = 50;
  while (true) {
    int64_t now = now_ms();
    if (now >= target_ms) return true;
    if (waits_cancelled_ || (cancelled && cancelled())) return false;
    std::unique_lock lock(wait_mutex_);
    if (waits_cancelled_) return false;
    int64_t wait = manual_.load() ? kSliceMs : std::min(kSliceMs, target_ms - now);
    advanced_.wait_for(lock, std::chrono::milliseconds(wait));
  }
}

void Clock::cancel_waits() {
  {
    std::lock_guard lock(wait_mutex_);
    waits_cancelled_ = true;
  }
  advanced_.notify_all();
}

void Clock::notify() const {
  {
    std::lock_guard lock(wait_mutex_);
  }
  advanced_.notify_all();
  std::vector<Listener> copy;
  {
    std::lock_guard lock(listeners_mutex_);
    copy = listeners_;
  }
  int64_t now = now_ms();
  for (const auto& l : copy) l(now);
}

}  // namespace oxen::mock
