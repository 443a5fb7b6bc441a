/* SPDX-License-Identifier: MIT
 * rsm_sample_win: an RSM client written the way Windows RSM samples are written, run
 * against librsm's embedded engine. It proves that such code compiles and behaves on
 * Linux with a single change: the `#include <windows.h>` line below.
 *
 * What it does, as an application on Windows would: open a session (after showing how a
 * failed open reports through GetLastError()), find the online library and its media
 * pools with enumerate-and-retry-on-ERROR_INSUFFICIENT_BUFFER, move the new cartridges
 * from the Unrecognized pool to the Free pool, create an application pool, set its
 * policies through NTMS_OBJECTINFORMATION, allocate and deallocate media, read the pool's
 * name in both the W and the A form, and close the session.
 *
 * The library itself is put in the database beforehand by sample_fixture.c, standing in
 * for rsmd's device layer. Each step is a CUnit test; they run in order and share the
 * state below, so a failed step makes the later ones fail too.
 */
#define UNICODE
#define _UNICODE
#include <ntmsapi.h>
#include <openrsm/wintypes.h> /* on Windows: #include <windows.h> */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rsm/tests/sample_fixture.h"
#include "tests/lib/cutest.h"

/* ---- the application's state --------------------------------------------------------- */

static char g_dir[512]; /* database directory of the embedded engine */
static HANDLE g_hSession = INVALID_HANDLE_VALUE;
static NTMS_GUID g_library;  /* the online library */
static NTMS_GUID g_freePool; /* Free\LTO Ultrium */
static NTMS_GUID g_unrecognizedPool;
static NTMS_GUID g_mediaType;
static NTMS_GUID g_appPool; /* \SampleApp\Bänder */
static NTMS_GUID g_lmids[SAMPLE_N_CARTRIDGES];

/* ---- helpers, as RSM samples write them ---------------------------------------------- */

/* Lists the objects of @dwType in @lpContainer. Starts with room for one GUID and grows
 * the list while RSM answers ERROR_INSUFFICIENT_BUFFER, as the RSM documentation advises
 * (objects may appear between two calls). *ppList is malloc()ed; *pnRetries counts the
 * retries. */
