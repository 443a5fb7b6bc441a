/* SPDX-License-Identifier: MIT
 * Engine lifetime: the per-process registry of open engines (one per database
 * directory), staged-import installation at open, the engine lock and wake-ups, and the
 * consistency check used by tests and after crashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsm/engine/events.h"
#include "rsm/engine/internal.h"

_Static_assert(RSM_DB_SCHEMA_VERSION == 2, "bump with schema.c steps");

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rsm_engine *registry;

static const char *const rc_names[RSM_E_COUNT] = {
    "RSM_OK",
    "RSM_E_INVALID_PARAMETER",
    "RSM_E_INVALID_HANDLE",
    "RSM_E_NOMEM",
    "RSM_E_NOT_FOUND",
    "RSM_E_ACCESS_DENIED",
    "RSM_E_INSUFFICIENT_BUFFER",
    "RSM_E_INVALID_NAME",
    "RSM_E_ALREADY_EXISTS",
    "RSM_E_NOT_EMPTY",
    "RSM_E_INVALID_MEDIA",
    "RSM_E_INVALID_LIBRARY",
    "RSM_E_INVALID_MEDIA_POOL",
    "RSM_E_MEDIA_INCOMPATIBLE",
    "RSM_E_MEDIA_UNAVAILABLE",
    "RSM_E_MEDIA_OFFLINE",
    "RSM_E_LIBRARY_OFFLINE",
    "RSM_E_INVALID_STATE",
    "RSM_E_BUSY",
    "RSM_E_TIMEOUT",
    "RSM_E_CANCELLED",
    "RSM_E_RESOURCE_DISABLED",
    "RSM_E_DB_FAILURE",
    "RSM_E_DB_FULL",
    "RSM_E_NO_DATA",
    "RSM_E_NOT_CONNECTED",
    "RSM_E_SHARING_VIOLATION",
    "RSM_E_NO_SECURITY",
    "RSM_E_BAD_FORMAT",
    "RSM_E_NOT_SUPPORTED",
    "RSM_E_WRITE_PROTECT",
    "RSM_E_DRIVE_MEDIA_MISMATCH",
    "RSM_E_INVALID_DRIVE",
    "RSM_E_DEVICE_NOT_AVAILABLE",
    "RSM_E_MEDIA_NOT_AVAILABLE",
    "RSM_E_UNABLE_TO_LOAD_MEDIUM",
    "RSM_E_LIBRARY_FULL",
    "RSM_E_CLEANER_SLOT_SET",
    "RSM_E_CLEANER_SLOT_NOT_SET",
    "RSM_E_RESOURCE_NOT_AVAILABLE",
    "RSM_E_RESOURCE_NOT_PRESENT",
    "RSM_E_INVALID_OPERATION",
    "RSM_E_CLEANER_SPENT",
};

const char *rsm_rc_name(rsm_rc rc)
{
    if ((unsigned)rc < RSM_E_COUNT && rc_names[rc])
        return rc_names[rc];
    return "RSM_E_?";
}

void rsm_utf8_copy(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* do not cut a multi-byte character */
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

void rsm_caller_self(struct rsm_caller *out)
{
    memset(out, 0, sizeof *out);
    out->uid = (uint32_t)getuid();
    gid_t g[RSM_CALLER_MAX_GROUPS];
    int n = getgroups(RSM_CALLER_MAX_GROUPS, g);
    out->gids[0] = (uint32_t)getgid();
    out->n_gids = 1;
    for (int i = 0; i < n && out->n_gids < RSM_CALLER_MAX_GROUPS; i++)
        out->gids[out->n_gids++] = (uint32_t)g[i];
    strcpy(out->app, "RSM");
}

void rsm_engine_lock(struct rsm_engine *e)
{
    pthread_mutex_lock(&e->mu);
}

void rsm_engine_unlock(struct rsm_engine *e)
{
    pthread_mutex_unlock(&e->mu);
}

void rsm_engine_signal(struct rsm_engine *e)
{
    pthread_cond_broadcast(&e->changed);
}

