// Civil dates and Beijing time (China Standard Time, UTC+8, no daylight
// saving), the district's clock for dates shown and parsed. Header-only.
#pragma once

#include <cstdint>

namespace weige {

inline constexpr int64_t kCivilDayMs = 86400000;
inline constexpr int64_t kBeijingOffsetMs = 8LL * 3600 * 1000;

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
  const int64_t local = t + kBeijingOffsetMs;
  const int64_t days = local >= 0 ? local / kCivilDayMs : (local - kCivilDayMs + 1) / kCivilDayMs;
  return CivilFromDays(days);
}

// Midnight in Beijing of a civil date, in ms since the epoch.
inline int64_t BeijingMidnight(int64_t y, int64_t m, int64_t d) {
  return DaysFromCivil(y, m, d) * kCivilDayMs - kBeijingOffsetMs;
}

}  // namespace weige
