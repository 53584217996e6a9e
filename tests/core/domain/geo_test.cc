#include "core/domain/geo.h"

#include <gtest/gtest.h>

#include <cmath>

namespace weige::geo {
namespace {

struct Ref {
  LatLng wgs, gcj;
};
// Published reference points of the standard WGS-84 -> GCJ-02 algorithm:
// googollee/eviltransform, go/transform_test.go (Shanghai, Shenzhen,
// Beijing), and wandergis/coordtransform, test/app.js (wgs84togcj02 of
// 116.404, 39.915).
const Ref kRefs[] = {
    {{31.1774276, 121.5272106}, {31.17530398364597, 121.531541859215}},
    {{22.543847, 113.912316}, {22.540796131694766, 113.9171764808363}},
    {{39.911954, 116.377817}, {39.91334545536069, 116.38404722455657}},
    {{39.915, 116.404}, {39.91640428150164, 116.41024449916938}},
};

TEST(GeoTest, WgsToGcjMatchesThePublishedPoints) {
  for (const Ref& r : kRefs) {
    LatLng g = WgsToGcj(r.wgs);
    EXPECT_NEAR(g.lat, r.gcj.lat, 1e-9) << r.wgs.lat;
    EXPECT_NEAR(g.lng, r.gcj.lng, 1e-9) << r.wgs.lng;
  }
}

TEST(GeoTest, GcjToWgsInvertsWithinAMillimetre) {
  for (const Ref& r : kRefs) {
    LatLng w = GcjToWgs(r.gcj);
    EXPECT_LT(DistanceM(w, r.wgs), 0.001) << r.wgs.lat;
  }
}

TEST(GeoTest, OutsideChinaNothingMoves) {
  LatLng london{51.5074, -0.1278};
  EXPECT_EQ(WgsToGcj(london).lat, london.lat);
  EXPECT_EQ(GcjToWgs(london).lng, london.lng);
}

TEST(GeoTest, HaversineDistances) {
  // One degree of latitude on the mean sphere.
  EXPECT_NEAR(DistanceM({0, 0}, {1, 0}), 111195.08, 0.01);
  EXPECT_EQ(DistanceM({39.9, 116.4}, {39.9, 116.4}), 0.0);
  // Beijing (Tiananmen) to Shanghai (People's Square), ~1067 km.
  EXPECT_NEAR(DistanceM({39.9087, 116.3975}, {31.2304, 121.4737}) / 1000, 1067.0, 3.0);
  EXPECT_EQ(DistanceM({1, 2}, {3, 4}), DistanceM({3, 4}, {1, 2}));
}

TEST(GeoTest, TheBoxHoldsTheCircle) {
  for (double lat : {0.0, 39.9, 60.0, -45.0}) {
    LatLng p{lat, 116.0};
    Box b = BoxAround(p, 300);
    EXPECT_GT(DistanceM(p, {b.max_lat, p.lng}), 300);
    EXPECT_GT(DistanceM(p, {b.min_lat, p.lng}), 300);
    EXPECT_GT(DistanceM({b.max_lat, p.lng}, {b.max_lat, b.max_lng}), 0);
    EXPECT_GT(DistanceM(p, {p.lat, b.max_lng}), 300);
    EXPECT_GT(DistanceM(p, {p.lat, b.min_lng}), 300);
  }
}

TEST(GeoTest, Validity) {
  EXPECT_TRUE(IsValid({90, 180}));
  EXPECT_FALSE(IsValid({90.0001, 0}));
  EXPECT_FALSE(IsValid({0, -180.5}));
  EXPECT_FALSE(IsValid({std::nan(""), 0}));
}

}  // namespace
}  // namespace weige::geo
