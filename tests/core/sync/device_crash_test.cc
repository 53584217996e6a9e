// Crash safety of the device's sync apply: a forked child applies real pull
// pages (rebasing its pending commands under each) and records visits, and is
// SIGKILLed at a random moment, again and again on one database file. After
// each kill the file must pass integrity_check, keep every page whose apply
// had returned (its cursor) and every command whose execution had returned,
// and hold none of its own visits without their two items (nothing
// half-applied).
// WEIGE_DEVICE_CRASH_ROUNDS sets the rounds (default 100; bench: 1,000).
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/domain/json_reader.h"
#include "core/store/db.h"
#include "core/sync/device.h"
#include "core/sync/pull.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class DeviceCrashTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    TurnOnChangeLog();
  }
};

Json VisitWithTwoFindings(const std::string& id, const std::string& household) {
  return {{"visit_id", id}, {"household_id", household}, {"cycle", kCycle}, {"outcome", "met"},
          {"findings", {{{"category", "sanitation"}, {"title", "Corridor rubbish"}},
                        {{"category", "fire_safety"}, {"title", "Blocked exit"}}}}};
}

// The child: applies the page for its cursor, or records a visit, in turns,
// writing "P <cursor>" / "C <id>" once each call returned; never returns
// (it runs until killed).
[[noreturn]] void Child(const std::string& path, const std::map<int64_t, std::string>& pages,
                        int round, int fd) {
  std::unique_ptr<store::Store> device;
  if (!store::Store::Open(path, {}, &device).ok()) _exit(3);
  auto say = [fd](const std::string& line) {
    std::string l = line + "\n";
    if (write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(4);
  };
  const char* const households[] = {"h1", "h2", "h3"};
  for (int i = 0;; ++i) {
    Result st = sync::SyncState(device.get());
    if (!st.ok()) _exit(5);
    int64_t cursor = st.value["cursor"].get<int64_t>();
    auto page = pages.find(cursor);
    if (i % 2 == 0 && page != pages.end()) {
      Result r = sync::ApplyPage(device.get(), page->second);
      if (!r.ok()) _exit(6);
      say("P " + std::to_string(sync::SyncState(device.get()).value["cursor"].get<int64_t>()));
    } else {
      std::string id = "r" + std::to_string(round) + "-" + std::to_string(i);
      Result r = sync::ExecuteLocal(
          device.get(), DumpJson(Cmd(id, "visit.record", "worker1", kT0 + kDay + i,
                                     VisitWithTwoFindings(id, households[i % 3]))));
      // Refused (the device does not know worker1 before the pages that
      // carry their grant): nothing was written, nothing is acknowledged.
      if (r.ok()) say("C " + id);
    }
  }
}

int64_t RowCount(store::Store& s, const std::string& sql, const std::string& arg) {
  store::Stmt q = store::DbOf(s).Q(sql);
  q.Bind(1, arg);
  return q.Step() ? q.Int(0) : -1;
}

TEST_F(DeviceCrashTest, SigkillDuringApplyAndDispatchLosesNothingAcknowledged) {
  // A server history worth many small pages: 40 visits with two findings.
  for (int i = 0; i < 40; ++i) {
    std::string id = "sv" + std::to_string(i);
    ASSERT_TRUE(store()
                    .Execute(Cmd(id, "visit.record", "worker1", kT0 + i,
                                 VisitWithTwoFindings(id, i % 2 ? "h1" : "h3")),
                             {.server_time = kT0 + i})
                    .ok());
  }
  // worker1's pages, 7 changes each, keyed by the cursor they start from.
  std::map<int64_t, std::string> pages;
  int64_t cursor = 0;
  for (int n = 0; n < 1000; ++n) {
    sync::PullRequest req;
    req.person_id = "worker1";
    req.cursor = cursor;
    req.limit = 7;
    std::string page;
    ASSERT_TRUE(sync::Pull(&store(), req, &page).ok());
    pages[cursor] = page;
    Json p;
    ASSERT_TRUE(ParseJson(page, page.size(), &p).ok());
    cursor = p["next_cursor"].get<int64_t>();
    if (!p["has_more"].get<bool>()) break;
  }
  ASSERT_GT(pages.size(), 20u);

  auto device_db = std::make_unique<TempDb>();
  const int rounds = std::getenv("WEIGE_DEVICE_CRASH_ROUNDS")
                         ? std::atoi(std::getenv("WEIGE_DEVICE_CRASH_ROUNDS"))
                         : 100;
  std::mt19937 rng(20261201);
  int64_t acked_cursor = 0;
  std::vector<std::string> acked;
  int kills = 0, integrity_failures = 0, lost = 0, half = 0, cursor_lost = 0;
  int64_t pages_acked = 0, commands_acked = 0;
  for (int round = 0; round < rounds; ++round) {
    if (acked_cursor >= cursor) {  // every page applied: start a fresh device
      device_db = std::make_unique<TempDb>();
      acked_cursor = 0;
      acked.clear();
    }
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Child(device_db->path(), pages, round, fds[1]);
    }
    close(fds[1]);
    // Kill 0-40 ms after the first acknowledgement (or after 300 ms).
    const int delay_ms = static_cast<int>(rng() % 40);
    std::string buffer;
    bool first = false;
    int waited = 0;
    while (true) {
      pollfd p{fds[0], POLLIN, 0};
      int timeout = first ? 1 : 300;
      if (poll(&p, 1, timeout) > 0) {
        char chunk[4096];
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n <= 0) break;  // the child died on its own
        buffer.append(chunk, static_cast<size_t>(n));
        first = true;
      } else if (!first) {
        break;
      }
      if (first && ++waited >= delay_ms) break;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    // Lines written before the kill that were still in the pipe count too.
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0) buffer.append(chunk, static_cast<size_t>(n));
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "round " << round << ": the child exited on its own, status " << status;
    ++kills;
    size_t start = 0, nl;
    while ((nl = buffer.find('\n', start)) != std::string::npos) {
      std::string line = buffer.substr(start, nl - start);
      start = nl + 1;
      pages_acked += line.rfind("P ", 0) == 0;
      commands_acked += line.rfind("C ", 0) == 0;
      if (line.rfind("P ", 0) == 0) acked_cursor = std::max<int64_t>(acked_cursor, std::stoll(line.substr(2)));
      if (line.rfind("C ", 0) == 0) acked.push_back(line.substr(2));
    }

    std::unique_ptr<store::Store> device;
    ASSERT_TRUE(store::Store::Open(device_db->path(), {}, &device).ok()) << "round " << round;
    if (!device->IntegrityCheck().ok()) ++integrity_failures;
    Result st = sync::SyncState(device.get());
    ASSERT_TRUE(st.ok());
    if (st.value["cursor"].get<int64_t>() < acked_cursor) ++cursor_lost;
    for (const std::string& id : acked) {
      if (RowCount(*device, "SELECT count(*) FROM visits WHERE id = ?", id) != 1) ++lost;
    }
    // The device's own commands (ids r<round>-<i>): a visit and its two items
    // together or not at all. (A server visit may sit without its items
    // between two pages: pages are cut by count, not by transaction.)
    store::Stmt visits = store::DbOf(*device).Q("SELECT id FROM visits WHERE id GLOB 'r*'");
    while (visits.Step()) {
      if (RowCount(*device, "SELECT count(*) FROM items WHERE source_id = ?", visits.Text(0)) != 2) {
        ++half;
      }
    }
  }
  // One JSON line of figures; appended to $WEIGE_CRASH_REPORT when set
  // (build-scripts/bench-crash.sh turns it into bench lines).
  Json figures = {{"test", "device_apply"},       {"kills", kills},
                  {"pages_acked", pages_acked},   {"commands_acked", commands_acked},
                  {"integrity_failures", integrity_failures}, {"cursor_lost", cursor_lost},
                  {"lost_acknowledged", lost},    {"half_applied", half}};
  std::printf("%s\n", DumpJson(figures).c_str());
  if (const char* report = std::getenv("WEIGE_CRASH_REPORT")) {
    if (FILE* f = std::fopen(report, "a")) {
      std::fprintf(f, "%s\n", DumpJson(figures).c_str());
      std::fclose(f);
    }
  }
  EXPECT_GT(pages_acked, rounds / 2) << "kills must land among page applies";
  EXPECT_EQ(integrity_failures, 0);
  EXPECT_EQ(cursor_lost, 0) << "an applied page's cursor was lost";
  EXPECT_EQ(lost, 0) << "acknowledged commands lost";
  EXPECT_EQ(half, 0) << "visits without their two items";
}

}  // namespace
}  // namespace weige::testing
