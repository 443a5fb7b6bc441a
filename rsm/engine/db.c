/* SPDX-License-Identifier: MIT
 * SQLite connection, statement cache and transactions (contract in db.h). The schema and
 * its migrations live in schema.c.
 */
#include "rsm/engine/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsm/engine/internal.h"

#define RSM_DB_CACHE 512 /* power of two; > number of distinct SQL texts in the engine */

struct rsm_db_cached {
    const char *sql;
    sqlite3_stmt *st;
};

struct rsm_db {
    sqlite3 *h;
    struct rsm_db_cached cache[RSM_DB_CACHE];
    void *owner;
    rsm_db_end_hook *end_hook;
};

rsm_rc rsm_db_map(int src)
{
    switch (src & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return RSM_OK;
    case SQLITE_FULL:
        return RSM_E_DB_FULL;
    case SQLITE_NOMEM:
        return RSM_E_NOMEM;
    default:
        return RSM_E_DB_FAILURE;
    }
}

static rsm_rc db_exec(sqlite3 *h, const char *sql)
{
    return rsm_db_map(sqlite3_exec(h, sql, NULL, NULL, NULL));
}

rsm_rc rsm_db_open(const char *path, int max_version, struct rsm_db **out)
{
    struct rsm_db *db = calloc(1, sizeof *db);
    if (!db)
        return RSM_E_NOMEM;
    int src = sqlite3_open_v2(
        path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    rsm_rc rc = rsm_db_map(src);
    if (rc == RSM_OK && sqlite3_busy_timeout(db->h, 10000) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    /* 1 KiB pages, for a new database only (an existing one keeps its size). Every
     * commit appends its dirty pages to the WAL, each behind a 24-byte frame header, so
     * a 4 KiB page straddles two pages of the WAL file in the kernel's cache and the
     * copying dominated small transactions: allocate/deallocate pairs (three dirty pages
     * per transaction) went from about 15,000/s to 21,000/s with 1 KiB pages. The cost,
     * also from bench_rsm: loading a million media in one transaction took 23 s instead
     * of 13 (deeper trees), enumerating them 0.12 s instead of 0.08; rows over about
     * 230 bytes (long names and descriptions) spill into overflow pages. */
    if (rc == RSM_OK)
        rc = db_exec(db->h, "PRAGMA page_size=1024; PRAGMA journal_mode=WAL");
    /* WAL lets readers in other processes run beside one writer; NORMAL syncs at
     * checkpoints only, which survives a killed process (the WAL is replayed). */
    if (rc == RSM_OK)
        rc = db_exec(db->h, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                            "PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;"
                            /* Reads through a mapping instead of pread. A checkpoint
                             * every 2000 frames: 1000 was no faster for the pairs and
                             * 4000 slower (a longer WAL index to search on every page
                             * read, more of the WAL file to write). */
                            "PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=2000");
    if (rc == RSM_OK)
        rc = rsm_schema_migrate(db, max_version);
    if (rc != RSM_OK) {
        rsm_db_close(db);
        return rc;
    }
    *out = db;
    return RSM_OK;
}

void rsm_db_close(struct rsm_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < RSM_DB_CACHE; i++)
        if (db->cache[i].st)
            sqlite3_finalize(db->cache[i].st);
    sqlite3_close(db->h); /* every statement is finalized: cannot be SQLITE_BUSY */
    free(db);
}

sqlite3 *rsm_db_handle(struct rsm_db *db)
{
    return db->h;
}

sqlite3_stmt *rsm_db_stmt(struct rsm_db *db, const char *sql)
{
    uintptr_t k = (uintptr_t)sql;
    size_t i = (size_t)((k >> 3) ^ (k >> 12)) & (RSM_DB_CACHE - 1);
    for (size_t n = 0; n < RSM_DB_CACHE; n++, i = (i + 1) & (RSM_DB_CACHE - 1)) {
        struct rsm_db_cached *c = &db->cache[i];
        if (c->sql == sql) {
            sqlite3_reset(c->st);
            sqlite3_clear_bindings(c->st);
            return c->st;
        }
        if (!c->sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK)
                return NULL;
            c->sql = sql;
            c->st = st;
            return st;
        }
    }
    return NULL; /* cache full: a programming error, reported as a DB failure */
}

rsm_rc rsm_db_step_done(sqlite3_stmt *st)
{
    if (!st)
        return RSM_E_DB_FAILURE;
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src == SQLITE_DONE)
        return RSM_OK;
    return src == SQLITE_ROW ? RSM_OK : rsm_db_map(src);
}

rsm_rc rsm_db_begin(struct rsm_db *db)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "BEGIN IMMEDIATE");
    return rsm_db_step_done(st);
}

bool rsm_db_in_txn(struct rsm_db *db)
{
    return !sqlite3_get_autocommit(db->h);
}

rsm_rc rsm_db_end(struct rsm_db *db, rsm_rc rc)
{
    if (rc == RSM_OK) {
        rsm_rc crc = rsm_db_step_done(rsm_db_stmt(db, "COMMIT"));
        if (crc == RSM_OK) {
            if (db->end_hook)
                db->end_hook(db->owner, true);
            return RSM_OK;
        }
        rc = crc;
    }
    if (!sqlite3_get_autocommit(db->h))
        (void)rsm_db_step_done(rsm_db_stmt(db, "ROLLBACK"));
    if (db->end_hook)
        db->end_hook(db->owner, false);
    return rc;
}

void rsm_db_set_owner(struct rsm_db *db, void *owner, rsm_db_end_hook *hook)
{
    db->owner = owner;
    db->end_hook = hook;
}

void *rsm_db_owner(struct rsm_db *db)
{
    return db->owner;
}

int rsm_db_bind_guid(sqlite3_stmt *st, int idx, const struct rsm_guid *g)
{
    if (rsm_guid_is_null(g))
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_blob(st, idx, g->b, 16, SQLITE_STATIC);
}

int rsm_db_bind_guid_nn(sqlite3_stmt *st, int idx, const struct rsm_guid *g)
{
    static const struct rsm_guid zero;
    return sqlite3_bind_blob(st, idx, (g ? g : &zero)->b, 16, SQLITE_STATIC);
}

void rsm_db_col_guid(sqlite3_stmt *st, int col, struct rsm_guid *out)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p && sqlite3_column_bytes(st, col) == 16)
        memcpy(out->b, p, 16);
    else
        memset(out->b, 0, 16);
}

void rsm_db_col_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (cap == 0)
        return;
    if (!t) {
        out[0] = 0;
        return;
    }
    rsm_utf8_copy(out, cap, (const char *)t);
}

int64_t rsm_db_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rsm_db_meta_int(struct rsm_db *db, const char *key, int64_t dflt)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT value FROM meta WHERE key=?1");
    if (!st)
        return dflt;
    int64_t v = dflt;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

rsm_rc rsm_db_meta_set_int(struct rsm_db *db, const char *key, int64_t v)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?1,?2)");
    if (!st)
        return RSM_E_DB_FAILURE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v);
    return rsm_db_step_done(st);
}

rsm_rc rsm_db_meta_guid(struct rsm_db *db, const char *key, struct rsm_guid *out)
{
    sqlite3_stmt *st = rsm_db_stmt(db, "SELECT value FROM meta WHERE key=?1");
    if (!st)
        return RSM_E_DB_FAILURE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rsm_rc rc = RSM_E_DB_FAILURE;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16) {
        rsm_db_col_guid(st, 0, out);
        rc = RSM_OK;
    }
    sqlite3_reset(st);
    return rc;
}
