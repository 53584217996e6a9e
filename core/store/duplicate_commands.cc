// report.mark_duplicate, report.unmark_duplicate: a grid head says two
// residents reported the same problem.
//
// How a duplicate lives (issue 12, item 4):
// - The duplicate report names its original report (reports.duplicate_of);
//   its item names the original's item (items.duplicate_of). The original is
//   never a duplicate itself, and a report with duplicates is never marked
//   one: every duplicate points straight at its original.
// - The duplicate's item is parked: its state is kept exactly as it was and
//   nothing but item.comment moves it (CheckTransition answers
//   "item.duplicate"), so nobody works it apart from the original. Unmarking
//   clears the link and the item is back where it was, in its kept state.
// - The duplicate report follows the original's item: reports.follow_state
//   and follow_episode copy its state and closure episode (reopen_count)
//   after every command that moves it (ReflectOnDuplicates), with a
//   "report.original_closed" / "report.original_reopened" event on each
//   duplicate. The resident's view shows the followed state and evaluates
//   the original's closure; an unsatisfied evaluation reopens the original.
// - Marking and unmarking need a reason and leave events on the report and on
//   its item. The actor needs Action::kReportDuplicate over both items (a
//   grid head within their grid, an administrator within their subtree).
#include "core/store/internal.h"

namespace weige::store {

namespace {

struct ReportLink {
  std::string id, item_id, duplicate_of;
};

Status LoadReport(Db& db, const std::string& id, ReportLink* out) {
  Stmt s = db.Q("SELECT item_id, duplicate_of FROM reports WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("report.not_found", "no report " + id);
  }
  out->id = id;
  out->item_id = s.Text(0);
  out->duplicate_of = s.Text(1);
  return Status::Ok();
}

bool HasDuplicates(Db& db, const std::string& report_id) {
  Stmt s = db.Q("SELECT 1 FROM reports WHERE duplicate_of = ? LIMIT 1");
  s.Bind(1, report_id);
  return s.Step();
}

// The checks that need no payload beyond the report: may `actor` mark the
// report behind `item` a duplicate now?
Status CanMark(Db& db, const Actor& actor, const ItemRow& item, const Target& target) {
  WEIGE_RETURN_IF_ERROR(Require(actor, Action::kReportDuplicate, target));
  if (!item.duplicate_of.empty()) {
    return FailedPrecondition("report.already_duplicate",
                              "the report is marked a duplicate already; unmark it first");
  }
  if (item.state == ItemState::kClosed) {
    return FailedPrecondition("report.closed",
                              "the report's item is closed; a closed report is evaluated, not "
                              "marked a duplicate");
  }
  if (HasDuplicates(db, item.source_id)) {
    return FailedPrecondition("report.has_duplicates",
                              "other reports are duplicates of this one; it is an original");
  }
  return Status::Ok();
}

Status CanUnmark(const Actor& actor, const ItemRow& item, const Target& target) {
  WEIGE_RETURN_IF_ERROR(Require(actor, Action::kReportDuplicate, target));
  if (item.duplicate_of.empty()) {
    return FailedPrecondition("report.not_duplicate", "the report is not marked a duplicate");
  }
  return Status::Ok();
}

Status SetItemLink(Tx& tx, const std::string& item_id, const std::optional<std::string>& to) {
  Stmt w = tx.db().Q("UPDATE items SET duplicate_of = ?, updated_at = ? WHERE id = ?");
  return w.Bind(1, to).Bind(2, tx.at).Bind(3, item_id).Run();
}

Result MarkDuplicate(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string report_id = r.Id("report_id");
  std::string original_id = r.Id("original_id");
  std::string reason = r.Text("reason", kReasonBytes, TextLines::kMany);
  if (!r.ok()) return Result::Fail(r.status());
  if (report_id == original_id) {
    return Result::Fail(InvalidArgument("report.duplicate_of_self",
                                        "a report cannot be a duplicate of itself"));
  }
  ReportLink dup, orig;
  ItemRow dup_item, orig_item;
  Target dup_target, orig_target;
  Status s = LoadReport(tx.db(), report_id, &dup);
  if (s.ok()) s = LoadReport(tx.db(), original_id, &orig);
  if (s.ok()) s = LoadItem(tx.db(), dup.item_id, &dup_item, &dup_target);
  if (s.ok()) s = LoadItem(tx.db(), orig.item_id, &orig_item, &orig_target);
  if (s.ok()) s = Require(tx.actor(), Action::kReportDuplicate, orig_target);
  if (s.ok()) s = CanMark(tx.db(), tx.actor(), dup_item, dup_target);
  if (s.ok() && !orig.duplicate_of.empty()) {
    s = FailedPrecondition("report.original_is_duplicate",
                           "report " + original_id + " is itself a duplicate of " +
                               orig.duplicate_of + "; mark it a duplicate of that one");
  }
  if (!s.ok()) return Result::Fail(s);
  const std::string orig_state(ItemStateName(orig_item.state));
  Stmt w = tx.db().Q(
      "UPDATE reports SET duplicate_of = ?, follow_state = ?, follow_episode = ? WHERE id = ?");
  s = w.Bind(1, original_id).Bind(2, orig_state).Bind(3, orig_item.reopen_count)
          .Bind(4, report_id).Run();
  if (s.ok()) s = SetItemLink(tx, dup_item.id, orig_item.id);
  if (s.ok()) {
    s = tx.Event("report", report_id, "report.marked_duplicate", reason,
                 {{"original_id", original_id}, {"original_item_id", orig_item.id},
                  {"original_state", orig_state}});
  }
  if (s.ok()) {
    s = tx.Event("item", dup_item.id, "item.marked_duplicate", reason,
                 {{"report_id", report_id}, {"original_id", original_id},
                  {"original_item_id", orig_item.id},
                  {"kept_state", std::string(ItemStateName(dup_item.state))}});
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"report_id", report_id},
                     {"original_id", original_id},
                     {"item_id", dup_item.id},
                     {"follow_state", orig_state}});
}

