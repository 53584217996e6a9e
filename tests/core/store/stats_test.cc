// stats.microgrid and stats.rollup on a small case computed by hand.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class StatsTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    // Visits in 2026-01. mg1 (h1 h2 h3): met, not_home, vacant -> 2 of 3.
    // mg2 (h4 h5): refused -> 0 of 2. mg3 (h6): met -> 1 of 1.
    Visit("v1", "h1", "met", "worker1");
    Visit("v2", "h2", "not_home", "worker1");
    Visit("v3", "h3", "vacant", "worker1");
    Visit("v4", "h4", "refused", "worker2");
    Visit("v5", "h6", "met", "worker3");
    Visit("v6", "h2", "met", "worker1", "2026-02");  // another cycle
    // mg1 items:
    //   a: open, deadline kT0 + 1 day              -> overdue at kNow
    //   b: assigned, deadline kT0 + 30 days        -> not overdue
    //   c: closed, opened kT0, closed kT0 + 2 h
    //   d: closed, opened kT0, closed kT0 + 6 h
    //   e: fixed, deadline kT0 + 1 day             -> not overdue (fixed)
    Item("a", "h1", kT0, kT0 + kDay);
    Item("b", "h2", kT0, 0);
    Assign("b", kT0 + 30 * kDay);
    Item("c", "h1", kT0, 0);
    Fix("c", "worker1", kT0 + kHour);
    Close("c", "head1", kT0 + 2 * kHour);
    Item("d", "h3", kT0, 0);
    Fix("d", "worker1", kT0 + kHour);
    Close("d", "head1", kT0 + 6 * kHour);
    Item("e", "h2", kT0, kT0 + kDay);
    Fix("e", "worker1", kT0 + kHour);
    // mg2: two reports by resident4, both closed; rated 5 and 3.
    //   closure times 4 h and 8 h; one escalation unacknowledged -> overdue.
    Reported("r1", kT0 + 4 * kHour, 5);
    Reported("r2", kT0 + 8 * kHour, 3);
    Item("f", "h5", kT0, 0, "head1");
    MustExec("head1", "item.escalate", {{"item_id", "f"}, {"department_id", "dept_fire"},
                                        {"deadline", kT0 + kDay}, {"reason", "r"}});
    // mg3: one report by nobody-as-resident of h6, closed and rated 1: reopened.
    MustExec("admin", "role.grant", {{"person_id", "nobody"}, {"role", "resident"}, {"scope_id", "h6"}});
    MustExec("nobody", "report.submit", {{"report_id", "r3"}, {"category", "noise"},
                                         {"description", "d"}, {"place", {{"address", "x"}}}});
    Fix("r3.item", "worker3", kT0 + kHour);
    Close("r3.item", "head2", kT0 + 2 * kHour);
    MustExec("nobody", "report.evaluate", {{"report_id", "r3"}, {"rating", 1}}, kT0 + 3 * kHour);
  }

  void Visit(const std::string& id, const std::string& hh, const std::string& outcome,
             const std::string& worker, const std::string& cycle = kCycle) {
    MustExec(worker, "visit.record",
             {{"visit_id", id}, {"household_id", hh}, {"cycle", cycle}, {"outcome", outcome}});
  }
  void Item(const std::string& id, const std::string& hh, int64_t at, int64_t deadline,
            const std::string& actor = "worker1") {
    Json p = {{"item_id", id}, {"household_id", hh}, {"category", "c"}, {"title", "t"}};
    if (deadline > 0) p["deadline"] = deadline;
    MustExec(actor, "item.open", p, at);
  }
  void Reported(const std::string& id, int64_t closed_at, int rating) {
    MustExec("resident4", "report.submit", {{"report_id", id}, {"category", "noise"},
                                            {"description", "d"}, {"place", {{"building_id", "b3"}}}},
             kT0);
    Fix(id + ".item", "worker2", kT0 + kHour);
    Close(id + ".item", "head1", closed_at);
    MustExec("resident4", "report.evaluate", {{"report_id", id}, {"rating", rating}},
             closed_at + kHour);
  }

  static constexpr int64_t kNow = kT0 + 2 * kDay;
};

