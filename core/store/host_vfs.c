/* The host VFS (see host_vfs.h). The why of the design:
 *
 * - Every host call can be expensive: in headless Chromium each OPFS access
 *   handle call costs ~1.2 ms whatever its size up to 64 KB. A commit in WAL
 *   mode is a run of small appends (a 24-byte frame header, then a 4 KB page,
 *   per page) followed by xSync; buffering them until xSync turns n frames
 *   into one write call, so a durable commit costs write + sync.
 * - xFileSize is called by the pager on every transaction; it is answered
 *   from the tracked size.
 * - Runs are kept sorted and disjoint (touching runs are merged), so a flush
 *   writes each byte once, in offset order.
 */
#include "core/store/host_vfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef sqlite3_int64 i64;

/* SQLite's Julian day number of the Unix epoch, in milliseconds. */
#define WEIGE_UNIX_EPOCH_JD_MS ((i64)210866760000000LL)

typedef struct WeigeRun {
  i64 off;
  i64 len;
  i64 cap;
  unsigned char* data;
} WeigeRun;

typedef struct WeigeHostFile {
  sqlite3_file base;
  int handle;           /* -1: a nameless file, kept in memory only */
  const char* delete_on_close; /* the name, valid until xClose */
  i64 size;             /* the logical size, buffered writes included */
  i64 host_size;        /* the host file's size as of the last flush */
  i64 trunc_to;         /* -1, or: host bytes at and past this are void */
  WeigeRun* runs;
  int nruns;
  int cap_runs;
  i64 buffered;         /* bytes held in runs */
} WeigeHostFile;

static i64 weigeMin(i64 a, i64 b) { return a < b ? a : b; }
static i64 weigeMax(i64 a, i64 b) { return a > b ? a : b; }

static void weigeFreeRuns(WeigeHostFile* f) {
  int i;
  for (i = 0; i < f->nruns; ++i) sqlite3_free(f->runs[i].data);
  f->nruns = 0;
  f->buffered = 0;
}

/* Removes runs [from, to) from the array (their data already freed/moved). */
static void weigeDropRuns(WeigeHostFile* f, int from, int to) {
  if (to <= from) return;
  memmove(&f->runs[from], &f->runs[to], (size_t)(f->nruns - to) * sizeof(WeigeRun));
  f->nruns -= to - from;
}

/* Records a write in the run list: the new bytes win over buffered ones. */
static int weigeBufferWrite(WeigeHostFile* f, const void* buf, int n, i64 off) {
  i64 end = off + n;
  int lo = 0, hi = f->nruns, i, j, k;
  /* i: the first run whose end reaches off (ends are sorted too). */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (f->runs[mid].off + f->runs[mid].len < off) lo = mid + 1; else hi = mid;
  }
  i = lo;
  j = i;
  while (j < f->nruns && f->runs[j].off <= end) ++j;
  if (i == j) {
    WeigeRun r;
    if (f->nruns == f->cap_runs) {
      int cap = f->cap_runs ? f->cap_runs * 2 : 16;
      WeigeRun* grown = sqlite3_realloc64(f->runs, (sqlite3_uint64)cap * sizeof(WeigeRun));
      if (grown == NULL) return SQLITE_IOERR_NOMEM;
      f->runs = grown;
      f->cap_runs = cap;
    }
    r.off = off;
    r.len = n;
    r.cap = n;
    r.data = sqlite3_malloc64((sqlite3_uint64)(n > 0 ? n : 1));
    if (r.data == NULL) return SQLITE_IOERR_NOMEM;
    memcpy(r.data, buf, (size_t)n);
    memmove(&f->runs[i + 1], &f->runs[i], (size_t)(f->nruns - i) * sizeof(WeigeRun));
    f->runs[i] = r;
    f->nruns++;
    f->buffered += n;
  } else {
    i64 start = weigeMin(off, f->runs[i].off);
    i64 stop = weigeMax(end, f->runs[j - 1].off + f->runs[j - 1].len);
    i64 before = 0;
    WeigeRun* r = &f->runs[i];
    for (k = i; k < j; ++k) before += f->runs[k].len;
    if (r->off == start) {
      /* Grow the first run in place: appends double its capacity. */
      if (r->cap < stop - start) {
        i64 cap = weigeMax(stop - start, r->cap * 2);
        unsigned char* grown = sqlite3_realloc64(r->data, (sqlite3_uint64)cap);
        if (grown == NULL) return SQLITE_IOERR_NOMEM;
        r->data = grown;
        r->cap = cap;
      }
    } else {
      unsigned char* data = sqlite3_malloc64((sqlite3_uint64)(stop - start));
      if (data == NULL) return SQLITE_IOERR_NOMEM;
      memcpy(data + (r->off - start), r->data, (size_t)r->len);
      sqlite3_free(r->data);
      r->data = data;
      r->cap = stop - start;
      r->off = start;
    }
    for (k = i + 1; k < j; ++k) {
      memcpy(r->data + (f->runs[k].off - start), f->runs[k].data, (size_t)f->runs[k].len);
      sqlite3_free(f->runs[k].data);
    }
    memcpy(r->data + (off - start), buf, (size_t)n);
    r->len = stop - start;
    weigeDropRuns(f, i + 1, j);
    f->buffered += r->len - before;
  }
  if (end > f->size) f->size = end;
  return SQLITE_OK;
}

