#pragma once
// A bounded cache of immutable values by key, least recently used out first. Bounded by entry
// count and by total weight (bytes, by default 1 per entry). Thread-safe; values are shared, so
// one evicted while in use stays valid for its holder.
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace oxen::mock {

template <class Value>
class LruCache {
 public:
  using Weigh = std::function<size_t(const Value&)>;

  explicit LruCache(size_t max_entries, size_t max_weight = SIZE_MAX, Weigh weigh = [](const Value&) { return 1; })
      : max_entries_(max_entries), max_weight_(max_weight), weigh_(std::move(weigh)) {}

  // The cached value, or `make()` cached (outside the lock: two callers may both make it once).
  // A value heavier than the whole budget is returned without being kept.
  template <class Make>
  std::shared_ptr<const Value> get(const std::string& key, Make&& make) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = index_.find(key); it != index_.end()) {
        order_.splice(order_.begin(), order_, it->second);
        return it->second->value;
      }
    }
    auto value = std::make_shared<const Value>(make());
    const size_t weight = weigh_(*value);
    if (weight > max_weight_ || max_entries_ == 0) return value;
    std::lock_guard lock(mutex_);
    if (index_.count(key)) return value;
    order_.push_front(Node{key, value, weight});
    index_.emplace(key, order_.begin());
    weight_ += weight;
    while (order_.size() > max_entries_ || weight_ > max_weight_) {
      weight_ -= order_.back().weight;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
    return value;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
  }

 private:
  struct Node {
    std::string key;
    std::shared_ptr<const Value> value;
    size_t weight;
  };
  const size_t max_entries_, max_weight_;
  const Weigh weigh_;
  mutable std::mutex mutex_;
  std::list<Node> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Node>::iterator> index_;
  size_t weight_ = 0;
};

}  // namespace oxen::mock
