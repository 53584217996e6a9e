#include "core/sync/device.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "core/domain/json_reader.h"
#include "core/store/device_store.h"
#include "core/sync/scope.h"

namespace weige::sync {

namespace {

std::string Hex(uint64_t sum) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sum));
  return buf;
}

Code CodeFromName(std::string_view name) {
  for (Code c : {Code::kInvalidArgument, Code::kNotFound, Code::kFailedPrecondition,
                 Code::kPermissionDenied, Code::kConflict, Code::kInternal}) {
    if (CodeName(c) == name) return c;
  }
  return Code::kFailedPrecondition;
}

// Runs fn inside a transaction (a savepoint inside the caller's, if any);
// commits when fn's result is ok.
template <typename Fn>
Result InTransaction(store::Store* store, store::TxMode mode, Fn fn) {
  store::Transaction tx;
  Status b = store->Begin(&tx, mode);
  if (!b.ok()) return Result::Fail(b);
  Result r = fn();
  if (!r.ok()) return r;
  Status c = tx.Commit();
  return c.ok() ? r : Result::Fail(c);
}

// Execute with the changeset recorded; inside the caller's transaction.
Result RecordedExecute(store::Store* store, std::string_view command_json,
                       const store::ExecOptions& options, store::ExecReport* report,
                       std::string* changeset) {
  store::ChangeRecorder recorder;
  WEIGE_RETURN_IF_ERROR(recorder.Start(*store));
  Result r = store->Execute(command_json, options, report);
  Status f = recorder.Finish(changeset);
  if (!r.ok()) return r;
  WEIGE_RETURN_IF_ERROR(f);
  return r;
}

// Runs a tracked command again on the current state; its outbox row stays
// as it is.
Result Reexecute(store::Store* store, const store::LocalCommand& c, std::string* changeset) {
  store::ExecOptions rerun;
  rerun.rerun = true;
  store::ExecReport report;
  return RecordedExecute(store, c.body, rerun, &report, changeset);
}

struct PageChange {
  int64_t seq = 0;
  std::string table, op;
  const Json* pk = nullptr;
  const Json* row = nullptr;
};

struct ParsedPage {
  std::vector<PageChange> changes;
  int64_t next_cursor = 0, head = 0;
  bool has_more = false;
  bool has_digest = false;
  int64_t digest_count = 0, digest_through = 0;
  std::string digest_hash;
};

Status BadPage(const std::string& why) { return InvalidArgument("sync.bad_page", why); }

bool IsCount(const Json& j) {
  return j.is_number_integer() && (j.is_number_unsigned() ? j.get<uint64_t>() <= INT64_MAX
                                                          : j.get<int64_t>() >= 0);
}