/* Hands buffered writes (and a pending truncation) to the host. */
static int weigeFlush(WeigeHostFile* f) {
  int i;
  if (f->handle < 0) return SQLITE_OK;
  if (f->trunc_to >= 0) {
    if (f->trunc_to < f->host_size) {
      if (weige_host_truncate(f->handle, (double)f->trunc_to) < 0) return SQLITE_IOERR_TRUNCATE;
      f->host_size = f->trunc_to;
    }
    f->trunc_to = -1;
  }
  for (i = 0; i < f->nruns; ++i) {
    WeigeRun* r = &f->runs[i];
    if (weige_host_write(f->handle, r->data, (int)r->len, (double)r->off) < 0) {
      return SQLITE_IOERR_WRITE;
    }
    f->host_size = weigeMax(f->host_size, r->off + r->len);
  }
  weigeFreeRuns(f);
  if (f->size > f->host_size) {
    if (weige_host_truncate(f->handle, (double)f->size) < 0) return SQLITE_IOERR_TRUNCATE;
    f->host_size = f->size;
  }
  return SQLITE_OK;
}

static int weigeClose(sqlite3_file* file) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  int rc = SQLITE_OK;
  if (f->handle >= 0) {
    if (f->delete_on_close == NULL) rc = weigeFlush(f);
    if (weige_host_close(f->handle) < 0 && rc == SQLITE_OK) rc = SQLITE_IOERR_CLOSE;
    if (f->delete_on_close != NULL) weige_host_delete(f->delete_on_close);
  }
  weigeFreeRuns(f);
  sqlite3_free(f->runs);
  f->runs = NULL;
  f->cap_runs = 0;
  f->handle = -1;
  return rc;
}

static int weigeRead(sqlite3_file* file, void* buf, int n, i64 off) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  i64 end = off + n;
  i64 host_limit;
  int i;
  /* Most reads of buffered bytes fall inside one run. */
  for (i = 0; i < f->nruns; ++i) {
    WeigeRun* r = &f->runs[i];
    if (r->off <= off && r->off + r->len >= end) {
      memcpy(buf, r->data + (off - r->off), (size_t)n);
      return SQLITE_OK;
    }
    if (r->off > off) break;
  }
  memset(buf, 0, (size_t)n);
  host_limit = f->trunc_to >= 0 ? weigeMin(f->host_size, f->trunc_to) : f->host_size;
  if (f->handle >= 0 && off < host_limit) {
    /* A host may give fewer bytes than asked (as POSIX read may): ask again
     * for the rest. Until now the count was dropped, so the missing tail
     * read as zeros, SQLite took them for page content and could write the
     * damage back (tests/fuzz/regress/host_vfs). A read of nothing is the
     * host file's end: the rest stays zero, as past any file's end. */
    int want = (int)(weigeMin(end, host_limit) - off);
    int got = 0;
    while (got < want) {
      int n = weige_host_read(f->handle, (unsigned char*)buf + got, want - got, (double)(off + got));
      if (n < 0) return SQLITE_IOERR_READ;
      if (n == 0) break;
      got += n;
    }
  }
  for (i = 0; i < f->nruns; ++i) {
    WeigeRun* r = &f->runs[i];
    i64 a = weigeMax(off, r->off), b = weigeMin(end, r->off + r->len);
    if (r->off >= end) break;
    if (a < b) memcpy((unsigned char*)buf + (a - off), r->data + (a - r->off), (size_t)(b - a));
  }
  return end > f->size ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

static int weigeWrite(sqlite3_file* file, const void* buf, int n, i64 off) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  int rc = weigeBufferWrite(f, buf, n, off);
  if (rc == SQLITE_OK && f->handle >= 0 && f->buffered > kWeigeHostVfsFlushBytes) {
    rc = weigeFlush(f);
  }
  return rc;
}

static int weigeTruncate(sqlite3_file* file, i64 size) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  while (f->nruns > 0 && f->runs[f->nruns - 1].off >= size) {
    f->buffered -= f->runs[f->nruns - 1].len;
    sqlite3_free(f->runs[f->nruns - 1].data);
    f->nruns--;
  }
  if (f->nruns > 0) {
    WeigeRun* last = &f->runs[f->nruns - 1];
    if (last->off + last->len > size) {
      f->buffered -= last->off + last->len - size;
      last->len = size - last->off;
    }
  }
  if (size < f->size) f->trunc_to = f->trunc_to < 0 ? size : weigeMin(f->trunc_to, size);
  f->size = size;
  return SQLITE_OK;
}