Result UnmarkDuplicate(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string report_id = r.Id("report_id");
  std::string reason = r.Text("reason", kReasonBytes, TextLines::kMany);
  if (!r.ok()) return Result::Fail(r.status());
  ReportLink dup;
  ItemRow item;
  Target target;
  Status s = LoadReport(tx.db(), report_id, &dup);
  if (s.ok()) s = LoadItem(tx.db(), dup.item_id, &item, &target);
  if (s.ok()) s = CanUnmark(tx.actor(), item, target);
  if (!s.ok()) return Result::Fail(s);
  Stmt w = tx.db().Q(
      "UPDATE reports SET duplicate_of = NULL, follow_state = NULL, follow_episode = NULL"
      " WHERE id = ?");
  s = w.Bind(1, report_id).Run();
  if (s.ok()) s = SetItemLink(tx, item.id, std::nullopt);
  if (s.ok()) {
    s = tx.Event("report", report_id, "report.duplicate_unmarked", reason,
                 {{"original_id", dup.duplicate_of}});
  }
  if (s.ok()) {
    s = tx.Event("item", item.id, "item.duplicate_unmarked", reason,
                 {{"report_id", report_id}, {"original_id", dup.duplicate_of},
                  {"state", std::string(ItemStateName(item.state))}});
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"report_id", report_id},
                     {"item_id", item.id},
                     {"state", std::string(ItemStateName(item.state))}});
}

}  // namespace

void DuplicateActions(Db& db, const Actor& actor, const ItemRow& item, const Target& target,
                      Json* out) {
  if (item.source != "report" || item.source_id.empty()) return;
  if (CanUnmark(actor, item, target).ok()) out->push_back("report.unmark_duplicate");
  if (CanMark(db, actor, item, target).ok()) out->push_back("report.mark_duplicate");
}

