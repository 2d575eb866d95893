#pragma once
// The mock's one ticker: with the real clock, tells the clock's listeners every `interval` that
// time has moved (queues advance, event streams send keep-alives). In manual mode it stays quiet:
// the test moves the clock, and every move notifies. Stops and joins when destroyed.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "clock.hpp"

namespace oxen::mock {

class Ticker {
 public:
  Ticker(const Clock& clock, std::chrono::milliseconds interval);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  void loop();

  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace oxen::mock
