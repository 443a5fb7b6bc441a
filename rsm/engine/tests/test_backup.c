/* SPDX-License-Identifier: MIT
 * ExportNtmsDatabase / ImportNtmsDatabase: a consistent snapshot while running, staged
 * import installed at the next open, bad files refused cleanly.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsm/engine/internal.h"
#include "rsm/engine/tests/helpers.h"

static int file_exists(const char *dir, const char *rel)
{
    char p[400];
    snprintf(p, sizeof p, "%s/db/%s", dir, rel);
    return access(p, F_OK) == 0;
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char p[400];
    snprintf(p, sizeof p, "%s/db/%s", dir, rel);
    FILE *fp = fopen(p, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fputs(text, fp);
    fclose(fp);
}

static DWORD pool_exists(HANDLE h, const char *name)
{
    GUID p;
    return CreateNtmsMediaPoolA(h, name, NULL, NTMS_OPEN_EXISTING, NULL, &p);
}

static void test_export_then_import_restores_snapshot(void)
{
    struct fx f;
    fx_library(&f, 4, 2);
    GUID before = fx_pool(&f, "Before", &f.lto, 0, 0);
    (void)before;
    CU_ASSERT_EQUAL(ExportNtmsDatabase(f.h), ERROR_SUCCESS);
    CU_ASSERT(file_exists(f.dir, "Export/rsm.db"));
    CU_ASSERT(!file_exists(f.dir, "Export/rsm.db.tmp"));
    char path[400];
    snprintf(path, sizeof path, "%s/db/Export/rsm.db", f.dir);
    CU_ASSERT_EQUAL(rsm_db_verify_file(path), RSM_OK);
    fx_pool(&f, "After", &f.lto, 0, 0);
    CU_ASSERT_EQUAL(ImportNtmsDatabase(f.h), ERROR_SUCCESS);
    CU_ASSERT(file_exists(f.dir, "Import/rsm.db"));
    /* Nothing changes while running. */
    CU_ASSERT_EQUAL(pool_exists(f.h, "After"), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CloseNtmsSession(f.h), ERROR_SUCCESS);
    f.h = OpenNtmsSessionA(f.server, NULL, 0);
    CU_ASSERT_FATAL(f.h != INVALID_HANDLE_VALUE);
    f.e = rsm_session_engine(f.h);
    CU_ASSERT_EQUAL(pool_exists(f.h, "Before"), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(pool_exists(f.h, "After"), ERROR_OBJECT_NOT_FOUND);
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_PHYSICAL_MEDIA), 2);
    CU_ASSERT(!file_exists(f.dir, "Import/rsm.db"));
    CU_ASSERT(file_exists(f.dir, "rsm.db.replaced"));
    fx_check(&f);
    fx_close(&f);
}

static void test_bad_export_refused(void)
{
    struct fx f;
    fx_open(&f);
    CU_ASSERT_EQUAL(ImportNtmsDatabase(f.h), ERROR_DATABASE_FAILURE); /* nothing exported */
    CU_ASSERT_EQUAL(ExportNtmsDatabase(f.h), ERROR_SUCCESS);
    write_file(f.dir, "Export/rsm.db", "this is not a database, just some text that is long");
    CU_ASSERT_EQUAL(ImportNtmsDatabase(f.h), ERROR_DATABASE_FAILURE);
    CU_ASSERT(!file_exists(f.dir, "Import/rsm.db"));
    fx_close(&f);
}

static void test_bad_staged_file_ignored_at_open(void)
{
    struct fx f;
    fx_open(&f);
    fx_pool(&f, "Live", &f.lto, 0, 0);
    CU_ASSERT_EQUAL(CloseNtmsSession(f.h), ERROR_SUCCESS);
    char p[400];
    snprintf(p, sizeof p, "%s/db/Import", f.dir);
    CU_ASSERT_EQUAL(mkdir(p, 0700), 0);
    write_file(f.dir, "Import/rsm.db", "garbage garbage garbage garbage garbage garbage");
    f.h = OpenNtmsSessionA(f.server, NULL, 0);
    CU_ASSERT_FATAL(f.h != INVALID_HANDLE_VALUE);
    f.e = rsm_session_engine(f.h);
    CU_ASSERT_EQUAL(pool_exists(f.h, "Live"), ERROR_SUCCESS);
    CU_ASSERT(file_exists(f.dir, "Import/rsm.db.rejected"));
    fx_close(&f);
}

static CU_TestInfo backup_tests[] = {
    {"export_then_import_restores_snapshot", test_export_then_import_restores_snapshot},
    {"bad_export_refused", test_bad_export_refused},
    {"bad_staged_file_ignored_at_open", test_bad_staged_file_ignored_at_open},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_backup_suites[] = {
    {"rsm_backup", NULL, NULL, NULL, NULL, backup_tests},
    CU_SUITE_INFO_NULL,
};
