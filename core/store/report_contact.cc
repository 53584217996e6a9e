// A report's phone: masked in item.detail, revealed in full only to the
// person handling the item, with the resident's consent, one event a reveal
// (core/domain/personal_data.h holds the rule).
#include "core/domain/personal_data.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

struct ReportContact {
  std::string report_id, phone;
  bool contact_ok = false;
};

// The report an item came from; false if none.
bool LoadContact(Db& db, const std::string& item_id, ReportContact* out) {
  Stmt s = db.Q("SELECT id, phone, contact_ok FROM reports WHERE item_id = ?");
  s.Bind(1, item_id);
  if (!s.Step()) return false;
  out->report_id = s.Text(0);
  out->phone = s.Text(1);
  out->contact_ok = s.Int(2) != 0;
  return true;
}

}  // namespace

Json ReportContactJson(Db& db, const Actor& actor, const ItemRow& item) {
  ReportContact c;
  if (item.source != "report" || !LoadContact(db, item.id, &c)) return nullptr;
  return {{"report_id", c.report_id},
          {"contact_ok", c.contact_ok},
          {"phone", c.phone.empty() ? Json() : Json(MaskPhone(c.phone))},
          {"can_reveal_phone",
           !c.phone.empty() && CanRevealPhone(actor, item.owner_person, item.owner_dept,
                                              c.contact_ok)}};
}

Result ReportRevealPhone(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string report_id = r.Id("report_id");
  if (!r.ok()) return Result::Fail(r.status());
  std::string item_id;
  {
    Stmt s = tx.db().Q("SELECT item_id FROM reports WHERE id = ?");
    s.Bind(1, report_id);
    if (!s.Step()) return Result::Fail(NotFound("report.not_found", "no report " + report_id));
    item_id = s.Text(0);
  }
  ItemRow item;
  Target target;
  Status s = LoadItem(tx.db(), item_id, &item, &target);
  if (s.ok()) s = Require(tx.actor(), Action::kItemRead, target);
  if (!s.ok()) return Result::Fail(s);
  ReportContact c;
  LoadContact(tx.db(), item_id, &c);
  if (!IsHandler(tx.actor(), item.owner_person, item.owner_dept)) {
    return Result::Fail(PermissionDenied(
        "report.not_handler", "only the person handling the item may see the resident's phone"));
  }
  if (!c.contact_ok) {
    return Result::Fail(FailedPrecondition(
        "report.no_contact_consent", "the resident did not agree to be contacted"));
  }
  if (c.phone.empty()) {
    return Result::Fail(NotFound("report.no_phone", "the report has no phone number"));
  }
  // The trail records who saw the number, never the number itself.
  s = tx.Event("report", report_id, "report.phone_revealed", "", {{"item_id", item_id}});
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"report_id", report_id}, {"item_id", item_id}, {"phone", c.phone}});
}

}  // namespace weige::store
