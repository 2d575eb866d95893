#pragma once
// Deterministic randomness: every generated id, text, number and pixel comes from here, derived
// from the mock's seed and the inputs that should influence it.
#include <cstdint>
#include <string>
#include <string_view>

namespace oxen::mock {

constexpr uint64_t hash_bytes(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;  // FNV-1a
  return h;
}

constexpr uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  Rng(uint64_t seed, std::string_view label) : state_(mix64(seed ^ hash_bytes(label))) {}

  uint64_t next() { return mix64(state_++ * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull); }
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // An RFC 4122 version-4 shaped UUID.
  std::string uuid() {
    static constexpr char hex[] = "0123456789abcdef";
    uint64_t a = next(), b = next();
    std::string out;
    for (int i = 0; i < 32; ++i) {
      uint64_t word = i < 16 ? a : b;
      unsigned nibble = (word >> ((i % 16) * 4)) & 0xf;
      if (i == 12) nibble = 4;
      if (i == 16) nibble = 8 | (nibble & 3);
      if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
      out += hex[nibble];
    }
    return out;
  }

 private:
  uint64_t state_;
};

}  // namespace oxen::mock
