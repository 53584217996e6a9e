#include "core/store/register_rows.h"

#include "core/domain/item_rules.h"
#include "core/store/internal.h"

namespace weige::store {

// --- CommandBatch ----------------------------------------------------------

CommandBatch::~CommandBatch() = default;  // tx_ rolls back what is still open

Status CommandBatch::Begin() {
  if (open_) return FailedPrecondition("batch.open", "a batch is already open");
  if (!cache_raised_) {
    // A batch of 1,000 households dirties ~3 MB of pages (table, indexes,
    // events, outbox); SQLite's default 2 MB cache spilled them into the WAL
    // mid-transaction, a quarter of an import's time in pwrite.
    WEIGE_RETURN_IF_ERROR(store_->SetCacheKib(65536));
    cache_raised_ = true;
  }
  WEIGE_RETURN_IF_ERROR(store_->Begin(&tx_));
  open_ = true;
  return Status::Ok();
}

Status CommandBatch::Commit() {
  if (!open_) return FailedPrecondition("batch.closed", "no batch is open");
  open_ = false;
  return tx_.Commit();  // a failed commit rolls back
}

Status CommandBatch::Rollback() {
  if (!open_) return FailedPrecondition("batch.closed", "no batch is open");
  open_ = false;
  tx_.Rollback();
  return Status::Ok();
}

RowOutcome CommandBatch::RunRow(const std::vector<Json>& commands) {
  RowOutcome out;
  Transaction row;  // a savepoint inside the batch
  Status s = store_->Begin(&row);
  if (!s.ok()) {
    out.failed = Result::Fail(s);
    return out;
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    Result r = store_->Execute(commands[i]);
    if (!r.ok()) {
      out.failed = std::move(r);
      out.failed_index = i;
      out.changed = false;
      break;
    }
    if (!(r.value.is_object() && r.value.value("unchanged", false))) out.changed = true;
  }
  if (!out.changed) {
    row.Rollback();
    return out;
  }
  s = row.Commit();
  if (!s.ok() && out.failed.ok()) {
    out.failed = Result::Fail(s);
    out.changed = false;
  }
  return out;
}

Status PersonGrants(Store* store, const std::string& person_id,
                    std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  Stmt s = DbOf(*store).Q(
      "SELECT role, scope_id FROM roles WHERE person_id = ? ORDER BY role, scope_id");
  s.Bind(1, person_id);
  while (s.Step()) out->emplace_back(s.Text(0), s.Text(1));
  return s.status();
}

// --- ForEachRow ------------------------------------------------------------

namespace {

using Sink = std::function<Status(const Row&)>;

// The regions column that names a region of `level` as an ancestor (every
// region names itself at its own level, micro-grids excepted).
const char* AncestorColumn(const std::string& level) {
  if (level == "district") return "district_id";
  if (level == "street") return "street_id";
  if (level == "community") return "community_id";
  if (level == "grid") return "grid_id";
  return nullptr;  // a micro-grid: only itself
}

constexpr char kDepth[] =
    "CASE level WHEN 'district' THEN 0 WHEN 'street' THEN 1 WHEN 'community' THEN 2"
    " WHEN 'grid' THEN 3 ELSE 4 END";

// Reads the current row of `s` (columns [0, n)); columns whose bit is set in
// `numbers` are numbers.
Row ReadRow(const Stmt& s, int n, uint64_t numbers) {
  Row row(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Cell& c = row[static_cast<size_t>(i)];
    c.null = s.IsNull(i);
    c.number = (numbers >> i) & 1;
    if (!c.null) c.text = s.Text(i);
  }
  return row;
}

class Reader {
 public:
  Reader(Db& db, const RowFilter& f, const Sink& sink) : db_(db), f_(f), sink_(sink) {}

  // Resolves the region and checks `action` over it.
  Status Start(Action action, bool admin_only) {
    region_ = f_.region_id;
    if (region_.empty()) {
      Stmt d = db_.Q("SELECT id FROM regions WHERE parent_id IS NULL ORDER BY id LIMIT 1");
      if (!d.Step()) {
        WEIGE_RETURN_IF_ERROR(d.status());
        return NotFound("region.not_found", "the store has no district");
      }
      region_ = d.Text(0);
    }
    WEIGE_RETURN_IF_ERROR(LoadActor(db_, f_.actor, &actor_));
    Target t;
    WEIGE_RETURN_IF_ERROR(RegionChain(db_, region_, nullptr, &t.regions, &level_));
    if (admin_only && !actor_.Has(Role::kAdmin)) {
      return PermissionDenied("permission.denied", "only an administrator may do this");
    }
    return Require(actor_, action, t);
  }