static DWORD EnumerateAll(HANDLE hSession, LPNTMS_GUID lpContainer, DWORD dwType, DWORD dwOptions,
                          LPNTMS_GUID *ppList, LPDWORD pdwCount, int *pnRetries)
{
    DWORD dwSize = 1;
    LPNTMS_GUID lpList = (LPNTMS_GUID)malloc(sizeof(NTMS_GUID) * dwSize);
    DWORD dwRet;

    *pnRetries = 0;
    while ((dwRet = EnumerateNtmsObject(hSession, lpContainer, lpList, &dwSize, dwType,
                                        dwOptions)) == ERROR_INSUFFICIENT_BUFFER) {
        free(lpList);
        lpList = (LPNTMS_GUID)malloc(sizeof(NTMS_GUID) * dwSize);
        if (lpList == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
        (*pnRetries)++;
    }
    if (dwRet != ERROR_SUCCESS) {
        free(lpList);
        return dwRet;
    }
    *ppList = lpList;
    *pdwCount = dwSize;
    return ERROR_SUCCESS;
}

static DWORD GetInfo(HANDLE hSession, LPNTMS_GUID lpId, DWORD dwType,
                     NTMS_OBJECTINFORMATION *lpInfo)
{
    memset(lpInfo, 0, sizeof *lpInfo);
    lpInfo->dwSize = sizeof(NTMS_OBJECTINFORMATION);
    lpInfo->dwType = dwType;
    return GetNtmsObjectInformation(hSession, lpId, lpInfo);
}

/* A pool path as RSM renders it, with or without the leading backslash. */
static int SamePoolPath(LPCWSTR lpGot, LPCWSTR lpWant)
{
    if (lpGot[0] == L'\\')
        lpGot++;
    if (lpWant[0] == L'\\')
        lpWant++;
    return wcscmp(lpGot, lpWant) == 0;
}

/* ---- the steps ----------------------------------------------------------------------- */

/* A session that cannot open returns INVALID_HANDLE_VALUE and says why through
 * GetLastError(): here the database directory lies under a regular file. */
static void test_failed_open_reports_through_getlasterror(void)
{
    wchar_t szServer[600];
    swprintf(szServer, 600, L"embedded:%s/regular-file/db", g_dir);
    FILE *f;
    char path[600];
    snprintf(path, sizeof path, "%s/regular-file", g_dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);

    SetLastError(ERROR_SUCCESS);
    HANDLE hSession = OpenNtmsSession(szServer, L"SampleApp", 0);
    CU_ASSERT_PTR_EQUAL(hSession, INVALID_HANDLE_VALUE);
    DWORD dwErr = GetLastError();
    printf("\n  OpenNtmsSession(%ls) failed as expected, GetLastError() = %u\n", szServer,
           (unsigned)dwErr);
    CU_ASSERT(dwErr == ERROR_DATABASE_FAILURE || dwErr == ERROR_INVALID_PARAMETER ||
              dwErr == ERROR_NOT_CONNECTED || dwErr == ERROR_ACCESS_DENIED);
}

static void test_open_session(void)
{
    wchar_t szServer[600];
    swprintf(szServer, 600, L"embedded:%s/rsmdb", g_dir);
    g_hSession = OpenNtmsSession(szServer, L"SampleApp", 0);
    if (g_hSession == INVALID_HANDLE_VALUE)
        printf("\n  OpenNtmsSession failed: %u\n", (unsigned)GetLastError());
    CU_ASSERT_FATAL(g_hSession != INVALID_HANDLE_VALUE && g_hSession != NULL);
}

static void test_find_online_library(void)
{
    LPNTMS_GUID lpList = NULL;
    DWORD dwCount = 0;
    int nRetries;
    NTMS_OBJECTINFORMATION info;
    int nOnline = 0, nOffline = 0;

    CU_ASSERT_EQUAL_FATAL(
        EnumerateAll(g_hSession, NULL, NTMS_LIBRARY, 0, &lpList, &dwCount, &nRetries),
        ERROR_SUCCESS);
    CU_ASSERT(dwCount >= 2);  /* ours and the offline library */
    CU_ASSERT(nRetries >= 1); /* one GUID of room was not enough */
    for (DWORD i = 0; i < dwCount; i++) {
        CU_ASSERT_EQUAL_FATAL(GetInfo(g_hSession, &lpList[i], NTMS_LIBRARY, &info), ERROR_SUCCESS);
        if (info.Info.Library.LibraryType == NTMS_LIBRARYTYPE_ONLINE) {
            nOnline++;
            g_library = info.ObjectGuid;
            printf("\n  library \"%ls\": %u slots, %u media\n", info.szName,
                   (unsigned)info.Info.Library.dwNumberOfSlots,
                   (unsigned)info.Info.Library.dwNumberOfMedia);
            CU_ASSERT(wcscmp(info.szName, L"Sample Library") == 0);
            CU_ASSERT_EQUAL(info.Info.Library.dwNumberOfSlots, 4);
            CU_ASSERT_EQUAL(info.Info.Library.dwNumberOfMedia, SAMPLE_N_CARTRIDGES);
            CU_ASSERT(IsEqualGUID(&info.ObjectGuid, &lpList[i]));
        } else if (info.Info.Library.LibraryType == NTMS_LIBRARYTYPE_OFFLINE) {
            nOffline++;
        }
    }
    CU_ASSERT_EQUAL(nOnline, 1);
    CU_ASSERT_EQUAL(nOffline, 1);
    free(lpList);
}

/* Records a media-holding system pool: Free\<type> or Unrecognized\<type>. */
static void NotePool(const NTMS_OBJECTINFORMATION *info, int *pnFree, int *pnUnrecognized)
{
    if (info->Info.MediaPool.PoolType == NTMS_POOLTYPE_SCRATCH) {
        g_freePool = info->ObjectGuid;
        (*pnFree)++;
    } else if (info->Info.MediaPool.PoolType == NTMS_POOLTYPE_FOREIGN) {
        g_unrecognizedPool = info->ObjectGuid;
        g_mediaType = info->Info.MediaPool.MediaType;
        (*pnUnrecognized)++;
        CU_ASSERT_EQUAL(info->Info.MediaPool.dwNumberOfPhysicalMedia, SAMPLE_N_CARTRIDGES);
    }
}

/* The top level holds the application root pool (with NTMS_ENUM_ROOTPOOL) and the Free,
 * Import and Unrecognized pools, which hold one sub-pool per media type. */
static void test_find_system_pools(void)
{
    LPNTMS_GUID lpList = NULL, lpChildren = NULL;
    DWORD dwCount = 0, dwChildren = 0;
    int nRetries, nFree = 0, nUnrecognized = 0;
    NTMS_OBJECTINFORMATION info;

    CU_ASSERT_EQUAL_FATAL(EnumerateAll(g_hSession, NULL, NTMS_MEDIA_POOL, NTMS_ENUM_ROOTPOOL,
                                       &lpList, &dwCount, &nRetries),
                          ERROR_SUCCESS);
    CU_ASSERT(dwCount >= 4); /* the root pool, Free, Import, Unrecognized */
    CU_ASSERT(nRetries >= 1);
    for (DWORD i = 0; i < dwCount; i++) {
        CU_ASSERT_EQUAL_FATAL(GetInfo(g_hSession, &lpList[i], NTMS_MEDIA_POOL, &info),
                              ERROR_SUCCESS);
        printf("\n  pool \"%ls\": type %u, %u sub-pools", info.szName,
               (unsigned)info.Info.MediaPool.PoolType,
               (unsigned)info.Info.MediaPool.dwNumberOfMediaPools);
        if (!NTMS_IS_NULLGUID(info.Info.MediaPool.MediaType)) {
            NotePool(&info, &nFree, &nUnrecognized);
            continue;
        }
        if (info.Info.MediaPool.PoolType == NTMS_POOLTYPE_APPLICATION)
            continue; /* the application root: our pools go below it */
        CU_ASSERT_EQUAL_FATAL(EnumerateAll(g_hSession, &lpList[i], NTMS_MEDIA_POOL, 0, &lpChildren,
                                           &dwChildren, &nRetries),
                              ERROR_SUCCESS);
        CU_ASSERT_EQUAL(dwChildren, info.Info.MediaPool.dwNumberOfMediaPools);
        for (DWORD c = 0; c < dwChildren; c++) {
            CU_ASSERT_EQUAL_FATAL(GetInfo(g_hSession, &lpChildren[c], NTMS_MEDIA_POOL, &info),
                                  ERROR_SUCCESS);
            printf("\n    \"%ls\": %u media", info.szName,
                   (unsigned)info.Info.MediaPool.dwNumberOfPhysicalMedia);
            CU_ASSERT(IsEqualGUID(&info.Info.MediaPool.Parent, &lpList[i]));
            NotePool(&info, &nFree, &nUnrecognized);
        }
        free(lpChildren);
    }
    printf("\n");
    CU_ASSERT_EQUAL(nFree, 1);
    CU_ASSERT_EQUAL(nUnrecognized, 1);
    free(lpList);
}

/* New blank cartridges land in the Unrecognized pool; an administrator (or the backup
 * application) moves them to the Free pool so that applications can allocate them. */
static void test_move_new_media_to_free_pool(void)
{
    LPNTMS_GUID lpList = NULL;
    DWORD dwCount = 0;
    int nRetries;
    NTMS_OBJECTINFORMATION info;

    CU_ASSERT_EQUAL_FATAL(EnumerateAll(g_hSession, &g_unrecognizedPool, NTMS_PHYSICAL_MEDIA, 0,
                                       &lpList, &dwCount, &nRetries),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(dwCount, SAMPLE_N_CARTRIDGES);
    for (DWORD i = 0; i < dwCount; i++) {
        CU_ASSERT_EQUAL(GetInfo(g_hSession, &lpList[i], NTMS_PHYSICAL_MEDIA, &info), ERROR_SUCCESS);
        CU_ASSERT(wcsncmp(info.Info.PhysicalMedia.szBarCode, L"SMP00", 5) == 0);
        CU_ASSERT(IsEqualGUID(&info.Info.PhysicalMedia.CurrentLibrary, &g_library));
        CU_ASSERT_EQUAL(MoveToNtmsMediaPool(g_hSession, &lpList[i], &g_freePool), ERROR_SUCCESS);
    }
    free(lpList);
    CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_freePool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfPhysicalMedia, SAMPLE_N_CARTRIDGES);
}

static void test_create_application_pool(void)
{
    NTMS_GUID parent, again;
    CU_ASSERT_EQUAL_FATAL(
        CreateNtmsMediaPool(g_hSession, L"\\SampleApp", NULL, NTMS_OPEN_ALWAYS, NULL, &parent),
        ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(CreateNtmsMediaPool(g_hSession, L"\\SampleApp\\B\u00e4nder", &g_mediaType,
                                              NTMS_CREATE_NEW, NULL, &g_appPool),
                          ERROR_SUCCESS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPool(g_hSession, L"\\SampleApp\\B\u00e4nder", &g_mediaType,
                                        NTMS_CREATE_NEW, NULL, &again),
                    ERROR_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(CreateNtmsMediaPool(g_hSession, L"\\SampleApp\\B\u00e4nder", &g_mediaType,
                                        NTMS_OPEN_EXISTING, NULL, &again),
                    ERROR_SUCCESS);
    CU_ASSERT(IsEqualGUID(&again, &g_appPool));
    CU_ASSERT_FALSE(IsEqualGUID(&parent, &g_appPool));
}

static void test_media_pool_name(void)
{
    WCHAR szName[NTMS_POOLHIERARCHY_LENGTH];
    DWORD dwSize = 2; /* too small on purpose */
    CU_ASSERT_EQUAL(GetNtmsMediaPoolName(g_hSession, &g_appPool, szName, &dwSize),
                    ERROR_INSUFFICIENT_BUFFER);
    CU_ASSERT(dwSize > 2 && dwSize <= NTMS_POOLHIERARCHY_LENGTH);
    DWORD dwNeeded = dwSize;
    dwSize = NTMS_POOLHIERARCHY_LENGTH;
    CU_ASSERT_EQUAL_FATAL(GetNtmsMediaPoolName(g_hSession, &g_appPool, szName, &dwSize),
                          ERROR_SUCCESS);
    CU_ASSERT(SamePoolPath(szName, L"SampleApp\\B\u00e4nder"));
    CU_ASSERT_EQUAL(dwNeeded, wcslen(szName) + 1);

    /* The same through the A entry point: UTF-8, sizes in bytes. */
    char szNameA[NTMS_POOLHIERARCHY_LENGTH];
    DWORD dwSizeA = sizeof szNameA;
    CU_ASSERT_EQUAL_FATAL(GetNtmsMediaPoolNameA(g_hSession, &g_appPool, szNameA, &dwSizeA),
                          ERROR_SUCCESS);
    printf("\n  application pool: %s\n", szNameA); /* UTF-8, whatever the locale */
    const char *p = szNameA[0] == '\\' ? szNameA + 1 : szNameA;
    CU_ASSERT_STRING_EQUAL(p, "SampleApp\\B\xC3\xA4nder");
}

/* Get, modify, Set: the documented way to change writable members. */
static void test_set_pool_policies(void)
{
    NTMS_OBJECTINFORMATION info;
    CU_ASSERT_EQUAL_FATAL(GetInfo(g_hSession, &g_appPool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.PoolType, NTMS_POOLTYPE_APPLICATION);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfPhysicalMedia, 0);
    CU_ASSERT(wcscmp(info.szName, L"B\u00e4nder") == 0);
    info.Info.MediaPool.AllocationPolicy = NTMS_ALLOCATE_FROMSCRATCH;
    info.Info.MediaPool.DeallocationPolicy = NTMS_DEALLOCATE_TOSCRATCH;
    wcscpy(info.szDescription, L"weekly backups");
    CU_ASSERT_EQUAL_FATAL(SetNtmsObjectInformation(g_hSession, &g_appPool, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(GetInfo(g_hSession, &g_appPool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.AllocationPolicy, NTMS_ALLOCATE_FROMSCRATCH);
    CU_ASSERT_EQUAL(info.Info.MediaPool.DeallocationPolicy, NTMS_DEALLOCATE_TOSCRATCH);
    CU_ASSERT(wcscmp(info.szDescription, L"weekly backups") == 0);
}

static void test_allocate_media(void)
{
    NTMS_ALLOCATION_INFORMATION allocInfo;
    NTMS_OBJECTINFORMATION info;
    for (int i = 0; i < SAMPLE_N_CARTRIDGES; i++) {
        memset(&allocInfo, 0, sizeof allocInfo);
        allocInfo.dwSize = sizeof allocInfo;
        CU_ASSERT_EQUAL_FATAL(AllocateNtmsMedia(g_hSession, &g_appPool, NULL, &g_lmids[i],
                                                NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0, &allocInfo),
                              ERROR_SUCCESS);
        CU_ASSERT(IsEqualGUID(&allocInfo.AllocatedFrom, &g_freePool));
        CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_lmids[i], NTMS_LOGICAL_MEDIA, &info), ERROR_SUCCESS);
        CU_ASSERT(IsEqualGUID(&info.Info.LogicalMedia.MediaPool, &g_appPool));
        CU_ASSERT_EQUAL(info.Info.LogicalMedia.dwNumberOfPartitions, 1);
    }
    /* Everything is allocated now: with ERROR_IF_UNAVAILABLE RSM answers at once. */
    NTMS_GUID lmid;
    CU_ASSERT_EQUAL(AllocateNtmsMedia(g_hSession, &g_appPool, NULL, &lmid,
                                      NTMS_ALLOCATE_ERROR_IF_UNAVAILABLE, 0, NULL),
                    ERROR_MEDIA_UNAVAILABLE);
    CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_appPool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfPhysicalMedia, SAMPLE_N_CARTRIDGES);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfLogicalMedia, SAMPLE_N_CARTRIDGES);
}

static void test_deallocate_media(void)
{
    NTMS_OBJECTINFORMATION info;
    for (int i = 0; i < SAMPLE_N_CARTRIDGES; i++)
        CU_ASSERT_EQUAL(DeallocateNtmsMedia(g_hSession, &g_lmids[i], 0), ERROR_SUCCESS);
    /* DeallocationPolicy TOSCRATCH sent every medium back to the Free pool. */
    CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_appPool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfPhysicalMedia, 0);
    CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_freePool, NTMS_MEDIA_POOL, &info), ERROR_SUCCESS);
    CU_ASSERT_EQUAL(info.Info.MediaPool.dwNumberOfPhysicalMedia, SAMPLE_N_CARTRIDGES);
    /* A deallocated LMID no longer exists. */
    CU_ASSERT_EQUAL(GetInfo(g_hSession, &g_lmids[0], NTMS_LOGICAL_MEDIA, &info),
                    ERROR_OBJECT_NOT_FOUND);
}

