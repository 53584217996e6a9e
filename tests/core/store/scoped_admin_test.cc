// A scoped administrator (radmin: admin of grid g2) reads nothing outside its
// subtree, even through the lists that reach across the tree (an owner's
// items), while the administrator of everything reads them all.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using ScopedAdminTest = WorldTest;

std::vector<std::string> Ids(const Json& list) {
  std::vector<std::string> out;
  for (const Json& i : list["items"]) out.push_back(i["id"]);
  return out;
}

TEST_F(ScopedAdminTest, OwnerListsShowOnlyTheSubtreesItems) {
  std::string inside = OpenItem("h6", "head2");  // mg3, under g2
  MustExec("head2", "item.assign",
           {{"item_id", inside}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}});
  std::string outside = ItemIn("assigned", "h1");  // mg1, under g1
  Json dept = {{"owner_dept", "dept_prop"}, {"now", kT0}};
  EXPECT_EQ(Ids(MustQuery("radmin", "items.checklist", dept)), std::vector<std::string>{inside});
  std::vector<std::string> all = Ids(MustQuery("admin", "items.checklist", dept));
  EXPECT_EQ(all.size(), 2u);

  std::string mine = OpenItem("h1");
  MustExec("head1", "item.assign",
           {{"item_id", mine}, {"owner_person", "worker1"}, {"deadline", kT0 + kDay}});
  Json person = {{"owner_person", "worker1"}, {"now", kT0}};
  EXPECT_TRUE(Ids(MustQuery("radmin", "items.checklist", person)).empty());
  EXPECT_EQ(Ids(MustQuery("admin", "items.checklist", person)), std::vector<std::string>{mine});
  EXPECT_EQ(Ids(MustQuery("worker1", "items.checklist", person)), std::vector<std::string>{mine});
  EXPECT_ERR(Query("radmin", "item.detail", {{"item_id", outside}}), "permission_denied",
             "permission.denied");
}

}  // namespace
}  // namespace weige::testing