  // Calls `each` with every micro-grid id of the subtree, in id order.
  Status Microgrids(const std::function<Status(const std::string&)>& each) {
    const char* col = AncestorColumn(level_);
    if (col == nullptr) return each(region_);
    std::string sql = std::string("SELECT id FROM regions WHERE level = 'microgrid' AND ") + col +
                      " = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    std::string last;
    for (;;) {
      std::vector<std::string> page;
      {
        Stmt s = db_.Q(sql);
        s.Bind(1, region_).Bind(2, last).Bind(3, static_cast<int64_t>(f_.page_rows));
        while (s.Step()) page.push_back(s.Text(0));
        WEIGE_RETURN_IF_ERROR(s.status());
      }
      for (const std::string& mg : page) WEIGE_RETURN_IF_ERROR(each(mg));
      if (page.size() < f_.page_rows) return Status::Ok();
      last = page.back();
    }
  }

  // Pages `sql` (binding the page's key with `bind`, LIMIT last) and hands
  // each row to `emit`; `next_key` takes the last row of a page. Rows are
  // copied out and the statement reset before any row reaches the sink.
  Status Pages(const std::string& sql, int columns, uint64_t numbers,
               const std::function<int(Stmt&)>& bind,
               const std::function<void(const Row&)>& next_key,
               const std::function<Status(Row&)>& emit) {
    for (;;) {
      std::vector<Row> page;
      {
        Stmt s = db_.Q(sql);
        int n = bind(s);
        s.Bind(n, static_cast<int64_t>(f_.page_rows));
        while (s.Step()) page.push_back(ReadRow(s, columns, numbers));
        WEIGE_RETURN_IF_ERROR(s.status());
      }
      for (Row& r : page) WEIGE_RETURN_IF_ERROR(emit(r));
      if (page.size() < f_.page_rows) return Status::Ok();
      next_key(page.back());
    }
  }

  Status Regions() {
    const char* col = AncestorColumn(level_);
    const bool root = f_.include_root || level_ == "district";
    std::string where = col == nullptr ? std::string("id = ?1")
                        : root        ? std::string(col) + " = ?1"
                                      : std::string(col) + " = ?1 AND id <> ?1";
    if (col == nullptr && !root) return Status::Ok();  // nothing below a micro-grid
    std::string sql = std::string("SELECT id, parent_id, level, name, code, ") + kDepth +
                      " FROM regions WHERE " + where + " AND (" + kDepth +
                      ", id) > (?2, ?3) ORDER BY " + kDepth + ", id LIMIT ?4";
    int64_t depth = -1;
    std::string id;
    return Pages(
        sql, 6, 1u << 5,
        [&](Stmt& s) {
          s.Bind(1, region_).Bind(2, depth).Bind(3, id);
          return 4;
        },
        [&](const Row& r) {
          id = r[0].text;
          depth = static_cast<int64_t>(std::stoll(r[5].text));
        },
        [&](Row& r) {
          r.resize(5);
          return sink_(r);
        });
  }

  // Rows of a per-micro-grid table keyed by `key_cols` (1 or 2 text columns
  // at the row's front positions given by `key_at`).
  Status PerMicrogrid(const std::string& select, const std::string& where_time, int columns,
                      uint64_t numbers, const std::vector<int>& key_at,
                      const std::function<Status(Row&)>& emit) {
    std::string key_expr =
        key_at.size() == 1 ? key_names_ + " > ?2" : "(" + key_names_ + ") > (?2, ?3)";
    int next = static_cast<int>(key_at.size()) + 2;
    std::string time;
    int from_at = 0, to_at = 0;
    if (!where_time.empty()) {
      from_at = next++;
      to_at = next++;
      time = " AND " + where_time + " >= ?" + std::to_string(from_at) + " AND " + where_time +
             " < ?" + std::to_string(to_at);
    }
    std::string sql = select + " WHERE " + mg_column_ + " = ?1 AND " + key_expr + time +
                      " ORDER BY " + key_names_ +
                      " LIMIT ?" + std::to_string(next);
    return Microgrids([&](const std::string& mg) {
      std::vector<std::string> key(key_at.size());
      std::vector<bool> key_number(key_at.size(), false);
      for (size_t i = 0; i < key_at.size(); ++i) key_number[i] = (numbers >> key_at[i]) & 1;
      return Pages(
          sql, columns, numbers,
          [&](Stmt& s) {
            s.Bind(1, mg);
            for (size_t i = 0; i < key.size(); ++i) {
              if (key_number[i]) {
                s.Bind(static_cast<int>(i) + 2, key[i].empty() ? int64_t{-1} : static_cast<int64_t>(std::stoll(key[i])));
              } else {
                s.Bind(static_cast<int>(i) + 2, key[i]);
              }
            }
            if (from_at != 0) {
              s.Bind(from_at, f_.from.value_or(0));
              s.Bind(to_at, f_.to.value_or(kMaxTime + 1));
            }
            return next;
          },
          [&](const Row& r) {
            for (size_t i = 0; i < key_at.size(); ++i) key[i] = r[static_cast<size_t>(key_at[i])].text;
          },
          emit);
    });
  }

