/* SPDX-License-Identifier: MIT
 * The engine's SQLite layer: one connection, its prepared-statement cache, transactions,
 * and the schema with its migrations.
 *
 * Contract
 *  - rsm_db_open() opens (creating if needed) DIR/rsm.db in WAL mode with foreign keys on,
 *    synchronous=NORMAL (durable against a killed process; WAL + NORMAL can only lose the
 *    last commits on power loss) and a busy timeout so several processes can share it.
 *    It brings the schema to RSM_DB_SCHEMA_VERSION, one transaction per migration step.
 *  - A struct rsm_db is used by one thread at a time: the engine holds its mutex around
 *    every use (engine.c). Statements from rsm_db_stmt() are cached per SQL text pointer
 *    (pass string literals); each comes back reset with no bindings, and the caller must
 *    sqlite3_reset() it when done (rsm_db_step_done() does both for writes).
 *  - Values are bound with SQLITE_STATIC: every bound buffer outlives the step that reads
 *    it (binding and stepping happen in the same function, and rsm_db_stmt() clears old
 *    bindings), so a bind never allocates and cannot fail at run time; the only failures
 *    left (SQLITE_RANGE, SQLITE_MISUSE) are programming errors that the tests would show
 *    as wrong rows. Every step, prepare, reset-with-result, exec and open is checked.
 *  - State changes run between rsm_db_begin() (BEGIN IMMEDIATE) and rsm_db_end(), which
 *    commits when the work succeeded and rolls back otherwise: nothing is half-applied.
 */
#ifndef RSM_ENGINE_DB_H
#define RSM_ENGINE_DB_H

#include <stdbool.h>
#include <sqlite3.h>
#include <stdint.h>

#include "rsm/engine/guid.h"
#include "rsm/engine/rc.h"

/* Version written to PRAGMA user_version by the newest migration. */
#define RSM_DB_SCHEMA_VERSION 2
/* File name of the database inside the engine's directory. */
#define RSM_DB_FILE "rsm.db"

struct rsm_db;

/* Opens @path (the database file) and migrates it to @max_version (normally
 * RSM_DB_SCHEMA_VERSION; tests pass 1 to build an old database). A database newer than
 * this build, or one failing to migrate, is refused with RSM_E_DB_FAILURE and left as it
 * was. On success *out owns the connection; free with rsm_db_close(). */
rsm_rc rsm_db_open(const char *path, int max_version, struct rsm_db **out);
void rsm_db_close(struct rsm_db *db);
sqlite3 *rsm_db_handle(struct rsm_db *db);

/* The cached statement for @sql (a string literal: the pointer is the cache key), reset
 * and unbound; NULL if it fails to prepare. */
sqlite3_stmt *rsm_db_stmt(struct rsm_db *db, const char *sql);
/* Steps @st once expecting SQLITE_DONE, resets it, and maps the result. */
rsm_rc rsm_db_step_done(sqlite3_stmt *st);
/* SQLite result code to rsm_rc: OK/ROW/DONE -> RSM_OK, FULL -> DB_FULL, NOMEM -> NOMEM,
 * anything else (constraints included: callers check their preconditions first) ->
 * DB_FAILURE. */
rsm_rc rsm_db_map(int sqlite_rc);

rsm_rc rsm_db_begin(struct rsm_db *db);
/* True while a transaction is open on @db. */
bool rsm_db_in_txn(struct rsm_db *db);
/* Commits if @rc is RSM_OK, else rolls back; returns @rc, or the commit failure. Then
 * calls the end hook, if one is set, with whether the transaction committed. */
rsm_rc rsm_db_end(struct rsm_db *db, rsm_rc rc);
/* The owner of @db (the engine) and a hook run after every rsm_db_end(): notify.c delivers
 * the events a transaction queued once it committed, and drops them after a rollback.
 * @owner is borrowed; NULL hook: none. */
typedef void rsm_db_end_hook(void *owner, bool committed);
void rsm_db_set_owner(struct rsm_db *db, void *owner, rsm_db_end_hook *hook);
void *rsm_db_owner(struct rsm_db *db);

/* Binding and column helpers for GUID blobs. A NULL or null GUID binds SQL NULL. */
int rsm_db_bind_guid(sqlite3_stmt *st, int idx, const struct rsm_guid *g);
int rsm_db_bind_guid_nn(sqlite3_stmt *st, int idx,
                        const struct rsm_guid *g);                     /* zeros stay a blob */
void rsm_db_col_guid(sqlite3_stmt *st, int col, struct rsm_guid *out); /* NULL -> zeros */
/* Copies column text into @out (NUL-terminated, truncated to @cap-1 bytes on a UTF-8
 * boundary); NULL -> "". */
void rsm_db_col_text(sqlite3_stmt *st, int col, char *out, size_t cap);

/* Milliseconds since the Unix epoch (UTC), the time base of every stored timestamp. */
int64_t rsm_db_now_ms(void);

/* The value of a meta key (integer), or @dflt. And set it (inside a transaction). */
int64_t rsm_db_meta_int(struct rsm_db *db, const char *key, int64_t dflt);
rsm_rc rsm_db_meta_set_int(struct rsm_db *db, const char *key, int64_t v);
/* GUID stored under a meta key (offline library, root pool, computer...). */
rsm_rc rsm_db_meta_guid(struct rsm_db *db, const char *key, struct rsm_guid *out);

#endif