static void test_close_session(void)
{
    CU_ASSERT_EQUAL(CloseNtmsSession(g_hSession), ERROR_SUCCESS);
    g_hSession = INVALID_HANDLE_VALUE;
}

/* ---- harness ------------------------------------------------------------------------- */

static int suite_init(void)
{
    test_mkdtemp(g_dir, sizeof g_dir);
    char db[600];
    snprintf(db, sizeof db, "%s/rsmdb", g_dir);
    return sample_fixture_build(db) == 0 ? 0 : 1;
}

static int suite_cleanup(void)
{
    if (g_hSession != INVALID_HANDLE_VALUE)
        (void)CloseNtmsSession(g_hSession); /* a step failed before closing it */
    test_rmtree(g_dir);
    return 0;
}

static CU_TestInfo sample_steps[] = {
    {"failed_open_reports_through_getlasterror", test_failed_open_reports_through_getlasterror},
    {"open_session", test_open_session},
    {"find_online_library", test_find_online_library},
    {"find_system_pools", test_find_system_pools},
    {"move_new_media_to_free_pool", test_move_new_media_to_free_pool},
    {"create_application_pool", test_create_application_pool},
    {"media_pool_name", test_media_pool_name},
    {"set_pool_policies", test_set_pool_policies},
    {"allocate_media", test_allocate_media},
    {"deallocate_media", test_deallocate_media},
    {"close_session", test_close_session},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo sample_suites[] = {
    {"rsm_sample_win", suite_init, suite_cleanup, NULL, NULL, sample_steps},
    CU_SUITE_INFO_NULL,
};

int main(int argc, char **argv)
{
    CU_SuiteInfo *const tables[] = {sample_suites, NULL};
    return cutest_main(argc, argv, tables);
}
