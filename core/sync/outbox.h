// The device's outbox: commands executed locally and not yet accepted by the
// server, oldest first. (The push/pull protocol builds on this in the sync
// issue; for now it lists and settles outbox rows.)
#pragma once

#include <cstdint>
#include <string>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::sync {

// {"commands": [<command body as JSON>...], "count": n} for the oldest `limit`
// pending commands; with `actor` set, only that person's. A device pushes
// with the signed-in person's token only what that person did: on a shared
// database another person's commands stay pending for their own session
// (under someone else's token the server would reject them,
// auth.actor_mismatch, and they would be lost).
Result PendingCommands(store::Store* store, int64_t limit, const std::string& actor = "");

// Marks a pending command accepted by the server with its sequence number, or
// rejected (kept with its reason for the user's rejections list).
// not_found "outbox.not_found" if it is not pending.
Status SettleCommand(store::Store* store, const std::string& command_id, bool accepted,
                     const std::string& detail);

}  // namespace weige::sync
