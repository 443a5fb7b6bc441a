/* SPDX-License-Identifier: MIT
 * ExportNtmsDatabase / ImportNtmsDatabase (ntms-api.md §2.3, §6.9).
 *
 * Export: SQLite's online backup API copies the live database, page by page under its
 * read snapshot, into DIR/Export/rsm.db.tmp, which is checked and renamed over
 * DIR/Export/rsm.db: readers of the Export folder never see a half-written file, and
 * the engine keeps serving (other processes keep writing; the copy is the snapshot).
 * Import: checks DIR/Export/rsm.db (integrity_check, schema version this build knows) and
 * copies it to DIR/Import/rsm.db; rsm_engine_open() installs it when the directory is next
 * opened by no other process (engine.c). Nothing changes in the live database at call time.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsm/engine/internal.h"

/* Copies database @src (a connection) into file @dst_path with the backup API. */
static rsm_rc copy_db(sqlite3 *src, const char *dst_path)
{
    sqlite3 *dst = NULL;
    (void)unlink(dst_path);
    if (sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sqlite3_close(dst);
        return RSM_E_DB_FAILURE;
    }
    rsm_rc rc = RSM_OK;
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        rc = RSM_E_DB_FAILURE;
    } else {
        int src_rc = sqlite3_backup_step(b, -1);
        if (src_rc != SQLITE_DONE)
            rc = src_rc == SQLITE_BUSY || src_rc == SQLITE_LOCKED ? RSM_E_SHARING_VIOLATION
                                                                  : rsm_db_map(src_rc);
        if (sqlite3_backup_finish(b) != SQLITE_OK && rc == RSM_OK)
            rc = rsm_db_map(sqlite3_errcode(dst));
    }
    /* The copy is a plain rollback-journal file: self-contained, one file to back up. */
    if (rc == RSM_OK &&
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    if (sqlite3_close(dst) != SQLITE_OK && rc == RSM_OK)
        rc = RSM_E_DB_FAILURE;
    if (rc != RSM_OK)
        (void)unlink(dst_path);
    return rc;
}

static rsm_rc ensure_dir(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return RSM_OK;
    return RSM_E_DB_FAILURE;
}

rsm_rc rsm_db_export(struct rsm_engine *e, const struct rsm_caller *c)
{
    char dir[PATH_MAX + 16], tmp[PATH_MAX + 32], final[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/Export", e->dir);
    snprintf(tmp, sizeof tmp, "%s/" RSM_DB_FILE ".tmp", dir);
    snprintf(final, sizeof final, "%s/" RSM_DB_FILE, dir);
    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &e->computer, RSM_CONTROL_ACCESS);
    if (rc == RSM_OK)
        rc = ensure_dir(dir);
    if (rc == RSM_OK)
        rc = copy_db(rsm_db_handle(e->db), tmp);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        rc = rsm_db_verify_file(tmp);
    if (rc == RSM_OK && rename(tmp, final) != 0)
        rc = errno == EBUSY || errno == ETXTBSY ? RSM_E_SHARING_VIOLATION : RSM_E_DB_FAILURE;
    if (rc != RSM_OK)
        (void)unlink(tmp);
    return rc;
}

rsm_rc rsm_db_import(struct rsm_engine *e, const struct rsm_caller *c)
{
    char src[PATH_MAX + 32], dir[PATH_MAX + 16], tmp[PATH_MAX + 32], final[PATH_MAX + 32];
    snprintf(src, sizeof src, "%s/Export/" RSM_DB_FILE, e->dir);
    snprintf(dir, sizeof dir, "%s/Import", e->dir);
    snprintf(tmp, sizeof tmp, "%s/" RSM_DB_FILE ".tmp", dir);
    snprintf(final, sizeof final, "%s/" RSM_DB_FILE, dir);
    rsm_engine_lock(e);
    rsm_rc rc = rsm_sec_need(e, c, &e->computer, RSM_CONTROL_ACCESS);
    rsm_engine_unlock(e);
    if (rc == RSM_OK)
        rc = rsm_db_verify_file(src); /* refused now if it could never be installed */
    if (rc == RSM_OK)
        rc = ensure_dir(dir);
    sqlite3 *h = NULL;
    if (rc == RSM_OK && sqlite3_open_v2(src, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        rc = RSM_E_DB_FAILURE;
    if (rc == RSM_OK)
        rc = copy_db(h, tmp);
    sqlite3_close(h);
    if (rc == RSM_OK && rename(tmp, final) != 0)
        rc = RSM_E_DB_FAILURE;
    return rc;
}
