#include "core/domain/figures.h"

#include <gtest/gtest.h>

namespace weige {
namespace {

TEST(MedianTest, OddEvenEmpty) {
  std::vector<int64_t> v;
  EXPECT_EQ(Median(&v), 0);
  v = {5};
  EXPECT_EQ(Median(&v), 5);
  v = {9, 1, 5};
  EXPECT_EQ(Median(&v), 5);
  v = {4, 1, 3, 2};
  EXPECT_EQ(Median(&v), 2);  // (2 + 3) / 2 rounded down
  v = {10, 20};
  EXPECT_EQ(Median(&v), 15);
  v = {7, 7, 7, 7};
  EXPECT_EQ(Median(&v), 7);
  v = {-3, -1};
  EXPECT_EQ(Median(&v), -2);
}

TEST(MedianTest, NoOverflowNearTheTop) {
  std::vector<int64_t> v = {INT64_MAX, INT64_MAX - 2};
  EXPECT_EQ(Median(&v), INT64_MAX - 1);
}

TEST(FiguresTest, EmptyFiguresHaveNullRates) {
  Figures f;
  Json j = f.ToJson();
  EXPECT_TRUE(j["coverage"].is_null());
  EXPECT_TRUE(j["closure_rate"].is_null());
  EXPECT_TRUE(j["median_close_ms"].is_null());
  EXPECT_TRUE(j["satisfaction"]["rate"].is_null());
  EXPECT_TRUE(j["satisfaction"]["avg_rating"].is_null());
  EXPECT_EQ(j["items"]["total"], 0);
}

TEST(FiguresTest, AddItemCountsStatesOverdueAndCloseTimes) {
  Figures f;
  f.households = 4;
  f.visited = 3;
  f.AddItem(ItemState::kOpen, true, 0);
  f.AddItem(ItemState::kAssigned, false, 0);
  f.AddItem(ItemState::kFixed, false, 0);
  f.AddItem(ItemState::kClosed, false, 300);
  f.AddItem(ItemState::kClosed, false, 100);
  f.evaluated = 2;
  f.satisfied = 1;
  f.rating_sum = 7;
  Json j = f.ToJson();
  EXPECT_EQ(j["items"], Json({{"open", 1}, {"assigned", 1}, {"fixed", 1}, {"closed", 2},
                              {"total", 5}}));
  EXPECT_EQ(j["overdue"], 1);
  EXPECT_DOUBLE_EQ(j["coverage"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["closure_rate"].get<double>(), 0.4);
  EXPECT_EQ(j["median_close_ms"], 200);
  EXPECT_DOUBLE_EQ(j["satisfaction"]["rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["satisfaction"]["avg_rating"].get<double>(), 3.5);
}

TEST(FiguresTest, MergeAddsEverything) {
  Figures a, b;
  a.microgrids = 1;
  a.households = 10;
  a.visited = 5;
  a.AddItem(ItemState::kClosed, false, 10);
  a.evaluated = 1;
  a.satisfied = 1;
  a.rating_sum = 5;
  b.microgrids = 1;
  b.households = 30;
  b.visited = 3;
  b.AddItem(ItemState::kClosed, false, 30);
  b.AddItem(ItemState::kClosed, false, 50);
  b.AddItem(ItemState::kOpen, true, 0);
  b.evaluated = 1;
  b.rating_sum = 1;
  a.Merge(b);
  Json j = a.ToJson();
  EXPECT_EQ(j["microgrids"], 2);
  EXPECT_EQ(j["households"], 40);
  EXPECT_EQ(j["visited"], 8);
  EXPECT_DOUBLE_EQ(j["coverage"].get<double>(), 0.2);
  EXPECT_EQ(j["items"]["closed"], 3);
  EXPECT_EQ(j["items"]["total"], 4);
  EXPECT_EQ(j["overdue"], 1);
  EXPECT_EQ(j["median_close_ms"], 30);
  EXPECT_EQ(j["satisfaction"]["evaluated"], 2);
  EXPECT_EQ(j["satisfaction"]["satisfied"], 1);
  EXPECT_DOUBLE_EQ(j["satisfaction"]["avg_rating"].get<double>(), 3.0);
}

}  // namespace
}  // namespace weige
