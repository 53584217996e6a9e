#include "core/sync/push.h"

#include "core/domain/json_reader.h"
#include "core/store/sync_store.h"

namespace weige::sync {

namespace {

Json Rejected(const Json& id, const Status& s) {
  return {{"id", id},
          {"status", "rejected"},
          {"code", std::string(CodeName(s.code))},
          {"reason", s.reason},
          {"message", s.message}};
}

Json Retry(const Json& id, const Status& s) {
  return {{"id", id}, {"status", "retry"}, {"reason", s.reason}, {"message", s.message}};
}

bool SameCommand(const std::string& stored_body, const Json& command) {
  Json before;
  return ParseJson(stored_body, store::kMaxCommandBytes * 2, &before).ok() && before == command;
}

}  // namespace

Json PushCommand(store::Store* store, const std::string& person_id, const Json& command,
                 int64_t now) {
  if (!command.is_object()) {
    return Rejected(nullptr, InvalidArgument("push.not_an_object", "a command is a JSON object"));
  }
  auto id_it = command.find("id");
  if (id_it == command.end() || !id_it->is_string() ||
      !IsValidId(id_it->get_ref<const std::string&>())) {
    Json id = id_it != command.end() && id_it->is_string() ? *id_it : Json(nullptr);
    return Rejected(id, InvalidArgument("command.bad_id",
                                        "command.id must be 1-64 characters of [A-Za-z0-9_.:-]"));
  }
  const std::string id = id_it->get<std::string>();

  Json cmd = command;
  Status early;
  auto actor_it = command.find("actor");
  if (actor_it == command.end() || actor_it->is_null()) {
    cmd["actor"] = person_id;
  } else if (!actor_it->is_string() || actor_it->get_ref<const std::string&>() != person_id) {
    early = PermissionDenied("auth.actor_mismatch",
                             "a command's actor must be the signed-in person");
  }

  store::PushAnswer seen;
  bool found = false;
  Status s = store::FindPushAnswer(*store, person_id, id, &found, &seen);
  if (!s.ok()) return Retry(id, s);
  if (found) {
    if (!SameCommand(seen.body, cmd)) {
      return Rejected(id, Conflict("command.id_reused",
                                   "another command was already pushed with this id"));
    }
    Json answer;
    if (ParseJson(seen.answer, store::kMaxCommandBytes * 2, &answer).ok()) return answer;
    return Retry(id, Internal("push.answer_unreadable", "the stored answer is unreadable"));
  }

  store::Transaction tx;
  s = store->Begin(&tx);
  if (!s.ok()) return Retry(id, s);
  Json answer;
  if (!early.ok()) {
    answer = Rejected(id, early);
  } else {
    store::ExecOptions options;
    options.server_time = now;
    Result r = store->Execute(cmd, options);
    if (r.ok()) {
      int64_t head = 0;
      s = store::ChangeLogHead(*store, &head);
      answer = {{"id", id}, {"status", "accepted"}, {"seq", head}, {"value", r.value}};
    } else if (r.status.code == Code::kInternal) {
      s = r.status;
    } else {
      answer = Rejected(id, r.status);
    }
  }
  if (s.ok()) {
    store::PushAnswer keep{person_id, DumpJson(cmd), DumpJson(answer)};
    s = store::SavePushAnswer(*store, id, keep, now);
  }
  if (s.ok()) s = tx.Commit();
  if (!s.ok()) return Retry(id, s);
  return answer;
}

Status PushBatch(store::Store* store, const std::string& person_id, const Json& commands,
                 int64_t now, const std::function<bool()>& should_stop, Json* answers) {
  if (!commands.is_array()) {
    return InvalidArgument("push.bad_batch", "commands must be a JSON array");
  }
  if (commands.size() > kMaxPushCommands) {
    return InvalidArgument("push.too_many", "at most " + std::to_string(kMaxPushCommands) +
                                                " commands per push");
  }
  *answers = Json::array();
  if (commands.empty()) return Status::Ok();
  store::Transaction tx;
  Status begun = store->Begin(&tx, store::TxMode::kImmediate);
  for (const Json& c : commands) {
    Json id = c.is_object() && c.contains("id") && c["id"].is_string() ? c["id"] : Json(nullptr);
    if (!begun.ok()) {
      answers->push_back(Retry(id, begun));
    } else if (should_stop && should_stop()) {
      answers->push_back(Retry(id, Internal("server.stopping", "the server is stopping")));
    } else {
      answers->push_back(PushCommand(store, person_id, c, now));
    }
  }
  if (!begun.ok()) return Status::Ok();
  Status committed = tx.Commit();
  if (!committed.ok()) {
    for (Json& a : *answers) a = Retry(a["id"], committed);
  }
  return Status::Ok();
}

}  // namespace weige::sync