TEST_F(StatsTest, Microgrid) {
  std::string before = Digest();
  Json s = MustQuery("worker1", "stats.microgrid",
                     {{"microgrid_id", "mg1"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(s["microgrid_id"], "mg1");
  EXPECT_EQ(s["cycle"], kCycle);
  EXPECT_EQ(s["microgrids"], 1);
  EXPECT_EQ(s["households"], 3);
  EXPECT_EQ(s["visited"], 2);
  EXPECT_NEAR(s["coverage"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(s["items"], Json({{"open", 1}, {"assigned", 1}, {"fixed", 1}, {"closed", 2}, {"total", 5}}));
  EXPECT_EQ(s["overdue"], 1);
  EXPECT_DOUBLE_EQ(s["closure_rate"].get<double>(), 0.4);
  EXPECT_EQ(s["median_close_ms"], 4 * kHour);  // (2 h + 6 h) / 2
  EXPECT_EQ(s["satisfaction"]["evaluated"], 0);
  EXPECT_TRUE(s["satisfaction"]["rate"].is_null());
  EXPECT_EQ(Digest(), before);

  Json m2 = MustQuery("worker2", "stats.microgrid",
                      {{"microgrid_id", "mg2"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(m2["households"], 2);
  EXPECT_EQ(m2["visited"], 0);
  EXPECT_DOUBLE_EQ(m2["coverage"].get<double>(), 0.0);
  EXPECT_EQ(m2["items"], Json({{"open", 1}, {"assigned", 0}, {"fixed", 0}, {"closed", 2}, {"total", 3}}));
  EXPECT_EQ(m2["overdue"], 1) << "the unacknowledged escalation";
  EXPECT_EQ(m2["median_close_ms"], 6 * kHour);  // (4 h + 8 h) / 2
  EXPECT_EQ(m2["satisfaction"], Json({{"evaluated", 2}, {"satisfied", 1}, {"rate", 0.5},
                                      {"avg_rating", 4.0}}));
  // Before the deadlines nothing is overdue.
  Json early = MustQuery("worker1", "stats.microgrid",
                         {{"microgrid_id", "mg1"}, {"cycle", kCycle}, {"now", kT0}});
  EXPECT_EQ(early["overdue"], 0);
  // Another cycle.
  Json feb = MustQuery("worker1", "stats.microgrid",
                       {{"microgrid_id", "mg1"}, {"cycle", "2026-02"}, {"now", kNow}});
  EXPECT_EQ(feb["visited"], 1);
}

TEST_F(StatsTest, RollupOfAGridByMicrogrid) {
  Json g = MustQuery("head1", "stats.rollup", {{"region_id", "g1"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(g["region_id"], "g1");
  EXPECT_EQ(g["level"], "grid");
  EXPECT_EQ(g["microgrids"], 2);
  EXPECT_EQ(g["households"], 5);
  EXPECT_EQ(g["visited"], 2);
  EXPECT_DOUBLE_EQ(g["coverage"].get<double>(), 0.4);
  EXPECT_EQ(g["items"], Json({{"open", 2}, {"assigned", 1}, {"fixed", 1}, {"closed", 4}, {"total", 8}}));
  EXPECT_EQ(g["overdue"], 2);
  EXPECT_DOUBLE_EQ(g["closure_rate"].get<double>(), 0.5);
  EXPECT_EQ(g["median_close_ms"], 5 * kHour);  // 2 4 6 8 h -> (4 + 6) / 2
  EXPECT_EQ(g["satisfaction"]["evaluated"], 2);
  ASSERT_EQ(g["children"].size(), 2u);
  EXPECT_EQ(g["children"][0]["region_id"], "mg1");
  EXPECT_EQ(g["children"][0]["level"], "microgrid");
  EXPECT_EQ(g["children"][0]["name"], "Region mg1");
  EXPECT_EQ(g["children"][0]["households"], 3);
  EXPECT_EQ(g["children"][1]["region_id"], "mg2");
  EXPECT_EQ(g["children"][1]["items"]["total"], 3);
}

TEST_F(StatsTest, RollupOfACommunityByGrid) {
  Json c = MustQuery("admin", "stats.rollup", {{"region_id", "c1"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(c["microgrids"], 3);
  EXPECT_EQ(c["households"], 6);
  EXPECT_EQ(c["visited"], 3);
  EXPECT_DOUBLE_EQ(c["coverage"].get<double>(), 0.5);
  EXPECT_EQ(c["items"]["total"], 9);
  EXPECT_EQ(c["items"]["assigned"], 2) << "the reopened report item";
  EXPECT_EQ(c["satisfaction"], Json({{"evaluated", 3}, {"satisfied", 1}, {"rate", 1.0 / 3},
                                     {"avg_rating", 3.0}}));
  ASSERT_EQ(c["children"].size(), 2u);
  EXPECT_EQ(c["children"][0]["region_id"], "g1");
  EXPECT_EQ(c["children"][0]["microgrids"], 2);
  EXPECT_EQ(c["children"][1]["region_id"], "g2");
  EXPECT_EQ(c["children"][1]["households"], 1);
  EXPECT_DOUBLE_EQ(c["children"][1]["coverage"].get<double>(), 1.0);
  EXPECT_TRUE(c["children"][1]["median_close_ms"].is_null()) << "reopened: no closed item";
  // The district and street roll up the same totals.
  for (const char* region : {"d1", "s1"}) {
    Json r = MustQuery("admin", "stats.rollup", {{"region_id", region}, {"cycle", kCycle}, {"now", kNow}});
    EXPECT_EQ(r["households"], 6) << region;
    EXPECT_EQ(r["items"], c["items"]) << region;
    EXPECT_EQ(r["children"].size(), 1u) << region;
  }
}

TEST_F(StatsTest, EmptyRegionsHaveNullRates) {
  MustExec("admin", "region.upsert", {{"id", "g3"}, {"parent_id", "c1"}, {"level", "grid"}, {"name", "G3"}});
  Json g = MustQuery("admin", "stats.rollup", {{"region_id", "g3"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(g["microgrids"], 0);
  EXPECT_TRUE(g["coverage"].is_null());
  EXPECT_TRUE(g["closure_rate"].is_null());
  EXPECT_EQ(g["children"].size(), 0u);
  MustExec("admin", "region.upsert", {{"id", "mg4"}, {"parent_id", "g3"}, {"level", "microgrid"}, {"name", "M4"}});
  Json m = MustQuery("admin", "stats.microgrid", {{"microgrid_id", "mg4"}, {"cycle", kCycle}, {"now", kNow}});
  EXPECT_EQ(m["microgrids"], 1);
  EXPECT_EQ(m["households"], 0);
  EXPECT_TRUE(m["coverage"].is_null());
}

TEST_F(StatsTest, Scope) {
  auto p = [](const char* key, const char* id) {
    return Json{{key, id}, {"cycle", kCycle}, {"now", kNow}};
  };
  EXPECT_ERR(Query("worker1", "stats.microgrid", p("microgrid_id", "mg2")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("worker1", "stats.rollup", p("region_id", "g1")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("head2", "stats.rollup", p("region_id", "g1")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("captain1", "stats.microgrid", p("microgrid_id", "mg1")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("resident1", "stats.microgrid", p("microgrid_id", "mg1")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("deptp", "stats.rollup", p("region_id", "d1")), "permission_denied",
             "permission.denied");
  EXPECT_OK(Query("head1", "stats.microgrid", p("microgrid_id", "mg2")));
  EXPECT_OK(Query("radmin", "stats.rollup", p("region_id", "g2")));
  EXPECT_ERR(Query("radmin", "stats.rollup", p("region_id", "c1")), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("admin", "stats.rollup", p("region_id", "mg1")), "invalid_argument",
             "stats.no_children");
  EXPECT_ERR(Query("admin", "stats.microgrid", p("microgrid_id", "g1")), "invalid_argument",
             "region.wrong_level");
  EXPECT_ERR(Query("admin", "stats.rollup", p("region_id", "zz")), "not_found", "region.not_found");
}

}  // namespace
}  // namespace weige::testing
