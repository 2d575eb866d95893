#pragma once
// The ids one namespace hands out. Each kind ("chatcmpl", "generation") counts on its own, and
// the n-th id of a kind depends only on the seed, the namespace and n: the same requests after a
// reset, or in a fresh mock with the same seed, get the same ids. Thread-safe.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "../core/rng.hpp"

namespace oxen::mock {

class Ids {
 public:
  // The default namespace ("") keeps the plain seed, so its ids do not change with namespaces.
  Ids(uint64_t seed, std::string_view ns) : base_(ns.empty() ? seed : seed ^ mix64(hash_bytes(ns))) {}

  // A UUID-shaped id, the next of its kind.
  std::string next(std::string_view kind) {
    uint64_t n;
    {
      std::lock_guard lock(mutex_);
      n = counters_[std::string(kind)]++;
    }
    return Rng(mix64(base_) ^ n, kind).uuid();
  }

  // How many ids of `kind` were handed out, and back (state import).
  uint64_t count(std::string_view kind) const {
    std::lock_guard lock(mutex_);
    auto it = counters_.find(kind);
    return it == counters_.end() ? 0 : it->second;
  }
  void set_count(std::string_view kind, uint64_t n) {
    std::lock_guard lock(mutex_);
    counters_[std::string(kind)] = n;
  }

  void reset() {
    std::lock_guard lock(mutex_);
    counters_.clear();
  }

 private:
  const uint64_t base_;
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t, std::less<>> counters_;
};

}  // namespace oxen::mock
