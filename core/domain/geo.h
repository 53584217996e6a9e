// Places on the earth: WGS-84 latitude/longitude in degrees, the datum every
// stored coordinate uses, and the one conversion to and from GCJ-02 (the
// offset datum of Chinese base maps and of wx.getLocation({type: 'gcj02'})).
// Pure functions: no I/O.
#pragma once

namespace weige::geo {

// Mean earth radius (IUGG) of the great-circle distance, in metres.
inline constexpr double kEarthRadiusM = 6371008.8;

// A report placed by coordinates is routed to the nearest building with
// coordinates at most this far away (inclusive).
inline constexpr double kRouteRadiusM = 300.0;

struct LatLng {
  double lat = 0, lng = 0;
};

// Stored coordinates are rounded to 1e-7 degrees (~1 cm; no phone's fix is
// better), so their shortest decimal text (an export, either engine) reads
// back as the same double.
double RoundCoordinate(double degrees);

// True for a finite latitude in [-90, 90] and longitude in [-180, 180].
bool IsValid(LatLng p);

// Great-circle (haversine) distance in metres. The one distance Weige uses.
double DistanceM(LatLng a, LatLng b);

// A box of latitudes and longitudes holding every point within radius_m of
// `p` (a little larger, never smaller; longitudes are not wrapped at ±180).
struct Box {
  double min_lat, max_lat, min_lng, max_lng;
};
Box BoxAround(LatLng p, double radius_m);

// WGS-84 -> GCJ-02. Outside China (the published bounding box) the point is
// returned unchanged, as every implementation of the algorithm does.
LatLng WgsToGcj(LatLng wgs);
// GCJ-02 -> WGS-84: the inverse by fixed-point iteration, within 1e-9
// degrees (~0.1 mm) of the point whose WgsToGcj is `gcj`.
LatLng GcjToWgs(LatLng gcj);

}  // namespace weige::geo
