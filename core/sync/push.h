// The server's side of a push: each pushed command runs through the same core
// (Store::Execute) in arrival order, as the token's person, and gets an answer
//   {"id":..., "status":"accepted", "seq":N, "value":{...}}
//   {"id":..., "status":"rejected", "code":..., "reason":..., "message":...}
//   {"id":..., "status":"retry", "reason":..., "message":...}
// `seq` is the head of the change log once the command committed: a pull
// through it sees the command's effects. Accepted and rejected answers are
// kept by (caller, command id), so pushing a command again gives the same answer and
// writes nothing; a rejected command never blocks the ones after it. Retry
// (an internal error such as a full disk, or a stop request) is not kept.
//
// The actor of a pushed command is the caller: a command without "actor" gets
// the caller's id; one naming another actor is rejected with
// permission_denied "auth.actor_mismatch" (rewriting it would let a stolen
// outbox be replayed under someone else's name).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::sync {

inline constexpr size_t kMaxPushCommands = 500;

// Pushes one command (any JSON value) as `person_id` at server time `now`,
// inside the caller's transaction if any. Returns the answer.
Json PushCommand(store::Store* store, const std::string& person_id, const Json& command,
                 int64_t now);

// Pushes a batch in one transaction (one commit for all). `commands` must be
// a JSON array of at most kMaxPushCommands; otherwise invalid_argument
// "push.bad_batch"/"push.too_many". When should_stop() turns true, the
// commands not yet run are answered retry. If the commit fails every answer
// becomes retry. *answers is a JSON array in the order of `commands`.
Status PushBatch(store::Store* store, const std::string& person_id, const Json& commands,
                 int64_t now, const std::function<bool()>& should_stop, Json* answers);

}  // namespace weige::sync
