// The rectification item's life cycle: open -> assigned -> fixed -> closed.
//
// CheckTransition decides whether a transition is legal for an item's current
// facts and actor; it never changes anything. Overdue is derived, never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain/result.h"

namespace weige {

enum class ItemState { kOpen, kAssigned, kFixed, kClosed };

std::string_view ItemStateName(ItemState s);
std::optional<ItemState> ParseItemState(std::string_view s);

enum class Transition {
  kAssign,       // open|assigned -> assigned
  kMarkFixed,    // open|assigned -> fixed (evidence required)
  kVerify,       // fixed -> closed (verifier != fixer, evidence required)
  kRejectFix,    // fixed -> assigned (rejecter != fixer, reason required)
  kReopen,       // closed -> assigned (reason required)
  kEscalate,     // open|assigned, not already escalated and unacknowledged
  kAcknowledge,  // an escalation not yet acknowledged
  kComment,      // any state
};

struct ItemFacts {
  ItemState state = ItemState::kOpen;
  std::string fixed_by;                // who marked it fixed (when fixed)
  bool escalated = false;              // escalated to a department
  bool acknowledged = false;           // that escalation acknowledged
  // The item's report is marked a duplicate of another report: the item is
  // parked (its state kept, not worked) until unmarked; only item.comment
  // moves on it, the original's item is worked instead.
  bool duplicate = false;
};

// The state after `t` (same state for escalate/acknowledge/comment), or an
// error: failed_precondition "item.closed", "item.illegal_transition",
// "item.verifier_is_fixer", "item.not_escalated", "item.already_escalated",
// "item.already_acknowledged", "item.duplicate" (a parked duplicate's item).
Status CheckTransition(Transition t, const ItemFacts& facts, std::string_view actor_id,
                       ItemState* next);

// Overdue: a deadline passed while the item is neither fixed nor closed, or an
// escalation not acknowledged by its deadline while the item is not closed.
// Deadlines of 0 mean none. Times are milliseconds since the epoch.
bool IsOverdue(ItemState state, int64_t deadline, int64_t escalation_deadline,
               bool acknowledged, int64_t now);

// A resident evaluates each closure of a report's item once. Closures are
// told apart by the store's own count, the item's reopen_count (closure
// episode n is the closure after n reopens), never by device times.
// `evaluated_episode` is the episode evaluated last (nullopt: never).
inline bool IsEpisodeEvaluated(std::optional<int64_t> evaluated_episode, int64_t reopen_count) {
  return evaluated_episode.has_value() && *evaluated_episode >= reopen_count;
}
inline bool CanEvaluate(ItemState state, std::optional<int64_t> evaluated_episode,
                        int64_t reopen_count) {
  return state == ItemState::kClosed && !IsEpisodeEvaluated(evaluated_episode, reopen_count);
}

}  // namespace weige
