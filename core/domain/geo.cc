#include "core/domain/geo.h"

#include <cmath>

namespace weige::geo {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// GCJ-02's constants: the Krasovsky 1940 ellipsoid's semi-major axis and
// first eccentricity squared, as the algorithm publishes them.
constexpr double kKrasovskyA = 6378245.0;
constexpr double kKrasovskyEe = 0.00669342162296594323;

bool OutOfChina(LatLng p) {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

double TransformLat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double TransformLng(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

}  // namespace

double RoundCoordinate(double degrees) { return std::round(degrees * 1e7) / 1e7; }

bool IsValid(LatLng p) {
  return std::isfinite(p.lat) && std::isfinite(p.lng) && p.lat >= -90.0 && p.lat <= 90.0 &&
         p.lng >= -180.0 && p.lng <= 180.0;
}

double DistanceM(LatLng a, LatLng b) {
  const double dlat = (b.lat - a.lat) * kDeg;
  const double dlng = (b.lng - a.lng) * kDeg;
  const double s = std::sin(dlat / 2), t = std::sin(dlng / 2);
  double h = s * s + std::cos(a.lat * kDeg) * std::cos(b.lat * kDeg) * t * t;
  if (h > 1.0) h = 1.0;
  return 2.0 * kEarthRadiusM * std::asin(std::sqrt(h));
}

Box BoxAround(LatLng p, double radius_m) {
  // 1% and a metre of slack: the box must never cut a point the exact
  // distance keeps (the R-tree also stores 32-bit floats, rounded outward).
  const double r = radius_m * 1.01 + 1.0;
  const double dlat = r / kEarthRadiusM / kDeg;
  // The widest latitude the box reaches decides its longitude span.
  double far = std::fabs(p.lat) + dlat;
  if (far > 89.0) far = 89.0;
  const double dlng = dlat / std::cos(far * kDeg);
  return {p.lat - dlat, p.lat + dlat, p.lng - dlng, p.lng + dlng};
}

LatLng WgsToGcj(LatLng wgs) {
  if (OutOfChina(wgs)) return wgs;
  double dlat = TransformLat(wgs.lng - 105.0, wgs.lat - 35.0);
  double dlng = TransformLng(wgs.lng - 105.0, wgs.lat - 35.0);
  const double rad = wgs.lat * kDeg;
  double magic = std::sin(rad);
  magic = 1 - kKrasovskyEe * magic * magic;
  const double sq = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kKrasovskyA * (1 - kKrasovskyEe)) / (magic * sq) * kPi);
  dlng = (dlng * 180.0) / (kKrasovskyA / sq * std::cos(rad) * kPi);
  return {wgs.lat + dlat, wgs.lng + dlng};
}

LatLng GcjToWgs(LatLng gcj) {
  if (OutOfChina(gcj)) return gcj;
  // The offset varies slowly (well under 1e-3 per degree): each step moves
  // the guess by the remaining error and converges in a handful of steps.
  LatLng w = gcj;
  for (int i = 0; i < 30; ++i) {
    LatLng g = WgsToGcj(w);
    const double elat = g.lat - gcj.lat, elng = g.lng - gcj.lng;
    w.lat -= elat;
    w.lng -= elng;
    if (std::fabs(elat) < 1e-10 && std::fabs(elng) < 1e-10) break;
  }
  return w;
}

}  // namespace weige::geo
