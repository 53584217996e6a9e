// item.open/assign/mark_fixed/verify/reject_fix/reopen/escalate/acknowledge/comment.
#include "core/store/internal.h"

namespace weige::store {

namespace {

// Each item command's permission and transition: the checks a handler runs
// before it reads the rest of its payload, and what ItemActions offers.
struct ItemCommandSpec {
  const char* type;
  Action action;
  Transition transition;
};
constexpr ItemCommandSpec kItemCommandSpecs[] = {
    {"item.assign", Action::kItemAssign, Transition::kAssign},
    {"item.mark_fixed", Action::kItemFix, Transition::kMarkFixed},
    {"item.verify", Action::kItemVerify, Transition::kVerify},
    {"item.reject_fix", Action::kItemVerify, Transition::kRejectFix},
    {"item.reopen", Action::kItemReopen, Transition::kReopen},
    {"item.escalate", Action::kItemEscalate, Transition::kEscalate},
    {"item.acknowledge", Action::kItemAcknowledge, Transition::kAcknowledge},
    {"item.comment", Action::kItemRead, Transition::kComment},
};

const ItemCommandSpec& SpecOf(Transition t) {
  for (const ItemCommandSpec& spec : kItemCommandSpecs) {
    if (spec.transition == t) return spec;
  }
  return kItemCommandSpecs[0];  // unreachable: every Transition has a row
}

Status Allowed(const Actor& actor, const ItemRow& item, const Target& target,
               const ItemCommandSpec& spec, ItemState* next) {
  WEIGE_RETURN_IF_ERROR(Require(actor, spec.action, target));
  ItemFacts facts;
  facts.state = item.state;
  facts.fixed_by = item.fixed_by;
  facts.escalated = !item.escalated_to.empty();
  facts.acknowledged = item.acknowledged_at > 0;
  facts.duplicate = !item.duplicate_of.empty();
  return CheckTransition(spec.transition, facts, actor.person_id, next);
}

// Reads payload.item_id, loads the item, checks permission and transition.
struct ItemStep {
  ItemRow item;
  Target target;
  ItemState next = ItemState::kOpen;
};

Status Begin(Tx& tx, FieldReader& r, Transition t, ItemStep* step) {
  std::string item_id = r.Id("item_id");
  if (!r.ok()) return r.status();
  WEIGE_RETURN_IF_ERROR(LoadItem(tx.db(), item_id, &step->item, &step->target));
  return Allowed(tx.actor(), step->item, step->target, SpecOf(t), &step->next);
}

// A command that moved the item: its report's duplicates follow it.
Result Done(Tx& tx, Status s, const ItemStep& step) {
  if (s.ok() && step.next != step.item.state) s = ReflectOnDuplicates(tx, step.item.id);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"item_id", step.item.id}, {"state", std::string(ItemStateName(step.next))}});
}

Result ItemOpen(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  Tx::NewItem n;
  n.id = r.Id("item_id");
  auto household = r.OptId("household_id");
  auto building = r.OptId("building_id");
  auto microgrid = r.OptId("microgrid_id");
  n.category = r.Id("category");
  n.title = r.Text("title", kNameBytes);
  n.description = r.OptText("description", kTextBytes, TextLines::kMany).value_or("");
  n.deadline = r.OptInt("deadline", 1, kMaxTime).value_or(0);
  n.photos = r.Sha256List("photos", 0, kMaxPhotos);
  n.fixed_evidence = r.Sha256List("fixed_evidence", 0, kMaxPhotos);
  if (!r.ok()) return Result::Fail(r.status());
  Target target;
  Status s;
  if (household) {
    s = TargetForHousehold(tx.db(), *household, &target, &n.microgrid_id, &n.building_id);
    n.household_id = *household;
  } else if (building) {
    s = TargetForBuilding(tx.db(), *building, &target, &n.microgrid_id);
    n.building_id = *building;
  } else if (microgrid) {
    s = RegionChain(tx.db(), *microgrid, "microgrid", &target.regions);
    n.microgrid_id = *microgrid;
  } else {
    s = InvalidArgument("argument.missing",
                        "payload needs one of household_id, building_id, microgrid_id");
  }
  if (s.ok() && microgrid && *microgrid != n.microgrid_id) {
    s = InvalidArgument("item.place_mismatch", "the place is not in payload.microgrid_id");
  }
  if (s.ok()) s = Require(tx.actor(), Action::kItemOpen, target);
  n.source = "manual";
  if (s.ok()) s = tx.OpenItem(n);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok(
      {{"item_id", n.id}, {"state", n.fixed_evidence.empty() ? "open" : "fixed"}});
}

