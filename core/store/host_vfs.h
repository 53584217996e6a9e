/* The host VFS: SQLite's storage through a handful of synchronous functions
 * the embedding shell supplies (Node's fs, OPFS access handles, IndexedDB
 * mirror, WeChat's FileSystemManager). C, so the shell can be anything that
 * links C.
 *
 * Writes are buffered in the VFS and handed to the host only at xSync (or
 * xClose, or when a file's buffer passes kWeigeHostVfsFlushBytes), merged
 * into contiguous runs in offset order: a WAL commit of n frames is one
 * weige_host_write plus one weige_host_sync. Each file's size is asked once at
 * open and then tracked, so xFileSize never reaches the host. Reads of bytes
 * still buffered are served from the buffer.
 *
 * The VFS takes no locks: one connection owns the database (the shells
 * guarantee it: one process, one Worker behind a Web Lock). It has no shared
 * memory either, so WAL needs locking_mode=EXCLUSIVE (the wasm build makes it
 * the default: SQLITE_DEFAULT_LOCKING_MODE=1).
 *
 * Files SQLite opens without a name are kept in memory only.
 */
#ifndef WEIGE_CORE_STORE_HOST_VFS_H_
#define WEIGE_CORE_STORE_HOST_VFS_H_

#ifdef __cplusplus
extern "C" {
#endif

/* The host's side. Paths are NUL-terminated UTF-8 names relative to the
 * host's own root (e.g. "weige.db", "weige.db-wal"). Sizes and offsets are
 * doubles (exact up to 2^53) so they cross a wasm boundary without BigInt.
 * Unless noted, each returns 0 on success and a negative number on failure. */

/* Opens `path`, creating it when `create` is non-zero; a handle >= 0, or
 * negative (missing and !create, or failure). */
int weige_host_open(const char* path, int create);
/* Reads up to n bytes at offset into buf; the count read (short at end of
 * file), or negative. */
int weige_host_read(int handle, void* buf, int n, double offset);
/* Writes n bytes at offset (extending the file, zero-filling a gap). */
int weige_host_write(int handle, const void* buf, int n, double offset);
/* Sets the file's size (shrinking or zero-extending). */
int weige_host_truncate(int handle, double size);
/* The file's size in bytes, or negative. */
double weige_host_size(int handle);
/* Returns once everything written to the handle is durable on the host. */
int weige_host_sync(int handle);
int weige_host_close(int handle);
/* Deletes a file; deleting a missing file succeeds. */
int weige_host_delete(const char* path);
/* 1 if the file exists, 0 if not. */
int weige_host_access(const char* path);
/* Fills buf with n random bytes. */
void weige_host_random(void* buf, int n);
/* Milliseconds since the Unix epoch. */
double weige_host_time_ms(void);

/* Buffered bytes per file past which writes reach the host before xSync. */
#define kWeigeHostVfsFlushBytes (8 << 20)

/* Registers the VFS as "weige-host", the default VFS when make_default is
 * non-zero. Returns an SQLite result code. Where SQLite is built with
 * SQLITE_OS_OTHER and WEIGE_HOST_VFS_OS_INIT is defined, host_vfs.c also
 * supplies sqlite3_os_init/sqlite3_os_end, which register it as the default. */
int weige_host_vfs_register(int make_default);

#ifdef __cplusplus
}
#endif

#endif /* WEIGE_CORE_STORE_HOST_VFS_H_ */
