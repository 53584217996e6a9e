// The server's SQLite connections: one writer (commands, logins, blobs), used
// by one thread at a time, and a pool of readers (pulls, queries, token
// checks) that run beside it under WAL. Each is a Store on the same file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::server {

class StorePool {
 public:
  // Opens the file (creating it and migrating), turns the change log on, and
  // opens `readers` reader connections. The writer runs synchronous=FULL: an
  // accepted command survives a power cut. max_db_bytes > 0: the file may
  // grow to about this size; past it, writes fail internal "store.full".
  static Status Open(const std::string& path, int readers, int64_t max_db_bytes,
                     std::unique_ptr<StorePool>* out);
  // What each connection opens with (the benches' server-side reads open
  // with the readers' too). Reads go through a shared memory map of the
  // file: a district's random lookups (Open311's windows, the console's
  // pages) are served from the OS page cache once, not copied into each of
  // the readers' own caches.
  static store::OpenOptions WriterOptions(int64_t max_db_bytes);
  static store::OpenOptions ReaderOptions();

  // Exclusive use of the writer for the lifetime of the lease.
  class WriteLease {
   public:
    explicit WriteLease(StorePool& pool);
    store::Store* operator->() const { return store_; }
    store::Store& operator*() const { return *store_; }
    store::Store* get() const { return store_; }
    // Lets the writers waiting now go first, then takes the writer back; for
    // a long job between its transactions (a register import between batches),
    // so pushes are answered while it runs. Returns at once when none waits;
    // waits at most about 200 ms for them.
    void Yield();

   private:
    StorePool* pool_;
    std::unique_lock<std::mutex> lock_;
    store::Store* store_;
  };
  WriteLease Write() { return WriteLease(*this); }

  // A reader connection, returned to the pool when the lease ends. Waits when
  // all are in use.
  class ReadLease {
   public:
    ReadLease(StorePool& pool, store::Store* s) : pool_(&pool), store_(s) {}
    ReadLease(ReadLease&& o) noexcept : pool_(o.pool_), store_(o.store_) { o.store_ = nullptr; }
    ReadLease(const ReadLease&) = delete;
    ~ReadLease();
    store::Store* operator->() const { return store_; }
    store::Store& operator*() const { return *store_; }
    store::Store* get() const { return store_; }

   private:
    StorePool* pool_;
    store::Store* store_;
  };
  ReadLease Read();

 private:
  StorePool() = default;

  std::mutex write_mu_;
  std::atomic<int> write_waiting_{0};  // threads blocked on write_mu_
  std::unique_ptr<store::Store> writer_;
  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<std::unique_ptr<store::Store>> readers_;
  std::vector<store::Store*> idle_;
};

}  // namespace weige::server