Status ReflectOnDuplicates(Tx& tx, const std::string& item_id) {
  std::string state;
  int64_t episode = 0;
  std::string original_id;
  {
    Stmt s = tx.db().Q(
        "SELECT i.state, i.reopen_count, r.id FROM items i JOIN reports r ON r.item_id = i.id"
        " WHERE i.id = ?");
    s.Bind(1, item_id);
    if (!s.Step()) return s.status();  // not a report's item: no duplicates
    state = s.Text(0);
    episode = s.Int(1);
    original_id = s.Text(2);
  }
  struct Follower {
    std::string id, state;
    int64_t episode;
  };
  std::vector<Follower> followers;
  {
    Stmt s = tx.db().Q(
        "SELECT id, follow_state, follow_episode FROM reports WHERE duplicate_of = ? ORDER BY id");
    s.Bind(1, original_id);
    while (s.Step()) followers.push_back({s.Text(0), s.Text(1), s.Int(2)});
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  for (const Follower& f : followers) {
    if (f.state == state && f.episode == episode) continue;
    Stmt w = tx.db().Q("UPDATE reports SET follow_state = ?, follow_episode = ? WHERE id = ?");
    WEIGE_RETURN_IF_ERROR(w.Bind(1, state).Bind(2, episode).Bind(3, f.id).Run());
    const char* type = nullptr;
    if (state == "closed" && f.state != "closed") type = "report.original_closed";
    if (state != "closed" && f.state == "closed") type = "report.original_reopened";
    if (type != nullptr) {
      WEIGE_RETURN_IF_ERROR(tx.Event("report", f.id, type, "",
                                     {{"original_id", original_id},
                                      {"original_item_id", item_id},
                                      {"state", state}}));
    }
  }
  return Status::Ok();
}

Json ReportDuplicatesJson(Db& db, const Actor& actor, const ItemRow& item) {
  if (item.source != "report" || item.source_id.empty()) return Json();
  Json of;
  if (!item.duplicate_of.empty()) {
    Stmt s = db.Q("SELECT duplicate_of FROM reports WHERE id = ?");
    s.Bind(1, item.source_id);
    if (s.Step() && !s.IsNull(0)) of = {{"report_id", s.Text(0)}, {"item_id", item.duplicate_of}};
  }
  // The original by its title, for who may read it (and where this store
  // holds it): the apps name it so, never by its id.
  ItemRow original;
  Target target;
  if (!of.is_null() && LoadItem(db, item.duplicate_of, &original, &target).ok() &&
      Can(actor, Action::kItemRead, target)) {
    of["title"] = original.title;
  }
  Json reports = Json::array();
  Stmt s = db.Q("SELECT id FROM reports WHERE duplicate_of = ? ORDER BY id LIMIT 200");
  s.Bind(1, item.source_id);
  while (s.Step()) reports.push_back(s.Text(0));
  return {{"of", of}, {"reports", reports}};
}

// report.duplicate_candidates {item_id}: the reports the report behind
// item_id may be marked a duplicate of, newest first: of its grid, not
// itself, not duplicates themselves. The same refusal as
// report.mark_duplicate when the actor may not mark this report now.
// {candidates: [{report_id, item_id, title, category, state, submitted_at}]}.
Result DuplicateCandidates(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string item_id = r.Id("item_id");
  if (!r.ok()) return r.status();
  ItemRow item;
  Target target;
  WEIGE_RETURN_IF_ERROR(LoadItem(q.db(), item_id, &item, &target));
  if (item.source != "report") {
    return InvalidArgument("report.not_a_report", "the item did not come from a report");
  }
  WEIGE_RETURN_IF_ERROR(CanMark(q.db(), q.actor(), item, target));
  Stmt s = q.db().Q(
      "SELECT r.id, r.item_id, i.title, i.category, i.state, r.submitted_at FROM reports r"
      " JOIN items i ON i.id = r.item_id WHERE r.microgrid_id IN (SELECT m.id FROM regions m"
      " WHERE m.grid_id = (SELECT g.grid_id FROM regions g WHERE g.id = ?))"
      " AND r.duplicate_of IS NULL AND r.id <> ? ORDER BY r.submitted_at DESC, r.id LIMIT 50");
  s.Bind(1, item.microgrid_id).Bind(2, item.source_id);
  Json out = Json::array();
  while (s.Step()) {
    out.push_back({{"report_id", s.Text(0)}, {"item_id", s.Text(1)}, {"title", s.Text(2)},
                   {"category", s.Text(3)}, {"state", s.Text(4)}, {"submitted_at", s.Int(5)}});
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"candidates", out}});
}

void RegisterDuplicateQueries(QueryTable* t) {
  (*t)["report.duplicate_candidates"] = DuplicateCandidates;
}

void RegisterDuplicateCommands(CommandTable* t) {
  (*t)["report.mark_duplicate"] = MarkDuplicate;
  (*t)["report.unmark_duplicate"] = UnmarkDuplicate;
}

}  // namespace weige::store
