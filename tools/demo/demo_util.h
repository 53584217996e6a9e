// Small deterministic helpers of the demo generator: a seeded PRNG, fake
// evidence digests and the Beijing calendar. No clock, no std::random_device:
// the same seed gives the same district.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/domain/civil_date.h"

namespace weige::demo {

inline constexpr int64_t kHourMs = 3600000;
inline constexpr int64_t kDayMs = 24 * kHourMs;
// Beijing time is UTC+8 all year; cycles and working hours follow it.
using weige::kBeijingOffsetMs;

inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline uint64_t HashString(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// splitmix64-seeded xorshift64*: fast, and good enough for made-up data.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    state_ = SplitMix64(&s) | 1;
  }
  // A stream for one named part of the district, independent of the others.
  Rng(uint64_t seed, std::string_view label) : Rng(seed ^ HashString(label)) {}

  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dull;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Chance(double p) { return Uniform() < p; }
  // Uniform in [lo, hi] (inclusive).
  int64_t Range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // An index below n, skewed towards 0 (for frequency-ordered lists).
  size_t Skewed(size_t n) {
    double u = Uniform();
    return static_cast<size_t>(u * u * static_cast<double>(n)) % n;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&list)[N]) {
    return list[Next() % N];
  }

 private:
  uint64_t state_;
};

// A made-up SHA-256 (64 lowercase hex digits) standing for a photo: the same
// label gives the same digest.
inline std::string FakeSha256(std::string_view label) {
  uint64_t s = HashString(label);
  std::string out;
  out.reserve(64);
  char buf[17];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(SplitMix64(&s)));
    out += buf;
  }
  return out;
}

// Civil dates and Beijing time: core/domain/civil_date.h.
using weige::BeijingDate;
using weige::BeijingMidnight;
using weige::CivilDate;
using weige::CivilFromDays;
using weige::DaysFromCivil;

}  // namespace weige::demo