// Checks the whole page before anything is written.
Status ParsePage(const Json& page, ParsedPage* out) {
  if (!page.is_object()) return BadPage("a page is a JSON object");
  auto ok = page.find("ok");
  if (ok != page.end() && ok->is_boolean() && !ok->get<bool>()) {
    return BadPage("the page is an error answer");
  }
  auto changes = page.find("changes");
  auto next = page.find("next_cursor");
  auto more = page.find("has_more");
  if (changes == page.end() || !changes->is_array()) return BadPage("changes must be an array");
  if (next == page.end() || !IsCount(*next)) return BadPage("next_cursor must be a count");
  if (more == page.end() || !more->is_boolean()) return BadPage("has_more must be true or false");
  out->next_cursor = next->get<int64_t>();
  out->has_more = more->get<bool>();
  auto head = page.find("head");
  out->head = head != page.end() && IsCount(*head) ? head->get<int64_t>() : out->next_cursor;
  auto digest = page.find("digest");
  if (digest != page.end() && !digest->is_null()) {
    if (!digest->is_object()) return BadPage("digest must be an object or null");
    auto count = digest->find("count");
    auto hash = digest->find("hash");
    auto through = digest->find("through");
    if (count == digest->end() || !IsCount(*count) || hash == digest->end() ||
        !hash->is_string() || through == digest->end() || !IsCount(*through)) {
      return BadPage("digest needs count, hash and through");
    }
    out->has_digest = true;
    out->digest_count = count->get<int64_t>();
    out->digest_hash = hash->get<std::string>();
    out->digest_through = through->get<int64_t>();
  }
  int64_t last = 0;
  out->changes.reserve(changes->size());
  for (const Json& c : *changes) {
    if (!c.is_object()) return BadPage("a change is a JSON object");
    auto seq = c.find("seq");
    auto table = c.find("table");
    auto op = c.find("op");
    auto pk = c.find("pk");
    if (seq == c.end() || !IsCount(*seq) || seq->get<int64_t>() <= last) {
      return BadPage("changes need ascending seq numbers");
    }
    if (table == c.end() || !table->is_string() || op == c.end() || !op->is_string() ||
        pk == c.end() || !pk->is_array()) {
      return BadPage("a change needs table, op and pk");
    }
    PageChange pc;
    pc.seq = last = seq->get<int64_t>();
    pc.table = table->get<std::string>();
    pc.op = op->get<std::string>();
    pc.pk = &*pk;
    if (pc.op == "upsert") {
      auto row = c.find("row");
      if (row == c.end() || !row->is_object()) return BadPage("an upsert needs its row");
      pc.row = &*row;
    } else if (pc.op != "delete" && pc.op != "evict") {
      return BadPage("unknown op " + pc.op);
    }
    out->changes.push_back(std::move(pc));
  }
  return Status::Ok();
}

Json RejectionJson(const std::string& id, const Status& s) {
  return {{"id", id},
          {"code", std::string(CodeName(s.code))},
          {"reason", s.reason},
          {"message", s.message}};
}

