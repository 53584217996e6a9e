#include "server/store_pool.h"

#include <chrono>
#include <thread>

namespace weige::server {

namespace {
// Connections wait for a checkpoint or a writer rather than fail.
constexpr int kBusyTimeoutMs = 10000;
constexpr int64_t kMmapBytes = 1LL << 30;
}  // namespace

store::OpenOptions StorePool::WriterOptions(int64_t max_db_bytes) {
  store::OpenOptions w = ReaderOptions();
  w.synchronous_full = true;
  w.record_changes = true;
  w.max_db_bytes = max_db_bytes;
  return w;
}

store::OpenOptions StorePool::ReaderOptions() {
  store::OpenOptions ro;
  ro.busy_timeout_ms = kBusyTimeoutMs;
  ro.mmap_bytes = kMmapBytes;
  return ro;
}

Status StorePool::Open(const std::string& path, int readers, int64_t max_db_bytes,
                       std::unique_ptr<StorePool>* out) {
  std::unique_ptr<StorePool> pool(new StorePool());
  WEIGE_RETURN_IF_ERROR(store::Store::Open(path, WriterOptions(max_db_bytes), &pool->writer_));
  // On PostgreSQL every connection is a Store on the server; the fleet's
  // writers are serialised by the change log's lock (sync_tables.h), so one
  // writer connection per process loses nothing. (busy_timeout and mmap are
  // SQLite's.)
  for (int i = 0; i < readers; ++i) {
    std::unique_ptr<store::Store> r;
    WEIGE_RETURN_IF_ERROR(store::Store::Open(path, ReaderOptions(), &r));
    pool->idle_.push_back(r.get());
    pool->readers_.push_back(std::move(r));
  }
  *out = std::move(pool);
  return Status::Ok();
}

StorePool::WriteLease::WriteLease(StorePool& pool) : pool_(&pool), store_(pool.writer_.get()) {
  ++pool.write_waiting_;
  lock_ = std::unique_lock<std::mutex>(pool.write_mu_);
  --pool.write_waiting_;
}

void StorePool::WriteLease::Yield() {
  if (pool_->write_waiting_.load() == 0) return;
  lock_.unlock();
  // std::mutex is not fair: without waiting, this thread could take it back
  // before any waiter runs. The waiters count themselves until they hold it.
  for (int i = 0; i < 1000 && pool_->write_waiting_.load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  lock_.lock();
}

StorePool::ReadLease StorePool::Read() {
  std::unique_lock<std::mutex> lock(read_mu_);
  read_cv_.wait(lock, [this] { return !idle_.empty(); });
  store::Store* s = idle_.back();
  idle_.pop_back();
  return ReadLease(*this, s);
}

StorePool::ReadLease::~ReadLease() {
  if (store_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(pool_->read_mu_);
    pool_->idle_.push_back(store_);
  }
  pool_->read_cv_.notify_one();
}

}  // namespace weige::server