  Status Buildings() {
    mg_column_ = "microgrid_id";
    // lat, lng read as text: stored to 1e-7 degrees, their text reads back
    // as the same double on either engine.
    return PerMicrogrid(
        "SELECT id, microgrid_id, name, address, units, floors, lat, lng FROM buildings", "", 8,
        (1u << 4) | (1u << 5), {0}, sink_);
  }

  Status Households() {
    mg_column_ = "microgrid_id";
    key_names_ = "building_id, id";
    return PerMicrogrid(
        "SELECT id, building_id, unit, floor, room, head_name, members, phone, tags"
        " FROM households",
        "", 9, (1u << 3) | (1u << 6), {1, 0}, sink_);
  }

  Status Visits() {
    mg_column_ = "microgrid_id";
    key_names_ = "at, id";
    return PerMicrogrid(
        "SELECT id, household_id, microgrid_id, cycle, outcome, counts, worker_id, at,"
        " template_id, template_version, answers, notes, photos FROM visits",
        "at", 13, (1u << 5) | (1u << 7) | (1u << 9), {7, 0}, sink_);
  }

  Status Reports() {
    mg_column_ = "r.microgrid_id";
    key_names_ = "r.id";
    return PerMicrogrid(
        "SELECT r.id, r.household_id, r.microgrid_id, r.category, r.description, r.item_id,"
        " i.state, r.submitted_at, r.rating, r.eval_comment, r.evaluated_at"
        " FROM reports r LEFT JOIN items i ON i.id = r.item_id",
        "r.submitted_at", 11, (1u << 7) | (1u << 8) | (1u << 10), {0}, sink_);
  }

  Status Items() {
    mg_column_ = "microgrid_id";
    const std::string sql =
        "SELECT id, microgrid_id, building_id, household_id, category, title, state, source,"
        " owner_person, owner_dept, deadline, escalation_deadline, acknowledged_at, opened_by,"
        " opened_at, fixed_by, fixed_at, closed_by, closed_at, reopen_count FROM items";
    return PerMicrogrid(
        sql, "opened_at", 20,
        (1u << 10) | (1u << 11) | (1u << 12) | (1u << 14) | (1u << 16) | (1u << 18) | (1u << 19),
        {0}, [&](Row& r) {
          auto state = ParseItemState(r[6].text);
          auto num = [&](size_t i) { return r[i].null ? int64_t{0} : static_cast<int64_t>(std::stoll(r[i].text)); };
          bool overdue = state && IsOverdue(*state, num(10), num(11), !r[12].null, f_.now);
          Row out;
          out.reserve(20);
          for (size_t i = 0; i < 11; ++i) out.push_back(r[i]);
          out.push_back(Cell{false, true, overdue ? "1" : "0"});
          for (size_t i = 13; i < 20; ++i) out.push_back(r[i]);
          Cell evidence;
          Stmt e = db_.Q(
              "SELECT evidence FROM events WHERE entity = 'item' AND entity_id = ?"
              " AND evidence IS NOT NULL ORDER BY seq");
          e.Bind(1, r[0].text);
          while (e.Step()) {
            Json list = JsonOrNull(e.Text(0));
            if (!list.is_array()) continue;
            for (const Json& d : list) {
              if (!d.is_string()) continue;
              if (!evidence.text.empty()) evidence.text += '\n';
              evidence.text += d.get<std::string>();
              evidence.null = false;
            }
          }
          WEIGE_RETURN_IF_ERROR(e.status());
          out.push_back(std::move(evidence));
          return sink_(out);
        });
  }