Result ItemAssign(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  auto person = r.OptId("owner_person");
  auto dept = r.OptId("owner_dept");
  int64_t deadline = r.Int("deadline", 1, kMaxTime);
  auto note = r.OptText("note", kReasonBytes, TextLines::kMany);
  ItemStep step;
  Status s = Begin(tx, r, Transition::kAssign, &step);
  if (s.ok() && person.has_value() == dept.has_value()) {
    s = InvalidArgument("item.owner_required",
                        "payload needs exactly one of owner_person, owner_dept");
  }
  if (s.ok() && person) {
    Actor owner;
    if (!LoadActor(tx.db(), *person, &owner).ok()) {
      s = NotFound("person.not_found", "no person with id " + *person);
    }
  }
  if (s.ok() && dept) {
    Stmt d = tx.db().Q("SELECT 1 FROM departments WHERE id = ?");
    d.Bind(1, *dept);
    if (!d.Step()) s = NotFound("department.not_found", "no department with id " + *dept);
  }
  if (s.ok()) {
    Stmt w = tx.db().Q(
        "UPDATE items SET state = 'assigned', owner_person = ?, owner_dept = ?, deadline = ?,"
        " updated_at = ? WHERE id = ?");
    s = w.Bind(1, person).Bind(2, dept).Bind(3, deadline).Bind(4, tx.at).Bind(5, step.item.id).Run();
  }
  if (s.ok()) {
    Json data = {{"owner_person", person ? Json(*person) : Json(nullptr)},
                 {"owner_dept", dept ? Json(*dept) : Json(nullptr)},
                 {"deadline", deadline}};
    if (dept) data["place"] = PlaceFromRows(tx.db(), step.item);  // as for an escalation
    s = tx.Event("item", step.item.id, "item.assigned", note.value_or(""), data);
  }
  return Done(tx, s, step);
}

// mark_fixed and verify: evidence required.
Result WithEvidence(Tx& tx, Transition t) {
  FieldReader r(*tx.payload, "payload");
  auto evidence = r.Sha256List("evidence", 1, kMaxPhotos);
  auto note = r.OptText("note", kReasonBytes, TextLines::kMany);
  ItemStep step;
  Status s = Begin(tx, r, t, &step);
  if (s.ok()) {
    const bool fix = t == Transition::kMarkFixed;
    Stmt w = tx.db().Q(fix ? "UPDATE items SET state = 'fixed', fixed_by = ?, fixed_at = ?,"
                             " updated_at = ? WHERE id = ?"
                           : "UPDATE items SET state = 'closed', closed_by = ?, closed_at = ?,"
                             " updated_at = ? WHERE id = ?");
    s = w.Bind(1, tx.actor().person_id).Bind(2, tx.at).Bind(3, tx.at).Bind(4, step.item.id).Run();
    if (s.ok()) {
      s = tx.Event("item", step.item.id, fix ? "item.fixed" : "item.closed", note.value_or(""),
                   Json::object(), evidence);
    }
  }
  return Done(tx, s, step);
}

Result ItemMarkFixed(Tx& tx) { return WithEvidence(tx, Transition::kMarkFixed); }
Result ItemVerify(Tx& tx) { return WithEvidence(tx, Transition::kVerify); }

// reject_fix and reopen: back to assigned, a reason required.
Result BackToAssigned(Tx& tx, Transition t) {
  FieldReader r(*tx.payload, "payload");
  std::string reason = r.Text("reason", kReasonBytes, TextLines::kMany);
  auto deadline = r.OptInt("deadline", 1, kMaxTime);
  ItemStep step;
  Status s = Begin(tx, r, t, &step);
  if (s.ok()) {
    const bool reopen = t == Transition::kReopen;
    Stmt w = tx.db().Q(
        "UPDATE items SET state = 'assigned', fixed_by = NULL, fixed_at = NULL,"
        " closed_by = NULL, closed_at = NULL, reopen_count = reopen_count + ?,"
        " deadline = COALESCE(?, deadline), updated_at = ? WHERE id = ?");
    s = w.Bind(1, reopen ? 1 : 0).Bind(2, deadline).Bind(3, tx.at).Bind(4, step.item.id).Run();
    if (s.ok()) {
      s = tx.Event("item", step.item.id, reopen ? "item.reopened" : "item.fix_rejected", reason,
                   Json::object());
    }
  }
  return Done(tx, s, step);
}

