#include "core/sync/outbox.h"

#include <vector>

#include "core/domain/json_reader.h"
#include "core/store/device_store.h"

namespace weige::sync {

Result PendingCommands(store::Store* store, int64_t limit, const std::string& actor) {
  if (limit < 1 || limit > 10000) {
    return InvalidArgument("argument.out_of_range", "limit must be between 1 and 10000");
  }
  std::vector<std::string> bodies;
  WEIGE_RETURN_IF_ERROR(store::LoadPendingBodies(*store, limit, actor, &bodies));
  Json commands = Json::array();
  for (const std::string& text : bodies) {
    Json body;
    if (ParseJson(text, store::kMaxCommandBytes, &body).ok()) commands.push_back(std::move(body));
  }
  size_t n = commands.size();
  return Result::Ok({{"commands", std::move(commands)}, {"count", n}});
}

Status SettleCommand(store::Store* store, const std::string& command_id, bool accepted,
                     const std::string& detail) {
  bool changed = false;
  WEIGE_RETURN_IF_ERROR(store::SettleOutboxRow(*store, command_id, accepted, detail, &changed));
  if (!changed) {
    return NotFound("outbox.not_found", "no pending command " + command_id);
  }
  return Status::Ok();
}

}  // namespace weige::sync
