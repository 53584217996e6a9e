// The table of synced tables (core/store/sync_tables.cc) against the live
// schema of the engine the suite runs on: every column of every synced table
// is copied into the change log, so a column added by a migration and
// forgotten in the table fails here.
#include "core/store/sync_tables.h"

#include <set>

#include "core/store/schema.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class SyncTablesTest : public WorldTest {};

TEST_F(SyncTablesTest, ListsEveryColumnOfEverySyncedTable) {
  store::Db& db = store::DbOf(store());
  for (const store::SyncedColumns& t : store::SyncedTableColumns()) {
    std::vector<std::string> live;
    store::Stmt s = db.Q(store::PerEngine{
        "SELECT name FROM pragma_table_info(?) ORDER BY cid",
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? ORDER BY ordinal_position"});
    s.Bind(1, t.table);
    while (s.Step()) live.push_back(s.Text(0));
    ASSERT_TRUE(s.status().ok()) << s.status().message;
    EXPECT_EQ(t.columns, live) << t.table;
  }
}

TEST_F(SyncTablesTest, EveryContentTableButTheOutboxIsSynced) {
  std::set<std::string> synced, content;
  for (const store::SyncedColumns& t : store::SyncedTableColumns()) synced.insert(t.table);
  for (const char* const* t = store::ContentTables(); *t != nullptr; ++t) content.insert(*t);
  content.erase("outbox");  // the device's own queue, never pulled
  EXPECT_EQ(synced, content);
}

TEST_F(SyncTablesTest, TriggersAreInstalledOnceAndAgainWhenTheirTextChanges) {
  store::Db& db = store::DbOf(store());
  auto fingerprint = [&db] {
    store::Stmt s = db.Q("SELECT fingerprint FROM sync_triggers WHERE id = 1");
    return s.Step() ? s.Text(0) : std::string();
  };
  std::string installed = fingerprint();
  EXPECT_EQ(installed.size(), 16u);
  // A stale fingerprint (as after an upgrade) makes the next open reinstall.
  ASSERT_TRUE(db.Exec("UPDATE sync_triggers SET fingerprint = 'old'").ok());
  std::unique_ptr<store::Store> again;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), {}, &again).ok());
  EXPECT_EQ(fingerprint(), installed);
  // And the reinstalled triggers record.
  TurnOnChangeLog();
  MustExec("admin", "department.upsert", {{"id", "dept_x"}, {"name", "X"}, {"kind", "bureau"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE tbl = 'departments' AND pk = '[\"dept_x\"]'"),
            1);
}

}  // namespace
}  // namespace weige::testing