Result ApplyInTransaction(store::Store* store, const ParsedPage& page) {
  store::DeviceSyncState st;
  WEIGE_RETURN_IF_ERROR(store::LoadDeviceState(*store, &st));
  WEIGE_RETURN_IF_ERROR(store::SetRebasing(*store, true));
  std::vector<store::LocalCommand> local;
  WEIGE_RETURN_IF_ERROR(store::LoadLocalCommands(*store, &local));

  // 1. Back to the pulled state: the recorded commands undone, newest first.
  for (auto it = local.rbegin(); it != local.rend(); ++it) {
    if (it->applied) WEIGE_RETURN_IF_ERROR(store::UndoChangeset(*store, it->changeset));
  }

  // 2. The page.
  if (st.resync) {
    WEIGE_RETURN_IF_ERROR(store::WipeSyncedTables(*store));
    st.cursor = 0;
    st.digest_count = 0;
    st.digest_sum = 0;
    st.resync = false;
  }
  int64_t applied = 0, evicted = 0, skipped = 0;
  int64_t cursor = st.cursor;
  std::vector<std::pair<std::string, std::string>> event_commands;  // (actor, command id)
  store::PageWriter writer(*store);
  for (const PageChange& c : page.changes) {
    if (c.seq <= st.cursor) {
      ++skipped;
      continue;
    }
    if (c.op == "upsert") {
      WEIGE_RETURN_IF_ERROR(writer.Upsert(c.table, *c.row));
      if (c.table == "events") {
        // Ids are per actor: another person's event with the same command id
        // says nothing about this device's command.
        auto cmd = c.row->find("command_id");
        auto by = c.row->find("actor");
        if (cmd != c.row->end() && cmd->is_string() && by != c.row->end() && by->is_string()) {
          event_commands.emplace_back(by->get<std::string>(), cmd->get<std::string>());
        }
      }
    } else {
      WEIGE_RETURN_IF_ERROR(writer.Delete(c.table, *c.pk));
    }
    if (c.op == "evict") {
      ++evicted;
    } else {
      ++applied;
      ++st.digest_count;
      st.digest_sum += ScopeDigest::Mix(c.seq);
    }
    cursor = std::max(cursor, c.seq);
  }
  cursor = std::max(cursor, page.next_cursor);
  st.cursor = cursor;
  st.head = std::max(st.head, page.head);

  std::string digest = "none";
  if (page.has_digest && page.digest_through == cursor) {
    if (page.digest_count == st.digest_count && page.digest_hash == Hex(st.digest_sum)) {
      digest = "match";
    } else {
      // Something was missed, or the scope changed: start over from 0.
      digest = "mismatch";
      st.cursor = 0;
      st.digest_count = 0;
      st.digest_sum = 0;
      st.resync = true;
    }
  }

  // 3. Settle what the page shows the server accepted.
  Json accepted = Json::array();
  {
    std::sort(event_commands.begin(), event_commands.end());
    event_commands.erase(std::unique(event_commands.begin(), event_commands.end()),
                         event_commands.end());
    std::vector<std::string> ids;
    WEIGE_RETURN_IF_ERROR(store::UnacceptedAmong(*store, event_commands, &ids));
    for (const std::string& id : ids) {
      bool changed = false;
      WEIGE_RETURN_IF_ERROR(store::MarkAccepted(*store, id, std::nullopt, &changed));
      if (!changed) continue;
      accepted.push_back(id);
      for (store::LocalCommand& c : local) {
        if (c.command_id == id) {
          c.state = "accepted";
          c.accepted_seq = 0;
        }
      }
    }
  }

  // 4. The device's own commands again, on top.
  const bool provisional = page.has_more || st.resync;
  Json rejected = Json::array();
  int64_t reapplied = 0;
  for (const store::LocalCommand& c : local) {
    const bool covered = c.state == "accepted" && (!c.accepted_seq || *c.accepted_seq <= cursor);
    if (c.state != "pending" && (c.state != "accepted" || covered)) {
      // Pulled, rejected by the server, or gone from the outbox.
      WEIGE_RETURN_IF_ERROR(store::DropLocal(*store, c.command_id));
      continue;
    }
    std::string changeset;
    Result r = Reexecute(store, c, &changeset);
    if (r.ok()) {
      WEIGE_RETURN_IF_ERROR(store::SaveLocalChangeset(*store, c.command_id, &changeset));
      ++reapplied;
      continue;
    }
    if (r.status.code == Code::kInternal) return r;
    if (c.state == "accepted") {
      // The server has it; its effects arrive with a later page.
      WEIGE_RETURN_IF_ERROR(store::DropLocal(*store, c.command_id));
    } else if (provisional) {
      WEIGE_RETURN_IF_ERROR(store::SaveLocalChangeset(*store, c.command_id, nullptr));
    } else {
      bool changed = false;
      WEIGE_RETURN_IF_ERROR(store::MarkRejected(*store, c.command_id, r.status, "rebase", &changed));
      WEIGE_RETURN_IF_ERROR(store::DropLocal(*store, c.command_id));
      rejected.push_back(RejectionJson(c.command_id, r.status));
    }
  }

  WEIGE_RETURN_IF_ERROR(store::SaveDeviceState(*store, st));
  WEIGE_RETURN_IF_ERROR(store::SetRebasing(*store, false));
  store::OutboxCounts counts;
  WEIGE_RETURN_IF_ERROR(store::CountOutbox(*store, &counts));
  return Result::Ok({{"applied", applied},
                     {"evicted", evicted},
                     {"skipped", skipped},
                     {"next_cursor", st.cursor},
                     {"has_more", page.has_more && !st.resync},
                     {"head", st.head},
                     {"digest", digest},
                     {"resync", st.resync},
                     {"accepted", accepted},
                     {"rejected", rejected},
                     {"reapplied", reapplied},
                     {"unapplied", counts.unapplied},
                     {"pending", counts.pending}});
}

}  // namespace

Result ExecuteLocal(store::Store* store, std::string_view command_json) {
  return InTransaction(store, store::TxMode::kDeferred, [&]() -> Result {
    store::ExecReport report;
    std::string changeset;
    Result r = RecordedExecute(store, command_json, {}, &report, &changeset);
    if (!r.ok() || report.outbox_seq == 0) return r;
    Status s = store::SaveLocalChangeset(*store, report.command_id, &changeset);
    return s.ok() ? r : Result::Fail(s);
  });
}

