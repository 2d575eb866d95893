#pragma once
// The mock's one clock. Real by default; manual mode freezes it so a test can advance time
// instead of sleeping. Everything time-driven (deployments, jobs, pacing) reads it.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace oxen::mock {

class Clock {
 public:
  enum class Mode { real, manual };
  using Listener = std::function<void(int64_t now_ms)>;

  // In manual mode time starts at `start_ms` (Unix milliseconds).
  explicit Clock(Mode mode = Mode::real, int64_t start_ms = 0);

  int64_t now_ms() const;
  int64_t now_s() const { return now_ms() / 1000; }
  Mode mode() const { return manual_.load() ? Mode::manual : Mode::real; }

  // Back to a mode and a manual start time, as at construction.
  void reset(Mode mode, int64_t start_ms);
  // Sets manual time (returns false in real mode or when it would go backwards).
  bool set_ms(int64_t ms);
  // Switching keeps the current reading, so time never jumps when the mode changes.
  void set_mode(Mode mode);
  // Moves manual time forward (ignored for negative values) and tells the listeners.
  // Returns false in real mode.
  bool advance(int64_t ms);
  // Called after every advance and by the owner of a real-time ticker.
  void on_tick(Listener listener);
  void notify() const;

  // Blocks until the clock reads `target_ms` (real time passing, or a test advancing manual
  // time), until `cancelled()` turns true (checked at least every 50 ms), or until
  // cancel_waits(). Returns whether the target was reached.
  bool sleep_until(int64_t target_ms, const std::function<bool()>& cancelled = {}) const;
  // Shutdown: every wait in progress ends now and later ones return at once, in either mode
  // (a manual clock nobody advances would otherwise hold a request, and the exit, forever).
  void cancel_waits();

 private:
  static int64_t system_ms();
  std::atomic<bool> manual_;
  std::atomic<int64_t> frozen_ms_;  // the reading in manual mode
  std::atomic<int64_t> offset_ms_;  // added to the system clock in real mode
  std::atomic<bool> waits_cancelled_{false};
  mutable std::mutex wait_mutex_;
  mutable std::condition_variable advanced_;
  mutable std::mutex listeners_mutex_;
  std::vector<Listener> listeners_;
};

}  // namespace oxen::mock
