/* SPDX-License-Identifier: MIT
 * The database: schema version and WAL, migration from version 1, refusal of a newer
 * schema, and consistency between processes on one directory.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsm/engine/db.h"
#include "rsm/engine/internal.h"
#include "rsm/engine/tests/helpers.h"

static int scalar_int(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

static void test_new_database_is_current_and_wal(void)
{
    struct fx f;
    fx_open(&f);
    char path[320];
    snprintf(path, sizeof path, "%s/db/rsm.db", f.dir);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA user_version"), RSM_DB_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(scalar_int(path, "SELECT count(*) FROM schema_migration"),
                    RSM_DB_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(scalar_int(path, "SELECT count(*) FROM pragma_journal_mode "
                                     "WHERE journal_mode='wal'"),
                    1);
    /* Seeded: one computer, the offline library, root + three system container pools. */
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_COMPUTER), 1);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_LIBRARY), 1);
    fx_check(&f);
    fx_close(&f);
}

/* New databases get 1 KiB pages (small transactions write less WAL, see db.c); one made
 * with another page size keeps it and still opens and migrates. */
static void test_page_size_new_and_existing(void)
{
    struct fx f;
    fx_open(&f);
    char path[320];
    snprintf(path, sizeof path, "%s/db/rsm.db", f.dir);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA page_size"), 1024);
    fx_close(&f);

    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/rsm.db", dir);
    sqlite3 *h = NULL;
    CU_ASSERT_FATAL(sqlite3_open(path, &h) == SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL", NULL,
                                 NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(h);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA page_size"), 4096);
    struct rsm_db *db = NULL;
    CU_ASSERT_FATAL(rsm_db_open(path, RSM_DB_SCHEMA_VERSION, &db) == RSM_OK);
    rsm_db_close(db);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA page_size"), 4096);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA user_version"), RSM_DB_SCHEMA_VERSION);
    test_rmtree(dir);
}

