#pragma once
// cpp-httplib gives each open connection a pool thread for as long as it stays open, so a fixed
// pool is either too small for many streams or too large to start. This pool starts small and
// adds a thread whenever a connection arrives and none is idle, up to a maximum; beyond it,
// connections wait their turn. Threads stay once started (their stacks are mostly untouched
// virtual memory), so a burst leaves no churn behind it.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace oxen::mock {

class ElasticPool : public httplib::TaskQueue {
 public:
  ElasticPool(size_t initial, size_t maximum) : maximum_(std::max<size_t>(1, maximum)) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < std::min(initial, maximum_); ++i) spawn_locked();
  }
  ~ElasticPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(fn));
      if (idle_ < jobs_.size() && threads_.size() < maximum_) spawn_locked();
    }
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

  size_t threads() {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  void spawn_locked() { threads_.emplace_back([this] { work(); }); }

  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      ++idle_;
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, nothing left
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  const size_t maximum_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace oxen::mock
