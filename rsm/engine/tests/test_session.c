/* SPDX-License-Identifier: MIT
 * Sessions: embedded server names, rsmd not reachable, handle validation, shared engines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rsm/engine/tests/helpers.h"

static void test_embedded_session_creates_database(void)
{
    char dir[256], server[300], path[320];
    test_mkdtemp(dir, sizeof dir);
    snprintf(server, sizeof server, "embedded:%s/new/nested/", dir); /* parents made too */
    HANDLE h = OpenNtmsSessionA(server, "app", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE && h != NULL);
    snprintf(path, sizeof path, "%s/new/nested/rsm.db", dir);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(CloseNtmsSession(h), ERROR_SUCCESS);
    test_rmtree(dir);
}

static void test_wide_open(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    wchar_t server[300];
    swprintf(server, 300, L"embedded:%s", dir);
    HANDLE h = OpenNtmsSessionW(server, L"wide app", 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    DWORD n = 0;
    CU_ASSERT_EQUAL(EnumerateNtmsObject(h, NULL, NULL, &n, NTMS_COMPUTER, 0),
                    ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(CloseNtmsSession(h), ERROR_SUCCESS);
    test_rmtree(dir);
}

static void test_no_server_without_rsmd_not_connected(void)
{
    char *saved = getenv("RSM_EMBEDDED") ? strdup(getenv("RSM_EMBEDDED")) : NULL;
    unsetenv("RSM_EMBEDDED");
    SetLastError(0);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(NULL, NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CU_ASSERT_EQUAL(OpenNtmsSessionA("", NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CU_ASSERT_EQUAL(OpenNtmsSessionA("otherhost", NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_NOT_CONNECTED);
    CU_ASSERT_EQUAL(OpenNtmsSessionA("embedded:", NULL, 0), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_COMPUTERNAME);
    /* A directory that cannot be created (even by root: /proc refuses). */
    CU_ASSERT_EQUAL(OpenNtmsSessionA("embedded:/proc/rsm-no-such/db", NULL, 0),
                    INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_DATABASE_FAILURE);
    if (saved) {
        setenv("RSM_EMBEDDED", saved, 1);
        free(saved);
    }
}

static void test_rsm_embedded_environment(void)
{
    char dir[256];
    test_mkdtemp(dir, sizeof dir);
    setenv("RSM_EMBEDDED", dir, 1);
    HANDLE h = OpenNtmsSessionA(NULL, NULL, 0);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CU_ASSERT_STRING_EQUAL(rsm_engine_dir(rsm_session_engine(h)), dir);
    CU_ASSERT_EQUAL(CloseNtmsSession(h), ERROR_SUCCESS);
    unsetenv("RSM_EMBEDDED");
    test_rmtree(dir);
}

static void test_bad_options_rejected(void)
{
    char dir[256], server[300];
    test_mkdtemp(dir, sizeof dir);
    snprintf(server, sizeof server, "embedded:%s", dir);
    CU_ASSERT_EQUAL(OpenNtmsSessionA(server, NULL, 2), INVALID_HANDLE_VALUE);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
    HANDLE h = OpenNtmsSessionA(server, NULL, NTMS_SESSION_QUERYEXPEDITE);
    CU_ASSERT_FATAL(h != INVALID_HANDLE_VALUE);
    CloseNtmsSession(h);
    test_rmtree(dir);
}

static void test_bad_handles_rejected(void)
{
    struct fx f;
    fx_open(&f);
    DWORD n = 0;
    int dummy;
    HANDLE bad[] = {NULL, INVALID_HANDLE_VALUE, (HANDLE)&dummy};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SetLastError(0);
        CU_ASSERT_EQUAL(EnumerateNtmsObject(bad[i], NULL, NULL, &n, NTMS_LIBRARY, 0),
                        ERROR_INVALID_HANDLE);
        CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
        CU_ASSERT_EQUAL(CloseNtmsSession(bad[i]), ERROR_INVALID_HANDLE);
        GUID g = {0};
        CU_ASSERT_EQUAL(AllocateNtmsMedia(bad[i], &g, NULL, &g, 0, 0, NULL), ERROR_INVALID_HANDLE);
        CU_ASSERT_EQUAL(ExportNtmsDatabase(bad[i]), ERROR_INVALID_HANDLE);
    }
    HANDLE h = f.h;
    fx_close(&f);
    /* A closed handle is dead. */
    CU_ASSERT_EQUAL(EnumerateNtmsObject(h, NULL, NULL, &n, NTMS_LIBRARY, 0), ERROR_INVALID_HANDLE);
    CU_ASSERT_EQUAL(CloseNtmsSession(h), ERROR_INVALID_HANDLE);
}

static void test_sessions_share_one_engine(void)
{
    struct fx f;
    fx_open(&f);
    HANDLE h2 = OpenNtmsSessionA(f.server, "second", 0);
    CU_ASSERT_FATAL(h2 != INVALID_HANDLE_VALUE);
    CU_ASSERT_PTR_EQUAL(rsm_session_engine(h2), f.e);
    GUID pool, again;
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(f.h, "Shared", &f.lto, NTMS_CREATE_NEW, NULL, &pool),
                    ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPoolA(h2, "Shared", NULL, NTMS_OPEN_EXISTING, NULL, &again),
                    ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&pool, &again));
    CU_ASSERT_EQUAL(CloseNtmsSession(h2), ERROR_SUCCESS);
    /* The first session still works after the second closed. */
    CU_ASSERT_EQUAL(fx_count(&f, NULL, NTMS_LIBRARY), 1);
    fx_close(&f);
}

static CU_TestInfo session_tests[] = {
    {"embedded_session_creates_database", test_embedded_session_creates_database},
    {"wide_open", test_wide_open},
    {"no_server_without_rsmd_not_connected", test_no_server_without_rsmd_not_connected},
    {"rsm_embedded_environment", test_rsm_embedded_environment},
    {"bad_options_rejected", test_bad_options_rejected},
    {"bad_handles_rejected", test_bad_handles_rejected},
    {"sessions_share_one_engine", test_sessions_share_one_engine},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo rsm_session_suites[] = {
    {"rsm_session", NULL, NULL, NULL, NULL, session_tests},
    CU_SUITE_INFO_NULL,
};