Result SettlePush(store::Store* store, std::string_view answers_json) {
  Json body;
  Status s = ParseJson(answers_json, kMaxPageBytes, &body);
  if (!s.ok()) return Result::Fail(s);
  const Json* answers = &body;
  if (body.is_object()) {
    auto it = body.find("results");
    if (it == body.end()) {
      return Result::Fail(InvalidArgument("sync.bad_answers", "no results in the push answer"));
    }
    answers = &*it;
  }
  if (!answers->is_array()) {
    return Result::Fail(InvalidArgument("sync.bad_answers", "push answers are an array"));
  }
  return InTransaction(store, store::TxMode::kDeferred, [&]() -> Result {
    int64_t accepted = 0, rejected = 0, retry = 0;
    for (const Json& a : *answers) {
      if (!a.is_object()) continue;
      FieldReader r(a, "answer");
      std::string id = r.Str("id", 64);
      std::string status = r.Str("status", 16);
      if (!r.ok()) continue;
      bool changed = false;
      if (status == "accepted") {
        auto seq = r.OptInt("seq", 0, INT64_MAX);
        WEIGE_RETURN_IF_ERROR(store::MarkAccepted(*store, id, seq.value_or(0), &changed));
        accepted += changed ? 1 : 0;
      } else if (status == "rejected") {
        Status why = Error(CodeFromName(r.OptStr("code", 64).value_or("")),
                           r.OptStr("reason", 200).value_or("sync.rejected"),
                           r.OptStr("message", 4000).value_or(""));
        WEIGE_RETURN_IF_ERROR(store::MarkRejected(*store, id, why, "server", &changed));
        rejected += changed ? 1 : 0;
      } else {
        ++retry;
      }
    }
    return Result::Ok({{"accepted", accepted}, {"rejected", rejected}, {"retry", retry}});
  });
}

Result ApplyPage(store::Store* store, std::string_view page_json) {
  if (page_json.size() > kMaxPageBytes) {
    return Result::Fail(InvalidArgument("sync.bad_page", "the page is too large"));
  }
  Json json;
  Status s = ParseJson(page_json, kMaxPageBytes, &json);
  if (!s.ok()) return Result::Fail(InvalidArgument("sync.bad_page", s.message));
  ParsedPage page;
  s = ParsePage(json, &page);
  if (!s.ok()) return Result::Fail(s);
  if (store->InTransaction()) {
    return Result::Fail(FailedPrecondition("sync.in_transaction",
                                           "a page is applied outside any transaction"));
  }
  // Foreign keys can only be switched outside a transaction.
  s = store::SetForeignKeys(*store, false);
  if (!s.ok()) return Result::Fail(s);
  Result r = InTransaction(store, store::TxMode::kImmediate,
                           [&] { return ApplyInTransaction(store, page); });
  Status on = store::SetForeignKeys(*store, true);
  if (r.ok() && !on.ok()) return Result::Fail(on);
  return r;
}

Result SyncState(store::Store* store) {
  store::DeviceSyncState st;
  Status s = store::LoadDeviceState(*store, &st);
  store::OutboxCounts counts;
  if (s.ok()) s = store::CountOutbox(*store, &counts);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"cursor", st.cursor},
                     {"head", st.head},
                     {"digest", {{"count", st.digest_count}, {"hash", Hex(st.digest_sum)}}},
                     {"resync", st.resync},
                     {"pending", counts.pending},
                     {"accepted", counts.accepted},
                     {"rejected", counts.rejected},
                     {"unapplied", counts.unapplied}});
}

Result Rejections(store::Store* store) {
  Json list;
  Status s = store::LoadRejections(*store, &list);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok(std::move(list));
}

Status ResetSync(store::Store* store) {
  store::DeviceSyncState st;
  WEIGE_RETURN_IF_ERROR(store::LoadDeviceState(*store, &st));
  st.cursor = 0;
  st.digest_count = 0;
  st.digest_sum = 0;
  st.resync = true;
  return store::SaveDeviceState(*store, st);
}

}  // namespace weige::sync