void rsm_engine_wake(struct rsm_engine *e)
{
    rsm_engine_lock(e);
    rsm_engine_signal(e);
    rsm_engine_unlock(e);
}

const char *rsm_engine_dir(const struct rsm_engine *e)
{
    return e->dir;
}

/* Checks that @path is an intact OpenRSM database this build can open. */
static rsm_rc verify_db_file(const char *path)
{
    sqlite3 *h = NULL;
    rsm_rc rc = RSM_OK;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    sqlite3_stmt *st = NULL;
    if (rc == RSM_OK && sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        const unsigned char *t = NULL;
        if (sqlite3_step(st) == SQLITE_ROW)
            t = sqlite3_column_text(st, 0);
        if (!t || strcmp((const char *)t, "ok") != 0)
            rc = RSM_E_DB_FAILURE;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == RSM_OK && sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK) {
        int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        if (v < 1 || v > RSM_DB_SCHEMA_VERSION)
            rc = RSM_E_DB_FAILURE;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rc;
}

rsm_rc rsm_db_verify_file(const char *path)
{
    return verify_db_file(path);
}

/* Empties the WAL of the live database into the main file so the file alone is complete. */
static void checkpoint_live(const char *dbpath)
{
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        (void)sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_close(h);
}

/* Installs DIR/Import/rsm.db as the live database when one is staged and no process has the
 * directory open (lock file). A staged file that fails verification is renamed
 * rsm.db.rejected and the live database stays. The replaced database is kept as
 * rsm.db.replaced. Each rename is atomic; a crash in between is finished on the next open. */
static void install_staged(const char *dir)
{
    char staged[PATH_MAX + 32], live[PATH_MAX + 32], aside[PATH_MAX + 48], tmp[PATH_MAX + 48];
    snprintf(staged, sizeof staged, "%s/Import/" RSM_DB_FILE, dir);
    if (access(staged, F_OK) != 0)
        return;
    snprintf(live, sizeof live, "%s/" RSM_DB_FILE, dir);
    if (verify_db_file(staged) != RSM_OK) {
        snprintf(tmp, sizeof tmp, "%s.rejected", staged);
        (void)rename(staged, tmp);
        return;
    }
    snprintf(aside, sizeof aside, "%s.replaced", live);
    bool had_live = access(live, F_OK) == 0;
    if (had_live) {
        checkpoint_live(live);
        if (rename(live, aside) != 0)
            return;
    }
    for (int i = 0; i < 2; i++) { /* WAL index and (now empty) log of the old file */
        snprintf(tmp, sizeof tmp, "%s%s", live, i ? "-shm" : "-wal");
        (void)unlink(tmp);
    }
    if (rename(staged, live) != 0 && had_live)
        (void)rename(aside, live); /* could not install: keep the database we had */
}

static rsm_rc load_wellknown(struct rsm_engine *e)
{
    struct {
        const char *key;
        struct rsm_guid *g;
    } k[] = {{"offline_library", &e->offline_lib}, {"root_pool", &e->root_pool},
             {"computer", &e->computer},           {"top_free", &e->top_free},
             {"top_import", &e->top_import},       {"top_foreign", &e->top_foreign}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        rsm_rc rc = rsm_db_meta_guid(e->db, k[i].key, k[i].g);
        if (rc != RSM_OK)
            return rc;
    }
    return RSM_OK;
}

/* mkdir -p @dir (mode 0700 for what it creates). */
static bool make_dirs(const char *dir)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return false;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return mkdir(p, 0700) == 0 || errno == EEXIST;
}