Result ItemRejectFix(Tx& tx) {
  return BackToAssigned(tx, Transition::kRejectFix);
}
Result ItemReopen(Tx& tx) { return BackToAssigned(tx, Transition::kReopen); }

Result ItemEscalate(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string dept = r.Id("department_id");
  int64_t deadline = r.Int("deadline", 1, kMaxTime);
  std::string reason = r.Text("reason", kReasonBytes, TextLines::kMany);
  ItemStep step;
  Status s = Begin(tx, r, Transition::kEscalate, &step);
  if (s.ok()) {
    Stmt d = tx.db().Q("SELECT 1 FROM departments WHERE id = ?");
    d.Bind(1, dept);
    if (!d.Step()) s = NotFound("department.not_found", "no department with id " + dept);
  }
  if (s.ok()) {
    Stmt w = tx.db().Q(
        "UPDATE items SET escalated_to = ?, escalation_deadline = ?, acknowledged_at = NULL,"
        " updated_at = ? WHERE id = ?");
    s = w.Bind(1, dept).Bind(2, deadline).Bind(3, tx.at).Bind(4, step.item.id).Run();
  }
  if (s.ok()) {
    // The department's devices hold no building, household or person rows:
    // the event carries the place's names and the escalator's name.
    s = tx.Event("item", step.item.id, "item.escalated", reason,
                 {{"department_id", dept}, {"deadline", deadline},
                  {"place", PlaceFromRows(tx.db(), step.item)},
                  {"by_name", PersonName(tx.db(), tx.actor().person_id)}});
  }
  return Done(tx, s, step);
}

Result ItemAcknowledge(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  auto note = r.OptText("note", kReasonBytes, TextLines::kMany);
  ItemStep step;
  Status s = Begin(tx, r, Transition::kAcknowledge, &step);
  if (s.ok()) {
    Stmt w = tx.db().Q("UPDATE items SET acknowledged_at = ?, updated_at = ? WHERE id = ?");
    s = w.Bind(1, tx.at).Bind(2, tx.at).Bind(3, step.item.id).Run();
  }
  if (s.ok()) {
    s = tx.Event("item", step.item.id, "item.acknowledged", note.value_or(""),
                 {{"department_id", step.item.escalated_to}});
  }
  return Done(tx, s, step);
}

Result ItemComment(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string text = r.Text("text", kTextBytes, TextLines::kMany);
  auto photos = r.Sha256List("photos", 0, kMaxPhotos);
  ItemStep step;
  Status s = Begin(tx, r, Transition::kComment, &step);
  if (s.ok()) s = tx.Event("item", step.item.id, "item.commented", "", {{"text", text}}, photos);
  return Done(tx, s, step);
}

}  // namespace

Json ItemActions(const Actor& actor, const ItemRow& item, const Target& target) {
  Json out = Json::array();
  for (const ItemCommandSpec& spec : kItemCommandSpecs) {
    ItemState next;
    if (Allowed(actor, item, target, spec, &next).ok()) out.push_back(spec.type);
  }
  return out;
}

void RegisterItemCommands(CommandTable* t) {
  (*t)["item.open"] = ItemOpen;
  (*t)["item.assign"] = ItemAssign;
  (*t)["item.mark_fixed"] = ItemMarkFixed;
  (*t)["item.verify"] = ItemVerify;
  (*t)["item.reject_fix"] = ItemRejectFix;
  (*t)["item.reopen"] = ItemReopen;
  (*t)["item.escalate"] = ItemEscalate;
  (*t)["item.acknowledge"] = ItemAcknowledge;
  (*t)["item.comment"] = ItemComment;
}

}  // namespace weige::store