static void test_migration_from_version_1(void)
{
    char dir[256], path[320], server[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/rsm.db", dir);
    struct rsm_db *db = NULL;
    CU_ASSERT_FATAL(rsm_db_open(path, 1, &db) == RSM_OK);
    rsm_db_close(db);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA user_version"), 1);
    CU_ASSERT_EQUAL(scalar_int(path, "SELECT count(*) FROM pragma_table_info('pmedia') "
                                     "WHERE name='mtype_code'"),
                    0);
    /* Data written by a version-1 program: an attribute on the computer. */
    sqlite3 *h = NULL;
    CU_ASSERT_FATAL(sqlite3_open(path, &h) == SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h,
                                 "INSERT INTO attr(obj,name,value) SELECT value,'v1note',"
                                 "x'0102' FROM meta WHERE key='computer'",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(h);

    snprintf(server, sizeof server, "embedded:%s", dir);
    HANDLE s = OpenNtmsSessionA(server, NULL, 0);
    CU_ASSERT_FATAL(s != INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA user_version"), RSM_DB_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(scalar_int(path, "SELECT count(*) FROM pragma_table_info('pmedia') "
                                     "WHERE name='mtype_code'"),
                    1);
    CU_ASSERT_EQUAL(scalar_int(path, "SELECT count(*) FROM schema_migration"), 2);
    GUID comp;
    DWORD n = 1;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(s, NULL, &comp, &n, NTMS_COMPUTER, 0), ERROR_SUCCESS);
    BYTE buf[8];
    DWORD len = sizeof buf;
    CU_ASSERT_EQUAL(GetNtmsObjectAttributeA(s, &comp, NTMS_COMPUTER, "v1note", buf, &len),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(len, 2);
    CU_ASSERT(buf[0] == 1 && buf[1] == 2);
    CloseNtmsSession(s);
    test_rmtree(dir);
}

static void test_newer_schema_refused_untouched(void)
{
    struct fx f;
    fx_open(&f);
    char path[320];
    snprintf(path, sizeof path, "%s/db/rsm.db", f.dir);
    fx_close(&f); /* removes the dir: build again */
    fx_open(&f);
    snprintf(path, sizeof path, "%s/db/rsm.db", f.dir);
    CloseNtmsSession(f.h);
    f.h = NULL;
    sqlite3 *h = NULL;
    CU_ASSERT_FATAL(sqlite3_open(path, &h) == SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    SetLastError(0);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(f.server, NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DATABASE_FAILURE);
    CU_ASSERT_EQUAL(scalar_int(path, "PRAGMA user_version"), 99);
    test_rmtree(f.dir);
}

static void test_other_process_sees_changes(void)
{
    struct fx f;
    fx_open(&f);
    HANDLE stale = f.h;
    struct rsm_engine *stale_e = f.e;
    /* Keep this session open across fork() only to check the child cannot use it; the
     * engine is idle (no transaction), the one state in which that is harmless. */
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        /* The parent's handle is not valid here; the child opens its own engine. */
        GUID tmp;
        DWORD n0 = 0;
        if (EnumerateNtmsObject(stale, NULL, &tmp, &n0, NTMS_LIBRARY, 0) != ERROR_INVALID_HANDLE)
            _exit(3);
        HANDLE h = OpenNtmsSessionA(f.server, "child", 0);
        if (h != INVALID_HANDLE_VALUE && rsm_session_engine(h) == stale_e)
            _exit(4); /* must not reuse the parent's connection */
        GUID p;
        DWORD err = h == INVALID_HANDLE_VALUE
                        ? 1
                        : CreateNtmsMediaPoolA(h, "FromChild", &f.lto, NTMS_CREATE_NEW, NULL, &p);
        _exit(err == ERROR_SUCCESS ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    GUID p;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "FromChild", NULL, NTMS_OPEN_EXISTING, NULL, &p),
                    ERROR_SUCCESS);
    fx_check(&f);
    fx_close(&f);
}

static void test_guids_are_ordered_and_unique(void)
{
    struct rsm_guid prev, cur;
    rsm_guid_new(&prev);
    CU_ASSERT(!rsm_guid_is_null(&prev));
    int ordered = 1;
    for (int i = 0; i < 200000; i++) { /* > 65536 per millisecond exercises the carry */
        rsm_guid_new(&cur);
        if (memcmp(prev.b, cur.b, 8) >= 0)
            ordered = 0;
        prev = cur;
    }
    CU_ASSERT(ordered); /* time + counter prefix strictly increases: B-tree appends */
    char text[40];
    rsm_guid_str(&cur, text, sizeof text);
    CU_ASSERT_EQUAL(strlen(text), 38);
    CU_ASSERT(rsm_guid_is_null(NULL));
}

static void test_full_database_changes_nothing(void)
{
    struct fx f;
    fx_library(&f, 8, 8);
    for (int i = 0; i < 8; i++)
        fx_to_free(&f, i);
    GUID app = fx_pool(&f, "Full", &f.lto, NTMS_ALLOCATE_FROMSCRATCH, 0);
    /* Freeze the file at its current size: the next change needing a page fails. */
    rsm_engine_lock(f.e);
    sqlite3 *db = rsm_db_handle(f.e->db);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "PRAGMA max_page_count=1", NULL, NULL, NULL), SQLITE_OK);
    rsm_engine_unlock(f.e);
    /* Big attributes until the database is full. */
    static char blob[60000];
    memset(blob, 'x', sizeof blob);
    DWORD err = ERROR_SUCCESS;
    char name[32];
    int i;
    for (i = 0; i < 200 && err == ERROR_SUCCESS; i++) {
        snprintf(name, sizeof name, "fill%d", i);
        err = SetNtmsObjectAttributeA(f.h, &app, NTMS_MEDIA_POOL, name, blob, sizeof blob);
    }
    CU_ASSERT_EQUAL(err, ERROR_DATABASE_FULL);
    BYTE b;
    DWORD len = 1;
    CU_ASSERT_EQUAL(GetNtmsObjectAttributeA(f.h, &app, NTMS_MEDIA_POOL, name, &b, &len),
                    ERROR_OBJECT_NOT_FOUND); /* the failed one left nothing */
    /* Allocation on a full database: either it fits or nothing changed. */
    GUID lmid;
    DWORD a = AllocateNtmsMedia(f.h, &app, NULL, &lmid, 0, 0, NULL);
    CU_ASSERT(a == ERROR_SUCCESS || a == ERROR_DATABASE_FULL);
    if (a == ERROR_DATABASE_FULL)
        CU_ASSERT_EQUAL(fx_count(&f, &app, NTMS_LOGICAL_MEDIA), 0);
    GUID p;
    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "P%d", i);
        err = CreateNtmsMediaPoolA(f.h, name, &f.lto, NTMS_CREATE_NEW, NULL, &p);
        if (err != ERROR_SUCCESS)
            break;
    }
    CU_ASSERT_EQUAL(err, ERROR_DATABASE_FULL);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, name, NULL, NTMS_OPEN_EXISTING, NULL, &p),
                    ERROR_OBJECT_NOT_FOUND);
    fx_check(&f);
    /* Room again: work resumes. */
    rsm_engine_lock(f.e);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "PRAGMA max_page_count=1073741823", NULL, NULL, NULL),
                    SQLITE_OK);
    rsm_engine_unlock(f.e);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, name, &f.lto, NTMS_CREATE_NEW, NULL, &p),
                    ERROR_SUCCESS);
    fx_close(&f);
}

static CU_TestInfo db_tests[] = {
    {"new_database_is_current_and_wal", test_new_database_is_current_and_wal},
    {"page_size_new_and_existing", test_page_size_new_and_existing},
    {"migration_from_version_1", test_migration_from_version_1},
    {"newer_schema_refused_untouched", test_newer_schema_refused_untouched},
    {"other_process_sees_changes", test_other_process_sees_changes},
    {"guids_are_ordered_and_unique", test_guids_are_ordered_and_unique},
    {"full_database_changes_nothing", test_full_database_changes_nothing},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_db_suites[] = {
    {"rsm_db", NULL, NULL, NULL, NULL, db_tests},
    CU_SUITE_INFO_NULL,
};
