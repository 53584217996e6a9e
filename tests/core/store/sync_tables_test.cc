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

// The change-log triggers on the content tables, by the engine's catalogue.
int64_t ContentTriggers(store::Db& db) {
  store::Stmt s = db.Q(store::PerEngine{
      "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync\\_%'"
      " ESCAPE '\\' AND tbl_name <> 'sync_changes'",
      "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = current_schema()"
      " AND event_object_table <> 'sync_changes' AND trigger_name LIKE 'sync\\_%'"});
  return s.Step() ? s.Int(0) : -1;
}

TEST_F(SyncTablesTest, AStoreThatDoesNotRecordHasNoChangeLogTriggers) {
  store::Db& db = store::DbOf(store());
  EXPECT_EQ(ContentTriggers(db), 0);
  // Rows written record nothing and fire nothing.
  MustExec("admin", "department.upsert", {{"id", "dept_y"}, {"name", "Y"}, {"kind", "bureau"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes"), 0);
  // Turned on, the store gets them, records what it held (the backfill) and
  // what it writes from then on.
  TurnOnChangeLog();
  EXPECT_GT(ContentTriggers(db), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE tbl = 'departments' AND pk = '[\"dept_y\"]'"),
            1);
  EXPECT_GT(Count("SELECT COUNT(*) FROM sync_change_tags WHERE tag = 'all'"), 0);
  MustExec("admin", "department.upsert", {{"id", "dept_y"}, {"name", "Y2"}, {"kind", "bureau"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE tbl = 'departments' AND pk = '[\"dept_y\"]'"),
            2);
}

TEST_F(SyncTablesTest, TriggersAreInstalledOnceAndAgainWhenTheirTextChanges) {
  store::Db& db = store::DbOf(store());
  auto fingerprint = [&db] {
    store::Stmt s = db.Q("SELECT fingerprint FROM sync_triggers WHERE id = 1");
    return s.Step() ? s.Text(0) : std::string();
  };
  EXPECT_EQ(fingerprint(), "off");  // not recording: none installed
  TurnOnChangeLog();
  std::string installed = fingerprint();
  EXPECT_EQ(installed.size(), 16u);
  // A stale fingerprint (as after an upgrade) makes the next open reinstall.
  ASSERT_TRUE(db.Exec("UPDATE sync_triggers SET fingerprint = 'old'").ok());
  std::unique_ptr<store::Store> again;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), {}, &again).ok());
  EXPECT_EQ(fingerprint(), installed);
  // And the reinstalled triggers record.
  MustExec("admin", "department.upsert", {{"id", "dept_x"}, {"name", "X"}, {"kind", "bureau"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE tbl = 'departments' AND pk = '[\"dept_x\"]'"),
            1);
}

}  // namespace
}  // namespace weige::testing