  Status People() {
    std::string cond;
    if (level_ != "district") {
      // Who holds a grant inside the subtree: on a region, a building or a
      // household below it.
      const char* col = AncestorColumn(level_);
      std::string regions = col ? std::string("SELECT id FROM regions WHERE ") + col + " = ?1"
                                : std::string("SELECT id FROM regions WHERE id = ?1");
      std::string mgs = col ? std::string("SELECT id FROM regions WHERE level = 'microgrid' AND ") +
                                  col + " = ?1"
                            : std::string("SELECT id FROM regions WHERE id = ?1");
      cond = " AND EXISTS (SELECT 1 FROM roles g WHERE g.person_id = p.id AND (g.scope_id IN (" +
             regions + ") OR g.scope_id IN (SELECT id FROM buildings WHERE microgrid_id IN (" +
             mgs + ")) OR g.scope_id IN (SELECT id FROM households WHERE microgrid_id IN (" + mgs +
             "))))";
    }
    // The region is a parameter only where the condition names it
    // (PostgreSQL cannot type a parameter no statement uses).
    const bool by_region = !cond.empty();
    std::string sql = std::string("SELECT p.id, p.name, p.phone FROM people p WHERE p.id > ") +
                      (by_region ? "?2" : "?1") + cond + " ORDER BY p.id LIMIT " +
                      (by_region ? "?3" : "?2");
    std::string last;
    return Pages(
        sql, 3, 0,
        [&](Stmt& s) {
          if (!by_region) {
            s.Bind(1, last);
            return 2;
          }
          s.Bind(1, region_).Bind(2, last);
          return 3;
        },
        [&](const Row& r) { last = r[0].text; },
        [&](Row& r) {
          std::vector<std::pair<std::string, std::string>> grants;
          Stmt g = db_.Q("SELECT role, scope_id FROM roles WHERE person_id = ? ORDER BY role, scope_id");
          g.Bind(1, r[0].text);
          Cell roles;
          while (g.Step()) {
            if (!roles.text.empty()) roles.text += '\n';
            roles.text += g.Text(0) + " " + g.Text(1);
            roles.null = false;
          }
          WEIGE_RETURN_IF_ERROR(g.status());
          r.push_back(std::move(roles));
          return sink_(r);
        });
  }

  // The district's departments (they belong to no region: every
  // administrator reads them all, whatever the filter's region).
  Status Departments() {
    std::string last;
    return Pages(
        "SELECT id, name, kind FROM departments WHERE id > ?1 ORDER BY id LIMIT ?2", 3, 0,
        [&](Stmt& s) {
          s.Bind(1, last);
          return 2;
        },
        [&](const Row& r) { last = r[0].text; },
        [&](Row& r) { return sink_(r); });
  }

 private:
  Db& db_;
  const RowFilter& f_;
  const Sink& sink_;
  Actor actor_;
  std::string region_, level_, mg_column_, key_names_ = "id";
};

}  // namespace

Status ForEachRow(Store* store, RowSet set, const RowFilter& filter, const Sink& sink) {
  if (filter.page_rows == 0) return InvalidArgument("rows.page", "page_rows must be positive");
  Db& db = DbOf(*store);
  Transaction snapshot;  // one read snapshot for every page (or the caller's)
  WEIGE_RETURN_IF_ERROR(store->Begin(&snapshot));
  // Who may read each set, and how it is read.
  struct Way {
    Action action;
    bool admin_only;
    Status (Reader::*read)();
  };
  static const Way kWays[] = {
      {Action::kRegionRead, false, &Reader::Regions},        // kRegions
      {Action::kManageBuilding, false, &Reader::Buildings},  // kBuildings
      {Action::kManageHousehold, false, &Reader::Households},
      {Action::kManageDirectory, true, &Reader::People},
      {Action::kRegionRead, false, &Reader::Items},
      {Action::kRegionRead, false, &Reader::Visits},
      {Action::kRegionRead, false, &Reader::Reports},
      {Action::kManageDirectory, true, &Reader::Departments},
  };
  const Way& way = kWays[static_cast<size_t>(set)];
  Reader reader(db, filter, sink);
  Status s = reader.Start(way.action, way.admin_only);
  if (s.ok()) s = (reader.*way.read)();
  snapshot.Rollback();  // read only
  return s;
}

}  // namespace weige::store
