#include "core/domain/item_rules.h"

namespace weige {

namespace {
constexpr std::string_view kStateNames[] = {"open", "assigned", "fixed", "closed"};
}

std::string_view ItemStateName(ItemState s) { return kStateNames[static_cast<int>(s)]; }

std::optional<ItemState> ParseItemState(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    if (kStateNames[i] == s) return static_cast<ItemState>(i);
  }
  return std::nullopt;
}

Status CheckTransition(Transition t, const ItemFacts& f, std::string_view actor_id,
                       ItemState* next) {
  const bool active = f.state == ItemState::kOpen || f.state == ItemState::kAssigned;
  *next = f.state;
  if (f.duplicate && t != Transition::kComment) {
    return FailedPrecondition("item.duplicate",
                              "the item's report is marked a duplicate; work the original's "
                              "item, or unmark the duplicate first");
  }
  auto illegal = [&](std::string_view what) {
    if (f.state == ItemState::kClosed) {
      return FailedPrecondition("item.closed",
                                "the item is closed; only item.reopen can move it");
    }
    return FailedPrecondition("item.illegal_transition",
                              std::string(what) + " is not allowed while the item is " +
                                  std::string(ItemStateName(f.state)));
  };
  switch (t) {
    case Transition::kAssign:
      if (!active) return illegal("assign");
      *next = ItemState::kAssigned;
      return Status::Ok();
    case Transition::kMarkFixed:
      if (!active) return illegal("mark_fixed");
      *next = ItemState::kFixed;
      return Status::Ok();
    case Transition::kVerify:
      if (f.state != ItemState::kFixed) return illegal("verify");
      if (!f.fixed_by.empty() && f.fixed_by == actor_id) {
        return FailedPrecondition("item.verifier_is_fixer",
                                  "the person who marked the fix cannot verify it");
      }
      *next = ItemState::kClosed;
      return Status::Ok();
    case Transition::kRejectFix:
      if (f.state != ItemState::kFixed) return illegal("reject_fix");
      // Sending a fix back is the verifier's other answer: the fixer gives
      // neither.
      if (!f.fixed_by.empty() && f.fixed_by == actor_id) {
        return FailedPrecondition("item.verifier_is_fixer",
                                  "the person who marked the fix cannot verify or reject it");
      }
      *next = ItemState::kAssigned;
      return Status::Ok();
    case Transition::kReopen:
      if (f.state != ItemState::kClosed) {
        return FailedPrecondition("item.not_closed", "only a closed item can be reopened");
      }
      *next = ItemState::kAssigned;
      return Status::Ok();
    case Transition::kEscalate:
      if (!active) return illegal("escalate");
      if (f.escalated && !f.acknowledged) {
        return FailedPrecondition("item.already_escalated",
                                  "the item is escalated and waits for acknowledgement");
      }
      return Status::Ok();
    case Transition::kAcknowledge:
      if (f.state == ItemState::kClosed) return illegal("acknowledge");
      if (!f.escalated) {
        return FailedPrecondition("item.not_escalated", "the item is not escalated");
      }
      if (f.acknowledged) {
        return FailedPrecondition("item.already_acknowledged",
                                  "the escalation is already acknowledged");
      }
      return Status::Ok();
    case Transition::kComment:
      return Status::Ok();
  }
  return Internal("item.unknown_transition", "unknown transition");
}

bool IsOverdue(ItemState state, int64_t deadline, int64_t escalation_deadline,
               bool acknowledged, int64_t now) {
  const bool active = state == ItemState::kOpen || state == ItemState::kAssigned;
  if (active && deadline > 0 && now > deadline) return true;
  if (state != ItemState::kClosed && escalation_deadline > 0 && !acknowledged &&
      now > escalation_deadline) {
    return true;
  }
  return false;
}

}  // namespace weige