static int weigeSync(sqlite3_file* file, int flags) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  int rc;
  (void)flags;
  if (f->handle < 0) return SQLITE_OK;
  rc = weigeFlush(f);
  if (rc != SQLITE_OK) return rc;
  return weige_host_sync(f->handle) < 0 ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int weigeFileSize(sqlite3_file* file, i64* size) {
  *size = ((WeigeHostFile*)file)->size;
  return SQLITE_OK;
}

static int weigeLock(sqlite3_file* file, int level) {
  (void)file;
  (void)level;
  return SQLITE_OK;
}

static int weigeCheckReservedLock(sqlite3_file* file, int* out) {
  (void)file;
  *out = 0;
  return SQLITE_OK;
}

static int weigeFileControl(sqlite3_file* file, int op, void* arg) {
  (void)file;
  (void)op;
  (void)arg;
  return SQLITE_NOTFOUND;
}

static int weigeSectorSize(sqlite3_file* file) {
  (void)file;
  return 4096;
}

static int weigeDeviceCharacteristics(sqlite3_file* file) {
  (void)file;
  return SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static const sqlite3_io_methods kWeigeIoMethods = {
    1, /* no shared memory: WAL runs in locking_mode=EXCLUSIVE */
    weigeClose,
    weigeRead,
    weigeWrite,
    weigeTruncate,
    weigeSync,
    weigeFileSize,
    weigeLock,
    weigeLock,
    weigeCheckReservedLock,
    weigeFileControl,
    weigeSectorSize,
    weigeDeviceCharacteristics,
    NULL, NULL, NULL, NULL, NULL, NULL};

static int weigeOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                     int* out_flags) {
  WeigeHostFile* f = (WeigeHostFile*)file;
  (void)vfs;
  memset(f, 0, sizeof *f);
  f->handle = -1;
  f->trunc_to = -1;
  if (name != NULL) {
    double size;
    int h = weige_host_open(name, (flags & SQLITE_OPEN_CREATE) != 0);
    if (h < 0) return SQLITE_CANTOPEN;
    size = weige_host_size(h);
    if (size < 0) {
      weige_host_close(h);
      return SQLITE_CANTOPEN;
    }
    f->handle = h;
    f->size = f->host_size = (i64)size;
    if (flags & SQLITE_OPEN_DELETEONCLOSE) f->delete_on_close = name;
  }
  if (out_flags != NULL) *out_flags = flags;
  f->base.pMethods = &kWeigeIoMethods;
  return SQLITE_OK;
}

static int weigeDelete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  (void)vfs;
  (void)sync_dir;
  return weige_host_delete(name) < 0 ? SQLITE_IOERR_DELETE : SQLITE_OK;
}

static int weigeAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  (void)vfs;
  (void)flags;
  *out = weige_host_access(name) > 0;
  return SQLITE_OK;
}

static int weigeFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  (void)vfs;
  if ((int)strlen(name) >= n) return SQLITE_CANTOPEN;
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}

static int weigeRandomness(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs;
  weige_host_random(out, n);
  return n;
}

static int weigeSleep(sqlite3_vfs* vfs, int micros) {
  (void)vfs;
  return micros; /* nothing to wait for: no other connection holds a lock */
}

static int weigeCurrentTimeInt64(sqlite3_vfs* vfs, i64* now) {
  (void)vfs;
  *now = WEIGE_UNIX_EPOCH_JD_MS + (i64)weige_host_time_ms();
  return SQLITE_OK;
}

static int weigeCurrentTime(sqlite3_vfs* vfs, double* now) {
  i64 ms = 0;
  weigeCurrentTimeInt64(vfs, &ms);
  *now = (double)ms / 86400000.0;
  return SQLITE_OK;
}

static int weigeGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs;
  (void)n;
  (void)out;
  return 0;
}

static sqlite3_vfs kWeigeHostVfs = {
    2,
    (int)sizeof(WeigeHostFile),
    512,
    NULL,
    "weige-host",
    NULL,
    weigeOpen,
    weigeDelete,
    weigeAccess,
    weigeFullPathname,
    NULL, NULL, NULL, NULL,
    weigeRandomness,
    weigeSleep,
    weigeCurrentTime,
    weigeGetLastError,
    weigeCurrentTimeInt64,
    NULL, NULL, NULL};

int weige_host_vfs_register(int make_default) {
  return sqlite3_vfs_register(&kWeigeHostVfs, make_default);
}

#if defined(WEIGE_HOST_VFS_OS_INIT)
int sqlite3_os_init(void) { return weige_host_vfs_register(1); }
int sqlite3_os_end(void) { return SQLITE_OK; }
#endif
