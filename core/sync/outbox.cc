#include "core/sync/outbox.h"

#include "core/domain/json_reader.h"
#include "core/store/db.h"

namespace weige::sync {

Result PendingCommands(store::Store* store, int64_t limit, const std::string& actor) {
  if (limit < 1 || limit > 10000) {
    return InvalidArgument("argument.out_of_range", "limit must be between 1 and 10000");
  }
  store::Stmt s = store->db()->Q(
      "SELECT body FROM outbox WHERE state = 'pending' AND (?2 = '' OR actor = ?2)"
      " ORDER BY seq LIMIT ?1");
  s.Bind(1, limit).Bind(2, actor);
  Json commands = Json::array();
  while (s.Step()) {
    Json body;
    if (ParseJson(s.Text(0), store::kMaxCommandBytes, &body).ok()) commands.push_back(std::move(body));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  size_t n = commands.size();
  return Result::Ok({{"commands", std::move(commands)}, {"count", n}});
}

Status SettleCommand(store::Store* store, const std::string& command_id, bool accepted,
                     const std::string& detail) {
  store::Stmt s = store->db()->Q(
      "UPDATE outbox SET state = ?, result = json_set(result, '$.settled', ?) "
      "WHERE command_id = ? AND state = 'pending'");
  s.Bind(1, accepted ? "accepted" : "rejected").Bind(2, detail).Bind(3, command_id);
  WEIGE_RETURN_IF_ERROR(s.Run());
  if (store->db()->Changes() == 0) {
    return NotFound("outbox.not_found", "no pending command " + command_id);
  }
  return Status::Ok();
}

}  // namespace weige::sync
