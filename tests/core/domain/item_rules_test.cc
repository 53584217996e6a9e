#include "core/domain/item_rules.h"

#include <gtest/gtest.h>

namespace weige {
namespace {

constexpr ItemState kStates[] = {ItemState::kOpen, ItemState::kAssigned, ItemState::kFixed,
                                 ItemState::kClosed};
constexpr Transition kTransitions[] = {
    Transition::kAssign,   Transition::kMarkFixed, Transition::kVerify,
    Transition::kRejectFix, Transition::kReopen,   Transition::kEscalate,
    Transition::kAcknowledge, Transition::kComment};
const char* const kTransitionNames[] = {"assign",   "mark_fixed", "verify",      "reject_fix",
                                        "reopen",   "escalate",   "acknowledge", "comment"};

// The outcome of one transition from one state: the next state, or a reason.
struct Outcome {
  const char* next_or_reason;
};

// Rows: transitions in kTransitions order; columns: open, assigned, fixed,
// closed. Facts: fixed_by "fixer" (when fixed), actor "other", escalated and
// unacknowledged for acknowledge, not escalated otherwise.
const Outcome kTable[8][4] = {
    /* assign      */ {{"assigned"}, {"assigned"}, {"item.illegal_transition"}, {"item.closed"}},
    /* mark_fixed  */ {{"fixed"}, {"fixed"}, {"item.illegal_transition"}, {"item.closed"}},
    /* verify      */ {{"item.illegal_transition"}, {"item.illegal_transition"}, {"closed"},
                       {"item.closed"}},
    /* reject_fix  */ {{"item.illegal_transition"}, {"item.illegal_transition"}, {"assigned"},
                       {"item.closed"}},
    /* reopen      */ {{"item.not_closed"}, {"item.not_closed"}, {"item.not_closed"},
                       {"assigned"}},
    /* escalate    */ {{"open"}, {"assigned"}, {"item.illegal_transition"}, {"item.closed"}},
    /* acknowledge */ {{"open"}, {"assigned"}, {"fixed"}, {"item.closed"}},
    /* comment     */ {{"open"}, {"assigned"}, {"fixed"}, {"closed"}},
};

TEST(ItemRulesTest, EveryTransitionFromEveryState) {
  for (int t = 0; t < 8; ++t) {
    for (int s = 0; s < 4; ++s) {
      ItemFacts f;
      f.state = kStates[s];
      if (f.state == ItemState::kFixed) f.fixed_by = "fixer";
      f.escalated = kTransitions[t] == Transition::kAcknowledge;
      ItemState next = ItemState::kOpen;
      if (f.state == ItemState::kOpen) next = ItemState::kClosed;  // must be overwritten
      Status st = CheckTransition(kTransitions[t], f, "other", &next);
      std::string want = kTable[t][s].next_or_reason;
      std::string label = std::string(kTransitionNames[t]) + " from " +
                          std::string(ItemStateName(kStates[s]));
      if (want.find('.') == std::string::npos) {
        EXPECT_TRUE(st.ok()) << label << ": " << st.reason;
        EXPECT_EQ(ItemStateName(next), want) << label;
      } else {
        EXPECT_EQ(st.code, Code::kFailedPrecondition) << label;
        EXPECT_EQ(st.reason, want) << label;
        EXPECT_EQ(next, kStates[s]) << label << ": state unchanged on error";
      }
    }
  }
}

TEST(ItemRulesTest, ClosedMovesOnlyThroughReopen) {
  ItemFacts f;
  f.state = ItemState::kClosed;
  f.escalated = true;
  for (Transition t : kTransitions) {
    ItemState next;
    Status s = CheckTransition(t, f, "x", &next);
    if (t == Transition::kReopen) {
      EXPECT_TRUE(s.ok());
      EXPECT_EQ(next, ItemState::kAssigned);
    } else if (t == Transition::kComment) {
      EXPECT_TRUE(s.ok());
      EXPECT_EQ(next, ItemState::kClosed);
    } else {
      EXPECT_EQ(s.reason, "item.closed") << static_cast<int>(t);
      EXPECT_EQ(next, ItemState::kClosed);
    }
  }
}

TEST(ItemRulesTest, VerifierIsNeverTheFixer) {
  ItemFacts f;
  f.state = ItemState::kFixed;
  f.fixed_by = "w1";
  ItemState next;
  Status s = CheckTransition(Transition::kVerify, f, "w1", &next);
  EXPECT_EQ(s.code, Code::kFailedPrecondition);
  EXPECT_EQ(s.reason, "item.verifier_is_fixer");
  EXPECT_EQ(next, ItemState::kFixed);
  EXPECT_TRUE(CheckTransition(Transition::kVerify, f, "w2", &next).ok());
  EXPECT_EQ(next, ItemState::kClosed);
  // Nor rejects it: sending a fix back is the verifier's answer too.
  s = CheckTransition(Transition::kRejectFix, f, "w1", &next);
  EXPECT_EQ(s.reason, "item.verifier_is_fixer");
  EXPECT_EQ(next, ItemState::kFixed);
  EXPECT_TRUE(CheckTransition(Transition::kRejectFix, f, "w2", &next).ok());
  EXPECT_EQ(next, ItemState::kAssigned);
}

TEST(ItemRulesTest, EscalationNeedsAcknowledgementBeforeAnother) {
  ItemFacts f;
  f.state = ItemState::kAssigned;
  ItemState next;
  EXPECT_TRUE(CheckTransition(Transition::kEscalate, f, "x", &next).ok());
  EXPECT_EQ(CheckTransition(Transition::kAcknowledge, f, "x", &next).reason,
            "item.not_escalated");
  f.escalated = true;
  EXPECT_EQ(CheckTransition(Transition::kEscalate, f, "x", &next).reason,
            "item.already_escalated");
  EXPECT_TRUE(CheckTransition(Transition::kAcknowledge, f, "x", &next).ok());
  f.acknowledged = true;
  EXPECT_EQ(CheckTransition(Transition::kAcknowledge, f, "x", &next).reason,
            "item.already_acknowledged");
  EXPECT_TRUE(CheckTransition(Transition::kEscalate, f, "x", &next).ok());
  EXPECT_EQ(next, ItemState::kAssigned);
}

TEST(ItemRulesTest, AParkedDuplicateMovesOnlyByAComment) {
  for (ItemState state : kStates) {
    ItemFacts f;
    f.state = state;
    f.duplicate = true;
    f.escalated = true;
    for (Transition t : kTransitions) {
      ItemState next;
      Status s = CheckTransition(t, f, "x", &next);
      if (t == Transition::kComment) {
        EXPECT_TRUE(s.ok());
      } else {
        EXPECT_EQ(s.reason, "item.duplicate");
      }
      EXPECT_EQ(next, state);
    }
  }
}

TEST(ItemRulesTest, StateNamesRoundTrip) {
  for (ItemState s : kStates) EXPECT_EQ(ParseItemState(ItemStateName(s)), s);
  EXPECT_EQ(ItemStateName(ItemState::kOpen), "open");
  EXPECT_EQ(ItemStateName(ItemState::kAssigned), "assigned");
  EXPECT_EQ(ItemStateName(ItemState::kFixed), "fixed");
  EXPECT_EQ(ItemStateName(ItemState::kClosed), "closed");
  EXPECT_EQ(ParseItemState("Closed"), std::nullopt);
  EXPECT_EQ(ParseItemState(""), std::nullopt);
}

TEST(ItemRulesTest, OverdueFromDeadline) {
  const int64_t d = 1000;
  // state, deadline, escalation deadline, acknowledged, now -> overdue
  struct Case { ItemState s; int64_t dl, edl; bool ack; int64_t now; bool want; } cases[] = {
      {ItemState::kOpen, d, 0, false, d - 1, false},
      {ItemState::kOpen, d, 0, false, d, false},  // due at the deadline, not past it
      {ItemState::kOpen, d, 0, false, d + 1, true},
      {ItemState::kAssigned, d, 0, false, d + 1, true},
      {ItemState::kFixed, d, 0, false, d + 1, false},
      {ItemState::kClosed, d, 0, false, d + 1, false},
      {ItemState::kOpen, 0, 0, false, INT64_MAX, false},  // no deadline
      // escalations: overdue until acknowledged, unless closed
      {ItemState::kOpen, 0, d, false, d + 1, true},
      {ItemState::kOpen, 0, d, false, d - 1, false},
      {ItemState::kOpen, 0, d, true, d + 1, false},
      {ItemState::kFixed, 0, d, false, d + 1, true},
      {ItemState::kClosed, 0, d, false, d + 1, false},
      {ItemState::kAssigned, d + 10, d, true, d + 5, false},
      {ItemState::kAssigned, d + 10, d, true, d + 11, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsOverdue(c.s, c.dl, c.edl, c.ack, c.now), c.want)
        << ItemStateName(c.s) << " dl=" << c.dl << " edl=" << c.edl << " ack=" << c.ack
        << " now=" << c.now;
  }
}

}  // namespace
}  // namespace weige
