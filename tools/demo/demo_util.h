// Small deterministic helpers of the demo generator: a seeded PRNG, fake
// evidence digests and the Beijing calendar. No clock, no std::random_device:
// the same seed gives the same district.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace weige::demo {

inline constexpr int64_t kHourMs = 3600000;
inline constexpr int64_t kDayMs = 24 * kHourMs;
// Beijing time is UTC+8 all year; cycles and working hours follow it.
inline constexpr int64_t kBeijingOffsetMs = 8 * kHourMs;

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

// Days since 1970-01-01 for a civil date, and back (H. Hinnant's algorithms).
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year, month, day;
};

inline CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// The Beijing date of a time in ms since the epoch.
inline CivilDate BeijingDate(int64_t t) {
  int64_t local = t + kBeijingOffsetMs;
  int64_t days = local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
  return CivilFromDays(days);
}

// Midnight in Beijing of a civil date, in ms since the epoch.
inline int64_t BeijingMidnight(int64_t y, int64_t m, int64_t d) {
  return DaysFromCivil(y, m, d) * kDayMs - kBeijingOffsetMs;
}

}  // namespace weige::demo
