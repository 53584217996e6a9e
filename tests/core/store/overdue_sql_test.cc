// weige_overdue in SQL (a C function on SQLite, an SQL function made by
// PostgreSQL's migration) is the domain's IsOverdue: both engines agree with
// the domain over every state and each side of every deadline.
#include "core/domain/item_rules.h"
#include "core/store/db.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class OverdueSqlTest : public WorldTest {};

TEST_F(OverdueSqlTest, AgreesWithTheDomain) {
  const int64_t now = 1000;
  int checked = 0;
  for (const char* state : {"open", "assigned", "fixed", "closed", "bogus"}) {
    for (std::optional<int64_t> deadline : {std::optional<int64_t>(), std::optional<int64_t>(0),
                                            std::optional<int64_t>(999), std::optional<int64_t>(1000),
                                            std::optional<int64_t>(1001)}) {
      for (std::optional<int64_t> esc : {std::optional<int64_t>(), std::optional<int64_t>(999),
                                         std::optional<int64_t>(1001)}) {
        for (std::optional<int64_t> acked : {std::optional<int64_t>(), std::optional<int64_t>(5)}) {
          store::Stmt s = store::DbOf(store()).Q(
              "SELECT weige_overdue(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT),"
              " CAST(? AS BIGINT), CAST(? AS BIGINT))");
          s.Bind(1, state).Bind(2, deadline).Bind(3, esc).Bind(4, acked).Bind(5, now);
          ASSERT_TRUE(s.Step()) << s.status().message;
          auto parsed = ParseItemState(state);
          bool want = parsed && IsOverdue(*parsed, deadline.value_or(0), esc.value_or(0),
                                          acked.has_value(), now);
          EXPECT_EQ(s.Int(0), want ? 1 : 0)
              << state << " " << deadline.value_or(-1) << " " << esc.value_or(-1) << " "
              << acked.has_value();
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 150);
}

}  // namespace
}  // namespace weige::testing
