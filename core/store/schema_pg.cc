#include "core/store/schema.h"

namespace weige::store {

Status MigratePostgres(Db*) {
  return Internal("store.todo", "PostgreSQL schema not written yet");
}

}  // namespace weige::store