rsm_rc rsm_engine_open(const char *dir, struct rsm_engine **out)
{
    if (!dir || !*dir || !out)
        return RSM_E_INVALID_PARAMETER;
    if (!make_dirs(dir))
        return RSM_E_DB_FAILURE;
    char canon[PATH_MAX];
    if (!realpath(dir, canon))
        return RSM_E_DB_FAILURE;

    pthread_mutex_lock(&registry_mu);
    for (struct rsm_engine *e = registry; e; e = e->next) {
        /* An engine inherited across fork() belongs to the parent: its SQLite connection
         * and locks must not be used here, so the child opens its own. */
        if (e->pid == getpid() && strcmp(e->dir, canon) == 0) {
            e->refs++; /* paired with rsm_engine_close() */
            pthread_mutex_unlock(&registry_mu);
            *out = e;
            return RSM_OK;
        }
    }
    struct rsm_engine *e = calloc(1, sizeof *e);
    if (!e) {
        pthread_mutex_unlock(&registry_mu);
        return RSM_E_NOMEM;
    }
    snprintf(e->dir, sizeof e->dir, "%s", canon);
    /* Every engine holds a shared lock on DIR/rsm.lock; a staged import is installed only
     * by an opener that gets it exclusively, i.e. when no process has the database open. */
    char lockpath[PATH_MAX + 16];
    snprintf(lockpath, sizeof lockpath, "%s/rsm.lock", e->dir);
    e->lock_fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (e->lock_fd >= 0 && flock(e->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        install_staged(e->dir);
        (void)flock(e->lock_fd, LOCK_SH);
    } else if (e->lock_fd >= 0) {
        (void)flock(e->lock_fd, LOCK_SH);
    }
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/" RSM_DB_FILE, e->dir);
    rsm_rc rc = rsm_db_open(path, RSM_DB_SCHEMA_VERSION, &e->db);
    if (rc == RSM_OK)
        rc = load_wellknown(e);
    if (rc != RSM_OK) {
        rsm_db_close(e->db);
        if (e->lock_fd >= 0)
            close(e->lock_fd);
        free(e);
        pthread_mutex_unlock(&registry_mu);
        return rc;
    }
    pthread_mutex_init(&e->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&e->changed, &ca);
    pthread_condattr_destroy(&ca);
    e->refs = 1;
    e->pid = getpid();
    e->next = registry;
    registry = e;
    pthread_mutex_unlock(&registry_mu);
    *out = e;
    return RSM_OK;
}

void rsm_engine_close(struct rsm_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&registry_mu);
    if (--e->refs > 0) {
        pthread_mutex_unlock(&registry_mu);
        return;
    }
    for (struct rsm_engine **p = &registry; *p; p = &(*p)->next) {
        if (*p == e) {
            *p = e->next;
            break;
        }
    }
    pthread_mutex_unlock(&registry_mu);
    rsm_lc_engine_closing(e); /* device handles of its libraries (libctl.c) */
    rsm_notify_engine_closing(e); /* watchers and pending events (notify.c) */
    rsm_db_close(e->db);
    if (e->lock_fd >= 0)
        close(e->lock_fd);
    pthread_cond_destroy(&e->changed);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

rsm_rc rsm_engine_wellknown(struct rsm_engine *e, const char *which, struct rsm_guid *out)
{
    if (!strcmp(which, "offline_library"))
        *out = e->offline_lib;
    else if (!strcmp(which, "root_pool"))
        *out = e->root_pool;
    else if (!strcmp(which, "computer"))
        *out = e->computer;
    else if (!strcmp(which, "free"))
        *out = e->top_free;
    else if (!strcmp(which, "import"))
        *out = e->top_import;
    else if (!strcmp(which, "unrecognized"))
        *out = e->top_foreign;
    else
        return RSM_E_INVALID_PARAMETER;
    return RSM_OK;
}

/* Each query returns one row with a count of violations of one invariant. */
static const struct {
    const char *sql, *what;
} invariants[] = {
    {"SELECT count(*) FROM pmedia WHERE pool NOT IN (SELECT guid FROM pool)", "medium in no pool"},
    {"SELECT count(*) FROM pmedia p JOIN pool q ON q.guid=p.pool WHERE q.mtype IS NULL",
     "medium in a container pool"},
    {"SELECT count(*) FROM pmedia p WHERE (SELECT count(*) FROM side s WHERE s.pmedia=p.guid)"
     " <> p.n_sides",
     "side count differs from n_sides"},
    {"SELECT count(*) FROM side WHERE (lmedia IS NULL) <> (state NOT IN (5,6))",
     "allocated side without LMID or LMID on a free side"},
    {"SELECT count(*) FROM obj o LEFT JOIN side s ON s.guid=o.ref WHERE o.type=11 AND "
     "(s.guid IS NULL OR s.lmedia IS NOT o.guid)",
     "LMID not bound to its side"},
    {"SELECT count(*) FROM side s LEFT JOIN obj o ON o.guid=s.lmedia WHERE s.lmedia IS NOT "
     "NULL AND (o.guid IS NULL OR o.type <> 11 OR o.ref IS NOT s.guid)",
     "side bound to a missing or foreign LMID"},
    {"SELECT count(*) FROM (SELECT lmedia FROM side WHERE lmedia IS NOT NULL GROUP BY lmedia "
     "HAVING count(*) > 1)",
     "LMID bound to several sides"},
    {"SELECT count(*) FROM side s JOIN pmedia p ON p.guid=s.pmedia JOIN pool q ON "
     "q.guid=p.pool WHERE s.state IN (5,6,9) AND q.pooltype <> 1000",
     "allocated side outside an application pool"},
    {"SELECT count(*) FROM side s JOIN pmedia p ON p.guid=s.pmedia WHERE s.pool <> p.pool",
     "side pool differs from its medium's pool"},
    {"SELECT (SELECT count(*) FROM pool WHERE guid NOT IN (SELECT guid FROM obj WHERE type=12))"
     " + (SELECT count(*) FROM pmedia WHERE guid NOT IN (SELECT guid FROM obj WHERE type=15))"
     " + (SELECT count(*) FROM side WHERE guid NOT IN (SELECT guid FROM obj WHERE type=14))"
     " + (SELECT count(*) FROM opreq WHERE guid NOT IN (SELECT guid FROM obj WHERE type=17))",
     "type row without its object row"},
    {"SELECT count(*) FROM obj o WHERE o.type=12 AND o.guid NOT IN (SELECT guid FROM pool)",
     "pool object without its row"},
    {"SELECT count(*) FROM obj o WHERE o.type=15 AND o.guid NOT IN (SELECT guid FROM pmedia)",
     "physical-media object without its row"},
    {"SELECT count(*) FROM obj o WHERE o.type=14 AND o.guid NOT IN (SELECT guid FROM side)",
     "side object without its row"},
};

rsm_rc rsm_engine_check(struct rsm_engine *e, char *why, size_t cap)
{
    rsm_rc rc = RSM_OK;
    if (cap)
        why[0] = 0;
    rsm_engine_lock(e);
    sqlite3 *h = rsm_db_handle(e->db);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        rc = RSM_E_DB_FAILURE;
    } else {
        const unsigned char *t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        if (!t || strcmp((const char *)t, "ok") != 0) {
            snprintf(why, cap, "integrity_check: %s", t ? (const char *)t : "no result");
            rc = RSM_E_DB_FAILURE;
        }
    }
    sqlite3_finalize(st);
    if (rc == RSM_OK &&
        sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(why, cap, "foreign_key_check: table %s", sqlite3_column_text(st, 0));
            rc = RSM_E_DB_FAILURE;
        }
        sqlite3_finalize(st);
    }
    for (size_t i = 0; rc == RSM_OK && i < sizeof invariants / sizeof invariants[0]; i++) {
        if (sqlite3_prepare_v2(h, invariants[i].sql, -1, &st, NULL) != SQLITE_OK) {
            snprintf(why, cap, "prepare: %s", sqlite3_errmsg(h));
            rc = RSM_E_DB_FAILURE;
            break;
        }
        int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_finalize(st);
        if (n != 0) {
            snprintf(why, cap, "%s (%lld)", invariants[i].what, (long long)n);
            rc = RSM_E_DB_FAILURE;
        }
    }
    rsm_engine_unlock(e);
    return rc;
}
